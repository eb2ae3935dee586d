//! Part-of-speech tagger: a greedy left-to-right averaged perceptron over hashed features that
//! predicts the (UPOS, PTB XPOS) pair of each token in one decision, so the two tags always agree.
//!
//! Per-word feature parts (lowercased form, affixes, shape) are hashed once per token
//! ([`WordInfo`]); a feature is then a cheap mix of a template number with one or two of those
//! hashes, so tagging allocates nothing per token.
//!
//! Word classes learned from unlabeled news text ([`WordClusters`], shared with the NER and
//! parser) give features that reach words the treebank never saw.
//!
//! Model file: `b"DLTG"`, `u32` version (2), `u32` number of tags, each tag as `u16` length +
//! `UPOS\tXPOS` bytes, `u32` length + the word-class table, (version 3) `u32` count + tag
//! dictionary entries (`u64` form hash, `u16` tag), then one or two (first and second
//! pass) [`SparsePerceptron`]s, each preceded by its `u32` length.

use crate::conllu;
use std::collections::HashMap;
use crate::ner::clusters::WordClusters;
use crate::perceptron::{argmax, SparsePerceptron, Trainer};

/// Hashes of the parts of one word that features use.
#[derive(Clone, Copy, Debug, Default)]
pub struct WordInfo {
    /// Exact form.
    pub form: u64,
    /// Lowercased form.
    pub lower: u64,
    /// Lowercased suffixes of 1..=4 characters.
    pub suf: [u64; 4],
    /// Lowercased prefixes of 1..=3 characters.
    pub pre: [u64; 3],
    /// Word shape (`Xxxxx`, `dd,ddd`), runs capped at 4.
    pub shape: u64,
    /// First character is uppercase.
    pub cap: bool,
    /// Contains a digit.
    pub digit: bool,
    /// Contains a hyphen.
    pub hyphen: bool,
    /// Fine word class (or a marker for unknown words).
    pub fine: u64,
    /// Coarse word class.
    pub coarse: u64,
    /// Capitalization prior bucket (9 = unknown).
    pub capb: u64,
}

const K1: u64 = 0x9e37_79b9_7f4a_7c15;
const K2: u64 = 0xc2b2_ae3d_27d4_eb4f;

use crate::perceptron::splitmix as mix;

