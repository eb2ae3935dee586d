//! Transition-based dependency parser. STUB (owned by the parser/NER work).
use model::Doc;

/// A trained parser.
pub struct Parser {}

impl Parser {
    /// The parser model compiled into the binary, if one has been trained.
    pub fn load_default() -> Result<Option<Parser>, String> {
        Ok(None)
    }
    /// Fills `head` and `deprel` of the tokens of sentence `s` (tags must be set).
    pub fn parse_sentence(&self, doc: &mut Doc, s: usize) {
        let _ = (doc, s);
    }
}
