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
