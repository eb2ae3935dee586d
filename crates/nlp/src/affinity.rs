//! Lexical affinities: how often words were seen attached to each other in parsed news
//! (after Chen et al. 2009, "Improving dependency parsing with subtrees from auto-parsed
//! data", and Hindle & Rooth 1993 for prepositions).
//!
//! A treebank of 200,000 words says little about which verb takes which preposition or
//! which noun heads which other noun; a few million words of news parsed by the parser
//! itself say more, even with its errors. [`Counts`] counts, over parsed sentences, each
//! (head word, dependent word, side) arc, each head word with the preposition (the first
//! `case`, `mark` or `cc` dependent) of one of its dependents, and each (head word,
//! preposition, dependent word) triple. [`Affinity`] keeps, for the pairs and triples
//! seen at least a few times, small bands of those counts, which the tree reviser
//! ([`crate::revise`]) reads for every candidate head. Words are lowercased forms
//! ([`crate::revise::lower_hash`]).
//!
//! Bands: for an arc, the count in powers of two (1, 2-3, 4-7, … 128+) and the share of
//! the dependent word's arcs on that side that went to that head; for a head and a
//! preposition, the share of the head word's occurrences that had a dependent with it; for
//! a triple, the count in powers of two. A band is 1-9; 0 means not in the table.
//!
//! Format (little endian): `b"DLAF"`, `u32` version (1), `u32` number of keys, then the keys
//! (32-bit hashes, ascending) as varint gaps, then one byte per key (two bands: high and
//! low nibble).

use crate::perceptron::{combine, splitmix};
use crate::revise::rel_hash;
use std::collections::HashMap;
use std::io;

/// What a key counts.
#[derive(Clone, Copy)]
enum Kind {
    /// (head, dependent), the head left of the dependent.
    ArcLeft = 1,
    /// (head, dependent), the head right of the dependent.
    ArcRight = 2,
    /// (head, preposition of a dependent).
    Prep = 3,
    /// (head, preposition, dependent).
    Triple = 4,
}

fn key(kind: Kind, words: &[u64]) -> u32 {
    let h = words.iter().fold(0xa0f1_3c5e_77d2_9b41u64 ^ kind as u64, |h, &w| combine(h, w));
    (splitmix(h) >> 32) as u32
}

/// Share bands' lower edges.
const SHARES: [f64; 8] = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5];

fn share_band(part: u32, whole: u32) -> u8 {
    let r = part as f64 / whole.max(1) as f64;
    1 + SHARES.iter().filter(|&&x| r >= x).count() as u8
}

fn count_band(c: u32) -> u8 {
    (1 + c.max(1).ilog2()).min(8) as u8 + 1
}

/// A table of affinity bands (see the module documentation).
pub struct Affinity {
    /// Open addressing, one `u32` per slot: the key's top 24 bits and its band byte (0: an
    /// empty slot; every stored band byte is non-zero), so a lookup reads one cache line.
    entries: Vec<u32>,
    len: usize,
    /// The table as saved ([`Affinity::save`]).
    saved: Vec<u8>,
}

/// The file form of `sorted` (keys ascending and distinct; module documentation).
fn encode(sorted: &[(u32, u8)]) -> Vec<u8> {
    let mut saved = Vec::with_capacity(12 + sorted.len() * 4);
    saved.extend_from_slice(b"DLAF");
    saved.extend_from_slice(&1u32.to_le_bytes());
    saved.extend_from_slice(&(sorted.len() as u32).to_le_bytes());
    let mut last = 0u32;
    for &(k, _) in sorted {
        // the gap to the previous key, seven bits a byte, the high bit saying more follow
        let mut g = k - last;
        last = k;
        while g >= 0x80 {
            saved.push((g & 0x7f) as u8 | 0x80);
            g >>= 7;
        }
        saved.push(g as u8);
    }
    saved.extend(sorted.iter().map(|x| x.1));
    saved
}

/// Bits of a key that an entry keeps (the rest are the band).
const KEY_BITS: u32 = 0xffff_ff00;