/// Hash of a sequence of chars (FNV-1a over the UTF-32 values, then mixed).
#[inline]
fn hash_chars(it: impl Iterator<Item = char>) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for c in it {
        h ^= c as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

#[inline]
fn lower(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

impl WordInfo {
    /// Computes the hashes of `w`, with its word classes.
    pub fn new(w: &str, wc: &WordClusters) -> WordInfo {
        let mut suf = [0u64; 4];
        let mut k = 0;
        for (idx, _) in w.char_indices().rev().take(4) {
            suf[k] = hash_chars(w[idx..].chars().map(lower)) ^ (k as u64 + 1);
            k += 1;
        }
        for s in suf.iter_mut().skip(k) {
            *s = 0x5eed + k as u64; // shorter word: no such suffix
        }
        let mut pre = [0u64; 3];
        for (n, p) in pre.iter_mut().enumerate() {
            *p = hash_chars(w.chars().take(n + 1).map(lower)) ^ ((n as u64 + 1) << 8);
        }
        let mut last = '\0';
        let mut run = 0;
        let (mut digit, mut hyphen) = (false, false);
        let shape = hash_chars(w.chars().filter_map(|c| {
            let s = crate::tokenize::shape_class(c);
            digit |= s == 'd';
            hyphen |= c == '-';
            if s == last {
                run += 1;
            } else {
                run = 0;
                last = s;
            }
            (run < 4).then_some(s)
        }));
        WordInfo {
            form: hash_chars(w.chars()),
            lower: hash_chars(w.chars().map(lower)),
            suf,
            pre,
            shape,
            cap: w.chars().next().is_some_and(|c| c.is_uppercase()),
            digit,
            hyphen,
            fine: wc.get(w).map_or(0xffff, |c| c.fine as u64),
            coarse: wc.get(w).map_or(0xff, |c| c.coarse as u64),
            capb: wc.get(w).map_or(9, |c| c.cap as u64),
        }
    }
}

#[inline]
fn f1(t: u64, a: u64) -> u64 {
    mix(a ^ t.wrapping_mul(K1))
}

#[inline]
fn f2(t: u64, a: u64, b: u64) -> u64 {
    mix(a.wrapping_mul(K2) ^ b ^ t.wrapping_mul(K1))
}

const PAD_BEFORE: u64 = 0x1111_2222_3333_4444;
const PAD_AFTER: u64 = 0x5555_6666_7777_8888;

/// Features of token `i` given the two previous tags (`usize::MAX` style sentinels are fine).
pub fn features(ws: &[WordInfo], i: usize, p1: u64, p2: u64, out: &mut Vec<u64>) {
    out.clear();
    let w = &ws[i];
    let at = |j: isize| -> Option<&WordInfo> { if j < 0 { None } else { ws.get(j as usize) } };
    let i = i as isize;
    let lw = |j: isize| at(j).map_or(if j < 0 { PAD_BEFORE } else { PAD_AFTER }, |x| x.lower);
    let sh = |j: isize| at(j).map_or(if j < 0 { PAD_BEFORE } else { PAD_AFTER }, |x| x.shape);
    let s3 = |j: isize| at(j).map_or(if j < 0 { PAD_BEFORE } else { PAD_AFTER }, |x| x.suf[2]);
    let s2 = |j: isize| at(j).map_or(if j < 0 { PAD_BEFORE } else { PAD_AFTER }, |x| x.suf[1]);
    out.push(f1(0, 0));
    out.push(f1(1, w.lower));
    out.push(f1(2, w.suf[0]));
    out.push(f1(3, w.suf[1]));
    out.push(f1(4, w.suf[2]));
    out.push(f1(5, w.suf[3]));
    out.push(f1(6, w.pre[0]));
    out.push(f1(7, w.pre[1]));
    out.push(f1(8, w.pre[2]));
    out.push(f1(9, w.shape));
    out.push(f1(10, w.form));
    out.push(f1(11, lw(i - 1)));
    out.push(f1(12, lw(i - 2)));
    out.push(f1(13, lw(i + 1)));
    out.push(f1(14, lw(i + 2)));
    out.push(f1(15, s3(i - 1)));
    out.push(f1(16, s3(i + 1)));
    out.push(f1(17, s2(i + 1)));
    out.push(f1(18, sh(i + 1)));
    out.push(f1(19, sh(i - 1)));
    out.push(f1(20, p1));
    out.push(f1(21, p2));
    out.push(f2(22, p1, p2));
    out.push(f2(23, p1, w.lower));
    out.push(f2(24, p1, w.suf[2]));
    out.push(f2(25, w.lower, lw(i + 1)));
    out.push(f2(26, lw(i - 1), w.lower));
    out.push(f2(27, (i == 0) as u64, w.shape));
    out.push(f2(28, lw(i + 1), lw(i + 2)));
    out.push(f2(29, p1, lw(i + 1)));
    out.push(f1(30, s3(i + 2)));
    out.push(f2(31, w.cap as u64 | (w.digit as u64) << 1 | (w.hyphen as u64) << 2, (i == 0) as u64));
    out.push(f2(32, w.suf[2], lw(i + 1)));
    out.push(f2(33, sh(i - 1), w.shape));
    let fi = |j: isize| at(j).map_or(if j < 0 { PAD_BEFORE } else { PAD_AFTER }, |x| x.fine);
    let co = |j: isize| at(j).map_or(if j < 0 { PAD_BEFORE } else { PAD_AFTER }, |x| x.coarse);
    out.push(f1(40, w.fine));
    out.push(f1(41, w.coarse));
    out.push(f2(42, w.capb, (i == 0) as u64));
    out.push(f1(43, fi(i - 1)));
    out.push(f1(44, fi(i + 1)));
    out.push(f1(45, co(i + 2)));
    out.push(f2(46, p1, w.fine));
    out.push(f2(47, w.fine, fi(i + 1)));
    out.push(f2(48, w.suf[2], w.coarse));
    out.push(f2(49, w.capb, w.shape));
}

/// Features of the second pass: the first-pass features plus the first pass's tags around
/// token `i` (`first`), which bring in the right context's decisions.
pub fn features2(ws: &[WordInfo], i: usize, p1: u64, p2: u64, first: &[usize], out: &mut Vec<u64>) {
    features(ws, i, p1, p2, out);
    let w = &ws[i];
    let ft = |j: isize| -> u64 { if j < 0 { START1 } else { first.get(j as usize).map_or(END, |&t| t as u64) } };
    let i = i as isize;
    out.push(f1(60, ft(i)));
    out.push(f1(61, ft(i + 1)));
    out.push(f1(62, ft(i + 2)));
    out.push(f2(63, ft(i + 1), ft(i + 2)));
    out.push(f2(64, p1, ft(i + 1)));
    out.push(f2(65, w.lower, ft(i + 1)));
    out.push(f2(66, w.suf[2], ft(i + 1)));
    out.push(f2(67, ft(i), ft(i + 1)));
    out.push(f2(68, w.lower, ft(i)));
    out.push(f2(69, w.fine, ft(i + 1)));
}

const END: u64 = 0xfff2;

/// Tag sentinels for positions before the sentence.
const START1: u64 = 0xfff0;
const START2: u64 = 0xfff1;

/// A trained tagger.
pub struct Tagger {
    /// Frequent words that practically always have one tag (form hash -> tag): tagged without
    /// scoring, which skips most function words and punctuation.
    dict: HashMap<u64, u16>,
    model: SparsePerceptron,
    /// Second pass, which also sees the first pass's tags to the right.
    second: Option<SparsePerceptron>,
    tags: Vec<(String, String)>,
    clusters: WordClusters,
}

impl Tagger {
    /// The tagger compiled into the binary.
    pub fn load_default() -> Result<Tagger, String> {
        Tagger::from_bytes(crate::models::TAGGER).map_err(|e| format!("built-in tagger model: {e}"))
    }

    /// Reads a model file's bytes.
    pub fn from_bytes(b: &[u8]) -> Result<Tagger, String> {
        if b.len() < 12 || &b[..4] != b"DLTG" || !(b[4..8] == 2u32.to_le_bytes() || b[4..8] == 3u32.to_le_bytes()) {
            return Err("not a dateline tagger model (bad magic or version)".into());
        }
        let version = b[4];
        let n = u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize;
        let mut pos = 12;
        let mut tags = Vec::with_capacity(n);
        for _ in 0..n {
            let l = b.get(pos..pos + 2).map(|x| u16::from_le_bytes([x[0], x[1]]) as usize).ok_or("truncated tag list")?;
            let s = b.get(pos + 2..pos + 2 + l).ok_or("truncated tag list")?;
            let s = std::str::from_utf8(s).map_err(|_| "bad tag name")?;
            let (u, x) = s.split_once('\t').ok_or("bad tag name")?;
            tags.push((u.to_string(), x.to_string()));
            pos += 2 + l;
        }
        let l = b.get(pos..pos + 4).map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]) as usize).ok_or("truncated word classes")?;
        let clusters = WordClusters::load(b.get(pos + 4..pos + 4 + l).ok_or("truncated word classes")?).map_err(|e| e.to_string())?;
        pos += 4 + l;
        let mut dict = HashMap::new();
        if version >= 3 {
            let n = b.get(pos..pos + 4).map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]) as usize).ok_or("truncated tag dictionary")?;
            let body = b.get(pos + 4..pos + 4 + 10 * n).ok_or("truncated tag dictionary")?;
            for e in body.chunks_exact(10) {
                let k = u64::from_le_bytes([e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7]]);
                let t = u16::from_le_bytes([e[8], e[9]]);
                if t as usize >= tags.len() {
                    return Err("tag dictionary entry out of range".into());
                }
                dict.insert(k, t);
            }
            pos += 4 + 10 * n;
        }
        let mut models = Vec::new();
        while pos < b.len() {
            let l = b.get(pos..pos + 4).map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]) as usize).ok_or("truncated model")?;
            let m = SparsePerceptron::load(b.get(pos + 4..pos + 4 + l).ok_or("truncated model")?).map_err(|e| e.to_string())?;
            if m.n_classes() != tags.len() {
                return Err("tag count does not match the model".into());
            }
            models.push(m);
            pos += 4 + l;
        }
        let mut models = models.into_iter();
        let model = models.next().ok_or("no weights in the tagger model")?;
        Ok(Tagger { dict, model, second: models.next(), tags, clusters })
    }

    /// Serializes the model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = b"DLTG".to_vec();
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(&(self.tags.len() as u32).to_le_bytes());
        for (u, x) in &self.tags {
            let s = format!("{u}\t{x}");
            b.extend_from_slice(&(s.len() as u16).to_le_bytes());
            b.extend_from_slice(s.as_bytes());
        }
        let mut c = Vec::new();
        self.clusters.save(&mut c).expect("writing to a Vec cannot fail");
        b.extend_from_slice(&(c.len() as u32).to_le_bytes());
        b.extend_from_slice(&c);
        let mut d: Vec<(&u64, &u16)> = self.dict.iter().collect();
        d.sort_unstable();
        b.extend_from_slice(&(d.len() as u32).to_le_bytes());
        for (k, t) in d {
            b.extend_from_slice(&k.to_le_bytes());
            b.extend_from_slice(&t.to_le_bytes());
        }
        for m in std::iter::once(&self.model).chain(&self.second) {
            let mut v = Vec::new();
            m.save(&mut v).expect("writing to a Vec cannot fail");
            b.extend_from_slice(&(v.len() as u32).to_le_bytes());
            b.extend_from_slice(&v);
        }
        b
    }

    /// The (UPOS, XPOS) pair of tag id `t`.
    pub fn tag_name(&self, t: usize) -> (&str, &str) {
        self.tags.get(t).map_or(("X", "XX"), |(u, x)| (u.as_str(), x.as_str()))
    }

    /// Number of stored weights.
    pub fn nnz(&self) -> usize {
        self.model.nnz() + self.second.as_ref().map_or(0, |m| m.nnz())
    }

    /// Drops weights smaller in magnitude than `min_abs` (a smaller model).
    pub fn prune(&mut self, min_abs: f32) {
        self.model = self.model.pruned(min_abs);
        self.second = self.second.as_ref().map(|m| m.pruned(min_abs));
    }

    /// The word-class table the features use.
    pub fn clusters(&self) -> &WordClusters {
        &self.clusters
    }

    /// Tags a sentence given its word infos; returns tag ids.
    pub fn tag_infos(&self, ws: &[WordInfo], out: &mut Vec<usize>) {
        let mut scores = vec![0f32; self.tags.len()];
        let mut margins = Vec::with_capacity(ws.len());
        decode(&self.model, &self.dict, ws, None, &mut scores, out, Some(&mut margins));
        if let Some(m) = &self.second {
            let first = std::mem::take(out);
            decode2(m, &self.dict, ws, &first, &margins, &mut scores, out);
        }
    }

    /// Tags a sentence of word forms; returns tag ids.
    pub fn tag(&self, words: &[&str]) -> Vec<usize> {
        let ws: Vec<WordInfo> = words.iter().map(|w| WordInfo::new(w, &self.clusters)).collect();
        let mut out = Vec::new();
        self.tag_infos(&ws, &mut out);
        out
    }
}

