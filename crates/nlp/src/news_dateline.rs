//! News datelines: the "LONDON, March 3 -" or "WASHINGTON (Reuters) —" that opens a wire
//! story. The dateline names where the story was filed, not who acted; parsed as part of the
//! sentence after it, its place becomes that sentence's subject ("LONDON ... met Chinese
//! officials"). [`dateline_end`] finds it so that the sentence splitter keeps it whole, the
//! parser keeps it apart, and the NER reads its place as one.

/// The index of the dash that ends a dateline opening a sentence, if it opens with one; the
/// sentence's tokens are `n` byte spans (`span(i)` for token `i`).
///
/// A dateline here is one to twelve tokens at the start of a line, before a dash (or a colon
/// after an all-capitals place: "NEW DELHI:"), made only of capitalized words, numbers,
/// commas and periods, plus anything inside parentheses ("(Reuters)", "(dpa)"). Its first word
/// is capitalized, and either it has a comma or parentheses ("Paris, Texas, March 3 —") or its
/// words are in capitals ("LONDON -"). The story after it starts like a sentence: a
/// capitalized word, a number or a quote. That keeps apart the appositions a dateline looks
/// like: "NATO - the alliance - said", "Mr Smith - who resigned - said". The dateline and the
/// story's first word lie on one line: a headline above is not part of it.
pub fn dateline_end(text: &str, n: usize, span: impl Fn(usize) -> (usize, usize)) -> Option<usize> {
    let form = |i: usize| {
        let (a, b) = span(i);
        text.get(a..b).unwrap_or("")
    };
    if n == 0 {
        return None;
    }
    let start = span(0).0;
    // the sentence opens a line (what precedes it on its line is blank; read backwards, so a
    // sentence far into a long line costs nothing)
    if !text.get(..start)?.chars().rev().take_while(|&c| c != '\n').all(char::is_whitespace) {
        return None;
    }
    let head = form(0);
    if !head.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    // "LONDON" is in capitals; "A" is one capital, not a word in capitals
    let (mut comma_or_paren, mut depth) = (false, 0i32);
    let mut all_caps = head.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !head.chars().any(char::is_lowercase);
    for k in 1..n.min(13) {
        let f = form(k);
        let t_start = span(k).0;
        if text.get(start..t_start).is_none_or(|s| s.contains('\n')) {
            return None;
        }
        // an em or en dash however set ("WASHINGTON—The"), a hyphen only set apart by a
        // space ("R-Ky." holds one that is not)
        let dash = match f {
            "—" | "–" | "―" => true,
            "-" | "--" => text[..t_start].ends_with(char::is_whitespace),
            _ => false,
        };
        if depth == 0 && (dash || (f == ":" && all_caps)) {
            // the story goes on on the dash's line ("BEST DENTIST EVER -" above a review is
            // a title)
            if n < k + 4 || text.get(start..span(k + 1).0).is_none_or(|s| s.contains('\n')) {
                return None;
            }
            let story_opens = form(k + 1).chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "\"'“‘".contains(c));
            return (story_opens && (comma_or_paren || all_caps)).then_some(k);
        }
        match f {
            "(" => {
                depth += 1;
                comma_or_paren = true;
            }
            ")" => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            "," => comma_or_paren = true,
            "." => {}
            _ if depth > 0 => {}
            _ => {
                let c = f.chars().next()?;
                if !(c.is_uppercase() || c.is_ascii_digit()) {
                    return None;
                }
                if f.chars().any(char::is_lowercase) {
                    all_caps = false;
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<(usize, usize)> {
        crate::tokenize::tokens(text).into_iter().map(|t| (t.start, t.end)).collect()
    }

    fn at(text: &str, t: &[(usize, usize)]) -> Option<usize> {
        dateline_end(text, t.len(), |i| t[i])
    }

    fn end(text: &str) -> Option<String> {
        let t = toks(text);
        at(text, &t).map(|k| text[..t[k].0].trim_end().to_string())
    }

    #[test]
    fn finds_wire_datelines() {
        assert_eq!(end("LONDON, March 3, 2005 - Trade Secretary Patricia Hewitt met officials.").as_deref(), Some("LONDON, March 3, 2005"));
        assert_eq!(end("SAN SALVADOR, Feb 26 - Showers continued in the region.").as_deref(), Some("SAN SALVADOR, Feb 26"));
        assert_eq!(end("WASHINGTON (Reuters) — The Senate voted on Monday.").as_deref(), Some("WASHINGTON (Reuters)"));
        assert_eq!(end("Berlin, 7 Sept. (dpa) -- \"We will not pay,\" the minister said.").as_deref(), Some("Berlin, 7 Sept. (dpa)"));
        assert_eq!(end("MOSCOW - Russia said it would send troops.").as_deref(), Some("MOSCOW"));
        assert_eq!(end("WASHINGTON—The Senate voted on Monday.").as_deref(), Some("WASHINGTON"));
        assert_eq!(end("NEW DELHI: India and Pakistan held talks.").as_deref(), Some("NEW DELHI"));
        // after a title line, as the sentence splitter gives it
        let text = "Title line\n\nPARIS, May 2 - France protested.";
        let t = toks(text);
        assert_eq!(at(text, &t[2..]), Some(4));
    }

    #[test]
    fn leaves_appositions_and_running_text_alone() {
        assert_eq!(end("NATO - the Western alliance - said it would act."), None);
        assert_eq!(end("Mr Smith - Labour's spokesman - said no."), None);
        assert_eq!(end("Mr Smith - He said no."), None, "no comma, not in capitals");
        assert_eq!(end("Smith, the minister - who resigned - said no."), None);
        assert_eq!(end("The talks - which began on Monday - ended."), None);
        assert_eq!(end("Moscow - Russia said it would act."), None, "no comma, not in capitals");
        assert_eq!(end("A - B and C went home."), None);
        assert_eq!(end("Senate Majority Leader Mitch McConnell, R-Ky., called Wilson an outstanding nominee."), None);
        assert_eq!(end("LONDON - Britain."), None, "too short a story");
        assert_eq!(end("Warning: Britain protested on Monday."), None, "a colon only after capitals");
        // a sentence that does not open its line
        let text = "Talks ended. LONDON - Britain protested loudly.";
        let t = toks(text);
        let second = t.iter().position(|x| &text[x.0..x.1] == "LONDON").unwrap();
        assert_eq!(at(text, &t[second..]), None);
        let text = "Talks ended.\nLONDON - Britain protested loudly.";
        assert_eq!(at(text, &toks(text)[3..]), Some(1));
        // a headline above is not part of the dateline
        assert_eq!(end("BRITISH AIRWAYS\nLONDON - Britain protested loudly."), None);
        assert_eq!(end("BEST DENTIST EVER -\n\nVery fast and friendly service."), None);
    }
}
