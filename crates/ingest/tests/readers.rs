//! Readers on the fixtures of tests/fixtures/ingest (articles written for these tests) and
//! on bad input made on the fly.
use ingest::{read_path, read_path_all, InputFormat, ReadError, ReadItem};
use model::{Article, Date};
use proptest::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/ingest");
const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

fn read(p: &Path, f: Option<InputFormat>) -> Vec<Result<Article, ReadError>> {
    let mut out = Vec::new();
    read_path(p, f, &mut |r| out.push(r));
    out
}

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ingest-test-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn markdown_article() {
    let r = read(&fixture("article.md"), None);
    assert_eq!(r.len(), 1);
    let a = r[0].as_ref().unwrap();
    assert_eq!(a.title.as_deref(), Some("Harbour Talks End With Fishing Accord"));
    assert_eq!(a.byline.as_deref(), Some("Northern Wire"));
    assert_eq!(a.published, Date::new(2023, 3, 14));
    assert_eq!(a.url.as_deref(), Some("https://news.example.org/2023/03/14/harbour-talks-end-with-fishing-accord-a123"));
    assert!(a.text.starts_with("Norway's Fisheries Minister held talks"), "{}", a.text);
    assert!(a.text.contains("signed a new fishing accord, officials said."));
    assert!(a.text.contains("The agreement sets quotas for mackerel for"));
    assert!(!a.text.contains("Related"), "{}", a.text);
    assert!(!a.text.contains("Flickr"));
    assert!(!a.text.contains("trawler"));
    assert!(!a.text.contains("Original url"));
    assert!(!a.text.contains('*') && !a.text.contains('['));
    // A paragraph broken mid-sentence is rejoined.
    assert!(a.text.contains("in the northern regions, where"), "{}", a.text);
    assert!(a.text.ends_with("first meeting in June."));
    assert_eq!(a.id, ingest::article_id(&a.text));
    assert_eq!(a.origin, fixture("article.md").display().to_string());
    assert_eq!((a.num_articles, a.num_sources), (1, 1));
}

#[test]
fn shared_sample_article() {
    let p = Path::new(SHARED).join("samples/moscowtimes-2020-09-07-lavrov-assad.md");
    if !p.exists() {
        eprintln!("skipping: {} not present", p.display());
        return;
    }
    let r = read(&p, None);
    let a = r[0].as_ref().unwrap();
    assert_eq!(a.title.as_deref(), Some("Russian FM Meets Syria's Assad on Rare Visit"));
    assert_eq!(a.byline.as_deref(), Some("AFP"));
    assert_eq!(a.published, Date::new(2020, 9, 7));
    assert!(a.url.as_deref().unwrap().starts_with("https://www.themoscowtimes.com/2020/09/07/"));
    assert!(a.text.starts_with("Syria's President Bashar al-Assad discussed"), "{}", a.text);
    assert!(!a.text.contains("Related article") && !a.text.contains("Flickr") && !a.text.contains("**"));
}

#[test]
fn plain_text() {
    let r = read(&fixture("plain.txt"), None);
    let a = r[0].as_ref().unwrap();
    assert_eq!(a.title.as_deref(), Some("Flood barrier opens after week of rain"));
    assert_eq!(a.byline.as_deref(), Some("Maria Lind"));
    assert!(a.text.starts_with("The city council opened"));
    assert!(a.text.ends_with("more than 3,000 homes."));
}

#[test]
fn html_page() {
    let r = read(&fixture("page.html"), None);
    let a = r[0].as_ref().unwrap();
    assert_eq!(a.published, Date::new(2022, 6, 2));
    assert_eq!(a.url.as_deref(), Some("https://courier.example.com/world/border-crossing-reopens"));
    assert_eq!(a.source.as_deref(), Some("The Example Courier"));
    assert_eq!(a.language.as_deref(), Some("en"));
    assert!(a.title.as_deref().unwrap().starts_with("Border crossing reopens after talks"));
    assert!(a.byline.as_deref().unwrap().contains("Tomas Berg"));
    assert!(a.text.contains("reopened on Thursday after negotiators"), "{}", a.text);
    assert!(a.text.contains("discuss a longer-term agreement"));
    assert!(!a.text.contains("Subscribe") && !a.text.contains("All rights reserved"), "{}", a.text);
}

