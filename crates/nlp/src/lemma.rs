//! Lemmatizer: an averaged perceptron that picks a suffix edit script (`strip 3 chars, append
//! "y"`, optionally after lowercasing) from the word's affixes and its POS tags. Scripts are
//! learned from a treebank; a script is only chosen when it applies to the word, and the word
//! itself is the fallback, so the output is always a plausible string.
//!
//! Model file: `b"DLLM"`, `u32` version (1), `u32` number of scripts, each script as `u16`
//! length + `L|K <strip> <append>` bytes, then a [`SparsePerceptron`].

use crate::conllu;
use crate::ner::clusters::WordClusters;
use crate::perceptron::{argmax, SparsePerceptron, Trainer};
use crate::tagger::Rng;
use std::collections::HashMap;

/// An edit script: optionally lowercase, remove `strip` trailing chars, append `append`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Script {
    /// Lowercase the form first.
    pub lower: bool,
    /// Characters removed from the end.
    pub strip: usize,
    /// Text appended.
    pub append: String,
}

impl Script {
    /// The script turning `form` into `lemma` (the shortest strip; keeping case on ties).
    pub fn derive(form: &str, lemma: &str) -> Script {
        let cand = |lower: bool| {
            let f: Vec<char> = if lower { form.chars().flat_map(|c| c.to_lowercase()).collect() } else { form.chars().collect() };
            let l: Vec<char> = lemma.chars().collect();
            let lcp = f.iter().zip(&l).take_while(|(a, b)| a == b).count();
            Script { lower, strip: f.len() - lcp, append: l[lcp..].iter().collect() }
        };
        let keep = cand(false);
        if form.chars().any(|c| c.is_uppercase()) {
            let low = cand(true);
            if low.strip < keep.strip {
                return low;
            }
        }
        keep
    }

    /// Applies the script, or `None` when the word is too short for it.
    pub fn apply(&self, form: &str) -> Option<String> {
        let mut s: String = if self.lower { form.chars().flat_map(|c| c.to_lowercase()).collect() } else { form.to_string() };
        if self.strip > 0 {
            let cut = s.char_indices().rev().nth(self.strip - 1)?.0;
            if cut == 0 && self.append.is_empty() {
                return None;
            }
            s.truncate(cut);
        }
        s.push_str(&self.append);
        (!s.is_empty()).then_some(s)
    }

    /// Whether the script can apply to a word of `n` characters.
    fn fits(&self, n: usize) -> bool {
        self.strip < n || (self.strip == n && !self.append.is_empty())
    }

    fn encode(&self) -> String {
        format!("{} {} {}", if self.lower { 'L' } else { 'K' }, self.strip, self.append)
    }

    fn decode(s: &str) -> Option<Script> {
        let mut it = s.splitn(3, ' ');
        let lower = match it.next()? {
            "L" => true,
            "K" => false,
            _ => return None,
        };
        let strip = it.next()?.parse().ok()?;
        Some(Script { lower, strip, append: it.next().unwrap_or("").to_string() })
    }
}

use crate::perceptron::splitmix as mix;

fn h(t: u64, s: &[u8], extra: u64) -> u64 {
    let mut x = 0xcbf2_9ce4_8422_2325u64 ^ t.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for &b in s {
        x ^= b as u64;
        x = x.wrapping_mul(0x0100_0000_01b3);
    }
    mix(x ^ extra.wrapping_mul(0xc2b2_ae3d_27d4_eb4f))
}

fn tag_hash(upos: &str, xpos: &str) -> u64 {
    h(99, upos.as_bytes(), h(98, xpos.as_bytes(), 0))
}

/// Features of a word with its tags; `lower` is the lowercased form.
fn features(form: &str, lower: &str, upos: &str, xpos: &str, out: &mut Vec<u64>) {
    out.clear();
    let t = tag_hash(upos, xpos);
    let u = h(97, upos.as_bytes(), 0);
    out.push(h(0, b"", t));
    out.push(h(1, lower.as_bytes(), 0));
    out.push(h(2, lower.as_bytes(), t));
    for (k, (idx, _)) in lower.char_indices().rev().take(6).enumerate() {
        let suf = &lower.as_bytes()[idx..];
        out.push(h(10 + k as u64, suf, t));
        out.push(h(20 + k as u64, suf, u));
        out.push(h(30 + k as u64, suf, 0));
    }
    let cap = form.chars().next().is_some_and(|c| c.is_uppercase()) as u64;
    let all_cap = (form.chars().any(|c| c.is_uppercase()) && !form.chars().any(|c| c.is_lowercase())) as u64;
    out.push(h(40, b"", t ^ (cap << 1 | all_cap) << 40));
    out.push(h(41, b"", (lower.chars().count().min(12) as u64) << 20 ^ t));
}

