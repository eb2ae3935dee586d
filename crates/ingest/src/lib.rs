//! Readers for every input format, producing [`model::Article`]s: Markdown articles, plain
//! text, HTML pages (main text and metadata extraction), JSON Lines, WARC archives; files,
//! directories (recursively, sorted) and standard input.
//!
//! Reading never panics and never stops on bad input: every problem becomes a one-line
//! [`ReadError`] naming the file (and `:line` or `#record`), and the other inputs go on.
#![warn(missing_docs)]

pub mod dates;
pub mod dedup;
pub mod encoding;
pub mod html;
pub mod htmlmeta;
pub mod markdown;
pub mod warc;

pub use dedup::Deduper;

use model::Article;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Largest single file or page read (bigger ones are refused with a reason), so that memory
/// stays bounded whatever the input.
pub const MAX_FILE: u64 = 16 << 20;
/// Largest JSON Lines line.
pub const MAX_LINE: usize = 16 << 20;

/// Input formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// Markdown article (title heading, byline, date line, body, `Original url:`).
    Markdown,
    /// Plain text (title on the first line when followed by a blank line).
    Text,
    /// An HTML page.
    Html,
    /// JSON Lines, one article per line.
    Jsonl,
    /// A WARC archive.
    Warc,
}

impl InputFormat {
    /// Parses a `--input-format` value (`md`, `txt`, `html`, `jsonl`, `warc`).
    pub fn parse(s: &str) -> Option<InputFormat> {
        Some(match s {
            "md" | "markdown" => InputFormat::Markdown,
            "txt" | "text" => InputFormat::Text,
            "html" | "htm" => InputFormat::Html,
            "jsonl" | "json" => InputFormat::Jsonl,
            "warc" => InputFormat::Warc,
            _ => return None,
        })
    }

    /// The format a file name implies (`.md .markdown .txt .html .htm .html.gz .jsonl
    /// .warc .warc.gz`), if any.
    pub fn from_name(name: &str) -> Option<InputFormat> {
        let n = name.to_ascii_lowercase();
        let n = n.strip_suffix(".gz").unwrap_or(&n);
        let ext = n.rsplit_once('.').map(|x| x.1)?;
        Some(match ext {
            "md" | "markdown" => InputFormat::Markdown,
            "txt" | "text" => InputFormat::Text,
            "html" | "htm" | "xhtml" => InputFormat::Html,
            "jsonl" | "ndjson" => InputFormat::Jsonl,
            "warc" => InputFormat::Warc,
            _ => return None,
        })
    }
}

/// A record that could not be read. Displays as `origin: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// File (and `:line` or `#record`) the error is about.
    pub origin: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

fn err(origin: impl Into<String>, message: impl Into<String>) -> ReadError {
    ReadError { origin: origin.into(), message: message.into() }
}

/// One outcome of reading, for callers that count skipped records apart from failures.
#[derive(Debug)]
pub enum ReadItem {
    /// An article.
    Article(Article),
    /// Input that could not be read (counts as a failure).
    Failed(ReadError),
    /// A record deliberately passed over, e.g. a non-HTML WARC payload (not a failure).
    Skipped(ReadError),
}

/// Reads `path` (a file or a directory, recursively, in sorted order; `-` for stdin) and
/// hands every article or error to `sink`, in input order. Deliberately skipped records
/// (non-HTML WARC payloads) are not reported; see [`read_path_all`] to count them.
pub fn read_path(path: &Path, format: Option<InputFormat>, sink: &mut dyn FnMut(Result<Article, ReadError>)) {
    read_path_all(path, format, &mut |r| match r {
        ReadItem::Article(a) => sink(Ok(a)),
        ReadItem::Failed(e) => sink(Err(e)),
        ReadItem::Skipped(_) => {}
    })
}

