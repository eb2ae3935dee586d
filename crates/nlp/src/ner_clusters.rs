//! Word classes learnt from unlabeled text: features that reach words the small labelled
//! treebanks never saw (the tagger, the parser and the NER each keep a copy in their model).
//!
//! The classes are those of a class bigram model of the text, found by the exchange
//! algorithm (Kneser & Ney 1993; Martin, Liermann & Ney 1998): each word in turn moves to
//! the class that most raises the likelihood of the text, until no word moves or after
//! [`ITERATIONS`] passes. Words that appear in the same contexts end up together, like
//! Brown clusters ("Monday" with "Friday", "Iraq" with "Pakistan"). Two independent
//! clusterings give each word a [`FINE`] class and a [`COARSE`] class. Alongside, each word
//! keeps how often it is capitalized away from the start of a sentence (a proper-noun
//! prior), in eight buckets.
//!
//! File format (little endian): `b"DLWC"`, `u32` version (1), `u32` count, then per word a
//! `u64` key ([`key`]), `u16` fine class, `u8` coarse class, `u8` capitalization bucket.

use std::collections::HashMap;
use std::io::{self, Write};

/// Number of fine classes.
pub const FINE: usize = 256;
/// Number of coarse classes.
pub const COARSE: usize = 64;
/// Most passes of the exchange algorithm over the vocabulary.
const ITERATIONS: usize = 8;

/// Classes of one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WordClass {
    /// Fine class (below [`FINE`]).
    pub fine: u16,
    /// Coarse class.
    pub coarse: u8,
    /// Share of capitalized occurrences away from sentence starts, in eighths.
    pub cap: u8,
}

/// The word → class table: keys sorted (binary-searched), classes alongside. Loading is a
/// straight copy of the file (which is sorted), with no hashing.
#[derive(Clone, Debug, Default)]
pub struct WordClusters {
    keys: Vec<u64>,
    classes: Vec<WordClass>,
}

