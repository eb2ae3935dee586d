//! The verb/noun dictionary model shared by dateline's own dictionary format
//! (`dictionaries/verbs.txt`, see `dictionaries/VERBS.md`) and the PETRARCH verb
//! dictionaries, and the reader for dateline's own format.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: word lookups are on short keys, where it beats SipHash several times over.
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A map keyed by words.
pub type WordMap<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

/// Codes an entry or pattern assigns: `fwd` for source → target, `rev` for target →
/// source (PETRARCH `[042:043]`). `None` is the null code `---` (no event).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodePair {
    /// Code of the event source → target.
    pub fwd: Option<String>,
    /// Code of the reverse event target → source.
    pub rev: Option<String>,
}

impl CodePair {
    /// Parses `040`, `042:043`, `:1243`, `---`, `-` (with or without brackets).
    /// Returns `Err` for a code that is neither digits (with at most one trailing letter)
    /// nor the null code.
    pub fn parse(s: &str) -> Result<CodePair, String> {
        let s = s.trim().trim_start_matches('[').trim_end_matches(']').trim();
        let (a, b) = match s.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        let one = |x: &str| -> Result<Option<String>, String> {
            let x = x.trim();
            if x.is_empty() || x.chars().all(|c| c == '-') {
                return Ok(None);
            }
            let digits = x.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            if digits.len() >= 2 && digits.len() <= 4 && digits.bytes().all(|b| b.is_ascii_digit()) && x.len() - digits.len() <= 1 {
                Ok(Some(x.to_string()))
            } else {
                Err(format!("bad event code '{x}'"))
            }
        };
        Ok(CodePair { fwd: one(a)?, rev: match b { Some(b) => one(b)?, None => None } })
    }
    /// Whether neither direction yields an event.
    pub fn is_null(&self) -> bool {
        self.fwd.is_none() && self.rev.is_none()
    }
    /// `040`, `042:043`, `---`.
    pub fn display(&self) -> String {
        let f = self.fwd.as_deref().unwrap_or("---");
        match &self.rev {
            Some(r) => format!("{f}:{r}"),
            None => f.to_string(),
        }
    }
}

/// One element of a pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum Elem {
    /// One of several word sequences (upper case), e.g. a word or a synonym set.
    Words(Vec<Vec<String>>),
    /// `{A B C}`: a noun phrase whose last item is the head, modifiers before it.
    Np(Vec<Vec<Vec<String>>>),
    /// `(P ...)`: a prepositional phrase with preposition P and its contents.
    Prep(Vec<Vec<String>>, Vec<Elem>),
    /// `$`: the source actor is here.
    Source,
    /// `+`: the target actor is here.
    Target,
    /// `^`: skip a phrase (matches anything, including nothing).
    Skip,
    /// `%`: compound actors: a plural subject acts on its own members.
    Compound,
}

/// A pattern of a verb block: words before the predicate (`pre`) and after (`post`).
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// Elements before the predicate, in text order.
    pub pre: Vec<Elem>,
    /// Elements after the predicate, in text order.
    pub post: Vec<Elem>,
    /// Code(s) when matched.
    pub code: CodePair,
    /// Rule id (`verbs:discuss+with#040`, `CAMEO.2.0.txt:1234`).
    pub id: String,
    /// The pattern as written (for `explain`).
    pub text: String,
    /// Number of word elements: more specific patterns win.
    pub weight: u32,
}

/// A block of synonymous predicates sharing patterns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Block {
    /// Block name (`MEET`, `discuss`).
    pub name: String,
    /// Default code of the block's predicates.
    pub code: CodePair,
    /// Patterns, in dictionary order.
    pub patterns: Vec<Pattern>,
    /// A reporting verb ("say", "announce"): its clausal complement is coded too.
    pub report: bool,
    /// Rule id of the bare block (`verbs:discuss`).
    pub id: String,
}

/// A predicate word (verb or noun) pointing at its block.
#[derive(Clone, Debug, PartialEq)]
pub struct Predicate {
    /// Index into `VerbDict::blocks`.
    pub block: u32,
    /// Own code overriding the block's default.
    pub code: Option<CodePair>,
    /// Words that must come right before the predicate word ("air" strike).
    pub before: Vec<String>,
    /// Words that must follow it (particles: "pull" out, "cordon" off).
    pub after: Vec<String>,
    /// A nominal predicate ("talks", "sanctions").
    pub noun: bool,
    /// Where it was defined (file:line) for `explain`.
    pub origin: String,
}

