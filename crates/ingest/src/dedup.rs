//! Streaming de-duplication of articles: exact duplicates (same normalized text) and near
//! duplicates (MinHash of word 4-shingles, 64 hashes, candidates found through 16 LSH bands
//! of 4 rows, accepted at an estimated Jaccard similarity of at least [`NEAR_JACCARD`]) are
//! grouped; the first article of a group is its canonical
//! article and carries the group's size (`num_articles`) and number of distinct sources
//! (`num_sources`, by site name or URL host).
//!
//! Articles are held in a window of `window` articles before release, so that copies that
//! arrive within the window are counted on the canonical article before it is coded. Copies
//! that arrive after their canonical article was released are still recognized and dropped
//! (counted in [`Deduper::late_duplicates`]). Memory is bounded: the window plus at most
//! `remember` signatures.
use model::Article;
use std::collections::{BTreeSet, HashMap, VecDeque};

/// Estimated shingle Jaccard similarity from which two articles are near duplicates.
pub const NEAR_JACCARD: f64 = 0.7;
const K: usize = 64;
const BANDS: usize = 16;
const ROWS: usize = K / BANDS;

/// A MinHash signature.
pub type Signature = [u32; K];

/// The streaming de-duplicator.
pub struct Deduper {
    window: usize,
    remember: usize,
    pending: VecDeque<(u64, Article)>,
    exact: HashMap<u64, u64>,
    bands: HashMap<(u8, u64), Vec<u64>>,
    groups: HashMap<u64, Group>,
    order: VecDeque<(u64, u64)>,
    next_group: u64,
    duplicates: usize,
    late: usize,
}

struct Group {
    sig: Box<Signature>,
    count: u32,
    sources: BTreeSet<String>,
    released: bool,
}

/// FNV-1a, stable across runs and platforms (std's hasher is not).
fn fnv(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf29ce484222325u64 ^ seed;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    // final avalanche (splitmix64) so that SimHash bits are independent
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58476d1ce4e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d049bb133111eb);
    h ^ (h >> 31)
}

/// Lower-cased alphanumeric words of a text.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).collect()
}

/// Hash of the normalized text (lower-cased words, punctuation and spacing ignored).
pub fn exact_hash(text: &str) -> u64 {
    fnv(words(text).join(" ").as_bytes(), 0)
}

/// MinHash signature of the word 4-shingles of a text.
pub fn minhash(text: &str) -> Signature {
    let w = words(text);
    let mut sig = [u32::MAX; K];
    let n = if w.len() >= 4 { w.len() - 3 } else { usize::from(!w.is_empty()) };
    for i in 0..n {
        let sh = w[i..(i + 4).min(w.len())].join(" ");
        let h = fnv(sh.as_bytes(), 0x5151);
        for (k, s) in sig.iter_mut().enumerate() {
            // One base hash, K cheap independent permutations.
            let mut x = h ^ (k as u64).wrapping_mul(0x9e3779b97f4a7c15);
            x ^= x >> 33;
            x = x.wrapping_mul(0xff51afd7ed558ccd);
            x ^= x >> 33;
            *s = (*s).min(x as u32);
        }
    }
    sig
}

/// Estimated Jaccard similarity of two signatures.
pub fn similarity(a: &Signature, b: &Signature) -> f64 {
    a.iter().zip(b.iter()).filter(|(x, y)| x == y).count() as f64 / K as f64
}

fn band_key(sig: &Signature, band: usize) -> u64 {
    let mut h = 0xcbf29ce484222325u64 ^ band as u64;
    for &v in &sig[band * ROWS..(band + 1) * ROWS] {
        h = (h ^ v as u64).wrapping_mul(0x100000001b3);
    }
    h
}

fn source_of(a: &Article) -> String {
    a.url.as_deref().and_then(crate::host_of).or_else(|| a.source.clone()).unwrap_or_else(|| a.origin.clone())
}

impl Deduper {
    /// A de-duplicator that holds `window` articles before releasing them and remembers the
    /// signatures of the last `remember` groups.
    pub fn new(window: usize, remember: usize) -> Deduper {
        Deduper {
            window,
            remember: remember.max(1),
            pending: VecDeque::new(),
            exact: HashMap::new(),
            bands: HashMap::new(),
            groups: HashMap::new(),
            order: VecDeque::new(),
            next_group: 0,
            duplicates: 0,
            late: 0,
        }
    }

