//! Name folding and a light tokenizer, so that toponyms are found even when the NLP stage
//! has produced no tokens yet.

/// Folds a name to its matching key: lowercase, no diacritics, `’` as `'`, dots dropped,
/// hyphens and runs of whitespace as one space. "Ţarţūs" and "Tartus" fold alike,
/// "U.S." folds to "us".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true; // suppress leading space
    for c in s.chars() {
        if c == '.' || c == 'ʻ' || c == 'ʿ' || c == 'ʾ' || ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        if c.is_whitespace() || c == '-' || c == '‐' || c == '–' {
            if !space {
                out.push(' ');
                space = true;
            }
            continue;
        }
        space = false;
        if c == '’' || c == '‘' || c == '`' {
            out.push('\'');
            continue;
        }
        for l in c.to_lowercase() {
            match base_letter(l) {
                Some(b) => out.push_str(b),
                None => out.push(l),
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The ASCII base of a lowercase Latin letter with a diacritic.
fn base_letter(c: char) -> Option<&'static str> {
    let b = match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' | 'ḩ' | 'ḥ' => "h",
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ṣ' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' | 'ṭ' => "t",
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' | 'ẓ' => "z",
        'þ' => "th",
        _ => return None,
    };
    Some(b)
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Letters/digits, possibly with inner `'`, `-`, `.`, `&`.
    Word,
    /// One punctuation character.
    Punct,
}

/// A token of the geo tokenizer.
#[derive(Clone, Copy, Debug)]
pub struct Tok {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Word or punctuation.
    pub kind: Kind,
    /// The first character is uppercase.
    pub cap: bool,
    /// Every letter is uppercase (and there are at least two).
    pub all_caps: bool,
    /// The token starts a sentence (or a line).
    pub sent_start: bool,
    /// A line break lies between the previous token and this one.
    pub newline_before: bool,
}

/// Splits `text` into words and punctuation with byte offsets.
pub fn tokenize(text: &str) -> Vec<Tok> {
    let mut toks: Vec<Tok> = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    let mut newline = true;
    while i < text.len() {
        let c = match text[i..].chars().next() {
            Some(c) => c,
            None => break,
        };
        let cl = c.len_utf8();
        if c.is_whitespace() {
            if c == '\n' {
                newline = true;
            }
            i += cl;
            continue;
        }
        if c.is_alphanumeric() {
            let start = i;
            let mut j = i + cl;
            loop {
                let Some(d) = text[j..].chars().next() else { break };
                if d.is_alphanumeric() {
                    j += d.len_utf8();
                    continue;
                }
                // inner joiners: ' ’ - & and abbreviation dots (U.S., St.)
                // hyphens are tokens of their own ("Turkish-backed", "London-based"); the
                // matcher rejoins "Saint-Denis"
                if matches!(d, '\'' | '’' | '&' | '.') {
                    let k = j + d.len_utf8();
                    // a possessive ("China's") is not part of the name
                    if matches!(d, '\'' | '’') {
                        let mut after = text[k..].chars();
                        if matches!(after.next(), Some('s' | 'S')) && !after.next().is_some_and(|c| c.is_alphanumeric()) {
                            break;
                        }
                    }
                    if let Some(e) = text[k..].chars().next() {
                        if e.is_alphanumeric() && (d != '.' || is_abbrev_dot(&text[start..j])) {
                            j = k;
                            continue;
                        }
                    }
                }
                break;
            }
            // keep the final dot of single-letter abbreviations ("U.S.", "D.C.")
            if j < b.len() && b[j] == b'.' && text[start..j].contains('.') && is_abbrev_dot(&text[start..j]) {
                j += 1;
            }
            let w = &text[start..j];
            let mut letters = 0usize;
            let mut upper = 0usize;
            for ch in w.chars() {
                if ch.is_alphabetic() {
                    letters += 1;
                    if ch.is_uppercase() {
                        upper += 1;
                    }
                }
            }
            let cap = w.chars().next().is_some_and(|ch| ch.is_uppercase());
            toks.push(Tok {
                start,
                end: j,
                kind: Kind::Word,
                cap,
                all_caps: letters >= 2 && upper == letters,
                sent_start: false,
                newline_before: newline,
            });
            newline = false;
            i = j;
        } else {
            toks.push(Tok {
                start: i,
                end: i + cl,
                kind: Kind::Punct,
                cap: false,
                all_caps: false,
                sent_start: false,
                newline_before: newline,
            });
            newline = false;
            i += cl;
        }
    }
    // sentence starts: the first word, words after . ! ? or a line break (skipping quotes)
    let mut expect = true;
    for t in toks.iter_mut() {
        if t.newline_before {
            expect = true;
        }
        match t.kind {
            Kind::Word => {
                t.sent_start = expect;
                expect = false;
            }
            Kind::Punct => {
                let ch = text[t.start..t.end].chars().next().unwrap_or(' ');
                if matches!(ch, '.' | '!' | '?' | ':' | ';' | '•' | '*' | '#' | '>') {
                    expect = true;
                }
            }
        }
    }
    toks
}

/// Whether the word so far is made of single letters separated by dots ("U", "U.S").
fn is_abbrev_dot(w: &str) -> bool {
    w.split('.').all(|p| p.chars().count() == 1 && p.chars().all(|c| c.is_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_diacritics_and_dots() {
        assert_eq!(fold("Ţarţūs"), "tartus");
        assert_eq!(fold("U.S."), "us");
        assert_eq!(fold("Saint-Denis"), "saint denis");
        assert_eq!(fold("Saint - Denis"), "saint denis");
        assert_eq!(fold("  New   York "), "new york");
        assert_eq!(fold("Côte d’Ivoire"), "cote d'ivoire");
    }

    #[test]
    fn tokenizes_abbreviations_and_sentences() {
        let t = "The U.S. envoy met him in São Paulo. Then he left China's capital.";
        let toks = tokenize(t);
        let words: Vec<&str> = toks.iter().map(|k| &t[k.start..k.end]).collect();
        assert!(words.contains(&"U.S."), "{words:?}");
        assert!(words.contains(&"São"));
        assert!(words.contains(&"China"), "{words:?}");
        let then = toks.iter().find(|k| &t[k.start..k.end] == "Then").unwrap();
        assert!(then.sent_start);
        let envoy = toks.iter().find(|k| &t[k.start..k.end] == "envoy").unwrap();
        assert!(!envoy.sent_start);
    }
}
