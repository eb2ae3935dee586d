//! Word classes learnt from unlabeled text, shared by the NER and the parser as features
//! that reach words the small labelled treebanks never saw.
//!
//! Each frequent (lowercased) word is described by the words seen just before and after it
//! (counts over the most frequent context words, square-root damped, randomly projected to
//! [`DIMS`] dimensions and normalized); spherical k-means then groups the words into
//! [`COARSE`] classes, and each class again into [`FINE_PER`] subclasses. Alongside, each
//! word keeps how often it is capitalized away from the start of a sentence (a proper-noun
//! prior), in eight buckets.
//!
//! File format (little endian): `b"DLWC"`, `u32` version (1), `u32` count, then per word a
//! `u64` key ([`key`]), `u16` fine class, `u8` coarse class, `u8` capitalization bucket.

use std::collections::HashMap;
use std::io::{self, Write};

/// Dimensions of the projected context vectors.
const DIMS: usize = 64;
/// Number of coarse classes.
pub const COARSE: usize = 64;
/// Subclasses per coarse class.
pub const FINE_PER: usize = 16;
/// Context words used.
const CONTEXT: usize = 600;

/// Classes of one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WordClass {
    /// Fine class (coarse × FINE_PER + sub).
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
    /// times are left out. Deterministic for a given input and `seed`.
    pub fn build<'a>(sentences: impl Iterator<Item = Vec<&'a str>>, min_count: u32, seed: u64) -> WordClusters {
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
        let mut ctx_index = vec![u16::MAX; count.len()];
        for (k, &i) in by_freq.iter().take(CONTEXT).enumerate() {
            ctx_index[i as usize] = k as u16;
        }
        let vocab: Vec<u32> = by_freq.iter().copied().filter(|&i| count[i as usize] >= min_count).collect();
        let mut row = vec![u32::MAX; count.len()];
        for (r, &i) in vocab.iter().enumerate() {
            row[i as usize] = r as u32;
        }
        // context counts: left neighbours in [0, CONTEXT), right ones in [CONTEXT, 2·CONTEXT)
        let mut ctx: Vec<HashMap<u16, u32>> = vec![HashMap::new(); vocab.len()];
        for s in &corpus {
            for (i, &w) in s.iter().enumerate() {
                let r = row[w as usize];
                if r == u32::MAX {
                    continue;
                }
                let m = &mut ctx[r as usize];
                let left = if i > 0 { ctx_index[s[i - 1] as usize] } else { (CONTEXT - 1) as u16 };
                if left != u16::MAX {
                    *m.entry(left).or_default() += 1;
                }
                let right = s.get(i + 1).map_or((CONTEXT - 1) as u16, |&x| ctx_index[x as usize]);
                if right != u16::MAX {
                    *m.entry(CONTEXT as u16 + right).or_default() += 1;
                }
            }
        }
        drop(corpus);
        // random ±1 projection of each context dimension
        let mut rng = crate::parser::Rng::new(seed);
        let proj: Vec<[f32; DIMS]> = (0..2 * CONTEXT)
            .map(|_| {
                let mut v = [0f32; DIMS];
                let bits = [rng.next(), rng.next()];
                for (d, x) in v.iter_mut().enumerate() {
                    *x = if bits[d / 64] >> (d % 64) & 1 == 1 { 1.0 } else { -1.0 };
                }
                v
            })
            .collect();
        let vecs: Vec<[f32; DIMS]> = ctx
            .iter()
            .map(|m| {
                let mut v = [0f32; DIMS];
                let mut entries: Vec<(&u16, &u32)> = m.iter().collect();
                entries.sort_unstable(); // fixed summation order: reproducible floats
                for (&d, &c) in entries {
                    let w = (c as f32).sqrt();
                    for (x, p) in v.iter_mut().zip(&proj[d as usize]) {
                        *x += w * p;
                    }
                }
                normalize(&mut v);
                v
            })
            .collect();
        let all: Vec<usize> = (0..vecs.len()).collect();
        let coarse = kmeans(&vecs, &all, COARSE, 12, &mut rng);
        let mut fine = vec![0u16; vecs.len()];
        for c in 0..COARSE {
            let members: Vec<usize> = all.iter().copied().filter(|&i| coarse[i] == c).collect();
            let sub = kmeans(&vecs, &members, FINE_PER, 10, &mut rng);
            for (k, &i) in members.iter().enumerate() {
                fine[i] = (c * FINE_PER + sub[k]) as u16;
            }
        }
        let words: Vec<(&String, &u32)> = ids.iter().collect();
        let mut map = Vec::with_capacity(vocab.len());
        for (w, &i) in words {
            let r = row[i as usize];
            if r == u32::MAX {
                continue;
            }
            let (c, t) = caps[i as usize];
            let cap = if t == 0 { 8 } else { ((c as f64 / t as f64) * 7.999) as u8 };
            map.push((key(w), WordClass { fine: fine[r as usize], coarse: coarse[r as usize] as u8, cap }));
        }
        WordClusters::from_pairs(map)
    }
}

fn normalize(v: &mut [f32; DIMS]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

/// Spherical k-means over `vecs[members]`; returns the cluster of each member.
fn kmeans(vecs: &[[f32; DIMS]], members: &[usize], k: usize, iters: usize, rng: &mut crate::parser::Rng) -> Vec<usize> {
    let n = members.len();
    if n == 0 {
        return Vec::new();
    }
    let k = k.min(n);
    // members are in frequency order: seed with evenly spread frequent-to-rare picks
    let mut cent: Vec<[f32; DIMS]> = (0..k).map(|j| vecs[members[(j * n / k + (rng.next() as usize % (n / k).max(1))).min(n - 1)]]).collect();
    let mut assign = vec![0usize; n];
    for _ in 0..iters {
        for (a, &i) in assign.iter_mut().zip(members) {
            let v = &vecs[i];
            let mut best = (f32::MIN, 0);
            for (j, c) in cent.iter().enumerate() {
                let s: f32 = v.iter().zip(c).map(|(x, y)| x * y).sum();
                if s > best.0 {
                    best = (s, j);
                }
            }
            *a = best.1;
        }
        let mut sums = vec![[0f32; DIMS]; k];
        for (&a, &i) in assign.iter().zip(members) {
            for (s, x) in sums[a].iter_mut().zip(&vecs[i]) {
                *s += x;
            }
        }
        for (c, mut s) in cent.iter_mut().zip(sums) {
            if s.iter().any(|&x| x != 0.0) {
                normalize(&mut s);
                *c = s;
            }
        }
    }
    assign
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let wc = WordClusters::build(sents.into_iter(), 1, 7);
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

