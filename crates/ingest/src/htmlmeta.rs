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
                    "thinsp" | "ensp" | "emsp" | "nnbsp" => Some(' '),
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
        let body = rest[..close].trim();
        let body = body.strip_prefix("<!--").unwrap_or(body);
        let body = body.strip_prefix("//<![CDATA[").or_else(|| body.strip_prefix("<![CDATA[")).unwrap_or(body);
        // Values one after another, and those before a syntax error (a stray `}` ends
        // many pages' JSON-LD), are read; failing all, the date fields are picked out.
        let mut any = false;
        for v in serde_json::Deserializer::from_str(body).into_iter::<serde_json::Value>() {
            let Ok(v) = v else { break };
            collect_jsonld(&v, &mut pm.jsonld, 0);
            any = true;
        }
        if !any {
            for c in RE_JSONLD_DATE.captures_iter(body).take(50) {
                pm.jsonld.push((c[1].to_string(), c[2].to_string()));
            }
        }
    }
    pm
}

static RE_JSONLD_DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#""(datePublished|dateCreated|uploadDate|dateModified)"\s*:\s*"([^"]{4,64})""#).expect("json-ld date regex")
});

/// Case-insensitive search for an ASCII needle (lower-case) in bytes.
pub fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some(&first) = needle.first() else { return Some(0) };
    if hay.len() < needle.len() {
        return None;
    }
    let last_start = hay.len() - needle.len();
    let mut i = 0;
    while i <= last_start {
        let p = memchr::memchr2(first.to_ascii_lowercase(), first.to_ascii_uppercase(), &hay[i..=last_start])?;
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
    "dc.date.created",
    "dcterms.created",
    "datecreated",
    "citation_publication_date",
    "citation_date",
    "article:post_date",
    "cxenseparse:recs:publishtime",
    "og:pubdate",
    "originalpublicationdate",
    "release_date",
];

/// Generic meta keys that often hold a publication date but as often the date the page
/// was generated or last changed: trusted after the specific keys, JSON-LD and markup.
const WEAK_KEYS: &[&str] = &["dc.date", "dcterms.date", "date", "created"];

