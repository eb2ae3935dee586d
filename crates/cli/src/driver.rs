//! `dateline code` and `dateline analyze`: read inputs in order, analyze articles in
//! parallel batches, write results in input order (so output is byte-identical whatever
//! the thread count), and report failures without stopping.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use ingest::{Deduper, InputFormat, ReadItem};
use model::{Article, Doc};
use pipeline::Pipeline;
use rayon::prelude::*;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Output formats of `dateline code`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum OutFormat {
    /// One JSON object per event (DESIGN.md "Event JSON").
    Jsonl,
    /// Tab-separated rows with a header.
    Tsv,
    /// GDELT 2.0 event export rows (61 columns, no header).
    Gdelt,
}

/// Options shared by `code` and `analyze`.
#[derive(Args, Clone)]
pub struct InputArgs {
    /// Files or directories to read; `-` (or nothing) reads standard input.
    pub paths: Vec<PathBuf>,
    /// Input format, overriding the file extension: md, txt, html, jsonl, warc.
    #[arg(long, value_name = "FORMAT")]
    pub input_format: Option<String>,
    /// Code with the PETRARCH dictionaries named in this PETRARCH config file.
    #[arg(long, value_name = "FILE.ini")]
    pub petrarch_config: Option<PathBuf>,
    /// Worker threads (default: all cores). Output is the same for any value.
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Print no summary on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Name every skipped record (non-HTML WARC payloads, …) on stderr.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Code every article, even exact or near duplicates of an earlier one (by default a
    /// duplicate group is coded once, its size recorded as NumArticles / NumSources).
    #[arg(long)]
    pub no_dedup: bool,
}

/// `dateline code`.
#[derive(Args)]
pub struct CodeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: OutFormat,
}

/// `dateline analyze`.
#[derive(Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

/// Counts for the summary line.
#[derive(Default)]
struct Summary {
    articles: usize,
    events: usize,
    skipped: usize,
    duplicates: usize,
    failed: usize,
}

const BATCH: usize = 64;
/// Articles held back to catch near duplicates that arrive close together.
const DEDUP_WINDOW: usize = 256;
/// Duplicate groups remembered (bounded memory on endless input).
const DEDUP_MEMORY: usize = 100_000;

/// Most text, in bytes, in one run of articles analyzed together (a long article runs alone,
/// so memory stays what one article needs).
const RUN_BYTES: usize = 256 << 10;

/// Splits `batch` into runs for [`Pipeline::analyze_batch`], in order: up to `per` articles
/// and [`RUN_BYTES`] of text each (or one longer article).
fn runs(batch: Vec<Article>, per: usize) -> Vec<Vec<Article>> {
    let mut out: Vec<Vec<Article>> = Vec::new();
    let mut bytes = 0;
    for a in batch {
        match out.last_mut() {
            Some(run) if run.len() < per && bytes + a.text.len() <= RUN_BYTES => {
                bytes += a.text.len();
                run.push(a);
            }
            _ => {
                bytes = a.text.len();
                out.push(vec![a]);
            }
        }
    }
    out
}

