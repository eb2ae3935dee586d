//! Readers for PETRARCH-format dictionaries: the verb dictionary (CAMEO 2.0 and the
//! validation-suite verbs), discards, issues, and the `.ini` configuration that names them.

use crate::dict::{self, Block, CodePair, Pattern, Predicate, Synsets, VerbDict};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Reads a PETRARCH verb dictionary. Malformed lines become warnings (`file:line: msg`).
pub fn read_verbs(name: &str, text: &str) -> (VerbDict, Vec<String>) {
    let mut d = VerbDict { name: name.to_string(), require_dyad: true, report_embedded: false, ..Default::default() };
    let mut warnings = Vec::new();
    // First pass: synonym sets (they may be defined after use).
    let mut sets: Synsets = HashMap::new();
    {
        let mut cur: Option<String> = None;
        for raw in text.lines() {
            let line = strip_comment(raw);
            let t = line.trim();
            if t.is_empty() {
                continue;
            }
            if t.starts_with('&') && !raw.starts_with('-') {
                let name = t.split_whitespace().next().unwrap_or("").to_string();
                sets.entry(name.clone()).or_default();
                cur = Some(name);
            } else if let (Some(c), Some(m)) = (&cur, t.strip_prefix('+')) {
                if !m.contains('{') {
                    sets.entry(c.clone()).or_default().push(m.trim().to_string());
                } else {
                    cur = None;
                }
            } else {
                cur = None;
            }
        }
    }
    let mut in_set = false;
    let mut cur_block: Option<usize> = None;
    let mut in_comment = false;
    for (n, raw) in text.lines().enumerate() {
        let lineno = n + 1;
        let mut warn = |m: String| warnings.push(format!("{name}:{lineno}: {m}"));
        if in_comment {
            if raw.contains("-->") {
                in_comment = false;
            }
            continue;
        }
        if raw.trim_start().starts_with("<!") {
            if !raw.contains("-->") {
                in_comment = true;
            }
            continue;
        }
        let line = strip_comment(raw);
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if t.starts_with('&') {
            in_set = true;
            continue;
        }
        if t.starts_with('+') && in_set {
            continue;
        }
        in_set = false;
        if t.starts_with("---") {
            // --- NAME [CODE] ---
            let inner = t.trim_matches('-').trim();
            let (bname, code) = match (inner.find('['), inner.find(']')) {
                (Some(a), Some(b)) if b > a => (inner[..a].trim(), &inner[a..=b]),
                _ => (inner, "[---]"),
            };
            let code = CodePair::parse(code).unwrap_or_else(|e| {
                warn(e);
                CodePair::default()
            });
            d.blocks.push(Block { name: bname.to_string(), code, patterns: Vec::new(), report: false, id: format!("{name}:{lineno}") });
            cur_block = Some(d.blocks.len() - 1);
            continue;
        }
        if t.starts_with('~') {
            continue; // verb transformations: not used by this coder
        }
        let Some(b) = cur_block else {
            if !t.starts_with('#') {
                warn(format!("line outside a verb block: '{t}'"));
            }
            continue;
        };
        if t.starts_with('-') || (t.contains('*') && t.contains('[')) {
            let body = t.trim_start_matches('-').trim();
            let (pat, code) = match (body.rfind('['), body.rfind(']')) {
                (Some(a), Some(e)) if e > a => (&body[..a], &body[a..=e]),
                _ => {
                    warn("pattern without a [code]".into());
                    continue;
                }
            };
            let code = match CodePair::parse(code) {
                Ok(c) => c,
                Err(e) => {
                    warn(e);
                    continue;
                }
            };
            match dict::parse_pattern(pat, &sets) {
                Ok((pre, post)) => {
                    let w = dict::weight(&pre) + dict::weight(&post);
                    d.blocks[b].patterns.push(Pattern { pre, post, code, id: format!("{name}:{lineno}"), text: pat.trim().to_string(), weight: w });
                    d.n_patterns += 1;
                }
                Err(e) => warn(e),
            }
            continue;
        }
        // verb line: WORD [{FORMS}] [CODE]; TABARI-style ';' comments, "WORD[CODE]"
        let t = t.split(';').next().unwrap_or("").replace('[', " [");
        let t = t.trim();
        let (head_part, forms_part) = match (t.find('{'), t.find('}')) {
            (Some(a), Some(e)) if e > a => (format!("{} {}", &t[..a], &t[e + 1..]), Some(&t[a + 1..e])),
            (Some(_), _) => {
                warn("unclosed '{'".into());
                continue;
            }
            _ => (t.to_string(), None),
        };
        let mut words: Vec<&str> = head_part.split_whitespace().collect();
        let mut code = None;
        if let Some(last) = words.last() {
            if last.starts_with('[') {
                match CodePair::parse(last) {
                    Ok(c) => code = Some(c),
                    Err(e) => warn(e),
                }
                words.pop();
            }
        }
        let Some(stem) = words.first() else { continue };
        if words.len() > 1 {
            warn(format!("unexpected words after verb '{stem}'"));
        }
        let origin = format!("{name}:{lineno}");
        let mut forms: Vec<String> = vec![stem.to_string()];
        if let Some(f) = forms_part {
            forms.extend(f.split(|c: char| c.is_whitespace() || c == ',').filter(|s| !s.is_empty()).map(|s| s.to_string()));
        }
        for (k, form) in forms.into_iter().enumerate() {
            // regular forms of the stem are always generated; listed forms are added as is
            let generate = k == 0;
            let (before, verb, after) = split_multiword(&form);
            if verb.is_empty() || !verb.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '\'' || c == '.') {
                warn(format!("bad verb form '{form}'"));
                continue;
            }
            let pred = Predicate { block: b as u32, code: code.clone(), before, after, noun: false, origin: origin.clone() };
            let variants = if generate { dict::verb_forms(&verb) } else { vec![verb.to_ascii_uppercase()] };
            for v in variants {
                d.add_form(&v, pred.clone());
            }
        }
    }
    (d, warnings)
}

