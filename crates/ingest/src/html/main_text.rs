//! The main text of a page from its [`Dom`]: paragraphs are scored in the manner of
//! Readability (length, commas, link density, class and id hints), their scores flow to
//! ancestors, the best container and its related siblings are kept, and their text is
//! written block by block, in order, leaving out page furniture inside them (navigation,
//! share bars, related links, captions, forms, link lists).
use super::dom::{attr, Dom, Tag, NONE};

const NEGATIVE: &[&str] = &[
    "-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "footer", "gdpr", "masthead", "media", "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor", "shopping", "tags", "widget",
];
const POSITIVE: &[&str] = &["article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination", "post", "text", "blog", "story"];
const UNLIKELY: &[&str] = &[
    "-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap", "disqus", "extra", "footer", "gdpr", "header", "legends", "menu", "related", "remark", "replies", "rss", "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "supplemental", "ad-break", "agegate", "pagination", "pager", "popup", "yom-remote",
];
const MAYBE: &[&str] = &["and", "article", "body", "column", "content", "main", "shadow"];

/// Class/id words of furniture inside an article body (dropped when writing the text).
const FURNITURE: &[&str] = &[
    "share", "sharing", "social", "related", "newsletter", "subscribe", "signup", "sign-up", "advert", "-ad-", "ad-container", "adslot", "ad-slot", "promo", "sponsor", "breadcrumb", "comment", "author-bio", "authorbio", "about-author", "byline", "caption", "credit", "tags", "tag-list", "post-tags", "toolbar", "meta-", "-meta", "recommend", "read-more", "readmore", "more-stories", "outbrain", "taboola", "widget", "sidebar", "nav", "menu", "footer", "cookie", "popup", "modal", "disclaimer", "print",
];

fn has_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

/// Per-node figures.
#[derive(Clone, Copy, Default)]
struct Stat {
    /// Characters of text (non-space).
    len: u32,
    /// Of which inside links.
    link: u32,
    /// Commas.
    commas: u32,
    /// `p` descendants.
    paras: u16,
    /// Whether a block element is a child.
    block_child: bool,
}

/// Node states.
const KEEP: u8 = 0;
/// Not page text at all (hidden, navigation, forms…).
const DROP: u8 = 1;
/// Readability's "unlikely candidate" (class/id): not scored.
const UNLIKELY_C: u8 = 2;

struct Ctx<'d, 'a> {
    dom: &'d Dom<'a>,
    state: Vec<u8>,
    lower_ci: Vec<String>,
    stat: Vec<Stat>,
}

fn text_chars(s: &str) -> (u32, u32) {
    let mut n = 0u32;
    let mut commas = 0u32;
    for &b in s.as_bytes() {
        if (b & 0xC0) != 0x80 && !b.is_ascii_whitespace() {
            n += 1;
        }
        if b == b',' {
            commas += 1;
        }
    }
    (n, commas)
}

impl Ctx<'_, '_> {
    fn ci(&self, i: usize) -> &str {
        self.lower_ci.get(i).map(String::as_str).unwrap_or("")
    }

    fn link_density(&self, i: usize) -> f64 {
        let s = self.stat[i];
        if s.len == 0 {
            0.0
        } else {
            s.link as f64 / s.len as f64
        }
    }

    fn class_weight(&self, i: usize) -> f64 {
        let ci = self.ci(i);
        if ci.is_empty() {
            return 0.0;
        }
        let mut w = 0.0;
        if has_any(ci, NEGATIVE) {
            w -= 25.0;
        }
        if has_any(ci, POSITIVE) {
            w += 25.0;
        }
        w
    }
}

