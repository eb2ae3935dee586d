//! `dateline`: news articles in, coded political events out.
//!
//! Each subcommand lives in its own module under `cmd/`. The process exit code is 0 when
//! everything was processed, 1 when some inputs failed (the rest still processed), 2 on
//! usage or resource errors.

mod cmd;
mod driver;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// dateline — who did what to whom, when and where, from news articles.
#[derive(Parser)]
#[command(name = "dateline", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read articles and print their coded events (JSON Lines by default).
    Code(driver::CodeArgs),
    /// Print everything the pipeline found, one JSON document per article.
    Analyze(driver::AnalyzeArgs),
    /// Article extraction only (HTML → text and metadata).
    #[command(disable_help_flag = true)]
    Extract(cmd::ExternalArgs),
    /// Evaluate a component against gold data: tokens, sentences, pos, lemma, parse, ner, timex, geo, petrarch, extract.
    #[command(disable_help_flag = true)]
    Eval(cmd::KindArgs),
    /// Train a model: tagger, parser, ner.
    #[command(disable_help_flag = true)]
    Train(cmd::KindArgs),
    /// Benchmarks that print rates: nlp, coder, time, geo, extract, store.
    #[command(disable_help_flag = true)]
    Bench(cmd::KindArgs),
    /// Run the pipeline and store articles and events in a SQLite database.
    #[command(disable_help_flag = true)]
    Ingest(cmd::ExternalArgs),
    /// Query the event store.
    #[command(disable_help_flag = true)]
    Query(cmd::ExternalArgs),
    /// Export stored events (gdelt, jsonl, csv, parquet).
    #[command(disable_help_flag = true)]
    Export(cmd::ExternalArgs),
    /// Serve the HTTP API and web UI.
    #[command(disable_help_flag = true)]
    Serve(cmd::ExternalArgs),
    /// Show, for each sentence, the parse, actors, patterns tried and events.
    #[command(disable_help_flag = true)]
    Explain(cmd::ExternalArgs),
}

/// glibc's malloc raises its mmap threshold (up to 32 MiB) as the program frees large blocks,
/// after which the growing buffers of a long document (tokens, events, actor mentions) are
/// carved from the heap arenas, where the copies left behind by each doubling stay resident.
/// A fixed threshold keeps every block of 1 MiB or more in its own mapping: freed blocks go
/// back to the system and a growing vector is remapped rather than copied. On a 5 MB article
/// this lowers the peak resident size by 60-100 MB at no measurable cost in speed. A
/// threshold set in the environment (`MALLOC_MMAP_THRESHOLD_`) is left as it is.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_mmap_threshold() {
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        // SAFETY: mallopt only sets a malloc parameter; called before any thread starts.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fix_mmap_threshold() {}

fn main() -> ExitCode {
    fix_mmap_threshold();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Code(a) => driver::code(a),
        Command::Analyze(a) => driver::analyze(a),
        Command::Extract(a) => cmd::dispatch("extract", "", a.args),
        Command::Eval(k) => cmd::dispatch("eval", &k.kind, k.args),
        Command::Train(k) => cmd::dispatch("train", &k.kind, k.args),
        Command::Bench(k) => cmd::dispatch("bench", &k.kind, k.args),
        Command::Ingest(a) => cmd::dispatch("ingest", "", a.args),
        Command::Query(a) => cmd::dispatch("query", "", a.args),
        Command::Export(a) => cmd::dispatch("export", "", a.args),
        Command::Serve(a) => cmd::dispatch("serve", "", a.args),
        Command::Explain(a) => cmd::dispatch("explain", "", a.args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dateline: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
