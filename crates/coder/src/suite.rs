//! PETRARCH validation-suite records (`{id, text, date, category, expected, noevents,
//! parse, parse_format, parse_ud}`) and their scoring: exact match of the set of
//! (source, target, code) triples per record.

use model::{Article, Date, Doc, Sentence, Token};
use std::collections::BTreeSet;

/// (source code, target code, event code); a missing actor is `---`.
pub type Triple = (String, String, String);

/// One suite record.
#[derive(Clone, Debug)]
pub struct Record {
    /// Record id.
    pub id: String,
    /// Raw sentence text.
    pub text: String,
    /// Date (`19950101`).
    pub date: String,
    /// Test category.
    pub category: String,
    /// Expected triples (empty when `noevents`).
    pub expected: BTreeSet<Triple>,
    /// Gold CoNLL-U parse when the record has one.
    pub conllu: Option<String>,
}

impl Record {
    /// Parses one JSON line.
    pub fn parse(line: &str) -> Result<Record, String> {
        let r: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let s = |k: &str| r.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let mut expected = BTreeSet::new();
        if !r.get("noevents").and_then(|v| v.as_bool()).unwrap_or(false) {
            for t in r.get("expected").and_then(|v| v.as_array()).into_iter().flatten() {
                let f: Vec<String> = t.as_array().into_iter().flatten().map(|x| x.as_str().unwrap_or("").to_string()).collect();
                if f.len() == 3 {
                    expected.insert((f[0].clone(), f[1].clone(), f[2].clone()));
                }
            }
        }
        let conllu = if s("parse_format") == "conllu" { Some(s("parse")) } else { r.get("parse_ud").and_then(|v| v.as_str()).map(|x| x.to_string()) };
        Ok(Record { id: s("id"), text: s("text"), date: s("date"), category: s("category"), expected, conllu })
    }
    /// The record as an article.
    pub fn article(&self, origin: String) -> Article {
        Article { id: self.id.clone(), text: self.text.clone(), published: Date::parse(&self.date), origin, num_articles: 1, num_sources: 1, ..Default::default() }
    }
}

/// The set of triples a document's events make.
pub fn triples(doc: &Doc) -> BTreeSet<Triple> {
    doc.events
        .iter()
        .map(|e| (e.source.as_ref().map_or("---".to_string(), |a| a.code.to_string()), e.target.as_ref().map_or("---".to_string(), |a| a.code.to_string()), e.code.to_string()))
        .collect()
}

/// A one-sentence document from a CoNLL-U parse aligned to the article text (tokens not
/// found in the text get empty spans at the current position).
pub fn doc_from_conllu(article: Article, conllu: &str) -> Doc {
    let mut doc = Doc::new(article);
    let text = doc.article.text.clone();
    let mut pos = 0usize;
    let mut toks = Vec::new();
    for line in conllu.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 8 || f[0].contains('-') || f[0].contains('.') || f[0].starts_with('#') {
            continue;
        }
        let form = f[1];
        let (s, e) = match text.get(pos..).and_then(|t| t.find(form)) {
            Some(k) => (pos + k, pos + k + form.len()),
            None => (pos, pos),
        };
        pos = e;
        let head: i32 = f[6].parse::<i32>().unwrap_or(0) - 1;
        toks.push(Token { start: s, end: e, upos: f[3].into(), xpos: f[4].into(), lemma: f[2].into(), head, deprel: f[7].into() });
    }
    let n = toks.len();
    doc.tokens = toks;
    doc.sentences = vec![Sentence { start: 0, end: text.len(), token_start: 0, token_end: n }];
    doc
}
