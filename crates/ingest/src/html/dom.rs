//! A small, fast HTML reader for main-text extraction: one pass over the bytes builds a
//! compact arena tree of elements and text. It keeps what extraction needs and nothing more:
//! the contents of `script`, `style`, `svg`, `noscript`, `template`, … are skipped (their
//! tags are still seen, so that `<meta>` inside `<noscript>` reaches the metadata digest);
//! void elements, implicit closes (`p`, `li`, `dt`/`dd`, table cells and rows, `option`,
//! headings, nested `a`) and stray end tags follow the HTML parsing rules closely enough for
//! real pages. Entities are decoded in text.
//!
//! Bounded whatever the input: nesting deeper than [`MAX_DEPTH`] is flattened and no more than
//! [`MAX_NODES`] nodes are made (the rest of a page beyond that is not read), so memory is
//! linear in the page with a small constant. Never panics: every index is checked.
use memchr::{memchr, memchr2, memmem};

/// No node.
pub const NONE: u32 = u32::MAX;
/// Deepest nesting kept; deeper elements become children of the element at this depth.
pub const MAX_DEPTH: usize = 400;
/// Most nodes made for one page.
pub const MAX_NODES: usize = 1 << 21;

/// Element names the extractor tells apart; every other name is [`Tag::Other`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
#[repr(u8)]
pub enum Tag {
    Root,
    Text,
    Other,
    A,
    Abbr,
    Address,
    Article,
    Aside,
    B,
    Blockquote,
    Body,
    Br,
    Button,
    Caption,
    Center,
    Cite,
    Code,
    Dd,
    Details,
    Dialog,
    Div,
    Dl,
    Dt,
    Em,
    Fieldset,
    Figcaption,
    Figure,
    Font,
    Footer,
    Form,
    H1,
    H2,
    H3,
    H4,
    H5,
    H6,
    Head,
    Header,
    Hr,
    Html,
    I,
    Img,
    Input,
    Label,
    Li,
    Link,
    Main,
    Menu,
    Meta,
    Nav,
    Ol,
    Option,
    P,
    Picture,
    Pre,
    Q,
    S,
    Section,
    Select,
    Small,
    Span,
    Strong,
    Sub,
    Summary,
    Sup,
    Table,
    Tbody,
    Td,
    Tfoot,
    Th,
    Thead,
    Time,
    Tr,
    U,
    Ul,
    Video,
    Audio,
    Iframe,
    Object,
    Embed,
    Canvas,
    Map,
    Area,
    Source,
    Track,
    Wbr,
    Col,
    Colgroup,
    Base,
    Param,
    Optgroup,
    Datalist,
    Textarea,
    Title,
    Script,
    Style,
    Noscript,
    Template,
    Svg,
    Math,
    Noembed,
    Noframes,
    Xmp,
    Plaintext,
}