/// Meta keys that name a modification date: a fallback only.
const MODIFIED_KEYS: &[&str] = &[
    "eomportal-lastupdate",
    "dc.date.modified",
    "dcterms.modified",
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

/// A date read from a machine-readable value, with the UTC hour when the value is a
/// timestamp in UTC (`…T06:35:29Z`, `+00:00`), whose calendar day may not be the local one.
#[derive(Clone, Copy, Debug)]
struct Stamp {
    date: Date,
    /// Hour and minute, for timestamps in UTC.
    utc: Option<(u8, u8)>,
}

fn stamp(v: &str) -> Option<Stamp> {
    let date = dates::parse_date(v)?;
    let b = v.trim().as_bytes();
    let utc = (b.len() >= 16 && b[4] == b'-' && (b[10] == b'T' || b[10] == b' ') && b[13] == b':')
        .then(|| {
            let hour = std::str::from_utf8(&b[11..13]).ok()?.parse::<u8>().ok()?;
            let minute = std::str::from_utf8(&b[14..16]).ok()?.parse::<u8>().ok()?;
            let zone = b[16..].iter().position(|&c| c == b'Z' || c == b'+' || c == b'-').map(|p| &b[16 + p..])?;
            let utc = zone.starts_with(b"Z") || zone.starts_with(b"+00:00") || zone.starts_with(b"+0000") || zone.starts_with(b"-00:00");
            utc.then_some((hour, minute))
        })
        .flatten();
    Some(Stamp { date, utc })
}

/// Meta keys not listed above whose name says they hold a publication date
/// (`five_hundred_pixels:uploaded`, `article:publication_date`).
fn publication_key(k: &str) -> bool {
    ["publish", "pubdate", "uploaded", "created", "issued", "release"].iter().any(|w| k.contains(w))
        && !["modif", "updat", "expir", "revis", "edit", "image", "author", "publisher"].iter().any(|w| k.contains(w))
}

/// The publication date of a page and where it came from. In order: a full date in the
/// URL path; the declared publication date (publication meta tags, JSON-LD
/// `datePublished`, `itemprop`/`property` markup, generic `date` meta tags), except where
/// the page shows its readers another declared date (the modification date, or the same
/// moment in local time) and not the declared one; `<time>` elements; a date the visible
/// text introduces as the publication date ("Published", "Veröffentlicht am"…); declared
/// modification dates; elements whose class names a date; dates near the top of the text
/// (`text_head`); the most frequent date in the visible text; timestamps in scripts.
/// Every date must fall within `bounds` and agree with a `/yyyy/mm/` URL path.
pub fn published_date(pm: &PageMeta, html: &str, url: Option<&str>, text_head: &str, bounds: Bounds) -> Option<(Date, &'static str)> {
    let url_date = url.and_then(dates::date_in_url).filter(|d| bounds.ok(*d));
    if let Some(d) = url_date {
        return Some((d, "url"));
    }
    let url_month = url.and_then(dates::month_in_url);
    let fits_url = |d: Date| url_month.is_none_or(|(y, m)| d.year == y && d.month == m);
    let ok = |d: Date| bounds.ok(d) && fits_url(d);
    let meta_stamp = |k: &str| pm.meta.get(k).and_then(|v| stamp(v)).filter(|s| ok(s.date));
    let jsonld_stamp = |key: &str| pm.jsonld.iter().filter(|(k, _)| k == key).filter_map(|(_, v)| stamp(v)).find(|s| ok(s.date));
    let scan = scan_page(html);
    let modified: Vec<Date> = MODIFIED_KEYS
        .iter()
        .filter_map(|k| meta_stamp(k).map(|s| s.date))
        .chain(jsonld_stamp("dateModified").map(|s| s.date))
        .chain(scan.items.iter().filter(|x| !x.0).map(|x| x.1).filter(|d| ok(*d)))
        .collect();

    // 1. The declared publication dates, most trusted first.
    let mut declared: Vec<(Stamp, &'static str)> = PUBLISHED_KEYS.iter().filter_map(|k| meta_stamp(k)).map(|s| (s, "meta")).collect();
    for key in ["datePublished", "dateCreated", "uploadDate"] {
        declared.extend(jsonld_stamp(key).map(|s| (s, "json-ld")));
    }
    declared.extend(scan.items.iter().filter(|x| x.0 && ok(x.1)).map(|x| (Stamp { date: x.1, utc: x.2 }, "itemprop")));
    let mut keys: Vec<&String> = pm.meta.keys().filter(|k| publication_key(k) && !PUBLISHED_KEYS.contains(&k.as_str())).collect();
    keys.sort();
    declared.extend(keys.into_iter().filter_map(|k| meta_stamp(k)).map(|s| (s, "meta-other")));
    if let Some(&(s, src)) = declared.first() {
        // Pages show their readers the date they count as theirs: where the first declared
        // date is nowhere in the visible text, another declared date that is (a second
        // publication date, the modification date), or the same moment in the page's own
        // time zone where it gave the date in UTC.
        if !scan.vis.is_empty() && !scan.shown(s.date) {
            if let Some(&(o, src)) = declared.iter().find(|(o, _)| scan.shown(o.date)) {
                return Some((o.date, src));
            }
            if let Some(&m) = modified.iter().find(|m| scan.shown(**m)) {
                return Some((m, "modified-shown"));
            }
            if let Some(local) = s.utc.and_then(|t| local_day(html, s.date, t)).filter(|d| ok(*d) && scan.shown(*d)) {
                return Some((local, "local-day"));
            }
        }
        return Some((s.date, src));
    }

    // 3. A date the text introduces as the publication date.
    if let Some(v) = scan.vis.iter().find(|v| v.cue == Cue::Published && ok(v.date)) {
        return Some((v.date, "text-published"));
    }
    // 2. `<time>` elements: those marked as the publication time first.
    if let Some(t) = scan.times.iter().find(|t| t.1 && ok(t.0)) {
        return Some((t.0, "time-published"));
    }
    if let Some(t) = scan.times.iter().find(|t| ok(t.0)) {
        return Some((t.0, "time"));
    }
    if let Some(s) = WEAK_KEYS.iter().find_map(|k| meta_stamp(k)) {
        return Some((s.date, "meta-date"));
    }
    // 4. Declared modification dates.
    if let Some(&m) = modified.first() {
        return Some((m, "meta-modified"));
    }
    // 5. The first date after the headline.
    if let Some(h1) = scan.h1 {
        if let Some(v) = scan.vis.iter().find(|v| v.pos > h1 && v.pos < h1 + AFTER_H1 && (v.short || v.cue == Cue::Published) && v.cue != Cue::Updated && ok(v.date)) {
            return Some((v.date, "after-h1"));
        }
    }
    // 5. Elements whose class or id says they hold the date (`<span class="post-date">`).
    for (_, snippet) in &scan.date_elements {
        if let Some(&(_, _, d, _)) = dates::find_dates_snippet(snippet).iter().find(|x| ok(x.2)) {
            return Some((d, "date-element"));
        }
    }
    // 6. Visible text: the first well-formed date near the top.
    let found = dates::find_dates(text_head);
    if let Some(&(_, _, d, _)) = found.iter().find(|(_, _, d, f)| *f != DateForm::Numeric && ok(*d)) {
        return Some((d, "text"));
    }
    if let Some(&(_, _, d, _)) = found.iter().find(|(_, _, d, _)| ok(*d)) {
        return Some((d, "text-numeric"));
    }
    // 7. The most frequent date in the page's text (ties to the first), as a page's own
    // date tends to repeat; dates introduced as updates count for nothing.
    let mut counts: Vec<(Date, usize, usize)> = Vec::new();
    for (i, v) in scan.vis.iter().enumerate() {
        if v.cue == Cue::Updated || !ok(v.date) {
            continue;
        }
        match counts.iter_mut().find(|c| c.0 == v.date) {
            Some(c) => c.1 += 1,
            None => counts.push((v.date, 1, i)),
        }
    }
    if let Some(best) = counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2))) {
        return Some((best.0, "page-text"));
    }
    // 8. Timestamps in scripts, attributes and comments (`"2020-10-26T18:10:00+01:00"`,
    // `2020/04/17 01:43:09`): the most frequent.
    let mut counts: Vec<(Date, usize, usize)> = Vec::new();
    for (i, c) in RE_TIMESTAMP.captures_iter(html).take(500).enumerate() {
        let (Some(y), Some(m), Some(d)) = (c.get(1).and_then(|x| x.as_str().parse().ok()), c.get(2).and_then(|x| x.as_str().parse().ok()), c.get(3).and_then(|x| x.as_str().parse().ok())) else { continue };
        let Some(d) = Date::new(y, m, d).filter(|d| ok(*d)) else { continue };
        match counts.iter_mut().find(|c| c.0 == d) {
            Some(c) => c.1 += 1,
            None => counts.push((d, 1, i)),
        }
    }
    counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2))).map(|c| (c.0, "timestamp"))
}

