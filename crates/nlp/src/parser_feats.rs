//! Feature templates of the dependency parser (after Zhang & Nivre 2011, adapted to
//! arc-hybrid): words, tags, children, labels, distance and valency around the top of the
//! stack and the front of the buffer.
//!
//! Speed: every token's pieces (hashes of its word, tag, word+tag, suffix+UPOS, word
//! classes) are computed once per sentence; a feature is then its template's seed folded
//! with one to four pieces by xor-multiply steps, and its row is the top `bits` bits of the
//! product (no finalizer needed: the high half of a product depends on every input bit).
//! Extraction writes row indices straight into a fixed array, so nothing is allocated per
//! transition.

use super::{State, NO};
use crate::ner::clusters::WordClusters;

/// A token prepared for feature extraction: hashed pieces of its normalized form, tags,
/// suffix and word classes.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Tok {
    pub w: u64,
    /// Fine tag (XPOS, or UPOS when there is none).
    pub p: u64,
    pub u: u64,
    /// Word and fine tag.
    pub wp: u64,
    /// Suffix (last three characters) and UPOS.
    pub su: u64,
    pub suf: u64,
    /// Fine and coarse word class (or NONE).
    pub fine: u64,
    pub coarse: u64,
    /// Supertag ([`crate::supertag`]; `NONE` until the parser sets it, [`stag_hash`]).
    pub s: u64,
}

const NONE: u64 = 0x1234_5678_9abc_def1;
const ROOT: u64 = 0x0fed_cba9_8765_4321;
const K: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64 as a `const fn`, for template seeds.
const fn seed(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x5851_f42d_4c95_7f2d).wrapping_mul(K);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The value of a supertag in [`Tok::s`].
pub(crate) fn stag_hash(stag: &str) -> u64 {
    bytes_hash(SEEDS[5], stag.as_bytes())
}

/// Template seeds (`seed(k)` for template number `k`), looked up rather than recomputed.
static SEEDS: [u64; 12288] = {
    let mut a = [0u64; 12288];
    let mut i = 0;
    while i < 12288 {
        a[i] = seed(i as u64);
        i += 1;
    }
    a
};

/// The sentinel token standing for "no such position".
pub(crate) const NONE_TOK: Tok = Tok { w: NONE, p: NONE, u: NONE, wp: NONE, su: NONE, suf: NONE, fine: NONE, coarse: NONE, s: NONE };
/// The artificial root.
pub(crate) const ROOT_TOK: Tok = Tok { w: ROOT, p: ROOT, u: ROOT, wp: ROOT, su: ROOT, suf: ROOT, fine: ROOT, coarse: ROOT, s: ROOT };

const FNV: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// Lowercases `form` and maps digits to `0` (so that numbers share statistics) into `buf`;
/// returns the word-class key of `form` ([`crate::ner::clusters::key`], FNV-1a of the
/// lowercased form), computed in the same pass.
#[inline]
fn normalize(form: &str, buf: &mut String) -> u64 {
    buf.clear();
    let mut ck = FNV;
    for c in form.chars() {
        if c.is_ascii() {
            let l = c.to_ascii_lowercase();
            ck = (ck ^ l as u64).wrapping_mul(FNV_PRIME);
            buf.push(if l.is_ascii_digit() { '0' } else { l });
        } else {
            for l in c.to_lowercase() {
                let mut b = [0u8; 4];
                for &x in l.encode_utf8(&mut b).as_bytes() {
                    ck = (ck ^ x as u64).wrapping_mul(FNV_PRIME);
                }
                buf.push(l);
            }
        }
    }
    ck
}

/// FNV-1a of `b` from `seed`, finished by SplitMix64 (for the pieces' hashes).
#[inline]
fn bytes_hash(seed: u64, b: &[u8]) -> u64 {
    let mut h = FNV ^ seed;
    for &x in b {
        h = (h ^ x as u64).wrapping_mul(FNV_PRIME);
    }
    crate::perceptron::splitmix(h)
}

/// Hash of the normalized form of `form` (the key of [`Vocab`]).
pub(crate) fn word_hash(form: &str, buf: &mut String) -> u64 {
    normalize(form, buf);
    bytes_hash(SEEDS[1], buf.as_bytes())
}

