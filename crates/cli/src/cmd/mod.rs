//! Subcommands other than `code` and `analyze`. Each takes its own arguments (parsed by
//! its module with clap), so that components can grow their options independently.

use anyhow::{bail, Result};
use clap::Args;
use std::process::ExitCode;

/// `KIND [ARGS]...`
#[derive(Args)]
pub struct KindArgs {
    /// What to evaluate / train / benchmark.
    pub kind: String,
    /// Arguments for that kind (see `dateline <command> KIND --help`).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// Arguments handed to a subcommand module unparsed.
#[derive(Args)]
pub struct ExternalArgs {
    /// Arguments (see `--help` of the subcommand).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// Parses `args` with clap for subcommand `name`.
pub fn parse<T: clap::Parser>(name: &str, args: Vec<String>) -> T {
    T::parse_from(std::iter::once(format!("dateline {name}")).chain(args))
}

pub fn eval(kind: &str, args: Vec<String>) -> Result<ExitCode> {
    match kind {
        _ => bail!("unknown eval kind '{kind}' (expected sentences, pos, parse, ner, timex, geo, petrarch or extract)"),
    }
}

pub fn train(kind: &str, args: Vec<String>) -> Result<ExitCode> {
    let _ = args;
    match kind {
        _ => bail!("unknown model '{kind}' (expected tagger, parser or ner)"),
    }
}

pub fn bench(kind: &str, args: Vec<String>) -> Result<ExitCode> {
    let _ = args;
    match kind {
        _ => bail!("unknown benchmark '{kind}'"),
    }
}

pub fn extract(args: Vec<String>) -> Result<ExitCode> {
    let _ = args;
    bail!("extract: not available yet")
}
pub fn ingest(args: Vec<String>) -> Result<ExitCode> {
    let _ = args;
    bail!("ingest: not available yet")
}
pub fn query(args: Vec<String>) -> Result<ExitCode> {
    let _ = args;
    bail!("query: not available yet")
}
pub fn export(args: Vec<String>) -> Result<ExitCode> {
    let _ = args;
    bail!("export: not available yet")
}
pub fn serve(args: Vec<String>) -> Result<ExitCode> {
    let _ = args;
    bail!("serve: not available yet")
}
pub fn explain(args: Vec<String>) -> Result<ExitCode> {
    let _ = args;
    bail!("explain: not available yet")
}