/// Extracts the main text; empty when the page has no container worth the name.
pub fn extract(dom: &Dom, title: &str) -> String {
    let n = dom.nodes.len();
    let mut cx = Ctx { dom, state: vec![KEEP; n], lower_ci: vec![String::new(); n], stat: vec![Stat::default(); n] };
    // 1. Top-down: drop invisible and non-content elements, mark unlikely candidates.
    for i in 1..n {
        let node = &dom.nodes[i];
        let p = node.parent as usize;
        if cx.state.get(p).copied() == Some(DROP) {
            cx.state[i] = DROP;
            continue;
        }
        if node.tag == Tag::Text {
            continue;
        }
        use Tag::*;
        if matches!(node.tag, Nav | Aside | Footer | Form | Button | Select | Option | Input | Textarea | Dialog | Iframe | Noscript | Template | Svg | Math | Object | Embed | Canvas | Video | Audio | Map | Menu | Figcaption | Head | Title | Meta | Link | Noembed | Noframes) {
            cx.state[i] = DROP;
            continue;
        }
        let a = dom.attrs_of(node);
        if a.is_empty() {
            cx.state[i] = if cx.state[p] == UNLIKELY_C { UNLIKELY_C } else { KEEP };
            continue;
        }
        let mut ci = String::new();
        if let Some(c) = attr(a, "class") {
            ci.push_str(c);
        }
        if let Some(c) = attr(a, "id") {
            ci.push(' ');
            ci.push_str(c);
        }
        ci.make_ascii_lowercase();
        // React streams late parts of a page in `<div hidden id="S:0">` for a script to move
        // into place: that content is the page's, not hidden.
        let streamed = attr(a, "id").is_some_and(|v| v.starts_with("S:") && v[2..].bytes().all(|c| c.is_ascii_digit()));
        let hidden = (attr(a, "hidden").is_some() && !streamed) || attr(a, "aria-hidden").is_some_and(|v| v.trim() == "true") || attr(a, "style").is_some_and(|s| {
            let s = s.to_ascii_lowercase().replace(' ', "");
            s.contains("display:none") || s.contains("visibility:hidden")
        });
        let role = attr(a, "role").map(|r| r.to_ascii_lowercase()).unwrap_or_default();
        if hidden || matches!(role.as_str(), "menu" | "menubar" | "complementary" | "navigation" | "alert" | "alertdialog" | "dialog") {
            cx.state[i] = DROP;
            continue;
        }
        let mut st = if cx.state[p] == UNLIKELY_C { UNLIKELY_C } else { KEEP };
        if st == KEEP && node.tag != A && !ci.is_empty() && has_any(&ci, UNLIKELY) && !has_any(&ci, MAYBE) && !matches!(node.tag, Article | Main | Table | Td | Th | Tbody | Tr) {
            st = UNLIKELY_C;
        }
        cx.state[i] = st;
        cx.lower_ci[i] = ci;
    }
    // 2. Bottom-up figures.
    for i in (1..n).rev() {
        if cx.state[i] == DROP {
            continue;
        }
        let node = &dom.nodes[i];
        if node.tag == Tag::Text {
            let (l, c) = text_chars(dom.text_of(node));
            cx.stat[i].len = l;
            cx.stat[i].commas = c;
        }
        if node.tag == Tag::A {
            cx.stat[i].link = cx.stat[i].len;
        }
        if node.tag == Tag::P {
            cx.stat[i].paras = cx.stat[i].paras.saturating_add(1);
        }
        let s = cx.stat[i];
        let p = node.parent as usize;
        if let Some(ps) = cx.stat.get_mut(p) {
            ps.len += s.len;
            ps.link += s.link;
            ps.commas += s.commas;
            ps.paras = ps.paras.saturating_add(s.paras);
            if node.tag.is_block() && node.tag != Tag::Br {
                ps.block_child = true;
            }
        }
    }
    // 3. Readability's attempts: with unlikely candidates left out, then in, then without
    // class weights; the first that gives enough text wins, else the longest.
    let mut best = String::new();
    for (strip, weights) in [(true, true), (false, true), (false, false)] {
        let parts = choose(&cx, strip, weights);
        let mut w = Writer { out: String::with_capacity(4096), title: title.to_string(), title_removed: title.is_empty(), pending_space: false, pre: 0 };
        for &pt in &parts {
            w.block();
            write_node(&cx, pt, &mut w, 0);
        }
        let text_len = w.out.len();
        if text_len > best.len() {
            best = w.out;
        }
        if text_len >= 500 {
            break;
        }
    }
    best
}

