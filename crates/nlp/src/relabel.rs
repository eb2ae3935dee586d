//! Relabeler: once a sentence is parsed and revised, every word's relation is chosen again
//! by an averaged perceptron that reads the finished tree.
//!
//! The parser labels an arc when it makes it ([`crate::parser`]), before the head has its
//! other dependents: it cannot see that a verb's first object has a second one after it
//! (`iobj`), nor the head's own relation, nor what the reviser changed. The relabeler reads
//! the relation the parser gave each word (its strongest clue) with the word, its tags and
//! its head's, the head's relation and the head's head, the word's own dependents, and the
//! head's other dependents near it.
//!
//! It learns from the trees of parsers that did not see the sentence, with jackknifed tags
//! (the reviser's training data, `dateline train parser --revise-folds`, and a second
//! jackknife over another number of parts, `--relabel-folds`), on the words those parsers
//! attached to the right head: so it learns how the parser's labels go wrong under
//! predicted tags.

use crate::parser::Rng;
use crate::perceptron::{argmax, combine, splitmix, SparsePerceptron, Trainer};
use crate::revise::{lower_hash, str_hash};
use std::io;

/// Per word: the values the relabeler's features read.
#[derive(Clone, Copy, Debug, Default)]
pub struct LabTok {
    /// Lowercased form.
    pub w: u64,
    pub upos: u64,
    pub xpos: u64,
    /// The last three characters, lowercased.
    pub suf: u64,
}

impl LabTok {
    pub fn new(form: &str, upos: &str, xpos: &str) -> LabTok {
        let cut = form.char_indices().rev().nth(2).map_or(0, |(i, _)| i);
        LabTok { w: lower_hash(form), upos: str_hash(upos), xpos: str_hash(xpos), suf: lower_hash(&form[cut..]) }
    }
}

/// A parsed sentence with its gold tree, for training (labels are indices into the
/// parser's label list; `u16::MAX`: a gold label the parser does not know).
pub struct Example {
    pub toks: Vec<LabTok>,
    /// The parser's heads (`toks.len()` = the root) and labels.
    pub heads: Vec<usize>,
    pub labels: Vec<u16>,
    pub gold_heads: Vec<usize>,
    pub gold_labels: Vec<u16>,
}

/// A trained relabeler.
pub struct Relabeler {
    model: SparsePerceptron,
    /// Per label: whether the features of a dependent with it read its word (function
    /// words: `case`, `mark`, `cop`, `aux`, `cc`, `det`).
    lexical: Vec<bool>,
    /// Per label: whether a word the parser gave it keeps it unscored (the parser was right
    /// on at least [`TrainOptions::trust`] of such words in training).
    trusted: Vec<bool>,
}

/// Siblings farther than this from the word are not read.
const SIBLING_SPAN: usize = 12;
/// The relabeler file's format version.
const FORMAT: u8 = 1;
const ROOT: u64 = 0x3c6e_f372_fe94_f82b;

/// Reusable buffers of [`Relabeler::relabel`].
#[derive(Default)]
pub struct Scratch {
    /// Dependents of each word in order (`kids[start[h]..start[h + 1]]`), the root's last.
    kids: Vec<u32>,
    start: Vec<u32>,
    fill: Vec<u32>,
    f: Vec<u64>,
    scores: Vec<f32>,
    out: Vec<u16>,
}

impl Scratch {
    fn index(&mut self, heads: &[usize]) {
        let n = heads.len();
        self.start.clear();
        self.start.resize(n + 2, 0);
        for &h in heads {
            self.start[h.min(n) + 1] += 1;
        }
        for i in 0..=n {
            self.start[i + 1] += self.start[i];
        }
        self.kids.clear();
        self.kids.resize(n, 0);
        self.fill.clear();
        self.fill.extend_from_slice(&self.start);
        for (d, &h) in heads.iter().enumerate() {
            let h = h.min(n);
            self.kids[self.fill[h] as usize] = d as u32;
            self.fill[h] += 1;
        }
    }
    fn kids(&self, h: usize) -> &[u32] {
        &self.kids[self.start[h] as usize..self.start[h + 1] as usize]
    }
}