impl Tag {
    fn of(name: &[u8]) -> Tag {
        let mut buf = [0u8; 10];
        if name.len() > buf.len() {
            return Tag::Other;
        }
        for (d, s) in buf.iter_mut().zip(name) {
            *d = s.to_ascii_lowercase();
        }
        match &buf[..name.len()] {
            b"a" => Tag::A,
            b"abbr" => Tag::Abbr,
            b"address" => Tag::Address,
            b"article" => Tag::Article,
            b"aside" => Tag::Aside,
            b"b" => Tag::B,
            b"blockquote" => Tag::Blockquote,
            b"body" => Tag::Body,
            b"br" => Tag::Br,
            b"button" => Tag::Button,
            b"caption" => Tag::Caption,
            b"center" => Tag::Center,
            b"cite" => Tag::Cite,
            b"code" => Tag::Code,
            b"dd" => Tag::Dd,
            b"details" => Tag::Details,
            b"dialog" => Tag::Dialog,
            b"div" => Tag::Div,
            b"dl" => Tag::Dl,
            b"dt" => Tag::Dt,
            b"em" => Tag::Em,
            b"fieldset" => Tag::Fieldset,
            b"figcaption" => Tag::Figcaption,
            b"figure" => Tag::Figure,
            b"font" => Tag::Font,
            b"footer" => Tag::Footer,
            b"form" => Tag::Form,
            b"h1" => Tag::H1,
            b"h2" => Tag::H2,
            b"h3" => Tag::H3,
            b"h4" => Tag::H4,
            b"h5" => Tag::H5,
            b"h6" => Tag::H6,
            b"head" => Tag::Head,
            b"header" => Tag::Header,
            b"hr" => Tag::Hr,
            b"html" => Tag::Html,
            b"i" => Tag::I,
            b"img" | b"image" => Tag::Img,
            b"input" => Tag::Input,
            b"label" => Tag::Label,
            b"li" => Tag::Li,
            b"link" => Tag::Link,
            b"main" => Tag::Main,
            b"menu" => Tag::Menu,
            b"meta" => Tag::Meta,
            b"nav" => Tag::Nav,
            b"ol" => Tag::Ol,
            b"option" => Tag::Option,
            b"p" => Tag::P,
            b"picture" => Tag::Picture,
            b"pre" => Tag::Pre,
            b"q" => Tag::Q,
            b"s" | b"strike" | b"del" => Tag::S,
            b"section" => Tag::Section,
            b"select" => Tag::Select,
            b"small" => Tag::Small,
            b"span" => Tag::Span,
            b"strong" => Tag::Strong,
            b"sub" => Tag::Sub,
            b"summary" => Tag::Summary,
            b"sup" => Tag::Sup,
            b"table" => Tag::Table,
            b"tbody" => Tag::Tbody,
            b"td" => Tag::Td,
            b"tfoot" => Tag::Tfoot,
            b"th" => Tag::Th,
            b"thead" => Tag::Thead,
            b"time" => Tag::Time,
            b"tr" => Tag::Tr,
            b"u" => Tag::U,
            b"ul" => Tag::Ul,
            b"video" => Tag::Video,
            b"audio" => Tag::Audio,
            b"iframe" => Tag::Iframe,
            b"object" => Tag::Object,
            b"embed" => Tag::Embed,
            b"canvas" => Tag::Canvas,
            b"map" => Tag::Map,
            b"area" => Tag::Area,
            b"source" => Tag::Source,
            b"track" => Tag::Track,
            b"wbr" => Tag::Wbr,
            b"col" => Tag::Col,
            b"colgroup" => Tag::Colgroup,
            b"base" => Tag::Base,
            b"param" | b"keygen" => Tag::Param,
            b"optgroup" => Tag::Optgroup,
            b"datalist" => Tag::Datalist,
            b"textarea" => Tag::Textarea,
            b"title" => Tag::Title,
            b"script" => Tag::Script,
            b"style" => Tag::Style,
            b"noscript" => Tag::Noscript,
            b"template" => Tag::Template,
            b"svg" => Tag::Svg,
            b"math" => Tag::Math,
            b"noembed" => Tag::Noembed,
            b"noframes" => Tag::Noframes,
            b"xmp" => Tag::Xmp,
            b"plaintext" => Tag::Plaintext,
            _ => Tag::Other,
        }
    }

    /// Elements without content or end tag.
    pub fn is_void(self) -> bool {
        use Tag::*;
        matches!(self, Br | Hr | Img | Input | Link | Meta | Area | Source | Track | Wbr | Col | Base | Param | Embed)
    }

    /// Elements whose content is not markup (skipped, or kept raw as the title).
    fn is_raw(self) -> bool {
        use Tag::*;
        matches!(self, Script | Style | Noscript | Template | Svg | Math | Noembed | Noframes | Xmp | Plaintext | Textarea | Title | Iframe)
    }

    /// Block-level: breaks lines in the text.
    pub fn is_block(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Root | Address
                | Article
                | Aside
                | Blockquote
                | Body
                | Br
                | Caption
                | Center
                | Dd
                | Details
                | Dialog
                | Div
                | Dl
                | Dt
                | Fieldset
                | Figcaption
                | Figure
                | Footer
                | Form
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Header
                | Hr
                | Html
                | Li
                | Main
                | Menu
                | Nav
                | Ol
                | Option
                | P
                | Pre
                | Section
                | Summary
                | Table
                | Tbody
                | Td
                | Tfoot
                | Th
                | Thead
                | Tr
                | Ul
                | Select
                | Textarea
                | Video
                | Audio
                | Iframe
                | Canvas
        )
    }

    /// Headings.
    pub fn is_heading(self) -> bool {
        matches!(self, Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6)
    }

    /// Start tags that close an open `p` (HTML's list, less rare ones).
    fn closes_p(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Address | Article | Aside | Blockquote | Center | Details | Dialog | Div | Dl | Fieldset | Figcaption | Figure | Footer | Form | H1 | H2 | H3 | H4 | H5 | H6 | Header | Hr | Main | Menu | Nav | Ol | P | Pre | Section | Summary | Table | Ul | Li | Dd | Dt
        )
    }

    /// Inline formatting and phrasing elements that implicit closes and stray end tags may
    /// walk past (HTML's non-"special" elements).
    fn is_phrasing(self) -> bool {
        use Tag::*;
        matches!(
            self,
            A | Abbr | B | Cite | Code | Em | Font | I | Label | Q | S | Small | Span | Strong | Sub | Sup | Time | U | Other | Picture | Video | Audio | Canvas | Map | Object | Datalist | Optgroup | Option
        )
    }

    /// Boundaries of the scopes in which end tags and implicit closes look for their element.
    fn is_scope_boundary(self) -> bool {
        use Tag::*;
        matches!(self, Root | Html | Table | Td | Th | Caption | Template | Object)
    }
}

