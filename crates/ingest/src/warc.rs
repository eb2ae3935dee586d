//! A streaming WARC reader in bounded memory: records are read one at a time, oversized ones
//! are skipped without being held, a lying `Content-Length` is detected and the reader
//! re-synchronizes on the next `WARC/1.x` line, and a truncated or corrupt archive ends the
//! file with an error instead of a panic.
use std::io::{self, BufRead, Read};

/// Largest record block held in memory; larger records are skipped.
pub const MAX_RECORD: u64 = 16 << 20;
/// Most bytes the reader discards while skipping one oversized record or searching for the
/// next record; past this the archive is given up (a gzip bomb decompresses forever).
pub const MAX_DISCARD: u64 = 512 << 20;
const MAX_HEADER: usize = 64 << 10;

/// One WARC record.
#[derive(Debug, Clone)]
pub struct Record {
    /// Header fields in order (names as written).
    pub headers: Vec<(String, String)>,
    /// The record block (for `response` records: HTTP status line, headers and payload).
    pub block: Vec<u8>,
}

impl Record {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What the reader hands out for each record position.
#[derive(Debug)]
pub enum Item {
    /// A record read whole.
    Record(Record),
    /// A record that was skipped, and why; reading goes on.
    Skipped(String),
    /// The archive cannot be read further, and why.
    Fatal(String),
}

/// A byte source with push-back, over any `BufRead`.
struct Src<R: BufRead> {
    pending: Vec<u8>,
    pos: usize,
    inner: R,
}

impl<R: BufRead> Src<R> {
    fn buf(&mut self) -> io::Result<&[u8]> {
        if self.pos < self.pending.len() {
            return Ok(&self.pending[self.pos..]);
        }
        self.inner.fill_buf()
    }
    fn consume(&mut self, n: usize) {
        if self.pos < self.pending.len() {
            self.pos += n;
            if self.pos >= self.pending.len() {
                self.pending.clear();
                self.pos = 0;
            }
        } else {
            self.inner.consume(n);
        }
    }
    fn push_back(&mut self, bytes: &[u8]) {
        let mut v = bytes.to_vec();
        v.extend_from_slice(&self.pending[self.pos..]);
        self.pending = v;
        self.pos = 0;
    }
    /// Reads one line (with its `\n`) of at most `max` bytes; returns the bytes read and
    /// whether the line was complete.
    fn line(&mut self, max: usize) -> io::Result<(Vec<u8>, bool)> {
        let mut out = Vec::new();
        loop {
            let b = self.buf()?;
            if b.is_empty() {
                return Ok((out, false));
            }
            let room = max - out.len();
            let take = b.len().min(room);
            if let Some(p) = b[..take].iter().position(|&c| c == b'\n') {
                out.extend_from_slice(&b[..=p]);
                self.consume(p + 1);
                return Ok((out, true));
            }
            out.extend_from_slice(&b[..take]);
            self.consume(take);
            if out.len() >= max {
                return Ok((out, false));
            }
        }
    }
    fn exact(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(n.min(1 << 20));
        while out.len() < n {
            let b = self.buf()?;
            if b.is_empty() {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "archive ends inside a record"));
            }
            let take = b.len().min(n - out.len());
            out.extend_from_slice(&b[..take]);
            self.consume(take);
        }
        Ok(out)
    }
    fn discard(&mut self, mut n: u64) -> io::Result<()> {
        while n > 0 {
            let b = self.buf()?;
            if b.is_empty() {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "archive ends inside a record"));
            }
            let take = (b.len() as u64).min(n) as usize;
            self.consume(take);
            n -= take as u64;
        }
        Ok(())
    }
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => "truncated archive (ends inside a record)".to_string(),
        _ => format!("unreadable archive ({e})"),
    }
}

