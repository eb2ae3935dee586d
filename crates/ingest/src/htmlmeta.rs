//! Page metadata read straight from the HTML source (no DOM): `<meta>` tags, JSON-LD,
//! `<time>` elements, `<link rel=canonical>`, `<html lang>`; and the publication date method
//! that combines them with URL patterns and visible text under plausibility bounds.
use crate::dates::{self, DateForm};
use model::Date;
use std::collections::HashMap;

/// Attributes of one start tag, names lower-cased, entities in values decoded.
pub type Attrs = HashMap<String, String>;

/// Every start tag named `name` (lower-case) in `html`, with its attributes and the byte
/// offset just past the tag. Stops after `limit` tags.
pub fn tags(html: &str, name: &str, limit: usize) -> Vec<(Attrs, usize)> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let n = name.len();
    let mut i = 0;
    while out.len() < limit {
        let Some(p) = memchr_lt(&b[i..]) else { break };
        let s = i + p;
        i = s + 1;
        if s + 1 + n > b.len() || !b[s + 1..s + 1 + n].eq_ignore_ascii_case(name.as_bytes()) {
            continue;
        }
        let after = b.get(s + 1 + n).copied().unwrap_or(b'>');
        if !(after.is_ascii_whitespace() || after == b'>' || after == b'/') {
            continue;
        }
        let (attrs, end) = parse_attrs(html, s + 1 + n);
        out.push((attrs, end));
        i = end.max(i);
    }
    out
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'<')
}

/// Parses attributes from `i` to the closing `>`; returns them and the offset after `>`.
fn parse_attrs(html: &str, mut i: usize) -> (Attrs, usize) {
    let b = html.as_bytes();
    let mut attrs = Attrs::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (attrs, b.len());
        }
        if b[i] == b'>' {
            return (attrs, i + 1);
        }
        let ns = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let name = html[ns..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                let ve = b[vs..].iter().position(|&c| c == q).map(|p| vs + p).unwrap_or(b.len());
                value = decode_entities(&html[vs..ve]);
                i = (ve + 1).min(b.len());
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = decode_entities(&html[vs..i]);
            }
        }
        if !name.is_empty() {
            attrs.entry(name).or_insert(value);
        }
    }
}

/// Decodes the common character references (`&amp;`, `&#39;`, `&#x2019;`, …).
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest.as_bytes()[..rest.len().min(12)].iter().position(|&b| b == b';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(h) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(h, 16).ok().and_then(char::from_u32)
            } else if let Some(d) = name.strip_prefix('#') {
                d.parse().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some(' '),
                    "rsquo" => Some('’'),
                    "lsquo" => Some('‘'),
                    "rdquo" => Some('”'),
                    "ldquo" => Some('“'),
                    "mdash" => Some('—'),
                    "ndash" => Some('–'),
                    "hellip" => Some('…'),
                    _ => None,
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Metadata read from the page source.
#[derive(Debug, Default, Clone)]
pub struct PageMeta {
    /// `<meta>` name/property/itemprop (lower-case) -> first content.
    pub meta: HashMap<String, String>,
    /// `<link rel=canonical>` href.
    pub canonical: Option<String>,
    /// `<html lang>`.
    pub lang: Option<String>,
    /// JSON-LD objects' string fields of interest (`datePublished`, `headline`, `author`…).
    pub jsonld: Vec<(String, String)>,
    /// `<time>` elements: attributes.
    pub times: Vec<Attrs>,
}

/// Reads the metadata of `html`.
pub fn page_meta(html: &str) -> PageMeta {
    let mut pm = PageMeta::default();
    for (a, _) in tags(html, "meta", 2000) {
        let key = a.get("property").or_else(|| a.get("name")).or_else(|| a.get("itemprop")).or_else(|| a.get("http-equiv"));
        let val = a.get("content").or_else(|| a.get("datetime")).or_else(|| a.get("value"));
        if let (Some(k), Some(v)) = (key, val) {
            let v = v.trim();
            if !v.is_empty() {
                pm.meta.entry(k.trim().to_ascii_lowercase()).or_insert_with(|| v.to_string());
            }
        }
    }
    for (a, _) in tags(html, "link", 2000) {
        if a.get("rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) {
            if let Some(h) = a.get("href") {
                pm.canonical.get_or_insert_with(|| h.trim().to_string());
            }
        }
    }
    if let Some((a, _)) = tags(html, "html", 1).into_iter().next() {
        pm.lang = a.get("lang").or_else(|| a.get("xml:lang")).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    }
    pm.times = tags(html, "time", 200).into_iter().map(|(a, _)| a).collect();
    for (a, end) in tags(html, "script", 500) {
        if !a.get("type").is_some_and(|t| t.to_ascii_lowercase().contains("ld+json")) {
            continue;
        }
        let rest = &html[end..];
        let close = find_ci(rest.as_bytes(), b"</script").unwrap_or(rest.len());
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(rest[..close].trim()) {
            collect_jsonld(&v, &mut pm.jsonld, 0);
        }
    }
    pm
}

/// Case-insensitive search for an ASCII needle (lower-case) in bytes.
pub fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = needle[0];
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        let p = hay[i..=hay.len() - needle.len()].iter().position(|&c| c.to_ascii_lowercase() == first)?;
        let s = i + p;
        if hay[s..s + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(s);
        }
        i = s + 1;
    }
    None
}

