//! Evaluation helpers for the tokenizer, sentence splitter, tagger and lemmatizer, following
//! the CoNLL 2018 shared-task definitions: tokens and sentences are compared as character
//! spans of the raw text (a match needs both ends equal), tags and lemmas per gold word.

use crate::conllu::Sentence;
use crate::lemma::Lemmatizer;
use crate::tagger::Tagger;
use crate::tokenize;

/// Raw text rebuilt from a gold treebank with the gold token and sentence spans (bytes).
#[derive(Clone, Debug, Default)]
pub struct RawGold {
    /// The text: tokens joined by a space unless `SpaceAfter=No`, sentences by a space,
    /// paragraphs and documents by a blank line.
    pub text: String,
    /// Surface token spans (a multi-word token such as "don't" is one token).
    pub tokens: Vec<(usize, usize)>,
    /// Sentence spans.
    pub sentences: Vec<(usize, usize)>,
}

/// Rebuilds the raw text of `gold`.
pub fn raw_text(gold: &[Sentence]) -> RawGold {
    let mut r = RawGold::default();
    for (k, s) in gold.iter().enumerate() {
        if k > 0 {
            r.text.push_str(if s.newpar || s.newdoc { "\n\n" } else { " " });
        }
        let sent_start = r.text.len();
        let mut i = 0; // word index (0-based)
        let mut space = false;
        while i < s.words.len() {
            if space {
                r.text.push(' ');
            }
            let (form, misc, next) = match s.multiwords.iter().find(|m| m.first == i + 1) {
                Some(m) => (m.form.as_str(), m.misc.as_str(), m.last),
                None => (s.words[i].form.as_str(), s.words[i].misc.as_str(), i + 1),
            };
            let start = r.text.len();
            r.text.push_str(form);
            r.tokens.push((start, r.text.len()));
            space = !misc.split('|').any(|m| m == "SpaceAfter=No");
            i = next.max(i + 1);
        }
        r.sentences.push((sent_start, r.text.len()));
    }
    r
}