/// Greedy left-to-right decoding with `m`; `first` holds the first pass's tags for a second pass.
/// First-pass decisions whose score beats the runner-up by more than this are kept by the
/// second pass without rescoring. Chosen on EWT dev: 40 leaves dev UPOS unchanged (95.28)
/// and skips most of the second pass (30: 95.27, 20: 95.26, 10: 95.22).
const SURE_MARGIN: f32 = 40.0;

/// The second pass: rescored where the first pass was unsure, else its tag is kept.
fn decode2(m: &SparsePerceptron, dict: &HashMap<u64, u16>, ws: &[WordInfo], first: &[usize], margins: &[f32], scores: &mut [f32], out: &mut Vec<usize>) {
    out.clear();
    let mut feats = Vec::with_capacity(64);
    let (mut p1, mut p2) = (START1, START2);
    for i in 0..ws.len() {
        let t = if margins.get(i).is_some_and(|&g| g > SURE_MARGIN) {
            first[i]
        } else if let Some(&t) = dict.get(&ws[i].form) {
            t as usize
        } else {
            features2(ws, i, p1, p2, first, &mut feats);
            scores.iter_mut().for_each(|s| *s = 0.0);
            m.score_into(&feats, scores);
            argmax(scores, |_| true)
        };
        out.push(t);
        p2 = p1;
        p1 = t as u64;
    }
}