fn collect_jsonld(v: &serde_json::Value, out: &mut Vec<(String, String)>, depth: usize) {
    if depth > 8 || out.len() > 200 {
        return;
    }
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_jsonld(x, out, depth + 1)),
        serde_json::Value::Object(o) => {
            let ty = o.get("@type").map(|t| t.to_string()).unwrap_or_default();
            let articleish = ty.contains("Article") || ty.contains("Posting") || ty.contains("Report") || ty.contains("WebPage") || ty.is_empty();
            for (k, x) in o {
                match (k.as_str(), x) {
                    ("datePublished" | "dateCreated" | "uploadDate" | "dateModified", serde_json::Value::String(s)) if articleish => {
                        out.push((k.clone(), s.clone()))
                    }
                    ("headline" | "articleBody" | "description", serde_json::Value::String(s)) => out.push((k.clone(), s.clone())),
                    ("author" | "creator", a) if articleish => author_names(a, out, 0),
                    (_, serde_json::Value::Object(_) | serde_json::Value::Array(_)) => collect_jsonld(x, out, depth + 1),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

fn author_names(v: &serde_json::Value, out: &mut Vec<(String, String)>, depth: usize) {
    if depth > 3 {
        return;
    }
    match v {
        serde_json::Value::String(s) => out.push(("author".into(), s.clone())),
        serde_json::Value::Array(a) => a.iter().for_each(|x| author_names(x, out, depth + 1)),
        serde_json::Value::Object(o) => {
            if let Some(serde_json::Value::String(n)) = o.get("name") {
                out.push(("author".into(), n.clone()));
            }
        }
        _ => {}
    }
}

/// Meta keys that name the publication date, most trusted first.
const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "article.published",
    "published_time",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "citation_publication_date",
    "citation_date",
    "date",
    "article:post_date",
    "cxenseparse:recs:publishtime",
    "og:pubdate",
    "originalpublicationdate",
    "release_date",
    "created",
];

/// Meta keys that name a modification date: a fallback only.
const MODIFIED_KEYS: &[&str] = &[
    "eomportal-lastupdate",
    "dc.date.modified",
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "lastmod",
    "last-modified",
];

/// Bounds a publication date must fall within.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    /// Earliest plausible date.
    pub min: Date,
    /// Latest plausible date (today, for live crawls).
    pub max: Date,
}

impl Default for Bounds {
    fn default() -> Self {
        let today = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| Date::from_days((d.as_secs() / 86_400) as i64))
            .unwrap_or(Date { year: 2100, month: 1, day: 1 });
        Bounds { min: Date { year: 1995, month: 1, day: 1 }, max: today.add_days(1) }
    }
}

impl Bounds {
    fn ok(&self, d: Date) -> bool {
        d >= self.min && d <= self.max
    }
}

