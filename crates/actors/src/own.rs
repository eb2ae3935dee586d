//! Reader for dateline's own actor and agent dictionary format (see `dictionaries/ACTORS.md`).
//!
//! Actor files, one fact per line: `CODE  KIND  value | value | ...` with KIND one of
//! `name`, `adj`, `capital`, `iso`. People files: a header line `Name | Variant | Surname
//! (m|f)` followed by indented role lines `CODE  [FROM..TO]  [title words]`.
//! Agent files: `CODE  title | synonym | word{plural} | word{}` and `@former  word | word`.
//! `#` starts a comment. Case is significant as written: a capitalised dictionary word only
//! matches a capitalised (or all-capitals) text word, an all-capitals word only an
//! all-capitals one, a lower-case word any case.

use crate::dict::{parse_day, ActorEntry, AgentEntry, CaseReq, DatedCode, Dict, NameKind};
use crate::petrarch::regular_plural;
use crate::words::{phrase_units, Case};
use std::collections::HashMap;
use std::sync::Arc;

fn strip_comment(line: &str) -> &str {
    match line.find('#') {
        Some(p) => &line[..p],
        None => line,
    }
}

fn case_of(units: &[(String, String)]) -> CaseReq {
    let v: Vec<u8> = units
        .iter()
        .map(|(_, w)| {
            let c = Case::of(w);
            if c.all_caps {
                2
            } else if c.cap {
                1
            } else {
                0
            }
        })
        .collect();
    if v.iter().all(|&x| x == 0) {
        CaseReq::Any
    } else {
        CaseReq::PerWord(v)
    }
}

/// Reads an actor file (countries, organisations) in the own format.
pub fn read_actors(dict: &mut Dict, file: &str, text: &str, warnings: &mut Vec<String>) {
    let farc: Arc<str> = file.into();
    // one entry per (code, kind)
    let mut index: HashMap<(String, NameKind), u32> = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        let mut it = line.splitn(3, char::is_whitespace);
        let code = it.next().unwrap_or("");
        let rest = it.next().map(str::trim).unwrap_or("");
        // splitn on single whitespace: skip extra spaces
        let rest_all = line[code.len()..].trim_start();
        let kind_str = rest_all.split_whitespace().next().unwrap_or(rest);
        let values = rest_all[kind_str.len()..].trim();
        if code.is_empty()
            || !code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            warnings.push(format!("{file}:{n}: bad actor code '{code}'; line skipped"));
            continue;
        }
        let kind = match kind_str {
            "name" => NameKind::Name,
            "adj" => NameKind::Adj,
            "capital" => NameKind::Capital,
            "iso" => {
                for v in values.split('|').map(str::trim).filter(|v| !v.is_empty()) {
                    dict.iso.insert(v.to_uppercase(), code.to_string());
                }
                continue;
            }
            _ => {
                warnings.push(format!(
                    "{file}:{n}: unknown kind '{kind_str}' (name, adj, capital, iso); line skipped"
                ));
                continue;
            }
        };
        if values.is_empty() {
            warnings.push(format!("{file}:{n}: no names; line skipped"));
            continue;
        }
        let idx = *index.entry((code.to_string(), kind)).or_insert_with(|| {
            let first = values.split('|').next().unwrap_or("").trim().to_string();
            dict.actor_entries.push(ActorEntry {
                name: first,
                dated: Vec::new(),
                default: Some(code.to_string()),
                kind,
                female: None,
                file: farc.clone(),
            });
            dict.actor_entries.len() as u32 - 1
        });
        for v in values.split('|').map(str::trim).filter(|v| !v.is_empty()) {
            let units = phrase_units(v);
            let keys: Vec<String> = units.iter().map(|u| u.0.clone()).collect();
            dict.add_actor_phrase(&keys, idx, case_of(&units), n);
        }
    }
}

/// A person being read: entry index and (name units, line) per variant.
type PersonDraft = Option<(u32, Vec<(Vec<(String, String)>, u32)>)>;

