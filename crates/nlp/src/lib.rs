//! Tokenizer, sentence splitter, POS tagger, lemmatizer, dependency parser and NER.
//!
//! [`Nlp`] is one pipeline [`Stage`] that fills sentences, tokens (with tags, lemmas, heads)
//! and entities: it tokenizes and splits the text ([`tokenize`]), then for each sentence
//! tags, lemmatizes, parses ([`parser`]) and finds entities ([`ner`]).
pub mod affinity;
pub mod conllu;
pub mod lemma;
pub mod ner;
pub mod news_dateline;
pub mod parser;
pub mod perceptron;
pub mod punct;
pub mod relabel;
pub mod revise;
pub mod tag_eval;
pub mod tok_sbd;
pub mod supertag;
pub mod tagger;
pub mod tokenize;

/// Model files compiled into the binary (trained by `dateline train tagger`; see the
/// `models/*.manifest` files for data, command and scores).
pub mod models {
    /// `models/tagger.bin`: the POS tagger.
    pub const TAGGER: &[u8] = include_bytes!("../../../models/tagger.bin");
    /// `models/lemma.bin`: the lemmatizer.
    pub const LEMMA: &[u8] = include_bytes!("../../../models/lemma.bin");
    /// `models/tagger.sbd.bin`: the sentence-boundary classifier.
    pub const SBD: &[u8] = include_bytes!("../../../models/tagger.sbd.bin");
}

use model::{Doc, Layer, Sentence, Stage, Token};

/// All NLP components, loaded once.
pub struct Nlp {
    sbd: tok_sbd::Sbd,
    tagger: tagger::Tagger,
    lemmatizer: lemma::Lemmatizer,
    parser: Option<parser::Parser>,
    ner: Option<ner::Ner>,
    /// Distinguishes loaded model sets (for the per-thread lemma cache).
    id: u64,
}

