//! A multi-class averaged perceptron over hashed features — the learner behind the
//! tagger, the parser and the NER.
//!
//! Features are `u64` hashes (see [`FeatureHasher`]); the weight table is dense,
//! `2^bits` rows × `n_classes` columns, indexed by `hash & mask`. Collisions are accepted
//! (feature hashing). Training keeps lazily-updated totals for averaging; [`Trainer::finish`]
//! returns the averaged [`Perceptron`] used at run time.
//!
//! File format (little endian): `b"DLPC"`, `u32` version (1), `u32` n_classes, `u32` bits,
//! `u32` number of non-zero rows, then per row a `u32` row index and `n_classes` weights
//! stored as bfloat16 (`u16`, the upper half of the `f32`). Rows that are all zero are
//! omitted, which keeps the files small.

use std::io::{self, Read, Write};

/// FNV-1a based feature hasher: feed template id and the feature's parts.
#[derive(Clone, Copy)]
pub struct FeatureHasher(u64);

impl FeatureHasher {
    /// Starts a feature with its template number.
    #[inline]
    pub fn new(template: u32) -> Self {
        let mut h = FeatureHasher(0xcbf2_9ce4_8422_2325);
        h.bytes(&template.to_le_bytes());
        h
    }
    /// Adds bytes.
    #[inline]
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        for &x in b {
            self.0 ^= x as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // separator so that ("ab","c") != ("a","bc")
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        self
    }
    /// Adds a string.
    #[inline]
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }
    /// Adds a number.
    #[inline]
    pub fn num(&mut self, n: u64) -> &mut Self {
        self.bytes(&n.to_le_bytes())
    }
    /// The final hash (mixed, so low bits are well distributed).
    #[inline]
    pub fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Averaged weights for inference.
#[derive(Clone, Debug)]
pub struct Perceptron {
    n_classes: usize,
    mask: u64,
    bits: u32,
    weights: Vec<f32>,
}

impl Perceptron {
    /// A zero model.
    pub fn new(n_classes: usize, bits: u32) -> Self {
        Perceptron { n_classes, mask: (1u64 << bits) - 1, bits, weights: vec![0.0; n_classes << bits] }
    }
    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }
    #[inline]
    fn row(&self, f: u64) -> usize {
        ((f & self.mask) as usize) * self.n_classes
    }
    /// Adds the weights of `feats` into `scores` (length `n_classes`, not cleared).
    #[inline]
    pub fn score_into(&self, feats: &[u64], scores: &mut [f32]) {
        for &f in feats {
            let r = self.row(f);
            let w = &self.weights[r..r + self.n_classes];
            for (s, x) in scores.iter_mut().zip(w) {
                *s += *x;
            }
        }
    }
    /// Scores of every class.
    pub fn scores(&self, feats: &[u64]) -> Vec<f32> {
        let mut s = vec![0.0; self.n_classes];
        self.score_into(feats, &mut s);
        s
    }
    /// The best class (ties to the lowest index).
    pub fn predict(&self, feats: &[u64]) -> usize {
        argmax(&self.scores(feats), |_| true)
    }

    /// Writes the model (see the module docs for the format).
    pub fn save(&self, w: &mut impl Write) -> io::Result<()> {
        let rows: Vec<usize> = (0..(1usize << self.bits))
            .filter(|&r| {
                self.weights[r * self.n_classes..(r + 1) * self.n_classes].iter().any(|&x| bf16(x) != 0)
            })
            .collect();
        w.write_all(b"DLPC")?;
        for v in [1u32, self.n_classes as u32, self.bits, rows.len() as u32] {
            w.write_all(&v.to_le_bytes())?;
        }
        let mut buf = Vec::with_capacity(4 + 2 * self.n_classes);
        for r in rows {
            buf.clear();
            buf.extend_from_slice(&(r as u32).to_le_bytes());
            for &x in &self.weights[r * self.n_classes..(r + 1) * self.n_classes] {
                buf.extend_from_slice(&bf16(x).to_le_bytes());
            }
            w.write_all(&buf)?;
        }
        Ok(())
    }

    /// Reads a model written by [`Perceptron::save`].
    pub fn load(r: &mut impl Read) -> io::Result<Self> {
        let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
        let mut magic = [0u8; 4];
        r.read_exact(&mut magic)?;
        if &magic != b"DLPC" {
            return Err(bad("not a dateline perceptron model (bad magic)"));
        }
        let mut u = [0u8; 4];
        let mut next = |r: &mut dyn Read| -> io::Result<u32> {
            r.read_exact(&mut u)?;
            Ok(u32::from_le_bytes(u))
        };
        let version = next(r)?;
        if version != 1 {
            return Err(bad("unsupported perceptron model version"));
        }
        let n_classes = next(r)? as usize;
        let bits = next(r)?;
        let n_rows = next(r)? as usize;
        if bits > 28 || n_classes == 0 || n_classes > 4096 {
            return Err(bad("implausible perceptron dimensions"));
        }
        let mut p = Perceptron::new(n_classes, bits);
        let mut row = vec![0u8; 4 + 2 * n_classes];
        for _ in 0..n_rows {
            r.read_exact(&mut row)?;
            let idx = u32::from_le_bytes([row[0], row[1], row[2], row[3]]) as usize;
            if idx >= 1usize << bits {
                return Err(bad("row index out of range"));
            }
            for c in 0..n_classes {
                let h = u16::from_le_bytes([row[4 + 2 * c], row[5 + 2 * c]]);
                p.weights[idx * n_classes + c] = f32::from_bits((h as u32) << 16);
            }
        }
        Ok(p)
    }
}