/// `WIRE_+TAP` -> (["WIRE"], "TAP", []); `+CORDON_OFF` -> ([], "CORDON", ["OFF"]);
/// `RE_+ARREST` -> (["RE"], "ARREST", []).
fn split_multiword(form: &str) -> (Vec<String>, String, Vec<String>) {
    let up = form.to_ascii_uppercase();
    if !up.contains('_') {
        return (Vec::new(), up.trim_start_matches('+').to_string(), Vec::new());
    }
    let parts: Vec<&str> = up.split('_').filter(|s| !s.is_empty()).collect();
    let vi = parts.iter().position(|p| p.starts_with('+')).unwrap_or(0);
    let before = parts[..vi].iter().map(|s| s.to_string()).collect();
    let after = parts[vi + 1..].iter().map(|s| s.to_string()).collect();
    (before, parts[vi].trim_start_matches('+').to_string(), after)
}

/// PETRARCH comment rule: `#` at the start of a line, or ` #` later on it.
fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find('#') {
        Some(i) => &line[..i],
        None => line,
    }
}

/// Discard phrases: a sentence (or, for story discards, the whole article) containing
/// one is not coded.
#[derive(Clone, Debug, Default)]
pub struct Discards {
    /// (words upper case, whole-word last word, story-level).
    pub phrases: Vec<(Vec<String>, bool, bool)>,
    /// Phrases indexed by first word.
    pub by_first: HashMap<String, Vec<usize>>,
}

