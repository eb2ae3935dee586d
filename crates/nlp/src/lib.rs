//! Tokenizer, sentence splitter, POS tagger, lemmatizer, dependency parser and NER.
//!
//! STUB: to be replaced by the NLP work. [`Nlp`] is one pipeline [`Stage`] that fills
//! sentences, tokens (with tags, lemmas, heads) and entities.
pub mod conllu;
pub mod ner;
pub mod parser;
pub mod perceptron;

use model::{Doc, Layer, Stage};

/// All NLP components, loaded once.
pub struct Nlp {}

impl Nlp {
    /// Loads the models compiled into the binary.
    pub fn load_default() -> Result<Nlp, String> {
        Ok(Nlp {})
    }
}

impl Stage for Nlp {
    fn name(&self) -> &'static str {
        "nlp"
    }
    fn requires(&self) -> &'static [Layer] {
        &[]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Sentences, Layer::Tokens, Layer::Tags, Layer::Lemmas, Layer::Parse, Layer::Entities]
    }
    fn run(&self, _doc: &mut Doc) {}
}