/// A trained lemmatizer.
pub struct Lemmatizer {
    model: SparsePerceptron,
    scripts: Vec<Script>,
    /// Words known from unlabeled text: among close-scoring scripts, one whose output is a
    /// known word wins ("acquiring" -> "acquire" rather than "acquir").
    vocab: Option<WordClusters>,
}

/// How far below the best score a script producing a known word may be and still win.
const VOCAB_MARGIN: f32 = 0.6;

/// Scripts seen fewer times than this in training are not classes.
const MIN_SCRIPT_COUNT: usize = 2;

impl Lemmatizer {
    /// The lemmatizer compiled into the binary.
    pub fn load_default() -> Result<Lemmatizer, String> {
        Lemmatizer::from_bytes(crate::models::LEMMA).map_err(|e| format!("built-in lemmatizer model: {e}"))
    }

    /// Reads a model file's bytes.
    pub fn from_bytes(b: &[u8]) -> Result<Lemmatizer, String> {
        if b.len() < 12 || &b[..4] != b"DLLM" {
            return Err("not a dateline lemmatizer model".into());
        }
        let n = u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize;
        let mut pos = 12;
        let mut scripts = Vec::with_capacity(n);
        for _ in 0..n {
            let l = b.get(pos..pos + 2).map(|x| u16::from_le_bytes([x[0], x[1]]) as usize).ok_or("truncated script list")?;
            let s = b.get(pos + 2..pos + 2 + l).ok_or("truncated script list")?;
            let s = std::str::from_utf8(s).map_err(|_| "bad script")?;
            scripts.push(Script::decode(s).ok_or("bad script")?);
            pos += 2 + l;
        }
        let model = SparsePerceptron::load(&b[pos..]).map_err(|e| e.to_string())?;
        if model.n_classes() != scripts.len() {
            return Err("script count does not match the model".into());
        }
        Ok(Lemmatizer { model, scripts, vocab: None })
    }

    /// Serializes the model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = b"DLLM".to_vec();
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&(self.scripts.len() as u32).to_le_bytes());
        for s in &self.scripts {
            let e = s.encode();
            b.extend_from_slice(&(e.len() as u16).to_le_bytes());
            b.extend_from_slice(e.as_bytes());
        }
        self.model.save(&mut b).expect("writing to a Vec cannot fail");
        b
    }

    /// Number of stored weights.
    pub fn nnz(&self) -> usize {
        self.model.nnz()
    }

    /// Sets the vocabulary of known words used to choose between close scripts.
    pub fn set_vocab(&mut self, vocab: WordClusters) {
        self.vocab = Some(vocab);
    }

    /// The lemma of `form` tagged `upos`/`xpos`. `scratch` is reused between calls.
    pub fn lemma(&self, form: &str, upos: &str, xpos: &str, scratch: &mut (Vec<u64>, Vec<f32>)) -> String {
        // very long tokens (URLs, junk) are their own lemma
        if form.len() > 64 {
            return form.to_string();
        }
        let lower: String = form.chars().flat_map(|c| c.to_lowercase()).collect();
        features(form, &lower, upos, xpos, &mut scratch.0);
        scratch.1.clear();
        scratch.1.resize(self.scripts.len(), 0.0);
        self.model.score_into(&scratch.0, &mut scratch.1);
        let n = form.chars().count();
        // numbers: EWT writes their lemma without thousands separators (1,100 -> 1100)
        if upos == "NUM" && form.contains(',') && form.bytes().all(|b| b.is_ascii_digit() || b == b',' || b == b'.') && form.as_bytes()[0].is_ascii_digit() {
            return form.replace(',', "");
        }
        let best = argmax(&scratch.1, |k| self.scripts[k].fits(n));
        let out = self.scripts.get(best).and_then(|s| s.apply(form));
        if let (Some(vocab), Some(l)) = (&self.vocab, &out) {
            if matches!(upos, "VERB" | "NOUN" | "ADJ" | "ADV") && vocab.get(l).is_none() {
                // the best script gives an unknown word: take a close one that gives a known word
                let top = scratch.1[best];
                let mut alt: Option<(f32, String)> = None;
                for (k, sc) in self.scripts.iter().enumerate() {
                    let v = scratch.1[k];
                    if k == best || v < top - VOCAB_MARGIN * top.abs().max(1.0) || !sc.fits(n) || alt.as_ref().is_some_and(|a| a.0 >= v) {
                        continue;
                    }
                    if let Some(c) = sc.apply(form) {
                        if vocab.get(&c).is_some() {
                            alt = Some((v, c));
                        }
                    }
                }
                if let Some((_, c)) = alt {
                    return c;
                }
            }
        }
        out.unwrap_or_else(|| form.to_string())
    }
}