fn lexical(labels: &[String]) -> Vec<bool> {
    labels.iter().map(|l| matches!(l.split(':').next().unwrap_or(l), "case" | "mark" | "cop" | "aux" | "cc" | "det")).collect()
}

/// Fills `f` with the features of word `d` of a tree (`heads[d] == toks.len()`: the root).
fn features(toks: &[LabTok], heads: &[usize], labels: &[u16], lexical: &[bool], sc: &Scratch, d: usize, f: &mut Vec<u64>) {
    f.clear();
    let n = toks.len();
    let h = heads[d];
    let t = toks[d];
    let root = LabTok { w: ROOT, upos: ROOT, xpos: ROOT, suf: ROOT };
    let th = if h < n { toks[h] } else { root };
    let lab = |i: usize| labels[i] as u64 + 1;
    let p1 = lab(d);
    let dir = (h < d) as u64 + 2 * (h >= n) as u64;
    let dist = if h < n { h.abs_diff(d).min(8) as u64 } else { 0 };
    let lh = if h < n { lab(h) } else { ROOT };
    let hh = if h < n { heads[h] } else { n };
    let uhh = if hh < n { toks[hh].upos } else { ROOT };
    let mut add = |template: u64, vals: &[u64]| {
        f.push(splitmix(vals.iter().fold(template.wrapping_mul(0x9e37_79b9_7f4a_7c15), |a, &v| combine(a, v))));
    };
    add(1, &[]);
    add(2, &[p1]);
    add(3, &[p1, t.upos]);
    add(4, &[p1, th.upos, dir]);
    add(5, &[p1, t.xpos, th.xpos, dir]);
    add(6, &[t.upos]);
    add(7, &[t.xpos]);
    add(8, &[th.upos, dir]);
    add(9, &[th.xpos]);
    add(10, &[t.w]);
    add(11, &[t.w, p1]);
    add(12, &[t.suf, t.upos]);
    add(13, &[th.w, dir]);
    add(14, &[dist, t.upos, th.upos]);
    add(15, &[lh, p1]);
    add(16, &[lh, th.upos, t.upos, dir]);
    add(17, &[uhh, lh, p1]);
    // the word's dependents
    for &c in sc.kids(d) {
        let (c, lc) = (c as usize, lab(c as usize));
        add(20, &[lc, p1]);
        add(21, &[lc, t.upos]);
        if lexical[labels[c] as usize] {
            add(22, &[lc, toks[c].w, p1]);
        }
    }
    // the head's other dependents near the word, and on which side of it
    let sibs = sc.kids(h.min(n));
    let from = sibs.partition_point(|&c| (c as usize) + SIBLING_SPAN < d);
    for &c in &sibs[from..] {
        let c = c as usize;
        if c > d + SIBLING_SPAN {
            break;
        }
        if c == d {
            continue;
        }
        let side = (c < d) as u64;
        add(30, &[side, lab(c), p1]);
        add(31, &[side, toks[c].upos, lab(c), t.upos]);
    }
}

impl Relabeler {
    /// Gives every word of the tree `heads` (`toks.len()` = the root) a relation again:
    /// `root` to the root's dependents, the best other one to the rest. `labels` holds
    /// the parser's relations, which the features read.
    pub fn relabel(&self, toks: &[LabTok], heads: &[usize], labels: &mut [u16], root: u16, sc: &mut Scratch) {
        let n = toks.len();
        if heads.len() != n || labels.len() != n || labels.iter().any(|&l| l as usize >= self.lexical.len()) {
            return;
        }
        sc.index(heads);
        sc.out.clear();
        let mut f = std::mem::take(&mut sc.f);
        let mut scores = std::mem::take(&mut sc.scores);
        for d in 0..n {
            if heads[d] >= n {
                sc.out.push(root);
                continue;
            }
            if self.trusted[labels[d] as usize] {
                sc.out.push(labels[d]);
                continue;
            }
            features(toks, heads, labels, &self.lexical, sc, d, &mut f);
            scores.clear();
            scores.resize(self.lexical.len(), 0.0);
            self.model.score_into(&f, &mut scores);
            sc.out.push(argmax(&scores, |l| l != root as usize) as u16);
        }
        labels.copy_from_slice(&sc.out);
        sc.f = f;
        sc.scores = scores;
    }