/// Like [`read_path`], but also reports skipped records.
pub fn read_path_all(path: &Path, format: Option<InputFormat>, sink: &mut dyn FnMut(ReadItem)) {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        let mut stdin = std::io::stdin().lock();
        match (&mut stdin).take(MAX_FILE * 64).read_to_end(&mut buf) {
            Ok(_) => {
                // Standard input is JSON Lines when it looks like it, else the given format or text.
                let fmt = format.unwrap_or_else(|| sniff_stdin(&buf));
                read_bytes("<stdin>", buf, fmt, false, sink)
            }
            Err(e) => sink(ReadItem::Failed(err("<stdin>", format!("cannot read: {e}")))),
        }
        return;
    }
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return sink(ReadItem::Failed(err(path.display().to_string(), io_message(&e)))),
    };
    if meta.is_dir() {
        read_dir(path, format, sink);
    } else {
        read_file(path, format, false, sink);
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn sniff_stdin(buf: &[u8]) -> InputFormat {
    let start = buf.iter().position(|b| !b.is_ascii_whitespace()).map(|p| &buf[p..]).unwrap_or(&[]);
    if start.starts_with(b"{") {
        InputFormat::Jsonl
    } else if start.starts_with(b"WARC/") || start.starts_with(&[0x1f, 0x8b]) {
        InputFormat::Warc
    } else if start.starts_with(b"<") {
        InputFormat::Html
    } else if start.starts_with(b"# ") {
        InputFormat::Markdown
    } else {
        InputFormat::Text
    }
}

fn read_dir(dir: &Path, format: Option<InputFormat>, sink: &mut dyn FnMut(ReadItem)) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return sink(ReadItem::Failed(err(dir.display().to_string(), format!("cannot read directory: {}", io_message(&e))))),
    };
    let mut paths: Vec<_> = Vec::new();
    for e in entries {
        match e {
            Ok(e) => paths.push(e.path()),
            Err(e) => sink(ReadItem::Failed(err(dir.display().to_string(), format!("cannot list directory: {}", io_message(&e))))),
        }
    }
    paths.sort();
    for p in paths {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') {
            continue; // hidden files (.gitignore, editor state) are not articles
        }
        if p.is_dir() {
            read_dir(&p, format, sink);
        } else {
            read_file(&p, format, true, sink);
        }
    }
}

fn read_file(path: &Path, format: Option<InputFormat>, in_dir: bool, sink: &mut dyn FnMut(ReadItem)) {
    let origin = path.display().to_string();
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let fmt = format.or_else(|| InputFormat::from_name(&name));
    let gz = name.to_ascii_lowercase().ends_with(".gz");
    if fmt == Some(InputFormat::Warc) {
        return read_warc_file(path, &origin, gz, sink);
    }
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return sink(ReadItem::Failed(err(origin, io_message(&e)))),
    };
    let mut buf = Vec::new();
    let res = if gz {
        flate2::read::MultiGzDecoder::new(BufReader::new(file)).take(MAX_FILE + 1).read_to_end(&mut buf)
    } else {
        file.take(MAX_FILE + 1).read_to_end(&mut buf)
    };
    if let Err(e) = res {
        let what = if gz { "corrupt or truncated gzip" } else { "cannot read" };
        return sink(ReadItem::Failed(err(origin, format!("{what}: {e}"))));
    }
    if buf.len() as u64 > MAX_FILE {
        return sink(ReadItem::Failed(err(origin, format!("larger than the {} MiB limit; skipped", MAX_FILE >> 20))));
    }
    let fmt = match fmt {
        Some(f) => f,
        None if looks_binary(&buf) => return sink(ReadItem::Failed(err(origin, "binary file, not an article; skipped"))),
        // A file without a known extension in a directory, or named on the command line:
        // read it as text.
        None => {
            let _ = in_dir;
            InputFormat::Text
        }
    };
    read_bytes(&origin, buf, fmt, true, sink)
}