/// The word classes as an open-addressing table read with one memory access: each slot
/// holds the top 40 bits of a word's class key and its fine (16 bits) and coarse (8 bits)
/// class. Built from a [`WordClusters`] table's bytes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Classes {
    slots: Vec<u64>,
}

impl Classes {
    pub fn new(wc: &WordClusters) -> Classes {
        let mut b = Vec::new();
        if wc.save(&mut b).is_err() || b.len() < 12 {
            return Classes::default();
        }
        let n = u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize;
        let size = (n * 2).next_power_of_two().max(16);
        let mut slots = vec![0u64; size];
        for c in b[12..].chunks_exact(12).take(n) {
            let k = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            let v = (k & !0xff_ffff) | 1 << 63 | (u16::from_le_bytes([c[8], c[9]]) as u64) << 8 | c[10] as u64;
            let mut i = (k >> 24) as usize & (size - 1);
            loop {
                if slots[i] == 0 {
                    slots[i] = v;
                    break;
                }
                if (slots[i] ^ v) & !0xff_ffff == 0 {
                    break; // same top 40 bits (keys are distinct; a clash keeps the first)
                }
                i = (i + 1) & (size - 1);
            }
        }
        Classes { slots }
    }
    /// (fine, coarse) class of the word with class key `k`.
    #[inline]
    pub fn get(&self, k: u64) -> Option<(u16, u8)> {
        let size = self.slots.len();
        if size == 0 {
            return None;
        }
        let want = (k & !0xff_ffff) | 1 << 63;
        let mut i = (k >> 24) as usize & (size - 1);
        loop {
            let v = self.slots[i];
            if v == 0 {
                return None;
            }
            if v & !0xff_ffff == want {
                return Some(((v >> 8) as u16, v as u8));
            }
            i = (i + 1) & (size - 1);
        }
    }
}

/// The value standing for every word outside the vocabulary.
const RARE: u64 = 0x7a3c_91e5_0b6d_f248;

/// The words frequent enough in the training data to be features of their own (the others
/// share one "rare word" value, so features of rare words pool their statistics and touch
/// few table rows): an open-addressing set of word hashes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Vocab {
    /// Sorted, distinct (what the model file stores).
    pub keys: Vec<u64>,
    table: Vec<u64>,
}