/// Precision, recall and F1 (percent) of span sets given in increasing order.
pub fn span_f1(gold: &[(usize, usize)], pred: &[(usize, usize)]) -> (f64, f64, f64) {
    let (mut i, mut j, mut m) = (0, 0, 0usize);
    while i < gold.len() && j < pred.len() {
        if gold[i] == pred[j] {
            m += 1;
            i += 1;
            j += 1;
        } else if gold[i] < pred[j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    let p = 100.0 * m as f64 / pred.len().max(1) as f64;
    let r = 100.0 * m as f64 / gold.len().max(1) as f64;
    let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    (p, r, f)
}

/// Predicted surface-token and sentence spans of `text` (joined clitics merged back), with
/// the learned sentence splitter when given, else the rules.
pub fn predicted_spans(text: &str, sbd: Option<&crate::tok_sbd::Sbd>) -> (Vec<(usize, usize)>, Vec<(usize, usize)>) {
    let t = match sbd {
        Some(m) => m.tokenize(text),
        None => tokenize::tokenize(text),
    };
    let mut toks: Vec<(usize, usize)> = Vec::with_capacity(t.tokens.len());
    for tok in &t.tokens {
        match toks.last_mut() {
            Some(last) if tok.joined && last.1 == tok.start => last.1 = tok.end,
            _ => toks.push((tok.start, tok.end)),
        }
    }
    let sents = t.sentences.iter().map(|&(a, b)| (t.tokens[a].start, t.tokens[b - 1].end)).collect();
    (toks, sents)
}

/// Tagging accuracy (percent) with gold tokens.
#[derive(Clone, Copy, Debug, Default)]
pub struct TagScores {
    /// UPOS accuracy.
    pub upos: f64,
    /// XPOS accuracy.
    pub xpos: f64,
    /// Both right.
    pub all: f64,
    /// Words scored.
    pub words: usize,
    /// Tagging speed, words per second.
    pub words_per_s: f64,
}

/// Scores `tagger` on `gold` words.
pub fn score_tags(tagger: &Tagger, gold: &[Sentence]) -> TagScores {
    score_tags_with(tagger, gold, &mut |_, _, _| {})
}

/// Scores `tagger` on `gold` words, calling `wrong(sentence, word index, predicted UPOS)` for
/// every word whose UPOS is wrong.
pub fn score_tags_with(tagger: &Tagger, gold: &[Sentence], wrong: &mut dyn FnMut(&Sentence, usize, &str)) -> TagScores {
    let (mut u, mut x, mut both, mut n) = (0usize, 0usize, 0usize, 0usize);
    let t0 = std::time::Instant::now();
    for s in gold {
        let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        let tags = tagger.tag(&forms);
        for (k, (w, &t)) in s.words.iter().zip(&tags).enumerate() {
            let (pu, px) = tagger.tag_name(t);
            if pu != w.upos {
                wrong(s, k, pu);
            }
            u += (pu == w.upos) as usize;
            x += (px == w.xpos) as usize;
            both += (pu == w.upos && px == w.xpos) as usize;
            n += 1;
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    let pct = |k: usize| 100.0 * k as f64 / n.max(1) as f64;
    TagScores { upos: pct(u), xpos: pct(x), all: pct(both), words: n, words_per_s: n as f64 / secs.max(1e-9) }
}

/// Lemma accuracy (percent) on `gold` words, with tags predicted by `tagger` or the gold tags.
pub fn score_lemmas(lem: &Lemmatizer, tagger: Option<&Tagger>, gold: &[Sentence]) -> (f64, usize) {
    score_lemmas_with(lem, tagger, gold, &mut |_, _, _| {})
}

/// [`score_lemmas`], calling `wrong(word, predicted lemma, predicted UPOS)` for every error.
pub fn score_lemmas_with(lem: &Lemmatizer, tagger: Option<&Tagger>, gold: &[Sentence], wrong: &mut dyn FnMut(&crate::conllu::Word, &str, &str)) -> (f64, usize) {
    let (mut ok, mut n) = (0usize, 0usize);
    let mut scratch = Default::default();
    for s in gold {
        let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        let tags = tagger.map(|t| t.tag(&forms));
        for (i, w) in s.words.iter().enumerate() {
            let (u, x) = match (&tags, tagger) {
                (Some(tags), Some(t)) => t.tag_name(tags[i]),
                _ => (w.upos.as_str(), w.xpos.as_str()),
            };
            let l = lem.lemma(&w.form, u, x, &mut scratch);
            if l != w.lemma {
                wrong(w, &l, u);
            }
            ok += (l == w.lemma) as usize;
            n += 1;
        }
    }
    (100.0 * ok as f64 / n.max(1) as f64, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f1_counts_exact_matches() {
        let (p, r, f) = span_f1(&[(0, 1), (2, 4), (5, 6)], &[(0, 1), (2, 3), (3, 4), (5, 6)]);
        assert_eq!((p, r), (50.0, 200.0 / 3.0));
        assert!((f - 57.142857).abs() < 1e-3);
    }

    #[test]
    fn raw_text_keeps_multiword_tokens_whole() {
        let t = "# newpar\n1-2\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n1\tdo\tdo\tAUX\tVBP\t_\t0\troot\t_\t_\n2\tn't\tnot\tPART\tRB\t_\t1\tadvmod\t_\tSpaceAfter=No\n3\t!\t!\tPUNCT\t.\t_\t1\tpunct\t_\t_\n\n# newpar\n1\tOK\tok\tINTJ\tUH\t_\t0\troot\t_\t_\n\n";
        let g = raw_text(&crate::conllu::parse(t).unwrap());
        assert_eq!(g.text, "don't !\n\nOK");
        assert_eq!(g.tokens, [(0, 5), (6, 7), (9, 11)]);
        assert_eq!(g.sentences, [(0, 7), (9, 11)]);
        let (toks, sents) = predicted_spans(&g.text, None);
        assert_eq!(toks, g.tokens);
        assert_eq!(sents, g.sentences);
    }
}