#[test]
fn jsonl_with_a_bad_line() {
    let r = read(&fixture("articles.jsonl"), None);
    assert_eq!(r.len(), 4);
    let a = r[0].as_ref().unwrap();
    assert_eq!((a.id.as_str(), a.published, a.title.as_deref(), a.source.as_deref()), ("a1", Date::new(2021, 5, 3), Some("Leaders meet"), Some("Example Wire")));
    assert!(a.origin.ends_with("articles.jsonl:1"));
    let e = r[1].as_ref().unwrap_err();
    assert!(e.origin.ends_with("articles.jsonl:2"), "{e}");
    assert!(e.to_string().contains("malformed JSON"));
    assert!(!e.to_string().contains('\n'));
    let c = r[2].as_ref().unwrap();
    assert_eq!((c.id.as_str(), c.published), ("3", Date::new(2021, 5, 5)));
    let d = r[3].as_ref().unwrap();
    assert_eq!(d.id, ingest::article_id(&d.text));
    assert_eq!(d.published, None);
}

#[test]
fn bad_inputs_each_get_one_error() {
    let d = tmpdir("bad");
    std::fs::write(d.join("a-good.txt"), "A title\n\nThe army said rebels attacked the town.\n").unwrap();
    std::fs::write(d.join("b-binary.dat"), [0u8, 159, 146, 150, 0, 1, 2, 3, 255, 0]).unwrap();
    std::fs::write(d.join("c-empty.md"), "").unwrap();
    std::fs::write(d.join("d-latin1.txt"), b"Caf\xe9 owners protest\n\nThe owners marched on Monday.\n").unwrap();
    std::fs::write(d.join("e-noise.html"), (0..5000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect::<Vec<u8>>()).unwrap();
    std::fs::create_dir(d.join("f-sub")).unwrap();
    std::fs::write(d.join("f-sub/z.md"), "# Sub\n\nThe minister resigned.\n").unwrap();
    std::fs::write(d.join(".hidden.txt"), "not read").unwrap();
    let r = read(&d, None);
    let shown: Vec<String> = r.iter().map(|x| match x {
        Ok(a) => format!("ok {}", Path::new(&a.origin).file_name().unwrap().to_string_lossy()),
        Err(e) => format!("err {e}"),
    }).collect();
    assert_eq!(r.len(), 6, "{shown:#?}");
    assert!(shown[0].starts_with("ok a-good.txt"));
    assert!(shown[1].contains("b-binary.dat: binary file"), "{shown:#?}");
    assert!(shown[2].contains("c-empty.md: empty file"));
    assert!(shown[3].contains("d-latin1.txt:1: invalid UTF-8"), "{shown:#?}");
    assert!(shown[4].contains("e-noise.html: binary data"), "{shown:#?}");
    assert!(shown[5].starts_with("ok z.md"));
    let missing = read(&d.join("nope.md"), None);
    assert_eq!(missing[0].as_ref().unwrap_err().to_string(), format!("{}: no such file or directory", d.join("nope.md").display()));
    std::fs::remove_dir_all(&d).ok();
}

fn warc_record(uri: &str, ctype: &str, body: &[u8]) -> Vec<u8> {
    let mut http = format!("HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    http.extend_from_slice(body);
    let mut rec = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2022-06-03T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        http.len()
    )
    .into_bytes();
    rec.extend_from_slice(&http);
    rec.extend_from_slice(b"\r\n\r\n");
    rec
}

fn gz(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

#[test]
fn warc_gz_records() {
    let page = std::fs::read(fixture("page.html")).unwrap();
    let plain = b"<html><body><article><p>The parliament approved the budget on Friday after a long debate between the governing coalition and the opposition parties.</p><p>The vote was 120 to 80, officials said after the session ended late in the evening.</p></article></body></html>";
    let mut data = gz(b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 4\r\n\r\ninfo\r\n\r\n");
    data.extend(gz(&warc_record("https://courier.example.com/world/border-crossing-reopens", "text/html; charset=utf-8", &page)));
    data.extend(gz(&warc_record("https://x.example.com/logo.png", "image/png", b"\x89PNG....")));
    data.extend(gz(&warc_record("https://y.example.net/news/parliament-budget", "text/html", plain)));
    let d = tmpdir("warc");
    let p = d.join("crawl.warc.gz");
    std::fs::write(&p, &data).unwrap();
    let mut items = Vec::new();
    read_path_all(&p, None, &mut |r| items.push(r));
    assert_eq!(items.len(), 3, "{items:#?}");
    match &items[0] {
        ReadItem::Article(a) => {
            assert!(a.origin.ends_with("crawl.warc.gz#2"));
            assert_eq!(a.published, Date::new(2022, 6, 2));
            assert!(a.text.contains("reopened on Thursday"));
        }
        x => panic!("{x:?}"),
    }
    assert!(matches!(&items[1], ReadItem::Skipped(e) if e.message.contains("not HTML") && e.origin.ends_with("#3")));
    match &items[2] {
        ReadItem::Article(a) => {
            // No date in the page: the WARC-Date is the fallback; the target URI is the URL.
            assert_eq!(a.published, Date::new(2022, 6, 3));
            assert_eq!(a.url.as_deref(), Some("https://y.example.net/news/parliament-budget"));
            assert_eq!(a.source.as_deref(), Some("y.example.net"));
        }
        x => panic!("{x:?}"),
    }
    // Truncated archive: the records before the cut are read, then one error.
    std::fs::write(&p, &data[..data.len() - 40]).unwrap();
    let r = read(&p, None);
    assert!(r[..r.len() - 1].iter().all(|x| x.is_ok()));
    let last = r.last().unwrap().as_ref().unwrap_err();
    assert!(last.message.contains("truncated") || last.message.contains("corrupt"), "{last}");
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn warc_oversized_page_and_bomb() {
    let d = tmpdir("warc-big");
    let p = d.join("big.warc.gz");
    let big = vec![b'a'; (ingest::MAX_FILE as usize) + 1000];
    let mut data = gz(&warc_record("https://a.example/big", "text/html", &big));
    let small = b"<html><body><p>The minister resigned on Monday after a week of protests in the capital and calls from the opposition.</p></body></html>";
    data.extend(gz(&warc_record("https://a.example/ok", "text/html", small)));
    std::fs::write(&p, &data).unwrap();
    let r = read(&p, None);
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(r[0].as_ref().unwrap_err().message.contains("limit"));
    assert!(r[1].is_ok());
    std::fs::remove_dir_all(&d).ok();
}

fn read_bytes_as(bytes: &[u8], name: &str) -> usize {
    let d = tmpdir(&format!("fuzz-{name}"));
    let p = d.join(name);
    std::fs::write(&p, bytes).unwrap();
    let mut n = 0;
    read_path_all(&p, None, &mut |_| n += 1);
    std::fs::remove_dir_all(&d).ok();
    n
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]
    #[test]
    fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000), text in "([ -~\n]|[#*&;’…é‑Ж中]|&#x?[0-9a-f]{1,3};|<meta charset=|<time datetime=\"|2020-09-0)*") {
        for name in ["x.md", "x.txt", "x.html", "x.jsonl", "x.warc", "x.warc.gz", "x.html.gz"] {
            read_bytes_as(&bytes, name);
            prop_assert!(read_bytes_as(text.as_bytes(), name) >= 1 || text.trim().is_empty() || name.ends_with("jsonl"));
        }
        let mut warc = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 50\r\n\r\nHTTP/1.1 200 OK\r\n\r\n".to_vec();
        warc.extend_from_slice(&bytes);
        read_bytes_as(&warc, "y.warc");
    }
}