/// Readability's choice of container (and related siblings), in document order; `strip_unlikely`:
/// elements whose class or id looks like furniture are not scored; `weights`: class and id
/// hints count.
fn choose(cx: &Ctx, strip_unlikely: bool, weights: bool) -> Vec<usize> {
    let dom = cx.dom;
    let n = dom.nodes.len();
    let mut score: Vec<f32> = vec![f32::NAN; n];
    let mut candidates: Vec<usize> = Vec::new();
    for i in 1..n {
        if cx.state[i] == DROP || (strip_unlikely && cx.state[i] == UNLIKELY_C) {
            continue;
        }
        let node = &dom.nodes[i];
        use Tag::*;
        let scorable = match node.tag {
            P | Pre | Td | Section | H2 | H3 | H4 | H5 | H6 => true,
            Div | Other | Article | Main | Blockquote | Span => !cx.stat[i].block_child && cx.stat[i].len > 0 && !matches!(node.tag, Span) || (node.tag == Div && has_own_text(dom, i)),
            _ => false,
        };
        if !scorable {
            continue;
        }
        let s = cx.stat[i];
        if s.len < 25 {
            continue;
        }
        let content = 1.0 + s.commas as f32 + (s.len as f32 / 100.0).floor().min(3.0);
        let mut a = node.parent;
        let mut level = 0;
        while a != NONE && a != 0 && level < 5 {
            let ai = a as usize;
            if cx.state[ai] == DROP {
                break;
            }
            if score[ai].is_nan() {
                score[ai] = initial_score(cx, ai, weights);
                candidates.push(ai);
            }
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            score[ai] += content / div;
            a = dom.nodes[ai].parent;
            level += 1;
        }
    }
    if candidates.is_empty() {
        return Vec::new();
    }
    for &c in &candidates {
        score[c] *= (1.0 - cx.link_density(c)) as f32;
    }
    candidates.sort_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));
    let mut top = candidates[0];
    // Several strong candidates under one ancestor: take the ancestor.
    let top_score = score[top];
    let strong: Vec<usize> = candidates.iter().skip(1).take(4).copied().filter(|&c| score[c] / top_score >= 0.75).collect();
    if strong.len() >= 3 {
        let mut p = dom.nodes[top].parent;
        while p != NONE && p != 0 {
            let k = strong.iter().filter(|&&c| dom.contains(p, c as u32)).count();
            if k >= 3 {
                top = p as usize;
                break;
            }
            p = dom.nodes[p as usize].parent;
        }
        if score[top].is_nan() {
            score[top] = initial_score(cx, top, weights);
        }
    }
    // Climb while a parent scores better.
    let mut last = score[top];
    let threshold = last / 3.0;
    let mut p = dom.nodes[top].parent;
    while p != NONE && p != 0 {
        let pi = p as usize;
        if score[pi].is_nan() {
            p = dom.nodes[pi].parent;
            continue;
        }
        if score[pi] < threshold {
            break;
        }
        if score[pi] > last {
            top = pi;
            break;
        }
        last = score[pi];
        p = dom.nodes[pi].parent;
    }
    // An only child stands for its parent.
    loop {
        let p = dom.nodes[top].parent;
        if p == NONE || p == 0 {
            break;
        }
        let elems = dom.children(p).filter(|&c| dom.nodes[c as usize].tag != Tag::Text || cx.stat[c as usize].len > 0).count();
        if elems != 1 {
            break;
        }
        top = p as usize;
    }
    // 4. The container and its related siblings.
    let mut parts: Vec<usize> = Vec::new();
    let ts = if score[top].is_nan() { 0.0 } else { score[top] };
    let sib_threshold = (ts * 0.2).max(10.0);
    let parent = dom.nodes[top].parent;
    if parent == NONE {
        parts.push(top);
    } else {
        for c in dom.children(parent) {
            let ci = c as usize;
            if ci == top {
                parts.push(ci);
                continue;
            }
            if cx.state[ci] == DROP || (strip_unlikely && cx.state[ci] == UNLIKELY_C) {
                continue;
            }
            let node = &dom.nodes[ci];
            let mut bonus = 0.0;
            if !cx.ci(top).is_empty() && cx.ci(top) == cx.ci(ci) {
                bonus = ts * 0.2;
            }
            let sc = if score[ci].is_nan() { f32::NEG_INFINITY } else { score[ci] + bonus };
            let mut keep = sc >= sib_threshold;
            if !keep && node.tag == Tag::P {
                let ld = cx.link_density(ci);
                let len = cx.stat[ci].len;
                if len > 80 && ld < 0.25 {
                    keep = true;
                } else if len > 0 && len <= 80 && ld == 0.0 {
                    let t = super::meta::text_of(dom, c);
                    keep = t.contains(". ") || t.ends_with('.');
                }
            }
            if keep {
                parts.push(ci);
            }
        }
    }
    merge_repeated_blocks(cx, top, parts, strip_unlikely)
}