#[allow(clippy::too_many_arguments)]
fn decode(
    m: &SparsePerceptron,
    dict: &HashMap<u64, u16>,
    ws: &[WordInfo],
    first: Option<&[usize]>,
    scores: &mut [f32],
    out: &mut Vec<usize>,
    mut margins: Option<&mut Vec<f32>>,
) {
    out.clear();
    if let Some(g) = margins.as_deref_mut() {
        g.clear();
    }
    let mut feats = Vec::with_capacity(64);
    let (mut p1, mut p2) = (START1, START2);
    for i in 0..ws.len() {
        if let Some(&t) = dict.get(&ws[i].form) {
            out.push(t as usize);
            if let Some(g) = margins.as_deref_mut() {
                g.push(f32::INFINITY);
            }
            p2 = p1;
            p1 = t as u64;
            continue;
        }
        match first {
            Some(f) => features2(ws, i, p1, p2, f, &mut feats),
            None => features(ws, i, p1, p2, &mut feats),
        }
        scores.iter_mut().for_each(|s| *s = 0.0);
        m.score_into(&feats, scores);
        let t = argmax(scores, |_| true);
        if let Some(g) = margins.as_deref_mut() {
            let second = scores.iter().enumerate().filter(|&(k, _)| k != t).map(|(_, &v)| v).fold(f32::NEG_INFINITY, f32::max);
            g.push(scores[t] - second);
        }
        out.push(t);
        p2 = p1;
        p1 = t as u64;
    }
}

