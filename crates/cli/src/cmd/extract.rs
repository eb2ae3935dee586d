//! Article extraction commands: `dateline extract PATH... --format aeb`, `dateline eval
//! extract` (text 4-gram F1 on WCEB articles, dates on htmldate-eval, titles and bylines on
//! Readability's test pages) and `dateline bench extract` (pages per second).
use anyhow::{bail, Context, Result};
use clap::{Parser, ValueEnum};
use ingest::html::Extracted;
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Output shapes of `dateline extract`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Format {
    /// One JSON object `{id: {"articleBody","title","author","date","url"}}` (the
    /// article-extraction-benchmark layout).
    Aeb,
    /// One JSON object per page and line: `{"id", "articleBody", "title", "author", "date", "url", "site", "lang", "date_source"}`.
    Jsonl,
}

/// `dateline extract`
#[derive(Parser)]
struct ExtractArgs {
    /// `.html` / `.html.gz` files, or folders searched recursively for them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "aeb")]
    format: Format,
    /// Worker threads (default: all cores). Output is the same for any value.
    #[arg(long, short = 'j')]
    threads: Option<usize>,
}

/// `dateline eval extract`
#[derive(Parser)]
struct EvalArgs {
    /// Folder holding wceb-articles/, htmldate-eval/ and readability-test-pages/.
    #[arg(default_value = "../shared/data/extraction")]
    dir: PathBuf,
    /// Write the predictions (`wceb.json`, `dates.json`) to this folder, for the Python scorers.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Use the `real_url` of htmldate-eval's ground truth as the page address (as a crawler
    /// would know it); by default pages are dated from their content alone.
    #[arg(long)]
    with_url: bool,
    /// Print up to N worst pages (text F1) on stderr.
    #[arg(long, default_value_t = 0)]
    errors: usize,
}

/// `dateline bench extract`
#[derive(Parser)]
struct BenchArgs {
    /// Folder of `.html` / `.html.gz` pages (searched recursively).
    #[arg(default_value = "../shared/data/extraction/wceb-articles")]
    dir: PathBuf,
    /// Threads (1 measures one core).
    #[arg(long, short = 'j', default_value_t = 1)]
    threads: usize,
    /// Passes over the pages.
    #[arg(long, default_value_t = 1)]
    passes: usize,
}

/// Runs `kind` with its unparsed arguments.
pub fn run(kind: &str, args: Vec<String>) -> Result<ExitCode> {
    // The extractor recovers from panics inside its HTML dependencies (the page falls back
    // to a simpler mode); say so in one line instead of a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("dateline: warning: internal error in the HTML extractor{at} (recovered)");
    }));
    match kind {
        "extract:" => extract(super::parse("extract", args)),
        "eval:extract" => eval(super::parse("eval extract", args)),
        "bench:extract" => bench(super::parse("bench extract", args)),
        _ => bail!("{kind}: not handled by the extract commands"),
    }
}

/// The page id of a file: its name without `.html`/`.htm` (and `.gz`).
fn page_id(p: &Path) -> Option<String> {
    let name = p.file_name()?.to_str()?;
    let n = name.strip_suffix(".gz").unwrap_or(name);
    n.strip_suffix(".html").or_else(|| n.strip_suffix(".htm")).map(str::to_string)
}

fn collect_pages(p: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p).with_context(|| format!("reading {}", p.display()))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for e in entries {
            if e.is_dir() {
                collect_pages(&e, out)?;
            } else if page_id(&e).is_some() {
                out.push(e);
            }
        }
    } else if p.exists() {
        out.push(p.to_path_buf());
    } else {
        bail!("{}: no such file or directory", p.display());
    }
    Ok(())
}

fn extract_file(p: &Path, url: Option<&str>) -> Result<Extracted, ingest::ReadError> {
    let bytes = ingest::read_page(p)?;
    Ok(ingest::extract_page(&bytes, None, url))
}

fn aeb_value(e: &Extracted) -> Value {
    json!({
        "articleBody": e.text,
        "title": e.title,
        "author": e.byline,
        "date": e.published.map(|d| d.to_string()),
        "url": e.url,
    })
}

