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
        splitmix(self.0)
    }
}

/// A hasher for keys that are already well-mixed hashes (form hashes): the key itself.
#[derive(Default)]
pub struct MixedKeyHasher(u64);

impl std::hash::Hasher for MixedKeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
}

/// A map keyed by well-mixed 64-bit hashes, hashing nothing again.
pub type MixedMap<V> = std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<MixedKeyHasher>>;

/// Packs the blocks of `k` floats that `slots` point to at the start of `slab`, in slab
/// order (a block only ever moves down, so none is overwritten before it is read), points
/// each slot at its block's new place and cuts the slab after the last. The per-type caches
/// of summed weight rows compact this way, reusing their memory instead of filling new
/// vectors.
pub(crate) fn pack_blocks(slab: &mut Vec<f32>, k: usize, mut slots: Vec<&mut u32>) {
    slots.sort_unstable_by_key(|s| **s);
    debug_assert!(slots.windows(2).all(|w| *w[0] + k as u32 <= *w[1]), "blocks overlap");
    let mut top = 0usize;
    for s in slots {
        let o = *s as usize;
        slab.copy_within(o..o + k, top);
        *s = top as u32;
        top += k;
    }
    slab.truncate(top);
}

/// The SplitMix64 finalizer: spreads every input bit over the output, so that `hash & mask`
/// picks well-distributed rows. Shared by every feature extractor (models depend on it).
#[inline]
pub fn splitmix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Folds value `x` into running hash `h` (order-sensitive); finish with [`splitmix`].
#[inline]
pub fn combine(h: u64, x: u64) -> u64 {
    (h ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(31)
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
    /// The mean of models of the same shape (`None` when they differ or there are none).
    pub fn mean(models: &[&Perceptron]) -> Option<Perceptron> {
        let first = *models.first()?;
        if models.iter().any(|m| m.n_classes != first.n_classes || m.bits != first.bits) {
            return None;
        }
        let k = models.len() as f32;
        let mut out = first.clone();
        for m in &models[1..] {
            out.weights.iter_mut().zip(&m.weights).for_each(|(a, b)| *a += b);
        }
        out.weights.iter_mut().for_each(|a| *a /= k);
        Some(out)
    }
    /// Hash bits (the table has `2^bits` rows).
    pub fn bits(&self) -> u32 {
        self.bits
    }
    /// The model whose weights are the bfloat16 values `w` (`n_classes` per row, `2^bits`
    /// rows), as read by [`load_sparse_as_bf16`].
    pub fn from_bf16(n_classes: usize, bits: u32, w: &[u16]) -> Perceptron {
        assert_eq!(w.len(), n_classes << bits, "bfloat16 table size");
        let weights = w.iter().map(|&h| f32::from_bits((h as u32) << 16)).collect();
        Perceptron { n_classes, mask: (1u64 << bits) - 1, bits, weights }
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
        if ok(i) && best.is_none_or(|(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    best.map_or(0, |(i, _)| i)
}

/// A compact read-only form of a [`Perceptron`]: only the non-zero weights, stored per row
/// (compressed sparse rows). Most hashed features fire for few classes, so this is several
/// times smaller than the dense table and scores faster when there are many classes.
///
/// File format (little endian): `b"DLSP"`, `u32` version (1), `u32` n_classes, `u32` bits,
/// `u32` number of non-empty rows, then per row a `u32` row index, a `u16` count and `count`
/// pairs of `u16` class and bfloat16 weight.
#[derive(Clone, Debug)]
pub struct SparsePerceptron {
    n_classes: usize,
    mask: u64,
    bits: u32,
    offsets: Vec<u32>,
    /// `class << 16 | bfloat16 weight` per entry: the only copy of the weights (one array, so
    /// one cache miss per feature row, and one allocation at load). Weights are always
    /// bfloat16-exact, so nothing is lost.
    packed: Vec<u32>,
}

/// The class of a packed entry.
#[inline]
fn entry_class(e: u32) -> usize {
    (e >> 16) as usize
}

/// The weight of a packed entry.
#[inline]
fn entry_weight(e: u32) -> f32 {
    f32::from_bits(e << 16)
}

/// Whether a row with `n` entries is stored densely (every class, in order): rows holding a
/// third or more of the classes are, so scoring adds them with a straight vectorizable loop.
#[inline]
fn dense_row(n: usize, n_classes: usize) -> bool {
    n * 3 >= n_classes && n > 0
}

impl SparsePerceptron {
    /// Assembles the table from per-row classes and (bfloat16-exact) weights.
    fn build(n_classes: usize, bits: u32, offsets: Vec<u32>, classes: Vec<u16>, weights: Vec<f32>) -> Self {
        let rows = offsets.len() - 1;
        let mut o = Vec::with_capacity(offsets.len());
        let mut packed = Vec::with_capacity(classes.len());
        o.push(0u32);
        for r in 0..rows {
            let (a, b) = (offsets[r] as usize, offsets[r + 1] as usize);
            if dense_row(b - a, n_classes) {
                let base = packed.len();
                packed.extend((0..n_classes as u32).map(|c| c << 16));
                for k in a..b {
                    packed[base + classes[k] as usize] = (classes[k] as u32) << 16 | bf16(weights[k]) as u32;
                }
            } else {
                packed.extend(classes[a..b].iter().zip(&weights[a..b]).map(|(&c, &w)| (c as u32) << 16 | bf16(w) as u32));
            }
            o.push(packed.len() as u32);
        }
        SparsePerceptron { n_classes, mask: (1u64 << bits) - 1, bits, offsets: o, packed }
    }
    /// Keeps the weights of `p` whose magnitude is at least `min_abs` (after bfloat16 rounding).
    pub fn from_dense(p: &Perceptron, min_abs: f32) -> Self {
        let n = p.n_classes;
        let rows = (0..1usize << p.bits).map(|r| {
            (0..n).map(move |c| (c, f32::from_bits((bf16(p.weights[r * n + c]) as u32) << 16)))
        });
        SparsePerceptron::from_rows(n, p.bits, rows, min_abs)
    }

    /// Builds a table from rows of `(class, weight)` (`2^bits` rows, weights bfloat16-exact),
    /// keeping the non-zero weights whose magnitude is at least `min_abs`.
    pub fn from_rows<R: Iterator<Item = (usize, f32)>>(n_classes: usize, bits: u32, rows: impl Iterator<Item = R>, min_abs: f32) -> Self {
        let mut offsets = vec![0u32];
        let (mut classes, mut weights) = (Vec::new(), Vec::new());
        for row in rows {
            for (c, w) in row {
                if w != 0.0 && w.abs() >= min_abs {
                    classes.push(c as u16);
                    weights.push(w);
                }
            }
            offsets.push(classes.len() as u32);
        }
        SparsePerceptron::build(n_classes, bits, offsets, classes, weights)
    }
    /// Hash bits (the table has `2^bits` rows).
    pub fn bits(&self) -> u32 {
        self.bits
    }
    /// The stored `(class, weight)` entries of row `r` (zero weights included for rows
    /// stored densely).
    pub fn row(&self, r: usize) -> impl Iterator<Item = (usize, f32)> + '_ {
        let (a, b) = (self.offsets[r] as usize, self.offsets[r + 1] as usize);
        self.packed[a..b].iter().map(|&e| (entry_class(e), entry_weight(e)))
    }
    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }
    /// A copy without the weights smaller in magnitude than `min_abs`.
    pub fn pruned(&self, min_abs: f32) -> Self {
        let rows = (0..self.offsets.len() - 1).map(|r| self.row(r));
        SparsePerceptron::from_rows(self.n_classes, self.bits, rows, min_abs)
    }
    /// Number of stored weights.
    pub fn nnz(&self) -> usize {
        self.packed.iter().filter(|&&e| entry_weight(e) != 0.0).count()
    }
    /// Adds the weights of `feats` into `scores` (length `n_classes`, not cleared).
    ///
    /// Scoring is bound by cache misses on the feature rows, so for a batch of features the
    /// row bounds are prefetched and looked up first, then the rows prefetched, then added
    /// (independent loads the CPU overlaps).
    #[inline]
    pub fn score_into(&self, feats: &[u64], scores: &mut [f32]) {
        const BATCH: usize = 32;
        let mut ranges = [(0u32, 0u32); BATCH];
        for chunk in feats.chunks(BATCH) {
            for &f in chunk {
                crate::parser::prefetch(self.offsets.as_ptr().wrapping_add((f & self.mask) as usize));
            }
            for (rg, &f) in ranges.iter_mut().zip(chunk) {
                let r = (f & self.mask) as usize;
                *rg = (self.offsets[r], self.offsets[r + 1]);
            }
            for &(a, _) in &ranges[..chunk.len()] {
                crate::parser::prefetch(self.packed.as_ptr().wrapping_add(a as usize));
            }
            for &(a, b) in &ranges[..chunk.len()] {
                let (a, b) = (a as usize, b as usize);
                if b - a == self.n_classes {
                    for (s, &e) in scores.iter_mut().zip(&self.packed[a..b]) {
                        *s += entry_weight(e);
                    }
                    continue;
                }
                for &e in &self.packed[a..b] {
                    if let Some(s) = scores.get_mut((e >> 16) as usize) {
                        *s += f32::from_bits(e << 16);
                    }
                }
            }
        }
    }
    /// How many stored weights scoring `feats` reads (a cost measure).
    pub fn weights_read(&self, feats: &[u64]) -> usize {
        feats.iter().map(|&f| (f & self.mask) as usize).map(|r| (self.offsets[r + 1] - self.offsets[r]) as usize).sum()
    }
    /// Writes the model (see the type docs for the format).
    pub fn save(&self, w: &mut impl Write) -> io::Result<()> {
        let rows = 1usize << self.bits;
        let nz = |r: usize| self.row(r).filter(|&(_, w)| w != 0.0).count();
        let nonempty = (0..rows).filter(|&r| nz(r) > 0).count();
        w.write_all(b"DLSP")?;
        for v in [1u32, self.n_classes as u32, self.bits, nonempty as u32] {
            w.write_all(&v.to_le_bytes())?;
        }
        let mut buf = Vec::new();
        for r in 0..rows {
            let n = nz(r);
            if n == 0 {
                continue;
            }
            buf.clear();
            buf.extend_from_slice(&(r as u32).to_le_bytes());
            buf.extend_from_slice(&(n as u16).to_le_bytes());
            for (c, w) in self.row(r).filter(|&(_, w)| w != 0.0) {
                buf.extend_from_slice(&(c as u16).to_le_bytes());
                buf.extend_from_slice(&bf16(w).to_le_bytes());
            }
            w.write_all(&buf)?;
        }
        Ok(())
    }
    /// Reads a model written by [`SparsePerceptron::save`] from bytes.
    pub fn load(data: &[u8]) -> io::Result<Self> {
        let (n_classes, bits, nonempty, mut pos) = sparse_header(data)?;
        let mut take = |n: usize| -> io::Result<&[u8]> {
            let s = data.get(pos..pos + n).ok_or_else(|| bad("truncated sparse perceptron model"))?;
            pos += n;
            Ok(s)
        };
        // one pass straight into the final arrays (this runs at every start-up)
        let rows = 1usize << bits;
        let mut offsets: Vec<u32> = Vec::with_capacity(rows + 1);
        offsets.push(0);
        // entries take 4 bytes in the file: a close upper bound unless many rows are widened
        let mut packed: Vec<u32> = Vec::with_capacity(data.len() / 4);
        for _ in 0..nonempty {
            let h = take(6)?;
            let r = u32::from_le_bytes([h[0], h[1], h[2], h[3]]) as usize;
            let n = u16::from_le_bytes([h[4], h[5]]) as usize;
            if r >= rows || offsets.len() > r + 1 {
                return Err(bad("sparse perceptron rows out of order"));
            }
            let body = take(4 * n)?;
            offsets.resize(r + 1, packed.len() as u32);
            // a file entry read as a little-endian u32 is `weight << 16 | class`
            let entries = body.chunks_exact(4).map(|e| u32::from_le_bytes([e[0], e[1], e[2], e[3]]).rotate_left(16));
            let base = packed.len();
            if dense_row(n, n_classes) {
                packed.extend((0..n_classes as u32).map(|c| c << 16));
                for e in entries {
                    let c = entry_class(e);
                    if c >= n_classes {
                        return Err(bad("sparse perceptron class out of range"));
                    }
                    packed[base + c] = e;
                }
            } else {
                packed.extend(entries);
                if packed[base..].iter().any(|&e| entry_class(e) >= n_classes) {
                    return Err(bad("sparse perceptron class out of range"));
                }
            }
            offsets.push(packed.len() as u32);
        }
        offsets.resize(rows + 1, packed.len() as u32);
        Ok(SparsePerceptron { n_classes, mask: (1u64 << bits) - 1, bits, offsets, packed })
    }
}

fn bad(m: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, m.to_string())
}

/// Checks the header of a [`SparsePerceptron`] file: `(n_classes, bits, non-empty rows,
/// offset of the first row)`.
fn sparse_header(data: &[u8]) -> io::Result<(usize, u32, usize, usize)> {
    if data.get(..4) != Some(b"DLSP".as_slice()) {
        return Err(bad("not a dateline sparse perceptron model (bad magic)"));
    }
    let h = data.get(4..20).ok_or_else(|| bad("truncated sparse perceptron model"))?;
    let u = |i: usize| u32::from_le_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
    let (version, n_classes, bits, nonempty) = (u(0), u(4), u(8), u(12));
    if version != 1 {
        return Err(bad("unsupported sparse perceptron model version"));
    }
    if bits > 28 || n_classes == 0 || n_classes > 65535 {
        return Err(bad("implausible sparse perceptron dimensions"));
    }
    Ok((n_classes as usize, bits, nonempty as usize, 20))
}

/// Reads a [`SparsePerceptron`] file straight into a dense table of bfloat16 weights
/// (`n_classes` per row, `2^bits` rows), without the sparse form: half the memory of `f32`,
/// and the weights widened back to `f32` are exactly the values scoring
/// [`SparsePerceptron::load`]'s model adds. Returns `(n_classes, bits, table)`. For models
/// with few classes, where a dense row is what scoring wants. A class repeated within a
/// sparsely stored row (never written by [`SparsePerceptron::save`]) is an error, since
/// the sum of the two weights need not be a bfloat16.
pub fn load_sparse_as_bf16(data: &[u8]) -> io::Result<(usize, u32, Vec<u16>)> {
    let (n_classes, bits, nonempty, mut pos) = sparse_header(data)?;
    let rows = 1usize << bits;
    let mut w = vec![0u16; n_classes << bits];
    let mut last: Option<usize> = None;
    for _ in 0..nonempty {
        let h = data.get(pos..pos + 6).ok_or_else(|| bad("truncated sparse perceptron model"))?;
        let r = u32::from_le_bytes([h[0], h[1], h[2], h[3]]) as usize;
        let n = u16::from_le_bytes([h[4], h[5]]) as usize;
        if r >= rows || last.is_some_and(|l| l >= r) {
            return Err(bad("sparse perceptron rows out of order"));
        }
        last = Some(r);
        let body = data.get(pos + 6..pos + 6 + 4 * n).ok_or_else(|| bad("truncated sparse perceptron model"))?;
        pos += 6 + 4 * n;
        let row = &mut w[r * n_classes..(r + 1) * n_classes];
        let dense = dense_row(n, n_classes);
        for e in body.chunks_exact(4) {
            let e = u32::from_le_bytes([e[0], e[1], e[2], e[3]]).rotate_left(16);
            let x = row.get_mut(entry_class(e)).ok_or_else(|| bad("sparse perceptron class out of range"))?;
            if !dense && *x != 0 {
                return Err(bad("sparse perceptron row repeats a class"));
            }
            // scoring adds a row onto zero: 0.0 + w (turns -0.0 into +0.0)
            *x = ((0.0 + entry_weight(e)).to_bits() >> 16) as u16;
        }
    }
    Ok((n_classes, bits, w))
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
    fn packs_kept_blocks_down_in_place() {
        // four blocks of 2 floats; keep the 4th and the 2nd (slots given out of order)
        let mut slab = vec![0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5];
        let (mut a, mut b) = (6u32, 2u32);
        pack_blocks(&mut slab, 2, vec![&mut a, &mut b]);
        assert_eq!(slab, vec![1.0, 1.5, 3.0, 3.5]);
        assert_eq!((a, b), (2, 0));
    }

    #[test]
    fn the_mean_of_models_scores_as_their_average() {
        let mut a = Perceptron::new(2, 4);
        let mut b = Perceptron::new(2, 4);
        a.weights[2] = 4.0; // row 1, class 0
        b.weights[2] = 2.0;
        b.weights[3] = 6.0; // row 1, class 1
        let m = Perceptron::mean(&[&a, &b]).unwrap();
        let mut s = [0f32; 2];
        m.score_into(&[1], &mut s);
        assert_eq!(s, [3.0, 3.0]);
        assert!(Perceptron::mean(&[&a, &Perceptron::new(3, 4)]).is_none());
        assert!(Perceptron::mean(&[]).is_none());
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
        let sp = SparsePerceptron::from_dense(&p, 0.0);
        let mut bytes = Vec::new();
        sp.save(&mut bytes).unwrap();
        let sq = SparsePerceptron::load(&bytes).unwrap();
        for (f, y) in &data {
            let mut sc = vec![0.0; 3];
            sq.score_into(f, &mut sc);
            assert_eq!(argmax(&sc, |_| true), *y);
        }
        assert!(SparsePerceptron::load(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn dense_and_sparse_loads_score_alike() {
        // 40 classes: rows with 14+ entries are stored densely, smaller ones sparsely
        let mut p = Perceptron::new(40, 6);
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for r in 0..64 {
            let fill = [0, 3, 13, 14, 40][r % 5];
            for c in 0..fill {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                p.weights[r * 40 + (c * 7 + r) % 40] = ((x >> 40) as f32 / 1e5) - 80.0;
            }
        }
        let mut bytes = Vec::new();
        SparsePerceptron::from_dense(&p, 0.0).save(&mut bytes).unwrap();
        let (n, bits, w) = load_sparse_as_bf16(&bytes).unwrap();
        let (sp, dp) = (SparsePerceptron::load(&bytes).unwrap(), Perceptron::from_bf16(n, bits, &w));
        let mut again = Vec::new();
        sp.save(&mut again).unwrap();
        assert_eq!(again, bytes);
        let mut again = Vec::new();
        SparsePerceptron::from_dense(&dp, 0.0).save(&mut again).unwrap();
        assert_eq!(again, bytes);
        for k in 0..200u64 {
            let feats: Vec<u64> = (0..1 + k % 9).map(|j| FeatureHasher::new(j as u32).num(k).finish()).collect();
            let (mut a, mut b) = (vec![0.0; 40], vec![0.0; 40]);
            sp.score_into(&feats, &mut a);
            dp.score_into(&feats, &mut b);
            assert_eq!(a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), b.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
        }
        assert!(load_sparse_as_bf16(&bytes[..bytes.len() - 1]).is_err());
    }
}