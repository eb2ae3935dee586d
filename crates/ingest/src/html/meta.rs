//! Title, byline and site name of a page, following the rules of Mozilla's Readability
//! (JSON-LD article objects first, then `<meta>` values, then the `<title>` cleaned of site
//! names, and for bylines the first author-like element of the body), on [`Dom`].
use super::dom::{attr, decode_into, Dom, Tag};
use std::collections::HashMap;

/// Metadata found on a page.
#[derive(Debug, Default)]
pub struct Meta {
    /// Headline (may be empty).
    pub title: String,
    /// Author(s).
    pub byline: Option<String>,
    /// Site name.
    pub site_name: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "Article",
    "AdvertiserContentArticle",
    "NewsArticle",
    "AnalysisNewsArticle",
    "AskPublicNewsArticle",
    "BackgroundNewsArticle",
    "OpinionNewsArticle",
    "ReportageNewsArticle",
    "ReviewNewsArticle",
    "Report",
    "SatiricalArticle",
    "ScholarlyArticle",
    "MedicalScholarlyArticle",
    "SocialMediaPosting",
    "BlogPosting",
    "LiveBlogPosting",
    "DiscussionForumPosting",
    "TechArticle",
    "APIReference",
];

const TITLE_SEPARATORS: &[char] = &['|', '-', '–', '—', '\\', '/', '>', '»'];
const HIERARCHY_SEPARATORS: &[char] = &['\\', '/', '>', '»'];

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Readability's text similarity: the share of `b`'s words (by length) also in `a`.
pub fn similarity(a: &str, b: &str) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    if a.contains(&b) {
        return 1.0;
    }
    let words = |s: &str| s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’').filter(|w| !w.is_empty()).map(str::to_string).collect::<Vec<_>>();
    let wa: std::collections::HashSet<String> = words(&a).into_iter().collect();
    let wb = words(&b);
    let total: usize = wb.iter().map(|w| w.chars().count()).sum::<usize>() + wb.len().saturating_sub(1);
    let uniq: Vec<&String> = wb.iter().filter(|w| !wa.contains(*w)).collect();
    let ulen: usize = uniq.iter().map(|w| w.chars().count()).sum::<usize>() + uniq.len().saturating_sub(1);
    if total == 0 {
        return 0.0;
    }
    1.0 - ulen as f64 / total as f64
}

fn is_schema_org(u: &str) -> bool {
    let t = u.trim_end_matches('/');
    (t.starts_with("http://") || t.starts_with("https://")) && t.ends_with("schema.org")
}

/// The decoded text of an element's subtree, whitespace collapsed.
pub fn text_of(dom: &Dom, id: u32) -> String {
    let mut s = String::new();
    let end = dom.subtree_end(id);
    for n in &dom.nodes[id as usize..end as usize] {
        if n.tag == Tag::Text {
            s.push_str(dom.text_of(n));
        } else if n.tag.is_block() {
            s.push(' ');
        }
    }
    squash(&s)
}

/// The decoded text of an element's subtree as it stands in the page.
fn raw_text_of(dom: &Dom, id: u32) -> String {
    let end = dom.subtree_end(id);
    dom.nodes[id as usize..end as usize].iter().filter(|n| n.tag == Tag::Text).map(|n| dom.text_of(n)).collect()
}

fn dec(s: &str) -> String {
    let mut o = String::new();
    decode_into(s, &mut o);
    o
}

/// Readability's cleaned `<title>`: site names after separators dropped, unless that leaves
/// too little.
pub fn article_title(dom: &Dom) -> String {
    let orig = dom.title.trim();
    let mut cur: String = orig.to_string();
    let mut hier = false;
    let mut h1: Option<String> = None;
    let first_sep = |t: &str, last: bool| -> Option<String> {
        let mut it: Box<dyn Iterator<Item = (usize, char)>> = if last { Box::new(t.char_indices().rev()) } else { Box::new(t.char_indices()) };
        let (p, c) = it.find(|(_, c)| TITLE_SEPARATORS.contains(c))?;
        let after = &t[p + c.len_utf8()..];
        if after.starts_with(' ') {
            Some(if last { t[..p].trim().to_string() } else { after.trim().to_string() })
        } else {
            None
        }
    };
    if orig.contains(TITLE_SEPARATORS) {
        hier = orig.contains(HIERARCHY_SEPARATORS);
        if let Some(t) = first_sep(orig, true) {
            cur = t;
        }
        if cur.split_whitespace().count() < 3 {
            if let Some(t) = first_sep(orig, false) {
                cur = t;
            }
        }
    } else if cur.contains(": ") {
        let matched = dom.nodes.iter().enumerate().any(|(i, n)| matches!(n.tag, Tag::H1 | Tag::H2) && text_of(dom, i as u32).trim() == cur);
        if !matched {
            if let Some(i) = orig.rfind(':') {
                cur = orig[i + 1..].trim().to_string();
                if cur.split_whitespace().count() < 3 {
                    if let Some(j) = orig.find(':') {
                        cur = orig[j + 1..].trim().to_string();
                    }
                } else if orig.find(':').map_or(0, |j| orig[..j + 1].split_whitespace().count()) > 5 {
                    cur = orig.to_string();
                }
            }
        }
    } else if !(15..=150).contains(&orig.chars().count()) {
        if let Some(i) = dom.nodes.iter().position(|n| n.tag == Tag::H1) {
            h1 = Some(text_of(dom, i as u32));
        }
    }
    if let Some(h) = h1 {
        cur = h;
    }
    let cur = squash(&cur);
    let wc = cur.split_whitespace().count();
    let orig_wc: usize = orig.split(TITLE_SEPARATORS).map(|p| p.split_whitespace().count()).sum();
    if wc <= 4 && (!hier || wc + 1 != orig_wc) {
        return orig.to_string();
    }
    cur
}