/// One node: an element or a run of text.
#[derive(Clone, Copy, Debug)]
pub struct Node {
    /// The element's name ([`Tag::Text`] for text).
    pub tag: Tag,
    /// Parent (the root's is [`NONE`]).
    pub parent: u32,
    /// First child or [`NONE`].
    pub first_child: u32,
    /// Last child or [`NONE`].
    pub last_child: u32,
    /// Next sibling or [`NONE`].
    pub next: u32,
    /// Text: byte range in [`Dom::text`]. Element: byte range of its attributes in the source.
    pub start: u32,
    /// End of that range.
    pub end: u32,
}

/// A parsed page.
pub struct Dom<'a> {
    /// The page source.
    pub src: &'a str,
    /// Nodes in document order; node 0 is the root, a parent always comes before its children.
    pub nodes: Vec<Node>,
    /// Decoded text of all text nodes.
    pub text: String,
    /// The text of the first `<title>`.
    pub title: String,
    /// The source of every `<html>`, `<meta>`, `<link>`, `<time>` tag and JSON-LD script, in
    /// document order, also those inside skipped content (comments, scripts, `noscript`):
    /// all [`crate::htmlmeta::page_meta`] reads, at a fraction of the page's size.
    pub digest: String,
}

struct Open {
    node: u32,
    tag: Tag,
    hash: u32,
}

fn name_hash(name: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &c in name {
        h = (h ^ c.to_ascii_lowercase() as u32).wrapping_mul(0x0100_0193);
    }
    h
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// Finds `</name` (case-insensitive) followed by a delimiter, from `from`; returns its offset.
fn find_end_tag(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    let finder = memmem::Finder::new(b"</");
    while i < b.len() {
        let p = i + finder.find(&b[i..])?;
        let s = p + 2;
        if s + name.len() <= b.len() && b[s..s + name.len()].eq_ignore_ascii_case(name) {
            let after = b.get(s + name.len()).copied().unwrap_or(b'>');
            if is_ws(after) || after == b'>' || after == b'/' {
                return Some(p);
            }
        }
        i = p + 2;
    }
    None
}

/// The end of a tag whose attributes start at `i`: the offset just past `>` (or the end of
/// the input), honouring quoted attribute values.
fn tag_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        let Some(p) = memchr2(b'>', b'=', &b[i..]).map(|p| i + p) else { return b.len() };
        if b[p] == b'>' {
            return p + 1;
        }
        // A quote opens a value only right after `=` (spaces allowed).
        let mut j = p + 1;
        while j < b.len() && is_ws(b[j]) {
            j += 1;
        }
        if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
            match memchr(b[j], &b[j + 1..]) {
                Some(e) => i = j + 1 + e + 1,
                None => return b.len(),
            }
        } else {
            i = j;
        }
    }
    b.len()
}

/// The value of attribute `name` (lower-case) in the raw attribute text `attrs`, entities
/// not decoded. Names are matched case-insensitively.
pub fn attr<'s>(attrs: &'s str, name: &str) -> Option<&'s str> {
    let b = attrs.as_bytes();
    let mut i = 0;
    loop {
        while i < b.len() && (is_ws(b[i]) || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' {
            return None;
        }
        let ns = i;
        while i < b.len() && !is_ws(b[i]) && b[i] != b'=' && b[i] != b'>' && !(b[i] == b'/' && i > ns) {
            i += 1;
        }
        if i == ns {
            i += 1;
            continue;
        }
        let n = &b[ns..i];
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        let mut val: Option<(usize, usize)> = None;
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && is_ws(b[i]) {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                let ve = memchr(q, &b[vs..]).map(|p| vs + p).unwrap_or(b.len());
                val = Some((vs, ve));
                i = (ve + 1).min(b.len());
            } else {
                let vs = i;
                while i < b.len() && !is_ws(b[i]) && b[i] != b'>' {
                    i += 1;
                }
                val = Some((vs, i));
            }
        }
        if n.eq_ignore_ascii_case(name.as_bytes()) {
            let (s, e) = val.unwrap_or((i, i));
            return attrs.get(s..e);
        }
    }
}