impl Affinity {
    /// The table of `sorted` (keys ascending and distinct, bands non-zero), saved as
    /// `saved` ([`encode`]).
    fn new(sorted: &[(u32, u8)], saved: Vec<u8>) -> Affinity {
        let cap = (sorted.len() * 2).next_power_of_two().max(16);
        let mut entries = vec![0u32; cap];
        for &(k, b) in sorted {
            let mut i = k as usize & (cap - 1);
            while entries[i] != 0 {
                i = (i + 1) & (cap - 1);
            }
            entries[i] = (k & KEY_BITS) | b.max(1) as u32;
        }
        Affinity { entries, len: sorted.len(), saved }
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn get(&self, k: u32) -> u8 {
        let Some(m) = self.entries.len().checked_sub(1) else { return 0 };
        let mut i = k as usize & m;
        loop {
            match self.entries[i] {
                0 => return 0,
                e if e & KEY_BITS == k & KEY_BITS => return e as u8,
                _ => i = (i + 1) & m,
            }
        }
    }

    /// Hints the cache lines that [`Affinity::arc`], and with a preposition
    /// [`Affinity::prep`] and [`Affinity::triple`], will read.
    pub fn prefetch(&self, head: u64, dep: u64, head_left: bool, prep: Option<u64>) {
        let Some(m) = self.entries.len().checked_sub(1) else { return };
        let touch = |k: u32| crate::parser::prefetch(self.entries.as_ptr().wrapping_add(k as usize & m));
        touch(key(if head_left { Kind::ArcLeft } else { Kind::ArcRight }, &[head, dep]));
        if let Some(p) = prep {
            touch(key(Kind::Prep, &[head, p]));
            touch(key(Kind::Triple, &[head, p, dep]));
        }
    }

    /// The count band and the share band of the arc `head` → `dep` (0 when unseen).
    pub fn arc(&self, head: u64, dep: u64, head_left: bool) -> (u64, u64) {
        let b = self.get(key(if head_left { Kind::ArcLeft } else { Kind::ArcRight }, &[head, dep]));
        ((b >> 4) as u64, (b & 15) as u64)
    }

    /// The share band of `head` having a dependent with preposition `prep`.
    pub fn prep(&self, head: u64, prep: u64) -> u64 {
        (self.get(key(Kind::Prep, &[head, prep])) & 15) as u64
    }

    /// The count band of the triple (head, preposition, dependent).
    pub fn triple(&self, head: u64, prep: u64, dep: u64) -> u64 {
        (self.get(key(Kind::Triple, &[head, prep, dep])) & 15) as u64
    }

    pub fn save(&self, w: &mut impl io::Write) -> io::Result<()> {
        w.write_all(&self.saved)
    }

    /// Reads a table written by [`Affinity::save`]; returns it and the bytes it took.
    pub fn from_bytes(b: &[u8]) -> io::Result<(Affinity, usize)> {
        let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, format!("affinity table: {m}"));
        if b.len() < 12 || &b[..4] != b"DLAF" {
            return Err(bad("not an affinity table"));
        }
        if u32::from_le_bytes([b[4], b[5], b[6], b[7]]) != 1 {
            return Err(bad("unknown version"));
        }
        let n = u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize;
        if n > b.len() {
            return Err(bad("truncated"));
        }
        let mut pos = 12;
        let mut keys = Vec::with_capacity(n);
        let mut last = 0u64;
        for _ in 0..n {
            let (mut g, mut shift) = (0u64, 0);
            loop {
                let &x = b.get(pos).ok_or_else(|| bad("truncated"))?;
                pos += 1;
                if shift > 28 {
                    return Err(bad("bad gap"));
                }
                g |= ((x & 0x7f) as u64) << shift;
                shift += 7;
                if x & 0x80 == 0 {
                    break;
                }
            }
            last += g;
            if last > u32::MAX as u64 || (!keys.is_empty() && g == 0) {
                return Err(bad("keys out of order"));
            }
            keys.push(last as u32);
        }
        let bands = b.get(pos..pos + n).ok_or_else(|| bad("truncated"))?;
        if bands.contains(&0) {
            return Err(bad("a key without a band"));
        }
        let sorted: Vec<(u32, u8)> = keys.into_iter().zip(bands.iter().copied()).collect();
        Ok((Affinity::new(&sorted, b[..pos + n].to_vec()), pos + n))
    }
}

/// Counts over parsed sentences, turned into an [`Affinity`] table by [`Counts::finish`].
#[derive(Default)]
pub struct Counts {
    /// (head, dependent, head on the left) → arcs.
    arcs: HashMap<(u64, u64, bool), u32>,
    /// (head, preposition) → arcs to a dependent with that preposition.
    preps: HashMap<(u64, u64), u32>,
    /// (head, preposition, dependent) → arcs.
    triples: HashMap<(u64, u64, u64), u32>,
    /// (dependent, head on the left) → arcs.
    dep_side: HashMap<(u64, bool), u32>,
    /// Word → occurrences.
    words: HashMap<u64, u32>,
    /// Sentences and words counted.
    pub sentences: usize,
    pub tokens: usize,
}

/// A head word with fewer occurrences than this gets no preposition share.
const MIN_HEAD_FOR_SHARE: u32 = 5;

