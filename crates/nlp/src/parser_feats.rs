//! Feature templates of the dependency parser (after Zhang & Nivre 2011, adapted to
//! arc-hybrid): words, tags, children, labels, distance and valency around the top of the
//! stack and the front of the buffer.

use super::{State, NO};
use crate::ner::clusters::WordClusters;
use crate::perceptron::FeatureHasher;

/// A token prepared for feature extraction: hashes of its normalized form, its tags and
/// its suffix.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tok {
    pub w: u64,
    pub p: u64,
    pub u: u64,
    pub suf: u64,
    /// Fine and coarse word class (or NONE).
    pub fine: u64,
    pub coarse: u64,
}

/// Lowercases and maps digits to `0`, so that numbers share statistics.
pub(crate) fn norm_word(s: &str) -> String {
    s.chars().flat_map(|c| c.to_lowercase()).map(|c| if c.is_ascii_digit() { '0' } else { c }).collect()
}

impl Tok {
    pub fn new(form: &str, upos: &str, xpos: &str, wc: &WordClusters) -> Tok {
        let class = wc.get(form);
        let w = norm_word(form);
        let cut = w.char_indices().rev().nth(2).map_or(0, |(i, _)| i);
        let tag = if xpos.is_empty() || xpos == "_" { upos } else { xpos };
        Tok {
            w: FeatureHasher::new(0).str(&w).finish(),
            p: FeatureHasher::new(1).str(tag).finish(),
            u: FeatureHasher::new(2).str(upos).finish(),
            suf: FeatureHasher::new(3).str(&w[cut..]).finish(),
            fine: class.map_or(NONE, |c| 0x1_0000 + c.fine as u64),
            coarse: class.map_or(NONE, |c| 0x2_0000 + c.coarse as u64),
        }
    }
}

/// The feature hashes of one state.
#[derive(Default)]
pub(crate) struct Feats(pub Vec<u64>);

const NONE: u64 = 0x1234_5678_9abc_def1;
const ROOT: u64 = 0x0fed_cba9_8765_4321;

use crate::perceptron::{combine as mix, splitmix as fin};

impl Feats {
    #[inline]
    fn add(&mut self, t: u64, parts: &[u64]) {
        let mut h = t.wrapping_mul(0xd6e8_feb8_6659_fd93);
        for &p in parts {
            h = mix(h, p);
        }
        self.0.push(fin(h));
    }
}