/// Reads every record of a WARC stream (already decompressed, e.g. through
/// `flate2::bufread::MultiGzDecoder`) and hands each to `sink` with its 1-based number.
/// `sink` returns `false` to stop early.
pub fn read_records<R: BufRead>(inner: R, sink: &mut dyn FnMut(usize, Item) -> bool) {
    let mut src = Src { pending: Vec::new(), pos: 0, inner };
    let mut n = 0usize;
    loop {
        // Find the version line, skipping blank lines (and garbage after a bad record).
        let mut scanned: u64 = 0;
        let mut garbage = false;
        loop {
            match src.line(MAX_HEADER) {
                Err(e) => {
                    sink(n + 1, Item::Fatal(io_reason(&e)));
                    return;
                }
                Ok((l, _)) if l.is_empty() => {
                    if garbage && n == 0 {
                        sink(1, Item::Fatal("not a WARC file (no WARC/1.x record)".into()));
                    } else if garbage {
                        sink(n + 1, Item::Fatal("data after the last record is not a WARC record".into()));
                    }
                    return;
                }
                Ok((l, complete)) => {
                    if complete && l.starts_with(b"WARC/") {
                        break;
                    }
                    if l.iter().any(|c| !c.is_ascii_whitespace()) {
                        garbage = true;
                    }
                    scanned += l.len() as u64;
                    if scanned > MAX_DISCARD {
                        sink(n + 1, Item::Fatal("no WARC record found in 512 MiB of data; giving up".into()));
                        return;
                    }
                }
            }
        }
        if garbage && n == 0 {
            sink(1, Item::Fatal("not a WARC file (does not start with a WARC/1.x record)".into()));
            return;
        }
        n += 1;
        let mut headers = Vec::new();
        let mut size = 0usize;
        let mut ok = false;
        loop {
            match src.line(MAX_HEADER) {
                Err(e) => {
                    sink(n, Item::Fatal(io_reason(&e)));
                    return;
                }
                Ok((l, complete)) => {
                    size += l.len();
                    if !complete && l.len() < MAX_HEADER {
                        sink(n, Item::Fatal("truncated archive (ends inside a record header)".into()));
                        return;
                    }
                    if !complete || size > MAX_HEADER {
                        break;
                    }
                    let t = String::from_utf8_lossy(&l);
                    let t = t.trim_end_matches(['\r', '\n']);
                    if t.is_empty() {
                        ok = true;
                        break;
                    }
                    if let Some((k, v)) = t.split_once(':') {
                        headers.push((k.trim().to_string(), v.trim().to_string()));
                    }
                }
            }
        }
        if !ok {
            if !sink(n, Item::Skipped("malformed WARC header".into())) {
                return;
            }
            continue;
        }
        let len = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("Content-Length")).and_then(|(_, v)| v.parse::<u64>().ok());
        let Some(len) = len else {
            if !sink(n, Item::Skipped("WARC record without a valid Content-Length".into())) {
                return;
            }
            continue;
        };
        if len > MAX_RECORD {
            if len > MAX_DISCARD {
                sink(n, Item::Fatal(format!("record of {len} bytes is too large to skip; giving up the archive")));
                return;
            }
            if let Err(e) = src.discard(len) {
                sink(n, Item::Fatal(io_reason(&e)));
                return;
            }
            if !sink(n, Item::Skipped(format!("record of {len} bytes exceeds the {} MiB limit", MAX_RECORD >> 20))) {
                return;
            }
            continue;
        }
        let block = match src.exact(len as usize) {
            Ok(b) => b,
            Err(e) => {
                sink(n, Item::Fatal(io_reason(&e)));
                return;
            }
        };
        // The block must be followed by CRLF CRLF; otherwise Content-Length lied.
        let trailer = match src.buf() {
            Ok(b) => b[..b.len().min(4)].to_vec(),
            Err(e) => {
                sink(n, Item::Fatal(io_reason(&e)));
                return;
            }
        };
        let good = trailer.is_empty() || trailer.starts_with(b"\r\n\r\n") || (trailer.len() < 4 && b"\r\n\r\n".starts_with(&trailer)) || trailer.starts_with(b"\n\n");
        if !good {
            // A Content-Length that is too long swallows the next record: hand it back.
            if let Some(p) = find(&block, b"\r\n\r\nWARC/1.") {
                src.push_back(&block[p + 4..]);
            }
            if !sink(n, Item::Skipped(format!("Content-Length {len} does not match the record"))) {
                return;
            }
            continue;
        }
        if !sink(n, Item::Record(Record { headers, block })) {
            return;
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// An HTTP response split into status, headers and body.
pub struct Http<'a> {
    /// Status code (0 when the status line is not HTTP).
    pub status: u16,
    /// Header fields.
    pub headers: Vec<(String, String)>,
    /// The payload.
    pub body: &'a [u8],
}

impl Http<'_> {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Splits a `response` record block into its HTTP parts.
pub fn parse_http(block: &[u8]) -> Option<Http<'_>> {
    let (head_end, sep) = match find(&block[..block.len().min(MAX_HEADER)], b"\r\n\r\n") {
        Some(p) => (p, 4),
        None => (find(&block[..block.len().min(MAX_HEADER)], b"\n\n")?, 2),
    };
    let head = String::from_utf8_lossy(&block[..head_end]);
    let mut lines = head.lines();
    let status_line = lines.next()?;
    if !status_line.starts_with("HTTP/") {
        return None;
    }
    let status = status_line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers = lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    Some(Http { status, headers, body: &block[head_end + sep..] })
}