static RE_ZONED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\b((?:19|20)\d\d-[01]\d-[0-3]\d)[T ]([0-2]\d):([0-5]\d)(?::\d\d(?:\.\d+)?)?([+-])([01]\d):?([0-5]\d)").expect("zoned timestamp regex")
});

/// The local calendar day of a UTC moment (`date`, `hm`), where the page writes the same
/// moment elsewhere with its time zone (`2023-11-08T22:35:29-08:00` for `2023-11-09T06:35:29Z`).
fn local_day(html: &str, date: Date, (h, m): (u8, u8)) -> Option<Date> {
    let utc = date.to_days() * 1440 + h as i64 * 60 + m as i64;
    RE_ZONED.captures_iter(html).take(2000).find_map(|c| {
        let d = Date::parse(c.get(1)?.as_str())?;
        let n = |i: usize| c.get(i).and_then(|x| x.as_str().parse::<i64>().ok());
        let offset = (n(5)? * 60 + n(6)?) * if &c[4] == "-" { -1 } else { 1 };
        (offset != 0 && d != date && d.to_days() * 1440 + n(2)? * 60 + n(3)? - offset == utc).then_some(d)
    })
}

static RE_TIMESTAMP: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"\b((?:19|20)\d\d)[-/]([01]\d)[-/]([0-3]\d)[T ][0-2]\d:[0-5]\d").expect("timestamp regex"));

const AFTER_H1: usize = 3000;