/// Whether raw content holds a tag the metadata digest wants (`<meta`, `<link`, `<time`, `<html`).
fn has_meta_tag(b: &[u8]) -> bool {
    let mut i = 0;
    while let Some(p) = memchr(b'<', &b[i..]) {
        let s = i + p + 1;
        if s + 4 <= b.len() {
            let w = &b[s..s + 4];
            if w.eq_ignore_ascii_case(b"meta") || w.eq_ignore_ascii_case(b"link") || w.eq_ignore_ascii_case(b"time") || w.eq_ignore_ascii_case(b"html") {
                return true;
            }
        }
        i = s;
    }
    false
}

impl<'a> Dom<'a> {
    /// Parses `src`.
    pub fn parse(src: &'a str) -> Dom<'a> {
        let mut d = Dom { src, nodes: Vec::with_capacity(src.len() / 40 + 16), text: String::with_capacity(src.len() / 4), title: String::new(), digest: String::new() };
        d.nodes.push(Node { tag: Tag::Root, parent: NONE, first_child: NONE, last_child: NONE, next: NONE, start: 0, end: 0 });
        let mut stack: Vec<Open> = vec![Open { node: 0, tag: Tag::Root, hash: 0 }];
        let b = src.as_bytes();
        let mut i = 0;
        let mut have_title = false;
        while i < b.len() && d.nodes.len() < MAX_NODES {
            let Some(p) = memchr(b'<', &b[i..]) else {
                d.add_text(&mut stack, i, b.len());
                break;
            };
            let lt = i + p;
            if lt > i {
                d.add_text(&mut stack, i, lt);
            }
            let next = b.get(lt + 1).copied().unwrap_or(0);
            if next.is_ascii_alphabetic() {
                // Start tag.
                let ns = lt + 1;
                let mut ne = ns;
                while ne < b.len() && !is_ws(b[ne]) && b[ne] != b'>' && b[ne] != b'/' {
                    ne += 1;
                }
                let name = &b[ns..ne];
                let tag = Tag::of(name);
                let end = tag_end(b, ne);
                let self_closing = end >= 2 && b[end - 2] == b'/' && b.get(end - 1) == Some(&b'>');
                let attrs_end = if end > ne && b.get(end - 1) == Some(&b'>') { end - 1 } else { end };
                if matches!(tag, Tag::Meta | Tag::Link | Tag::Time | Tag::Html) {
                    d.digest.push_str(&src[lt..end]);
                    d.digest.push('\n');
                }
                i = end;
                if tag.is_raw() {
                    let close = find_end_tag(b, end, name).unwrap_or(b.len());
                    let content = &src[end..close];
                    match tag {
                        Tag::Title if !have_title => {
                            have_title = true;
                            decode_into(content, &mut d.title);
                        }
                        Tag::Script if attr(&src[ne..attrs_end], "type").is_some_and(|t| t.to_ascii_lowercase().contains("ld+json")) => {
                            d.digest.push_str(&src[lt..end]);
                            d.digest.push_str(content);
                            d.digest.push_str("</script>\n");
                        }
                        _ => {
                            if has_meta_tag(content.as_bytes()) {
                                d.digest.push_str(content);
                                d.digest.push('\n');
                            }
                        }
                    }
                    // The element stays in the tree (empty), so that it can be told apart.
                    if !matches!(tag, Tag::Script | Tag::Style | Tag::Title) {
                        d.open(&mut stack, tag, name, ne, attrs_end, true);
                    }
                    i = match b.get(close..).and_then(|r| memchr(b'>', r)) {
                        Some(q) => close + q + 1,
                        None => b.len(),
                    };
                    continue;
                }
                if matches!(tag, Tag::Html | Tag::Head | Tag::Body) {
                    continue;
                }
                d.open(&mut stack, tag, name, ne, attrs_end, tag.is_void() || (self_closing && tag == Tag::Other));
            } else if next == b'/' {
                let ns = lt + 2;
                if !b.get(ns).is_some_and(|c| c.is_ascii_alphabetic()) {
                    // `</>` or a bogus comment.
                    i = memchr(b'>', &b[lt..]).map(|q| lt + q + 1).unwrap_or(b.len());
                    continue;
                }
                let mut ne = ns;
                while ne < b.len() && !is_ws(b[ne]) && b[ne] != b'>' && b[ne] != b'/' {
                    ne += 1;
                }
                let name = &b[ns..ne];
                let tag = Tag::of(name);
                i = memchr(b'>', &b[ne..]).map(|q| ne + q + 1).unwrap_or(b.len());
                d.close(&mut stack, tag, name);
            } else if next == b'!' {
                if b[lt..].starts_with(b"<!--") {
                    let e = memmem::find(&b[lt + 4..], b"-->").map(|q| lt + 4 + q).unwrap_or(b.len());
                    let content = &src[(lt + 4).min(e)..e];
                    if has_meta_tag(content.as_bytes()) {
                        d.digest.push_str(content);
                        d.digest.push('\n');
                    }
                    i = (e + 3).min(b.len());
                } else if b[lt..].starts_with(b"<![CDATA[") {
                    let e = memmem::find(&b[lt + 9..], b"]]>").map(|q| lt + 9 + q).unwrap_or(b.len());
                    d.add_text(&mut stack, lt + 9, e);
                    i = (e + 3).min(b.len());
                } else {
                    i = memchr(b'>', &b[lt..]).map(|q| lt + q + 1).unwrap_or(b.len());
                }
            } else if next == b'?' {
                i = memchr(b'>', &b[lt..]).map(|q| lt + q + 1).unwrap_or(b.len());
            } else {
                // A lone `<` is text.
                d.add_text(&mut stack, lt, lt + 1);
                i = lt + 1;
            }
        }
        d
    }

    fn push_node(&mut self, parent: u32, tag: Tag, start: usize, end: usize) -> u32 {
        let id = self.nodes.len() as u32;
        self.nodes.push(Node { tag, parent, first_child: NONE, last_child: NONE, next: NONE, start: start as u32, end: end as u32 });
        if let Some(pn) = self.nodes.get_mut(parent as usize) {
            let last = pn.last_child;
            pn.last_child = id;
            if last == NONE {
                pn.first_child = id;
            } else if let Some(l) = self.nodes.get_mut(last as usize) {
                l.next = id;
            }
        }
        id
    }

    fn add_text(&mut self, stack: &mut [Open], s: usize, e: usize) {
        if s >= e || self.nodes.len() >= MAX_NODES {
            return;
        }
        let Some(raw) = self.src.get(s..e) else { return };
        let parent = stack.last().map(|o| o.node).unwrap_or(0);
        let last = self.nodes[parent as usize].last_child;
        let ts = self.text.len();
        decode_into(raw, &mut self.text);
        let te = self.text.len();
        if last != NONE && self.nodes[last as usize].tag == Tag::Text && self.nodes[last as usize].end as usize == ts {
            self.nodes[last as usize].end = te as u32;
        } else {
            self.push_node(parent, Tag::Text, ts, te);
        }
    }

    fn pop_to(stack: &mut Vec<Open>, k: usize) {
        stack.truncate(k.max(1));
    }

    /// Opens an element (or adds a void one), applying implicit closes first.
    fn open(&mut self, stack: &mut Vec<Open>, tag: Tag, name: &[u8], attr_start: usize, attr_end: usize, void: bool) {
        use Tag::*;
        // Implicit closes.
        if tag.closes_p() {
            if let Some(k) = find_open(stack, |t| t == P, |t| !t.is_phrasing()) {
                Self::pop_to(stack, k);
            }
        }
        match tag {
            Li => {
                if let Some(k) = find_open(stack, |t| t == Li, |t| matches!(t, Ul | Ol | Menu | Table | Td | Th | Root)) {
                    Self::pop_to(stack, k);
                }
            }
            Dt | Dd => {
                if let Some(k) = find_open(stack, |t| matches!(t, Dt | Dd), |t| matches!(t, Dl | Table | Td | Th | Root)) {
                    Self::pop_to(stack, k);
                }
            }
            Td | Th => {
                if let Some(k) = find_open(stack, |t| matches!(t, Td | Th), |t| matches!(t, Tr | Table | Root)) {
                    Self::pop_to(stack, k);
                }
            }
            Tr => {
                if let Some(k) = find_open(stack, |t| t == Tr, |t| matches!(t, Table | Thead | Tbody | Tfoot | Root)) {
                    Self::pop_to(stack, k);
                }
            }
            Thead | Tbody | Tfoot => {
                if let Some(k) = find_open(stack, |t| matches!(t, Thead | Tbody | Tfoot), |t| matches!(t, Table | Root)) {
                    Self::pop_to(stack, k);
                }
            }
            Option | Optgroup if stack.last().is_some_and(|o| o.tag == Option) => {
                stack.pop();
            }
            H1 | H2 | H3 | H4 | H5 | H6 if stack.last().is_some_and(|o| o.tag.is_heading()) => {
                stack.pop();
            }
            A => {
                if let Some(k) = find_open(stack, |t| t == A, |t| !t.is_phrasing()) {
                    Self::pop_to(stack, k);
                }
            }
            _ => {}
        }
        if self.nodes.len() >= MAX_NODES {
            return;
        }
        let parent = stack.last().map(|o| o.node).unwrap_or(0);
        let id = self.push_node(parent, tag, attr_start, attr_end);
        if !void && stack.len() < MAX_DEPTH {
            stack.push(Open { node: id, tag, hash: if tag == Other { name_hash(name) } else { 0 } });
        }
    }

    fn close(&mut self, stack: &mut Vec<Open>, tag: Tag, name: &[u8]) {
        use Tag::*;
        match tag {
            Html | Head | Body => return,
            Br => {
                let parent = stack.last().map(|o| o.node).unwrap_or(0);
                if self.nodes.len() < MAX_NODES {
                    self.push_node(parent, Br, 0, 0);
                }
                return;
            }
            _ => {}
        }
        let hash = if tag == Other { name_hash(name) } else { 0 };
        let phrasing = tag.is_phrasing();
        for k in (1..stack.len()).rev() {
            let o = &stack[k];
            if o.tag == tag && o.hash == hash {
                Self::pop_to(stack, k);
                return;
            }
            // An inline end tag does not close past a block; a block end tag does not
            // leave its scope (table cells, tables).
            if (phrasing && !o.tag.is_phrasing()) || o.tag.is_scope_boundary() {
                return;
            }
        }
    }

    /// The decoded text of a text node.
    pub fn text_of(&self, n: &Node) -> &str {
        self.text.get(n.start as usize..n.end as usize).unwrap_or("")
    }

    /// The raw attribute text of an element.
    pub fn attrs_of(&self, n: &Node) -> &'a str {
        if n.tag == Tag::Text {
            return "";
        }
        self.src.get(n.start as usize..n.end as usize).unwrap_or("")
    }

