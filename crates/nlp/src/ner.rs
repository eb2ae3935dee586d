//! Named-entity recognizer. STUB (owned by the parser/NER work).
use model::Doc;

/// A trained NER model.
pub struct Ner {}

impl Ner {
    /// The NER model compiled into the binary, if one has been trained.
    pub fn load_default() -> Result<Option<Ner>, String> {
        Ok(None)
    }
    /// Appends the entities of sentence `s` to `doc.entities` (tags must be set).
    pub fn tag_sentence(&self, doc: &mut Doc, s: usize) {
        let _ = (doc, s);
    }
}