/// Key of a word: FNV-1a of its lowercased form.
pub fn key(form: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for c in form.chars().flat_map(|c| c.to_lowercase()) {
        let mut b = [0u8; 4];
        for &x in c.encode_utf8(&mut b).as_bytes() {
            h ^= x as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

impl WordClusters {
    /// Classes of `form`, if it was frequent enough in the clustering text.
    #[inline]
    pub fn get(&self, form: &str) -> Option<WordClass> {
        self.keys.binary_search(&key(form)).ok().map(|i| self.classes[i])
    }
    /// Number of words.
    pub fn len(&self) -> usize {
        self.keys.len()
    }
    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The table of `(key, class)` pairs: sorted by key, and on a repeated key the last
    /// pair wins (as inserting into a map would).
    fn from_pairs(mut v: Vec<(u64, WordClass)>) -> WordClusters {
        if !v.windows(2).all(|w| w[0].0 < w[1].0) {
            v.reverse(); // the stable sort then keeps the last of equal keys first
            v.sort_by_key(|e| e.0);
            v.dedup_by_key(|e| e.0);
        }
        WordClusters { keys: v.iter().map(|e| e.0).collect(), classes: v.into_iter().map(|e| e.1).collect() }
    }

    /// Writes the table (sorted by key, so the bytes are reproducible).
    pub fn save(&self, w: &mut impl Write) -> io::Result<()> {
        w.write_all(b"DLWC")?;
        w.write_all(&1u32.to_le_bytes())?;
        w.write_all(&(self.keys.len() as u32).to_le_bytes())?;
        for (k, c) in self.keys.iter().zip(&self.classes) {
            w.write_all(&k.to_le_bytes())?;
            w.write_all(&c.fine.to_le_bytes())?;
            w.write_all(&[c.coarse, c.cap])?;
        }
        Ok(())
    }

    /// Reads a table written by [`WordClusters::save`].
    pub fn load(b: &[u8]) -> io::Result<WordClusters> {
        let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
        if b.len() < 12 || &b[..4] != b"DLWC" || b[4..8] != 1u32.to_le_bytes() {
            return Err(bad("not a dateline word-class table (bad magic or version)"));
        }
        let n = u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize;
        let body = b.get(12..12 + n * 12).ok_or_else(|| bad("truncated word-class table"))?;
        let pairs = body
            .chunks_exact(12)
            .map(|c| {
                let k = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
                (k, WordClass { fine: u16::from_le_bytes([c[8], c[9]]), coarse: c[10], cap: c[11] })
            })
            .collect();
        Ok(WordClusters::from_pairs(pairs))
    }

    /// Learns the classes from sentences of word forms. Words seen fewer than `min_count`
    /// times are left out. Deterministic: the same input gives the same classes.
    pub fn build<'a>(sentences: impl Iterator<Item = Vec<&'a str>>, min_count: u32) -> WordClusters {
        // vocabulary with counts and capitalization away from sentence starts
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut count: Vec<u32> = Vec::new();
        let mut caps: Vec<(u32, u32)> = Vec::new();
        let mut corpus: Vec<Vec<u32>> = Vec::new();
        for sent in sentences {
            let mut s = Vec::with_capacity(sent.len());
            for (i, f) in sent.iter().enumerate() {
                let lower = f.to_lowercase();
                let next = ids.len() as u32;
                let id = *ids.entry(lower).or_insert(next);
                if id == next {
                    count.push(0);
                    caps.push((0, 0));
                }
                count[id as usize] += 1;
                if i > 0 && f.chars().next().is_some_and(|c| c.is_alphabetic()) {
                    caps[id as usize].1 += 1;
                    if f.chars().next().is_some_and(|c| c.is_uppercase()) {
                        caps[id as usize].0 += 1;
                    }
                }
                s.push(id);
            }
            corpus.push(s);
        }
        let mut by_freq: Vec<u32> = (0..count.len() as u32).collect();
        by_freq.sort_by_key(|&i| (std::cmp::Reverse(count[i as usize]), i));
        let vocab: Vec<u32> = by_freq.iter().copied().filter(|&i| count[i as usize] >= min_count).collect();
        let mut row = vec![u32::MAX; count.len()];
        for (r, &i) in vocab.iter().enumerate() {
            row[i as usize] = r as u32;
        }
        let bigrams = Bigrams::new(&corpus, &row, vocab.len());
        drop(corpus);
        let fine = exchange(&bigrams, FINE, ITERATIONS);
        let coarse = exchange(&bigrams, COARSE, ITERATIONS);
        let mut map = Vec::with_capacity(vocab.len());
        for (w, &i) in &ids {
            let r = row[i as usize];
            if r == u32::MAX {
                continue;
            }
            let (c, t) = caps[i as usize];
            let cap = if t == 0 { 8 } else { ((c as f64 / t as f64) * 7.999) as u8 };
            map.push((key(w), WordClass { fine: fine[r as usize] as u16, coarse: coarse[r as usize] as u8, cap }));
        }
        WordClusters::from_pairs(map)
    }
}

/// The bigram counts the exchange algorithm reads, over tokens `0..n` where words outside the
/// vocabulary share one token (`n - 2`) and sentence boundaries are another (`n - 1`).
struct Bigrams {
    /// Every distinct pair with its count, sorted.
    pairs: Vec<((u32, u32), u32)>,
    /// Per token: the other tokens after it, and before it, with counts.
    succ: Vec<Vec<(u32, u32)>>,
    pred: Vec<Vec<(u32, u32)>>,
    /// Per token: how often it follows itself.
    selfc: Vec<u64>,
    /// Per token: its count as the first element of a pair, and as the second.
    left_tot: Vec<u64>,
    right_tot: Vec<u64>,
}

impl Bigrams {
    /// Counts the pairs of `corpus` (word ids), mapping ids to vocabulary rows by `row`
    /// (`u32::MAX`: outside the vocabulary of `n_vocab` rows).
    fn new(corpus: &[Vec<u32>], row: &[u32], n_vocab: usize) -> Bigrams {
        let unk = n_vocab as u32;
        let bound = unk + 1;
        let nw = n_vocab + 2;
        let mut big: HashMap<(u32, u32), u32> = HashMap::new();
        for s in corpus {
            let mut prev = bound;
            for &w in s {
                let r = row[w as usize];
                let t = if r == u32::MAX { unk } else { r };
                *big.entry((prev, t)).or_default() += 1;
                prev = t;
            }
            *big.entry((prev, bound)).or_default() += 1;
        }
        let mut pairs: Vec<((u32, u32), u32)> = big.into_iter().collect();
        pairs.sort_unstable();
        let mut succ: Vec<Vec<(u32, u32)>> = vec![Vec::new(); nw];
        let mut pred: Vec<Vec<(u32, u32)>> = vec![Vec::new(); nw];
        let mut selfc = vec![0u64; nw];
        for &((a, b), n) in &pairs {
            if a == b {
                selfc[a as usize] += n as u64;
            } else {
                succ[a as usize].push((b, n));
                pred[b as usize].push((a, n));
            }
        }
        let left_tot = (0..nw).map(|w| succ[w].iter().map(|x| x.1 as u64).sum::<u64>() + selfc[w]).collect();
        let right_tot = (0..nw).map(|w| pred[w].iter().map(|x| x.1 as u64).sum::<u64>() + selfc[w]).collect();
        Bigrams { pairs, succ, pred, selfc, left_tot, right_tot }
    }
}

/// Exchange clustering (Kneser & Ney 1993; Martin et al. 1998): words are moved one at a
/// time to the class that most raises the likelihood of a class bigram model of the text,
/// into `k` classes, for at most `iters` passes. The out-of-vocabulary token is moved like a
/// word; the sentence boundary keeps a class of its own. Returns the class of each
/// vocabulary row.
fn exchange(bg: &Bigrams, k: usize, iters: usize) -> Vec<usize> {
    let Bigrams { pairs, succ, pred, selfc, left_tot, right_tot } = bg;
    let nw = succ.len();
    let n_vocab = nw - 2;
    let bound = nw - 1;
    let k = k.max(2);
    let kb = k + 1; // the boundary's own class
    // initial classes: vocabulary rows are in frequency order; deal them out in turn
    let mut class: Vec<usize> = (0..nw).map(|w| w % k).collect();
    class[bound] = k;
    let mut m = vec![0i64; kb * kb];
    let mut cl = vec![0i64; kb];
    let mut cr = vec![0i64; kb];
    for &((a, b), n) in pairs {
        let (ca, cb) = (class[a as usize], class[b as usize]);
        m[ca * kb + cb] += n as i64;
        cl[ca] += n as i64;
        cr[cb] += n as i64;
    }
    // x ln x, from a table for the small counts that most cells hold
    let table: Vec<f64> = (0..1 << 16).map(|x: i64| if x == 0 { 0.0 } else { x as f64 * (x as f64).ln() }).collect();
    let f = |x: i64| if (0..1 << 16).contains(&x) { table[x as usize] } else if x <= 0 { 0.0 } else { let x = x as f64; x * x.ln() };
    let mut s_by = vec![0i64; kb];
    let mut p_by = vec![0i64; kb];
    let mut s_nz: Vec<usize> = Vec::new();
    let mut p_nz: Vec<usize> = Vec::new();
    for _ in 0..iters {
        let mut moved = 0;
        for w in 0..nw {
            if w == bound {
                continue;
            }
            let a = class[w];
            // counts of w's neighbours by class
            s_nz.clear();
            p_nz.clear();
            for &(v, n) in &succ[w] {
                let c = class[v as usize];
                if s_by[c] == 0 {
                    s_nz.push(c);
                }
                s_by[c] += n as i64;
            }
            for &(u, n) in &pred[w] {
                let c = class[u as usize];
                if p_by[c] == 0 {
                    p_nz.push(c);
                }
                p_by[c] += n as i64;
            }
            let (sl, lt, rt) = (selfc[w] as i64, left_tot[w] as i64, right_tot[w] as i64);
            // take w out of a
            for &d in &s_nz {
                m[a * kb + d] -= s_by[d];
            }
            for &c in &p_nz {
                m[c * kb + a] -= p_by[c];
            }
            m[a * kb + a] -= sl;
            cl[a] -= lt;
            cr[a] -= rt;
            // the gain of putting w into each class
            let mut best = (f64::MIN, a);
            for b in 0..k {
                let mut g = 0.0;
                for &d in &s_nz {
                    if d != b {
                        let x = m[b * kb + d];
                        g += f(x + s_by[d]) - f(x);
                    }
                }
                for &c in &p_nz {
                    if c != b {
                        let x = m[c * kb + b];
                        g += f(x + p_by[c]) - f(x);
                    }
                }
                let x = m[b * kb + b];
                g += f(x + s_by[b] + p_by[b] + sl) - f(x);
                g -= f(cl[b] + lt) - f(cl[b]) + f(cr[b] + rt) - f(cr[b]);
                if g > best.0 + 1e-9 || (b == a && g >= best.0 - 1e-9) {
                    best = (g, b);
                }
            }
            let b = best.1;
            for &d in &s_nz {
                m[b * kb + d] += s_by[d];
                s_by[d] = 0;
            }
            for &c in &p_nz {
                m[c * kb + b] += p_by[c];
                p_by[c] = 0;
            }
            m[b * kb + b] += sl;
            cl[b] += lt;
            cr[b] += rt;
            if b != a {
                class[w] = b;
                moved += 1;
            }
        }
        if moved == 0 {
            break;
        }
    }
    class.truncate(n_vocab);
    class
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_puts_words_of_the_same_contexts_in_one_class() {
        // word ids: 0-3 cities, 4-7 verbs, 8.. the frame words
        let (city, verb) = ([0u32, 1, 2, 3], [4u32, 5, 6, 7]);
        let (they, arrived, inn, today, she, the, soup) = (8, 9, 10, 11, 12, 13, 14);
        let mut corpus = Vec::new();
        for (i, &c) in city.iter().enumerate() {
            for (j, &v) in verb.iter().enumerate() {
                if (i + j) % 2 == 0 {
                    corpus.push(vec![they, arrived, inn, c, today]);
                }
                corpus.push(vec![she, v, the, soup]);
            }
        }
        let row: Vec<u32> = (0..15).collect();
        let class = exchange(&Bigrams::new(&corpus, &row, 15), 6, 10);
        assert!(city.iter().all(|&c| class[c as usize] == class[0]), "{class:?}");
        assert!(verb.iter().all(|&v| class[v as usize] == class[4]), "{class:?}");
        assert_ne!(class[0], class[4]);
    }

    #[test]
    fn groups_words_by_context_and_round_trips() {
        let mut sents = Vec::new();
        for (i, city) in ["Paris", "London", "Rome", "Cairo"].iter().enumerate() {
            for (j, verb) in ["ate", "drank", "cooked", "sold"].iter().enumerate() {
                if (i + j) % 2 == 0 {
                    sents.push(vec!["they", "arrived", "in", city, "today"]);
                }
                sents.push(vec!["she", verb, "the", "soup", "quickly"]);
            }
        }
        let wc = WordClusters::build(sents.into_iter(), 1);
        assert!(wc.len() > 10);
        assert_eq!(wc.get("paris").map(|c| c.cap), Some(7));
        assert_eq!(wc.get("soup").map(|c| c.cap), Some(0));
        let mut b = Vec::new();
        wc.save(&mut b).unwrap();
        let back = WordClusters::load(&b).unwrap();
        assert_eq!(back.get("Rome"), wc.get("Rome"));
        assert!(WordClusters::load(b"nope").is_err());
        // unsorted input with a repeated key: sorted, and the last pair wins
        let c = |fine| WordClass { fine, coarse: 0, cap: 0 };
        let t = WordClusters::from_pairs(vec![(key("b"), c(1)), (key("a"), c(2)), (key("b"), c(3))]);
        assert_eq!((t.len(), t.get("B"), t.get("a"), t.get("c")), (2, Some(c(3)), Some(c(2)), None));
    }
}