impl Counts {
    /// Counts one parsed sentence: per word its [`crate::revise::lower_hash`], its head
    /// (`words.len()` or more: the root) and its relation ([`crate::revise::rel_hash`]; the
    /// first `case`, `mark` or `cc` dependent of a word is its preposition, as the reviser
    /// reads it).
    pub fn add(&mut self, words: &[u64], heads: &[usize], rels: &[u64]) {
        let n = words.len();
        if heads.len() != n || rels.len() != n {
            return;
        }
        let preps = [rel_hash("case"), rel_hash("mark"), rel_hash("cc")];
        let prep_rel: Vec<bool> = rels.iter().map(|r| preps.contains(r)).collect();
        self.sentences += 1;
        self.tokens += n;
        let mut prep = vec![usize::MAX; n];
        for d in 0..n {
            let h = heads[d];
            if h < n && prep_rel[d] && prep[h] == usize::MAX {
                prep[h] = d;
            }
        }
        for d in 0..n {
            *self.words.entry(words[d]).or_default() += 1;
            let h = heads[d];
            if h >= n {
                continue;
            }
            let left = h < d;
            *self.arcs.entry((words[h], words[d], left)).or_default() += 1;
            *self.dep_side.entry((words[d], left)).or_default() += 1;
            if prep[d] < n {
                let p = words[prep[d]];
                *self.preps.entry((words[h], p)).or_default() += 1;
                *self.triples.entry((words[h], p, words[d])).or_default() += 1;
            }
        }
    }

    /// The table of the pairs and triples seen at least `min_count` times.
    pub fn finish(&self, min_count: u32) -> Affinity {
        let mut out: Vec<(u32, u8)> = Vec::new();
        for (&(h, d, left), &c) in &self.arcs {
            if c >= min_count {
                let total = self.dep_side.get(&(d, left)).copied().unwrap_or(c);
                out.push((key(if left { Kind::ArcLeft } else { Kind::ArcRight }, &[h, d]), count_band(c) << 4 | share_band(c, total)));
            }
        }
        for (&(h, p), &c) in &self.preps {
            let hc = self.words.get(&h).copied().unwrap_or(0);
            if c >= min_count && hc >= MIN_HEAD_FOR_SHARE {
                out.push((key(Kind::Prep, &[h, p]), share_band(c, hc)));
            }
        }
        for (&(h, p, d), &c) in &self.triples {
            if c >= min_count {
                out.push((key(Kind::Triple, &[h, p, d]), count_band(c)));
            }
        }
        // keys that collide keep the first band in key order (rare: 32-bit keys)
        out.sort_unstable();
        out.dedup_by_key(|x| x.0);
        Affinity::new(&out, encode(&out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revise::lower_hash;

    fn sentence(c: &mut Counts, words: &[&str], heads: &[usize], preps: &[usize]) {
        let w: Vec<u64> = words.iter().map(|x| lower_hash(x)).collect();
        let r: Vec<u64> = (0..words.len()).map(|i| rel_hash(if preps.contains(&i) { "case" } else { "dep" })).collect();
        c.add(&w, heads, &r);
    }

    #[test]
    fn counts_become_bands_that_save_and_load() {
        let mut c = Counts::default();
        // "troops arrived in Kabul": in -> Kabul -> arrived (root)
        for _ in 0..6 {
            sentence(&mut c, &["troops", "arrived", "in", "Kabul"], &[1, 4, 3, 1], &[2]);
        }
        sentence(&mut c, &["talks", "in", "Geneva"], &[3, 2, 0], &[1]);
        let a = c.finish(2);
        let w = |s: &str| lower_hash(s);
        // seen 6 times: count band 1 + ilog2(6) + 1 = 4; every "kabul" arc on that side
        assert_eq!(a.arc(w("arrived"), w("kabul"), true), (4, 9));
        assert_eq!(a.arc(w("ARRIVED"), w("Kabul"), true), (4, 9), "words are lowercased");
        assert_eq!(a.arc(w("kabul"), w("arrived"), true), (0, 0), "the side counts");
        assert!(a.prep(w("arrived"), w("in")) > 0);
        assert_eq!(a.triple(w("arrived"), w("in"), w("kabul")), 4);
        // seen once: below the minimum count
        assert_eq!(a.arc(w("talks"), w("geneva"), true), (0, 0));
        assert_eq!(a.prep(w("talks"), w("in")), 0);
        let mut b = Vec::new();
        a.save(&mut b).unwrap();
        let (back, len) = Affinity::from_bytes(&b).unwrap();
        assert_eq!(len, b.len());
        assert_eq!(back.len(), a.len());
        assert_eq!(back.arc(w("arrived"), w("kabul"), true), (4, 9));
        assert!(Affinity::from_bytes(&b[..b.len() - 1]).is_err());
        assert!(Affinity::from_bytes(b"DLAF\x02\0\0\0\0\0\0\0").is_err());
    }
}