/// Training settings.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// Passes over the data.
    pub epochs: usize,
    /// Seed of the sentence shuffling.
    pub seed: u64,
    /// Feature table size (log2 rows).
    pub bits: u32,
    /// Weights below this magnitude are dropped from the saved model.
    pub prune: f32,
    /// Folds for the jackknifed first-pass tags the second pass learns from (0: one pass).
    pub folds: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { epochs: 10, seed: 1, bits: 18, prune: 0.0, folds: 4 }
    }
}

/// A small deterministic PRNG (splitmix64) for shuffling.
pub struct Rng(pub u64);

impl Rng {
    /// Next random number.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }
    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Trains a tagger on `sents` with word classes `clusters`; `log` receives one line per epoch.
pub fn train(sents: &[conllu::Sentence], clusters: WordClusters, opts: &TrainOptions, log: impl FnMut(&str)) -> Tagger {
    train_jackknifed(sents, clusters, opts, log).0
}

/// [`train`], also returning for every training sentence the (UPOS, XPOS) tags predicted by a
/// first-pass model that did not see it (empty when `opts.folds < 2`), so that later models
/// (the lemmatizer) can learn from realistic tags.
pub fn train_jackknifed(
    sents: &[conllu::Sentence],
    clusters: WordClusters,
    opts: &TrainOptions,
    mut log: impl FnMut(&str),
) -> (Tagger, Vec<Vec<(String, String)>>) {
    // tag inventory, most frequent first (ties by name) so ids are reproducible
    let mut counts: std::collections::HashMap<(String, String), usize> = Default::default();
    for s in sents {
        for w in &s.words {
            *counts.entry((w.upos.clone(), w.xpos.clone())).or_default() += 1;
        }
    }
    let mut tags: Vec<((String, String), usize)> = counts.into_iter().collect();
    tags.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let tags: Vec<(String, String)> = tags.into_iter().map(|x| x.0).collect();
    let index: std::collections::HashMap<&(String, String), usize> = tags.iter().enumerate().map(|(i, t)| (t, i)).collect();
    let data: Vec<(Vec<WordInfo>, Vec<usize>)> = sents
        .iter()
        .map(|s| {
            let ws = s.words.iter().map(|w| WordInfo::new(&w.form, &clusters)).collect();
            let ys = s.words.iter().map(|w| index[&(w.upos.clone(), w.xpos.clone())]).collect();
            (ws, ys)
        })
        .collect();
    // tag dictionary: frequent words seen with one tag at least 99.5% of the time
    let mut seen: HashMap<u64, HashMap<usize, usize>> = HashMap::new();
    for (ws, ys) in &data {
        for (w, &y) in ws.iter().zip(ys) {
            *seen.entry(w.form).or_default().entry(y).or_default() += 1;
        }
    }
    let dict: HashMap<u64, u16> = seen
        .into_iter()
        .filter_map(|(k, c)| {
            let n: usize = c.values().sum();
            let (&t, &m) = c.iter().max_by_key(|(t, m)| (**m, std::cmp::Reverse(**t)))?;
            (n >= 50 && m as f64 >= 0.995 * n as f64).then_some((k, t as u16))
        })
        .collect();
    log(&format!("tag dictionary: {} words", dict.len()));
    let all: Vec<usize> = (0..data.len()).collect();
    log("first pass");
    let first = train_pass(&data, &dict, &all, None, tags.len(), opts, &mut log);
    let second = if opts.folds >= 2 {
        // first-pass tags of every training sentence from a model that did not see it
        let mut jack: Vec<Vec<usize>> = vec![Vec::new(); data.len()];
        let mut scores = vec![0f32; tags.len()];
        for fold in 0..opts.folds {
            let train_ids: Vec<usize> = all.iter().copied().filter(|k| k % opts.folds != fold).collect();
            log(&format!("fold {}/{}", fold + 1, opts.folds));
            let m = train_pass(&data, &dict, &train_ids, None, tags.len(), opts, &mut log);
            for k in all.iter().copied().filter(|k| k % opts.folds == fold) {
                decode(&m, &dict, &data[k].0, None, &mut scores, &mut jack[k], None);
            }
        }
        log("second pass");
        Some((train_pass(&data, &dict, &all, Some(&jack), tags.len(), opts, &mut log), jack))
    } else {
        None
    };
    let (second, jack) = match second {
        Some((m, j)) => (Some(m), j),
        None => (None, Vec::new()),
    };
    let named = jack.iter().map(|s| s.iter().map(|&t| tags[t].clone()).collect()).collect();
    (Tagger { dict, model: first, second, tags, clusters }, named)
}

/// Trains one pass on `data[ids]`; a second pass when `first` holds first-pass tags.
fn train_pass(
    data: &[(Vec<WordInfo>, Vec<usize>)],
    dict: &HashMap<u64, u16>,
    ids: &[usize],
    first: Option<&[Vec<usize>]>,
    n_tags: usize,
    opts: &TrainOptions,
    log: &mut impl FnMut(&str),
) -> SparsePerceptron {
    let mut order = ids.to_vec();
    let mut rng = Rng(opts.seed);
    let mut tr = Trainer::new(n_tags, opts.bits);
    let mut feats = Vec::with_capacity(64);
    let mut scores = vec![0f32; n_tags];
    for epoch in 0..opts.epochs {
        rng.shuffle(&mut order);
        let (mut right, mut total) = (0usize, 0usize);
        for &k in &order {
            let (ws, ys) = &data[k];
            let (mut p1, mut p2) = (START1, START2);
            for i in 0..ws.len() {
                if let Some(&t) = dict.get(&ws[i].form) {
                    p2 = p1;
                    p1 = t as u64;
                    continue;
                }
                match first {
                    Some(f) => features2(ws, i, p1, p2, &f[k], &mut feats),
                    None => features(ws, i, p1, p2, &mut feats),
                }
                scores.iter_mut().for_each(|s| *s = 0.0);
                tr.model().score_into(&feats, &mut scores);
                let g = argmax(&scores, |_| true);
                tr.tick();
                tr.learn(&feats, ys[i], g);
                right += (g == ys[i]) as usize;
                total += 1;
                p2 = p1;
                // train on the predicted history, as at run time
                p1 = g as u64;
            }
        }
        log(&format!("epoch {}: train accuracy {:.2}%", epoch + 1, 100.0 * right as f64 / total.max(1) as f64));
    }
    SparsePerceptron::from_dense(&tr.finish(), opts.prune)
}
