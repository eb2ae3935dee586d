//! Learned sentence-boundary detection: a binary averaged perceptron that decides, at each
//! token followed by another on the same line, whether a sentence ends there. It sees the
//! rule decision ([`tokenize::rule_after`]) as a feature, plus the words and shapes around
//! the point, so it learns when the rules are wrong (lowercase sentence starts, missing final
//! punctuation, e-mail headers) from a treebank. Paragraph and headline line breaks and the
//! length limit stay rule-based ([`tokenize::split_sentences_with`]).
//!
//! Model file: `b"DLSB"`, `u32` version (1), then a two-class [`SparsePerceptron`].

use crate::conllu;
use crate::perceptron::{SparsePerceptron, Trainer};
use crate::tag_eval;
use crate::tagger::Rng;
use crate::tokenize::{self, Gap, Tok, Tokenized};

use crate::perceptron::splitmix as mix;

/// Hash of the lowercased token, capped at 32 bytes (long tokens are URLs and junk).
fn lower_hash(s: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in s.bytes().take(32) {
        h ^= b.to_ascii_lowercase() as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// Short shape: character classes with runs collapsed, at most 6 symbols.
fn shape_hash(s: &str) -> u64 {
    let mut h = 0x84222325u64;
    let mut last = '\0';
    let mut k = 0;
    for c in s.chars() {
        let x = crate::tokenize::shape_class(c);
        if x != last {
            h = (h ^ x as u64).wrapping_mul(0x0100_0000_01b3);
            last = x;
            k += 1;
            if k >= 6 {
                break;
            }
        }
    }
    mix(h ^ 0x5a)
}

#[inline]
fn f(t: u64, a: u64) -> u64 {
    mix(a ^ t.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

#[inline]
fn f2(t: u64, a: u64, b: u64) -> u64 {
    mix(a.wrapping_mul(0xc2b2_ae3d_27d4_eb4f) ^ b ^ t.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

fn len_bucket(n: usize) -> u64 {
    match n {
        0..=2 => n as u64,
        3..=5 => 3,
        6..=10 => 4,
        11..=20 => 5,
        21..=40 => 6,
        _ => 7,
    }
}

/// Whether the classifier is consulted after token `i` (the next token is on the same line).
fn consulted(text: &str, toks: &[Tok], i: usize, rule: Option<bool>) -> bool {
    rule.is_some() || !text[toks[i + 1].start..toks[i + 1].end].chars().next().is_some_and(|c| c.is_lowercase())
}

/// Features for a boundary after token `i` (`i + 1 < toks.len()`).
fn features(text: &str, toks: &[Tok], i: usize, rule: Option<bool>, len: usize, out: &mut Vec<u64>) {
    out.clear();
    let tt = |j: usize| -> &str { toks.get(j).map_or("", |t| &text[t.start..t.end]) };
    let w = |j: isize| -> u64 { if j < 0 { 0x51 } else { lower_hash(tt(j as usize)) ^ (j as usize >= toks.len()) as u64 } };
    let sh = |j: isize| -> u64 { if j < 0 { 0x52 } else { shape_hash(tt(j as usize)) } };
    let i = i as isize;
    let r = match rule {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    };
    let gap = (toks[i as usize + 1].gap == Gap::None) as u64;
    out.push(f(0, r));
    out.push(f2(1, r, gap));
    out.push(f(2, w(i)));
    out.push(f(3, w(i + 1)));
    out.push(f(4, w(i - 1)));
    out.push(f(5, w(i + 2)));
    out.push(f2(6, w(i), w(i + 1)));
    out.push(f2(7, sh(i), sh(i + 1)));
    out.push(f2(8, w(i), sh(i + 1)));
    out.push(f2(9, sh(i), w(i + 1)));
    out.push(f2(10, r, sh(i + 1)));
    out.push(f2(11, r, len_bucket(len)));
    out.push(f2(12, sh(i - 1), sh(i)));
    out.push(f2(13, w(i - 1), w(i)));
    out.push(f2(14, sh(i + 1), sh(i + 2)));
    out.push(f2(15, r, w(i)));
    out.push(f2(16, r, w(i + 1)));
    out.push(f(17, sh(i)));
    out.push(f(18, sh(i + 1)));
    out.push(f2(19, len_bucket(len), sh(i + 1)));
}

/// A trained sentence-boundary classifier.
pub struct Sbd {
    model: SparsePerceptron,
}

impl Sbd {
    /// The model compiled into the binary.
    pub fn load_default() -> Result<Sbd, String> {
        Sbd::from_bytes(crate::models::SBD).map_err(|e| format!("built-in sentence model: {e}"))
    }

    /// Reads a model file's bytes.
    pub fn from_bytes(b: &[u8]) -> Result<Sbd, String> {
        if b.len() < 8 || &b[..4] != b"DLSB" {
            return Err("not a dateline sentence-boundary model".into());
        }
        let model = SparsePerceptron::load(&b[8..]).map_err(|e| e.to_string())?;
        if model.n_classes() != 2 {
            return Err("sentence-boundary model must have 2 classes".into());
        }
        Ok(Sbd { model })
    }

    /// Serializes the model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = b"DLSB".to_vec();
        b.extend_from_slice(&1u32.to_le_bytes());
        self.model.save(&mut b).expect("writing to a Vec cannot fail");
        b
    }

    /// Tokenizes `text` and splits it into sentences with the classifier.
    pub fn tokenize(&self, text: &str) -> Tokenized {
        let tokens = tokenize::tokens(text);
        let sentences = self.split(text, &tokens);
        Tokenized { tokens, sentences }
    }

    /// Splits tokens into sentences.
    pub fn split(&self, text: &str, toks: &[Tok]) -> Vec<(usize, usize)> {
        let mut feats = Vec::with_capacity(24);
        let mut scores = [0f32; 2];
        let sents = tokenize::split_sentences_with(text, toks, &mut |i, rule, len| {
            if !consulted(text, toks, i, rule) {
                return false;
            }
            features(text, toks, i, rule, len, &mut feats);
            scores = [0.0; 2];
            self.model.score_into(&feats, &mut scores);
            scores[1] > scores[0]
        });
        keep_datelines_whole(text, toks, sents)
    }
}

/// Joins sentences split inside a wire dateline, or between it and its story ("TOKYO, March"
/// | "9 - Japanese customers ..."): the treebank the classifier learns from has no datelines.
fn keep_datelines_whole(text: &str, toks: &[Tok], sents: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(sents.len());
    let mut rest = sents.into_iter();
    while let Some((a, mut b)) = rest.next() {
        let n = toks.len().min(a + 16) - a;
        if let Some(k) = crate::news_dateline::dateline_end(text, n, |i| (toks[a + i].start, toks[a + i].end)) {
            // the story's first word, a + k + 1, must be in the sentence
            while b <= a + k + 1 {
                match rest.next() {
                    Some((_, next_b)) => b = next_b,
                    None => break,
                }
            }
        }
        out.push((a, b));
    }
    out
}

/// Trains the classifier on the raw text rebuilt from `sents` (see [`tag_eval::raw_text`]).
pub fn train(sents: &[conllu::Sentence], epochs: usize, seed: u64, mut log: impl FnMut(&str)) -> Sbd {
    // one example list per paragraph-sized chunk, so shuffling mixes documents
    let raw = tag_eval::raw_text(sents);
    let toks = tokenize::tokens(&raw.text);
    let ends: std::collections::HashSet<usize> = raw.sentences.iter().map(|s| s.1).collect();
    let gold_split = |i: usize| ends.contains(&toks[i].end);
    // Examples: (features, label). The sentence length feature uses gold sentence starts.
    let mut examples: Vec<(Vec<u64>, bool)> = Vec::new();
    let mut start = 0;
    for i in 0..toks.len() {
        if i > 0 && (toks[i].gap >= Gap::Line || gold_split(i - 1)) {
            start = i;
        }
        if i + 1 >= toks.len() || toks[i + 1].gap >= Gap::Line {
            continue;
        }
        let rule = tokenize::rule_after(&raw.text, &toks, i);
        if !consulted(&raw.text, &toks, i, rule) {
            continue;
        }
        let mut f = Vec::new();
        features(&raw.text, &toks, i, rule, i + 1 - start, &mut f);
        examples.push((f, gold_split(i)));
    }
    log(&format!("{} candidate points, {} boundaries", examples.len(), examples.iter().filter(|e| e.1).count()));
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = Rng(seed);
    let mut tr = Trainer::new(2, 18);
    for epoch in 0..epochs {
        rng.shuffle(&mut order);
        let mut right = 0;
        for &k in &order {
            let (f, y) = &examples[k];
            let mut s = [0f32; 2];
            tr.model().score_into(f, &mut s);
            let g = (s[1] > s[0]) as usize;
            tr.tick();
            tr.learn(f, *y as usize, g);
            right += (g == *y as usize) as usize;
        }
        log(&format!("epoch {}: train accuracy {:.2}%", epoch + 1, 100.0 * right as f64 / examples.len().max(1) as f64));
    }
    Sbd { model: SparsePerceptron::from_dense(&tr.finish(), 0.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wire_dateline_stays_with_its_story() {
        let sbd = Sbd::load_default().unwrap();
        let sentences = |text: &str| {
            let t = sbd.tokenize(text);
            t.sentences.iter().map(|&(a, b)| text[t.tokens[a].start..t.tokens[b - 1].end].to_string()).collect::<Vec<_>>()
        };
        // the learnt model alone splits after "March" here (the treebank has no datelines)
        assert_eq!(sentences("TOKYO, March 9 - Japanese customers have bought oil from Iran. Prices fell."), ["TOKYO, March 9 - Japanese customers have bought oil from Iran.", "Prices fell."]);
        // a title line above stays a sentence of its own
        assert_eq!(sentences("OIL PRICES FALL\nLONDON - Prices fell on Monday.").len(), 2);
    }
}
