//! Readers for PETRARCH/TABARI actor and agent dictionaries.
//!
//! Actor files: a name line (`RUSSIA [RUS]`, words joined by `_` or spaces, a trailing `_`
//! ignored), `+SYNONYM` lines, and code lines `[CODE]`, `[CODE <YYMMDD]`, `[CODE >YYMMDD]`,
//! `[CODE YYMMDD-YYMMDD]` (also 8-digit years) that belong to the last name. Comments: lines
//! starting with `#` or `<!`, `<!-- ... -->` blocks, and anything after `#`.
//!
//! Agent files: `PHRASE {PLURAL} [~CODE]` (`{}`: no plural; none given: the regular plural is
//! generated), `[CODE~]` for codes placed before the actor code, and substitution sets
//! `!PERSON! = MAN, MEN, ...` used as `CONGRESS!PERSON!`.

use crate::dict::{parse_day, ActorEntry, AgentEntry, CaseReq, DatedCode, Dict, NameKind};
use crate::words::{phrase_keys, phrase_units};
use std::collections::HashMap;
use std::path::Path;

/// Comment-stripped lines of a dictionary file: (1-based line number, content).
fn clean_lines(text: &str) -> Vec<(u32, &str)> {
    let mut out = Vec::new();
    let mut in_comment = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let mut line = raw;
        if in_comment {
            match line.find("-->") {
                Some(p) => {
                    in_comment = false;
                    line = &line[p + 3..];
                }
                None => continue,
            }
        }
        if line.starts_with('#') {
            continue;
        }
        if line.trim_start().starts_with("<!") {
            if line.contains("<!--") && !line.contains("-->") {
                in_comment = true;
            }
            continue;
        }
        let mut owned_cut = line;
        if let Some(p) = owned_cut.find('#') {
            owned_cut = &owned_cut[..p];
        }
        if let Some(p) = owned_cut.find("<!--") {
            if owned_cut[p..].contains("-->") {
                // an inline comment in the middle: keep the part before it only
                owned_cut = &owned_cut[..p];
            } else {
                in_comment = true;
                owned_cut = &owned_cut[..p];
            }
        }
        let t = owned_cut.trim();
        if !t.is_empty() {
            out.push((n, t));
        }
    }
    out
}

fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn read(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(), // Latin-1 fallback
    })
}

/// Parses the inside of `[...]`: a code and an optional date restriction.
fn parse_code(inner: &str) -> Result<DatedCode, String> {
    let mut parts = inner.split_whitespace();
    let code = parts
        .next()
        .ok_or_else(|| "empty code block []".to_string())?
        .to_uppercase();
    let spec: String = parts.collect::<Vec<_>>().join("");
    let mut dc = DatedCode {
        code,
        from: None,
        to: None,
        title: String::new(),
    };
    if spec.is_empty() {
        return Ok(dc);
    }
    let bad = || format!("bad date restriction '{}' in [{}]", spec, inner.trim());
    if let Some(d) = spec.strip_prefix('<') {
        dc.to = Some(parse_day(d, false).ok_or_else(bad)? - 1);
    } else if let Some(d) = spec.strip_prefix('>') {
        dc.from = Some(parse_day(d, false).ok_or_else(bad)?);
    } else if let Some((a, b)) = spec.split_once('-') {
        dc.from = Some(parse_day(a, false).ok_or_else(bad)?);
        dc.to = Some(parse_day(b, true).ok_or_else(bad)?);
    } else {
        return Err(bad());
    }
    Ok(dc)
}

/// Splits `PHRASE [code] [code]` into the phrase and the code blocks' insides.
fn split_codes(line: &str) -> Result<(&str, Vec<&str>), String> {
    let (phrase, mut rest) = match line.find('[') {
        Some(p) => (&line[..p], &line[p..]),
        None => (line, ""),
    };
    let mut codes = Vec::new();
    while let Some(p) = rest.find('[') {
        let after = &rest[p + 1..];
        let q = after.find(']').ok_or_else(|| "missing ']'".to_string())?;
        codes.push(&after[..q]);
        rest = &after[q + 1..];
    }
    Ok((phrase.trim(), codes))
}

fn actor_case(units: &[String]) -> CaseReq {
    if units.len() == 1 && units[0].chars().filter(|c| c.is_alphabetic()).count() <= 3 {
        CaseReq::PerWord(vec![2])
    } else {
        CaseReq::AnyCap
    }
}

/// One actor of a PETRARCH actor file: its entry (codes, kind) and its phrases (the name
/// line and the `+` synonyms), each as (word keys, text with `_` as spaces, line number).
pub struct ActorRecord {
    /// The entry.
    pub entry: ActorEntry,
    /// Its phrases.
    pub phrases: Vec<(Vec<String>, String, u32)>,
}

