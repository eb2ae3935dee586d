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

/// FNV-1a over bytes taken as chars (ASCII), then mixed: [`hash_chars`] of ASCII text.
#[inline]
fn hash_ascii(b: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for &c in b {
        h ^= c as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// Longest word [`WordInfo::new`] handles on its ASCII fast path.
const FAST_LEN: usize = 40;

impl WordInfo {
    /// Computes the hashes of `w`, with its word classes.
    pub fn new(w: &str, wc: &WordClusters) -> WordInfo {
        if w.len() <= FAST_LEN && w.is_ascii() {
            Self::new_ascii(w, wc)
        } else {
            Self::new_chars(w, wc)
        }
    }

    /// [`WordInfo::new`] for ASCII words: the same hashes over bytes, lowercased once.
    fn new_ascii(w: &str, wc: &WordClusters) -> WordInfo {
        let b = w.as_bytes();
        let n = b.len();
        let mut low = [0u8; FAST_LEN];
        for (l, &c) in low.iter_mut().zip(b) {
            *l = c.to_ascii_lowercase();
        }
        let low = &low[..n];
        let mut suf = [0x5eed + n.min(4) as u64; 4];
        for (k, s) in suf.iter_mut().enumerate().take(n) {
            *s = hash_ascii(&low[n - 1 - k..]) ^ (k as u64 + 1);
        }
        let mut pre = [0u64; 3];
        for (m, p) in pre.iter_mut().enumerate() {
            *p = hash_ascii(&low[..(m + 1).min(n)]) ^ ((m as u64 + 1) << 8);
        }
        let (mut last, mut run) = (0u8, 0);
        let (mut digit, mut hyphen) = (false, false);
        let mut sh = 0xcbf2_9ce4_8422_2325u64;
        for &c in b {
            let s = if c.is_ascii_uppercase() {
                b'X'
            } else if c.is_ascii_lowercase() {
                b'x'
            } else if c.is_ascii_digit() {
                b'd'
            } else {
                c
            };
            digit |= s == b'd';
            hyphen |= c == b'-';
            if s == last {
                run += 1;
            } else {
                run = 0;
                last = s;
            }
            if run < 4 {
                sh ^= s as u64;
                sh = sh.wrapping_mul(0x0100_0000_01b3);
            }
        }
        let class = wc.get(w);
        WordInfo {
            form: hash_ascii(b),
            lower: hash_ascii(low),
            suf,
            pre,
            shape: mix(sh),
            cap: b.first().is_some_and(|c| c.is_ascii_uppercase()),
            digit,
            hyphen,
            fine: class.map_or(0xffff, |c| c.fine as u64),
            coarse: class.map_or(0xff, |c| c.coarse as u64),
            capb: class.map_or(9, |c| c.cap as u64),
        }
    }

    /// [`WordInfo::new`] for any word.
    fn new_chars(w: &str, wc: &WordClusters) -> WordInfo {
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
        let class = wc.get(w);
        WordInfo {
            form: hash_chars(w.chars()),
            lower: hash_chars(w.chars().map(lower)),
            suf,
            pre,
            shape,
            cap: w.chars().next().is_some_and(|c| c.is_uppercase()),
            digit,
            hyphen,
            fine: class.map_or(0xffff, |c| c.fine as u64),
            coarse: class.map_or(0xff, |c| c.coarse as u64),
            capb: class.map_or(9, |c| c.cap as u64),
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
    /// The same, as an open-addressing table for run time (see [`Tagger::dict_tag`]).
    dict_fast: Vec<(u64, u16)>,
    /// The weights of both passes (the second also sees the first pass's tags to the right).
    weights: Weights,
    /// Identifies these weights to the per-thread caches of [`Tagger::tag_infos`].
    id: u64,
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
        Tagger::assemble(dict, model, models.next(), tags, clusters)
    }

    /// A tagger from its parts (the passes must have the same table size).
    fn assemble(dict: HashMap<u64, u16>, first: SparsePerceptron, second: Option<SparsePerceptron>, tags: Vec<(String, String)>, clusters: WordClusters) -> Result<Tagger, String> {
        let weights = Weights::new(&first, second.as_ref())?;
        Ok(Tagger { dict_fast: dict_table(&dict), dict, weights, id: new_id(), tags, clusters })
    }

    /// The tag of a dictionary word (by form hash).
    #[inline]
    fn dict_tag(&self, form: u64) -> Option<u16> {
        let mask = self.dict_fast.len() - 1;
        let mut k = (form as usize) & mask;
        loop {
            let (key, t) = self.dict_fast[k];
            if t == u16::MAX {
                return None;
            }
            if key == form {
                return Some(t);
            }
            k = (k + 1) & mask;
        }
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
        let (first, second) = self.weights.models();
        for m in std::iter::once(&first).chain(&second) {
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

    /// How many tags the model knows (ids `0..n_tags()`).
    pub fn n_tags(&self) -> usize {
        self.tags.len()
    }

    /// Number of stored weights.
    pub fn nnz(&self) -> usize {
        self.weights.packed.iter().filter(|&&e| e & 0xffff != 0 && e & 0xffff != 0x8000).count()
    }

    /// Drops weights smaller in magnitude than `min_abs` (a smaller model).
    pub fn prune(&mut self, min_abs: f32) {
        let (first, second) = self.weights.models();
        let (first, second) = (first.pruned(min_abs), second.map(|m| m.pruned(min_abs)));
        self.weights = Weights::new(&first, second.as_ref()).expect("pruning keeps the table sizes");
        self.id = new_id();
    }

    /// The word-class table the features use.
    pub fn clusters(&self) -> &WordClusters {
        &self.clusters
    }

    /// Tags a sentence given its word infos; returns tag ids.
    ///
    /// The greedy decoding of [`decode`] and the second pass, arranged for speed (scoring is
    /// bound by cache misses on the weight rows): the features that do not depend on earlier
    /// tags are extracted for the whole sentence first and their rows fetched together (the
    /// loads overlap), summed once per token, and only the few tag-history features are scored
    /// in the left-to-right loop. Each row holds both passes' weights, so the second pass
    /// finds its rows in cache. Sums are taken in a different order than in training, which
    /// can only matter on (practically absent) exact ties.
    pub fn tag_infos(&self, ws: &[WordInfo], out: &mut Vec<usize>) {
        with_scratch(self.id, |sc| {
            self.begin(sc, ws.len());
            for x in ws {
                self.push_word(sc, x.form, || *x);
            }
            self.tag_fast(ws, out, sc)
        })
    }

    /// Tags a sentence of words, filling `infos` with their [`WordInfo`]s (as
    /// [`WordInfo::new`] gives them) and `out` with their tag ids. The infos of a word type
    /// come from the thread's cache when the type was seen lately.
    pub fn tag_words<'a>(&self, words: impl ExactSizeIterator<Item = &'a str>, infos: &mut Vec<WordInfo>, out: &mut Vec<usize>) {
        with_scratch(self.id, |sc| {
            self.begin(sc, words.len());
            infos.clear();
            for w in words {
                // the same value as `WordInfo::form`
                let form = if w.is_ascii() { hash_ascii(w.as_bytes()) } else { hash_chars(w.chars()) };
                let r = self.push_word(sc, form, || WordInfo::new(w, &self.clusters));
                infos.push(sc.cache.infos[r]);
            }
            self.tag_fast(infos, out, sc)
        })
    }

    /// Starts a sentence of `n` words: ties the cache to this tagger and makes room in it.
    fn begin(&self, sc: &mut Scratch, n: usize) {
        let k = self.tags.len();
        if sc.cache.owner != self.id {
            sc.cache.reset(self.id, k);
        } else if sc.cache.slab.len() + n * ROLES * 2 * k > CACHE_FLOATS || sc.cache.records.len() >= MAX_TYPES {
            sc.cache.compact();
        }
        sc.fixed.clear();
        sc.scored.clear();
        sc.recs.clear();
    }

    /// Adds the next word of the sentence (form hash `form`; `info` computes its infos if
    /// the type is not cached) and returns its cache record.
    #[inline]
    fn push_word(&self, sc: &mut Scratch, form: u64, info: impl FnOnce() -> WordInfo) -> usize {
        let r = sc.cache.record(form, || {
            let x = info();
            (x, self.dict_tag(x.form).unwrap_or(u16::MAX))
        });
        let t = sc.cache.dict[r];
        // tokens tagged by the dictionary; the others get a slot in `scored`
        if t == u16::MAX {
            sc.scored.push(sc.fixed.len());
            sc.fixed.push(usize::MAX);
        } else {
            sc.fixed.push(t as usize);
        }
        sc.recs.push(r);
        r
    }

    /// Tags the sentence [`Tagger::begin`] and [`Tagger::push_word`] set up.
    fn tag_fast(&self, ws: &[WordInfo], out: &mut Vec<usize>, sc: &mut Scratch) {
        out.clear();
        let n = ws.len();
        let k = self.tags.len();
        let w = &self.weights;
        let Scratch { cache, fixed, scored, recs, rows, stat, margins, scores, guess, first, extra } = sc;
        let pad_before = cache.record(PAD_KEY_BEFORE, || (PAD_INFO_BEFORE, u16::MAX));
        let pad_after = cache.record(PAD_KEY_AFTER, || (PAD_INFO_AFTER, u16::MAX));
        // the four role sums token `i` reads: (record, role, word)
        let roles_of = |i: usize| -> [(usize, usize, &WordInfo); 4] {
            [
                (recs[i], ROLE_SELF + (i == 0) as usize, &ws[i]),
                match i.checked_sub(1) {
                    Some(h) => (recs[h], ROLE_LEFT, &ws[h]),
                    None => (pad_before, ROLE_LEFT, &PAD_INFO_BEFORE),
                },
                match ws.get(i + 1) {
                    Some(x) => (recs[i + 1], ROLE_RIGHT, x),
                    None => (pad_after, ROLE_RIGHT, &PAD_INFO_AFTER),
                },
                match ws.get(i + 2) {
                    Some(x) => (recs[i + 2], ROLE_RIGHT2, x),
                    None => (pad_after, ROLE_RIGHT2, &PAD_INFO_AFTER),
                },
            ]
        };
        // the rows of the role sums not cached yet, fetched together
        cache.prefetch(w, 0, scored.iter().flat_map(|&i| roles_of(i)));
        // the rows of the per-position tag-independent features, fetched together
        rows.clear();
        for &i in scored.iter() {
            rows.extend(position_features(ws, i).iter().map(|&f| w.row(f)));
        }
        w.touch(rows.iter().map(|r| r[0]));
        // pass-1 tag-independent sums: the word's own and its neighbours' vectors (cached per
        // word type), plus the per-position rows
        stat.clear();
        stat.resize(scored.len() * k, 0.0);
        for (j, &i) in scored.iter().enumerate() {
            let v = roles_of(i).map(|(rec, role, x)| cache.role(w, 0, role, rec, x));
            let s = &mut stat[j * k..(j + 1) * k];
            cache.sum4(v, s);
            for r in &rows[j * N_POSITION..(j + 1) * N_POSITION] {
                w.add(r[0], r[1], s);
            }
        }
        // guess each tag from those sums and fetch the rows of the word-specific tag-history
        // features the guesses give (usually right, so the loop below finds them in cache)
        guess.clear();
        let mut next = 0;
        for i in 0..n {
            guess.push(if fixed[i] != usize::MAX {
                fixed[i]
            } else {
                let g = argmax(&stat[next * k..(next + 1) * k], |_| true);
                next += 1;
                g
            });
        }
        {
            let tag = |j: isize| if j < 0 { START1 } else { guess[j as usize] as u64 };
            let mut starts = [0u32; N_WORD_HISTORY * 32];
            for chunk in scored.chunks(32) {
                let mut m = 0;
                for &i in chunk {
                    for f in history_features(ws, i, tag(i as isize - 1)) {
                        starts[m] = w.row(f)[0];
                        m += 1;
                    }
                }
                w.touch(starts[..m].iter().copied());
            }
        }
        // pass 1: greedy, left to right
        margins.clear();
        scores.clear();
        scores.resize(k, 0.0);
        let (mut p1, mut p2) = (START1, START2);
        let mut next = 0;
        for i in 0..n {
            let t = if fixed[i] != usize::MAX {
                margins.push(f32::INFINITY);
                fixed[i]
            } else {
                scores.copy_from_slice(&stat[next * k..(next + 1) * k]);
                next += 1;
                let pp = cache.tags_vector(w, 0, p1, p2);
                cache.add_to(pp, scores);
                for f in history_features(ws, i, p1) {
                    let r = w.row(f);
                    w.add(r[0], r[1], scores);
                }
                let (t, margin) = best_two(scores);
                margins.push(margin);
                t
            };
            out.push(t);
            p2 = p1;
            p1 = t as u64;
        }
        if w.passes < 2 || margins.iter().all(|&g| g > SURE_MARGIN) {
            return;
        }
        // pass 2, where pass 1 was unsure: the same tag-independent features (second parts)
        // and the features of the first pass's tags
        first.clear();
        first.extend_from_slice(out);
        extra.clear();
        for &i in scored.iter().filter(|&&i| margins[i] <= SURE_MARGIN) {
            extra.extend(second_features(ws, i, first).iter().map(|&f| w.row(f)));
        }
        w.touch(extra.iter().map(|r| r[1]));
        cache.prefetch(w, 1, scored.iter().filter(|&&i| margins[i] <= SURE_MARGIN).flat_map(|&i| roles_of(i)));
        out.clear();
        let (mut p1, mut p2) = (START1, START2);
        let (mut next, mut unsure) = (0, 0);
        for i in 0..n {
            let t = if fixed[i] != usize::MAX {
                fixed[i]
            } else {
                let j = next;
                next += 1;
                if margins[i] > SURE_MARGIN {
                    first[i]
                } else {
                    let v = roles_of(i).map(|(rec, role, x)| cache.role(w, 1, role, rec, x));
                    scores.iter_mut().for_each(|s| *s = 0.0);
                    cache.sum4(v, scores);
                    for r in &rows[j * N_POSITION..(j + 1) * N_POSITION] {
                        w.add(r[1], r[2], scores);
                    }
                    for r in &extra[unsure * N_SECOND..(unsure + 1) * N_SECOND] {
                        w.add(r[1], r[2], scores);
                    }
                    unsure += 1;
                    let pp = cache.tags_vector(w, 1, p1, p2);
                    cache.add_to(pp, scores);
                    for f in history_features(ws, i, p1).into_iter().chain([second_dynamic(first, i, p1)]) {
                        let r = w.row(f);
                        w.add(r[1], r[2], scores);
                    }
                    best_two(scores).0
                }
            };
            out.push(t);
            p2 = p1;
            p1 = t as u64;
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

/// First-pass decisions whose score beats the runner-up by more than this are kept by the
/// second pass without rescoring. Chosen on EWT dev: 40 leaves dev UPOS unchanged (95.28)
/// and skips most of the second pass (30: 95.27, 20: 95.26, 10: 95.22).
const SURE_MARGIN: f32 = 40.0;

/// Number of per-position tag-independent features ([`position_features`]).
const N_POSITION: usize = 7;
/// Number of word-specific tag-history features ([`history_features`]).
const N_WORD_HISTORY: usize = 4;
/// Number of second-pass features that depend on first-pass tags only ([`second_features`]).
const N_SECOND: usize = 9;

// The tag-independent features of [`features`] for token `i` split by the word they read:
// the word's own (`ROLE_SELF`, or `ROLE_SELF + 1` at the sentence start), the previous
// word's (`ROLE_LEFT`), the next word's (`ROLE_RIGHT`), the one after (`ROLE_RIGHT2`); the
// rest read two words or the word two back ([`position_features`]).
const ROLE_SELF: usize = 0;
const ROLE_LEFT: usize = 2;
const ROLE_RIGHT: usize = 3;
const ROLE_RIGHT2: usize = 4;
const ROLES: usize = 5;

/// The features of word `x` in `role` (see [`ROLE_SELF`]).
fn role_features(x: &WordInfo, role: usize, out: &mut Vec<u64>) {
    out.clear();
    match role {
        ROLE_LEFT => out.extend([f1(11, x.lower), f1(15, x.suf[2]), f1(19, x.shape), f1(43, x.fine)]),
        ROLE_RIGHT => out.extend([f1(13, x.lower), f1(16, x.suf[2]), f1(17, x.suf[1]), f1(18, x.shape), f1(44, x.fine)]),
        ROLE_RIGHT2 => out.extend([f1(14, x.lower), f1(30, x.suf[2]), f1(45, x.coarse)]),
        _ => {
            let first = (role == ROLE_SELF + 1) as u64;
            out.extend([
                f1(0, 0),
                f1(1, x.lower),
                f1(2, x.suf[0]),
                f1(3, x.suf[1]),
                f1(4, x.suf[2]),
                f1(5, x.suf[3]),
                f1(6, x.pre[0]),
                f1(7, x.pre[1]),
                f1(8, x.pre[2]),
                f1(9, x.shape),
                f1(10, x.form),
                f2(27, first, x.shape),
                f2(31, x.cap as u64 | (x.digit as u64) << 1 | (x.hyphen as u64) << 2, first),
                f1(40, x.fine),
                f1(41, x.coarse),
                f2(42, x.capb, first),
                f2(48, x.suf[2], x.coarse),
                f2(49, x.capb, x.shape),
            ]);
        }
    }
}

/// A word standing for the padding before the sentence, as the role features read it.
const PAD_INFO_BEFORE: WordInfo = pad_info(PAD_BEFORE);
/// The same after the sentence.
const PAD_INFO_AFTER: WordInfo = pad_info(PAD_AFTER);
/// Cache keys of the paddings (as if form hashes).
const PAD_KEY_BEFORE: u64 = 0x0bad_cafe_0000_0001;
const PAD_KEY_AFTER: u64 = 0x0bad_cafe_0000_0002;

const fn pad_info(p: u64) -> WordInfo {
    WordInfo { form: p, lower: p, suf: [p; 4], pre: [p; 3], shape: p, cap: false, digit: false, hyphen: false, fine: p, coarse: p, capb: p }
}

/// The tag-independent features of [`features`] for token `i` that are not in a role.
#[inline]
fn position_features(ws: &[WordInfo], i: usize) -> [u64; N_POSITION] {
    let w = &ws[i];
    let at = |j: isize| -> Option<&WordInfo> { if j < 0 { None } else { ws.get(j as usize) } };
    let pad = |j: isize| if j < 0 { PAD_BEFORE } else { PAD_AFTER };
    let i = i as isize;
    let lw = |j: isize| at(j).map_or(pad(j), |x| x.lower);
    let (l1, r1) = (lw(i - 1), lw(i + 1));
    let sh1 = at(i - 1).map_or(PAD_BEFORE, |x| x.shape);
    let fi1 = at(i + 1).map_or(PAD_AFTER, |x| x.fine);
    [f1(12, lw(i - 2)), f2(25, w.lower, r1), f2(26, l1, w.lower), f2(28, r1, lw(i + 2)), f2(32, w.suf[2], r1), f2(33, sh1, w.shape), f2(47, w.fine, fi1)]
}

/// The features of [`features`] that read the previous tag `p1` and the word; the others
/// that read tags ([`tag_features`]) read nothing else.
#[inline]
fn history_features(ws: &[WordInfo], i: usize, p1: u64) -> [u64; N_WORD_HISTORY] {
    let w = &ws[i];
    let r1 = ws.get(i + 1).map_or(PAD_AFTER, |x| x.lower);
    [f2(23, p1, w.lower), f2(24, p1, w.suf[2]), f2(29, p1, r1), f2(46, p1, w.fine)]
}

/// The features of the previous two tags alone.
#[inline]
fn tag_features(p1: u64, p2: u64) -> [u64; 3] {
    [f1(20, p1), f1(21, p2), f2(22, p1, p2)]
}

/// The features [`features2`] adds that depend on the first pass's tags only.
fn second_features(ws: &[WordInfo], i: usize, first: &[usize]) -> [u64; N_SECOND] {
    let w = &ws[i];
    let ft = |j: isize| -> u64 { if j < 0 { START1 } else { first.get(j as usize).map_or(END, |&t| t as u64) } };
    let i = i as isize;
    [
        f1(60, ft(i)),
        f1(61, ft(i + 1)),
        f1(62, ft(i + 2)),
        f2(63, ft(i + 1), ft(i + 2)),
        f2(65, w.lower, ft(i + 1)),
        f2(66, w.suf[2], ft(i + 1)),
        f2(67, ft(i), ft(i + 1)),
        f2(68, w.lower, ft(i)),
        f2(69, w.fine, ft(i + 1)),
    ]
}

/// The feature [`features2`] adds that depends on the previous tag.
#[inline]
fn second_dynamic(first: &[usize], i: usize, p1: u64) -> u64 {
    f2(64, p1, first.get(i + 1).map_or(END, |&t| t as u64))
}

/// The best class (lowest index on ties, as [`argmax`]) and its lead over the runner-up.
#[inline]
fn best_two(scores: &[f32]) -> (usize, f32) {
    let (mut bi, mut b, mut second) = (0, f32::NEG_INFINITY, f32::NEG_INFINITY);
    for (i, &s) in scores.iter().enumerate() {
        if s > b {
            second = b;
            b = s;
            bi = i;
        } else if s > second {
            second = s;
        }
    }
    (bi, b - second)
}

fn new_id() -> u64 {
    NEXT_TAGGER_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The tag dictionary as an open-addressing table (linear probing, at most half full; a
/// slot with tag `u16::MAX` is empty).
fn dict_table(dict: &HashMap<u64, u16>) -> Vec<(u64, u16)> {
    let size = (dict.len() * 2 + 1).next_power_of_two().max(16);
    let mut t = vec![(0u64, u16::MAX); size];
    let mut d: Vec<(&u64, &u16)> = dict.iter().collect();
    d.sort_unstable();
    for (&k, &tag) in d {
        let mut j = (k as usize) & (size - 1);
        while t[j].1 != u16::MAX {
            j = (j + 1) & (size - 1);
        }
        t[j] = (k, tag);
    }
    t
}

/// Both passes' weights in one table, for tagging: row `r` holds the first pass's entries
/// of feature row `r`, then the second pass's, so a row needs one look-up and its two parts
/// share cache lines. Entries are packed as in [`SparsePerceptron`] (`class << 16 |
/// bfloat16 weight`); a part with as many entries as classes is dense (every class, in order).
struct Weights {
    n: usize,
    bits: u32,
    mask: u64,
    passes: usize,
    /// Per row: start of its first-pass part and of its second-pass part; the row ends where
    /// the next begins (one extra row at the end).
    rows: Vec<[u32; 2]>,
    packed: Vec<u32>,
}

impl Weights {
    fn new(first: &SparsePerceptron, second: Option<&SparsePerceptron>) -> Result<Weights, String> {
        let (n, bits) = (first.n_classes(), first.bits());
        if second.is_some_and(|m| m.n_classes() != n || m.bits() != bits) {
            return Err("the tagger's two passes differ in size".into());
        }
        let nrows = 1usize << bits;
        let mut rows = Vec::with_capacity(nrows + 1);
        let mut packed = Vec::new();
        let part = |m: &SparsePerceptron, r: usize, packed: &mut Vec<u32>| {
            // `row` gives dense rows whole (zeros included), sparse rows as stored
            packed.extend(m.row(r).map(|(c, x)| (c as u32) << 16 | x.to_bits() >> 16));
        };
        for r in 0..nrows {
            let a = packed.len() as u32;
            part(first, r, &mut packed);
            let b = packed.len() as u32;
            if let Some(m) = second {
                part(m, r, &mut packed);
            }
            rows.push([a, b]);
        }
        let end = packed.len() as u32;
        rows.push([end, end]);
        Ok(Weights { n, bits, mask: (nrows - 1) as u64, passes: 1 + second.is_some() as usize, rows, packed })
    }

    /// The two models (for saving and pruning).
    fn models(&self) -> (SparsePerceptron, Option<SparsePerceptron>) {
        let part = |p: usize| {
            (0..1usize << self.bits).map(move |r| {
                let (a, b) = if p == 0 { (self.rows[r][0], self.rows[r][1]) } else { (self.rows[r][1], self.rows[r + 1][0]) };
                self.packed[a as usize..b as usize].iter().map(|&e| ((e >> 16) as usize, f32::from_bits(e << 16)))
            })
        };
        let first = SparsePerceptron::from_rows(self.n, self.bits, part(0), 0.0);
        let second = (self.passes > 1).then(|| SparsePerceptron::from_rows(self.n, self.bits, part(1), 0.0));
        (first, second)
    }

    /// `[start of the first part, start of the second part, end]` of feature `f`'s row.
    #[inline]
    fn row(&self, f: u64) -> [u32; 3] {
        let r = (f & self.mask) as usize;
        let [a, b] = self.rows[r];
        [a, b, self.rows[r + 1][0]]
    }

    /// Reads the first entry at each of `starts`, so that the rows are fetched from memory
    /// together (independent loads overlap) before they are added one by one.
    #[inline]
    fn touch(&self, starts: impl Iterator<Item = u32>) {
        let mut acc = 0u32;
        for a in starts {
            acc ^= self.packed.get(a as usize).copied().unwrap_or(0);
        }
        std::hint::black_box(acc);
    }

    /// Adds the entries `a..b` into `scores`.
    #[inline]
    fn add(&self, a: u32, b: u32, scores: &mut [f32]) {
        let p = &self.packed[a as usize..b as usize];
        if p.len() == self.n {
            for (s, &e) in scores.iter_mut().zip(p) {
                *s += f32::from_bits(e << 16);
            }
        } else {
            for &e in p {
                if let Some(s) = scores.get_mut((e >> 16) as usize) {
                    *s += f32::from_bits(e << 16);
                }
            }
        }
    }
}

/// Buffers reused between sentences by [`Tagger::tag_infos`] (one set per thread).
#[derive(Default)]
struct Scratch {
    cache: TypeCache,
    fixed: Vec<usize>,
    scored: Vec<usize>,
    recs: Vec<usize>,
    rows: Vec<[u32; 3]>,
    stat: Vec<f32>,
    margins: Vec<f32>,
    scores: Vec<f32>,
    guess: Vec<usize>,
    first: Vec<usize>,
    extra: Vec<[u32; 3]>,
}

/// Most floats the per-thread cache of summed rows holds before it makes room (32 MB: with
/// 102 tags a word type's sums take 2-4 kB, and news text has tens of thousands of types).
const CACHE_FLOATS: usize = 8 << 20;
/// Most word types the per-thread cache holds before it starts over.
const MAX_TYPES: usize = 100_000;

/// Sums of weight rows that recur, cached per thread: per word type (by form hash) the sum
/// of the rows of each role's features, per pass; per pair of previous tags the sum of
/// [`tag_features`]. A sum is always taken the same way, so results do not depend on what
/// is cached. Tied to one tagger (`owner`). When full, the most used types are kept.
#[derive(Default)]
struct TypeCache {
    owner: u64,
    k: usize,
    /// Form hash -> record index.
    index: crate::perceptron::MixedMap<usize>,
    /// Per record, per pass and role: offset of the sum in `slab`, or `u32::MAX`.
    records: Vec<[[u32; ROLES]; 2]>,
    /// Per record: sentences' tokens that used it since the last compaction.
    uses: Vec<u32>,
    /// Per record: the word's infos.
    infos: Vec<WordInfo>,
    /// Per record: its tag from the tag dictionary, or `u16::MAX`.
    dict: Vec<u16>,
    /// Per pass and previous two tags: offset of the sum in `slab`, or `u32::MAX`.
    tag_pairs: Vec<u32>,
    slab: Vec<f32>,
    feats: Vec<u64>,
    starts: Vec<u32>,
}

/// Tag ids plus the two sentinels, as indices.
#[inline]
fn tag_slot(t: u64, k: usize) -> usize {
    match t {
        START1 => k,
        START2 => k + 1,
        _ => (t as usize).min(k + 1),
    }
}

impl TypeCache {
    fn reset(&mut self, owner: u64, k: usize) {
        self.owner = owner;
        self.k = k;
        self.index.clear();
        self.records.clear();
        self.uses.clear();
        self.infos.clear();
        self.dict.clear();
        self.tag_pairs.clear();
        self.tag_pairs.resize(2 * (k + 2) * (k + 2), u32::MAX);
        self.slab.clear();
    }

    /// Makes room: keeps the sums of the most used word types (up to half the capacity) and
    /// drops the rest. Works in place (the kept sums move down the slab, the kept records
    /// down their vectors), so the memory is reused rather than allocated afresh.
    fn compact(&mut self) {
        let k = self.k;
        let mut order: Vec<(u32, u64, usize)> = self.index.iter().map(|(&f, &r)| (self.uses[r], f, r)).filter(|x| x.0 >= 2).collect();
        order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        // the form of each kept record (`None`: dropped), chosen by use until half the capacity
        let mut forms: Vec<Option<u64>> = vec![None; self.records.len()];
        let (mut floats, mut kept) = (0usize, 0usize);
        for &(_, form, r) in &order {
            if floats >= CACHE_FLOATS / 2 || kept >= MAX_TYPES / 2 {
                break;
            }
            forms[r] = Some(form);
            kept += 1;
            floats += self.records[r].iter().flatten().filter(|&&o| o != u32::MAX).count() * k;
        }
        let slots = self.records.iter_mut().zip(&forms).filter(|(_, f)| f.is_some()).flat_map(|(rec, _)| rec.iter_mut().flatten()).filter(|o| **o != u32::MAX);
        crate::perceptron::pack_blocks(&mut self.slab, k, slots.collect());
        // the kept records, in their old order
        self.index.clear();
        let mut w = 0;
        for (r, form) in forms.iter().enumerate() {
            if let Some(form) = *form {
                self.records[w] = self.records[r];
                self.infos[w] = self.infos[r];
                self.dict[w] = self.dict[r];
                self.index.insert(form, w);
                w += 1;
            }
        }
        self.records.truncate(w);
        self.infos.truncate(w);
        self.dict.truncate(w);
        self.uses.clear();
        self.uses.resize(w, 0);
        self.tag_pairs.iter_mut().for_each(|o| *o = u32::MAX);
    }

    /// The record of a form hash; `new` gives the word's infos and dictionary tag when the
    /// type is new.
    #[inline]
    fn record(&mut self, form: u64, new: impl FnOnce() -> (WordInfo, u16)) -> usize {
        let n = self.records.len();
        let r = *self.index.entry(form).or_insert(n);
        if r == n {
            let (x, t) = new();
            self.records.push([[u32::MAX; ROLES]; 2]);
            self.uses.push(0);
            self.infos.push(x);
            self.dict.push(t);
        }
        self.uses[r] = self.uses[r].saturating_add(1);
        r
    }

    /// Offset in the slab of the sum of `role`'s rows (pass `pass`) for word `x` (record `rec`).
    #[inline]
    fn role(&mut self, w: &Weights, pass: usize, role: usize, rec: usize, x: &WordInfo) -> u32 {
        let o = self.records[rec][pass][role];
        if o != u32::MAX {
            return o;
        }
        role_features(x, role, &mut self.feats);
        let o = self.sum_rows(w, pass);
        self.records[rec][pass][role] = o;
        o
    }

    /// Fetches the rows (pass `pass`) of the role sums among `need` that are not cached, so
    /// that computing them does not wait on one cache miss after another.
    fn prefetch<'a>(&mut self, w: &Weights, pass: usize, need: impl Iterator<Item = (usize, usize, &'a WordInfo)>) {
        let mut starts = std::mem::take(&mut self.starts);
        starts.clear();
        for (rec, role, x) in need {
            if self.records[rec][pass][role] == u32::MAX {
                role_features(x, role, &mut self.feats);
                starts.extend(self.feats.iter().map(|&f| w.row(f)[pass]));
            }
        }
        w.touch(starts.iter().copied());
        self.starts = starts;
    }

    /// Offset in the slab of the sum of [`tag_features`] of `p1`, `p2` (pass `pass`).
    #[inline]
    fn tags_vector(&mut self, w: &Weights, pass: usize, p1: u64, p2: u64) -> u32 {
        let k = self.k;
        let slot = (pass * (k + 2) + tag_slot(p1, k)) * (k + 2) + tag_slot(p2, k);
        let o = self.tag_pairs[slot];
        if o != u32::MAX {
            return o;
        }
        self.feats.clear();
        self.feats.extend(tag_features(p1, p2));
        let o = self.sum_rows(w, pass);
        self.tag_pairs[slot] = o;
        o
    }

    /// Appends the sum of the rows of `self.feats` (pass `pass`) to the slab.
    fn sum_rows(&mut self, w: &Weights, pass: usize) -> u32 {
        let o = self.slab.len();
        self.slab.resize(o + self.k, 0.0);
        let s = &mut self.slab[o..];
        for &f in &self.feats {
            let r = w.row(f);
            w.add(r[pass], r[pass + 1], s);
        }
        o as u32
    }

    /// Adds the sum at `o` into `scores`.
    #[inline]
    fn add_to(&self, o: u32, scores: &mut [f32]) {
        for (s, x) in scores.iter_mut().zip(&self.slab[o as usize..o as usize + self.k]) {
            *s += x;
        }
    }

    /// Adds the four sums at `v` into `scores`, (((a + b) + c) + d) per class.
    #[inline]
    fn sum4(&self, v: [u32; 4], scores: &mut [f32]) {
        let k = self.k;
        let [a, b, c, d] = v.map(|o| &self.slab[o as usize..o as usize + k]);
        for ((((s, a), b), c), d) in scores.iter_mut().zip(a).zip(b).zip(c).zip(d) {
            *s += ((a + b) + c) + d;
        }
    }
}


/// Source of the ids that tie a thread's [`TypeCache`] to one tagger.
static NEXT_TAGGER_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

thread_local! {
    static SCRATCH: std::cell::RefCell<[Scratch; 2]> = std::cell::RefCell::new([Scratch::default(), Scratch::default()]);
}

/// Runs `f` on the thread's scratch space for the tagger `owner` (on a fresh one if it is in
/// use). A thread keeps two, the most recently used first: the POS tagger and the parser's
/// supertagger ([`crate::supertag`]) take turns, and each keeps its cache warm.
fn with_scratch<R>(owner: u64, f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|sc| match sc.try_borrow_mut() {
        Ok(mut sc) => {
            if sc[0].cache.owner != owner {
                // the other slot: this tagger's, or the least recently used
                sc.swap(0, 1);
            }
            f(&mut sc[0])
        }
        Err(_) => f(&mut Scratch::default()),
    })
}

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
    (Tagger::assemble(dict, first, second, tags, clusters).expect("both passes use the same table size"), named)
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

#[cfg(test)]
mod tests {
    use super::*;

    const WORDS: &[&str] = &[
        "", "a", "I", "The", "U.S.", "well-known", "1,234", "2024", "McDonald's", "ALL-CAPS", "x86-64", "don't", "--", "?!",
        "internationalization", "Café", "naïve", "Москва", "東京", "İstanbul", "ß", "e-mail", "aaaaab", "AAAbbb1111",
    ];

    #[test]
    fn ascii_word_hashes_match_the_general_ones() {
        let t = Tagger::load_default().unwrap();
        for w in WORDS.iter().filter(|w| w.is_ascii()) {
            let (a, b) = (WordInfo::new_ascii(w, t.clusters()), WordInfo::new_chars(w, t.clusters()));
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{w:?}");
        }
    }

    /// The features of token `i` the fast tagger scores, in any order.
    fn split_features(ws: &[WordInfo], i: usize, p1: u64, p2: u64) -> Vec<u64> {
        let mut out = Vec::new();
        let mut v = Vec::new();
        role_features(&ws[i], ROLE_SELF + (i == 0) as usize, &mut v);
        out.extend(&v);
        role_features(i.checked_sub(1).map_or(&PAD_INFO_BEFORE, |h| &ws[h]), ROLE_LEFT, &mut v);
        out.extend(&v);
        role_features(ws.get(i + 1).unwrap_or(&PAD_INFO_AFTER), ROLE_RIGHT, &mut v);
        out.extend(&v);
        role_features(ws.get(i + 2).unwrap_or(&PAD_INFO_AFTER), ROLE_RIGHT2, &mut v);
        out.extend(&v);
        out.extend(position_features(ws, i));
        out.extend(history_features(ws, i, p1));
        out.extend(tag_features(p1, p2));
        out
    }

    #[test]
    fn split_features_are_the_trained_ones() {
        let t = Tagger::load_default().unwrap();
        let ws: Vec<WordInfo> = WORDS.iter().map(|w| WordInfo::new(w, t.clusters())).collect();
        let first: Vec<usize> = (0..ws.len()).map(|i| i * 7 % 90).collect();
        let mut want = Vec::new();
        for n in [1, 2, 3, ws.len()] {
            let ws = &ws[..n];
            for i in 0..n {
                for (p1, p2) in [(START1, START2), (3, START1), (5, 9)] {
                    features(ws, i, p1, p2, &mut want);
                    let mut got = split_features(ws, i, p1, p2);
                    want.sort_unstable();
                    got.sort_unstable();
                    assert_eq!(got, want, "token {i} of {n}");
                    features2(ws, i, p1, p2, &first[..n], &mut want);
                    got.extend(second_features(ws, i, &first[..n]));
                    got.push(second_dynamic(&first[..n], i, p1));
                    want.sort_unstable();
                    got.sort_unstable();
                    assert_eq!(got, want, "second pass, token {i} of {n}");
                }
            }
        }
    }

    /// The straightforward two-pass decoding, feature by feature.
    fn reference(t: &Tagger, ws: &[WordInfo]) -> Vec<usize> {
        let (m1, m2) = t.weights.models();
        let mut scores = vec![0f32; t.tags.len()];
        let (mut first, mut margins, mut out) = (Vec::new(), Vec::new(), Vec::new());
        decode(&m1, &t.dict, ws, None, &mut scores, &mut first, Some(&mut margins));
        let Some(m2) = m2 else { return first };
        let mut feats = Vec::new();
        let (mut p1, mut p2) = (START1, START2);
        for i in 0..ws.len() {
            let tag = if margins[i] > SURE_MARGIN {
                first[i]
            } else {
                features2(ws, i, p1, p2, &first, &mut feats);
                scores.iter_mut().for_each(|s| *s = 0.0);
                m2.score_into(&feats, &mut scores);
                argmax(&scores, |_| true)
            };
            out.push(tag);
            p2 = p1;
            p1 = tag as u64;
        }
        out
    }

    #[test]
    fn fast_tagging_agrees_with_the_reference_decoding() {
        let t = Tagger::load_default().unwrap();
        let text = "Russian Foreign Minister Sergei Lavrov met Syrian President Bashar al-Assad in Damascus on Monday . \
            The two leaders discussed new agreements on trade , energy and security , officials said . \
            Protesters clashed with police outside the parliament building late on Tuesday , witnesses told Reuters . \
            `` We will not accept this , '' said the 45-year-old spokesman , who declined to be named . \
            Shares in the company fell 3.5 % to $ 12.40 after it cut its forecast for 2024 . \
            Rebels seized the town ; the army said it would retake it within days .";
        let sents: Vec<Vec<&str>> = text.split(" . ").map(|s| s.split_whitespace().collect()).collect();
        // three times: then from the per-thread cache, then from what compacting it kept
        for round in 0..3 {
            for s in &sents {
                let ws: Vec<WordInfo> = s.iter().map(|w| WordInfo::new(w, t.clusters())).collect();
                assert_eq!(t.tag(s), reference(&t, &ws), "{s:?}");
            }
            if round == 1 {
                SCRATCH.with(|sc| sc.borrow_mut()[0].cache.compact());
            }
        }
        // another tagger on the same thread does not see the first one's cache
        let mut pruned = Tagger::load_default().unwrap();
        pruned.prune(2.0);
        for s in &sents {
            let ws: Vec<WordInfo> = s.iter().map(|w| WordInfo::new(w, pruned.clusters())).collect();
            assert_eq!(pruned.tag(s), reference(&pruned, &ws), "{s:?}");
        }
        assert!(t.tag(&[]).is_empty());
    }
}