/// Trains a lemmatizer on gold forms and lemmas, with the gold tags or, when given, predicted
/// tags (`tags[sentence][word]`, e.g. jackknifed) so that it learns to live with tagging errors.
pub fn train(sents: &[conllu::Sentence], tags: Option<&[Vec<(String, String)>]>, epochs: usize, seed: u64, bits: u32, mut log: impl FnMut(&str)) -> Lemmatizer {
    let mut counts: HashMap<Script, usize> = HashMap::new();
    let mut items = Vec::new();
    for (si, s) in sents.iter().enumerate() {
        for (wi, w) in s.words.iter().enumerate() {
            let (upos, xpos) = match tags.and_then(|t| t.get(si)).and_then(|t| t.get(wi)) {
                Some((u, x)) => (u.as_str(), x.as_str()),
                None => (w.upos.as_str(), w.xpos.as_str()),
            };
            if w.lemma == "_" || w.form.len() > 64 {
                continue;
            }
            let sc = Script::derive(&w.form, &w.lemma);
            *counts.entry(sc.clone()).or_default() += 1;
            items.push((w, upos, xpos, sc));
        }
    }
    let mut scripts: Vec<(Script, usize)> = counts.into_iter().filter(|x| x.1 >= MIN_SCRIPT_COUNT).collect();
    scripts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let scripts: Vec<Script> = scripts.into_iter().map(|x| x.0).collect();
    let index: HashMap<&Script, usize> = scripts.iter().enumerate().map(|(i, s)| (s, i)).collect();
    let data: Vec<(Vec<u64>, usize, usize)> = items
        .iter()
        .filter_map(|(w, upos, xpos, sc)| {
            let y = *index.get(sc)?;
            let lower: String = w.form.chars().flat_map(|c| c.to_lowercase()).collect();
            let mut f = Vec::new();
            features(&w.form, &lower, upos, xpos, &mut f);
            Some((f, y, w.form.chars().count()))
        })
        .collect();
    log(&format!("{} scripts, {} training words", scripts.len(), data.len()));
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = Rng(seed);
    let mut tr = Trainer::new(scripts.len(), bits);
    let mut scores = vec![0f32; scripts.len()];
    for epoch in 0..epochs {
        rng.shuffle(&mut order);
        let mut right = 0;
        for &k in &order {
            let (f, y, n) = &data[k];
            scores.iter_mut().for_each(|s| *s = 0.0);
            tr.model().score_into(f, &mut scores);
            let g = argmax(&scores, |c| scripts[c].fits(*n));
            tr.tick();
            tr.learn(f, *y, g);
            right += (g == *y) as usize;
        }
        log(&format!("epoch {}: train accuracy {:.2}%", epoch + 1, 100.0 * right as f64 / data.len().max(1) as f64));
    }
    Lemmatizer { model: SparsePerceptron::from_dense(&tr.finish(), 0.0), scripts, vocab: None }
}

#[cfg(test)]
mod tests {
    use super::Script;

    #[test]
    fn scripts_derive_and_apply() {
        for (f, l) in [("went", "go"), ("The", "the"), ("Iraqis", "Iraqi"), ("studies", "study"), ("n't", "not"), ("U.S.", "U.S.")] {
            let s = Script::derive(f, l);
            assert_eq!(s.apply(f).as_deref(), Some(l), "{f} -> {l} via {s:?}");
            assert_eq!(Script::decode(&s.encode()), Some(s));
        }
        assert_eq!(Script::derive("The", "the"), Script { lower: true, strip: 0, append: String::new() });
        let s = Script::derive("studies", "study");
        assert_eq!(s.apply("ies").as_deref(), Some("y"));
        assert_eq!(s.apply("é"), None);
    }
}