/// Whether the bytes look like a binary file (NUL bytes or many control characters near
/// the start).
fn looks_binary(b: &[u8]) -> bool {
    let head = &b[..b.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let ctrl = head.iter().filter(|&&c| c < 0x20 && !matches!(c, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b)).count();
    ctrl * 20 > head.len().max(1)
}

/// Reads articles of format `fmt` from the bytes of one input.
fn read_bytes(origin: &str, buf: Vec<u8>, fmt: InputFormat, _from_file: bool, sink: &mut dyn FnMut(ReadItem)) {
    if buf.iter().all(|b| b.is_ascii_whitespace()) {
        return sink(ReadItem::Failed(err(origin, "empty file")));
    }
    match fmt {
        InputFormat::Warc => read_warc_stream(origin, BufReader::new(&buf[..]), is_gzip(&buf), sink),
        InputFormat::Html => {
            if looks_binary(&buf) && !buf.starts_with(&[0xef, 0xbb, 0xbf]) && !buf.starts_with(&[0xff, 0xfe]) && !buf.starts_with(&[0xfe, 0xff]) {
                return sink(ReadItem::Failed(err(origin, "binary data, not an HTML page; skipped")));
            }
            sink(html_article(origin, &buf, None, None, None))
        }
        InputFormat::Jsonl => read_jsonl(origin, &buf, sink),
        InputFormat::Markdown | InputFormat::Text => {
            if looks_binary(&buf) {
                return sink(ReadItem::Failed(err(origin, "binary file, not an article; skipped")));
            }
            let text = match std::str::from_utf8(strip_bom(&buf)) {
                Ok(t) => t,
                Err(e) => {
                    let line = buf[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
                    return sink(ReadItem::Failed(err(format!("{origin}:{line}"), format!("invalid UTF-8 (byte {})", e.valid_up_to()))));
                }
            };
            let parsed = if fmt == InputFormat::Markdown { markdown::parse_markdown(text) } else { markdown::parse_text(text) };
            sink(finish(origin.to_string(), parsed.into_article()))
        }
    }
}

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(b)
}

fn is_gzip(b: &[u8]) -> bool {
    b.starts_with(&[0x1f, 0x8b])
}

const NO_TEXT: &str = "no article text found";

/// Gives an article its id and origin, or an error when it has no text.
fn finish(origin: String, mut a: Article) -> ReadItem {
    if a.text.trim().is_empty() {
        return ReadItem::Failed(err(origin, NO_TEXT));
    }
    if a.id.is_empty() {
        a.id = article_id(&a.text);
    }
    a.origin = origin;
    a.num_articles = a.num_articles.max(1);
    a.num_sources = a.num_sources.max(1);
    ReadItem::Article(a)
}

/// Extracts an article from an HTML page's bytes.
fn html_article(origin: &str, bytes: &[u8], content_type: Option<&str>, url: Option<&str>, warc_date: Option<model::Date>) -> ReadItem {
    let (text, _) = encoding::decode_html(bytes, content_type, url);
    let ex = html::extract(&text, url);
    let a = Article {
        url: ex.url.or_else(|| url.map(str::to_string)),
        title: ex.title,
        byline: ex.byline,
        published: ex.published.or(warc_date),
        source: ex.site_name.or_else(|| url.and_then(host_of)),
        language: ex.language,
        text: ex.text,
        ..Article::default()
    };
    finish(origin.to_string(), a)
}

/// Reads one HTML page file (`.html`, or gzip-compressed `.html.gz`, decompressed with the
/// [`MAX_FILE`] limit).
pub fn read_page(path: &Path) -> Result<Vec<u8>, ReadError> {
    let origin = || path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| err(origin(), io_message(&e)))?;
    let mut buf = Vec::new();
    let gz = path.to_string_lossy().to_ascii_lowercase().ends_with(".gz");
    let res = if gz {
        flate2::read::MultiGzDecoder::new(BufReader::new(file)).take(MAX_FILE + 1).read_to_end(&mut buf)
    } else {
        file.take(MAX_FILE + 1).read_to_end(&mut buf)
    };
    res.map_err(|e| err(origin(), format!("{}: {e}", if gz { "corrupt or truncated gzip" } else { "cannot read" })))?;
    if buf.len() as u64 > MAX_FILE {
        return Err(err(origin(), format!("larger than the {} MiB limit; skipped", MAX_FILE >> 20)));
    }
    Ok(buf)
}

/// Decodes and extracts one page (`url`: its address when known).
pub fn extract_page(bytes: &[u8], content_type: Option<&str>, url: Option<&str>) -> html::Extracted {
    let (text, _) = encoding::decode_html(bytes, content_type, url);
    html::extract(&text, url)
}

/// The host of a URL, without `www.`.
pub fn host_of(url: &str) -> Option<String> {
    let host = url.split("://").nth(1)?.split(['/', ':', '?', '#']).next()?;
    let host = host.strip_prefix("www.").unwrap_or(host).to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

#[derive(serde::Deserialize)]
struct JsonArticle {
    id: Option<serde_json::Value>,
    text: Option<String>,
    date: Option<serde_json::Value>,
    title: Option<String>,
    url: Option<String>,
    source: Option<String>,
}

fn read_jsonl(origin: &str, buf: &[u8], sink: &mut dyn FnMut(ReadItem)) {
    let buf = strip_bom(buf);
    for (i, line) in buf.split(|&b| b == b'\n').enumerate() {
        let o = format!("{origin}:{}", i + 1);
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        if line.len() > MAX_LINE {
            sink(ReadItem::Failed(err(o, "line too long")));
            continue;
        }
        let Ok(line) = std::str::from_utf8(line) else {
            sink(ReadItem::Failed(err(o, "invalid UTF-8")));
            continue;
        };
        sink(jsonl_article(o, line));
    }
}

fn jsonl_article(o: String, line: &str) -> ReadItem {
    let j: JsonArticle = match serde_json::from_str(line) {
        Ok(j) => j,
        Err(e) => return ReadItem::Failed(err(o, format!("malformed JSON: {e}"))),
    };
    let Some(text) = j.text else { return ReadItem::Failed(err(o, "no \"text\" field")) };
    let id = match j.id {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(_) => return ReadItem::Failed(err(o, "\"id\" must be a string or a number")),
    };
    let published = match j.date {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
        Some(serde_json::Value::String(s)) => match model::Date::parse(&s).or_else(|| dates::parse_date(&s)) {
            Some(d) => Some(d),
            None => return ReadItem::Failed(err(o, format!("invalid \"date\" '{s}' (expected YYYY-MM-DD or YYYYMMDD)"))),
        },
        Some(serde_json::Value::Number(n)) => match model::Date::parse(&n.to_string()) {
            Some(d) => Some(d),
            None => return ReadItem::Failed(err(o, format!("invalid \"date\" {n} (expected YYYYMMDD)"))),
        },
        Some(_) => return ReadItem::Failed(err(o, "\"date\" must be a string")),
    };
    let a = Article {
        id,
        url: j.url.filter(|s| !s.trim().is_empty()),
        title: j.title.filter(|s| !s.trim().is_empty()),
        source: j.source.filter(|s| !s.trim().is_empty()),
        published,
        text,
        ..Article::default()
    };
    finish(o, a)
}

fn read_warc_file(path: &Path, origin: &str, _gz_name: bool, sink: &mut dyn FnMut(ReadItem)) {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return sink(ReadItem::Failed(err(origin, io_message(&e)))),
    };
    let mut r = BufReader::with_capacity(1 << 16, file);
    let gz = match r.fill_buf() {
        Ok(b) if b.iter().all(|c| c.is_ascii_whitespace()) => return sink(ReadItem::Failed(err(origin, "empty file"))),
        Ok(b) => is_gzip(b),
        Err(e) => return sink(ReadItem::Failed(err(origin, io_message(&e)))),
    };
    read_warc_stream(origin, r, gz, sink)
}