impl Discards {
    /// Reads a PETRARCH discard file.
    pub fn read(name: &str, text: &str) -> (Discards, Vec<String>) {
        let mut d = Discards::default();
        let mut w = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let t = strip_comment(raw).trim();
            if t.is_empty() || t.starts_with("<!") {
                continue;
            }
            let (story, body) = match t.strip_prefix('+') {
                Some(b) => (true, b.trim()),
                None => (false, t),
            };
            let whole = body.ends_with('_');
            let words: Vec<String> = body.trim_end_matches('_').split(|c: char| c.is_whitespace() || c == '_').filter(|s| !s.is_empty()).map(|s| s.to_uppercase()).collect();
            if words.is_empty() {
                w.push(format!("{name}:{}: empty discard phrase", n + 1));
                continue;
            }
            d.by_first.entry(words[0].clone()).or_default().push(d.phrases.len());
            d.phrases.push((words, whole, story));
        }
        (d, w)
    }
    /// Checks a sequence of upper-case words: `Some(story_level)` when a phrase occurs.
    /// Non-final words must match exactly; the last is a stem unless marked whole-word.
    pub fn check(&self, words: &[String]) -> Option<(bool, String)> {
        let mut hit: Option<(bool, String)> = None;
        for (i, w) in words.iter().enumerate() {
            // the first word may itself be a stem for one-word phrases: try prefixes
            let cands = self.by_first.get(w.as_str()).into_iter().flatten().copied().chain(
                if w.len() > 3 { (3..w.len()).filter_map(|k| w.get(..k)).flat_map(|p| self.by_first.get(p).into_iter().flatten().copied()).collect::<Vec<_>>() } else { Vec::new() },
            );
            for k in cands {
                let (ph, whole, story) = &self.phrases[k];
                if i + ph.len() > words.len() {
                    continue;
                }
                let ok = ph.iter().enumerate().all(|(j, p)| {
                    let t = &words[i + j];
                    if j + 1 == ph.len() && !*whole {
                        t.starts_with(p.as_str())
                    } else {
                        t == p
                    }
                });
                if ok {
                    let story = *story;
                    if hit.as_ref().is_none_or(|h| story && !h.0) {
                        hit = Some((story, ph.join(" ")));
                    }
                }
            }
        }
        hit
    }
}

/// Issue phrases (`<string> [CODE]`), counted per sentence. Loaded for compatibility and
/// reported by `explain`.
#[derive(Clone, Debug, Default)]
pub struct Issues {
    /// (words upper case, issue code).
    pub phrases: Vec<(Vec<String>, String)>,
}

impl Issues {
    /// Reads a PETRARCH issues file, expanding `n:` (noun plural), `v:` (verb forms) and
    /// `+` (space or hyphen).
    pub fn read(name: &str, text: &str) -> (Issues, Vec<String>) {
        let mut iss = Issues::default();
        let mut w = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let t = strip_comment(raw).trim();
            if t.is_empty() || t.starts_with('<') || t.starts_with('~') {
                continue;
            }
            // PETRARCH skips lines without a code (category notes)
            let (Some(a), Some(b)) = (t.find('['), t.find(']')) else {
                continue;
            };
            if b < a {
                w.push(format!("{name}:{}: malformed [CODE]", n + 1));
                continue;
            }
            let code = t[a + 1..b].trim().to_string();
            let mut forms: Vec<Vec<String>> = vec![Vec::new()];
            for word in t[..a].split_whitespace() {
                let up = word.to_uppercase();
                let alts: Vec<Vec<String>> = if let Some(x) = up.strip_prefix("N:") {
                    vec![vec![x.to_string()], vec![dict::noun_plural(x)]]
                } else if let Some(x) = up.strip_prefix("V:") {
                    dict::verb_forms(x).into_iter().map(|f| vec![f]).collect()
                } else if up.contains('+') {
                    vec![up.split('+').map(|s| s.to_string()).collect(), vec![up.replace('+', "-")]]
                } else {
                    vec![vec![up]]
                };
                let mut next = Vec::new();
                for f in &forms {
                    for a in &alts {
                        let mut g = f.clone();
                        g.extend(a.iter().cloned());
                        next.push(g);
                    }
                }
                forms = next;
            }
            for f in forms {
                if !f.is_empty() {
                    iss.phrases.push((f, code.clone()));
                }
            }
        }
        (iss, w)
    }
}

/// The file names a PETRARCH `.ini` names, resolved relative to the `.ini`'s folder.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IniFiles {
    /// `verbfile_name`.
    pub verbs: Option<PathBuf>,
    /// `actorfile_list`.
    pub actors: Vec<PathBuf>,
    /// `agentfile_name`.
    pub agents: Option<PathBuf>,
    /// `discardfile_name`.
    pub discards: Option<PathBuf>,
    /// `issuefile_name`.
    pub issues: Option<PathBuf>,
}

