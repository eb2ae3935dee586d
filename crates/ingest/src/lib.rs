//! Readers for every input format, producing [`model::Article`]s. STUB (to be replaced).
use model::Article;
use std::path::Path;

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

/// Reads `path` (a file or a directory, recursively, in sorted order; `-` for stdin) and
/// hands every article or error to `sink`, in input order.
pub fn read_path(path: &Path, format: Option<InputFormat>, sink: &mut dyn FnMut(Result<Article, ReadError>)) {
    let _ = (path, format);
    sink(Err(ReadError { origin: path.display().to_string(), message: "not implemented".into() }))
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
