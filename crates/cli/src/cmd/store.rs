//! `dateline ingest`, `query`, `export`, `serve` and `bench store`: the event store's commands.
use crate::driver::{self, InputArgs};
use anyhow::{bail, Context, Result};
use clap::{Args, Parser};
use model::{Article, Date, DatePrecision, Doc, Event, EventActor, Place, Sentence, Span};
use std::cell::RefCell;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use store::export::{self, Format};
use store::query::GroupBy;
use store::{Filter, Store};

/// Runs `kind` with its unparsed arguments.
pub fn run(kind: &str, args: Vec<String>) -> Result<ExitCode> {
    let r = run_kind(kind, args);
    // A closed pipe (`dateline query | head`) is a normal way to stop reading.
    match &r {
        Err(e) if e.chain().any(|c| {
            c.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
                || matches!(c.downcast_ref::<store::Error>(), Some(store::Error::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe)
        }) => Ok(ExitCode::SUCCESS),
        _ => r,
    }
}

fn run_kind(kind: &str, args: Vec<String>) -> Result<ExitCode> {
    match kind {
        "ingest:" => ingest(super::parse("ingest", args)),
        "query:" => query(super::parse("query", args)),
        "export:" => export_cmd(super::parse("export", args)),
        "serve:" => serve(super::parse("serve", args)),
        "bench:store" => bench(super::parse("bench store", args)),
        _ => bail!("{kind}: not a store command"),
    }
}

/// `dateline ingest PATH... [--db dateline.db]`: code articles and store them.
#[derive(Parser)]
struct IngestArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The SQLite store (created if missing).
    #[arg(long, default_value = "dateline.db")]
    db: PathBuf,
    /// Commit after this many articles (a kill loses at most this many, redone on rerun).
    #[arg(long, default_value_t = 64)]
    commit_every: usize,
}

fn ingest(a: IngestArgs) -> Result<ExitCode> {
    let store = Store::open(&a.db).with_context(|| format!("opening {}", a.db.display()))?;
    let before = store.stats()?;
    let known = RefCell::new(store.article_ids()?);
    let started = Instant::now();
    let tty = io::stderr().is_terminal() && !a.input.quiet;
    let mut stored = 0u64;
    let mut events = 0u64;
    let mut pending = 0usize;
    let mut last_commit = Instant::now();
    let mut last_report = Instant::now();
    // Into an empty store: indexes and full-text entries are built once at the end.
    store.begin_bulk()?;
    store.begin()?;
    let emit = |doc: &Doc| -> io::Result<()> {
        let sql = |e: store::Error| io::Error::other(format!("{}: {e}", a.db.display()));
        if !known.borrow_mut().insert(doc.article.id.clone()) {
            return Ok(()); // the same article twice in this run's input
        }
        if store.insert_doc(doc).map_err(sql)? {
            stored += 1;
            events += doc.events.len() as u64;
        }
        pending += 1;
        if pending >= a.commit_every.max(1) || last_commit.elapsed() > Duration::from_secs(2) {
            store.commit().map_err(sql)?;
            store.begin().map_err(sql)?;
            pending = 0;
            last_commit = Instant::now();
        }
        let report_every = if tty { Duration::from_millis(200) } else { Duration::from_secs(10) };
        if !a.input.quiet && last_report.elapsed() > report_every {
            last_report = Instant::now();
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            let line = format!("ingest: {stored} articles, {events} events, {:.0} articles/s", stored as f64 / secs);
            if tty {
                eprint!("\r\x1b[2K{line}");
            } else {
                eprintln!("dateline: {line}");
            }
        }
        Ok(())
    };
    let skip = |art: &Article| known.borrow().contains(&art.id);
    let code = driver::run_docs(&a.input, &skip, emit);
    store.commit()?;
    store.finish_bulk()?;
    if tty {
        eprintln!();
    }
    let code = code?;
    let after = store.stats()?;
    if !a.input.quiet {
        eprintln!(
            "dateline: ingest: {stored} articles stored ({events} events), {} already stored before; store now {} articles, {} events ({:.1} s) in {}",
            before.articles,
            after.articles,
            after.events,
            started.elapsed().as_secs_f64(),
            a.db.display()
        );
    }
    Ok(code)
}

