//! `dateline eval geo FILE` (GeoWebNews XML) and `dateline bench geo [DIR]`.
//!
//! Toponym recognition is scored as in GeoWebNews (Gritta et al. 2019, "A Pragmatic Guide to
//! Geoparsing Evaluation"): the gold toponyms are the literal types (Literal, Mixed, Coercion,
//! Embedded_Literal, Literal_Modifier) and the associative ones (Metonymic,
//! Non_Literal_Modifier, Embedded_Non_Lit, Demonym, Language); Homonym, Non_Toponym and the
//! Literal/Non_Lit expressions ("the city", "citizens") are not toponyms. A predicted toponym
//! matches a gold one when the spans are equal (strict) or, one-to-one, when they overlap
//! (overlap). Geocoding is scored on the overlap-matched gold toponyms that have coordinates:
//! the share within 161 km (100 miles) and the mean error in km.
use anyhow::{bail, Context, Result};
use clap::Parser;
use model::{Article, Doc, Stage};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Runs `kind` with its unparsed arguments.
pub fn run(kind: &str, args: Vec<String>) -> Result<ExitCode> {
    match kind {
        "eval:geo" => eval(super::parse("eval geo", args)),
        "bench:geo" => bench(super::parse("bench geo", args)),
        _ => bail!("{kind}: unknown"),
    }
}

/// `dateline eval geo FILE`
#[derive(Parser)]
struct EvalArgs {
    /// GeoWebNews XML file (GWN.xml).
    file: PathBuf,
    /// Print false negatives and false positives (strict) and geocoding misses.
    #[arg(long)]
    errors: bool,
}

/// `dateline bench geo [DIR]`
#[derive(Parser)]
struct BenchArgs {
    /// Folder of .txt articles (searched recursively).
    #[arg(default_value = "../shared/data/corpora/bbc")]
    dir: PathBuf,
}

const TOPONYM_TYPES: &[&str] = &[
    "Literal", "Mixed", "Coercion", "Embedded_Literal", "Literal_Modifier", "Metonymic", "Non_Literal_Modifier",
    "Embedded_Non_Lit", "Demonym", "Language",
];

struct Gold {
    start: usize,
    end: usize,
    name: String,
    coords: Option<(f64, f64)>,
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let a = s.find(open)? + open.len();
    let b = s[a..].find(close)? + a;
    Some(&s[a..b])
}

/// Parses GeoWebNews: (text, gold toponyms with byte offsets).
fn read_gwn(xml: &str) -> Result<Vec<(String, Vec<Gold>)>> {
    let mut out = Vec::new();
    for (n, art) in xml.split("<article ").skip(1).enumerate() {
        let raw = between(art, "<text>", "</text>").with_context(|| format!("article {n}: no <text>"))?;
        let text = unescape(raw);
        // GeoWebNews offsets count characters; ours count bytes
        let mut byte_of: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        byte_of.push(text.len());
        let mut gold = Vec::new();
        for t in art.split("<toponym>").skip(1) {
            let field = |tag: &str| between(t, &format!("<{tag}>"), &format!("</{tag}>")).map(unescape);
            let ty = field("type").unwrap_or_default();
            if !TOPONYM_TYPES.contains(&ty.as_str()) {
                continue;
            }
            let s: i64 = field("start").and_then(|v| v.parse().ok()).with_context(|| format!("article {n}: bad start"))?;
            let e: i64 = field("end").and_then(|v| v.parse().ok()).with_context(|| format!("article {n}: bad end"))?;
            // a few annotations carry negative offsets; they cannot be placed in the text
            if s < 0 || e < s {
                continue;
            }
            let (Some(&bs), Some(&be)) = (byte_of.get(s as usize), byte_of.get(e as usize)) else { continue };
            let coords = match (field("latitude").and_then(|v| v.parse().ok()), field("longitude").and_then(|v| v.parse().ok())) {
                (Some(a), Some(b)) => Some((a, b)),
                _ => None,
            };
            gold.push(Gold { start: bs, end: be, name: field("extractedName").unwrap_or_default(), coords });
        }
        out.push((text, gold));
    }
    Ok(out)
}

/// Great-circle distance in km.
fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

fn f1(tp: usize, np: usize, ng: usize) -> (f64, f64, f64) {
    let p = if np == 0 { 0.0 } else { tp as f64 / np as f64 };
    let r = if ng == 0 { 0.0 } else { tp as f64 / ng as f64 };
    let f = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
    (100.0 * p, 100.0 * r, 100.0 * f)
}