    /// Children of `id`.
    pub fn children(&self, id: u32) -> Children<'_, 'a> {
        Children { dom: self, cur: self.nodes.get(id as usize).map(|n| n.first_child).unwrap_or(NONE) }
    }

    /// Whether `a` is `d` or an ancestor of it.
    pub fn contains(&self, a: u32, mut d: u32) -> bool {
        while d != NONE {
            if d == a {
                return true;
            }
            d = self.nodes[d as usize].parent;
        }
        false
    }

    /// The subtree of `id` in document order, as a range of node indices (children always
    /// follow their parent, and a subtree is contiguous).
    pub fn subtree_end(&self, id: u32) -> u32 {
        // The subtree ends before the next sibling of the nearest ancestor-or-self that has one.
        let mut n = id;
        while n != NONE {
            let node = &self.nodes[n as usize];
            if node.next != NONE {
                return node.next;
            }
            n = node.parent;
        }
        self.nodes.len() as u32
    }
}

/// Walks the stack down from the top: the position of the first element that `want` accepts,
/// unless `stop` hits first.
fn find_open(stack: &[Open], want: impl Fn(Tag) -> bool, stop: impl Fn(Tag) -> bool) -> Option<usize> {
    for k in (1..stack.len()).rev() {
        let t = stack[k].tag;
        if want(t) {
            return Some(k);
        }
        if stop(t) {
            return None;
        }
    }
    None
}

