//! Development helper: extracts every page of an extraction data set folder and writes
//! `{id: {"articleBody","title","author","date","url"}}` (and `{id: date}` with `--dates`)
//! for the Python scorers. Usage: `predict DIR OUT.json [--dates] [--with-url]`.
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (dir, out) = (std::path::PathBuf::from(&args[1]), &args[2]);
    let dates = args.iter().any(|a| a == "--dates");
    let with_url = args.iter().any(|a| a == "--with-url");
    let gt: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json")).unwrap()).unwrap();
    let t = std::time::Instant::now();
    let mut m = serde_json::Map::new();
    for (id, g) in &gt {
        let p = dir.join("html").join(format!("{id}.html.gz"));
        let url = if with_url { g["real_url"].as_str() } else { None };
        let e = ingest::read_page(&p).map(|b| ingest::extract_page(&b, None, url)).unwrap_or_default();
        let v = if dates {
            serde_json::json!(e.published.map(|d| d.to_string()))
        } else {
            serde_json::json!({"articleBody": e.text, "title": e.title, "author": e.byline,
                "date": e.published.map(|d| d.to_string()), "url": e.url, "date_source": e.date_source})
        };
        m.insert(id.clone(), v);
    }
    eprintln!("{} pages in {:.2} s ({:.0} pages/s, one thread)", gt.len(), t.elapsed().as_secs_f64(), gt.len() as f64 / t.elapsed().as_secs_f64());
    std::fs::File::create(out).unwrap().write_all(serde_json::to_string(&serde_json::Value::Object(m)).unwrap().as_bytes()).unwrap();
}
