//! Subcommands owned by the extract work. `kind` is e.g. `eval:pos`, `train:tagger`, `bench:nlp`.
use anyhow::{bail, Result};
use std::process::ExitCode;

/// Runs `kind` with its unparsed arguments.
pub fn run(kind: &str, args: Vec<String>) -> Result<ExitCode> {
    let _ = args;
    bail!("{kind}: not available yet")
}