fn extract(args: ExtractArgs) -> Result<ExitCode> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    let mut files = Vec::new();
    for p in &args.paths {
        collect_pages(p, &mut files)?;
    }
    let results: Vec<_> = files.par_iter().map(|p| (p, extract_file(p, None))).collect();
    let mut failed = 0;
    let mut obj = Map::new();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for (p, r) in results {
        let id = page_id(p).unwrap_or_else(|| p.display().to_string());
        match r {
            Ok(e) => match args.format {
                Format::Aeb => {
                    obj.insert(id, aeb_value(&e));
                }
                Format::Jsonl => {
                    let mut v = aeb_value(&e);
                    v["id"] = json!(id);
                    v["site"] = json!(e.site_name);
                    v["lang"] = json!(e.language);
                    v["date_source"] = json!(e.date_source);
                    serde_json::to_writer(&mut out, &v)?;
                    out.write_all(b"\n")?;
                }
            },
            Err(e) => {
                failed += 1;
                eprintln!("dateline: error: {e}");
            }
        }
    }
    if args.format == Format::Aeb {
        serde_json::to_writer(&mut out, &Value::Object(obj))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    eprintln!("dateline: {} pages, {} failed", files.len() - failed, failed);
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

// ---- the scorers' metrics ------------------------------------------------------------

fn words(t: &str) -> Vec<&str> {
    // Python's `\w+` (Unicode): letters, digits, marks and underscore.
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in t.char_indices() {
        let w = c.is_alphanumeric() || c == '_' || is_mark(c);
        match (w, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&t[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&t[s..]);
    }
    out
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36f | 0x483..=0x489 | 0x591..=0x5bd | 0x610..=0x61a | 0x64b..=0x65f | 0x900..=0x903 | 0x93a..=0x94f | 0xe31 | 0xe34..=0xe3a | 0xe47..=0xe4e)
}

/// Per-page (tp, fp, fn) shares over 4-gram shingles, as score_extraction.py computes them.
fn tpfpfn(truth: &str, pred: &str, n: usize) -> (f64, f64, f64) {
    fn grams<'a>(t: &'a [&'a str], n: usize) -> HashMap<&'a [&'a str], i64> {
        let mut m = HashMap::new();
        let k = if t.len() >= n { t.len() - n + 1 } else { 1 };
        for i in 0..k {
            let g = &t[i..(i + n).min(t.len())];
            if !g.is_empty() {
                *m.entry(g).or_insert(0) += 1;
            }
        }
        m
    }
    let (tt, pt) = (words(truth), words(pred));
    let (a, b) = (grams(&tt, n), grams(&pt, n));
    let mut tp = 0;
    let mut fp = 0;
    for (g, &c) in &b {
        let ac = a.get(g).copied().unwrap_or(0);
        tp += c.min(ac);
        fp += (c - ac).max(0);
    }
    let fneg: i64 = a.iter().map(|(g, &c)| (c - b.get(g).copied().unwrap_or(0)).max(0)).sum();
    let s = (tp + fp + fneg) as f64;
    if s == 0.0 {
        (0.0, 0.0, 0.0)
    } else {
        (tp as f64 / s, fp as f64 / s, fneg as f64 / s)
    }
}

/// Mean precision, mean recall and their harmonic mean over pages.
fn aggregate(rows: &[(f64, f64, f64)]) -> (f64, f64, f64) {
    let prec = |&(tp, fp, fneg): &(f64, f64, f64)| if fp == 0.0 && fneg == 0.0 { 1.0 } else if tp == 0.0 && fp == 0.0 { 0.0 } else { tp / (tp + fp) };
    let rec = |&(tp, fp, fneg): &(f64, f64, f64)| if fp == 0.0 && fneg == 0.0 { 1.0 } else if tp == 0.0 && fneg == 0.0 { 0.0 } else { tp / (tp + fneg) };
    let ps: Vec<f64> = rows.iter().filter(|r| r.0 + r.1 > 0.0).map(prec).collect();
    let rs: Vec<f64> = rows.iter().filter(|r| r.0 + r.2 > 0.0).map(rec).collect();
    let p = ps.iter().sum::<f64>() / ps.len().max(1) as f64;
    let r = rs.iter().sum::<f64>() / rs.len().max(1) as f64;
    (p, r, if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 })
}

fn load_json(p: &Path) -> Result<Map<String, Value>> {
    let s = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
    match serde_json::from_str(&s).with_context(|| format!("parsing {}", p.display()))? {
        Value::Object(m) => Ok(m),
        _ => bail!("{}: not a JSON object", p.display()),
    }
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn eval(args: EvalArgs) -> Result<ExitCode> {
    let mut kv: Vec<String> = Vec::new();
    // 1. Main text on WCEB articles.
    let wceb = args.dir.join("wceb-articles");
    if wceb.join("ground-truth.json").exists() {
        let gt = load_json(&wceb.join("ground-truth.json"))?;
        let ids: Vec<&String> = gt.keys().collect();
        let t = Instant::now();
        let preds: Vec<Option<Extracted>> = ids
            .par_iter()
            .map(|id| {
                let p = wceb.join("html").join(format!("{id}.html.gz"));
                extract_file(&p, None).ok()
            })
            .collect();
        let secs = t.elapsed().as_secs_f64();
        let rows: Vec<(f64, f64, f64)> = ids
            .iter()
            .zip(&preds)
            .map(|(id, e)| tpfpfn(gt[*id]["articleBody"].as_str().unwrap_or(""), e.as_ref().map(|e| e.text.as_str()).unwrap_or(""), 4))
            .collect();
        let (p, r, f) = aggregate(&rows);
        println!("wceb-articles: {} pages, text 4-gram P {p:.3} R {r:.3} F1 {f:.3} ({:.0} pages/s, all cores)", ids.len(), ids.len() as f64 / secs);
        kv.push(format!("text_f1={f:.4} text_p={p:.4} text_r={r:.4}"));
        if args.errors > 0 {
            let mut worst: Vec<(f64, &String)> = rows.iter().zip(&ids).map(|(r, id)| (r.0, *id)).collect();
            worst.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (s, id) in worst.iter().take(args.errors) {
                let (_, fp, fneg) = rows[ids.iter().position(|x| x == id).unwrap_or(0)];
                eprintln!("{id}\ttp_share={s:.3}\tfp={fp:.3}\tfn={fneg:.3}");
            }
        }
        if let Some(out) = &args.out {
            std::fs::create_dir_all(out)?;
            let m: Map<String, Value> = ids.iter().zip(&preds).map(|(id, e)| ((*id).clone(), e.as_ref().map(aeb_value).unwrap_or(json!({"articleBody": ""})))).collect();
            std::fs::write(out.join("wceb.json"), serde_json::to_vec(&Value::Object(m))?)?;
        }
    } else {
        println!("wceb-articles: not found under {}, skipped", args.dir.display());
    }
    // 2. Publication dates on htmldate-eval.
    let hd = args.dir.join("htmldate-eval");
    if hd.join("ground-truth.json").exists() {
        let gt = load_json(&hd.join("ground-truth.json"))?;
        let ids: Vec<&String> = gt.keys().collect();
        let t = Instant::now();
        let preds: Vec<Option<Extracted>> = ids
            .par_iter()
            .map(|id| {
                let url = if args.with_url { gt[*id]["real_url"].as_str() } else { None };
                extract_file(&hd.join("html").join(format!("{id}.html.gz")), url).ok()
            })
            .collect();
        let secs = t.elapsed().as_secs_f64();
        let (mut tp, mut fp, mut fneg, mut tn) = (0, 0, 0, 0);
        let mut by_source: HashMap<&str, (usize, usize)> = HashMap::new();
        for (id, e) in ids.iter().zip(&preds) {
            let truth = gt[*id]["date"].as_str();
            let got = e.as_ref().and_then(|e| e.published.map(|d| d.to_string()));
            let src = e.as_ref().and_then(|e| e.date_source).unwrap_or("none");
            let entry = by_source.entry(src).or_default();
            entry.0 += 1;
            match (&got, truth) {
                (None, None) => tn += 1,
                (None, Some(_)) => fneg += 1,
                (Some(g), Some(t)) if g == t => {
                    tp += 1;
                    entry.1 += 1;
                }
                _ => fp += 1,
            }
        }
        let f1 = 2.0 * tp as f64 / (2 * tp + fp + fneg).max(1) as f64;
        let p = tp as f64 / (tp + fp).max(1) as f64;
        let r = tp as f64 / (tp + fneg).max(1) as f64;
        println!(
            "htmldate-eval: {} pages, dates P {p:.3} R {r:.3} F1 {f1:.3} accuracy {:.3} ({}; {:.0} pages/s, all cores)",
            ids.len(),
            (tp + tn) as f64 / ids.len().max(1) as f64,
            if args.with_url { "with page URLs" } else { "content only" },
            ids.len() as f64 / secs
        );
        let mut srcs: Vec<_> = by_source.into_iter().collect();
        srcs.sort();
        println!("  by source (pages, correct): {}", srcs.iter().map(|(s, (n, c))| format!("{s} {n}/{c}")).collect::<Vec<_>>().join(", "));
        kv.push(format!("date_f1={f1:.4} date_p={p:.4} date_r={r:.4}"));
        if let Some(out) = &args.out {
            std::fs::create_dir_all(out)?;
            let m: Map<String, Value> = ids.iter().zip(&preds).map(|(id, e)| ((*id).clone(), json!(e.as_ref().and_then(|e| e.published.map(|d| d.to_string()))))).collect();
            std::fs::write(out.join("dates.json"), serde_json::to_vec(&Value::Object(m))?)?;
        }
    } else {
        println!("htmldate-eval: not found under {}, skipped", args.dir.display());
    }
    // 3. Titles and bylines on Readability's test pages.
    let rt = args.dir.join("readability-test-pages");
    if rt.is_dir() {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&rt)?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.join("expected-metadata.json").exists()).collect();
        dirs.sort();
        let res: Vec<(Value, Option<Extracted>)> = dirs
            .par_iter()
            .map(|d| {
                let meta: Value = std::fs::read_to_string(d.join("expected-metadata.json")).ok().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(Value::Null);
                (meta, extract_file(&d.join("source.html"), Some("http://fakehost/test/page.html")).ok())
            })
            .collect();
        let (mut title_ok, mut by_ok, mut by_n, mut by_ok_n) = (0, 0, 0, 0);
        for (meta, e) in &res {
            let want_t = meta["title"].as_str().map(norm);
            let got_t = e.as_ref().and_then(|e| e.title.clone()).map(|s| norm(&s));
            if want_t == got_t || (want_t.as_deref() == Some("") && got_t.is_none()) {
                title_ok += 1;
            }
            let want_b = meta["byline"].as_str().map(norm).filter(|s| !s.is_empty());
            let got_b = e.as_ref().and_then(|e| e.byline.clone()).map(|s| norm(&s));
            if want_b == got_b {
                by_ok += 1;
            }
            if want_b.is_some() {
                by_n += 1;
                if want_b == got_b {
                    by_ok_n += 1;
                }
            }
        }
        let n = res.len().max(1) as f64;
        println!(
            "readability-test-pages: {} pages, title exact {:.3}, byline exact {:.3} (all pages, absent = absent), {:.3} ({by_ok_n}/{by_n} pages that have one)",
            res.len(),
            title_ok as f64 / n,
            by_ok as f64 / n,
            by_ok_n as f64 / by_n.max(1) as f64
        );
        kv.push(format!("title_exact={:.4} byline_exact={:.4}", title_ok as f64 / n, by_ok as f64 / n));
    } else {
        println!("readability-test-pages: not found under {}, skipped", args.dir.display());
    }
    println!("{}", kv.join(" "));
    Ok(ExitCode::SUCCESS)
}