/// What the words just before a date in the text say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cue {
    None,
    /// "Published", "Posted", "Veröffentlicht am", "Publié le"…
    Published,
    /// "Updated", "Last modified", "Aktualisiert", "Mis à jour"…
    Updated,
}

const PUBLISHED_CUES: &[&str] = &[
    "published", "posted", "publication date", "date of publication", "first published", "released",
    "veröffentlicht", "erschienen", "erstellt", "publié", "publie le", "publicado", "publicada", "pubblicato", "pubblicata",
    "gepubliceerd", "geplaatst", "opublikowano", "опубликовано", "публікація", "publicerad", "publiceret", "udgivet", "julkaistu", "yayınlanma",
];
const UPDATED_CUES: &[&str] = &[
    "updated", "update:", "modified", "last edited", "last changed", "revised", "aktualisiert", "geändert", "änderung", "zuletzt", "stand:",
    "mis à jour", "modifié", "actualizado", "actualización", "aggiornato", "aggiornamento", "bijgewerkt", "обновлено", "оновлено", "zaktualizowano", "uppdaterad", "opdateret",
];

/// The cue nearest to the end of `before` (the text since the previous date).
fn cue_of(before: &str) -> Cue {
    let mut s = before.len().saturating_sub(60);
    while !before.is_char_boundary(s) {
        s += 1;
    }
    let ctx = before[s..].to_lowercase();
    let last = |cues: &[&str]| cues.iter().filter_map(|c| ctx.rfind(c)).max();
    match (last(PUBLISHED_CUES), last(UPDATED_CUES)) {
        (Some(p), Some(u)) => {
            if p > u {
                Cue::Published
            } else {
                Cue::Updated
            }
        }
        (Some(_), None) => Cue::Published,
        (None, Some(_)) => Cue::Updated,
        (None, None) => Cue::None,
    }
}

/// A date in the visible text of a page.
#[derive(Clone, Copy, Debug)]
struct VisDate {
    /// Offset in the page source (of the text run holding it).
    pos: usize,
    /// Whether the text run is short (a date line, a byline), not running text.
    short: bool,
    date: Date,
    cue: Cue,
}

/// What the date method reads from the page source besides [`PageMeta`], in one pass.
#[derive(Default)]
struct Scan {
    /// Dates in the visible text (scripts, styles and comments skipped), in order.
    vis: Vec<VisDate>,
    /// `<time>` elements: date (from `datetime`, else from the text), whether marked as
    /// the publication time.
    times: Vec<(Date, bool)>,
    /// Elements other than `<meta>` with `itemprop`/`property` `datePublished`,
    /// `dateCreated` (true) or `dateModified` (false): their date and UTC hour.
    items: Vec<(bool, Date, Option<(u8, u8)>)>,
    /// Offset of the first `<h1>`.
    h1: Option<usize>,
    /// Elements whose class, id or itemprop names a date: offset and text (300 bytes).
    date_elements: Vec<(usize, String)>,
}

impl Scan {
    fn shown(&self, d: Date) -> bool {
        self.vis.iter().any(|v| v.date == d)
    }
}

/// Words in a class, id or itemprop value that mark an element holding a date.
const DATE_CLASS_WORDS: &[&[u8]] = &[b"date", b"time", b"publi", b"posted", b"byline", b"datum", b"fecha", b"meta-info", b"entry-meta", b"post-meta", b"created", b"dateline"];

