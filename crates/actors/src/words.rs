//! Word normalisation shared by the dictionary readers and the recogniser, and a small
//! fallback tokenizer (used when no NLP stage has filled `doc.tokens`, and by tests).
//!
//! Dictionary phrases and text tokens go through the same [`split_word`], so "al-Assad",
//! "Russia's" and "U.S." match whether the tokenizer splits them or not.

use model::{Doc, Sentence, Token};

/// Case of one word as written in the text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Case {
    /// First letter is upper case.
    pub cap: bool,
    /// At least two letters, all upper case.
    pub all_caps: bool,
    /// Contains at least one letter.
    pub alpha: bool,
}

impl Case {
    /// The case of `s`.
    pub fn of(s: &str) -> Case {
        let mut letters = 0;
        let mut upper = 0;
        let mut first = None;
        for c in s.chars() {
            if c.is_alphabetic() {
                letters += 1;
                if c.is_uppercase() {
                    upper += 1;
                }
                if first.is_none() {
                    first = Some(c.is_uppercase());
                }
            }
        }
        Case {
            cap: first.unwrap_or(false),
            all_caps: letters >= 2 && upper == letters,
            alpha: letters > 0,
        }
    }
}

/// The matching key of a word: upper case, dots removed ("U.S." -> "US"), curly apostrophes
/// straightened. A word made only of dots keeps one dot.
pub fn key(s: &str) -> String {
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'\'')
    {
        return s.to_ascii_uppercase();
    }
    let mut k = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '.' => {}
            '\u{2019}' | '\u{2018}' | '`' => k.push('\''),
            '\u{2010}' | '\u{2011}' | '\u{2013}' => k.push('-'),
            c => k.extend(c.to_uppercase()),
        }
    }
    if k.is_empty() && !s.is_empty() {
        k.push('.');
    }
    k
}

fn is_apos(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Splits one token (or one dictionary word) into matching units, as byte ranges of `s`:
/// a trailing possessive ("'s" or a bare "'") becomes its own unit, and inner hyphens are
/// units of their own ("al-Assad" -> "al", "-", "Assad").
pub fn split_word(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if s.is_empty() {
        return out;
    }
    // possessive suffix
    let mut end = s.len();
    let mut poss: Option<(usize, usize)> = None;
    let ends_ascii = s.ends_with("'s") || s.ends_with("'S");
    let ends_curly = s.ends_with("\u{2019}s") || s.ends_with("\u{2019}S");
    if s.len() > 2 && (ends_ascii || ends_curly) {
        let apos_len = if ends_ascii { 1 } else { 3 };
        let p = s.len() - 1 - apos_len;
        if p > 0 {
            poss = Some((p, s.len()));
            end = p;
        }
    } else if s.len() > 1 && s.chars().last().map(is_apos).unwrap_or(false) {
        let c = s.chars().last().unwrap();
        let p = s.len() - c.len_utf8();
        if s[..p]
            .chars()
            .last()
            .map(|c| c.is_alphabetic())
            .unwrap_or(false)
        {
            poss = Some((p, s.len()));
            end = p;
        }
    }
    // inner hyphens
    let body = &s[..end];
    let mut start = 0;
    for (i, c) in body.char_indices() {
        if c == '-' && i > start && i + 1 < body.len() {
            out.push((start, i));
            out.push((i, i + 1));
            start = i + 1;
        }
    }
    if start < end {
        out.push((start, end));
    }
    if let Some(p) = poss {
        out.push(p);
    }
    out
}

/// Splits a dictionary phrase (words separated by spaces or `_`) into matching keys.
pub fn phrase_keys(phrase: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for w in phrase.split(|c: char| c == '_' || c.is_whitespace()) {
        if w.is_empty() {
            continue;
        }
        for (a, b) in split_word(w) {
            keys.push(key(&w[a..b]));
        }
    }
    keys
}

/// Like [`phrase_keys`] but also returns each unit's text (for case constraints).
pub fn phrase_units(phrase: &str) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    for w in phrase.split(|c: char| c == '_' || c.is_whitespace()) {
        if w.is_empty() {
            continue;
        }
        for (a, b) in split_word(w) {
            keys.push((key(&w[a..b]), w[a..b].to_string()));
        }
    }
    keys
}

/// Titles written before a person's name, lowercase without a period: honorifics, ranks
/// and the offices most often used as titles ("Mr Blair", "Gen. Petraeus", "Chancellor
/// Merkel"). The NER learns from them that such a word is not part of the name.
pub const NAME_TITLES: &[&str] = &[
    "mr", "mrs", "ms", "mx", "miss", "messrs", "dr", "prof", "professor", "sir", "dame", "lord",
    "lady", "rev", "reverend", "fr", "gen", "general", "lt", "col", "colonel", "sgt", "sergeant",
    "capt", "captain", "maj", "major", "adm", "admiral", "cmdr", "sen", "senator", "rep", "gov",
    "governor", "pres", "president", "vice president", "prime minister", "chancellor", "king",
    "queen", "prince", "princess", "pope", "emir", "sultan", "mayor", "minister",
    "judge", "ambassador", "hon",
];