struct LdMeta {
    title: String,
    byline: Option<String>,
    site_name: Option<String>,
}

fn json_str<'v>(v: &'v serde_json::Value, path: &[&str]) -> Option<&'v str> {
    let mut cur = v;
    for k in path {
        cur = cur.get(*k)?;
    }
    cur.as_str()
}

fn nonempty_trim(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

fn json_ld(dom: &Dom) -> Option<LdMeta> {
    // The digest holds each JSON-LD script as `<script …>…</script>`.
    let d = &dom.digest;
    let mut from = 0;
    while let Some(p) = d[from..].find("<script") {
        let s = from + p;
        let open_end = d[s..].find('>').map(|q| s + q + 1)?;
        let close = d[open_end..].find("</script>").map(|q| open_end + q).unwrap_or(d.len());
        from = close.min(d.len());
        if from < d.len() {
            from += 1;
        }
        let mut content = d[open_end..close].trim();
        content = content.strip_prefix("<![CDATA[").and_then(|c| c.strip_suffix("]]>")).unwrap_or(content);
        let Ok(mut v) = serde_json::from_str::<serde_json::Value>(content.trim()) else { continue };
        if let Some(arr) = v.as_array() {
            if let Some(it) = arr.iter().find(|it| it.get("@type").and_then(|t| t.as_str()).is_some_and(|t| ARTICLE_TYPES.iter().any(|a| t.contains(a)))) {
                v = it.clone();
            }
        }
        let ctx_ok = v.get("@context").and_then(|c| c.as_str()).is_some_and(is_schema_org) || json_str(&v, &["@context", "@vocab"]).is_some_and(is_schema_org);
        if !ctx_ok {
            continue;
        }
        let ty = v.get("@type").and_then(|t| t.as_str()).unwrap_or("");
        if !ARTICLE_TYPES.iter().any(|a| ty.contains(a)) {
            continue;
        }
        let name = v.get("name").and_then(|x| x.as_str()).map(|s| s.trim().to_string());
        let headline = v.get("headline").and_then(|x| x.as_str()).map(|s| s.trim().to_string());
        let title = match (name, headline) {
            (Some(n), Some(h)) if n != h => {
                let t = article_title(dom);
                let nm = similarity(&n, &t) > 0.75;
                let hm = similarity(&h, &t) > 0.75;
                if hm && !nm {
                    h
                } else {
                    n
                }
            }
            (Some(n), _) => n,
            (None, Some(h)) => h,
            _ => String::new(),
        };
        let byline = match v.get("author") {
            Some(serde_json::Value::Object(o)) => Some(o.get("name").and_then(|x| x.as_str()).unwrap_or("").trim().to_string()),
            Some(serde_json::Value::Array(a)) => Some(a.iter().filter_map(|x| x.get("name").and_then(|n| n.as_str())).map(|s| s.trim().to_string()).collect::<Vec<_>>().join(", ")),
            _ => None,
        }
        .filter(|s| !s.is_empty());
        let site_name = nonempty_trim(json_str(&v, &["publisher", "name"]));
        let other = ["description", "datePublished", "dateModified", "url", "image"].iter().any(|k| nonempty_trim(v.get(*k).and_then(|x| x.as_str())).is_some());
        if !title.is_empty() || byline.is_some() || site_name.is_some() || other {
            return Some(LdMeta { title, byline, site_name });
        }
    }
    None
}

const PROPERTY_PREFIXES: &[&str] = &["article", "dc", "dcterm", "og", "twitter"];
const PROPERTY_KEYS: &[&str] = &["author", "creator", "description", "published_time", "title", "site_name", "image"];
const NAME_PREFIXES: &[&str] = &["article", "dc", "dcterm", "og", "twitter", "parsely", "weibo:article", "weibo:webpage"];
const NAME_KEYS: &[&str] = &["author", "creator", "pub-date", "description", "title", "site_name"];

fn property_key(p: &str) -> Option<String> {
    for part in p.split_whitespace() {
        let Some(r) = part.rfind(':') else { continue };
        let key = &part[r + 1..];
        if !PROPERTY_KEYS.contains(&key) {
            continue;
        }
        let l = part[..r].find(':').map(|x| x + 1).unwrap_or(0);
        if PROPERTY_PREFIXES.contains(&&part[l..r]) {
            return Some(part[l..].to_string());
        }
    }
    None
}

fn is_meta_name(n: &str) -> bool {
    if let Some(p) = n.find(['-', '.', ':']) {
        let (pre, key) = (&n[..p], &n[p + 1..]);
        return NAME_PREFIXES.contains(&pre) && NAME_KEYS.contains(&key);
    }
    NAME_KEYS.contains(&n)
}

fn meta_values(dom: &Dom) -> HashMap<String, String> {
    let mut values = HashMap::new();
    for n in dom.nodes.iter().filter(|n| n.tag == Tag::Meta) {
        let a = dom.attrs_of(n);
        let Some(content) = attr(a, "content").map(dec) else { continue };
        let content = content.trim();
        if content.is_empty() {
            continue;
        }
        if let Some(p) = attr(a, "property") {
            if let Some(k) = property_key(&dec(p).to_ascii_lowercase()) {
                values.insert(k.trim().to_string(), content.to_string());
            }
            continue;
        }
        if let Some(nm) = attr(a, "name") {
            let nm = dec(nm).to_ascii_lowercase();
            if is_meta_name(&nm) {
                values.insert(nm.split_whitespace().collect::<String>().replace('.', ":"), content.to_string());
            }
        }
    }
    values
}

fn any<'m>(m: &'m HashMap<String, String>, keys: &[&str]) -> Option<&'m String> {
    keys.iter().find_map(|k| m.get(*k))
}

