//! Prints how long the built-in NLP models take to load:
//! `cargo run --release -p nlp --example load_time`. The first line is the whole
//! [`nlp::Nlp::load_default`] in a fresh process (what every command pays); the per-model
//! lines after it find the embedded model bytes already mapped in.
use std::time::Instant;

fn main() {
    let t = Instant::now();
    let all = nlp::Nlp::load_default().unwrap();
    eprintln!("all (cold) {:?}", t.elapsed());
    drop(all);
    let t = Instant::now();
    let _tagger = nlp::tagger::Tagger::load_default().unwrap();
    eprintln!("tagger {:?}", t.elapsed());
    let t = Instant::now();
    let _lemma = nlp::lemma::Lemmatizer::load_default().unwrap();
    eprintln!("lemma {:?}", t.elapsed());
    let t = Instant::now();
    let _parser = nlp::parser::Parser::load_default().unwrap();
    eprintln!("parser {:?}", t.elapsed());
    let t = Instant::now();
    let _ner = nlp::ner::Ner::load_default().unwrap();
    eprintln!("ner {:?}", t.elapsed());
    let t = Instant::now();
    let _all = nlp::Nlp::load_default().unwrap();
    eprintln!("all {:?}", t.elapsed());
}