/// A compiled verb/noun dictionary.
#[derive(Clone, Debug, Default)]
pub struct VerbDict {
    /// Name used in messages (`verbs.txt`, `CAMEO.2.0.txt`).
    pub name: String,
    /// Blocks.
    pub blocks: Vec<Block>,
    /// Predicates by upper-case word form.
    pub forms: WordMap<Vec<Predicate>>,
    /// Events need both a source and a target (PETRARCH's default).
    pub require_dyad: bool,
    /// Code the clausal complement of reporting verbs as its own event as well.
    pub report_embedded: bool,
    /// Number of patterns.
    pub n_patterns: usize,
    /// Look predicates up by lemma as well as by word form.
    pub use_lemmas: bool,
}

impl VerbDict {
    /// Predicates for a word form or lemma (upper case).
    pub fn lookup(&self, upper: &str) -> &[Predicate] {
        self.forms.get(upper).map(|v| v.as_slice()).unwrap_or(&[])
    }
    /// Adds `pred` under `form` (upper case), once.
    pub fn add_form(&mut self, form: &str, pred: Predicate) {
        let v = self.forms.entry(form.to_string()).or_default();
        if !v.iter().any(|p| p.block == pred.block && p.before == pred.before && p.after == pred.after && p.noun == pred.noun) {
            v.push(pred);
        }
    }
}

/// Regular inflections of an English verb (upper case): base, -s, -ed, -ing (with and
/// without a doubled final consonant).
pub fn verb_forms(base: &str) -> Vec<String> {
    let b = base.to_ascii_uppercase();
    let mut v = vec![b.clone()];
    let last = b.chars().last().unwrap_or(' ');
    let vowel = |c: char| "AEIOU".contains(c);
    let before_last = b.chars().rev().nth(1).unwrap_or(' ');
    // third person
    if b.ends_with('S') || b.ends_with('X') || b.ends_with('Z') || b.ends_with("CH") || b.ends_with("SH") || b.ends_with('O') {
        v.push(format!("{b}ES"));
    } else if last == 'Y' && !vowel(before_last) {
        v.push(format!("{}IES", &b[..b.len() - 1]));
    } else {
        v.push(format!("{b}S"));
    }
    // past
    if last == 'E' {
        v.push(format!("{b}D"));
    } else if last == 'Y' && !vowel(before_last) {
        v.push(format!("{}IED", &b[..b.len() - 1]));
    } else {
        v.push(format!("{b}ED"));
    }
    // gerund
    if b.ends_with("IE") {
        v.push(format!("{}YING", &b[..b.len() - 2]));
    } else if last == 'E' && !b.ends_with("EE") && !b.ends_with("YE") && !b.ends_with("OE") && b.len() > 2 {
        v.push(format!("{}ING", &b[..b.len() - 1]));
    } else {
        v.push(format!("{b}ING"));
    }
    // consonant doubling (stop -> stopped); harmless when wrong
    let n = b.len();
    if n >= 3 {
        let c: Vec<char> = b.chars().collect();
        if !vowel(c[n - 1]) && !"WXY".contains(c[n - 1]) && vowel(c[n - 2]) && !vowel(c[n - 3]) {
            v.push(format!("{b}{}ED", c[n - 1]));
            v.push(format!("{b}{}ING", c[n - 1]));
        }
    }
    v
}

/// Plural of an English noun (upper case).
pub fn noun_plural(n: &str) -> String {
    let b = n.to_ascii_uppercase();
    let vowel = |c: char| "AEIOU".contains(c);
    let before_last = b.chars().rev().nth(1).unwrap_or(' ');
    if b.ends_with('S') || b.ends_with('X') || b.ends_with('Z') || b.ends_with("CH") || b.ends_with("SH") {
        format!("{b}ES")
    } else if b.ends_with('Y') && !vowel(before_last) {
        format!("{}IES", &b[..b.len() - 1])
    } else {
        format!("{b}S")
    }
}

