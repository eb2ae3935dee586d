//! Subcommands other than `code` and `analyze`. Each module under `cmd/` owns a group of
//! subcommands and parses its own arguments (see [`parse`]), so that components can grow
//! their options independently. Dispatch is by `command:kind`, e.g. `eval:pos`.

use anyhow::{bail, Result};
use clap::Args;
use std::process::ExitCode;

pub mod extract;
pub mod geo;
pub mod nlp_parse;
pub mod nlp_tag;
pub mod petrarch;
pub mod store;
pub mod timex;

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

/// Parses `args` with clap as subcommand `name` (e.g. `"eval pos"`); exits with usage on error.
#[allow(dead_code)]
pub fn parse<T: clap::Parser>(name: &str, args: Vec<String>) -> T {
    T::parse_from(std::iter::once(format!("dateline {name}")).chain(args))
}

/// Routes `command:kind` to the module that owns it.
pub fn dispatch(command: &str, kind: &str, args: Vec<String>) -> Result<ExitCode> {
    let key = format!("{command}:{kind}");
    match key.as_str() {
        "eval:sentences" | "eval:tokens" | "eval:pos" | "eval:lemma" | "train:tagger" => nlp_tag::run(&key, args),
        "eval:parse" | "eval:ner" | "train:parser" | "train:affinity" | "train:ner" | "bench:nlp" => nlp_parse::run(&key, args),
        "eval:timex" | "bench:time" => timex::run(&key, args),
        "eval:geo" | "bench:geo" => geo::run(&key, args),
        "eval:petrarch" | "bench:coder" | "explain:" => petrarch::run(&key, args),
        "eval:extract" | "bench:extract" | "extract:" => extract::run(&key, args),
        "ingest:" | "query:" | "export:" | "serve:" | "bench:store" => store::run(&key, args),
        _ if command == "eval" => bail!("unknown eval kind '{kind}' (expected sentences, pos, lemma, parse, ner, timex, geo, petrarch or extract)"),
        _ if command == "train" => bail!("unknown model '{kind}' (expected tagger, parser, affinity or ner)"),
        _ if command == "bench" => bail!("unknown benchmark '{kind}' (expected nlp, coder, time, geo, extract or store)"),
        _ => bail!("unknown command '{command}'"),
    }
}
