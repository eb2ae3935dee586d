//! Subcommands of the event coder: `eval petrarch` (PETRARCH validation suites),
//! `bench coder` (speed and dictionary load time) and `explain` (why each event was coded).
use anyhow::{bail, Context, Result};
use clap::Parser;
use model::{Doc, Stage};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Runs `kind` with its unparsed arguments.
pub fn run(kind: &str, args: Vec<String>) -> Result<ExitCode> {
    match kind {
        "eval:petrarch" => eval(super::parse("eval petrarch", args)),
        "bench:coder" => bench(super::parse("bench coder", args)),
        "explain:" => explain(super::parse("explain", args)),
        _ => bail!("{kind}: not available"),
    }
}

/// `dateline eval petrarch SUITE.jsonl --petrarch-config INI`
#[derive(Parser)]
struct EvalArgs {
    /// Suite in JSON Lines: {id, text, date, category, expected: [[src, tgt, code]], noevents, parse?}.
    suite: PathBuf,
    /// PETRARCH config file naming the dictionaries (paths relative to it); built-in
    /// dictionaries when absent.
    #[arg(long)]
    petrarch_config: Option<PathBuf>,
    /// Development only: code the record's gold CoNLL-U parse instead of raw text.
    #[arg(long)]
    gold_parse: bool,
    /// Print every record that is not an exact match.
    #[arg(long, short)]
    verbose: bool,
    /// Print the coder's trace for the record with this id.
    #[arg(long)]
    explain: Option<String>,
}

fn eval(a: EvalArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&a.suite).with_context(|| format!("reading {}", a.suite.display()))?;
    let t0 = Instant::now();
    let pipeline = pipeline::Pipeline::standard(a.petrarch_config.as_deref()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let gold = if a.gold_parse {
        let ini = a.petrarch_config.as_deref().context("--gold-parse needs --petrarch-config")?;
        Some(coder::load_petrarch_config(ini).map_err(|e| anyhow::anyhow!(e))?)
    } else {
        None
    };
    eprintln!("loaded in {:.0} ms", t0.elapsed().as_secs_f64() * 1e3);
    let mut per_cat: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut n, mut exact, mut bad, mut crashed) = (0usize, 0usize, 0usize, 0usize);
    for (ln, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r = match coder::suite::Record::parse(line) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{}:{}: {e}", a.suite.display(), ln + 1);
                bad += 1;
                continue;
            }
        };
        let id = r.id.clone();
        let article = r.article(format!("{}:{}", a.suite.display(), ln + 1));
        let doc = match &gold {
            Some(cfg) => {
                let mut d = coder::suite::doc_from_conllu(article, r.conllu.as_deref().unwrap_or(""));
                cfg.actors.run(&mut d);
                cfg.coder.run(&mut d);
                d
            }
            None => {
                // a panic in any stage is a bug: count it, report it, and go on
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pipeline.analyze(article))) {
                    Ok(d) => d,
                    Err(_) => {
                        eprintln!("{}:{}: record {id}: the pipeline panicked", a.suite.display(), ln + 1);
                        crashed += 1;
                        n += 1;
                        per_cat.entry(r.category.clone()).or_default().0 += 1;
                        continue;
                    }
                }
            }
        };
        if a.explain.as_deref() == Some(id.as_str()) {
            let c = match &gold {
                Some(cfg) => &cfg.coder,
                None => &explain_coder(a.petrarch_config.as_deref())?,
            };
            let mut d2 = doc.clone();
            for l in c.explain(&mut d2) {
                println!("{l}");
            }
        }
        let got = coder::suite::triples(&doc);
        let want = &r.expected;
        let ok = got == *want;
        n += 1;
        exact += ok as usize;
        let c = per_cat.entry(r.category.clone()).or_default();
        c.0 += 1;
        c.1 += ok as usize;
        if a.verbose && !ok {
            println!("MISS {id} [{}]: {}\n  want {:?}\n  got  {:?}", r.category, r.text, want, got);
        }
    }
    println!("{:<10} {:>7} {:>7} {:>7}", "category", "records", "exact", "%");
    for (cat, (k, e)) in &per_cat {
        println!("{:<10} {:>7} {:>7} {:>6.1}%", cat, k, e, 100.0 * *e as f64 / (*k).max(1) as f64);
    }
    let mode = if a.gold_parse { "gold-parse" } else { "raw-text" };
    println!("suite={} mode={mode} records={n} exact={exact} accuracy={:.4} unreadable={bad} crashed={crashed}", a.suite.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(), exact as f64 / n.max(1) as f64);
    Ok(ExitCode::SUCCESS)
}

fn explain_coder(ini: Option<&Path>) -> Result<coder::Coder> {
    Ok(match ini {
        Some(ini) => coder::load_petrarch_config(ini).map_err(|e| anyhow::anyhow!(e))?.coder,
        None => coder::Coder::builtin().map_err(|e| anyhow::anyhow!(e))?,
    })
}

/// `dateline bench coder [--corpus DIR] [--petrarch-config INI]`
#[derive(Parser)]
struct BenchArgs {
    /// Folder of plain-text articles (default ../shared/data/corpora/bbc).
    #[arg(long, default_value = "../shared/data/corpora/bbc")]
    corpus: PathBuf,
    /// PETRARCH config whose load time is measured (default ../shared/data/petrarch/phoenix.ini).
    #[arg(long, default_value = "../shared/data/petrarch/phoenix.ini")]
    petrarch_config: PathBuf,
    /// Maximum number of articles.
    #[arg(long, default_value_t = 2225)]
    limit: usize,
}