/// Event filters (each optional; `*` at the end of a code matches a prefix).
#[derive(Args, Clone, Default)]
struct FilterArgs {
    /// Source or target actor code (`RUSGOV`, `RUS*`).
    #[arg(long)]
    actor: Option<String>,
    /// Source actor code.
    #[arg(long)]
    source: Option<String>,
    /// Target actor code.
    #[arg(long)]
    target: Option<String>,
    /// Dyad SOURCE,TARGET.
    #[arg(long)]
    dyad: Option<String>,
    /// With --dyad: both directions.
    #[arg(long)]
    undirected: bool,
    /// CAMEO event code (`0431`, `04*`).
    #[arg(long)]
    code: Option<String>,
    /// CAMEO root (`04`).
    #[arg(long)]
    root: Option<String>,
    /// QuadClass 1-4.
    #[arg(long)]
    quad: Option<u8>,
    /// Minimum Goldstein value.
    #[arg(long, allow_hyphen_values = true)]
    gmin: Option<f64>,
    /// Maximum Goldstein value.
    #[arg(long, allow_hyphen_values = true)]
    gmax: Option<f64>,
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    from: Option<String>,
    /// Last day, YYYY-MM-DD.
    #[arg(long)]
    to: Option<String>,
    /// Country of the event place (ISO alpha-2).
    #[arg(long)]
    country: Option<String>,
    /// Place name.
    #[arg(long)]
    place: Option<String>,
    /// LAT,LON,KM: events within KM of a point.
    #[arg(long, allow_hyphen_values = true)]
    near: Option<String>,
    /// Full-text search over the articles.
    #[arg(long, short = 't')]
    text: Option<String>,
    /// One article's events (its id).
    #[arg(long)]
    article: Option<String>,
}

impl FilterArgs {
    fn filter(&self) -> Filter {
        Filter {
            actor: self.actor.clone(),
            source: self.source.clone(),
            target: self.target.clone(),
            dyad: self.dyad.clone(),
            undirected: Some(self.undirected),
            code: self.code.clone(),
            root: self.root.clone(),
            quad: self.quad,
            gmin: self.gmin,
            gmax: self.gmax,
            from: self.from.clone(),
            to: self.to.clone(),
            country: self.country.clone(),
            place: self.place.clone(),
            near: self.near.clone(),
            q: self.text.clone(),
            article: self.article.clone(),
        }
    }
}

/// `dateline query [FILTERS] [--count-by day,code]`.
#[derive(Parser)]
struct QueryArgs {
    /// The SQLite store.
    #[arg(long, default_value = "dateline.db")]
    db: PathBuf,
    #[command(flatten)]
    filter: FilterArgs,
    /// Print counts grouped by up to 3 of: day, week, month, year, code, root, quad, source, target, country.
    #[arg(long, value_name = "KEYS")]
    count_by: Option<String>,
    /// Rows to print (default: 50 events, or 10000 count groups).
    #[arg(long)]
    limit: Option<u32>,
    /// Rows to skip.
    #[arg(long, default_value_t = 0)]
    offset: u32,
    /// Output: table or jsonl (default: table on a terminal, else jsonl).
    #[arg(long)]
    format: Option<String>,
}

fn trunc(s: &str, n: usize) -> String {
    let s = s.replace(['\n', '\r', '\t'], " ");
    if s.chars().count() <= n {
        s
    } else {
        s.chars().take(n.saturating_sub(1)).collect::<String>() + "…"
    }
}

