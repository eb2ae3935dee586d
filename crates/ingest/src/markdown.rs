//! Markdown and plain-text articles.
//!
//! A Markdown article is a `#` headline, an optional byline (`By [AFP](#)`), an optional date
//! line, the body, and an optional `Original url:` footer. Markup is removed from the body
//! (links become their text, emphasis markers go, images, "Related article:" lines and
//! photo-credit captions are dropped), so that the clean text reads as prose.
use crate::dates;
use model::Article;

/// What a Markdown or text reader found, before ids and origins are attached.
#[derive(Debug, Default, PartialEq)]
pub struct Parsed {
    /// Headline.
    pub title: Option<String>,
    /// Byline.
    pub byline: Option<String>,
    /// Publication date.
    pub published: Option<model::Date>,
    /// Original URL.
    pub url: Option<String>,
    /// Clean body text, paragraphs separated by a blank line.
    pub text: String,
}

impl Parsed {
    /// Fills an article's fields (id and origin are left to the caller).
    pub fn into_article(self) -> Article {
        Article {
            url: self.url,
            title: self.title,
            byline: self.byline,
            published: self.published,
            text: self.text,
            num_articles: 1,
            num_sources: 1,
            ..Article::default()
        }
    }
}

/// Removes inline Markdown: links and images (`[t](u)` -> `t`, images dropped), autolinks,
/// emphasis (`**`, `__`, `*`, `_` at word edges), code backticks and backslash escapes.
pub fn strip_inline(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\\' if i + 1 < b.len() && b[i + 1].is_ascii_punctuation() => {
                out.push(b[i + 1] as char);
                i += 2;
            }
            b'!' if b.get(i + 1) == Some(&b'[') => {
                if let Some((_, end)) = link_at(s, i + 1) {
                    i = end; // images carry no prose
                } else {
                    out.push('!');
                    i += 1;
                }
            }
            b'[' => {
                if let Some((text, end)) = link_at(s, i) {
                    out.push_str(&strip_inline(text));
                    i = end;
                } else {
                    out.push('[');
                    i += 1;
                }
            }
            b'<' => {
                // <https://…> autolinks keep their address; other tags are dropped.
                if let Some(close) = s[i..].find('>') {
                    let inner = &s[i + 1..i + close];
                    if inner.starts_with("http://") || inner.starts_with("https://") || inner.starts_with("mailto:") {
                        out.push_str(inner);
                        i += close + 1;
                        continue;
                    }
                    let tagish = inner.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
                        && !inner.contains('<')
                        && inner.len() < 200;
                    if tagish {
                        i += close + 1;
                        continue;
                    }
                }
                out.push('<');
                i += 1;
            }
            b'`' => i += 1,
            b'*' | b'_' => {
                // An emphasis marker opens before a word or closes after one; `_` inside a
                // word (snake_case) and a lone `*` between spaces are literal.
                let mut j = i;
                while j < b.len() && b[j] == c {
                    j += 1;
                }
                let prev = if i == 0 { None } else { s[..i].chars().next_back() };
                let next = s[j..].chars().next();
                let word = |ch: Option<char>| ch.is_some_and(|ch| ch.is_alphanumeric());
                let inside_word = word(prev) && word(next);
                let spaced = next.is_none_or(|n| n.is_whitespace()) && prev.is_none_or(|p| p.is_whitespace());
                if (c == b'_' && inside_word) || spaced {
                    out.push_str(&s[i..j]);
                }
                i = j;
            }
            _ => {
                let ch = s[i..].chars().next().unwrap_or(' ');
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    out
}

/// A `[text](target)` link starting at byte `i` (which holds `[`): its text and the end.
fn link_at(s: &str, i: usize) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut j = i;
    while j < b.len() {
        match b[j] {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        j += 1;
    }
    if j >= b.len() || b.get(j + 1) != Some(&b'(') {
        return None;
    }
    let close = s[j + 2..].find(')')? + j + 2;
    Some((&s[i + 1..j], close + 1))
}