/// Reads one PETRARCH actor file into actor records; malformed lines go to `warnings`.
pub fn read_actor_records(path: &Path, warnings: &mut Vec<String>) -> Result<Vec<ActorRecord>, String> {
    let text = read(path)?;
    let label = file_label(path);
    let file: std::sync::Arc<str> = label.as_str().into();
    let mut out = Vec::new();
    // current entry: phrases and codes
    let mut phrases: Vec<(Vec<String>, String, u32)> = Vec::new();
    let mut codes: Vec<DatedCode> = Vec::new();
    let mut head: Option<(String, u32)> = None;

    let mut flush = |head: &mut Option<(String, u32)>, phrases: &mut Vec<(Vec<String>, String, u32)>, codes: &mut Vec<DatedCode>, warnings: &mut Vec<String>| {
        if let Some((name, line)) = head.take() {
            if codes.is_empty() {
                warnings.push(format!("{label}:{line}: actor '{name}' has no code; skipped"));
            } else {
                let mut entry = ActorEntry { name, dated: Vec::new(), default: None, kind: NameKind::Petrarch, female: None, file: file.clone() };
                for c in codes.drain(..) {
                    if c.from.is_none() && c.to.is_none() {
                        if entry.default.is_none() {
                            entry.default = Some(c.code);
                        }
                    } else {
                        entry.dated.push(c);
                    }
                }
                // Phoenix lists people with date-bounded roles; treat such entries as people
                // (they compose with titles and take personal pronouns)
                if !entry.dated.is_empty() && entry.dated.iter().all(|c| c.code.len() > 3) && entry.default.as_ref().is_none_or(|c| c.len() > 3) {
                    entry.kind = NameKind::Person;
                }
                out.push(ActorRecord { entry, phrases: std::mem::take(phrases) });
            }
        }
        phrases.clear();
        codes.clear();
    };

    for (n, line) in clean_lines(&text) {
        let (phrase, blocks) = match split_codes(line) {
            Ok(x) => x,
            Err(m) => {
                warnings.push(format!("{label}:{n}: {m}; line skipped"));
                continue;
            }
        };
        let mut parsed = Vec::new();
        for b in blocks {
            match parse_code(b) {
                Ok(c) => parsed.push(c),
                Err(m) => warnings.push(format!("{label}:{n}: {m}; code skipped")),
            }
        }
        if phrase.is_empty() {
            if head.is_none() {
                warnings.push(format!("{label}:{n}: code line without an actor name; skipped"));
            } else {
                codes.extend(parsed);
            }
            continue;
        }
        let (is_syn, p) = match phrase.strip_prefix('+') {
            Some(p) => (true, p.trim()),
            None => (false, phrase),
        };
        let p = p.trim().trim_end_matches('_');
        let units = phrase_keys(p);
        if units.is_empty() {
            warnings.push(format!("{label}:{n}: empty actor name; skipped"));
            continue;
        }
        if is_syn && head.is_none() {
            warnings.push(format!("{label}:{n}: synonym '+{p}' before any actor; skipped"));
            continue;
        }
        let text = p.replace('_', " ");
        if !is_syn {
            flush(&mut head, &mut phrases, &mut codes, warnings);
            head = Some((text.clone(), n));
        }
        phrases.push((units, text, n));
        codes.extend(parsed);
    }
    flush(&mut head, &mut phrases, &mut codes, warnings);
    Ok(out)
}

/// Reads one PETRARCH actor file into `dict`; malformed lines go to `warnings`.
pub fn read_actor_file(dict: &mut Dict, path: &Path, warnings: &mut Vec<String>) -> Result<usize, String> {
    let mut count = 0;
    for rec in read_actor_records(path, warnings)? {
        let idx = dict.actor_entries.len() as u32;
        dict.actor_entries.push(rec.entry);
        for (keys, _, line) in rec.phrases {
            dict.add_actor_phrase(&keys, idx, actor_case(&keys), line);
            count += 1;
        }
    }
    Ok(count)
}

/// The regular plural of an agent phrase (last word): `Y` -> `IES`, `S` -> `SES`, else `S`.
pub fn regular_plural(phrase: &str) -> String {
    let p = phrase.trim_end();
    let up = p.to_uppercase();
    if up.ends_with("MAN") {
        return format!("{}EN", &p[..p.len() - 2]);
    }
    if up.ends_with('Y') && !up.ends_with("AY") && !up.ends_with("EY") && !up.ends_with("OY") {
        format!("{}ies", &p[..p.len() - 1])
    } else if up.ends_with('S') || up.ends_with("SH") || up.ends_with("CH") || up.ends_with('X') {
        format!("{p}es")
    } else {
        format!("{p}s")
    }
}