/// Reads every input, runs the pipeline on batches in parallel and hands the documents, in
/// input order, to `emit`. Articles for which `skip` returns true are counted as skipped and
/// not analyzed (used by `ingest` to resume). Read errors are printed as they come and
/// counted; the exit code is 1 when any input failed.
pub fn run_docs(
    input: &InputArgs,
    skip: &dyn Fn(&Article) -> bool,
    mut emit: impl FnMut(&Doc) -> io::Result<()>,
) -> Result<ExitCode> {
    let started = Instant::now();
    // Stages and readers recover from internal panics (the article gets a diagnostic); say so
    // in one line rather than with a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("dateline: warning: internal error{at} (recovered; please report it)");
    }));
    let format = match &input.input_format {
        None => None,
        Some(f) => Some(InputFormat::parse(f).with_context(|| format!("unknown --input-format '{f}' (expected md, txt, html, jsonl or warc)"))?),
    };
    if let Some(n) = input.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    let pipeline = Pipeline::standard(input.petrarch_config.as_deref())?;
    let loaded = started.elapsed();
    let mut summary = Summary::default();
    let mut io_error: Option<io::Error> = None;
    let paths: Vec<PathBuf> = if input.paths.is_empty() { vec![PathBuf::from("-")] } else { input.paths.clone() };
    // Reading (decompression, HTML extraction, de-duplication) runs on its own thread and
    // hands over batches through a small bounded queue, so it overlaps with the analysis of the
    // previous batches and memory stays bounded; batches keep input order.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Article>>(2);
    std::thread::scope(|sc| -> Result<()> {
        let reader = sc.spawn(move || {
            let mut read = Summary::default();
            let mut batch: Vec<Article> = Vec::with_capacity(BATCH);
            // Deduplication holds a window of articles to group copies that arrive close
            // together; what it releases is in input order, so output stays deterministic.
            let mut dedup = (!input.no_dedup).then(|| Deduper::new(DEDUP_WINDOW, DEDUP_MEMORY));
            let accept = |a: Article, batch: &mut Vec<Article>| {
                batch.push(a);
                if batch.len() >= BATCH {
                    // a closed queue means the consumer stopped: the rest is dropped
                    tx.send(std::mem::replace(batch, Vec::with_capacity(BATCH))).ok();
                }
            };
            for p in &paths {
                ingest::read_path_all(p, format, &mut |item| match item {
                    ReadItem::Article(a) => match dedup.as_mut() {
                        Some(d) => d.push(a).into_iter().for_each(|a| accept(a, &mut batch)),
                        None => accept(a, &mut batch),
                    },
                    ReadItem::Skipped(e) => {
                        read.skipped += 1;
                        if input.verbose {
                            eprintln!("dateline: skipped: {e}");
                        }
                    }
                    ReadItem::Failed(e) => {
                        read.failed += 1;
                        eprintln!("dateline: error: {e}");
                    }
                });
            }
            if let Some(d) = dedup.as_mut() {
                for a in d.finish() {
                    accept(a, &mut batch);
                }
                read.duplicates = d.duplicates();
            }
            tx.send(batch).ok();
            read
        });
        for batch in rx {
            // `skip` is asked after de-duplication, so that a resumed run groups duplicates
            // exactly as an uninterrupted run would, and then passes over the canonical
            // articles already done.
            let before = batch.len();
            let batch: Vec<Article> = batch.into_iter().filter(|a| !skip(a)).collect();
            summary.skipped += before - batch.len();
            let per = batch.len().div_ceil(rayon::current_num_threads()).clamp(1, pipeline::BATCH);
            let runs: Vec<Vec<Doc>> = runs(batch, per).into_par_iter().map(|run| pipeline.analyze_batch(run)).collect();
            let docs: Vec<Doc> = runs.into_iter().flatten().collect();
            for d in &docs {
                summary.articles += 1;
                summary.events += d.events.len();
                if io_error.is_none() {
                    if let Err(e) = emit(d) {
                        io_error = Some(e);
                    }
                }
            }
        }
        let read = reader.join().map_err(|_| anyhow::anyhow!("the input reader failed"))?;
        summary.skipped += read.skipped;
        summary.failed += read.failed;
        summary.duplicates = read.duplicates;
        Ok(())
    })?;
    if let Some(e) = io_error {
        if e.kind() != io::ErrorKind::BrokenPipe {
            return Err(e).context("writing output");
        }
    }
    if !input.quiet {
        let parts: Vec<String> =
            pipeline.load_times().iter().map(|(n, d)| format!("{n} {:.0}", d.as_secs_f64() * 1000.0)).collect();
        eprintln!(
            "dateline: {} articles, {} events, {} duplicates, {} skipped, {} failed ({:.0} ms load [{} ms], {:.2} s total, {:.1} articles/s, resources {})",
            summary.articles,
            summary.events,
            summary.duplicates,
            summary.skipped,
            summary.failed,
            loaded.as_secs_f64() * 1000.0,
            parts.join(", "),
            started.elapsed().as_secs_f64(),
            summary.articles as f64 / (started.elapsed() - loaded).as_secs_f64().max(1e-9),
            pipeline.fingerprint()
        );
    }
    Ok(if summary.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn stdout() -> BufWriter<io::StdoutLock<'static>> {
    BufWriter::with_capacity(1 << 16, io::stdout().lock())
}

/// `dateline code`.
pub fn code(args: CodeArgs) -> Result<ExitCode> {
    let mut out = stdout();
    if args.format == OutFormat::Tsv {
        writeln!(out, "{}", store::tsv::HEADER)?;
    }
    let mut next_id: u64 = 1;
    let code = run_docs(&args.input, &|_| false, |doc| {
        for e in &doc.events {
            match args.format {
                OutFormat::Jsonl => {
                    serde_json::to_writer(&mut out, &store::wire::event_line(doc, e))?;
                }
                OutFormat::Tsv => out.write_all(store::tsv::event_row(doc, e).as_bytes())?,
                OutFormat::Gdelt => {
                    out.write_all(store::gdelt::event_row(doc, e, next_id).as_bytes())?;
                    next_id += 1;
                }
            }
            out.write_all(b"\n")?;
        }
        Ok(())
    })?;
    out.flush().ok();
    Ok(code)
}

/// `dateline analyze`.
pub fn analyze(args: AnalyzeArgs) -> Result<ExitCode> {
    let mut out = stdout();
    let code = run_docs(&args.input, &|_| false, |doc| {
        serde_json::to_writer(&mut out, &store::wire::DocJson(doc))?;
        out.write_all(b"\n")
    })?;
    out.flush().ok();
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_keep_order_and_bound_count_and_bytes() {
        let art = |n: usize, i: usize| Article { text: "x".repeat(n), origin: i.to_string(), ..Default::default() };
        let sizes = [10, 20, RUN_BYTES, 5, 5, 5, 5, 5, RUN_BYTES / 2, RUN_BYTES / 2 + 1, 0];
        let batch: Vec<Article> = sizes.iter().enumerate().map(|(i, &n)| art(n, i)).collect();
        let r = runs(batch, 4);
        let shape: Vec<Vec<String>> = r.iter().map(|run| run.iter().map(|a| a.origin.clone()).collect()).collect();
        assert_eq!(shape, [vec!["0", "1"], vec!["2"], vec!["3", "4", "5", "6"], vec!["7", "8"], vec!["9", "10"]]);
        assert!(runs(Vec::new(), 4).is_empty());
    }
}
