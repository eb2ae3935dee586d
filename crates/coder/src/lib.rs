//! Event coding. STUB.
use model::{Doc, Layer, Stage};

/// The event coder with its verb/noun dictionary.
pub struct Coder {}

impl Coder {
    /// The built-in verb dictionary.
    pub fn builtin() -> Result<Coder, String> {
        Ok(Coder {})
    }
}

impl Stage for Coder {
    fn name(&self) -> &'static str {
        "coder"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Tokens, Layer::Actors]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Events]
    }
    fn run(&self, _doc: &mut Doc) {}
}

/// What a PETRARCH config file (`.ini`) loads.
pub struct PetrarchConfig {
    /// The coder with the verb dictionary (and discards / issues).
    pub coder: Coder,
    /// The actors and agents.
    pub actors: actors::ActorDict,
    /// Malformed dictionary lines (`file:line: message`).
    pub warnings: Vec<String>,
}

/// Loads the dictionaries named in a PETRARCH config file (paths relative to the .ini).
pub fn load_petrarch_config(ini: &std::path::Path) -> Result<PetrarchConfig, String> {
    let _ = ini;
    Err("PETRARCH dictionaries are not supported yet".into())
}