/// Reads a PETRARCH agent file into `dict`.
pub fn read_agent_file(
    dict: &mut Dict,
    path: &Path,
    warnings: &mut Vec<String>,
) -> Result<usize, String> {
    let text = read(path)?;
    let label = file_label(path);
    let file: std::sync::Arc<str> = label.as_str().into();
    let mut subst: HashMap<String, Vec<String>> = HashMap::new();
    let mut count = 0;
    for (n, line) in clean_lines(&text) {
        if line.contains('!') && line.contains('=') && !line.contains('[') {
            // substitution set  !NAME! = A, B, C
            let Some(a) = line.find('!') else { continue };
            let Some(b) = line[a + 1..].find('!').map(|x| x + a + 1) else {
                warnings.push(format!(
                    "{label}:{n}: substitution marker incorrectly defined; line skipped"
                ));
                continue;
            };
            let Some(eq) = line[b..].find('=').map(|x| x + b) else {
                warnings.push(format!(
                    "{label}:{n}: substitution marker incorrectly defined; line skipped"
                ));
                continue;
            };
            let items = line[eq + 1..]
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            subst.insert(line[a + 1..b].to_string(), items);
            continue;
        }
        let Some(lb) = line.find('[') else {
            warnings.push(format!("{label}:{n}: agent without a [code]; line skipped"));
            continue;
        };
        let Some(rb) = line[lb..].find(']').map(|x| x + lb) else {
            warnings.push(format!("{label}:{n}: missing ']'; line skipped"));
            continue;
        };
        let raw_code: String = line[lb + 1..rb].split_whitespace().collect();
        let (code, prefix) = if let Some(c) = raw_code.strip_prefix('~') {
            (c.to_string(), false)
        } else if let Some(c) = raw_code.strip_suffix('~') {
            (c.to_string(), true)
        } else {
            warnings.push(format!(
                "{label}:{n}: agent code '{raw_code}' has no '~'; read as ~{raw_code}"
            ));
            (raw_code.clone(), false)
        };
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            warnings.push(format!(
                "{label}:{n}: bad agent code '[{}]'; line skipped",
                &line[lb + 1..rb]
            ));
            continue;
        }
        let code = code.to_uppercase();
        let head = &line[..lb];
        let (phrase, plural): (String, Option<String>) = if let Some(ob) = head.find('{') {
            let Some(cb) = head[ob..].find('}').map(|x| x + ob) else {
                warnings.push(format!("{label}:{n}: missing '}}'; line skipped"));
                continue;
            };
            let pl = head[ob + 1..cb].trim();
            (
                head[..ob].trim().to_string(),
                (!pl.is_empty()).then(|| pl.to_string()),
            )
        } else {
            let p = head.trim().to_string();
            let pl = if p.contains('!') {
                None
            } else {
                Some(regular_plural(&p))
            };
            (p, pl)
        };
        if phrase.is_empty() {
            warnings.push(format!("{label}:{n}: empty agent phrase; line skipped"));
            continue;
        }
        // expand substitution markers
        let forms: Vec<(String, bool)> = if phrase.contains('!') {
            match expand(&phrase, &subst) {
                Ok(v) => v.into_iter().map(|f| (f, false)).collect(),
                Err(m) => {
                    warnings.push(format!("{label}:{n}: {m}; line skipped"));
                    continue;
                }
            }
        } else {
            let mut v = vec![(phrase.clone(), false)];
            if let Some(p) = plural {
                v.push((p, true));
            }
            v
        };
        let idx = dict.agent_entries.len() as u32;
        dict.agent_entries.push(AgentEntry {
            code,
            prefix,
            title: phrase.replace('_', " ").to_lowercase(),
            file: file.clone(),
        });
        for (f, pl) in forms {
            let keys: Vec<String> = phrase_units(&f).into_iter().map(|u| u.0).collect();
            dict.add_agent_phrase(&keys, idx, pl, CaseReq::Any, n);
            count += 1;
        }
    }
    Ok(count)
}

fn expand(phrase: &str, subst: &HashMap<String, Vec<String>>) -> Result<Vec<String>, String> {
    let Some(a) = phrase.find('!') else {
        return Ok(vec![phrase.to_string()]);
    };
    let Some(b) = phrase[a + 1..].find('!').map(|x| x + a + 1) else {
        return Err(format!("substitution marker in '{phrase}' is not closed"));
    };
    let name = &phrase[a + 1..b];
    let items = subst
        .get(name)
        .ok_or_else(|| format!("substitution marker !{name}! is not defined"))?;
    let mut out = Vec::new();
    for it in items {
        let s = format!("{}{}{}", &phrase[..a], it, &phrase[b + 1..]);
        out.extend(expand(&s, subst)?);
    }
    Ok(out)
}