/// Iterator over the children of a node.
pub struct Children<'d, 'a> {
    dom: &'d Dom<'a>,
    cur: u32,
}

impl Iterator for Children<'_, '_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.cur == NONE {
            return None;
        }
        let c = self.cur;
        self.cur = self.dom.nodes.get(c as usize).map(|n| n.next).unwrap_or(NONE);
        Some(c)
    }
}

/// Appends `s` to `out` with character references decoded.
pub fn decode_into(s: &str, out: &mut String) {
    let b = s.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while let Some(p) = memchr(b'&', &b[i..]) {
        let a = i + p;
        out.push_str(&s[last..a]);
        match decode_ref(&b[a + 1..]) {
            Some((c, len)) => {
                out.push(c);
                last = a + 1 + len;
            }
            None => {
                out.push('&');
                last = a + 1;
            }
        }
        i = last;
    }
    out.push_str(&s[last..]);
}

/// Decodes the reference after `&`: the character and the bytes used (`;` included).
fn decode_ref(b: &[u8]) -> Option<(char, usize)> {
    if b.first() == Some(&b'#') {
        let (hex, s) = if matches!(b.get(1), Some(b'x' | b'X')) { (true, 2) } else { (false, 1) };
        let mut e = s;
        let mut v: u32 = 0;
        while e < b.len() && e - s < 8 {
            let d = if hex { (b[e] as char).to_digit(16) } else { (b[e] as char).to_digit(10) };
            match d {
                Some(d) => v = v.saturating_mul(if hex { 16 } else { 10 }).saturating_add(d),
                None => break,
            }
            e += 1;
        }
        if e == s {
            return None;
        }
        let len = if b.get(e) == Some(&b';') { e + 1 } else { e };
        let c = match v {
            0x80..=0x9f => windows_1252_c1(v),
            0 => '\u{fffd}',
            _ => char::from_u32(v).unwrap_or('\u{fffd}'),
        };
        return Some((c, len));
    }
    let e = b.iter().take(10).position(|c| !c.is_ascii_alphanumeric()).unwrap_or(b.len().min(10));
    if e == 0 {
        return None;
    }
    let name = &b[..e];
    let c = named_entity(name)?;
    let len = if b.get(e) == Some(&b';') { e + 1 } else { e };
    Some((c, len))
}