/// Source of [`Nlp::id`].
static NEXT_NLP_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Nlp {
    /// Loads the models compiled into the binary.
    pub fn load_default() -> Result<Nlp, String> {
        // The models are independent until the lemmatizer borrows the tagger's vocabulary:
        // decode them on parallel threads (start-up time is part of every command's latency).
        std::thread::scope(|sc| {
            let parser = sc.spawn(parser::Parser::load_default);
            let ner = sc.spawn(ner::Ner::load_default);
            let lemmatizer = sc.spawn(lemma::Lemmatizer::load_default);
            let sbd = sc.spawn(tok_sbd::Sbd::load_default);
            let tagger = tagger::Tagger::load_default()?;
            let join = |what: &str| format!("{what} loader thread panicked");
            let mut lemmatizer = lemmatizer.join().map_err(|_| join("lemmatizer"))??;
            lemmatizer.set_vocab(tagger.clusters().clone());
            Ok(Nlp {
                id: NEXT_NLP_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                sbd: sbd.join().map_err(|_| join("sentence splitter"))??,
                tagger,
                lemmatizer,
                parser: parser.join().map_err(|_| join("parser"))??,
                ner: ner.join().map_err(|_| join("NER"))??,
            })
        })
    }

    /// Fills `doc.sentences` and `doc.tokens` (offsets only, `head == -1`) from the text.
    pub fn tokenize_doc(&self, doc: &mut Doc) {
        let text = &doc.article.text;
        let toks = tokenize::tokens(text);
        let sents = self.sbd.split(text, &toks);
        let base = doc.tokens.len();
        doc.tokens.reserve(toks.len());
        for tok in &toks {
            doc.tokens.push(Token { start: tok.start, end: tok.end, head: -1, ..Default::default() });
        }
        for &(a, b) in &sents {
            doc.sentences.push(Sentence { start: toks[a].start, end: toks[b - 1].end, token_start: base + a, token_end: base + b });
        }
    }

    /// Sets `upos`, `xpos` and `lemma` of the tokens of sentence `s`.
    pub fn tag_sentence(&self, doc: &mut Doc, s: usize, scratch: &mut TagScratch) {
        let Some(&sent) = doc.sentences.get(s) else { return };
        let text = &doc.article.text;
        let toks = &mut doc.tokens[sent.token_start..sent.token_end];
        self.tagger.tag_words(toks.iter().map(|t| &text[t.start..t.end]), &mut scratch.infos, &mut scratch.tags);
        for ((t, &tag), info) in toks.iter_mut().zip(&scratch.tags).zip(&scratch.infos) {
            let (u, x) = self.tagger.tag_name(tag);
            let form = &text[t.start..t.end];
            // words repeat within an article: lemmatize each (form, tag) once
            let key = perceptron::splitmix(info.form ^ (tag as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            t.lemma = match scratch.lemmas.get(&key) {
                Some(l) => l.clone(),
                None => {
                    let l = model::CompactString::from(self.lemmatizer.lemma(form, u, x, &mut scratch.lemma));
                    scratch.lemmas.insert(key, l.clone());
                    l
                }
            };
            t.upos = u.into();
            t.xpos = x.into();
        }
    }
}

/// Buffers reused across sentences while tagging.
#[derive(Default)]
pub struct TagScratch {
    infos: Vec<tagger::WordInfo>,
    tags: Vec<usize>,
    lemma: (Vec<u64>, Vec<f32>),
    /// Lemmas by a hash of (form hash, tag).
    lemmas: perceptron::MixedMap<model::CompactString>,
    /// The models the cached lemmas came from ([`Nlp::id`]).
    owner: u64,
}

impl TagScratch {
    /// Cached (form, tag) lemmas kept before the cache starts afresh.
    const MAX_LEMMAS: usize = 200_000;
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
    fn run(&self, doc: &mut Doc) {
        self.run_batch(std::slice::from_mut(doc));
    }
    fn run_batch(&self, docs: &mut [Doc]) {
        self.run_steps(docs, |_| {});
    }
}

/// The steps of [`Nlp::run_steps`], in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Tokens and sentences.
    Tokenize = 0,
    /// Tags and lemmas.
    Tag = 1,
    /// Dependency trees.
    Parse = 2,
    /// Named entities.
    Ner = 3,
}

impl Nlp {
    /// Whether a parser model is built in.
    pub fn has_parser(&self) -> bool {
        self.parser.is_some()
    }

    /// The built-in parser, if there is one.
    pub fn parser(&self) -> Option<&parser::Parser> {
        self.parser.as_ref()
    }

    /// Whether an NER model is built in (or set).
    pub fn has_ner(&self) -> bool {
        self.ner.is_some()
    }

    /// Uses `ner` instead of the built-in NER model (to compare model files).
    pub fn set_ner(&mut self, ner: ner::Ner) {
        self.ner = Some(ner);
    }

    /// [`Stage::run_batch`]: step by step over the documents — tokenizing, tagging, parsing,
    /// then NER —, calling `done` after each step (benchmarks time them). Each model's tables
    /// and per-type caches then stay warm across documents (`dateline bench nlp` is about a
    /// fifth faster with 16 news articles at a time than one by one). Each step reads only
    /// what earlier steps wrote in the same document, so the results are those of
    /// [`Stage::run`] on each.
    pub fn run_steps(&self, docs: &mut [Doc], mut done: impl FnMut(Step)) {
        for doc in docs.iter_mut() {
            doc.sentences.clear();
            doc.tokens.clear();
            doc.entities.clear();
            self.tokenize_doc(doc);
        }
        done(Step::Tokenize);
        // the buffers and the lemma cache live on with the thread: words repeat across
        // articles too (the cache is bounded, and a lemma does not depend on it)
        thread_local! {
            static SCRATCH: std::cell::RefCell<TagScratch> = std::cell::RefCell::new(TagScratch::default());
        }
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            for doc in docs.iter_mut() {
                if scratch.lemmas.len() > TagScratch::MAX_LEMMAS || scratch.owner != self.id {
                    *scratch = TagScratch { owner: self.id, ..TagScratch::default() };
                }
                for s in 0..doc.sentences.len() {
                    self.tag_sentence(doc, s, &mut scratch);
                }
            }
        });
        done(Step::Tag);
        if let Some(p) = &self.parser {
            for doc in docs.iter_mut() {
                for s in 0..doc.sentences.len() {
                    p.parse_sentence(doc, s);
                }
            }
        }
        done(Step::Parse);
        if let Some(n) = &self.ner {
            for doc in docs.iter_mut() {
                for s in 0..doc.sentences.len() {
                    n.tag_sentence(doc, s);
                }
                ner::companies_in_doc(doc);
            }
        }
        done(Step::Ner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::Article;

    #[test]
    fn a_wire_dateline_is_a_place_apart_from_the_story() {
        let nlp = Nlp::load_default().unwrap();
        let text = "OAK BROOK, Ill., March 3 - The company said its board approved a merger.";
        let mut doc = Doc::new(Article { text: text.into(), ..Default::default() });
        nlp.run(&mut doc);
        let words = |a: usize, b: usize| doc.tokens[a..b].iter().map(|t| &text[t.start..t.end]).collect::<Vec<_>>().join(" ");
        // the place is a location, whatever the model makes of a town in capitals
        let first = &doc.entities[0];
        assert_eq!((words(first.token_start, first.token_end).as_str(), first.label), ("OAK BROOK", model::EntityLabel::LOC));
        // the dateline (tokens 0..8, the dash included) hangs as a whole from the story's root,
        // "said", whose subject is "company"
        let root = doc.tokens.iter().position(|t| t.head < 0).unwrap();
        assert_eq!(words(root, root + 1), "said");
        let out: Vec<usize> = (0..8).filter(|&i| !(0..8).contains(&(doc.tokens[i].head as usize))).collect();
        assert_eq!(out.len(), 1, "one dateline word is its head");
        assert_eq!((doc.tokens[out[0]].head as usize, doc.tokens[out[0]].deprel.as_str()), (root, "parataxis"));
        let subject = doc.tokens.iter().position(|t| t.head as usize == root && t.deprel == "nsubj").unwrap();
        assert_eq!(words(subject, subject + 1), "company");
    }

    #[test]
    fn tags_and_lemmatizes_a_news_sentence() {
        let nlp = Nlp::load_default().unwrap();
        let text = "Russian Foreign Minister Sergei Lavrov met Syrian President Bashar al-Assad in Damascus on Monday. The two leaders discussed new agreements.";
        let mut doc = Doc::new(Article { text: text.into(), ..Default::default() });
        nlp.run(&mut doc);
        assert_eq!(doc.sentences.len(), 2);
        let get = |w: &str| doc.tokens.iter().find(|t| &text[t.start..t.end] == w).unwrap();
        assert_eq!(get("met").upos, "VERB");
        assert_eq!(get("met").lemma, "meet");
        assert_eq!(get("Damascus").xpos, "NNP");
        assert_eq!(get("leaders").lemma, "leader");
        assert_eq!(get("discussed").lemma, "discuss");
        assert_eq!(get("agreements").upos, "NOUN");
        assert_eq!(get("The").lemma, "the");
        assert!(doc.tokens.iter().all(|t| !t.upos.is_empty() && !t.lemma.is_empty()));
    }

    #[test]
    fn a_run_of_articles_gets_what_each_gets_alone() {
        let nlp = shared();
        let texts = [
            "Turkish Foreign Minister Mevlut Cavusoglu met his Iranian counterpart in Ankara on Monday. Both sides agreed to reopen the border.",
            "",
            "Police in Lagos arrested 12 protesters, a spokesman said. The Nigerian government denied the reports.\n\nMore talks are planned in Abuja.",
            "Kennedy said Labour would lose. Kennedy later met Blair at Westminster.",
        ];
        let mut batch: Vec<Doc> = texts.iter().map(|t| Doc::new(Article { text: t.to_string(), ..Default::default() })).collect();
        // a document that already went through once is analyzed afresh
        nlp.run(&mut batch[3]);
        nlp.run_batch(&mut batch);
        for (t, b) in texts.iter().zip(&batch) {
            let mut one = Doc::new(Article { text: t.to_string(), ..Default::default() });
            nlp.run(&mut one);
            assert_eq!(format!("{:?}", (&one.sentences, &one.tokens, &one.entities)), format!("{:?}", (&b.sentences, &b.tokens, &b.entities)), "{t}");
        }
        assert!(batch[2].entities.len() >= 2, "{:?}", batch[2].entities);
    }

    #[test]
    fn built_in_models_save_back_to_the_same_bytes() {
        // loading keeps everything: re-saving gives the committed files
        assert!(tagger::Tagger::load_default().unwrap().to_bytes() == models::TAGGER, "tagger differs");
        assert!(lemma::Lemmatizer::load_default().unwrap().to_bytes() == models::LEMMA, "lemmatizer differs");
        if let Some(n) = ner::Ner::load_default().unwrap() {
            let mut b = Vec::new();
            n.save(&mut b).unwrap();
            assert!(b == include_bytes!("../../../models/ner.bin"), "NER differs");
        }
    }

    fn shared() -> &'static Nlp {
        static NLP: std::sync::OnceLock<Nlp> = std::sync::OnceLock::new();
        NLP.get_or_init(|| Nlp::load_default().unwrap())
    }

    fn check(doc: &Doc) {
        let text = &doc.article.text;
        let mut prev = 0;
        for t in &doc.tokens {
            assert!(t.start < t.end && t.start >= prev && text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            assert!(!t.upos.is_empty() && !t.xpos.is_empty() && !t.lemma.is_empty());
            prev = t.end;
        }
        let mut next = 0;
        for s in &doc.sentences {
            assert!(s.token_start == next && s.token_start < s.token_end);
            assert!(s.token_end - s.token_start <= tokenize::MAX_SENTENCE_TOKENS);
            assert_eq!((s.start, s.end), (doc.tokens[s.token_start].start, doc.tokens[s.token_end - 1].end));
            next = s.token_end;
        }
        assert_eq!(next, doc.tokens.len());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn any_text_gives_consistent_layers(s in "\\PC{0,300}") {
            let nlp = shared();
            let mut doc = Doc::new(Article { text: s, ..Default::default() });
            nlp.run(&mut doc);
            check(&doc);
        }
    }

    #[test]
    fn hostile_text_is_processed_in_bounded_time() {
        let nlp = shared();
        let t0 = std::time::Instant::now();
        for text in ["word ".repeat(40_000), "😀".repeat(20_000), "\u{1}a.\u{7}B?\n".repeat(5_000), "Москва 東京 القاهرة. ".repeat(2_000)] {
            let mut doc = Doc::new(Article { text, ..Default::default() });
            nlp.run(&mut doc);
            check(&doc);
        }
        assert!(t0.elapsed().as_secs() < 60, "too slow: {:?}", t0.elapsed());
    }

    #[test]
    fn odd_text_never_panics() {
        let nlp = Nlp::load_default().unwrap();
        for text in ["", " \n\n ", "😀😀😀", "\u{0}\u{1}x", "a.b.c.d.e.f", "n't's'll"] {
            let mut doc = Doc::new(Article { text: text.into(), ..Default::default() });
            nlp.run(&mut doc);
            assert_eq!(doc.tokens.len(), doc.sentences.last().map_or(0, |s| s.token_end));
        }
    }
}