fn query(a: QueryArgs) -> Result<ExitCode> {
    let store = Store::open_readonly(&a.db)?;
    let f = a.filter.filter();
    let table = match a.format.as_deref() {
        None => io::stdout().is_terminal(),
        Some("table") => true,
        Some("jsonl") => false,
        Some(o) => bail!("unknown --format '{o}' (expected table or jsonl)"),
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    if let Some(keys) = &a.count_by {
        let by: Vec<GroupBy> = keys.split(',').map(GroupBy::parse).collect::<store::Result<_>>()?;
        let names: Vec<&str> = keys.split(',').map(str::trim).collect();
        let rows = store.counts(&f, &by, a.limit.unwrap_or(10_000))?;
        for r in rows {
            if table {
                writeln!(out, "{}\t{}\t{:.2}", r.keys.join("\t"), r.count, r.goldstein)?;
            } else {
                let mut m = serde_json::Map::new();
                for (n, k) in names.iter().zip(&r.keys) {
                    m.insert(n.to_string(), k.clone().into());
                }
                m.insert("count".into(), r.count.into());
                m.insert("goldstein".into(), serde_json::json!((r.goldstein * 100.0).round() / 100.0));
                writeln!(out, "{}", serde_json::Value::Object(m))?;
            }
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let page = store.events(&f, a.limit.unwrap_or(50), a.offset)?;
    if table {
        writeln!(out, "{:>8}  {:<10}  {:<10}  {:<5}  {:<10}  {:>5}  {:<14}  evidence", "id", "day", "source", "code", "target", "gold", "place")?;
    }
    let mut cache: Option<(i64, Doc)> = None;
    for se in &page {
        if table {
            let e = &se.event;
            let code = |x: &Option<EventActor>| x.as_ref().map_or("-".to_string(), |a| a.code.to_string());
            writeln!(
                out,
                "{:>8}  {:<10}  {:<10}  {:<5}  {:<10}  {:>5.1}  {:<14}  {}",
                se.id,
                se.day.as_deref().unwrap_or("-"),
                trunc(&code(&e.source), 10),
                e.code,
                trunc(&code(&e.target), 10),
                e.goldstein,
                trunc(e.place.as_ref().map_or("", |p| p.name.as_str()), 14),
                trunc(&se.evidence_text, 80)
            )?;
        } else {
            if cache.as_ref().map(|c| c.0) != Some(se.article_rowid) {
                let (art, _) = store.article_by_rowid(se.article_rowid)?.context("article vanished")?;
                cache = Some((se.article_rowid, Doc::new(art)));
            }
            let doc = &cache.as_ref().expect("set above").1;
            let mut v = serde_json::Map::new();
            v.insert("id".into(), se.id.into());
            if let serde_json::Value::Object(m) = store::wire::event_line(doc, &se.event) {
                v.extend(m);
            }
            writeln!(out, "{}", serde_json::Value::Object(v))?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `dateline export --format gdelt|jsonl|csv|parquet [FILTERS] [-o FILE]`.
#[derive(Parser)]
struct ExportArgs {
    /// The SQLite store.
    #[arg(long, default_value = "dateline.db")]
    db: PathBuf,
    /// gdelt (61 tab-separated columns), jsonl, csv or parquet.
    #[arg(long, default_value = "jsonl")]
    format: String,
    /// Output file (default: standard output).
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    #[command(flatten)]
    filter: FilterArgs,
}

fn export_cmd(a: ExportArgs) -> Result<ExitCode> {
    let format = Format::parse(&a.format)?;
    let store = Store::open_readonly(&a.db)?;
    let f = a.filter.filter();
    let n = match &a.output {
        Some(p) => {
            let file = std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?;
            export::export(&store, &f, format, file)?
        }
        None => {
            if format == Format::Parquet && io::stdout().is_terminal() {
                bail!("refusing to write Parquet to a terminal; use -o FILE");
            }
            export::export(&store, &f, format, io::stdout().lock())?
        }
    };
    eprintln!("dateline: exported {n} events as {}", a.format);
    Ok(ExitCode::SUCCESS)
}

/// `dateline serve [--db dateline.db] [--addr 127.0.0.1:8080]`.
#[derive(Parser)]
struct ServeArgs {
    /// The SQLite store (opened read-only).
    #[arg(long, default_value = "dateline.db")]
    db: PathBuf,
    /// Address to listen on. Loopback by default; anything else exposes the data.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Per-query time limit in milliseconds.
    #[arg(long, default_value_t = 2000)]
    timeout_ms: u64,
    /// Database worker threads (queries running at once); default: 2 per core.
    #[arg(long)]
    workers: Option<usize>,
}

fn serve(a: ServeArgs) -> Result<ExitCode> {
    let mut cfg = server::Config::new(a.db.clone());
    cfg.addr = a.addr;
    cfg.query_timeout = Duration::from_millis(a.timeout_ms.max(1));
    if let Some(w) = a.workers {
        cfg.max_concurrent = w.clamp(1, 256);
    }
    let stats = server::check_db(&cfg)?;
    if !a.addr.ip().is_loopback() {
        eprintln!("dateline: warning: listening on {} — reachable from other machines", a.addr);
    }
    eprintln!("dateline: serving {} ({} articles, {} events) at http://{}/", a.db.display(), stats.articles, stats.events, a.addr);
    server::run(cfg).with_context(|| format!("serving on {}", a.addr))?;
    Ok(ExitCode::SUCCESS)
}

/// `dateline bench store`: synthetic events, bulk insert, query latency, API load.
#[derive(Parser)]
struct BenchArgs {
    /// Number of synthetic events.
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// Events per synthetic article.
    #[arg(long, default_value_t = 10)]
    per_article: usize,
    /// Store file to build (deleted first). Default: a file in the temp directory.
    #[arg(long)]
    db: Option<PathBuf>,
    /// Concurrent API clients.
    #[arg(long, default_value_t = 50)]
    clients: usize,
    /// Seconds of API load.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Keep the store file afterwards.
    #[arg(long)]
    keep: bool,
    /// Articles per insert transaction.
    #[arg(long, default_value_t = 5000)]
    batch: usize,
    /// Reuse the store at --db as it is (skip the insert benchmark).
    #[arg(long, requires = "db")]
    reuse: bool,
    /// Server database workers (default: as `dateline serve`).
    #[arg(long)]
    workers: Option<usize>,
}

/// A small deterministic PRNG (splitmix64) so that the synthetic store is reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const COUNTRIES: &[&str] = &[
    "USA", "RUS", "CHN", "SYR", "IRN", "ISR", "PSE", "UKR", "TUR", "IRQ", "AFG", "PAK", "IND", "GBR", "FRA", "DEU", "JPN",
    "PRK", "KOR", "EGY", "SAU", "YEM", "LBY", "NGA", "ETH", "SDN", "SOM", "KEN", "ZAF", "BRA", "MEX", "VEN", "COL", "CUB",
    "CAN", "AUS", "IDN", "PHL", "MMR", "THA",
];
const AGENTS: &[&str] = &["", "GOV", "MIL", "OPP", "REB", "BUS", "MED", "CVL", "JUD", "LEG"];
const CODES: &[(&str, &str, u8, f32)] = &[
    ("010", "01", 1, 0.0), ("020", "02", 1, 3.0), ("036", "03", 1, 4.0), ("040", "04", 1, 1.0), ("042", "04", 1, 1.9),
    ("043", "04", 1, 2.8), ("051", "05", 1, 3.4), ("057", "05", 1, 8.0), ("061", "06", 2, 6.4), ("070", "07", 2, 7.0),
    ("080", "08", 2, 5.0), ("090", "09", 3, -2.0), ("111", "11", 3, -2.0), ("112", "11", 3, -2.0), ("120", "12", 3, -4.0),
    ("130", "13", 3, -4.4), ("141", "14", 3, -6.5), ("163", "16", 3, -5.6), ("173", "17", 4, -5.0), ("180", "18", 4, -9.0),
    ("190", "19", 4, -10.0), ("193", "19", 4, -10.0), ("200", "20", 4, -10.0),
];

fn synthetic_doc(rng: &mut Rng, i: usize, n_events: usize) -> Doc {
    let day = Date::new(2015, 1, 1).expect("valid").add_days(rng.below(3650) as i64);
    let text = format!(
        "Synthetic story number {i} for the store benchmark. Officials from two countries met and talked about trade, security and the border. A spokesperson said more talks would follow."
    );
    let mut doc = Doc::new(Article {
        id: format!("bench-{i:08}"),
        url: Some(format!("https://example.invalid/{i}")),
        title: Some(format!("Synthetic story {i}")),
        published: Some(day),
        text,
        origin: "bench".into(),
        num_articles: 1,
        num_sources: 1,
        ..Default::default()
    });
    doc.sentences.push(Sentence { start: 0, end: 52, token_start: 0, token_end: 0 });
    for _ in 0..n_events {
        let mk = |rng: &mut Rng| {
            let c = COUNTRIES[rng.below(COUNTRIES.len())];
            let ag = AGENTS[rng.below(AGENTS.len())];
            EventActor {
                code: format!("{c}{ag}").into(),
                country: Some(c.into()),
                agent: (!ag.is_empty()).then(|| ag.into()),
                name: None,
                start: 54,
                end: 63,
            }
        };
        let (code, root, quad, gold) = CODES[rng.below(CODES.len())];
        let d = day.add_days(-(rng.below(3) as i64));
        doc.events.push(Event {
            sentence: 0,
            evidence: Span::new(0, 52),
            predicate: Span::new(93, 96),
            source: Some(mk(rng)),
            target: Some(mk(rng)),
            code: code.into(),
            root: root.into(),
            quad_class: quad,
            goldstein: gold,
            date: Some(d.to_string().into()),
            date_precision: Some(DatePrecision::Day),
            place: Some(Place {
                name: format!("Place {}", rng.below(500)),
                country: Some("XX".into()),
                lat: (rng.below(1200) as f64) / 10.0 - 50.0,
                lon: (rng.below(3400) as f64) / 10.0 - 170.0,
                feature: "city".into(),
                ..Default::default()
            }),
            rule: "bench".into(),
            ..Default::default()
        });
    }
    doc
}

/// CPU seconds (user + system) this process has used, from /proc (Linux); 0 elsewhere.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')').map_or("", |x| x.1);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0 // utime, stime in clock ticks (USER_HZ = 100)
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        0.0
    } else {
        v[((v.len() as f64 * p) as usize).min(v.len() - 1)]
    }
}

fn bench(a: BenchArgs) -> Result<ExitCode> {
    let path = a.db.clone().unwrap_or_else(|| std::env::temp_dir().join(format!("dateline-bench-{}.db", std::process::id())));
    let per = a.per_article.max(1);
    let mut insert_eps = f64::NAN;
    if !a.reuse {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    let n_articles = a.events.div_ceil(per);
    // 1. Bulk insert through the same code path as `dateline ingest` (articles + FTS + events).
    let store = Store::open(&path)?;
    let mut rng = Rng(42);
    let t = Instant::now();
    let cpu0 = cpu_seconds();
    let mut gen_time = Duration::ZERO;
    let mut done = 0usize;
    store.begin_bulk()?;
    for chunk in (0..n_articles).collect::<Vec<_>>().chunks(a.batch.max(1)) {
        let tg = Instant::now();
        let docs: Vec<Doc> = chunk.iter().map(|&i| synthetic_doc(&mut rng, i, per.min(a.events - i * per))).collect();
        gen_time += tg.elapsed();
        store.begin()?;
        for d in &docs {
            store.insert_doc(d)?;
            done += d.events.len();
        }
        store.commit()?;
    }
    let tf = Instant::now();
    store.finish_bulk()?;
    let finish_s = tf.elapsed().as_secs_f64();
    let insert_s = (t.elapsed() - gen_time).as_secs_f64();
    let insert_cpu = (cpu_seconds() - cpu0 - gen_time.as_secs_f64()).max(1e-9);
    let stats = store.stats()?;
    println!(
        "bulk insert: {} events in {} articles, {:.2} s wall ({:.0} events/s; of which {:.2} s building indexes and full-text), {:.2} CPU-s ({:.0} events per CPU-second), excluding {:.2} s generating them",
        stats.events, stats.articles, insert_s, done as f64 / insert_s, finish_s, insert_cpu, done as f64 / insert_cpu, gen_time.as_secs_f64()
    );
    // Queried as ingest leaves a store (no ANALYZE statistics).
    store.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    insert_eps = done as f64 / insert_s;
    }
    // 2. Actor + date-range queries, first page of 50, on a read-only connection.
    let ro = Store::open_readonly(&path)?;
    let mut qrng = Rng(7);
    let mut lat = Vec::new();
    let mut lat_either = Vec::new();
    let mut lat_target = Vec::new();
    let mut queries = Vec::new();
    for _ in 0..200 {
        let c = COUNTRIES[qrng.below(COUNTRIES.len())];
        let ag = AGENTS[1 + qrng.below(AGENTS.len() - 1)];
        let from = Date::new(2015, 1, 1).expect("valid").add_days(qrng.below(3000) as i64);
        let to = from.add_days(365);
        queries.push((format!("{c}{ag}"), from.to_string(), to.to_string()));
    }
    let mut rows = 0usize;
    for (code, from, to) in &queries {
        let f = Filter { source: Some(code.clone()), from: Some(from.clone()), to: Some(to.clone()), ..Default::default() };
        let t = Instant::now();
        rows += ro.events(&f, 50, 0)?.len();
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        let f = Filter { target: Some(code.clone()), from: Some(from.clone()), to: Some(to.clone()), ..Default::default() };
        let t = Instant::now();
        ro.events(&f, 50, 0)?;
        lat_target.push(t.elapsed().as_secs_f64() * 1000.0);
        let f = Filter { actor: Some(code.clone()), from: Some(from.clone()), to: Some(to.clone()), ..Default::default() };
        let t = Instant::now();
        ro.events(&f, 50, 0)?;
        lat_either.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "query source actor + 1-year date range, first page of 50 ({} queries, {:.1} rows avg): median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        queries.len(), rows as f64 / queries.len() as f64, pct(&mut lat, 0.5), pct(&mut lat, 0.95), pct(&mut lat, 1.0)
    );
    println!(
        "query target actor + 1-year date range, first page of 50: median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        pct(&mut lat_target, 0.5), pct(&mut lat_target, 0.95), pct(&mut lat_target, 1.0)
    );
    println!(
        "query either actor + 1-year date range, first page of 50: median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        pct(&mut lat_either, 0.5), pct(&mut lat_either, 0.95), pct(&mut lat_either, 1.0)
    );
    // 3. The same query through the HTTP API under concurrent load (loopback only).
    let mut cfg = server::Config::new(path.clone());
    cfg.addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    if let Some(w) = a.workers {
        cfg.max_concurrent = w.clamp(1, 256);
    }
    let workers = cfg.max_concurrent;
    let srv = server::spawn(cfg)?;
    let paths: Vec<String> = queries.iter().map(|(c, f, t)| format!("/api/events?source={c}&from={f}&to={t}&limit=50")).collect();
    let r = server::loadgen::run(srv.addr, &paths, a.clients, Duration::from_secs(a.seconds), 1_000_000)?;
    println!(
        "API /api/events (source + date range, 50 rows), {} clients for {:.1} s, {workers} database workers: {} requests ({:.0}/s), {} errors, p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        a.clients, r.seconds, r.requests, r.requests as f64 / r.seconds, r.errors, r.p50, r.p90, r.p99, r.max
    );
    srv.stop();
    if a.keep || a.reuse {
        println!("store kept at {}", path.display());
    } else {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
    }
    println!(
        "store_insert_eps={:.0} query_p95_ms={:.2} query_max_ms={:.2} api_p99_ms={:.1} api_rps={:.0} api_errors={}",
        insert_eps,
        pct(&mut lat, 0.95).max(pct(&mut lat_target, 0.95)).max(pct(&mut lat_either, 0.95)),
        pct(&mut lat, 1.0).max(pct(&mut lat_target, 1.0)).max(pct(&mut lat_either, 1.0)),
        r.p99,
        r.requests as f64 / r.seconds,
        r.errors
    );
    Ok(ExitCode::SUCCESS)
}