fn scan_page(html: &str) -> Scan {
    let b = html.as_bytes();
    let mut sc = Scan::default();
    // Visible text since the previous date (its last bytes), for cues.
    let mut tail = String::new();
    let mut i = 0;
    let mut text_from = 0;
    let mut pending_time: Option<(usize, bool)> = None;
    while i <= b.len() {
        let lt = memchr::memchr(b'<', &b[i..]).map(|p| i + p).unwrap_or(b.len());
        if lt > text_from {
            visible_segment(&html[text_from..lt], text_from, &mut tail, &mut sc.vis);
            if let Some((_, marked)) = pending_time.take() {
                // `<time>` without a machine-readable value: its text.
                if let Some(&(_, _, d, _)) = dates::find_dates_snippet(&decode_entities(html[text_from..lt].trim())).first() {
                    sc.times.push((d, marked));
                }
            }
        }
        if lt >= b.len() {
            break;
        }
        let next = b.get(lt + 1).copied().unwrap_or(0);
        let end;
        if next.is_ascii_alphabetic() {
            let close = memchr::memchr(b'>', &b[lt..]).map(|p| lt + p).unwrap_or(b.len());
            let tag = &b[lt..close];
            let name_len = tag[1..].iter().position(|c| !c.is_ascii_alphanumeric()).unwrap_or(tag.len() - 1);
            let name = &tag[1..1 + name_len];
            end = (close + 1).min(b.len());
            if name.eq_ignore_ascii_case(b"script") || name.eq_ignore_ascii_case(b"style") {
                let closing: &[u8] = if name.eq_ignore_ascii_case(b"script") { b"</script" } else { b"</style" };
                let stop = find_ci(&b[end..], closing).map(|p| end + p).unwrap_or(b.len());
                i = memchr::memchr(b'>', &b[stop..]).map(|p| stop + p + 1).unwrap_or(b.len());
                text_from = i;
                tail.push(' ');
                continue;
            }
            if sc.h1.is_none() && name.eq_ignore_ascii_case(b"h1") {
                sc.h1 = Some(lt);
            }
            if name.is_empty() || (!name.eq_ignore_ascii_case(b"time") && (no_date_tag(name) || !has_date_word(&tag[1 + name_len..tag.len().min(400)]))) {
                // Block-level tags separate words.
                tail.push(' ');
                i = end;
                text_from = end;
                continue;
            }
            let html_tag = &html[lt + 1 + name_len..close];
            let (attrs, _) = parse_attrs(html_tag, 0);
            let is_time = name.eq_ignore_ascii_case(b"time");
            let marked = attrs.contains_key("pubdate")
                || ["class", "itemprop", "id", "property"].iter().any(|k| {
                    attrs.get(*k).is_some_and(|v| {
                        let v = v.to_ascii_lowercase();
                        v.contains("publish") || v.contains("pubdate") || v.contains("posted") || v.contains("created")
                    })
                });
            let machine = attrs.get("datetime").or_else(|| attrs.get("content"));
            if is_time {
                match machine.and_then(|v| dates::parse_date(v)) {
                    Some(d) => sc.times.push((d, marked)),
                    None => pending_time = Some((end, marked)),
                }
            }
            if !name.eq_ignore_ascii_case(b"meta") {
                let prop = attrs.get("itemprop").or_else(|| attrs.get("property")).map(|v| v.to_ascii_lowercase());
                if let Some(p) = prop {
                    let published = p.contains("datepublished") || p.contains("datecreated");
                    if published || p.contains("datemodified") {
                        let s = machine.and_then(|v| stamp(v)).or_else(|| {
                            let t = strip_tags(&html[end..floor_boundary(html, (end + 300).min(html.len()))], 120);
                            dates::find_dates_snippet(&t).first().map(|x| Stamp { date: x.2, utc: None })
                        });
                        if let Some(s) = s {
                            sc.items.push((published, s.date, s.utc));
                        }
                    }
                }
            }
            if sc.date_elements.len() < 30 && !is_time {
                let marks_date = ["class", "id", "itemprop"].iter().any(|k| {
                    attrs.get(*k).is_some_and(|v| DATE_CLASS_WORDS.iter().any(|w| find_ci(v.as_bytes(), w).is_some()))
                });
                if marks_date {
                    let t = strip_tags(&html[end..floor_boundary(html, (end + 1500).min(html.len()))], 300);
                    if !t.trim().is_empty() {
                        sc.date_elements.push((end, t));
                    }
                }
            }
            tail.push(' ');
            i = end;
            text_from = end;
        } else if b[lt..].starts_with(b"<!--") {
            i = memchr::memmem::find(&b[lt + 4..], b"-->").map(|p| lt + 4 + p + 3).unwrap_or(b.len());
            text_from = i;
        } else {
            // End tags, doctype, stray `<`.
            let is_tag = next == b'/' || next == b'!' || next == b'?';
            if is_tag {
                i = memchr::memchr(b'>', &b[lt..]).map(|p| lt + p + 1).unwrap_or(b.len());
                text_from = i;
                tail.push(' ');
            } else {
                i = lt + 1;
            }
        }
    }
    sc
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Tags that do not hold a page's date but often have long attributes (links, images, vector paths).
fn no_date_tag(name: &[u8]) -> bool {
    const TAGS: &[&[u8]] = &[b"a", b"img", b"link", b"source", b"path", b"svg", b"use", b"input", b"iframe", b"button", b"option", b"picture", b"g", b"rect", b"circle", b"polygon", b"br", b"hr", b"noscript"];
    TAGS.iter().any(|t| name.eq_ignore_ascii_case(t))
}

/// Whether a start tag's attributes have a word that may mark a date (one pass).
fn has_date_word(tag: &[u8]) -> bool {
    let at = |i: usize, w: &[u8]| tag.len() - i >= w.len() && tag[i..i + w.len()].eq_ignore_ascii_case(w);
    (0..tag.len()).any(|i| match tag[i] | 0x20 {
        b'd' => at(i, b"date") || at(i, b"datum"),
        b't' => at(i, b"time"),
        b'p' => at(i, b"publi") || at(i, b"posted"),
        b'b' => at(i, b"byline"),
        b'f' => at(i, b"fecha"),
        b'm' => at(i, b"meta"),
        b'c' => at(i, b"created"),
        _ => false,
    })
}

/// Adds the dates of one run of visible text, with the cue before each.
fn visible_segment(raw: &str, pos: usize, tail: &mut String, out: &mut Vec<VisDate>) {
    if raw.bytes().all(|c| c.is_ascii_whitespace()) {
        return;
    }
    if raw.len() > 24 && !has_year(raw.as_bytes()) {
        // No date here: only its end matters, for the cue of the next one.
        tail.push_str(&decode_entities(&raw[floor_boundary(raw, raw.len().saturating_sub(120))..]));
        if tail.len() > 200 {
            let cut = floor_boundary(tail, tail.len() - 100);
            tail.drain(..cut);
        }
        return;
    }
    let text = decode_entities(raw);
    let short = text.trim().len() <= 100;
    let found = if has_year(text.as_bytes()) {
        dates::find_dates(&text)
    } else if text.trim().len() <= 24 {
        // `31.10.23` alone in its element.
        dates::find_dates_snippet(text.trim())
    } else {
        Vec::new()
    };
    let mut from = 0;
    for (s, e, d, _) in found {
        if s < from {
            continue;
        }
        tail.push_str(&text[from..s]);
        out.push(VisDate { pos, short, date: d, cue: cue_of(tail) });
        tail.clear();
        from = e;
    }
    tail.push_str(&text[from..]);
    if tail.len() > 200 {
        let cut = floor_boundary(tail, tail.len() - 100);
        tail.drain(..cut);
    }
}

fn has_year(b: &[u8]) -> bool {
    b.windows(4).any(|w| ((w[0] == b'1' && w[1] == b'9') || (w[0] == b'2' && w[1] == b'0')) && w[2].is_ascii_digit() && w[3].is_ascii_digit())
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
        // JSON-LD `datePublished` comes before the generic `date` meta tag.
        assert_eq!(published_date(&pm, h, None, "", b), Some((Date::new(2020, 9, 6).unwrap(), "json-ld")));
        let h1 = r#"<meta name=date content=2020-09-07><meta property="article:published_time" content="2020-09-05">"#;
        assert_eq!(published_date(&page_meta(h1), h1, None, "", b), Some((Date::new(2020, 9, 5).unwrap(), "meta")));
        let h2 = r#"<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2020-09-06T10:00:00Z"}</script>"#;
        assert_eq!(published_date(&page_meta(h2), h2, None, "", b), Some((Date::new(2020, 9, 6).unwrap(), "json-ld")));
        let h3 = r#"<div class="post-meta"><span>Publicado el</span> jueves 2 de abril de 2020</div><p>Text from 1 May 2019.</p>"#;
        assert_eq!(published_date(&page_meta(h3), h3, None, "", b), Some((Date::new(2020, 4, 2).unwrap(), "text-published")));
        let h3b = r#"<div class="post-meta"><span>Por Ana</span> jueves 2 de abril de 2020</div><p>Text from 1 May 2019.</p>"#;
        assert_eq!(published_date(&page_meta(h3b), h3b, None, "", b), Some((Date::new(2020, 4, 2).unwrap(), "date-element")));
        let h4 = "<p>Seen on 3 March 2021.</p><p>Again 3 March 2021 and 4 March 2021.</p><p>Copyright 2099-01-01</p>";
        assert_eq!(published_date(&page_meta(h4), h4, None, "", b), Some((Date::new(2021, 3, 3).unwrap(), "page-text")));
        assert_eq!(published_date(&pm, h, Some("https://ex.com/2020/09/05/x"), "", b).map(|x| x.0), Date::new(2020, 9, 5));
        assert_eq!(decode_entities("&#39;x&#x2019;&bogus; &"), "'x’&bogus; &");
        let b = Bounds { min: Date::new(1995, 1, 1).unwrap(), max: Date::new(2030, 1, 1).unwrap() };
        let date = |h: &str| published_date(&page_meta(h), h, None, "", b);
        // JSON-LD with a stray closing brace is still read.
        let h5 = r#"<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2020-10-26T18:10:00+01:00"}}</script><p class="date">9 August 2020</p>"#;
        assert_eq!(date(h5), Some((Date::new(2020, 10, 26).unwrap(), "json-ld")));
        // The page shows its modification date, not the declared publication date: the shown one.
        let h6 = r#"<meta property="article:published_time" content="2019-10-15T16:59:59Z"><meta property="article:modified_time" content="2020-03-12T14:42:17Z">
            <h1>Title</h1><div class="timestamp">Updated Mar 12, 2020 @ 10:42 am</div><p>Text.</p>"#;
        assert_eq!(date(h6), Some((Date::new(2020, 3, 12).unwrap(), "modified-shown")));
        // Published date in UTC, shown in the site's own time zone the day before.
        let h7 = r#"<meta property="article:published_time" content="2023-11-09T06:35:29+00:00"><h1>T</h1>
            <p>Posted: <time datetime="2023-11-08T22:35:29-08:00">Nov 8, 2023 / 10:35 PM PST</time></p>"#;
        assert_eq!(date(h7), Some((Date::new(2023, 11, 8).unwrap(), "local-day")));
        // Declared and shown: kept.
        let h8 = r#"<meta property="article:published_time" content="2023-11-09T06:35:29+00:00"><p>9 November 2023</p>"#;
        assert_eq!(date(h8), Some((Date::new(2023, 11, 9).unwrap(), "meta")));
        // Markup on ordinary elements.
        let h9 = r#"<p class="x" itemprop="datePublished" content="2022-01-14 10:31:00">Januar 2022</p>"#;
        assert_eq!(date(h9), Some((Date::new(2022, 1, 14).unwrap(), "itemprop")));
        // Cues in the text: the publication date, not the last change.
        let h10 = "<div>Letzte Änderung: 31.10.2023 - 14:49:39<br>Erschienen am: 01.11.2023<br></div>";
        assert_eq!(date(h10), Some((Date::new(2023, 11, 1).unwrap(), "text-published")));
        // `<time>` without `datetime`: its text, two-digit year included.
        let h11 = "<p>Sidebar 1 May 2001</p><time class=\"x\">23.09.20 | 18:19</time>";
        assert_eq!(date(h11), Some((Date::new(2020, 9, 23).unwrap(), "time")));
        // The date line under the headline, not dates in the body text.
        let h12 = "<h1>Title</h1><p>21. Januar 2022 | Mobilität</p><p>A long paragraph that mentions the meeting of 3 March 2021 and goes on and on with more words than a date line has.</p>";
        assert_eq!(date(h12), Some((Date::new(2022, 1, 21).unwrap(), "after-h1")));
        // Timestamps with slashes in scripts, as the last resort.
        let h13 = "<script>showDate(\"2020/04/17 01:43:09\")</script><p>No date.</p>";
        assert_eq!(date(h13), Some((Date::new(2020, 4, 17).unwrap(), "timestamp")));
        assert_eq!(decode_entities("&lt;Here’s"), "<Here’s");
        assert_eq!(decode_entities("&in‑depth"), "&in‑depth");
    }
}