/// The publication date of a page: the first plausible date from, in order, the URL path
/// (when it holds a full date), publication meta tags, JSON-LD `datePublished`, `<time>`
/// elements marked as publication time, other `<time>` elements, then dates in the visible
/// text (`text`, the page's text) near the top. Returns the date and where it came from.
pub fn published_date(pm: &PageMeta, html: &str, url: Option<&str>, text_head: &str, bounds: Bounds) -> Option<(Date, &'static str)> {
    let url_date = url.and_then(dates::date_in_url).filter(|d| bounds.ok(*d));
    if let Some(d) = url_date {
        return Some((d, "url"));
    }
    let url_month = url.and_then(dates::month_in_url);
    let fits_url = |d: Date| url_month.is_none_or(|(y, m)| d.year == y && d.month == m);
    for key in PUBLISHED_KEYS {
        if let Some(d) = pm.meta.get(*key).and_then(|v| dates::parse_date(v)).filter(|d| bounds.ok(*d) && fits_url(*d)) {
            return Some((d, "meta"));
        }
    }
    for key in ["datePublished", "dateCreated", "uploadDate"] {
        if let Some(d) = pm.jsonld.iter().filter(|(k, _)| k == key).filter_map(|(_, v)| dates::parse_date(v)).find(|d| bounds.ok(*d) && fits_url(*d)) {
            return Some((d, "json-ld"));
        }
    }
    let time_attr = |a: &Attrs| a.get("datetime").or_else(|| a.get("content")).and_then(|v| dates::parse_date(v));
    let marked = |a: &Attrs| {
        a.contains_key("pubdate")
            || ["class", "itemprop", "id"].iter().any(|k| {
                a.get(*k).is_some_and(|v| {
                    let v = v.to_ascii_lowercase();
                    v.contains("publish") || v.contains("pubdate") || v.contains("posted") || v.contains("created")
                })
            })
    };
    if let Some(d) = pm.times.iter().filter(|a| marked(a)).filter_map(time_attr).find(|d| bounds.ok(*d) && fits_url(*d)) {
        return Some((d, "time-published"));
    }
    if let Some(d) = pm.times.iter().filter_map(time_attr).find(|d| bounds.ok(*d) && fits_url(*d)) {
        return Some((d, "time"));
    }
    for key in MODIFIED_KEYS {
        if let Some(d) = pm.meta.get(*key).and_then(|v| dates::parse_date(v)).filter(|d| bounds.ok(*d) && fits_url(*d)) {
            return Some((d, "meta-modified"));
        }
    }
    if let Some(d) = pm.jsonld.iter().filter(|(k, _)| k == "dateModified").filter_map(|(_, v)| dates::parse_date(v)).find(|d| bounds.ok(*d) && fits_url(*d)) {
        return Some((d, "json-ld-modified"));
    }
    // Elements whose class or id says they hold the date (`<span class="post-date">`).
    for snippet in date_element_texts(html, 30) {
        if let Some(&(_, _, d, _)) = dates::find_dates(&snippet).iter().find(|(_, _, d, _)| bounds.ok(*d) && fits_url(*d)) {
            return Some((d, "date-element"));
        }
    }
    // Visible text: the first well-formed date near the top.
    let found = dates::find_dates(text_head);
    if let Some(&(_, _, d, _)) = found.iter().find(|(_, _, d, f)| *f != DateForm::Numeric && bounds.ok(*d) && fits_url(*d)) {
        return Some((d, "text"));
    }
    if let Some(&(_, _, d, _)) = found.iter().find(|(_, _, d, _)| bounds.ok(*d) && fits_url(*d)) {
        return Some((d, "text-numeric"));
    }
    // Last resort: the most frequent well-formed date anywhere in the page's text
    // (ties to the first), as a page's own date tends to repeat.
    let visible = strip_tags(html, 1 << 20);
    let mut counts: Vec<(Date, usize, usize)> = Vec::new();
    for (i, &(_, _, d, f)) in dates::find_dates(&visible).iter().enumerate() {
        let _ = f;
        if !bounds.ok(d) || !fits_url(d) {
            continue;
        }
        match counts.iter_mut().find(|c| c.0 == d) {
            Some(c) => c.1 += 1,
            None => counts.push((d, 1, i)),
        }
    }
    if let Some(best) = counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2))) {
        return Some((best.0, "page-text"));
    }
    // Timestamps in scripts and attributes (`"2020-10-26T18:10:00+01:00"`): the most frequent.
    let mut counts: Vec<(Date, usize, usize)> = Vec::new();
    for (i, m) in RE_TIMESTAMP.find_iter(html).take(500).enumerate() {
        let Some(d) = Date::parse(&m.as_str()[..10]).filter(|d| bounds.ok(*d) && fits_url(*d)) else { continue };
        match counts.iter_mut().find(|c| c.0 == d) {
            Some(c) => c.1 += 1,
            None => counts.push((d, 1, i)),
        }
    }
    counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2))).map(|c| (c.0, "timestamp"))
}

static RE_TIMESTAMP: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"(?:19|20)\d\d-[01]\d-[0-3]\d[T ][0-2]\d:[0-5]\d").expect("timestamp regex"));