fn eval(args: EvalArgs) -> Result<ExitCode> {
    let xml = std::fs::read_to_string(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let docs = read_gwn(&xml).with_context(|| format!("parsing {}", args.file.display()))?;
    let t0 = Instant::now();
    let gaz = geo::Gazetteer::load_default().map_err(anyhow::Error::msg).context("loading gazetteer")?;
    let load_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let nlp = load_nlp();
    let (mut np, mut ng, mut tp_strict, mut tp_overlap) = (0usize, 0usize, 0usize, 0usize);
    let mut errs: Vec<f64> = Vec::new();
    let t1 = Instant::now();
    for (di, (text, gold)) in docs.iter().enumerate() {
        let mut doc = Doc::new(Article { id: format!("gwn-{di}"), text: text.clone(), num_articles: 1, num_sources: 1, ..Default::default() });
        if let Some(nlp) = &nlp {
            nlp.run(&mut doc);
        }
        gaz.run(&mut doc);
        np += doc.places.len();
        ng += gold.len();
        let mut used = vec![false; doc.places.len()];
        for g in gold {
            if let Some(k) = doc.places.iter().position(|p| p.start == g.start && p.end == g.end) {
                tp_strict += 1;
                let _ = k;
            } else if args.errors {
                println!("FN\t{di}\t{}", g.name);
            }
        }
        for g in gold {
            let exact = doc.places.iter().position(|p| p.start == g.start && p.end == g.end);
            let k = exact.filter(|&k| !used[k]).or_else(|| (0..doc.places.len()).find(|&k| !used[k] && doc.places[k].start < g.end && g.start < doc.places[k].end));
            let Some(k) = k else { continue };
            used[k] = true;
            tp_overlap += 1;
            if let Some(c) = g.coords {
                let p = &doc.places[k].place;
                let e = haversine(c, (p.lat, p.lon));
                if args.errors && e > 161.0 {
                    println!("GEO\t{di}\t{}\t{:.0} km\t{} {} {:?} ({:.2},{:.2}) gold ({:.2},{:.2})", g.name, e, p.name, p.feature, p.country, p.lat, p.lon, c.0, c.1);
                }
                errs.push(e);
            }
        }
        if args.errors {
            for p in &doc.places {
                if !gold.iter().any(|g| g.start == p.start && g.end == p.end) {
                    println!("FP\t{di}\t{}\t{} {}", doc.span_text(p.start, p.end), p.place.name, p.place.feature);
                }
            }
        }
    }
    let secs = t1.elapsed().as_secs_f64();
    let (p, r, f) = f1(tp_strict, np, ng);
    let (po, ro, fo) = f1(tp_overlap, np, ng);
    let n = errs.len();
    let acc = if n == 0 { 0.0 } else { 100.0 * errs.iter().filter(|&&e| e <= 161.0).count() as f64 / n as f64 };
    let mean = if n == 0 { 0.0 } else { errs.iter().sum::<f64>() / n as f64 };
    let mut sorted = errs.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let median = sorted.get(n / 2).copied().unwrap_or(0.0);
    println!("GeoWebNews {}: {} articles, {} gold toponyms, {} predicted", args.file.display(), docs.len(), ng, np);
    println!("recognition strict:  P {p:.1}  R {r:.1}  F1 {f:.1}");
    println!("recognition overlap: P {po:.1}  R {ro:.1}  F1 {fo:.1}");
    println!("geocoding ({n} matched gold toponyms with coordinates): acc@161km {acc:.1}%  mean error {mean:.0} km  median {median:.0} km");
    println!("gazetteer load {load_ms:.0} ms; {:.1} articles/s", docs.len() as f64 / secs.max(1e-9));
    println!(
        "p={p:.2} r={r:.2} f1={f:.2} p_overlap={po:.2} r_overlap={ro:.2} f1_overlap={fo:.2} acc161={acc:.2} mean_km={mean:.1} median_km={median:.1} n_geo={n} load_ms={load_ms:.0}"
    );
    Ok(ExitCode::SUCCESS)
}

/// The NLP stage, or `None` with a warning when its models cannot be loaded (the geo stage
/// copes without tokens, tags and entities).
fn load_nlp() -> Option<nlp::Nlp> {
    match nlp::Nlp::load_default() {
        Ok(n) => Some(n),
        Err(e) => {
            eprintln!("dateline: warning: NLP models unavailable ({e}); running the geo stage alone");
            None
        }
    }
}

fn collect_txt(dir: &std::path::Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for e in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let p = e?.path();
        if p.is_dir() {
            collect_txt(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "txt") && p.file_name().is_none_or(|n| n != "README.TXT") {
            out.push(p);
        }
    }
    Ok(())
}

fn bench(args: BenchArgs) -> Result<ExitCode> {
    let mut files = Vec::new();
    collect_txt(&args.dir, &mut files)?;
    files.sort();
    let texts: Vec<String> = files.iter().filter_map(|p| std::fs::read(p).ok()).map(|b| String::from_utf8_lossy(&b).into_owned()).collect();
    let t0 = Instant::now();
    let gaz = geo::Gazetteer::load_default().map_err(anyhow::Error::msg)?;
    let load_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let nlp = load_nlp();
    let mut docs: Vec<Doc> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Doc::new(Article { id: format!("bench-{i}"), text: t.clone(), num_articles: 1, num_sources: 1, ..Default::default() }))
        .collect();
    let t1 = Instant::now();
    if let Some(nlp) = &nlp {
        for d in docs.iter_mut() {
            nlp.run(d);
        }
    }
    let nlp_s = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let mut places = 0usize;
    for d in docs.iter_mut() {
        gaz.run(d);
        places += d.places.len();
    }
    let geo_s = t2.elapsed().as_secs_f64();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    println!("{} articles ({:.1} MB) from {}", docs.len(), bytes as f64 / 1e6, args.dir.display());
    println!("gazetteer load {load_ms:.0} ms; nlp {nlp_s:.2} s; geo {geo_s:.3} s ({:.0} articles/s, {places} places)", docs.len() as f64 / geo_s.max(1e-9));
    println!("articles={} geo_s={geo_s:.3} geo_articles_per_s={:.0} nlp_s={nlp_s:.3} places={places} load_ms={load_ms:.0}", docs.len(), docs.len() as f64 / geo_s.max(1e-9));
    Ok(ExitCode::SUCCESS)
}