const ABBREV: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "sgt", "capt", "maj", "sen", "rep", "gov",
    "st", "jr", "sr", "no", "vs", "rev", "adm", "cmdr", "pres", "amb", "hon", "messrs",
];

/// A small rule-based tokenizer and sentence splitter: fills `doc.tokens` (offsets only)
/// and `doc.sentences`. Used only when no NLP stage has run, and by tests.
pub fn simple_tokenize(doc: &mut Doc) {
    let text = doc.article.text.as_str();
    let mut toks: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    let b = text.as_bytes();
    while i < text.len() {
        let c = text[i..].chars().next().unwrap();
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        // a whitespace-delimited chunk
        let mut j = i;
        while j < text.len() {
            let d = text[j..].chars().next().unwrap();
            if d.is_whitespace() {
                break;
            }
            j += d.len_utf8();
        }
        split_chunk(text, i, j, &mut toks);
        i = j;
    }
    let _ = b;
    let base = doc.tokens.len();
    let mut sent_start = 0usize;
    let n = toks.len();
    for (k, &(s, e)) in toks.iter().enumerate() {
        doc.tokens.push(Token {
            start: s,
            end: e,
            head: -1,
            ..Default::default()
        });
        let t = &text[s..e];
        let end_sent = matches!(t, "." | "!" | "?")
            && (k + 1 == n || {
                let nt = &text[toks[k + 1].0..toks[k + 1].1];
                nt.chars()
                    .next()
                    .map(|c| c.is_uppercase() || c == '"' || c == '\u{201c}')
                    .unwrap_or(false)
            });
        let para_break = k + 1 < n && text[e..toks[k + 1].0].contains("\n\n");
        if end_sent || k + 1 == n || para_break {
            doc.sentences.push(Sentence {
                start: toks[sent_start].0,
                end: e,
                token_start: base + sent_start,
                token_end: base + k + 1,
            });
            sent_start = k + 1;
        }
    }
}

fn split_chunk(text: &str, mut s: usize, mut e: usize, out: &mut Vec<(usize, usize)>) {
    const OPEN: &[char] = &['"', '(', '[', '{', '\u{201c}', '\u{2018}', '*', '\''];
    const CLOSE: &[char] = &[
        '"', ')', ']', '}', '\u{201d}', ',', ';', ':', '!', '?', '*', '\u{2019}',
    ];
    let mut tail: Vec<(usize, usize)> = Vec::new();
    // leading punctuation
    while s < e {
        let c = text[s..e].chars().next().unwrap();
        if OPEN.contains(&c) || CLOSE.contains(&c) {
            out.push((s, s + c.len_utf8()));
            s += c.len_utf8();
        } else {
            break;
        }
    }
    // trailing punctuation
    loop {
        if s >= e {
            break;
        }
        let c = text[s..e].chars().last().unwrap();
        let cl = c.len_utf8();
        if CLOSE.contains(&c)
            && !(is_apos(c)
                && e - cl > s
                && text[s..e - cl].ends_with(|x: char| x.is_alphabetic() && x != 's'))
        {
            // keep "Jones’" style possessives attached; split other closers
            tail.push((e - cl, e));
            e -= cl;
        } else if c == '.' {
            let w = &text[s..e - 1];
            let keep = w.contains('.')
                || ABBREV.contains(&w.to_lowercase().as_str())
                || (w.chars().count() == 1 && w.chars().all(|c| c.is_uppercase()));
            if keep {
                break;
            }
            tail.push((e - 1, e));
            e -= 1;
        } else {
            break;
        }
    }
    if s < e {
        // split a possessive "'s" off as its own token (PTB style)
        let w = &text[s..e];
        let lw = w.to_lowercase();
        if w.len() > 2 && lw.ends_with("'s") {
            out.push((s, e - 2));
            out.push((e - 2, e));
        } else if w.len() > 4 && lw.ends_with("\u{2019}s") {
            out.push((s, e - 4));
            out.push((e - 4, e));
        } else {
            out.push((s, e));
        }
    }
    tail.reverse();
    out.extend(tail);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(phrase_keys("U.S._PRESIDENT"), vec!["US", "PRESIDENT"]);
        assert_eq!(
            phrase_keys("Bashar al-Assad"),
            vec!["BASHAR", "AL", "-", "ASSAD"]
        );
        assert_eq!(
            phrase_keys("PEOPLE'S_COMMITTEE"),
            vec!["PEOPLE", "'S", "COMMITTEE"]
        );
        assert_eq!(phrase_keys("Russia’s"), vec!["RUSSIA", "'S"]);
    }

    #[test]
    fn tokenizer() {
        let mut d = Doc::new(model::Article {
            text: "Russia's U.S. envoy met Mr. Smith (briefly). He left.".into(),
            ..Default::default()
        });
        simple_tokenize(&mut d);
        let t: Vec<&str> = (0..d.tokens.len()).map(|i| d.token_text(i)).collect();
        assert_eq!(
            t,
            vec![
                "Russia", "'s", "U.S.", "envoy", "met", "Mr.", "Smith", "(", "briefly", ")", ".",
                "He", "left", "."
            ]
        );
        assert_eq!(d.sentences.len(), 2);
    }
}