/// Whether a paragraph is a photo caption with a credit (`Text. **Agency / Photographer**`)
/// or a bare credit line.
fn is_caption(raw: &str) -> bool {
    let t = raw.trim();
    if t.len() > 300 || !t.ends_with("**") && !t.ends_with("__") {
        return false;
    }
    let inner = t.trim_end_matches(['*', '_']);
    let open = inner.rfind("**").or_else(|| inner.rfind("__"));
    match open {
        Some(o) => {
            let credit = &inner[o + 2..];
            let lower = credit.to_ascii_lowercase();
            // A bold closing phrase is a credit when it names a source the way credits do.
            o > 0
                && credit.len() < 80
                && (credit.contains('/')
                    || ["photo", "reuters", "afp", "ap ", "getty", "flickr", "epa", "tass", "ria", "wikimedia", "courtesy", "press service", "handout"]
                        .iter()
                        .any(|k| lower.contains(k)))
        }
        None => false,
    }
}

fn is_related(raw: &str) -> bool {
    let s = strip_inline(raw).trim().to_ascii_lowercase();
    ["related article:", "related:", "read more:", "read also:", "see also:", "related articles:"].iter().any(|p| s.starts_with(p))
}

/// Joins the lines of one paragraph and strips block markup.
fn clean_paragraph(lines: &[&str]) -> String {
    let mut out = String::new();
    for l in lines {
        let mut l = l.trim();
        while let Some(r) = l.strip_prefix('>') {
            l = r.trim_start();
        }
        let l = l.trim_start_matches('#').trim_start();
        let l = l
            .strip_prefix("- ")
            .or_else(|| l.strip_prefix("* "))
            .or_else(|| l.strip_prefix("+ "))
            .unwrap_or(l);
        if l.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&strip_inline(l));
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits text into paragraphs (runs of non-blank lines).
fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(line);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Joins clean paragraphs; a paragraph that stops mid-sentence is continued by the next one
/// rather than separated from it: one that ends in a comma, or ends in a lowercase word and
/// is followed by a lowercase word or by punctuation ("regions, | where", "the | talks",
/// "in-form | . The"). A line that ends in a lowercase word but is followed by a capital is a
/// line of its own: a byline ("Nadim Ladki"), a fixture ("Everton v Sunderland"), a heading.
fn join_paragraphs(paras: Vec<String>) -> String {
    let mut out = String::new();
    for p in paras {
        if p.is_empty() {
            continue;
        }
        if !out.is_empty() {
            let last = out.chars().next_back().unwrap_or('.');
            let next = p.chars().next().unwrap_or('A');
            if last == ',' || (last.is_lowercase() && (next.is_lowercase() || matches!(next, ',' | '.' | ';' | ':' | ')'))) {
                out.push(' ');
            } else {
                out.push_str("\n\n");
            }
        }
        out.push_str(&p);
    }
    out
}

fn byline_of(s: &str) -> Option<String> {
    let t = strip_inline(s.trim());
    let t = t.trim();
    let rest = t.strip_prefix("By ").or_else(|| t.strip_prefix("by ")).or_else(|| t.strip_prefix("BY "))?;
    let rest = rest.trim();
    (!rest.is_empty() && rest.len() < 200).then(|| rest.to_string())
}

/// Parses a Markdown article.
pub fn parse_markdown(src: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut paras = paragraphs(src);
    // `Original url:` footer: the URL is the next paragraph (or the rest of the line).
    if let Some(k) = paras.iter().position(|pa| pa[0].trim().to_ascii_lowercase().starts_with("original url:")) {
        let after = pa_rest(paras[k][0]);
        let candidate = if !after.is_empty() {
            Some(after)
        } else {
            paras.get(k + 1).map(|n| n[0].trim().to_string()).or_else(|| paras[k].get(1).map(|l| l.trim().to_string()))
        };
        if let Some(u) = candidate {
            let u = u.trim_start_matches('<').trim_end_matches('>').trim().to_string();
            if u.starts_with("http") {
                p.url = Some(u);
            }
        }
        paras.truncate(k);
    }
    let mut body: Vec<String> = Vec::new();
    let mut head = true; // still in the headline block (title, byline, date)
    for pa in &paras {
        let first = pa[0].trim();
        if head {
            if p.title.is_none() && first.starts_with('#') && pa.len() == 1 {
                let t = clean_paragraph(pa);
                if !t.is_empty() {
                    p.title = Some(t);
                    continue;
                }
            }
            if p.byline.is_none() && pa.len() == 1 {
                if let Some(b) = byline_of(first) {
                    p.byline = Some(b);
                    continue;
                }
            }
            if p.published.is_none() && pa.len() == 1 {
                if let Some(d) = dates::date_line(&strip_inline(first)) {
                    p.published = Some(d);
                    continue;
                }
            }
        }
        if is_related(first) || (pa.len() == 1 && is_caption(first)) {
            continue;
        }
        if pa.len() == 1 && first.starts_with("![") && strip_inline(first).trim().is_empty() {
            continue;
        }
        let c = clean_paragraph(pa);
        if !c.is_empty() {
            head = false;
            body.push(c);
        }
    }
    p.text = join_paragraphs(body);
    p
}

fn pa_rest(line: &str) -> String {
    let l = line.trim();
    l.get("original url:".len()..).unwrap_or("").trim().to_string()
}

/// Parses a plain-text article: the first line is the title when a blank line follows it;
/// a byline (`By …`) or a date line right after the title is taken as metadata.
pub fn parse_text(src: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut paras = paragraphs(src);
    if paras.len() > 1 && paras[0].len() == 1 && paras[0][0].trim().len() < 300 {
        p.title = Some(paras[0][0].split_whitespace().collect::<Vec<_>>().join(" "));
        paras.remove(0);
        // Metadata lines directly under the title.
        while let Some(first) = paras.first() {
            if first.len() != 1 || paras.len() == 1 {
                break;
            }
            let line = first[0].trim();
            if p.byline.is_none() && byline_of(line).is_some() {
                p.byline = byline_of(line);
            } else if p.published.is_none() && dates::date_line(line).is_some() {
                p.published = dates::date_line(line);
            } else {
                break;
            }
            paras.remove(0);
        }
    }
    let body: Vec<String> =
        paras.iter().map(|pa| pa.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    p.text = join_paragraphs(body);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paragraphs_broken_mid_sentence_are_joined() {
        let paras = ["Talks resumed in the northern regions,", "where fishing is banned", "and the", "ministers met.", "Nadim Ladki", "LONDON 1996-12-06", "Everton v Sunderland", "Hull v Colchester", "Shares fell in", ". Then"];
        let text = join_paragraphs(paras.iter().map(|s| s.to_string()).collect());
        assert_eq!(text, "Talks resumed in the northern regions, where fishing is banned and the ministers met.\n\nNadim Ladki\n\nLONDON 1996-12-06\n\nEverton v Sunderland\n\nHull v Colchester\n\nShares fell in . Then");
    }

    #[test]
    fn inline_markup_goes() {
        assert_eq!(strip_inline("By [AFP](#)"), "By AFP");
        assert_eq!(strip_inline("**Bold** and *em* and __u__ snake_case_name"), "Bold and em and u snake_case_name");
        assert_eq!(strip_inline("![a photo](x.jpg)Text"), "Text");
        assert_eq!(strip_inline("see <https://a.b/c> now"), "see https://a.b/c now");
        assert_eq!(strip_inline("3 * 4 = 12"), "3 * 4 = 12");
        assert_eq!(strip_inline("[unclosed link"), "[unclosed link");
    }

    #[test]
    fn captions_and_related() {
        assert!(is_caption("The minister in Paris. **Ministry Press Service / Flickr**"));
        assert!(!is_caption("**A bold first paragraph that is the lede**"));
        assert!(is_related("**Related article:** [Something](#)"));
    }
}