/// Round-to-nearest bfloat16 bits of `x`.
fn bf16(x: f32) -> u16 {
    let b = x.to_bits();
    let rounded = b.wrapping_add(0x7fff + ((b >> 16) & 1));
    (rounded >> 16) as u16
}

/// Index of the highest score among classes allowed by `ok` (lowest index on ties);
/// 0 when none is allowed.
pub fn argmax(scores: &[f32], ok: impl Fn(usize) -> bool) -> usize {
    let mut best = None;
    for (i, &s) in scores.iter().enumerate() {
        if ok(i) && best.map_or(true, |(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    best.map_or(0, |(i, _)| i)
}

/// A perceptron being trained, with lazy averaging.
pub struct Trainer {
    model: Perceptron,
    totals: Vec<f64>,
    stamps: Vec<u32>,
    step: u32,
}

impl Trainer {
    /// A fresh trainer.
    pub fn new(n_classes: usize, bits: u32) -> Self {
        let n = n_classes << bits;
        Trainer { model: Perceptron::new(n_classes, bits), totals: vec![0.0; n], stamps: vec![0; n], step: 0 }
    }
    /// The current (non-averaged) weights, for predicting during training.
    pub fn model(&self) -> &Perceptron {
        &self.model
    }
    /// Advances the example counter; call once per training example.
    pub fn tick(&mut self) {
        self.step += 1;
    }
    /// Adds `delta` to the weight of every feature for `class`.
    pub fn update(&mut self, feats: &[u64], class: usize, delta: f32) {
        for &f in feats {
            let i = self.model.row(f) + class;
            self.totals[i] += (self.step - self.stamps[i]) as f64 * self.model.weights[i] as f64;
            self.stamps[i] = self.step;
            self.model.weights[i] += delta;
        }
    }
    /// The usual perceptron step: reward `truth`, penalise `guess` (no-op when equal).
    pub fn learn(&mut self, feats: &[u64], truth: usize, guess: usize) {
        if truth != guess {
            self.update(feats, truth, 1.0);
            self.update(feats, guess, -1.0);
        }
    }
    /// The averaged model.
    pub fn finish(mut self) -> Perceptron {
        let step = self.step.max(1) as f64;
        for i in 0..self.model.weights.len() {
            let total = self.totals[i] + (self.step - self.stamps[i]) as f64 * self.model.weights[i] as f64;
            self.model.weights[i] = (total / step) as f32;
        }
        self.model
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feats(words: &[&str]) -> Vec<u64> {
        words.iter().map(|w| FeatureHasher::new(1).str(w).finish()).collect()
    }

    #[test]
    fn learns_a_separable_problem_and_round_trips_through_bytes() {
        let data = [(feats(&["a", "x"]), 0), (feats(&["b", "x"]), 1), (feats(&["c", "y"]), 2), (feats(&["a", "y"]), 0)];
        let mut t = Trainer::new(3, 10);
        for _ in 0..5 {
            for (f, y) in &data {
                t.tick();
                let g = t.model().predict(f);
                t.learn(f, *y, g);
            }
        }
        let p = t.finish();
        for (f, y) in &data {
            assert_eq!(p.predict(f), *y);
        }
        let mut bytes = Vec::new();
        p.save(&mut bytes).unwrap();
        let q = Perceptron::load(&mut bytes.as_slice()).unwrap();
        for (f, y) in &data {
            assert_eq!(q.predict(f), *y);
        }
        assert!(Perceptron::load(&mut &b"nope"[..]).is_err());
    }
}