/// Reads a people file in the own format.
pub fn read_people(dict: &mut Dict, file: &str, text: &str, warnings: &mut Vec<String>) {
    let farc: Arc<str> = file.into();
    let mut cur: PersonDraft = None;
    let finish = |dict: &mut Dict, cur: &mut PersonDraft, warnings: &mut Vec<String>| {
        if let Some((idx, names)) = cur.take() {
            let e = &dict.actor_entries[idx as usize];
            if e.dated.is_empty() && e.default.is_none() {
                warnings.push(format!(
                    "{file}:{}: person '{}' has no role line; skipped",
                    names.first().map(|x| x.1).unwrap_or(0),
                    e.name
                ));
                return;
            }
            for (units, n) in names {
                let keys: Vec<String> = units.iter().map(|u| u.0.clone()).collect();
                dict.add_actor_phrase(&keys, idx, case_of(&units), n);
            }
        }
    };
    for (i, raw) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let line = strip_comment(raw);
        if line.trim().is_empty() {
            continue;
        }
        let indented = line.starts_with(' ') || line.starts_with('\t');
        let line = line.trim();
        if !indented {
            finish(dict, &mut cur, warnings);
            let (names, female) = if let Some(p) = line.rfind('(') {
                let tag = line[p..].trim();
                let f = match tag {
                    "(f)" => Some(true),
                    "(m)" => Some(false),
                    _ => {
                        warnings.push(format!("{file}:{n}: unknown tag '{tag}' (use (m) or (f))"));
                        None
                    }
                };
                (&line[..p], f)
            } else {
                (line, None)
            };
            let variants: Vec<&str> = names
                .split('|')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .collect();
            if variants.is_empty() {
                warnings.push(format!("{file}:{n}: person without a name; skipped"));
                continue;
            }
            dict.actor_entries.push(ActorEntry {
                name: variants[0].to_string(),
                dated: Vec::new(),
                default: None,
                kind: NameKind::Person,
                female,
                file: farc.clone(),
            });
            let idx = dict.actor_entries.len() as u32 - 1;
            cur = Some((idx, variants.iter().map(|v| (phrase_units(v), n)).collect()));
        } else {
            let Some((idx, _)) = &cur else {
                warnings.push(format!("{file}:{n}: role line without a person; skipped"));
                continue;
            };
            let mut toks = line.split_whitespace();
            let code = toks.next().unwrap_or("");
            if !code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                || code.len() < 3
            {
                warnings.push(format!("{file}:{n}: bad role code '{code}'; line skipped"));
                continue;
            }
            let rest: Vec<&str> = toks.collect();
            let (from, to, title_words) = match rest.first() {
                Some(d) if d.contains("..") => {
                    let (a, b) = d.split_once("..").unwrap();
                    let fa = if a.is_empty() {
                        None
                    } else {
                        parse_day(a, false)
                    };
                    let fb = if b.is_empty() {
                        None
                    } else {
                        parse_day(b, true)
                    };
                    if (!a.is_empty() && fa.is_none()) || (!b.is_empty() && fb.is_none()) {
                        warnings.push(format!("{file}:{n}: bad date range '{d}'; line skipped"));
                        continue;
                    }
                    (fa, fb, &rest[1..])
                }
                _ => (None, None, &rest[..]),
            };
            let title = title_words.join(" ").to_lowercase();
            let e = &mut dict.actor_entries[*idx as usize];
            if from.is_none() && to.is_none() {
                e.default = Some(code.to_string());
            } else {
                e.dated.push(DatedCode {
                    code: code.to_string(),
                    from,
                    to,
                    title,
                });
            }
        }
    }
    finish(dict, &mut cur, warnings);
}

/// Reads an agents file in the own format.
pub fn read_agents(dict: &mut Dict, file: &str, text: &str, warnings: &mut Vec<String>) {
    let farc: Arc<str> = file.into();
    for (i, raw) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        let code = line.split_whitespace().next().unwrap_or("");
        let values = line[code.len()..].trim();
        if code == "@former" {
            dict.former.extend(
                values
                    .split('|')
                    .map(|v| v.trim().to_uppercase())
                    .filter(|v| !v.is_empty()),
            );
            continue;
        }
        let (code, prefix) = match code.strip_suffix('~') {
            Some(c) => (c, true),
            None => (code, false),
        };
        if code.is_empty()
            || !code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            warnings.push(format!("{file}:{n}: bad agent code '{code}'; line skipped"));
            continue;
        }
        let phrases: Vec<&str> = values
            .split('|')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        if phrases.is_empty() {
            warnings.push(format!("{file}:{n}: no agent words; line skipped"));
            continue;
        }
        let title = phrases[0]
            .split('{')
            .next()
            .unwrap_or("")
            .trim()
            .to_lowercase();
        dict.agent_entries.push(AgentEntry {
            code: code.to_string(),
            prefix,
            title,
            file: farc.clone(),
        });
        let idx = dict.agent_entries.len() as u32 - 1;
        for p in phrases {
            let (sing, plural) = match p.find('{') {
                Some(a) => {
                    let Some(b) = p[a..].find('}').map(|x| x + a) else {
                        warnings.push(format!("{file}:{n}: missing '}}' in '{p}'; skipped"));
                        continue;
                    };
                    let pl = p[a + 1..b].trim();
                    (p[..a].trim(), (!pl.is_empty()).then(|| pl.to_string()))
                }
                None => (p, Some(regular_plural(p))),
            };
            let units = phrase_units(sing);
            let keys: Vec<String> = units.iter().map(|u| u.0.clone()).collect();
            dict.add_agent_phrase(&keys, idx, false, case_of(&units), n);
            if let Some(pl) = plural {
                let units = phrase_units(&pl);
                let keys: Vec<String> = units.iter().map(|u| u.0.clone()).collect();
                dict.add_agent_phrase(&keys, idx, true, case_of(&units), n);
            }
        }
    }
}