fn read_warc_stream<R: BufRead>(origin: &str, r: R, gz: bool, sink: &mut dyn FnMut(ReadItem)) {
    let mut on = |n: usize, item: warc::Item| -> bool {
        let o = format!("{origin}#{n}");
        match item {
            warc::Item::Fatal(m) => sink(ReadItem::Failed(err(o, m))),
            warc::Item::Skipped(m) => sink(ReadItem::Failed(err(o, m))),
            warc::Item::Record(rec) => {
                if let Some(x) = warc_record(&o, &rec) {
                    sink(x)
                }
            }
        }
        true
    };
    if gz {
        warc::read_records(BufReader::with_capacity(1 << 16, flate2::bufread::MultiGzDecoder::new(r)), &mut on)
    } else {
        warc::read_records(r, &mut on)
    }
}

/// Turns one WARC record into an article, a skip or an error; `None` for records that are
/// not responses (warcinfo, request, metadata), which carry no page.
fn warc_record(o: &str, rec: &warc::Record) -> Option<ReadItem> {
    if !rec.header("WARC-Type").is_some_and(|t| t.eq_ignore_ascii_case("response")) {
        return None;
    }
    let url = rec.header("WARC-Target-URI").map(|u| u.trim_matches(['<', '>']).to_string());
    let date = rec.header("WARC-Date").and_then(dates::parse_date);
    let Some(http) = warc::parse_http(&rec.block) else {
        return Some(ReadItem::Skipped(err(o, "response record without an HTTP message")));
    };
    if !(200..300).contains(&http.status) {
        return Some(ReadItem::Skipped(err(o, format!("HTTP status {}", http.status))));
    }
    let ct = http.header("Content-Type").unwrap_or("").to_string();
    let ct_l = ct.to_ascii_lowercase();
    if !ct_l.is_empty() && !ct_l.contains("html") {
        return Some(ReadItem::Skipped(err(o, format!("not HTML ({})", ct.split(';').next().unwrap_or("").trim()))));
    }
    let mut body: std::borrow::Cow<[u8]> = http.body.into();
    if http.header("Transfer-Encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
        if let Some(d) = warc::dechunk(&body) {
            body = d.into();
        }
    }
    if let Some(enc) = http.header("Content-Encoding").map(|e| e.trim().to_ascii_lowercase()) {
        if enc == "gzip" || enc == "x-gzip" || enc == "deflate" {
            match warc::inflate_limited(&body, enc != "deflate", MAX_FILE) {
                Ok(d) => body = d.into(),
                Err(m) => return Some(ReadItem::Failed(err(o, m))),
            }
        }
    }
    if body.len() as u64 > MAX_FILE {
        return Some(ReadItem::Failed(err(o, format!("page larger than the {} MiB limit; skipped", MAX_FILE >> 20))));
    }
    if looks_binary(&body) && !body.starts_with(&[0xff, 0xfe]) && !body.starts_with(&[0xfe, 0xff]) {
        return Some(ReadItem::Failed(err(o, "binary data, not an HTML page; skipped")));
    }
    // A crawled page with no article (an index or a login page) is passed over, not failed.
    Some(match html_article(o, &body, Some(&ct), url.as_deref(), date) {
        ReadItem::Failed(e) if e.message == NO_TEXT => ReadItem::Skipped(e),
        x => x,
    })
}

/// The id of an article without one: a hash of its whitespace-normalized text.
pub fn article_id(text: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (i, w) in text.split_whitespace().enumerate() {
        if i > 0 {
            h.update(b" ");
        }
        h.update(w.as_bytes());
    }
    h.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
}