fn bench(a: BenchArgs) -> Result<ExitCode> {
    // dictionary load times
    let t = Instant::now();
    let _builtin = coder::Coder::builtin().map_err(|e| anyhow::anyhow!(e))?;
    let builtin_ms = t.elapsed().as_secs_f64() * 1e3;
    let mut phoenix_ms = f64::NAN;
    let mut phoenix_verbs_ms = f64::NAN;
    if a.petrarch_config.exists() {
        let t = Instant::now();
        let cfg = coder::load_petrarch_config(&a.petrarch_config).map_err(|e| anyhow::anyhow!(e))?;
        phoenix_ms = t.elapsed().as_secs_f64() * 1e3;
        let d = cfg.coder.dict();
        println!("phoenix: {} verb forms, {} patterns, {} blocks, {} warnings, loaded in {:.0} ms (verbs+actors+agents+discards+issues)", d.forms.len(), d.n_patterns, d.blocks.len(), cfg.warnings.len(), phoenix_ms);
        let files = coder::petr::parse_ini(&a.petrarch_config, &std::fs::read_to_string(&a.petrarch_config)?).map_err(|e| anyhow::anyhow!(e))?;
        if let Some(v) = files.verbs {
            let text = std::fs::read_to_string(&v)?;
            let t = Instant::now();
            let _ = coder::Coder::from_petrarch_text("verbs", &text);
            phoenix_verbs_ms = t.elapsed().as_secs_f64() * 1e3;
        }
    }
    // articles
    let mut articles = Vec::new();
    if a.corpus.exists() {
        ingest::read_path(&a.corpus, Some(ingest::InputFormat::Text), &mut |r| {
            if let Ok(art) = r {
                articles.push(art);
            }
        });
    } else {
        eprintln!("corpus {} not found: speed figures skipped", a.corpus.display());
    }
    articles.truncate(a.limit);
    let pipeline = pipeline::Pipeline::standard(None).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (t, cpu0) = (Instant::now(), super::nlp_parse::thread_cpu_s());
    let mut docs: Vec<Doc> = articles.into_iter().map(|art| pipeline.analyze(art)).collect();
    let raw_s = t.elapsed().as_secs_f64();
    let raw_cpu_s = super::nlp_parse::thread_cpu_s() - cpu0;
    let sentences: usize = docs.iter().map(|d| d.sentences.len()).sum();
    let events: usize = docs.iter().map(|d| d.events.len()).sum();
    let parsed = docs.iter().flat_map(|d| d.tokens.iter()).filter(|t| t.head >= 0).count();
    // coding alone, on the already analysed documents
    let coder = coder::Coder::builtin().map_err(|e| anyhow::anyhow!(e))?;
    let reps = 3;
    let t = Instant::now();
    for _ in 0..reps {
        for d in docs.iter_mut() {
            d.events.clear();
            coder.run(d);
        }
    }
    let code_s = t.elapsed().as_secs_f64() / reps as f64;
    println!("corpus: {} articles, {} sentences, {} events (built-in dictionaries), {} tokens with a head", docs.len(), sentences, events, parsed);
    println!("raw text -> events (one thread): {:.0} sentences/s ({:.0} per CPU second of the thread)", sentences as f64 / raw_s.max(1e-9), sentences as f64 / raw_cpu_s.max(1e-9));
    println!("coding alone (one thread): {:.0} sentences/s", sentences as f64 / code_s.max(1e-9));
    println!(
        "builtin_load_ms={:.1} phoenix_load_ms={:.0} phoenix_verbs_load_ms={:.0} raw_sentences_per_s={:.0} raw_sentences_per_cpu_s={:.0} coding_sentences_per_s={:.0} sentences={sentences} events={events}",
        builtin_ms,
        phoenix_ms,
        phoenix_verbs_ms,
        sentences as f64 / raw_s.max(1e-9),
        sentences as f64 / raw_cpu_s.max(1e-9),
        sentences as f64 / code_s.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}

/// `dateline explain [PATH|-]`
#[derive(Parser)]
struct ExplainArgs {
    /// Articles to explain (`-` for standard input).
    #[arg(default_value = "-")]
    paths: Vec<PathBuf>,
    /// PETRARCH config file to code with instead of the built-in dictionaries.
    #[arg(long)]
    petrarch_config: Option<PathBuf>,
    /// Input format (md, txt, html, jsonl, warc) when the name does not tell.
    #[arg(long)]
    input_format: Option<String>,
}

fn explain(a: ExplainArgs) -> Result<ExitCode> {
    let pipeline = pipeline::Pipeline::standard(a.petrarch_config.as_deref()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let coder = match &a.petrarch_config {
        Some(ini) => coder::load_petrarch_config(ini).map_err(|e| anyhow::anyhow!(e))?.coder,
        None => coder::Coder::builtin().map_err(|e| anyhow::anyhow!(e))?,
    };
    let fmt = match &a.input_format {
        Some(f) => Some(ingest::InputFormat::parse(f).with_context(|| format!("unknown input format '{f}'"))?),
        None => None,
    };
    let mut failed = 0;
    for p in &a.paths {
        let mut arts = Vec::new();
        ingest::read_path(Path::new(p), fmt, &mut |r| match r {
            Ok(art) => arts.push(art),
            Err(e) => {
                eprintln!("dateline: {e}");
                failed += 1;
            }
        });
        for art in arts {
            println!("== article {} ({})", art.id, art.origin);
            let mut doc = pipeline.analyze(art);
            for line in coder.explain(&mut doc) {
                println!("{line}");
            }
        }
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