/// Fills `f` with the features of `st`.
pub(crate) fn extract(st: &State, toks: &[Tok], f: &mut Feats) {
    f.0.clear();
    let n = st.n;
    let w = |i: usize| if i == NO { NONE } else if i == n { ROOT } else { toks[i].w };
    let p = |i: usize| if i == NO { NONE } else if i == n { ROOT } else { toks[i].p };
    let u = |i: usize| if i == NO { NONE } else if i == n { ROOT } else { toks[i].u };
    let sf = |i: usize| if i == NO { NONE } else if i == n { ROOT } else { toks[i].suf };
    let l = |i: usize| if i == NO || i >= n || st.heads[i] == NO { NONE } else { 100 + st.labels[i] as u64 };
    let lc = |i: usize, k: usize| if i == NO { NO } else { st.lc[i][k] };
    let rc = |i: usize, k: usize| if i == NO { NO } else { st.rc[i][k] };
    let vl = |i: usize| if i == NO { NONE } else { 200 + st.nl[i].min(4) as u64 };
    let vr = |i: usize| if i == NO { NONE } else { 300 + st.nr[i].min(4) as u64 };

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

    let dist = if s0 == NO || s0 == n || b0 == NO {
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
    let dist1 = if s0 == NO || s1 == NO || s1 == n || s0 == n {
        NONE
    } else {
        let d = s0 - s1;
        500 + d.min(6) as u64
    };

    let mut t = 0u64;
    let mut add = |parts: &[u64]| {
        t += 1;
        f.add(t, parts);
    };
    add(&[]); // bias
    // unigrams
    for &i in &[s0, s1, b0, b1] {
        add(&[w(i)]);
        add(&[p(i)]);
        add(&[w(i), p(i)]);
    }
    for &i in &[s2, b2] {
        add(&[w(i)]);
        add(&[p(i)]);
    }
    add(&[sf(s0), u(s0)]);
    add(&[sf(b0), u(b0)]);
    add(&[u(s0)]);
    add(&[u(b0)]);
    // pairs
    add(&[w(s0), p(s0), w(b0), p(b0)]);
    add(&[w(s0), p(s0), w(b0)]);
    add(&[w(s0), w(b0), p(b0)]);
    add(&[w(s0), p(s0), p(b0)]);
    add(&[p(s0), w(b0), p(b0)]);
    add(&[w(s0), w(b0)]);
    add(&[p(s0), p(b0)]);
    add(&[p(b0), p(b1)]);
    add(&[w(b0), w(b1)]);
    add(&[w(s1), w(s0)]);
    add(&[p(s1), p(s0)]);
    add(&[w(s1), p(s1), w(s0), p(s0)]);
    add(&[p(s1), w(s0)]);
    add(&[w(s1), p(s0)]);
    add(&[w(s1), w(b0)]);
    add(&[p(s1), p(b0)]);
    // tag trigrams
    add(&[p(b0), p(b1), p(b2)]);
    add(&[p(s0), p(b0), p(b1)]);
    add(&[p(s1), p(s0), p(b0)]);
    add(&[p(s2), p(s1), p(s0)]);
    add(&[p(s0), p(s0l1), p(b0)]);
    add(&[p(s0), p(s0r1), p(b0)]);
    add(&[p(s0), p(b0), p(b0l1)]);
    add(&[p(s1), p(s0), p(s0l1)]);
    add(&[p(s1), p(s0), p(s0r1)]);
    add(&[p(s1), p(s1r1), p(s0)]);
    add(&[p(s1), p(s1l1), p(s0)]);
    // distance
    add(&[w(s0), dist]);
    add(&[p(s0), dist]);
    add(&[w(b0), dist]);
    add(&[p(b0), dist]);
    add(&[w(s0), w(b0), dist]);
    add(&[p(s0), p(b0), dist]);
    add(&[p(s1), p(s0), dist1]);
    add(&[w(s1), w(s0), dist1]);
    // valency
    add(&[w(s0), vr(s0)]);
    add(&[p(s0), vr(s0)]);
    add(&[w(s0), vl(s0)]);
    add(&[p(s0), vl(s0)]);
    add(&[w(b0), vl(b0)]);
    add(&[p(b0), vl(b0)]);
    add(&[p(s1), vr(s1)]);
    // children
    for &(c, full) in &[(s0l1, true), (s0r1, true), (b0l1, true), (s0l2, false), (s0r2, false), (b0l2, false), (s1r1, false), (s1l1, false)] {
        if full {
            add(&[w(c)]);
        }
        add(&[p(c)]);
        add(&[l(c)]);
    }
    add(&[l(s0)]);
    add(&[l(s1)]);
    add(&[p(s0), l(s0l1), l(s0l2)]);
    add(&[p(s0), l(s0r1), l(s0r2)]);
    add(&[p(b0), l(b0l1), l(b0l2)]);
    add(&[p(s0), p(s0l1), p(s0l1l1)]);
    add(&[p(s0), p(s0r1), p(s0r1r1)]);
    add(&[p(b0), p(b0l1), p(b0l1l1)]);
    add(&[w(s0), l(s0r1)]);
    add(&[w(b0), l(b0l1)]);
    add(&[p(s1), l(s1r1), p(s0)]);
    // word classes
    let fi = |i: usize| if i == NO { NONE } else if i == n { ROOT } else { toks[i].fine };
    let co = |i: usize| if i == NO { NONE } else if i == n { ROOT } else { toks[i].coarse };
    add(&[fi(s0)]);
    add(&[fi(b0)]);
    add(&[fi(s1)]);
    add(&[fi(b1)]);
    add(&[co(s0), co(b0)]);
    add(&[fi(s0), p(b0)]);
    add(&[p(s0), fi(b0)]);
    add(&[co(s0), p(s0), co(b0), p(b0)]);
    add(&[co(s1), co(s0)]);
    add(&[co(b0), co(b1)]);
    add(&[p(s0), fi(s0r1)]);
    add(&[p(b0), fi(b0l1)]);
}

/// Fills `f` with the features for labelling the arc `h → d` about to be built (`left`:
/// the dependent precedes its head).
pub(crate) fn label_extract(st: &State, toks: &[Tok], h: usize, d: usize, left: bool, f: &mut Feats) {
    f.0.clear();
    let n = st.n;
    let w = |i: usize| if i == NO { NONE } else if i == n { ROOT } else { toks[i].w };
    let p = |i: usize| if i == NO { NONE } else if i == n { ROOT } else { toks[i].p };
    let sf = |i: usize| if i == NO { NONE } else if i == n { ROOT } else { toks[i].suf };
    let l = |i: usize| if i == NO || i >= n || st.heads[i] == NO { NONE } else { 100 + st.labels[i] as u64 };
    let lc = |i: usize, k: usize| if i == NO { NO } else { st.lc[i][k] };
    let rc = |i: usize, k: usize| if i == NO { NO } else { st.rc[i][k] };
    let dir = if left { 7001 } else { 7002 };
    let dist = if h == n { 600 } else { 600 + h.abs_diff(d).min(8) as u64 };
    let nb = |i: usize, k: isize| {
        let j = i as isize + k;
        if i >= n || j < 0 || j as usize >= n {
            NO
        } else {
            j as usize
        }
    };
    let mut t = 5000u64;
    let mut add = |parts: &[u64]| {
        t += 1;
        f.add(t, parts);
    };
    add(&[dir]);
    add(&[dir, w(d)]);
    add(&[dir, p(d)]);
    add(&[dir, w(d), p(d)]);
    add(&[dir, sf(d), p(d)]);
    add(&[dir, w(h)]);
    add(&[dir, p(h)]);
    add(&[dir, w(h), p(h)]);
    add(&[dir, w(h), w(d)]);
    add(&[dir, p(h), p(d)]);
    add(&[dir, w(h), p(d)]);
    add(&[dir, p(h), w(d)]);
    add(&[dir, p(h), p(d), dist]);
    add(&[dir, w(d), dist]);
    add(&[dir, p(d), p(nb(d, -1))]);
    add(&[dir, p(d), p(nb(d, 1))]);
    add(&[dir, p(h), p(d), p(nb(d, 1))]);
    add(&[dir, p(h), p(d), p(nb(d, -1))]);
    add(&[dir, p(d), l(lc(d, 0)), l(rc(d, 0))]);
    add(&[dir, p(d), w(lc(d, 0))]);
    add(&[dir, p(d), p(lc(d, 0))]);
    add(&[dir, p(d), p(rc(d, 0))]);
    add(&[dir, p(h), l(lc(h, 0))]);
    add(&[dir, p(h), l(rc(h, 0))]);
    add(&[dir, p(h), p(d), l(lc(h, 0)), l(rc(h, 0))]);
    add(&[dir, w(d), l(lc(d, 0))]);
    add(&[dir, p(h), sf(h)]);
    let fi = |i: usize| if i == NO || i >= n { NONE } else { toks[i].fine };
    add(&[dir, fi(d)]);
    add(&[dir, fi(h)]);
    add(&[dir, fi(h), fi(d)]);
    add(&[dir, fi(d), p(h)]);
}
