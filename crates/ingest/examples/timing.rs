//! Development helper: times the stages of HTML extraction over a folder of pages.
fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap()).join("html");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    let pages: Vec<String> = paths.iter().map(|p| ingest::encoding::decode_html(&ingest::read_page(p).unwrap(), None, None).0).collect();
    let t = std::time::Instant::now();
    for p in &pages { std::hint::black_box(ingest::htmlmeta::page_meta(p)); }
    eprintln!("page_meta {:.2}s", t.elapsed().as_secs_f64());
    for mode in [dom_smoothie::TextMode::Raw, dom_smoothie::TextMode::Formatted] {
        let t = std::time::Instant::now();
        for p in &pages {
            let cfg = dom_smoothie::Config { text_mode: mode, ..Default::default() };
            let _ = std::panic::catch_unwind(|| dom_smoothie::Readability::new(p.as_str(), None, Some(cfg)).ok().and_then(|mut r| r.parse().ok()).map(|a| a.text_content.len()));
        }
        eprintln!("dom_smoothie {mode:?} {:.2}s", t.elapsed().as_secs_f64());
    }
    let t = std::time::Instant::now();
    for p in &pages { std::hint::black_box(ingest::html::extract(p, None)); }
    eprintln!("full extract {:.2}s", t.elapsed().as_secs_f64());
    let t = std::time::Instant::now();
    for p in &pages { std::hint::black_box(dom_query::Document::from(p.as_str())); }
    eprintln!("parse only {:.2}s", t.elapsed().as_secs_f64());
}