impl Vocab {
    pub fn from_keys(mut keys: Vec<u64>) -> Vocab {
        keys.sort_unstable();
        keys.dedup();
        keys.retain(|&k| k != 0);
        let size = (keys.len() * 2).next_power_of_two().max(16);
        let mut table = vec![0u64; size];
        for &k in &keys {
            let mut i = (k as usize) & (size - 1);
            while table[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            table[i] = k;
        }
        Vocab { keys, table }
    }
    #[inline]
    pub fn contains(&self, k: u64) -> bool {
        let size = self.table.len();
        if size == 0 || k == 0 {
            return false;
        }
        let mut i = (k as usize) & (size - 1);
        loop {
            match self.table[i] {
                0 => return false,
                x if x == k => return true,
                _ => i = (i + 1) & (size - 1),
            }
        }
    }
}

/// Key of the label dictionary: direction and the two fine tags.
#[inline]
pub(crate) fn label_key(left: bool, head: &Tok, dep: &Tok) -> u64 {
    mix2(SEEDS[if left { 4001 } else { 4002 }], head.p, dep.p) | 1
}

impl Tok {
    /// The pieces of one word. `buf` is scratch space (no allocation once it has grown).
    pub fn new(form: &str, upos: &str, xpos: &str, wc: &Classes, vocab: &Vocab, buf: &mut String) -> Tok {
        let mut t = Tok::unresolved(form, upos, xpos, buf);
        t.resolve(wc, vocab);
        t
    }
    /// The pieces that need no table: `w` holds the word hash before the vocabulary check
    /// and `fine` the word-class key, until [`Tok::resolve`].
    #[inline]
    pub fn unresolved(form: &str, upos: &str, xpos: &str, buf: &mut String) -> Tok {
        let ck = normalize(form, buf);
        let w = buf.as_str();
        let w_h = bytes_hash(SEEDS[1], w.as_bytes());
        let cut = w.char_indices().rev().nth(2).map_or(0, |(i, _)| i);
        let tag = if xpos.is_empty() || xpos == "_" { upos } else { xpos };
        let p = bytes_hash(SEEDS[2], tag.as_bytes());
        let u = bytes_hash(SEEDS[3], upos.as_bytes());
        let suf = bytes_hash(SEEDS[4], w[cut..].as_bytes());
        Tok { w: w_h, p, u, wp: 0, su: mix2(SEEDS[11002], suf, u), suf, fine: ck, coarse: 0, s: NONE }
    }
    /// A hash of all the pieces: tokens with equal keys resolve alike and have the same
    /// features in every role.
    #[inline]
    pub fn type_key(&self) -> u64 {
        mix4(mix2(SEEDS[4003], self.w, self.p), self.u, self.su ^ self.suf.rotate_left(13), self.fine ^ self.coarse.rotate_left(29), self.wp)
    }
    /// Looks the word up in the vocabulary and the word classes.
    #[inline]
    pub fn resolve(&mut self, wc: &Classes, vocab: &Vocab) {
        let class = wc.get(self.fine);
        if !vocab.contains(self.w) {
            self.w = RARE;
        }
        self.wp = mix2(SEEDS[11001], self.w, self.p);
        self.fine = class.map_or(NONE, |c| SEEDS[0x2000 + c.0 as usize % 1024]);
        self.coarse = class.map_or(NONE, |c| SEEDS[0x2800 + c.1 as usize]);
    }
}

/// A feature hash of one to four parts under the template seed `$h`.
macro_rules! mix {
    ($h:expr; $a:expr) => { mix1($h, $a) };
    ($h:expr; $a:expr, $b:expr) => { mix2($h, $a, $b) };
    ($h:expr; $a:expr, $b:expr, $c:expr) => { mix3($h, $a, $b, $c) };
    ($h:expr; $a:expr, $b:expr, $c:expr, $d:expr) => { mix4($h, $a, $b, $c, $d) };
}

#[inline(always)]
fn mix1(t: u64, a: u64) -> u64 {
    (t ^ a).wrapping_mul(K)
}
#[inline(always)]
fn mix2(t: u64, a: u64, b: u64) -> u64 {
    (mix1(t, a) ^ b).wrapping_mul(K)
}
#[inline(always)]
fn mix3(t: u64, a: u64, b: u64, c: u64) -> u64 {
    (mix2(t, a, b) ^ c).wrapping_mul(K)
}
#[inline(always)]
fn mix4(t: u64, a: u64, b: u64, c: u64, d: u64) -> u64 {
    (mix3(t, a, b, c) ^ d).wrapping_mul(K)
}

/// Most features one state has.
pub(crate) const MAX_FEATS: usize = 128;

/// The feature rows of one state (indices into a table of `2^bits` rows).
pub(crate) struct Feats {
    pub rows: [u64; MAX_FEATS],
    pub len: usize,
    shift: u32,
}

impl Feats {
    /// Features for a table of `2^bits` rows (`bits` in 1..=32).
    pub fn new(bits: u32) -> Feats {
        Feats { rows: [0; MAX_FEATS], len: 0, shift: 64 - bits.clamp(1, 32) }
    }
    /// The rows filled by the last extraction.
    #[inline]
    pub fn rows(&self) -> &[u64] {
        &self.rows[..self.len]
    }
    #[inline(always)]
    fn push(&mut self, h: u64) {
        // the caller's templates never exceed MAX_FEATS (checked by a test)
        if self.len < MAX_FEATS {
            self.rows[self.len] = h >> self.shift;
            self.len += 1;
        }
    }
}

/// Sentence-level view used by the extractors: tokens plus the two sentinels.
#[inline(always)]
fn tok(toks: &[Tok], n: usize, i: usize) -> &Tok {
    if i < n {
        &toks[i]
    } else if i == n {
        &ROOT_TOK
    } else {
        &NONE_TOK
    }
}

/// Roles whose features read one token's own pieces only ([`role_feats`]): the top three
/// of the stack and the first three of the buffer. The sums of their rows depend on the word
/// alone, so the parser caches them per word type.
pub(crate) const ROLES: usize = 6;
const R_S0: usize = 0;
const R_S1: usize = 1;
const R_S2: usize = 2;
const R_B0: usize = 3;
const R_B1: usize = 4;
const R_B2: usize = 5;

/// The positions in the roles of [`ROLES`] (`s0 s1 s2 b0 b1 b2`; `n` is the root, anything
/// above it no token).
#[inline]
pub(crate) fn role_positions(st: &State) -> [usize; ROLES] {
    let n = st.n;
    let b = |k: usize| if st.b + k < n { st.b + k } else { NO };
    [st.s(0), st.s(1), st.s(2), b(0), b(1), b(2)]
}

/// Appends the features of token `x` in `role`: the templates of the state's features that
/// read one token only. Their template numbers are those [`extract`] skips.
#[inline]
pub(crate) fn role_feats(x: &Tok, role: usize, f: &mut Feats) {
    let mut add = |k: usize, a: u64| f.push(mix1(SEEDS[k], a));
    match role {
        R_S0 => {
            add(2, x.w);
            add(3, x.p);
            add(4, x.wp);
            add(18, x.su);
            add(20, x.u);
            add(K_FINE, x.fine);
        }
        R_S1 => {
            add(5, x.w);
            add(6, x.p);
            add(7, x.wp);
            add(K_FINE + 2, x.fine);
        }
        R_S2 => {
            add(14, x.w);
            add(15, x.p);
        }
        R_B0 => {
            add(8, x.w);
            add(9, x.p);
            add(10, x.wp);
            add(19, x.su);
            add(21, x.u);
            add(K_FINE + 1, x.fine);
        }
        R_B1 => {
            add(11, x.w);
            add(12, x.p);
            add(13, x.wp);
            add(K_FINE + 3, x.fine);
        }
        R_B2 => {
            add(16, x.w);
            add(17, x.p);
        }
        _ => {}
    }
}

/// Template number of the first word-class unigram (`s0`'s; then `b0`, `s1`, `b1`).
const K_FINE: usize = 99;

/// Slots of [`context`]: the next verb, the next punctuation mark.
pub(crate) const CTX: usize = 2;

/// Per word, what lies to its right: the fine tag of the next verb or auxiliary and its
/// distance (up to 6), and the same of the next punctuation mark (`NONE` where there is
/// none). A greedy parser sees the buffer only a few words deep; these tell it, for
/// instance, whether a clause is still to come.
pub(crate) fn context(toks: &[Tok], out: &mut Vec<[u64; CTX]>) {
    let verb = bytes_hash(SEEDS[3], b"VERB");
    let aux = bytes_hash(SEEDS[3], b"AUX");
    let punct = bytes_hash(SEEDS[3], b"PUNCT");
    out.clear();
    out.resize(toks.len(), [NONE; CTX]);
    let mut next = [NO; CTX];
    for i in (0..toks.len()).rev() {
        for (k, &j) in next.iter().enumerate() {
            out[i][k] = if j == NO { NONE } else { mix2(SEEDS[7100 + k], toks[j].p, (j - i).min(6) as u64) };
        }
        let u = toks[i].u;
        if u == verb || u == aux {
            next[0] = i;
        }
        if u == punct {
            next[1] = i;
        }
    }
}

/// Fills `f` with all the features of `st`: [`extract`]'s and the roles'.
pub(crate) fn extract_all(st: &State, toks: &[Tok], f: &mut Feats) {
    extract(st, toks, f);
    for (r, i) in role_positions(st).into_iter().enumerate() {
        role_feats(tok(toks, st.n, i), r, f);
    }
}

/// Fills `f` with the features of `st` except the roles' ([`role_feats`]).
///
/// The templates are those of Zhang & Nivre (2011), adapted to arc-hybrid, less 26 that did
/// not earn their place: taking any one of them out of the trained model did not lower EWT
/// dev attachment, with gold or predicted tags, and a parser trained without all of them
/// scores as well (models/parser.manifest). Most of them read two words, whose rows are
/// rarely in cache, so the parser is faster without them.
///
/// Eight more (six here, two in [`label_extract`]) read what lies past the buffer's front:
/// the next verb and the next punctuation mark to the right of b0 and s0 ([`context`]), and
/// how many words remain. Nine (six here, three in [`label_extract`]) read the supertags
/// ([`crate::supertag`]) of s1, s0, b0, b1 and b2, in pairs and with tags.
pub(crate) fn extract(st: &State, toks: &[Tok], f: &mut Feats) {
    f.len = 0;
    let n = st.n;
    let t = |i: usize| tok(toks, n, i);
    let l = |i: usize| if i >= n || st.heads[i] == NO { NONE } else { 100 + st.labels[i] as u64 };
    let lc = |i: usize, k: usize| if i > n { NO } else { st.lc[i][k] };
    let rc = |i: usize, k: usize| if i > n { NO } else { st.rc[i][k] };
    let vl = |i: usize| if i > n { NONE } else { 200 + st.nl[i].min(4) as u64 };

    let s0 = st.s(0);
    let s1 = st.s(1);
    let s2 = st.s(2);
    let b0 = if st.b < n { st.b } else { NO };
    let b1 = if st.b + 1 < n { st.b + 1 } else { NO };
    let b2 = if st.b + 2 < n { st.b + 2 } else { NO };
    let s0l1 = lc(s0, 0);
    let s0l2 = lc(s0, 1);
    let s0r1 = rc(s0, 0);
    let s0r2 = rc(s0, 1);
    let s1l1 = lc(s1, 0);
    let s1r1 = rc(s1, 0);
    let b0l1 = lc(b0, 0);
    let b0l2 = lc(b0, 1);
    let s0l1l1 = lc(s0l1, 0);
    let s0r1r1 = rc(s0r1, 0);
    let b0l1l1 = lc(b0l1, 0);

    let dist = if s0 >= n || b0 == NO {
        NONE
    } else {
        let d = b0 - s0;
        400 + match d {
            0..=4 => d as u64,
            5..=6 => 5,
            7..=9 => 6,
            _ => 7,
        }
    };
    let dist1 = if s0 >= n || s1 >= n { NONE } else { 500 + (s0 - s1).min(6) as u64 };

    let (ts0, ts1, ts2, tb0, tb1, tb2) = (t(s0), t(s1), t(s2), t(b0), t(b1), t(b2));
    let (ps0, ps1, pb0, pb1) = (ts0.p, ts1.p, tb0.p, tb1.p);
    let (ws0, ws1, wb0) = (ts0.w, ts1.w, tb0.w);
    let p = |i: usize| t(i).p;

    // template numbers 2..=21 and K_FINE..K_FINE + 3 are the roles' unigrams
    let mut k = 21u64;
    macro_rules! add {
        ($($x:expr),*) => {{
            k += 1;
            f.push(mix!(SEEDS[k as usize]; $($x),*));
        }};
    }
    f.push(mix!(SEEDS[1]; 0)); // bias
    // pairs
    add!(ts0.wp, tb0.wp);
    add!(ts0.wp, pb0);
    add!(ps0, pb0);
    add!(pb0, pb1);
    add!(ws1, ws0);
    add!(ps1, ps0);
    add!(ps1, ws0);
    add!(ws1, ps0);
    add!(ws1, wb0);
    add!(ps1, pb0);
    // tag trigrams
    add!(pb0, pb1, tb2.p);
    add!(ps0, pb0, pb1);
    add!(ps1, ps0, pb0);
    add!(ts2.p, ps1, ps0);
    add!(ps0, p(s0l1), pb0);
    add!(ps0, p(s0r1), pb0);
    add!(ps0, pb0, p(b0l1));
    add!(ps1, ps0, p(s0l1));
    add!(ps1, p(s1l1), ps0);
    // distance and valency
    add!(ps0, dist);
    add!(wb0, dist);
    add!(pb0, dist);
    add!(ws0, wb0, dist);
    add!(ps0, pb0, dist);
    add!(ws1, ws0, dist1);
    add!(ws0, vl(s0));
    add!(ps0, vl(s0));
    add!(pb0, vl(b0));
    // children: words, tags and labels
    add!(t(s0l1).w);
    add!(p(s0l1));
    add!(l(s0l1));
    add!(t(s0r1).w);
    add!(t(b0l1).w);
    add!(p(b0l1));
    add!(l(b0l1));
    add!(p(s0l2));
    add!(l(s0l2));
    add!(p(s1r1));
    add!(l(s1r1));
    add!(p(s1l1));
    add!(l(s0));
    add!(l(s1));
    add!(ps0, l(s0l1), l(s0l2));
    add!(ps0, l(s0r1), l(s0r2));
    add!(pb0, l(b0l1), l(b0l2));
    add!(ps0, p(s0l1), p(s0l1l1));
    add!(ps0, p(s0r1), p(s0r1r1));
    add!(pb0, p(b0l1), p(b0l1l1));
    // word classes
    debug_assert!(k < K_FINE as u64);
    k = K_FINE as u64 + 3;
    add!(ts0.coarse, tb0.coarse);
    add!(ts0.fine, pb0);
    add!(ts1.coarse, ts0.coarse);
    add!(tb0.coarse, tb1.coarse);
    add!(ps0, t(s0r1).fine);
    add!(pb0, t(b0l1).fine);
    // what lies to the right of b0 and s0 ([`context`])
    k = 140;
    let cx = |i: usize, j: usize| st.ctx.get(i).map_or(NONE, |c| c[j]);
    let rem = if b0 == NO { NONE } else { 700 + (n - b0).min(6) as u64 };
    add!(ps0, pb0, cx(b0, 0));
    add!(pb0, cx(b0, 0));
    add!(ps0, pb0, rem);
    add!(pb0, cx(b0, 1));
    add!(ps0, cx(s0, 0));
    add!(ps1, ps0, cx(s0, 0));
    // the supertags of s0, s1 and the buffer's front ([`crate::supertag`])
    k = 165;
    add!(ts0.s, tb0.s);
    add!(tb0.s, tb1.s);
    add!(ps0, tb0.s);
    add!(ts0.s, pb0);
    add!(tb0.s, tb1.s, tb2.s);
    add!(ts1.s, ts0.s);
}

/// Fills `f` with the features for labelling the arc `h → d` about to be built (`left`:
/// the dependent precedes its head).
pub(crate) fn label_extract(st: &State, toks: &[Tok], h: usize, d: usize, left: bool, f: &mut Feats) {
    f.len = 0;
    let n = st.n;
    let t = |i: usize| tok(toks, n, i);
    let l = |i: usize| if i >= n || st.heads[i] == NO { NONE } else { 100 + st.labels[i] as u64 };
    let lc = |i: usize, k: usize| if i > n { NO } else { st.lc[i][k] };
    let rc = |i: usize| if i > n { NO } else { st.rc[i][0] };
    let dist = if h == n { 600 } else { 600 + h.abs_diff(d).min(8) as u64 };
    let nb = |i: usize, k: isize| {
        let j = i as isize + k;
        if i >= n || j < 0 || j as usize >= n {
            NO
        } else {
            j as usize
        }
    };
    let (th, td) = (t(h), t(d));
    let (ph, pd) = (th.p, td.p);
    // the direction is folded into every template's seed
    let mut k = if left { 5000u64 } else { 6000 };
    macro_rules! add {
        ($($x:expr),*) => {{
            k += 1;
            f.push(mix!(SEEDS[k as usize]; $($x),*));
        }};
    }
    let p = |i: usize| t(i).p;
    add!(0);
    add!(pd);
    add!(td.suf, pd);
    add!(th.w);
    add!(ph);
    add!(ph, pd);
    add!(ph, pd, dist);
    add!(pd, p(nb(d, -1)));
    add!(pd, p(nb(d, 1)));
    add!(ph, pd, p(nb(d, 1)));
    add!(pd, l(lc(d, 0)), l(rc(d)));
    add!(pd, t(lc(d, 0)).w);
    add!(pd, p(lc(d, 0)));
    add!(pd, p(rc(d)));
    add!(ph, l(lc(h, 0)));
    add!(ph, l(rc(h)));
    add!(td.fine);
    add!(th.fine);
    add!(td.fine, ph);
    let cx = |i: usize, j: usize| st.ctx.get(i).map_or(NONE, |c| c[j]);
    add!(ph, pd, cx(d, 0));
    add!(pd, cx(d, 1));
    // the dependent's supertag, alone and with the head's tag and supertag
    k = if left { 5900 } else { 6900 };
    add!(td.s);
    add!(ph, td.s);
    add!(td.s, th.s);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_points_to_the_next_verb_and_punctuation_mark() {
        let (wc, v, mut buf) = (Classes::default(), Vocab::default(), String::new());
        let sent = [("They", "PRON"), ("said", "VERB"), ("talks", "NOUN"), ("would", "AUX"), ("resume", "VERB"), (".", "PUNCT")];
        let toks: Vec<Tok> = sent.iter().map(|(w, u)| Tok::new(w, u, u, &wc, &v, &mut buf)).collect();
        let mut cx = Vec::new();
        context(&toks, &mut cx);
        assert_eq!(cx.len(), toks.len());
        // "They" and "would" both have a VERB next, one word on; a verb's own slot looks past it
        assert_eq!(cx[0][0], cx[3][0]);
        // "said" and "talks" both have "would" next, at distances 2 and 1
        assert_ne!(cx[1][0], cx[2][0]);
        // after the last verb, no verb but the full stop; after the full stop, nothing
        assert_eq!(cx[4][0], NONE);
        assert_ne!(cx[4][1], NONE);
        assert_ne!(cx[3][1], cx[4][1]);
        assert_eq!(cx[5], [NONE, NONE]);
        // the same tag at the same distance gives the same value, wherever it is
        let mut cy = Vec::new();
        context(&toks[3..], &mut cy);
        assert_eq!(cy[0], cx[3]);
    }

    #[test]
    fn templates_fit_the_feature_array() {
        let wc = Classes::default();
        let mut buf = String::new();
        let v = Vocab::from_keys(["a", "b", "year0000"].iter().map(|w| word_hash(w, &mut buf)).collect());
        assert!(v.contains(word_hash("A", &mut buf)) && !v.contains(word_hash("c", &mut buf)));
        let toks: Vec<Tok> = ["A", "b", "c", "d"].iter().map(|w| Tok::new(w, "X", "X", &wc, &v, &mut buf)).collect();
        assert_eq!(toks[2].w, toks[3].w); // both rare
        let mut st = State::new(4);
        let mut f = Feats::new(20);
        st.apply(super::super::SHIFT, 0);
        st.apply(super::super::SHIFT, 0);
        extract(&st, &toks, &mut f);
        assert!(f.len < MAX_FEATS, "{} action features", f.len);
        assert!(f.rows().iter().all(|&r| r < 1 << 20));
        label_extract(&st, &toks, 2, 1, true, &mut f);
        assert!(f.len < MAX_FEATS && f.len > 10, "{} label features", f.len);
        // the normalization: case and digits
        let a = Tok::new("Year2019", "X", "X", &wc, &v, &mut buf);
        let b = Tok::new("year1999", "X", "X", &wc, &v, &mut buf);
        assert_eq!(a.w, b.w);
        assert_ne!(a.w, toks[2].w);
        // the class table agrees with the word-class table it is built from
        let words: Vec<Vec<&str>> = (0..40).map(|i| vec!["the", "army", "left", "Paris", ["a", "b", "c"][i % 3], "."]).collect();
        let wcl = WordClusters::build(words.into_iter(), 1);
        let cl = Classes::new(&wcl);
        for w in ["the", "Army", "LEFT", "paris", "nope", "", "Ébène"] {
            let want = wcl.get(w).map(|c| (c.fine, c.coarse));
            assert_eq!(cl.get(normalize(w, &mut buf)), want, "{w}");
            assert_eq!(normalize(w, &mut buf), crate::ner::clusters::key(w));
        }
    }
}