fn is_hidden(attrs: &str) -> bool {
    if attr(attrs, "hidden").is_some() {
        return true;
    }
    if let Some(st) = attr(attrs, "style") {
        let st = st.to_ascii_lowercase().replace(' ', "");
        if st.contains("display:none") || st.contains("visibility:hidden") {
            return true;
        }
    }
    attr(attrs, "aria-hidden").is_some_and(|v| v.trim() == "true") && !attr(attrs, "class").is_some_and(|c| c.contains("fallback-image"))
}

/// The first author-like element of the body (Readability's byline check): `rel=author`,
/// `itemprop` naming an author, or a class or id with `byline`, `author`, … and under 100
/// characters of text. Hidden subtrees and dialogs are passed over.
fn dom_byline(dom: &Dom) -> Option<String> {
    let mut i = 1usize;
    while i < dom.nodes.len() {
        let n = &dom.nodes[i];
        if n.tag == Tag::Text || matches!(n.tag, Tag::Meta | Tag::Link | Tag::Title | Tag::Script | Tag::Style) {
            i += 1;
            continue;
        }
        let a = dom.attrs_of(n);
        if is_hidden(a) || n.tag == Tag::Dialog || (attr(a, "aria-modal") == Some("true") && attr(a, "role") == Some("dialog")) {
            i = dom.subtree_end(i as u32) as usize;
            continue;
        }
        let by = attr(a, "rel").is_some_and(|r| r == "author") || attr(a, "itemprop").is_some_and(|p| p.contains("author")) || {
            let mut s = attr(a, "class").unwrap_or("").to_string();
            s.push(' ');
            s.push_str(attr(a, "id").unwrap_or(""));
            let s = s.to_ascii_lowercase();
            ["byline", "author", "dateline", "writtenby", "p-author"].iter().any(|p| s.contains(p))
        };
        if by {
            // Readability counts the raw text, whitespace between tags included.
            let t = raw_text_of(dom, i as u32);
            let len = t.trim().chars().count();
            if len > 0 && len < 100 {
                let end = dom.subtree_end(i as u32) as usize;
                let named = (i + 1..end).find(|&j| dom.nodes[j].tag != Tag::Text && attr(dom.attrs_of(&dom.nodes[j]), "itemprop") == Some("name"));
                return Some(squash(&named.map(|j| text_of(dom, j as u32)).unwrap_or(t)));
            }
        }
        i += 1;
    }
    None
}

/// Reads the page's metadata.
pub fn read(dom: &Dom) -> Meta {
    let ld = json_ld(dom);
    let values = meta_values(dom);
    let mut m = Meta::default();
    let mut title = ld.as_ref().map(|l| l.title.clone()).unwrap_or_default();
    if title.is_empty() {
        title = any(&values, &["dc:title", "dcterm:title", "og:title", "weibo:article:title", "weibo:webpage:title", "title", "twitter:title", "parsely-title"]).cloned().unwrap_or_default();
    }
    if title.is_empty() {
        title = article_title(dom);
    }
    m.title = dec(&title);
    let mut byline = ld.as_ref().and_then(|l| l.byline.clone());
    if byline.is_none() {
        byline = any(&values, &["dc:creator", "dcterms:creator", "author", "parsely-author"]).cloned();
        if byline.is_none() {
            byline = values.get("article:author").filter(|v| !(v.contains("://") && v.split("://").next().is_some_and(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))))).cloned();
        }
    }
    if byline.is_none() {
        byline = dom_byline(dom);
    }
    m.byline = byline.map(|b| dec(&b));
    m.site_name = ld.and_then(|l| l.site_name).or_else(|| values.get("og:site_name").cloned()).map(|s| dec(&s));
    m
}
