//! HTML article extraction: main text through dom_smoothie (a Readability port), cleaned
//! of captions and "related" blocks; title, byline, site name, canonical URL and language;
//! and the publication date by this crate's own method ([`crate::htmlmeta::published_date`]).
use crate::htmlmeta::{self, Bounds, PageMeta};
use model::Date;

/// What was extracted from one page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extracted {
    /// Headline.
    pub title: Option<String>,
    /// Author(s).
    pub byline: Option<String>,
    /// Publication date.
    pub published: Option<Date>,
    /// Where the date came from (`url`, `json-ld`, `meta`, `time`, `text`…).
    pub date_source: Option<&'static str>,
    /// Site name.
    pub site_name: Option<String>,
    /// Canonical URL (or the page's URL when it declares none).
    pub url: Option<String>,
    /// Language (`en`).
    pub language: Option<String>,
    /// Main text, paragraphs separated by blank lines.
    pub text: String,
}

fn nonempty(s: Option<String>) -> Option<String> {
    s.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|s| !s.is_empty())
}

/// Extracts the article of one page. `url` is the page's address when known (WARC
/// target URI); it helps with dates and relative links.
pub fn extract(html: &str, url: Option<&str>) -> Extracted {
    let pm = htmlmeta::page_meta(html);
    let mut ex = Extracted::default();
    let base = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let run = |mode: dom_smoothie::TextMode| {
        let cfg = dom_smoothie::Config { text_mode: mode, ..Default::default() };
        // A bug in a dependency must not end the run: a panic is caught and the page is
        // retried in the simpler mode (or extracted without readability).
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            dom_smoothie::Readability::new(html, base, Some(cfg.clone()))
                .or_else(|_| dom_smoothie::Readability::new(html, None, Some(cfg)))
                .ok()
                .and_then(|mut r| r.parse().ok())
        }))
        .ok()
        .flatten()
    };
    let parsed = run(dom_smoothie::TextMode::Formatted).or_else(|| run(dom_smoothie::TextMode::Raw));
    if let Some(a) = parsed {
        ex.title = nonempty(Some(a.title.to_string()));
        ex.byline = nonempty(a.byline.clone());
        ex.site_name = nonempty(a.site_name.clone());
        ex.language = nonempty(a.lang.clone());
        ex.text = clean_text(&a.text_content);
        if ex.url.is_none() {
            ex.url = nonempty(a.url.clone());
        }
    }
    // Pages rendered by scripts leave readability little to find; their JSON-LD often
    // carries the whole article body.
    if ex.text.len() < 500 {
        if let Some(body) = pm.jsonld.iter().filter(|(k, _)| k == "articleBody").map(|(_, v)| v).max_by_key(|v| v.len()) {
            if body.len() > ex.text.len() * 2 && body.len() > 200 {
                ex.text = clean_text(&htmlmeta::decode_entities(body));
            }
        }
    }
    finish_meta(&mut ex, &pm, html, url);
    ex
}

/// Fills metadata the readability pass left empty and dates the page.
fn finish_meta(ex: &mut Extracted, pm: &PageMeta, html: &str, url: Option<&str>) {
    if ex.title.is_none() {
        ex.title = nonempty(pm.meta.get("og:title").cloned()).or_else(|| nonempty(pm.jsonld.iter().find(|(k, _)| k == "headline").map(|x| x.1.clone())));
    }
    if ex.byline.is_none() {
        let authors: Vec<&str> = pm.jsonld.iter().filter(|(k, _)| k == "author").map(|(_, v)| v.as_str()).collect();
        ex.byline = nonempty(if authors.is_empty() { pm.meta.get("author").cloned() } else { Some(authors.join(", ")) });
    }
    if ex.site_name.is_none() {
        ex.site_name = nonempty(pm.meta.get("og:site_name").cloned());
    }
    if ex.language.is_none() {
        ex.language = pm.lang.clone();
    }
    if let Some(c) = pm.canonical.as_ref().filter(|c| c.starts_with("http")) {
        ex.url = Some(c.clone());
    }
    if ex.url.is_none() {
        ex.url = nonempty(pm.meta.get("og:url").cloned()).or_else(|| url.map(str::to_string));
    }
    let date_url = url.or(ex.url.as_deref());
    let head: String = ex.text.chars().take(2000).collect();
    if let Some((d, src)) = htmlmeta::published_date(pm, html, date_url, &head, Bounds::default()) {
        ex.published = Some(d);
        ex.date_source = Some(src);
    }
}

static RE_BOILERPLATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)^\W*(advertisements?|sponsored|share( this)?( post| article| story)?( on \w+)?|back to top|related( posts| articles| stories| content)?|read more|read next|see also|you may also like.*|sign up.*|subscribe.*|follow us.*|(photo|image|picture|video)( credit)?s?\s*:.*|credit\s*:.*|getty images.*|.*/ getty images|courtesy( of)? .*|click here.*|\d+ comments?|comments?|leave a (comment|reply)|skip to (main )?content|table of contents|print|email|tweet|pin it|loading\.*|facebook|twitter|linkedin|whatsapp|reddit|copy link)\W*$",
    )
    .expect("boilerplate regex")
});

/// Whether a paragraph is page furniture rather than article text: share buttons,
/// "Advertisement", photo credits, copyright lines.
fn is_boilerplate(line: &str) -> bool {
    RE_BOILERPLATE.is_match(line) || (line.len() < 200 && (line.contains('©') || line.to_ascii_lowercase().contains("all rights reserved")))
}

/// Normalizes extracted text: whitespace inside lines collapsed, paragraphs separated by
/// one blank line, furniture paragraphs ([`is_boilerplate`]) dropped.
pub fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.lines() {
        let l = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if l.is_empty() || is_boilerplate(&l) {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_lines_go() {
        assert_eq!(clean_text("Para one.\n\nAdvertisement\n\nShare this article\n\nPhoto: Jane Doe\n\n© 2024 Example\n\nPara two."), "Para one.\n\nPara two.");
        assert_eq!(clean_text("Comments by the minister were welcomed."), "Comments by the minister were welcomed.");
    }

    #[test]
    fn extracts_a_simple_page() {
        let html = r#"<!doctype html><html lang="en"><head><title>Ministers meet in Vienna | Example News</title>
        <meta property="og:site_name" content="Example News">
        <meta property="article:published_time" content="2021-03-04T08:00:00Z">
        <meta name="author" content="Jane Roe"></head><body>
        <nav><a href="/">Home</a> <a href="/world">World</a></nav>
        <article><h1>Ministers meet in Vienna</h1>
        <p>The foreign ministers of two neighbouring countries met in Vienna on Thursday to discuss a new border agreement, officials said.</p>
        <p>The talks, the first in three years, lasted more than five hours and ended with a joint statement promising further meetings in the spring.</p>
        <p>Both delegations described the atmosphere as constructive, although several disputed points remain unresolved, according to diplomats familiar with the negotiations.</p>
        </article><footer>Copyright Example News</footer></body></html>"#;
        let ex = extract(html, Some("https://news.example.com/world/ministers-meet"));
        assert!(ex.text.contains("met in Vienna on Thursday"), "{}", ex.text);
        assert!(!ex.text.contains("Copyright"));
        assert_eq!(ex.published, Date::new(2021, 3, 4));
        assert_eq!(ex.site_name.as_deref(), Some("Example News"));
        assert_eq!(ex.byline.as_deref(), Some("Jane Roe"));
        assert!(ex.title.as_deref().unwrap_or("").contains("Ministers meet in Vienna"));
    }
}