    /// Adds an article; returns the canonical articles now released, in input order, with
    /// `num_articles` / `num_sources` set. Duplicates are absorbed into their group.
    pub fn push(&mut self, a: Article) -> Vec<Article> {
        let eh = exact_hash(&a.text);
        let sig = minhash(&a.text);
        let found = self.exact.get(&eh).copied().or_else(|| self.near(&sig));
        match found.filter(|g| self.groups.contains_key(g)) {
            Some(g) => {
                self.duplicates += 1;
                let src = source_of(&a);
                let grp = self.groups.get_mut(&g).expect("group present");
                grp.count += 1;
                grp.sources.insert(src);
                if grp.released {
                    self.late += 1;
                }
            }
            None => {
                let g = self.next_group;
                self.next_group += 1;
                self.exact.insert(eh, g);
                for band in 0..BANDS {
                    self.bands.entry((band as u8, band_key(&sig, band))).or_default().push(g);
                }
                let mut sources = BTreeSet::new();
                sources.insert(source_of(&a));
                self.groups.insert(g, Group { sig: Box::new(sig), count: 1, sources, released: false });
                self.order.push_back((eh, g));
                self.pending.push_back((g, a));
                self.forget();
            }
        }
        let mut out = Vec::new();
        while self.pending.len() > self.window {
            out.extend(self.release_one());
        }
        out
    }

    /// Releases every article still held (call at the end of input).
    pub fn finish(&mut self) -> Vec<Article> {
        let mut out = Vec::new();
        while !self.pending.is_empty() {
            out.extend(self.release_one());
        }
        out
    }

    /// Number of articles absorbed as duplicates so far.
    pub fn duplicates(&self) -> usize {
        self.duplicates
    }

    /// Duplicates that arrived after their canonical article had been released (their count
    /// is not reflected on it).
    pub fn late_duplicates(&self) -> usize {
        self.late
    }

    fn release_one(&mut self) -> Option<Article> {
        let (g, mut a) = self.pending.pop_front()?;
        if let Some(grp) = self.groups.get_mut(&g) {
            grp.released = true;
            a.num_articles = grp.count;
            a.num_sources = grp.sources.len() as u32;
        }
        Some(a)
    }

    fn near(&self, sig: &Signature) -> Option<u64> {
        let mut best: Option<(f64, u64)> = None;
        for band in 0..BANDS {
            if let Some(v) = self.bands.get(&(band as u8, band_key(sig, band))) {
                for &g in v {
                    let Some(grp) = self.groups.get(&g) else { continue };
                    let s = similarity(sig, &grp.sig);
                    // Most similar group wins; ties go to the oldest, for determinism.
                    if s >= NEAR_JACCARD && best.is_none_or(|(bs, bg)| s > bs || (s == bs && g < bg)) {
                        best = Some((s, g));
                    }
                }
            }
        }
        best.map(|b| b.1)
    }

    /// Drops the oldest signatures beyond `remember` (never those of held articles).
    fn forget(&mut self) {
        while self.order.len() > self.remember.max(self.window + 1) {
            let Some((eh, g)) = self.order.pop_front() else { break };
            if self.exact.get(&eh) == Some(&g) {
                self.exact.remove(&eh);
            }
            if let Some(grp) = self.groups.remove(&g) {
                for band in 0..BANDS {
                    let key = (band as u8, band_key(&grp.sig, band));
                    if let Some(v) = self.bands.get_mut(&key) {
                        v.retain(|&gg| gg != g);
                        if v.is_empty() {
                            self.bands.remove(&key);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(text: &str, url: &str) -> Article {
        Article { text: text.into(), url: Some(url.into()), id: crate::article_id(text), num_articles: 1, num_sources: 1, ..Article::default() }
    }

    const STORY: &str = "The foreign ministers of two neighbouring countries met in Vienna on Thursday to discuss a new border agreement, officials said. The talks, the first in three years, lasted more than five hours and ended with a joint statement promising further meetings in the spring. Both delegations described the atmosphere as constructive, although several disputed points remain unresolved.";

    #[test]
    fn groups_exact_and_near_duplicates() {
        let mut d = Deduper::new(10, 1000);
        let mut out = Vec::new();
        out.extend(d.push(art(STORY, "https://a.example/x")));
        out.extend(d.push(art(&STORY.to_uppercase(), "https://b.example/y")));
        let near = STORY.replace("Thursday", "Friday");
        out.extend(d.push(art(&near, "https://c.example/z")));
        out.extend(d.push(art(&near, "https://c.example/z2")));
        out.extend(d.push(art("A completely different story about a football match in the rain that ended goalless.", "https://a.example/q")));
        out.extend(d.finish());
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].num_articles, 4);
        assert_eq!(out[0].num_sources, 3);
        assert_eq!(out[1].num_articles, 1);
        assert_eq!(d.duplicates(), 3);
    }

    #[test]
    fn window_bounds_what_is_held() {
        let mut d = Deduper::new(2, 3);
        let mut released = 0;
        for i in 0..50 {
            released += d.push(art(&format!("story number {i} about thing {} happening", i * 7919), "https://a.example/")).len();
            assert!(d.pending.len() <= 2 && d.order.len() <= 3);
        }
        released += d.finish().len();
        assert_eq!(released, 50);
    }
}