/// Ancestor levels searched for an article split over repeated blocks.
const MERGE_LEVELS: usize = 1;

/// Articles laid out as a run of like blocks (page builders' rows, one paragraph group
/// each) leave the scorer with one block: at the container and up to [`MERGE_LEVELS`]
/// ancestors above it, siblings of the same tag and class as the ancestor that hold prose (little
/// link text) are added, in page order, when together they carry a fair share of text.
fn merge_repeated_blocks(cx: &Ctx, top: usize, mut parts: Vec<usize>, strip_unlikely: bool) -> Vec<usize> {
    let dom = cx.dom;
    let mut have: u32 = parts.iter().map(|&p| cx.stat[p].len).sum();
    let mut anc = top as u32;
    for _ in 0..=MERGE_LEVELS {
        if anc == NONE || anc == 0 {
            break;
        }
        let a = anc as usize;
        let parent = dom.nodes[a].parent;
        if parent == NONE || parent == 0 || matches!(dom.nodes[a].tag, Tag::Body | Tag::Html) {
            break;
        }
        let class = attr(dom.attrs_of(&dom.nodes[a]), "class").map(str::trim).unwrap_or("");
        if !class.is_empty() {
            let tag = dom.nodes[a].tag;
            let mut prose: u32 = 0;
            let mut matched: Vec<usize> = Vec::new();
            for c in dom.children(parent) {
                let ci = c as usize;
                if ci == a || cx.state[ci] == DROP || (strip_unlikely && cx.state[ci] == UNLIKELY_C) {
                    continue;
                }
                let node = &dom.nodes[ci];
                if node.tag != tag || attr(dom.attrs_of(node), "class").map(str::trim) != Some(class) {
                    continue;
                }
                let s = cx.stat[ci];
                if s.len == 0 || cx.link_density(ci) >= 0.3 {
                    continue;
                }
                if s.paras > 0 {
                    prose += s.len;
                }
                matched.push(ci);
            }
            if prose > 0 && (prose as f64) >= 0.25 * have as f64 && prose >= 200 {
                // Nodes are numbered in page order, and the matched blocks lie outside
                // every part (siblings of an ancestor, or of the container itself).
                // (At the container's own level some may be parts already: sort, then dedup,
                // to stay linear on flat pages of thousands of like blocks.)
                parts.extend_from_slice(&matched);
                parts.sort_unstable();
                parts.dedup();
                have = parts.iter().map(|&p| cx.stat[p].len).sum();
            }
        }
        anc = dom.nodes[a].parent;
    }
    parts
}

fn has_own_text(dom: &Dom, i: usize) -> bool {
    dom.children(i as u32).any(|c| {
        let n = &dom.nodes[c as usize];
        n.tag == Tag::Text && dom.text_of(n).trim().len() >= 25
    })
}