/// Parses a PETRARCH config file (`[Dictionaries]` section; `#`/`;` comments;
/// continuation lines start with white space).
pub fn parse_ini(path: &Path, text: &str) -> Result<IniFiles, String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut section = String::new();
    let mut kv: Vec<(String, String)> = Vec::new();
    for raw in text.lines() {
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') {
            section = t[1..t.len() - 1].trim().to_ascii_lowercase();
            continue;
        }
        if raw.starts_with([' ', '\t']) {
            if let Some(last) = kv.last_mut() {
                last.1.push(' ');
                last.1.push_str(t);
            }
            continue;
        }
        if section != "dictionaries" {
            continue;
        }
        if let Some((k, v)) = t.split_once(['=', ':']) {
            kv.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let res = |v: &str| -> PathBuf { dir.join(v.trim()) };
    let mut f = IniFiles::default();
    for (k, v) in kv {
        match k.as_str() {
            "verbfile_name" => f.verbs = Some(res(&v)),
            "actorfile_list" => f.actors = v.split(',').map(|s| s.trim()).filter(|s| !s.is_empty()).map(res).collect(),
            "agentfile_name" => f.agents = Some(res(&v)),
            "discardfile_name" => f.discards = Some(res(&v)),
            "issuefile_name" => f.issues = Some(res(&v)),
            _ => {}
        }
    }
    if f.verbs.is_none() {
        return Err(format!("{}: no verbfile_name in [Dictionaries]", path.display()));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERBS: &str = "\
####### SYNONYM SETS #######
&TIETYPES
+MILITARY
+ECONOMIC

####### VERB PATTERNS #######
--- BREAK [120] ---
BREAK { BROKE BROKEN  }
+BREAK_DOWN {+BREAKS_DOWN +BROKE_DOWN +BROKEN_DOWN }
- * TREATY  [1246]
- * {&TIETYPES TIES} [080] # comment
- * (OFF [195]
- * FOO [9z9]

--- MEET  [040:040]  ---
MEET {MEETS MET MEETING}
WIRE_+TAP {WIRE_+TAPPED}
";

    #[test]
    fn reads_verbs_with_warnings() {
        let (d, w) = read_verbs("v.txt", VERBS);
        assert_eq!(d.blocks.len(), 2);
        assert_eq!(d.blocks[0].patterns.len(), 2);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].starts_with("v.txt:12:"), "{w:?}");
        assert!(w[1].starts_with("v.txt:13:"), "{w:?}");
        assert_eq!(d.lookup("BROKE").len(), 2); // BREAK and BREAK_DOWN
        assert!(d.lookup("BROKE").iter().any(|p| p.after == vec!["DOWN".to_string()]));
        assert_eq!(d.lookup("MET")[0].block, 1);
        assert_eq!(d.lookup("TAPPED")[0].before, vec!["WIRE".to_string()]);
        assert_eq!(d.blocks[1].code.rev.as_deref(), Some("040"));
    }

    #[test]
    fn discards() {
        let (d, w) = Discards::read("d", "BASEBALL\n+WORLD GOLF_ # x\n\nAFRICAN NATIONS CUP\n");
        assert!(w.is_empty());
        let s = |t: &str| t.split_whitespace().map(|x| x.to_uppercase()).collect::<Vec<_>>();
        assert_eq!(d.check(&s("they play baseballs")).map(|h| h.0), Some(false));
        assert_eq!(d.check(&s("the world golf event")).map(|h| h.0), Some(true));
        assert_eq!(d.check(&s("the world golfer")), None);
        assert!(d.check(&s("the African Nations Cup final")).is_some());
        assert!(d.check(&s("nothing here")).is_none());
    }

    #[test]
    fn ini() {
        let f = parse_ini(Path::new("/x/y/p.ini"), "[Dictionaries]\nverbfile_name = d/v.txt\nactorfile_list = a.txt, b.txt,\n  c.txt\n# c\nagentfile_name=ag.txt\n[Options]\nfoo = 1\n").unwrap();
        assert_eq!(f.verbs, Some(PathBuf::from("/x/y/d/v.txt")));
        assert_eq!(f.actors.len(), 3);
        assert_eq!(f.agents, Some(PathBuf::from("/x/y/ag.txt")));
        assert!(parse_ini(Path::new("p.ini"), "[Dictionaries]\n").is_err());
    }

    #[test]
    fn issues() {
        let (i, w) = Issues::read("i", "n:genocide [ATROCITY]\nethnic v:purge [ATROCITY]\nno code line\nbad ]x[\n");
        assert_eq!(w.len(), 1);
        assert!(i.phrases.iter().any(|(p, _)| p == &vec!["GENOCIDES".to_string()]));
        assert!(i.phrases.iter().any(|(p, _)| p == &vec!["ETHNIC".to_string(), "PURGED".to_string()]));
    }
}