/// The text (tags removed) of the first `limit` elements whose class, id or itemprop
/// names a date, 300 bytes of text each.
fn date_element_texts(html: &str, limit: usize) -> Vec<String> {
    const WORDS: &[&[u8]] = &[b"date", b"time", b"publi", b"posted", b"byline", b"datum", b"fecha", b"meta-info", b"entry-meta", b"post-meta"];
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while out.len() < limit {
        let Some(p) = b[i..].iter().position(|&c| c == b'<') else { break };
        let s = i + p;
        i = s + 1;
        if !b.get(s + 1).is_some_and(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = match b[s..b.len().min(s + 1000)].iter().position(|&c| c == b'>') {
            Some(e) => s + e,
            None => continue,
        };
        let tag = &b[s..end];
        let lower: Vec<u8> = tag.iter().map(|c| c.to_ascii_lowercase()).collect();
        let attr_value_has_word = [&b"class="[..], b"id=", b"itemprop="].iter().any(|a| {
            find_ci(&lower, a).is_some_and(|p| {
                let v = &lower[p + a.len()..];
                let quote = v.first().copied().filter(|&q| q == b'"' || q == b'\'');
                let v = if quote.is_some() { &v[1..] } else { v };
                // A quoted value runs to its quote (class lists have spaces); a bare one to a space.
                let stop = v.iter().position(|&c| Some(c) == quote || (quote.is_none() && c == b' ')).unwrap_or(v.len());
                WORDS.iter().any(|w| find_ci(&v[..stop], w).is_some())
            })
        });
        if !attr_value_has_word {
            continue;
        }
        let rest = &html[end + 1..];
        let mut e = rest.len().min(1500);
        while !rest.is_char_boundary(e) {
            e -= 1;
        }
        let t = strip_tags(&rest[..e], 300);
        if !t.trim().is_empty() {
            out.push(t);
        }
    }
    out
}

/// The text of HTML (tags, scripts and styles removed, entities decoded), up to `max` bytes.
pub fn strip_tags(html: &str, max: usize) -> String {
    let b = html.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let mut last = 0;
    while i < b.len() && out.len() < max {
        if b[i] == b'<' {
            out.push_str(&decode_entities(&html[last..i]));
            out.push(' ');
            let lower = |n: &[u8]| b.len() >= i + 1 + n.len() && b[i + 1..i + 1 + n.len()].eq_ignore_ascii_case(n);
            let skip_to = if lower(b"script") {
                find_ci(&b[i..], b"</script").map(|p| i + p)
            } else if lower(b"style") {
                find_ci(&b[i..], b"</style").map(|p| i + p)
            } else if b[i..].starts_with(b"<!--") {
                b[i..].windows(3).position(|w| w == b"-->").map(|p| i + p)
            } else {
                Some(i)
            };
            let from = skip_to.unwrap_or(b.len());
            i = b[from..].iter().position(|&c| c == b'>').map(|p| from + p + 1).unwrap_or(b.len());
            last = i;
        } else {
            i += 1;
        }
    }
    if last < b.len() && out.len() < max {
        out.push_str(&decode_entities(&html[last..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_attrs() {
        let h = r#"<html lang="en"><head><META property='og:title' content="A &amp; B"><meta name=date content=2020-09-07>
            <link rel="canonical" href="https://ex.com/a"><script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2020-09-06T10:00:00Z","author":{"@type":"Person","name":"Jane Roe"}}</script></head>"#;
        let pm = page_meta(h);
        assert_eq!(pm.meta.get("og:title").map(String::as_str), Some("A & B"));
        assert_eq!(pm.meta.get("date").map(String::as_str), Some("2020-09-07"));
        assert_eq!(pm.canonical.as_deref(), Some("https://ex.com/a"));
        assert_eq!(pm.lang.as_deref(), Some("en"));
        assert!(pm.jsonld.contains(&("author".to_string(), "Jane Roe".to_string())));
        let b = Bounds { min: Date::new(1995, 1, 1).unwrap(), max: Date::new(2030, 1, 1).unwrap() };
        // Publication meta tags come first, then JSON-LD.
        assert_eq!(published_date(&pm, h, None, "", b), Some((Date::new(2020, 9, 7).unwrap(), "meta")));
        let h2 = r#"<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2020-09-06T10:00:00Z"}</script>"#;
        assert_eq!(published_date(&page_meta(h2), h2, None, "", b), Some((Date::new(2020, 9, 6).unwrap(), "json-ld")));
        let h3 = r#"<div class="post-meta"><span>Publicado el</span> jueves 2 de abril de 2020</div><p>Text from 1 May 2019.</p>"#;
        assert_eq!(published_date(&page_meta(h3), h3, None, "", b), Some((Date::new(2020, 4, 2).unwrap(), "date-element")));
        let h4 = "<p>Seen on 3 March 2021.</p><p>Again 3 March 2021 and 4 March 2021.</p><p>Copyright 2099-01-01</p>";
        assert_eq!(published_date(&page_meta(h4), h4, None, "", b), Some((Date::new(2021, 3, 3).unwrap(), "page-text")));
        assert_eq!(published_date(&pm, h, Some("https://ex.com/2020/09/05/x"), "", b).map(|x| x.0), Date::new(2020, 9, 5));
        assert_eq!(decode_entities("&#39;x&#x2019;&bogus; &"), "'x’&bogus; &");
        assert_eq!(decode_entities("&lt;Here’s"), "<Here’s");
        assert_eq!(decode_entities("&in‑depth"), "&in‑depth");
    }
}