fn initial_score(cx: &Ctx, i: usize, weights: bool) -> f32 {
    use Tag::*;
    let base = match cx.dom.nodes[i].tag {
        Div | Other | Article | Main | Section => 5.0,
        Pre | Td | Blockquote => 3.0,
        Address | Ol | Ul | Dl | Dd | Dt | Li | Form => -3.0,
        H1 | H2 | H3 | H4 | H5 | H6 | Th => -5.0,
        _ => 0.0,
    };
    base + if weights { cx.class_weight(i) as f32 } else { 0.0 }
}

struct Writer {
    out: String,
    title: String,
    title_removed: bool,
    pending_space: bool,
    pre: u32,
}

impl Writer {
    fn block(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        self.pending_space = false;
    }

    fn text(&mut self, s: &str) {
        if self.pre > 0 {
            self.out.push_str(s.trim_start_matches('\n'));
            return;
        }
        let mut first = true;
        for word in s.split(|c: char| c.is_whitespace()) {
            if word.is_empty() {
                self.pending_space = true;
                continue;
            }
            if (!first || self.pending_space) && !self.out.is_empty() && !self.out.ends_with('\n') && !self.out.ends_with(' ') {
                self.out.push(' ');
            }
            first = false;
            self.pending_space = false;
            self.out.push_str(word);
            self.pending_space = false;
        }
        // A trailing space in `s` carries over to the next text.
        if s.ends_with(|c: char| c.is_whitespace()) {
            self.pending_space = true;
        }
    }
}

/// Whether an element inside the chosen container is furniture rather than article text.
fn is_furniture(cx: &Ctx, i: usize) -> bool {
    let node = &cx.dom.nodes[i];
    use Tag::*;
    let ci = cx.ci(i);
    let s = cx.stat[i];
    if !ci.is_empty() && has_any(ci, FURNITURE) && !has_any(ci, &["article", "content", "body", "text", "story", "entry"]) && s.len < 2000 {
        return true;
    }
    match node.tag {
        Ul | Ol | Dl | Div | Section | Table | Header | Other => {
            let ld = cx.link_density(i);
            // Lists of links (related stories, tag lists, menus).
            if ld > 0.5 && s.commas < 10 {
                return true;
            }
            if ld > 0.33 && s.len < 300 && !matches!(node.tag, Table) {
                return true;
            }
            false
        }
        _ => false,
    }
}

fn write_node(cx: &Ctx, i: usize, w: &mut Writer, depth: usize) {
    let dom = cx.dom;
    let node = &dom.nodes[i];
    if cx.state[i] == DROP {
        return;
    }
    if node.tag == Tag::Text {
        w.text(dom.text_of(node));
        return;
    }
    if depth > 0 && w.pre == 0 && (node.tag.is_block() || node.tag == Tag::Other) && is_furniture(cx, i) {
        return;
    }
    use Tag::*;
    if matches!(node.tag, H1 | H2) && !w.title_removed {
        let t = super::meta::text_of(dom, i as u32);
        if super::meta::similarity(&w.title, &t) > 0.75 {
            w.title_removed = true;
            return;
        }
    }
    match node.tag {
        Br | Hr => {
            w.block();
            return;
        }
        Img => return,
        _ => {}
    }
    let block = node.tag.is_block();
    if node.tag == Pre {
        w.block();
        w.pre += 1;
        for c in dom.children(i as u32) {
            write_node(cx, c as usize, w, depth + 1);
        }
        w.pre -= 1;
        w.block();
        return;
    }
    if block {
        w.block();
    } else if matches!(node.tag, Td | Th) {
        w.pending_space = true;
    }
    for c in dom.children(i as u32) {
        write_node(cx, c as usize, w, depth + 1);
    }
    if block {
        w.block();
    } else if matches!(node.tag, Td | Th) {
        w.pending_space = true;
    }
}