    /// Writes the model: `b"DLRL"`, the format version (`u8`, 1), three zero bytes, `u32`
    /// label count and a byte per label (1: trusted), then the weights as a
    /// [`SparsePerceptron`] (one class per parser label).
    pub fn save(&self, w: &mut impl io::Write) -> io::Result<()> {
        w.write_all(b"DLRL")?;
        w.write_all(&[FORMAT, 0, 0, 0])?;
        w.write_all(&(self.trusted.len() as u32).to_le_bytes())?;
        w.write_all(&self.trusted.iter().map(|&t| t as u8).collect::<Vec<u8>>())?;
        self.model.save(w)
    }

    /// Reads a model written by [`Relabeler::save`] for a parser with labels `labels`.
    pub fn from_bytes(b: &[u8], labels: &[String]) -> io::Result<Relabeler> {
        let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
        let head = b.get(..8).ok_or_else(|| bad("truncated relabeler model"))?;
        if &head[..4] != b"DLRL" || head[4] != FORMAT {
            return Err(bad("unsupported relabeler model (retrain with `dateline train parser`)"));
        }
        let nl = labels.len();
        let count = b.get(8..12).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize);
        let trusted: Vec<bool> = b.get(12..12 + nl).ok_or_else(|| bad("truncated relabeler model"))?.iter().map(|&t| t != 0).collect();
        let model = SparsePerceptron::load(&b[12 + nl..])?;
        if count != Some(nl) || model.n_classes() != nl || model.bits() > 30 {
            return Err(bad("the relabeler does not fit the parser's labels"));
        }
        Ok(Relabeler { model, lexical: lexical(labels), trusted })
    }
}

/// Training options.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    pub epochs: usize,
    pub bits: u32,
    pub seed: u64,
    /// A label the parser gets right on at least this share of the training words it gives
    /// it (with the right head; and at least [`MIN_TRUSTED`] of them) is trusted: its words
    /// keep it, unscored (punctuation, determiners, auxiliaries: a third of the words).
    pub trust: f64,
    /// Weights below this magnitude are dropped from the model.
    pub min_weight: f32,
}

/// A label needs this many training words to be trusted.
const MIN_TRUSTED: usize = 100;

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { epochs: 5, bits: 18, seed: 1, trust: 0.98, min_weight: 1.0 }
    }
}

