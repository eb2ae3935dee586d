//! HTML article extraction: main text by an own single-pass parser and Readability-style
//! scorer (dom_smoothie as a fallback), cleaned of captions and "related" blocks; title, byline, site name, canonical URL and language;
//! and the publication date by this crate's own method ([`crate::htmlmeta::published_date`]).
use crate::htmlmeta::{self, Bounds, PageMeta};
use model::Date;

pub mod dom;
pub mod main_text;
pub mod meta;

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
///
/// The page is read once by the own parser ([`dom`]); title and byline follow Readability's
/// rules ([`meta`]), the main text comes from the own scorer ([`main_text`]). Pages where it
/// finds too little go to dom_smoothie (a Readability port), then to the JSON-LD
/// `articleBody`.
pub fn extract(html: &str, url: Option<&str>) -> Extracted {
    let dom = dom::Dom::parse(html);
    // Every tag `page_meta` reads is in the digest, in page order.
    let pm = htmlmeta::page_meta(&dom.digest);
    let m = meta::read(&dom);
    let mut ex = Extracted { title: nonempty(Some(m.title.clone())), byline: nonempty(m.byline), site_name: nonempty(m.site_name), ..Extracted::default() };
    ex.text = clean_text(&main_text::extract(&dom, &m.title));
    // html5ever's time grows faster than linearly on huge or badly nested pages: the
    // fallback is for ordinary ones.
    let fallback_ok = html.len() <= FALLBACK_MAX_BYTES && dom.nodes.len() <= FALLBACK_MAX_NODES;
    drop(dom);
    if ex.text.len() < FALLBACK_BELOW && fallback_ok {
        if let Some(t) = readability_text(html, url).filter(|t| t.len() > ex.text.len()) {
            ex.text = t;
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

/// Below this many bytes of own text, dom_smoothie is asked too.
const FALLBACK_BELOW: usize = 200;
/// Largest page (bytes) handed to dom_smoothie.
const FALLBACK_MAX_BYTES: usize = 4 << 20;
/// Most nodes of a page handed to dom_smoothie.
const FALLBACK_MAX_NODES: usize = 100_000;

/// The main text by dom_smoothie, or `None` when it finds nothing (or panics: a bug in a
/// dependency must not end the run; the page is retried in the simpler mode).
fn readability_text(html: &str, url: Option<&str>) -> Option<String> {
    let base = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let run = |mode: dom_smoothie::TextMode| {
        let cfg = dom_smoothie::Config { text_mode: mode, ..Default::default() };
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            dom_smoothie::Readability::new(html, base, Some(cfg.clone()))
                .or_else(|_| dom_smoothie::Readability::new(html, None, Some(cfg)))
                .ok()
                .and_then(|mut r| r.parse().ok())
        }))
        .ok()
        .flatten()
    };
    let a = run(dom_smoothie::TextMode::Formatted).or_else(|| run(dom_smoothie::TextMode::Raw))?;
    Some(clean_text(&a.text_content)).filter(|t| !t.is_empty())
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

    #[test]
    fn streamed_and_unlikely_containers_still_count() {
        let para = "<p>The committee met on Tuesday to review the budget, and members said the proposal would be voted on next week after a public hearing.</p>";
        // React's streamed boundary is hidden until a script moves it; its text is the article.
        let html = format!("<html><head><title>Budget review</title></head><body><nav><a href=/>Home</a></nav><div hidden id=\"S:0\"><article>{}</article></div></body></html>", para.repeat(5));
        assert!(extract(&html, None).text.contains("committee met on Tuesday"));
        // A container whose class looks like furniture is taken when nothing else has text.
        let html = format!("<body><div class=\"sidebar-container\"><div class=x>{}</div></div></body>", para.repeat(5));
        assert!(extract(&html, None).text.contains("public hearing"));
    }

    #[test]
    fn articles_split_over_like_blocks_are_joined() {
        // A page builder's rows, one paragraph group each: the scorer picks the longest row;
        // its like siblings that hold prose join it, a like row of links does not.
        let row = |t: &str| format!("<div class=\"row layout\"><div class=col><div class=txt><p>{t}</p></div></div></div>");
        let long = "The committee met on Tuesday to review the budget, and members said the proposal, which runs to forty pages, would be voted on next week after a public hearing, a delay, and a second reading.";
        let html = format!(
            "<body><main>{}{}{}{}<div class=\"row layout\"><ul><li><a href=/a>Other story one here</a></li><li><a href=/b>Other story two here</a></li></ul></div></main></body>",
            row(&[long; 6].join("</p><p>")),
            row("Opening remarks came from the chair who thanked the staff for their long work on the figures and the tables and the notes."),
            row("Several members asked for more time and said that the schools budget and the roads budget needed a much closer look."),
            row("The vote is expected on the twelfth of the month unless the hearing runs long and moves the whole thing to the next week.")
        );
        let t = extract(&html, None).text;
        assert!(t.contains("committee met on Tuesday"), "{t}");
        assert!(t.contains("Opening remarks came from the chair"), "{t}");
        assert!(t.contains("Several members asked") && t.contains("The vote is expected"), "{t}");
        assert!(!t.contains("Other story"), "{t}");
        assert!(t.find("committee met").unwrap_or(usize::MAX) < t.find("Opening remarks").unwrap_or(0), "{t}");
    }

    #[test]
    fn huge_and_deep_pages_are_bounded() {
        // 50 MB of markup: tags, unclosed elements, entities; must finish without blowing up.
        let unit = "<div class=a><p>word &amp; word<span>x<b>y</i><li>z";
        let html = unit.repeat(50_000_000 / unit.len());
        let ex = extract(&html, None);
        assert!(ex.text.len() <= html.len());
        let d = dom::Dom::parse(&html);
        assert!(d.nodes.len() <= dom::MAX_NODES);
        let deep = "<div><span>".repeat(200_000) + "deep text";
        let _ = extract(&deep, None);
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Arbitrary bytes (as the decoder would pass them on) never panic.
        #[test]
        fn arbitrary_input_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let s = String::from_utf8_lossy(&bytes);
            let _ = extract(&s, None);
        }

        /// Hostile markup made of real HTML pieces: unbalanced, truncated, odd quoting.
        #[test]
        fn hostile_markup_never_panics(parts in proptest::collection::vec(prop_oneof![
            Just("<p>"), Just("</p>"), Just("<div class=\"content\">"), Just("</div>"), Just("<li>"), Just("<table><tr><td>"),
            Just("</td>"), Just("<script>"), Just("</script>"), Just("<!--"), Just("-->"), Just("<a href='x"), Just("\""), Just("'"),
            Just("&amp"), Just("&#x1F600;"), Just("&#99999999;"), Just("<br/>"), Just("<svg>"), Just("<title>"), Just("<meta name=author content=\"A\">"),
            Just("<"), Just(">"), Just("</"), Just("<!"), Just("<![CDATA["), Just("é"), Just("text, more text. "), Just("<h1>"), Just("<pre>"),
            Just("<div hidden id=S:1>"), Just("<script type=application/ld+json>{\"@type\":\"NewsArticle\"}"), Just("<x-y/>"), Just("</x-y>")
        ], 0..200)) {
            let html: String = parts.concat();
            let ex = extract(&html, Some("https://example.com/2020/01/02/x"));
            prop_assert!(ex.text.len() <= html.len() * 4 + 16);
        }
    }
}