/// Undoes `Transfer-Encoding: chunked`; `None` when the body is not valid chunked data.
pub fn dechunk(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    loop {
        let nl = find(&body[i..], b"\r\n")?;
        let size_str = std::str::from_utf8(&body[i..i + nl]).ok()?;
        let size = usize::from_str_radix(size_str.split(';').next()?.trim(), 16).ok()?;
        i += nl + 2;
        if size == 0 {
            return Some(out);
        }
        let end = i.checked_add(size)?;
        if end > body.len() {
            out.extend_from_slice(&body[i..]);
            return Some(out);
        }
        out.extend_from_slice(&body[i..end]);
        i = end + 2;
        if i >= body.len() {
            return Some(out);
        }
    }
}

/// Decompresses gzip or deflate data up to `limit` bytes; `Err` with a reason when the data
/// is corrupt or expands past the limit (a compression bomb).
pub fn inflate_limited(data: &[u8], gzip: bool, limit: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let r: Box<dyn Read> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(data))
    } else {
        Box::new(flate2::read::DeflateDecoder::new(data))
    };
    r.take(limit + 1).read_to_end(&mut out).map_err(|e| format!("corrupt compressed data ({e})"))?;
    if out.len() as u64 > limit {
        return Err(format!("decompresses to more than {} MiB (compression bomb?)", limit >> 20));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(body: &str, claimed: Option<usize>) -> Vec<u8> {
        let len = claimed.unwrap_or(body.len());
        format!("WARC/1.0\r\nWARC-Type: response\r\nContent-Length: {len}\r\n\r\n{body}\r\n\r\n").into_bytes()
    }

    fn collect(data: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        read_records(data, &mut |n, it| {
            out.push(match it {
                Item::Record(r) => format!("{n}:ok:{}", r.block.len()),
                Item::Skipped(m) => format!("{n}:skip:{m}"),
                Item::Fatal(m) => format!("{n}:fatal:{m}"),
            });
            true
        });
        out
    }

    #[test]
    fn reads_and_resyncs() {
        let mut data = rec("hello", None);
        data.extend(rec("short claim here", Some(5)));
        data.extend(rec("third", None));
        let got = collect(&data);
        assert_eq!(got[0], "1:ok:5");
        assert!(got[1].starts_with("2:skip:Content-Length"), "{got:?}");
        assert_eq!(got[2], "3:ok:5");
        // Too long a claim swallows the next record, which is handed back.
        let mut data = rec("first", Some(30));
        data.extend(rec("second", None));
        let got = collect(&data);
        assert!(got[0].starts_with("1:skip"), "{got:?}");
        assert_eq!(got.get(1).map(String::as_str), Some("2:ok:6"), "{got:?}");
        // Truncated archive.
        let data = rec("a complete body", None);
        let got = collect(&data[..30]);
        assert!(got[0].contains("fatal:truncated"), "{got:?}");
        assert!(collect(b"random bytes, not warc\n")[0].contains("fatal:not a WARC"));
    }

    #[test]
    fn http_and_chunks() {
        let h = parse_http(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>").unwrap();
        assert_eq!(h.status, 200);
        assert_eq!(h.header("content-type"), Some("text/html"));
        assert_eq!(h.body, b"<p>x</p>");
        assert_eq!(dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").unwrap(), b"abcde");
        let bomb = {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            e.write_all(&vec![0u8; 4 << 20]).unwrap();
            e.finish().unwrap()
        };
        assert!(inflate_limited(&bomb, true, 1 << 20).unwrap_err().contains("bomb"));
    }
}
