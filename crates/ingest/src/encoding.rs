//! Decoding web pages to text: BOM, HTTP `charset`, `<meta charset>`, and detection
//! (chardetng) for pages that declare nothing or declare wrongly.
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// The charset label in a `Content-Type`-like value (`text/html; charset=koi8-r`).
pub fn charset_label(content_type: &str) -> Option<&'static Encoding> {
    let lower = content_type.to_ascii_lowercase();
    let i = lower.find("charset")?;
    let rest = lower[i + 7..].trim_start().strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest.find(|c: char| c == '"' || c == '\'' || c == ';' || c == ',' || c == '>' || c == '/' || c.is_whitespace()).unwrap_or(rest.len());
    Encoding::for_label(rest[..end].as_bytes())
}

/// The encoding a page declares in its first 4 KiB (`<meta charset>` or
/// `<meta http-equiv="Content-Type" content="…charset=…">`, or an XML declaration).
pub fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut from = 0;
    while let Some(p) = find(&lower[from..], b"<meta") {
        let start = from + p;
        let end = find(&lower[start..], b">").map(|e| start + e).unwrap_or(lower.len());
        let tag = String::from_utf8_lossy(&lower[start..end]);
        if let Some(e) = charset_label(&tag) {
            // A page that says UTF-16 in ASCII bytes is not UTF-16 (HTML spec).
            return Some(if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE { UTF_8 } else { e });
        }
        from = end.max(start + 1);
        if from >= lower.len() {
            break;
        }
    }
    if lower.starts_with(b"<?xml") {
        let end = find(&lower, b"?>").unwrap_or(lower.len().min(200));
        let decl = String::from_utf8_lossy(&lower[..end]);
        if let Some(i) = decl.find("encoding=") {
            let v = decl[i + 9..].trim_start_matches(['"', '\'']);
            let v = v.split(['"', '\'', ' ']).next().unwrap_or("");
            return Encoding::for_label(v.as_bytes());
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The top-level domain of a URL, lower-case ASCII, as chardetng wants it.
fn tld_of(url: Option<&str>) -> Option<String> {
    let url = url?;
    let host = url.split("://").nth(1)?.split(['/', ':', '?', '#']).next()?;
    let tld = host.rsplit('.').next()?.to_ascii_lowercase();
    (!tld.is_empty() && tld.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')).then_some(tld)
}

fn detect(bytes: &[u8], url: Option<&str>) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(&bytes[..bytes.len().min(1 << 20)], true);
    let tld = tld_of(url);
    det.guess(tld.as_deref().map(str::as_bytes), chardetng::Utf8Detection::Deny)
}

/// Decodes an HTML page. `http_charset` is the `Content-Type` header value when known.
/// Returns the text and the encoding used.
pub fn decode_html(bytes: &[u8], http_content_type: Option<&str>, url: Option<&str>) -> (String, &'static Encoding) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return (enc.decode_without_bom_handling(&bytes[bom_len..]).0.into_owned(), enc);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        // Valid UTF-8 with non-ASCII bytes is almost never another encoding, whatever the
        // page says; pure ASCII decodes the same in every ASCII-compatible encoding.
        return (s.to_string(), UTF_8);
    }
    let declared = http_content_type.and_then(charset_label).or_else(|| meta_charset(bytes));
    // Mostly UTF-8 with a few stray bytes (a truncated character, one Latin-1 byte pasted
    // in): decoding it as anything else would garble every other non-ASCII character.
    if mostly_utf8(bytes) {
        return (String::from_utf8_lossy(bytes).into_owned(), UTF_8);
    }
    let enc = match declared {
        Some(d) if d != UTF_8 => {
            let guess = detect(bytes, url);
            // The common lie: a Cyrillic or CJK page labelled Latin-1/Windows-1252.
            if d == WINDOWS_1252 && guess != WINDOWS_1252 && !is_latin(guess) {
                guess
            } else {
                d
            }
        }
        _ => detect(bytes, url),
    };
    (enc.decode_without_bom_handling(bytes).0.into_owned(), enc)
}

/// Whether valid multi-byte UTF-8 sequences outnumber invalid bytes twenty to one.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().bytes().filter(|&b| b >= 0xc0).count();
        bad += chunk.invalid().len();
    }
    good >= 20 * bad.max(1)
}

fn is_latin(e: &'static Encoding) -> bool {
    matches!(e.name(), "windows-1252" | "ISO-8859-15" | "windows-1250" | "ISO-8859-2" | "windows-1254" | "windows-1257" | "ISO-8859-4" | "ISO-8859-13")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(charset_label("text/html; charset=KOI8-R"), Some(encoding_rs::KOI8_R));
        assert_eq!(charset_label("text/html;charset=\"shift_jis\""), Some(encoding_rs::SHIFT_JIS));
        assert_eq!(meta_charset(b"<html><head><meta charset=\"gbk\">"), Some(encoding_rs::GBK));
        assert_eq!(
            meta_charset(b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">"),
            Some(encoding_rs::WINDOWS_1251)
        );
    }

    #[test]
    fn decodes_declared_and_undeclared() {
        let ru = "Министр иностранных дел России провёл переговоры в Дамаске с президентом Сирии.";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(ru);
        let page = [b"<html><head><meta charset=\"windows-1251\"></head><body><p>".as_slice(), &bytes, b"</p></body></html>"].concat();
        assert!(decode_html(&page, None, None).0.contains(ru));
        // No declaration at all: detection finds Windows-1251.
        let page = [b"<html><body><p>".as_slice(), &bytes, b"</p></body></html>"].concat();
        assert!(decode_html(&page, None, Some("http://example.ru/a")).0.contains(ru));
        // Declared Latin-1 but really Cyrillic.
        let page = [b"<html><head><meta charset=\"iso-8859-1\"></head><body><p>".as_slice(), &bytes, b"</p></body></html>"].concat();
        assert!(decode_html(&page, None, None).0.contains(ru));
        let ja = "外務大臣は本日、東京で記者会見を行い、新しい協定について説明した。";
        let (sj, _, _) = encoding_rs::SHIFT_JIS.encode(ja);
        let page = [b"<html><body><p>".as_slice(), &sj, b"</p></body></html>"].concat();
        assert!(decode_html(&page, Some("text/html; charset=Shift_JIS"), None).0.contains(ja));
        assert!(decode_html(&page, None, None).0.contains(ja));
        let zh = "外交部长今天在北京会见了来访的俄罗斯外长，双方讨论了经济合作问题。";
        let (gb, _, _) = encoding_rs::GBK.encode(zh);
        let page = [b"<html><body><p>".as_slice(), &gb, b"</p></body></html>"].concat();
        assert!(decode_html(&page, None, None).0.contains(zh));
        // UTF-8 with one stray Latin-1 byte stays UTF-8.
        let mut mixed = "Café crème, à côté de l'Élysée, déjà très animé — «bien sûr».".repeat(3).into_bytes();
        mixed.push(0xe9);
        assert!(decode_html(&mixed, None, None).0.starts_with("Café crème"));
        let fr = "Le ministre a déclaré que les négociations étaient très avancées à Genève.";
        let (l1, _, _) = encoding_rs::WINDOWS_1252.encode(fr);
        let page = [b"<html><head><meta charset=iso-8859-1></head><body><p>".as_slice(), &l1, b"</p></body></html>"].concat();
        assert!(decode_html(&page, None, None).0.contains(fr));
    }
}