/// Splits pattern text into tokens, separating brackets.
fn lex(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for ch in text.chars() {
        match ch {
            '(' | ')' | '{' | '}' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                out.push(ch.to_string());
            }
            c if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Synonym sets: name (`&CURRENCY`) -> raw member strings as written.
pub type Synsets = HashMap<String, Vec<String>>;

/// Expands a synonym set into word sequences, with plurals unless the member or the set
/// name ends in `_`.
pub fn expand_synset(name: &str, sets: &Synsets, depth: u32) -> Result<Vec<Vec<String>>, String> {
    let members = sets.get(name).ok_or_else(|| format!("undefined synonym set {name}"))?;
    let no_plural_set = name.ends_with('_');
    let mut out = Vec::new();
    for m in members {
        let m = m.trim().trim_start_matches('(').trim_end_matches(')').trim();
        if m.starts_with('&') {
            if depth < 4 {
                out.extend(expand_synset(m, sets, depth + 1)?);
            }
            continue;
        }
        let no_plural = no_plural_set || m.ends_with('_');
        let words: Vec<String> = m.split(|c: char| c == '_' || c.is_whitespace()).filter(|w| !w.is_empty()).map(|w| w.to_ascii_uppercase()).collect();
        if words.is_empty() {
            continue;
        }
        if !no_plural {
            let mut pl = words.clone();
            let last = pl.pop().unwrap_or_default();
            pl.push(noun_plural(&last));
            out.push(words);
            out.push(pl);
        } else {
            out.push(words);
        }
    }
    Ok(out)
}

/// One word or synonym-set token as alternatives of word sequences.
fn word_alts(tok: &str, sets: &Synsets) -> Result<Vec<Vec<String>>, String> {
    if tok.starts_with('&') {
        return expand_synset(tok, sets, 0);
    }
    let words: Vec<String> = tok.split('_').filter(|w| !w.is_empty()).map(|w| w.to_ascii_uppercase()).collect();
    if words.is_empty() {
        return Err(format!("empty word '{tok}'"));
    }
    Ok(vec![words])
}

/// Parses one side of a pattern (the text before or after `*`).
pub fn parse_side(text: &str, sets: &Synsets) -> Result<Vec<Elem>, String> {
    let toks = lex(text);
    let mut i = 0;
    parse_elems(&toks, &mut i, sets, None)
}

fn parse_elems(toks: &[String], i: &mut usize, sets: &Synsets, until: Option<&str>) -> Result<Vec<Elem>, String> {
    let mut out = Vec::new();
    while *i < toks.len() {
        let t = toks[*i].as_str();
        *i += 1;
        if Some(t) == until {
            return Ok(out);
        }
        match t {
            "(" => {
                // preposition (first token), then contents until ')'
                let prep = match toks.get(*i).map(|s| s.as_str()) {
                    None => return Err("unclosed '('".into()),
                    Some(")") => None,
                    Some(p) => {
                        *i += 1;
                        Some(p.to_string())
                    }
                };
                let Some(prep) = prep else {
                    *i += 1;
                    continue;
                };
                let inner = parse_elems(toks, i, sets, Some(")"))?;
                out.push(Elem::Prep(word_alts(&prep, sets)?, inner));
            }
            "{" => {
                let mut items = Vec::new();
                loop {
                    match toks.get(*i).map(|s| s.as_str()) {
                        None => return Err("unclosed '{'".into()),
                        Some("}") => {
                            *i += 1;
                            break;
                        }
                        Some(w) => {
                            *i += 1;
                            if !matches!(w, "$" | "+" | "^" | "%") {
                                items.push(word_alts(w, sets)?);
                            }
                        }
                    }
                }
                if !items.is_empty() {
                    out.push(Elem::Np(items));
                }
            }
            ")" | "}" => return Err(format!("unbalanced '{t}'")),
            "$" => out.push(Elem::Source),
            "+" => out.push(Elem::Target),
            "^" => out.push(Elem::Skip),
            "%" => out.push(Elem::Compound),
            w => out.push(Elem::Words(word_alts(w, sets)?)),
        }
    }
    if until.is_some() {
        return Err("unclosed '('".into());
    }
    Ok(out)
}

/// Number of word-bearing elements (specificity).
pub fn weight(elems: &[Elem]) -> u32 {
    elems
        .iter()
        .map(|e| match e {
            Elem::Words(_) => 1,
            Elem::Np(items) => items.len() as u32,
            Elem::Prep(_, inner) => 1 + weight(inner),
            Elem::Source | Elem::Target => 1,
            _ => 0,
        })
        .sum()
}

/// Parses a full pattern `PRE * POST` into (pre, post).
pub fn parse_pattern(text: &str, sets: &Synsets) -> Result<(Vec<Elem>, Vec<Elem>), String> {
    let (pre, post) = text.split_once('*').ok_or_else(|| "pattern without '*'".to_string())?;
    Ok((parse_side(pre, sets)?, parse_side(post, sets)?))
}

/// Reads dateline's own dictionary format (see `dictionaries/VERBS.md`). `name` is used in
/// rule ids (`verbs`) and messages. Malformed lines become warnings (`name:line: msg`).
pub fn read_own(name: &str, text: &str) -> (VerbDict, Vec<String>) {
    let mut d = VerbDict { name: name.to_string(), report_embedded: true, use_lemmas: true, ..Default::default() };
    let mut warnings = Vec::new();
    let mut sets: Synsets = HashMap::new();
    let mut cur_set: Option<String> = None;
    let mut cur_block: Option<usize> = None;
    let prefix = name.trim_end_matches(".txt");
    for (n, raw) in text.lines().enumerate() {
        let lineno = n + 1;
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut warn = |m: String| warnings.push(format!("{name}:{lineno}: {m}"));
        let (kw, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        if let Some(set) = kw.strip_prefix('&') {
            // &NAME member, member, ...
            let key = format!("&{}", set.to_ascii_uppercase());
            let members: Vec<String> = rest.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
            sets.entry(key.clone()).or_default().extend(members);
            cur_set = Some(key);
            continue;
        }
        match kw {
            "@" | "block" => warn("write blocks as '@id CODE'".into()),
            k if k.starts_with('@') => {
                cur_set = None;
                let id = &k[1..];
                let mut parts = rest.split_whitespace();
                let code = match parts.next().map(CodePair::parse) {
                    Some(Ok(c)) => c,
                    Some(Err(e)) => {
                        warn(e);
                        cur_block = None;
                        continue;
                    }
                    None => {
                        warn("block without a code".into());
                        cur_block = None;
                        continue;
                    }
                };
                let report = parts.any(|p| p == "report");
                d.blocks.push(Block { name: id.to_string(), code, patterns: Vec::new(), report, id: format!("{prefix}:{id}") });
                cur_block = Some(d.blocks.len() - 1);
            }
            "+" if cur_set.is_some() => {
                let k = cur_set.clone().unwrap_or_default();
                sets.entry(k).or_default().extend(rest.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()));
            }
            "verb" | "noun" => {
                let Some(b) = cur_block else {
                    warn(format!("'{kw}' outside a block"));
                    continue;
                };
                for item in rest.split_whitespace() {
                    // word[/irregular/forms][=CODE]
                    let (word, code) = match item.split_once('=') {
                        Some((w, c)) => match CodePair::parse(c) {
                            Ok(c) => (w, Some(c)),
                            Err(e) => {
                                warn(e);
                                continue;
                            }
                        },
                        None => (item, None),
                    };
                    let mut forms_iter = word.split('/');
                    let lemma = forms_iter.next().unwrap_or("");
                    let extra: Vec<&str> = forms_iter.collect();
                    let parts: Vec<String> = lemma.split('_').filter(|w| !w.is_empty()).map(|w| w.to_ascii_uppercase()).collect();
                    if parts.is_empty() {
                        warn(format!("empty {kw} '{item}'"));
                        continue;
                    }
                    let noun = kw == "noun";
                    let (head, before, after) = if noun {
                        (parts[parts.len() - 1].clone(), parts[..parts.len() - 1].to_vec(), Vec::new())
                    } else {
                        (parts[0].clone(), Vec::new(), parts[1..].to_vec())
                    };
                    let pred = Predicate { block: b as u32, code, before, after, noun, origin: format!("{name}:{lineno}") };
                    let mut forms = if noun { vec![head.clone(), noun_plural(&head)] } else { verb_forms(&head) };
                    forms.extend(extra.iter().map(|f| f.to_ascii_uppercase()));
                    for f in forms {
                        d.add_form(&f, pred.clone());
                    }
                }
            }
            _ => {
                // pattern: ID CODE PATTERN
                let Some(b) = cur_block else {
                    warn(format!("unknown line '{line}'"));
                    continue;
                };
                let mut it = line.splitn(3, char::is_whitespace);
                let (Some(id), Some(code), Some(pat)) = (it.next(), it.next(), it.next()) else {
                    warn(format!("expected 'ID CODE PATTERN', got '{line}'"));
                    continue;
                };
                let code = match CodePair::parse(code) {
                    Ok(c) => c,
                    Err(e) => {
                        warn(e);
                        continue;
                    }
                };
                match parse_pattern(pat.trim(), &sets) {
                    Ok((pre, post)) => {
                        let bid = d.blocks[b].id.clone();
                        let w = weight(&pre) + weight(&post);
                        d.blocks[b].patterns.push(Pattern { pre, post, code: code.clone(), id: format!("{bid}+{id}"), text: pat.trim().to_string(), weight: w });
                        d.n_patterns += 1;
                    }
                    Err(e) => warn(e),
                }
            }
        }
    }
    (d, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(CodePair::parse("[042:043]").unwrap(), CodePair { fwd: Some("042".into()), rev: Some("043".into()) });
        assert!(CodePair::parse("[---]").unwrap().is_null());
        assert_eq!(CodePair::parse(":1243").unwrap().rev.as_deref(), Some("1243"));
        assert!(CodePair::parse("[xxy]").is_err());
        assert_eq!(CodePair::parse("102b").unwrap().fwd.as_deref(), Some("102b"));
    }

    #[test]
    fn forms() {
        let f = verb_forms("meet");
        assert!(f.contains(&"MEETS".to_string()) && f.contains(&"MEETING".to_string()));
        let f = verb_forms("criticize");
        assert!(f.contains(&"CRITICIZED".to_string()) && f.contains(&"CRITICIZING".to_string()));
        assert!(verb_forms("stop").contains(&"STOPPED".to_string()));
        assert!(verb_forms("deny").contains(&"DENIED".to_string()));
        assert_eq!(noun_plural("sanction"), "SANCTIONS");
        assert_eq!(noun_plural("ally"), "ALLIES");
    }

    #[test]
    fn patterns() {
        let mut sets = Synsets::new();
        sets.insert("&TIE".into(), vec!["MILITARY".into(), "TRADE_LINK_".into()]);
        let (pre, post) = parse_pattern("HEAVILY * {NEW &TIE RELATIONS} (WITH +) $", &sets).unwrap();
        assert_eq!(pre, vec![Elem::Words(vec![vec!["HEAVILY".into()]])]);
        assert_eq!(post.len(), 3);
        match &post[0] {
            Elem::Np(items) => {
                assert_eq!(items.len(), 3);
                assert!(items[1].contains(&vec!["MILITARIES".to_string()]));
                assert!(items[1].contains(&vec!["TRADE".to_string(), "LINK".to_string()]));
            }
            e => panic!("{e:?}"),
        }
        assert_eq!(post[1], Elem::Prep(vec![vec!["WITH".into()]], vec![Elem::Target]));
        assert!(parse_pattern("* (WITH", &sets).is_err());
        assert!(parse_pattern("* &NOPE", &sets).is_err());
    }

    #[test]
    fn own_format() {
        let text = "@meet 040:040\n verb meet/met\n noun talks=046\n with 040:040 * (with +)\n bad 9x * foo\n stray\n";
        let (d, w) = read_own("verbs.txt", text);
        assert_eq!(d.blocks.len(), 1);
        assert_eq!(d.lookup("MET").len(), 1);
        assert!(d.lookup("TALKS")[0].noun);
        assert_eq!(d.blocks[0].patterns[0].id, "verbs:meet+with");
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].starts_with("verbs.txt:5:"));
    }
}
