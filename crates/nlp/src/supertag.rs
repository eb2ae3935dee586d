//! Supertags for the parser: each word's relation, without its subtype, and the side its
//! head lies on ("nsubj/R": a subject whose head is to its right; "root/0"). A greedy parser
//! sees the buffer only a few words deep; a supertag is a guess, made by a sequence model
//! over the whole sentence, at how each word will attach, which the parser reads as
//! features (after Ouchi, Duh & Matsumoto 2014, "Improving dependency parsers with
//! supertags"). The supertagger is the POS tagger's model ([`crate::tagger`], one pass) with
//! supertags for tags; its guesses are right about 82% of the time on EWT dev.
//!
//! The parser learns from supertags as they will be met at run time: each quarter of the
//! training treebank is supertagged by a supertagger trained on the other three.

use crate::conllu;
use crate::ner::clusters::WordClusters;
use crate::tagger::{self, Tagger};

/// The supertag of word `i` (0-based) of a treebank sentence.
pub fn gold(words: &[conllu::Word], i: usize) -> String {
    let w = &words[i];
    let base = w.deprel.split(':').next().unwrap_or("");
    let side = if w.head == 0 {
        "0"
    } else if w.head > i + 1 {
        "R"
    } else {
        "L"
    };
    format!("{base}/{side}")
}

/// A supertagger trained on all of `sents` (word classes `clusters`), and, for every
/// sentence, the supertags of a supertagger trained on the other `folds - 1` of `folds`
/// contiguous parts (documents stay together).
pub fn train(sents: &[conllu::Sentence], clusters: &WordClusters, folds: usize, seed: u64, mut log: impl FnMut(&str)) -> (Tagger, Vec<Vec<String>>) {
    let tagged: Vec<conllu::Sentence> = sents
        .iter()
        .map(|s| {
            let mut t = s.clone();
            for (i, w) in t.words.iter_mut().enumerate() {
                let g = gold(&s.words, i);
                w.upos.clone_from(&g);
                w.xpos = g;
            }
            t
        })
        .collect();
    let opts = tagger::TrainOptions { folds: 0, seed, ..Default::default() };
    let folds = folds.max(2);
    let fold_of = |i: usize| i * folds / sents.len().max(1);
    let mut jack: Vec<Vec<String>> = vec![Vec::new(); sents.len()];
    for fold in 0..folds {
        let part: Vec<conllu::Sentence> = tagged.iter().enumerate().filter(|&(i, _)| fold_of(i) != fold).map(|(_, s)| s.clone()).collect();
        let m = tagger::train(&part, clusters.clone(), &opts, |_| {});
        for i in (0..sents.len()).filter(|&i| fold_of(i) == fold) {
            jack[i] = tag(&m, &sents[i]);
        }
        log(&format!("supertagger fold {}/{folds}", fold + 1));
    }
    let (right, total) = tagged.iter().zip(&jack).fold((0, 0), |(r, n), (s, g)| (r + s.words.iter().zip(g).filter(|(w, x)| w.xpos == **x).count(), n + g.len()));
    log(&format!("jackknifed supertags: {:.2}% right", 100.0 * right as f64 / total.max(1) as f64));
    let full = tagger::train(&tagged, clusters.clone(), &opts, |_| {});
    (full, jack)
}

/// The supertags `m` gives the words of `s`.
pub fn tag(m: &Tagger, s: &conllu::Sentence) -> Vec<String> {
    let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
    m.tag(&forms).into_iter().map(|t| m.tag_name(t).0.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_supertag_is_the_relation_and_the_side_of_the_head() {
        let s = conllu::parse("1\tTalks\ttalk\tNOUN\tNNS\t_\t2\tnsubj:pass\t_\t_\n2\tresumed\tresume\tVERB\tVBD\t_\t0\troot\t_\t_\n3\ttoday\ttoday\tNOUN\tNN\t_\t2\tobl:tmod\t_\t_\n\n").unwrap();
        let w = &s[0].words;
        assert_eq!([gold(w, 0), gold(w, 1), gold(w, 2)], ["nsubj/R", "root/0", "obl/L"]);
    }
}