fn windows_1252_c1(v: u32) -> char {
    const T: [u16; 32] = [
        0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
    ];
    char::from_u32(T[(v - 0x80) as usize] as u32).unwrap_or('\u{fffd}')
}

fn named_entity(n: &[u8]) -> Option<char> {
    Some(match n {
        b"amp" | b"AMP" => '&',
        b"lt" | b"LT" => '<',
        b"gt" | b"GT" => '>',
        b"quot" | b"QUOT" => '"',
        b"apos" => '\'',
        b"nbsp" => '\u{a0}',
        b"shy" => '\u{ad}',
        b"zwj" => '\u{200d}',
        b"zwnj" => '\u{200c}',
        b"thinsp" => '\u{2009}',
        b"ensp" => '\u{2002}',
        b"emsp" => '\u{2003}',
        b"rsquo" => '’',
        b"lsquo" => '‘',
        b"rdquo" => '”',
        b"ldquo" => '“',
        b"sbquo" => '‚',
        b"bdquo" => '„',
        b"laquo" => '«',
        b"raquo" => '»',
        b"lsaquo" => '‹',
        b"rsaquo" => '›',
        b"prime" => '′',
        b"Prime" => '″',
        b"mdash" => '—',
        b"ndash" => '–',
        b"minus" => '−',
        b"hellip" => '…',
        b"bull" => '•',
        b"middot" => '·',
        b"copy" => '©',
        b"reg" => '®',
        b"trade" => '™',
        b"deg" => '°',
        b"plusmn" => '±',
        b"times" => '×',
        b"divide" => '÷',
        b"frac12" => '½',
        b"frac14" => '¼',
        b"frac34" => '¾',
        b"sup2" => '²',
        b"sup3" => '³',
        b"micro" => 'µ',
        b"para" => '¶',
        b"sect" => '§',
        b"euro" => '€',
        b"pound" => '£',
        b"yen" => '¥',
        b"cent" => '¢',
        b"dagger" => '†',
        b"Dagger" => '‡',
        b"iexcl" => '¡',
        b"iquest" => '¿',
        b"ordf" => 'ª',
        b"ordm" => 'º',
        b"acute" => '´',
        b"uml" => '¨',
        b"cedil" => '¸',
        b"rarr" => '→',
        b"larr" => '←',
        b"uarr" => '↑',
        b"darr" => '↓',
        b"hearts" => '♥',
        b"check" => '✓',
        b"star" => '☆',
        b"Agrave" => 'À',
        b"Aacute" => 'Á',
        b"Acirc" => 'Â',
        b"Atilde" => 'Ã',
        b"Auml" => 'Ä',
        b"Aring" => 'Å',
        b"AElig" => 'Æ',
        b"Ccedil" => 'Ç',
        b"Egrave" => 'È',
        b"Eacute" => 'É',
        b"Ecirc" => 'Ê',
        b"Euml" => 'Ë',
        b"Igrave" => 'Ì',
        b"Iacute" => 'Í',
        b"Icirc" => 'Î',
        b"Iuml" => 'Ï',
        b"ETH" => 'Ð',
        b"Ntilde" => 'Ñ',
        b"Ograve" => 'Ò',
        b"Oacute" => 'Ó',
        b"Ocirc" => 'Ô',
        b"Otilde" => 'Õ',
        b"Ouml" => 'Ö',
        b"Oslash" => 'Ø',
        b"Ugrave" => 'Ù',
        b"Uacute" => 'Ú',
        b"Ucirc" => 'Û',
        b"Uuml" => 'Ü',
        b"Yacute" => 'Ý',
        b"THORN" => 'Þ',
        b"szlig" => 'ß',
        b"agrave" => 'à',
        b"aacute" => 'á',
        b"acirc" => 'â',
        b"atilde" => 'ã',
        b"auml" => 'ä',
        b"aring" => 'å',
        b"aelig" => 'æ',
        b"ccedil" => 'ç',
        b"egrave" => 'è',
        b"eacute" => 'é',
        b"ecirc" => 'ê',
        b"euml" => 'ë',
        b"igrave" => 'ì',
        b"iacute" => 'í',
        b"icirc" => 'î',
        b"iuml" => 'ï',
        b"eth" => 'ð',
        b"ntilde" => 'ñ',
        b"ograve" => 'ò',
        b"oacute" => 'ó',
        b"ocirc" => 'ô',
        b"otilde" => 'õ',
        b"ouml" => 'ö',
        b"oslash" => 'ø',
        b"ugrave" => 'ù',
        b"uacute" => 'ú',
        b"ucirc" => 'û',
        b"uuml" => 'ü',
        b"yacute" => 'ý',
        b"thorn" => 'þ',
        b"yuml" => 'ÿ',
        b"OElig" => 'Œ',
        b"oelig" => 'œ',
        b"Scaron" => 'Š',
        b"scaron" => 'š',
        b"Yuml" => 'Ÿ',
        b"fnof" => 'ƒ',
        b"circ" => 'ˆ',
        b"tilde" => '˜',
        b"alpha" => 'α',
        b"beta" => 'β',
        b"gamma" => 'γ',
        b"delta" => 'δ',
        b"pi" => 'π',
        b"mu" => 'μ',
        b"sigma" => 'σ',
        b"omega" => 'ω',
        b"Delta" => 'Δ',
        b"Omega" => 'Ω',
        b"infin" => '∞',
        b"ne" => '≠',
        b"le" => '≤',
        b"ge" => '≥',
        b"asymp" => '≈',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(d: &Dom, id: u32, out: &mut String) {
        let n = &d.nodes[id as usize];
        if n.tag == Tag::Text {
            out.push_str(d.text_of(n));
            return;
        }
        if id != 0 {
            out.push_str(&format!("<{:?}>", n.tag).to_lowercase());
        }
        for c in d.children(id) {
            shape(d, c, out);
        }
        if id != 0 && !n.tag.is_void() {
            out.push_str(&format!("</{:?}>", n.tag).to_lowercase());
        }
    }

    fn tree(html: &str) -> String {
        let d = Dom::parse(html);
        let mut s = String::new();
        shape(&d, 0, &mut s);
        s
    }

    #[test]
    fn implicit_closes_and_skips() {
        assert_eq!(tree("<p>a<p>b<div>c</div>"), "<p>a</p><p>b</p><div>c</div>");
        assert_eq!(tree("<ul><li>a<li>b<span>c</ul>d"), "<ul><li>a</li><li>b<span>c</span></li></ul>d");
        assert_eq!(tree("<table><tr><td>a<td>b<tr><td>c</table>"), "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>");
        assert_eq!(tree("<div>x<script>if (a<b) {}</script><style>p{}</style>y</div>"), "<div>xy</div>");
        assert_eq!(tree("<div><span>a</div>b</span>"), "<div><span>a</span></div>b");
        assert_eq!(tree("<p>caf&eacute; &amp; &#8217;&#x41;&nbsp;&bogus;</p>"), "<p>café & ’A\u{a0}&bogus;</p>");
        assert_eq!(tree("<!-- <p>no</p> --><p title='a>b'>yes<br>x</p>"), "<p>yes<br>x</p>");
        assert_eq!(tree("<my-el>a<my-el>b</my-el>c</my-el>d"), "<other>a<other>b</other>c</other>d");
    }

    #[test]
    fn title_and_digest() {
        let d = Dom::parse("<html lang=en><head><title>A &amp; B</title><meta name=x content=y><script type=\"application/ld+json\">{\"a\":1}</script><noscript><meta http-equiv=refresh></noscript></head><body><p>t</p></body></html>");
        assert_eq!(d.title, "A & B");
        assert!(d.digest.contains("<html lang=en>") && d.digest.contains("<meta name=x content=y>") && d.digest.contains("{\"a\":1}</script>") && d.digest.contains("refresh"));
        assert_eq!(attr(" class=\"a b\" id=x data-y", "id"), Some("x"));
        assert_eq!(attr(" class=\"a b\" id=x data-y", "class"), Some("a b"));
        assert_eq!(attr(" class=\"a b\" id=x data-y", "data-y"), Some(""));
    }

    #[test]
    fn deep_nesting_is_flattened() {
        let html = "<div>".repeat(100_000) + "x" + &"</div>".repeat(100_000);
        let d = Dom::parse(&html);
        assert_eq!(d.nodes.len(), 100_002);
    }
}