fn bench(args: BenchArgs) -> Result<ExitCode> {
    let mut files = Vec::new();
    collect_pages(&args.dir, &mut files)?;
    if files.is_empty() {
        bail!("{}: no .html or .html.gz pages", args.dir.display());
    }
    // Pages are read and decompressed first, so that the rate is the extractor's.
    let pages: Vec<Vec<u8>> = files.iter().filter_map(|p| ingest::read_page(p).ok()).collect();
    let bytes: usize = pages.iter().map(Vec::len).sum();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads.max(1)).build()?;
    let t = Instant::now();
    let mut chars = 0usize;
    for _ in 0..args.passes.max(1) {
        chars += pool.install(|| pages.par_iter().map(|b| ingest::extract_page(b, None, None).text.len()).sum::<usize>());
    }
    let secs = t.elapsed().as_secs_f64();
    let n = pages.len() * args.passes.max(1);
    println!(
        "extract: {n} pages ({:.1} MB of HTML per pass) in {secs:.2} s on {} thread(s): {:.0} pages/s, {:.1} MB/s ({} chars of text)",
        bytes as f64 / 1e6,
        args.threads,
        n as f64 / secs,
        (bytes * args.passes.max(1)) as f64 / 1e6 / secs,
        chars
    );
    println!("pages_per_s={:.1} threads={}", n as f64 / secs, args.threads);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_matches_the_scorer() {
        // Identical texts: all shingles are true positives.
        assert_eq!(tpfpfn("one two three four five", "one two three four five", 4), (1.0, 0.0, 0.0));
        // Half the shingles missing.
        let (tp, fp, fneg) = tpfpfn("a b c d e f", "a b c d", 4);
        assert!((tp - 1.0 / 3.0).abs() < 1e-9 && fp == 0.0 && (fneg - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(words("l'État, 3.5% x_y"), vec!["l", "État", "3", "5", "x_y"]);
        assert_eq!(page_id(Path::new("a/dev-0001.html.gz")).as_deref(), Some("dev-0001"));
    }
}