/// Trains a relabeler for a parser with labels `labels` on parsed sentences, from the
/// words attached to their gold head (for the others the gold relation belongs to another
/// arc).
pub fn train(examples: &[Example], labels: &[String], opts: &TrainOptions, mut log: impl FnMut(&str)) -> Relabeler {
    let nl = labels.len();
    let lexical = lexical(labels);
    let root = labels.iter().position(|l| l == "root").unwrap_or(0);
    // how often the parser's label is the gold one, per label, on the words it attached right
    let mut seen = vec![(0usize, 0usize); nl];
    for ex in examples {
        for (d, (&h, &l)) in ex.heads.iter().zip(&ex.labels).enumerate() {
            if (l as usize) < nl && Some(&h) == ex.gold_heads.get(d) {
                seen[l as usize].0 += 1;
                seen[l as usize].1 += (ex.gold_labels.get(d) == Some(&l)) as usize;
            }
        }
    }
    let trusted: Vec<bool> = seen.iter().map(|&(n, ok)| n >= MIN_TRUSTED && ok as f64 >= opts.trust * n as f64).collect();
    log(&format!("relabeler: trusted labels {:?}", labels.iter().zip(&trusted).filter(|x| *x.1).map(|x| x.0.as_str()).collect::<Vec<_>>()));
    let mut tr = Trainer::new(nl, opts.bits);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = Rng::new(opts.seed);
    let mut sc = Scratch::default();
    let mut f = Vec::new();
    let mut scores = vec![0f32; nl];
    for epoch in 0..opts.epochs {
        rng.shuffle(&mut order);
        let (mut right, mut total) = (0usize, 0usize);
        for &e in &order {
            let ex = &examples[e];
            let n = ex.toks.len();
            if [ex.heads.len(), ex.labels.len(), ex.gold_heads.len(), ex.gold_labels.len()].iter().any(|&l| l != n) || ex.labels.iter().any(|&l| l as usize >= nl) {
                continue;
            }
            sc.index(&ex.heads);
            for d in 0..n {
                let (h, gold) = (ex.heads[d], ex.gold_labels[d] as usize);
                if h >= n || h != ex.gold_heads[d] || gold >= nl || trusted[ex.labels[d] as usize] {
                    continue;
                }
                features(&ex.toks, &ex.heads, &ex.labels, &lexical, &sc, d, &mut f);
                scores.iter_mut().for_each(|s| *s = 0.0);
                tr.model().score_into(&f, &mut scores);
                let guess = argmax(&scores, |l| l != root);
                tr.tick();
                total += 1;
                right += (guess == gold) as usize;
                tr.learn(&f, gold, guess);
            }
        }
        log(&format!("relabeler epoch {}: {:.2}% of relations right", epoch + 1, 100.0 * right as f64 / total.max(1) as f64));
    }
    let model = SparsePerceptron::from_dense(&tr.finish(), opts.min_weight);
    Relabeler { model, lexical, trusted }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(words: &[(&str, &str, &str)]) -> Vec<LabTok> {
        words.iter().map(|&(f, u, x)| LabTok::new(f, u, x)).collect()
    }

    #[test]
    fn learns_relations_the_parser_gets_wrong_from_the_finished_tree() {
        // labels: 0 root, 1 obj, 2 iobj, 3 nsubj, 4 det
        let labels: Vec<String> = ["root", "obj", "iobj", "nsubj", "det"].iter().map(|s| s.to_string()).collect();
        // "She gave him books" / "She saw him": the parser calls "him" obj both times; the
        // gold relation is iobj exactly when the verb has another object after it
        let two = sentence(&[("She", "PRON", "PRP"), ("gave", "VERB", "VBD"), ("him", "PRON", "PRP"), ("books", "NOUN", "NNS")]);
        let one = sentence(&[("She", "PRON", "PRP"), ("saw", "VERB", "VBD"), ("him", "PRON", "PRP")]);
        let ex = |toks: &Vec<LabTok>, heads: Vec<usize>, labels: Vec<u16>, gold_labels: Vec<u16>| Example { toks: toks.clone(), gold_heads: heads.clone(), heads, labels, gold_labels };
        let examples: Vec<Example> = (0..20)
            .flat_map(|_| [ex(&two, vec![1, 4, 1, 1], vec![3, 0, 1, 1], vec![3, 0, 2, 1]), ex(&one, vec![1, 3, 1], vec![3, 0, 1], vec![3, 0, 1])])
            .collect();
        let r = train(&examples, &labels, &TrainOptions { epochs: 3, bits: 12, min_weight: 0.0, ..Default::default() }, |_| {});
        let mut b = Vec::new();
        r.save(&mut b).unwrap();
        let r = Relabeler::from_bytes(&b, &labels).unwrap();
        assert!(Relabeler::from_bytes(&b, &labels[..4]).is_err(), "a relabeler for other labels is refused");
        let mut sc = Scratch::default();
        let mut l = vec![3, 0, 1, 1];
        r.relabel(&two, &[1, 4, 1, 1], &mut l, 0, &mut sc);
        assert_eq!(l, vec![3, 0, 2, 1]);
        let mut l = vec![3, 0, 1];
        r.relabel(&one, &[1, 3, 1], &mut l, 0, &mut sc);
        assert_eq!(l, vec![3, 0, 1]);
        // the root's dependent gets root, whatever it had; a bad tree is left alone
        let mut l = vec![3, 1, 1];
        r.relabel(&one, &[1, 3, 1], &mut l, 0, &mut sc);
        assert_eq!(l[1], 0);
        let mut l = vec![3, 9, 1];
        r.relabel(&one, &[1, 3, 1], &mut l, 0, &mut sc);
        assert_eq!(l, vec![3, 9, 1]);
    }
}
