//! Tree revision: a second look at every word's head once the parser has built the whole
//! tree (after Hall & Novák 2005, "Corrective modeling for non-projective dependency
//! parsing", and Attardi & Ciaramita 2007, "Tree revision learning").
//!
//! A greedy parser decides each attachment seeing only a few words past the buffer's front;
//! once the tree is complete much more is known: where each phrase ends, what the words
//! around it became, which preposition a noun took. For each word, the reviser scores a
//! few heads it could have instead ([`candidates`]): the nodes on the paths up to the root
//! from the words either side of its subtree (where it could move without crossing the
//! tree's other arcs), the words of its own subtree near it (a head and its dependent
//! swapped), its near neighbours and the root. One linear model (an averaged ranking
//! perceptron over hashed features, learnt one word at a time) scores every candidate
//! arc; the features include whether the candidate is the parser's own choice, so the
//! model learns when to overrule it, and, when the reviser has a table of lexical
//! affinities ([`crate::affinity`], counted over news parsed by the parser), how often the
//! candidate's word was seen heading the word, with its preposition, and how often it took
//! that preposition at all. The new tree is the best-scoring projective tree over those
//! arcs with one dependent of the root (Eisner's algorithm, [`Eisner`]); a first-order
//! reparse stacked on the parser's tree, after Nivre & McDonald 2008, "Integrating
//! graph-based and transition-based dependency parsers". Each word whose head changed is
//! relabelled by the parser's label model.
//!
//! The reviser learns from the trees of parsers that did not see the sentence (jackknifed
//! over the training data, with jackknifed tags), so that its input looks like what it
//! meets at run time (`dateline train parser --revise-folds`).

use crate::affinity::Affinity;
use crate::perceptron::{self, combine, splitmix, Perceptron, SparsePerceptron, Trainer};
use std::io;

/// Per word: the values the reviser's features read.
#[derive(Clone, Copy, Debug, Default)]
pub struct RevTok {
    /// Lowercased form.
    pub w: u64,
    /// Fine tag (XPOS).
    pub x: u64,
    /// The first two characters of the fine tag ("VB", "NN").
    pub x2: u64,
    /// A closed-class word (adposition, determiner, pronoun, conjunction, auxiliary,
    /// particle, punctuation): its features read the word, not the tag.
    pub closed: bool,
    /// The relation (without subtype) the parser gave it.
    pub l: u64,
    /// Its supertag ([`crate::supertag`]: relation and head side, guessed before parsing).
    pub s: u64,
}

const NONE: u64 = 0x51ed_270b_1b2e_f00d;
const ROOT: u64 = 0x7a3c_94e1_5d0f_beef;
/// Sentences longer than this are not revised (the candidate paths grow with the depth, and
/// the tables of Eisner's algorithm with the square of the length).
pub const MAX_WORDS: usize = 400;
/// Candidates are looked for at most this many steps up each path (deeper ones are rare,
/// and long unpunctuated text makes deep trees).
const MAX_RANK: usize = 16;
/// Weights below this magnitude are dropped from the saved model.
const MIN_WEIGHT: f32 = 0.5;

/// Hash of a string's bytes, ASCII-lowercased.
pub fn lower_hash(s: &str) -> u64 {
    let mut h = 0x2545_f491_4f6c_dd1du64;
    for b in s.bytes() {
        h = combine(h, b.to_ascii_lowercase() as u64);
    }
    splitmix(combine(h, s.len() as u64))
}

/// Hash of a string's bytes as they are.
pub fn str_hash(s: &str) -> u64 {
    let mut h = 0x9e37_79b9_7f4a_7c15u64;
    for b in s.bytes() {
        h = combine(h, b as u64);
    }
    splitmix(combine(h, s.len() as u64))
}

impl RevTok {
    /// The values of a word with form `form`, tags `upos` / `xpos` and relation `rel`.
    pub fn new(form: &str, upos: &str, xpos: &str, rel: &str, stag: &str) -> RevTok {
        RevTok { l: rel_hash(rel), s: str_hash(stag), ..RevTok::word(form, upos, xpos) }
    }

    /// The values of the word alone (`l` and `s` left 0, for the caller to fill in with
    /// hashes it already has).
    pub fn word(form: &str, upos: &str, xpos: &str) -> RevTok {
        let x = if xpos.is_empty() { upos } else { xpos };
        RevTok {
            w: lower_hash(form),
            x: str_hash(x),
            x2: str_hash(x.get(..2).unwrap_or(x)),
            closed: matches!(upos, "ADP" | "DET" | "PRON" | "CCONJ" | "SCONJ" | "AUX" | "PART" | "PUNCT"),
            l: 0,
            s: 0,
        }
    }
}

/// Hash of relation `rel` without its subtype.
pub fn rel_hash(rel: &str) -> u64 {
    str_hash(rel.split(':').next().unwrap_or(rel))
}

/// A trained reviser.
pub struct Reviser {
    /// The weights, one bfloat16 per row (`2^bits` rows; one memory read per feature).
    w: Vec<u16>,
    mask: u64,
    bits: u32,
    /// How far from a word its candidates inside its subtree and beside it may lie
    /// ([`candidates`]).
    window: Window,
    /// Lexical affinities from parsed news ([`crate::affinity`]), if the reviser learnt
    /// with them.
    aff: Option<Affinity>,
}

/// How far from a word the candidates that are not on its paths may lie: in its own
/// subtree (`inside`) and outside it (`outside`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub inside: u8,
    pub outside: u8,
}

/// A parsed sentence with its gold heads, for training.
pub struct Example {
    pub toks: Vec<RevTok>,
    /// The parser's heads (`toks.len()` = the root).
    pub heads: Vec<usize>,
    pub gold: Vec<usize>,
}

/// Where a candidate head lies, seen from the word.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Left = 1,
    Right = 2,
    Root = 3,
    /// The parser's head, when no path reaches it.
    Other = 4,
}

/// One candidate head of a word.
#[derive(Clone, Copy)]
struct Cand {
    h: usize,
    side: Side,
    /// Steps up the path from the word next to the subtree (0: that word); [`INSIDE`] or
    /// [`BESIDE`] for a candidate off the paths.
    rank: usize,
    /// The node below `h` on that path (`usize::MAX`: none).
    child: usize,
}

/// The rank of a candidate in the word's own subtree, and of one beside it off the paths.
const INSIDE: usize = 20;
const BESIDE: usize = 21;

/// The tree's shape, computed once per sentence.
#[derive(Default)]
struct Shape {
    /// First and last word of each node's subtree.
    lo: Vec<usize>,
    hi: Vec<usize>,
    /// Per word: its first dependent labelled case, mark or cc (usize::MAX: none).
    prep: Vec<usize>,
}

fn shape(toks: &[RevTok], heads: &[usize], sh: &mut Shape) {
    let n = toks.len();
    sh.lo.clear();
    sh.lo.extend(0..n);
    sh.hi.clear();
    sh.hi.extend(0..n);
    sh.prep.clear();
    sh.prep.resize(n, usize::MAX);
    let (case, mark, cc) = (rel_hash("case"), rel_hash("mark"), rel_hash("cc"));
    for d in 0..n {
        let h = heads[d];
        if h < n && sh.prep[h] == usize::MAX && [case, mark, cc].contains(&toks[d].l) {
            sh.prep[h] = d;
        }
        // widen every ancestor's span (bounded: a tree has no cycles, but stay safe)
        let mut k = h;
        let mut steps = 0;
        while k < n && steps <= n {
            sh.lo[k] = sh.lo[k].min(d);
            sh.hi[k] = sh.hi[k].max(d);
            k = heads[k];
            steps += 1;
        }
    }
}

/// The candidate heads of word `d`: the nodes on the paths up from the words either side of
/// its subtree, the parser's head, the words within `win` of it (inside its subtree and
/// outside), and the root.
fn candidates(heads: &[usize], sh: &Shape, d: usize, win: Window, out: &mut Vec<Cand>) {
    let n = heads.len();
    out.clear();
    let (a, b) = (sh.lo[d], sh.hi[d]);
    let starts = [(Side::Left, a.checked_sub(1)), (Side::Right, (b + 1 < n).then_some(b + 1))];
    for (side, start) in starts {
        let Some(mut k) = start else { continue };
        let (mut rank, mut prev) = (0, usize::MAX);
        loop {
            if (a..=b).contains(&k) {
                break;
            }
            if !out.iter().any(|c| c.h == k) {
                out.push(Cand { h: k, side: if k == n { Side::Root } else { side }, rank, child: prev });
            }
            if k >= n || rank >= MAX_RANK {
                break;
            }
            prev = k;
            k = heads[k];
            rank += 1;
        }
    }
    if !out.iter().any(|c| c.h == heads[d]) {
        out.push(Cand { h: heads[d], side: Side::Other, rank: 9, child: usize::MAX });
    }
    let w = win.inside.max(win.outside) as usize;
    for k in d.saturating_sub(w)..(d + w + 1).min(n) {
        let inside = (a..=b).contains(&k);
        if k != d && k.abs_diff(d) <= if inside { win.inside } else { win.outside } as usize && !out.iter().any(|c| c.h == k) {
            out.push(Cand { h: k, side: if k < d { Side::Left } else { Side::Right }, rank: if inside { INSIDE } else { BESIDE }, child: usize::MAX });
        }
    }
    if !out.iter().any(|c| c.h == n) {
        out.push(Cand { h: n, side: Side::Root, rank: BESIDE, child: usize::MAX });
    }
}

/// Eisner's algorithm (Eisner 1996): the best projective tree with one dependent of the
/// root, under first-order arc scores. Its tables are kept between sentences.
#[derive(Default)]
pub struct Eisner {
    /// Best complete spans `i..=j` headed by `j` (`cl`) and by `i` (`cr`), and incomplete
    /// spans with the arc `j -> i` (`il`) and `i -> j` (`ir`), at `i * n + j`; with where
    /// each was split.
    cl: Vec<f32>,
    cr: Vec<f32>,
    il: Vec<f32>,
    ir: Vec<f32>,
    bcl: Vec<u32>,
    bcr: Vec<u32>,
    bi: Vec<u32>,
    stack: Vec<(u8, usize, usize)>,
    /// `cl` transposed.
    clt: Vec<f32>,
    /// Per head, the dependents it may take: its left ones nearest first, then its right
    /// ones nearest first (`start[2h]..start[2h + 1]`, `start[2h + 1]..start[2h + 2]`).
    adj: Vec<u32>,
    start: Vec<u32>,
}

impl Eisner {
    /// Fills `heads` (`n`: the root) with the best tree of `n` words under arc scores
    /// `s[h * n + d]` (`h = n`: the root; `NEG_INFINITY`: no such arc); false (and `heads`
    /// unchanged) when no tree can be made of the arcs.
    pub fn run(&mut self, n: usize, s: &[f32], heads: &mut [usize]) -> bool {
        if n == 0 || s.len() < (n + 1) * n || heads.len() < n {
            return false;
        }
        let nn = n * n;
        for v in [&mut self.cl, &mut self.cr, &mut self.il, &mut self.ir] {
            v.clear();
            v.resize(nn, f32::NEG_INFINITY);
        }
        for v in [&mut self.bcl, &mut self.bcr, &mut self.bi] {
            v.clear();
            v.resize(nn, 0);
        }
        let ix = |i: usize, j: usize| i * n + j;
        for i in 0..n {
            self.cl[ix(i, i)] = 0.0;
            self.cr[ix(i, i)] = 0.0;
        }
        // the arcs are sparse: a complete span only tries the dependents its head may take;
        // `clt` lets the incomplete spans' inner loop read both of its tables in order
        self.adj.clear();
        self.start.clear();
        for h in 0..n {
            self.start.push(self.adj.len() as u32);
            self.adj.extend((0..h).rev().filter(|&d| s[h * n + d] > f32::NEG_INFINITY).map(|d| d as u32));
            self.start.push(self.adj.len() as u32);
            self.adj.extend((h + 1..n).filter(|&d| s[h * n + d] > f32::NEG_INFINITY).map(|d| d as u32));
        }
        self.start.push(self.adj.len() as u32);
        self.clt.clear();
        self.clt.resize(nn, f32::NEG_INFINITY);
        for i in 0..n {
            self.clt[ix(i, i)] = 0.0;
        }
        for len in 1..n {
            for i in 0..n - len {
                let j = i + len;
                let (sl, sr) = (s[j * n + i], s[i * n + j]);
                if sl > f32::NEG_INFINITY || sr > f32::NEG_INFINITY {
                    let (mut best, mut br) = (f32::NEG_INFINITY, i);
                    let a = &self.cr[ix(i, i)..ix(i, j)];
                    let b = &self.clt[ix(j, i + 1)..ix(j, j) + 1];
                    for (k, (x, y)) in a.iter().zip(b).enumerate() {
                        let v = x + y;
                        if v > best {
                            (best, br) = (v, i + k);
                        }
                    }
                    self.il[ix(i, j)] = best + sl;
                    self.ir[ix(i, j)] = best + sr;
                    self.bi[ix(i, j)] = br as u32;
                }
                // complete, headed by j: an arc j -> r with i <= r < j
                let (mut best, mut br) = (f32::NEG_INFINITY, i);
                for &r in &self.adj[self.start[2 * j] as usize..self.start[2 * j + 1] as usize] {
                    let r = r as usize;
                    if r < i {
                        break;
                    }
                    let v = self.cl[ix(i, r)] + self.il[ix(r, j)];
                    if v > best {
                        (best, br) = (v, r);
                    }
                }
                self.cl[ix(i, j)] = best;
                self.clt[ix(j, i)] = best;
                self.bcl[ix(i, j)] = br as u32;
                // complete, headed by i: an arc i -> r with i < r <= j
                let (mut best, mut br) = (f32::NEG_INFINITY, j);
                for &r in &self.adj[self.start[2 * i + 1] as usize..self.start[2 * i + 2] as usize] {
                    let r = r as usize;
                    if r > j {
                        break;
                    }
                    let v = self.ir[ix(i, r)] + self.cr[ix(r, j)];
                    if v > best {
                        (best, br) = (v, r);
                    }
                }
                self.cr[ix(i, j)] = best;
                self.bcr[ix(i, j)] = br as u32;
            }
        }
        let (mut best, mut root) = (f32::NEG_INFINITY, usize::MAX);
        for r in 0..n {
            let v = s[n * n + r] + self.cl[ix(0, r)] + self.cr[ix(r, n - 1)];
            if v > best {
                (best, root) = (v, r);
            }
        }
        if root == usize::MAX {
            return false;
        }
        heads[root] = n;
        // 0: complete left (head j), 1: complete right (head i), 2: incomplete left (j -> i),
        // 3: incomplete right (i -> j)
        self.stack.clear();
        self.stack.push((0, 0, root));
        self.stack.push((1, root, n - 1));
        while let Some((k, i, j)) = self.stack.pop() {
            if i == j {
                continue;
            }
            match k {
                0 => {
                    let r = self.bcl[ix(i, j)] as usize;
                    self.stack.push((0, i, r));
                    self.stack.push((2, r, j));
                }
                1 => {
                    let r = self.bcr[ix(i, j)] as usize;
                    self.stack.push((3, i, r));
                    self.stack.push((1, r, j));
                }
                _ => {
                    let r = self.bi[ix(i, j)] as usize;
                    if k == 2 {
                        heads[i] = j;
                    } else {
                        heads[j] = i;
                    }
                    self.stack.push((1, i, r));
                    self.stack.push((0, r + 1, j));
                }
            }
        }
        true
    }
}

/// Number of feature templates (each candidate has one feature per template); the last
/// [`AFF_TEMPLATES`] read the affinity table, and a reviser without one does not read them.
const NT: usize = 44;
const AFF_TEMPLATES: usize = 4;

/// Template seeds.
const SEEDS: [u64; NT] = {
    let mut s = [0u64; NT];
    let mut i = 0;
    while i < NT {
        let mut z = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xd1b5_4a32_d192_ed03;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        s[i] = z ^ (z >> 31);
        i += 1;
    }
    s
};

/// Per template, the hash of the values that depend on word `d` alone (the candidate's are
/// folded in by [`features`]).
fn word_part(toks: &[RevTok], sh: &Shape, d: usize) -> [u64; NT] {
    let n = toks.len();
    let t = &toks[d];
    let fw = if t.closed { t.w } else { t.x };
    let prev = sh.lo[d].checked_sub(1).map_or(ROOT, |i| toks[i].x);
    let next = if sh.hi[d] + 1 < n { toks[sh.hi[d] + 1].x } else { ROOT };
    let leaf = (sh.lo[d] == sh.hi[d]) as u64;
    let prep = if sh.prep[d] < n { toks[sh.prep[d]].w } else { NONE };
    let parts: [&[u64]; NT] = [
        &[],
        &[fw],
        &[fw],
        &[fw],
        &[fw],
        &[fw],
        &[fw],
        &[fw],
        &[fw, prev, next],
        &[fw],
        &[],
        &[fw],
        &[fw],
        &[fw],
        &[t.l],
        &[t.l],
        &[t.l],
        &[fw],
        &[t.x],
        &[leaf],
        &[prep],
        &[prep],
        &[prep],
        &[prep, t.w],
        &[t.l, t.x2],
        &[t.w],
        &[t.w],
        &[prep, t.l],
        &[t.s],
        &[t.s],
        &[t.s],
        &[fw],
        &[t.s],
        &[fw],
        &[fw],
        &[fw],
        &[fw],
        &[fw],
        &[fw],
        &[fw],
        &[fw],
        &[],
        &[prep],
        &[prep],
    ];
    std::array::from_fn(|i| parts[i].iter().fold(SEEDS[i], |x, &v| combine(x, v)))
}

/// What [`features`] reads of the sentence: its words, the tree, the tree's shape and the
/// affinity table, if any.
struct Tree<'a> {
    toks: &'a [RevTok],
    heads: &'a [usize],
    sh: &'a Shape,
    aff: Option<&'a Affinity>,
}

/// The features of moving word `d` under candidate `c` (hashed, into `f`), from the word's
/// part `wp` ([`word_part`]).
fn features(t: &Tree, d: usize, wp: &[u64; NT], c: &Cand, f: &mut Vec<u64>) {
    let Tree { toks, heads, sh, aff } = *t;
    f.clear();
    let n = toks.len();
    let h = c.h;
    let (sd, rk) = (c.side as u64, if c.rank >= INSIDE { c.rank } else { c.rank.min(5) } as u64);
    let (hx, hl, hw, hs, hx2) = if h < n { (toks[h].x, toks[h].l, toks[h].w, toks[h].s, toks[h].x2) } else { (ROOT, ROOT, ROOT, ROOT, ROOT) };
    let cl = if c.child < n { toks[c.child].l } else { NONE };
    let dist = if h < n { h.abs_diff(d) } else { 0 };
    let db = if dist < 5 { dist } else if dist < 10 { 5 } else { 10 } as u64;
    let bnd = match c.side {
        Side::Left => (h < n && sh.hi[h] + 1 == sh.lo[d]) as u64,
        Side::Right => (h < n && sh.lo[h] == sh.hi[d] + 1) as u64,
        _ => 2,
    };
    let pc = (h == heads[d]) as u64;
    // the affinity bands ([`Affinity`]): of the arc, then of the candidate with the word's
    // preposition and of the triple (98: the root; 99: the word has no preposition)
    let (mut ac, mut ar, mut bp, mut bt) = (98, 98, 98, 98);
    if let Some(a) = aff.filter(|_| h < n) {
        (ac, ar) = a.arc(hw, toks[d].w, h < d);
        let p = sh.prep[d];
        (bp, bt) = if p < n { (a.prep(hw, toks[p].w), a.triple(hw, toks[p].w, toks[d].w)) } else { (99, 99) };
    }
    // (a feature that is the same for every candidate would not change the ranking; each
    // template below reads something of the candidate's)
    // each template's candidate values as one word: the small ones packed, the hashed ones
    // (tags, relations, words) xored in, the second of two rotated; one `combine` each
    let p = |a: u64, b: u64, c: u64| a | b << 8 | c << 16;
    let two = |x: u64, y: u64| x ^ y.rotate_left(23);
    let vals: [u64; NT] = [
        p(pc, 0, 0),
        p(sd, 0, 0),
        p(sd, rk, 0),
        hx ^ p(sd, 0, 0),
        hl ^ p(sd, 0, 0),
        two(hl, cl) ^ p(sd, 0, 0),
        p(sd, bnd, 0),
        hl ^ p(sd, bnd, 0),
        p(sd, 0, 0),
        p(sd, db, 0),
        p(sd, rk, 0),
        two(hl, hx) ^ p(sd, 0, 0),
        p(rk, bnd, 0),
        cl,
        hx ^ p(sd, 0, 0),
        p(sd, rk, 0),
        hl,
        hw,
        hx ^ p(sd, db, 0),
        p(sd, rk, 0),
        hx ^ p(sd, 0, 0),
        hw,
        hl ^ p(sd, 0, 0),
        hx,
        hx2 ^ p(sd, rk, 0),
        hx ^ p(sd, 0, 0),
        hw,
        p(sd, rk, 0),
        p(sd, 0, 0),
        hx ^ p(sd, 0, 0),
        p(sd, rk, 0),
        hs ^ p(sd, 0, 0),
        hs ^ p(sd, 0, 0),
        p(sd, pc, 0),
        p(sd, rk, pc),
        hx ^ p(sd, pc, 0),
        hl ^ p(sd, pc, 0),
        two(hl, cl) ^ p(sd, pc, 0),
        p(sd, bnd, pc),
        hl ^ p(sd, bnd, pc),
        p(sd, ac, ar),
        hx ^ p(sd, ar, 0),
        hx2 ^ p(sd, bp, 0),
        p(sd, bt, bp),
    ];
    // without a table, or without a preposition, the last templates are not read
    let used = match aff {
        None => NT - AFF_TEMPLATES,
        Some(_) if sh.prep[d] >= n => NT - 2,
        Some(_) => NT,
    };
    // (`combine` ends in a multiply and a rotation, which mixes the low bits the rows are
    // taken from well enough without a finalizer)
    f.extend(wp.iter().zip(&vals).take(used).map(|(&w, &v)| combine(w, v)));
}

/// Reusable buffers of [`Reviser::revise`].
#[derive(Default)]
pub struct Scratch {
    sh: Shape,
    cands: Vec<Cand>,
    f: Vec<u64>,
    rows: Vec<u32>,
    /// Arc scores, `h * n + d` (`h = n`: the root).
    arcs: Vec<f32>,
    eisner: Eisner,
    /// Each word's best head, then the new tree.
    new_heads: Vec<usize>,
    /// Per word: first and last word and size of its subtree ([`projective_tree`]).
    span: Vec<(usize, usize, usize)>,
}

/// Whether `heads` (`heads.len()`: the root) is a projective tree with one dependent of the
/// root; `span` is scratch space. Time: the sum of the words' depths.
fn projective_tree(heads: &[usize], span: &mut Vec<(usize, usize, usize)>) -> bool {
    let n = heads.len();
    if heads.iter().filter(|&&h| h == n).count() != 1 {
        return false;
    }
    span.clear();
    span.extend((0..n).map(|d| (d, d, 1)));
    for d in 0..n {
        let (mut k, mut steps) = (heads[d], 0);
        while k < n {
            if k == d || steps == n {
                return false; // a cycle
            }
            let s = &mut span[k];
            (s.0, s.1, s.2) = (s.0.min(d), s.1.max(d), s.2 + 1);
            k = heads[k];
            steps += 1;
        }
        if k > n {
            return false;
        }
    }
    // projective: every subtree covers its words without gaps
    span.iter().all(|&(lo, hi, size)| hi - lo + 1 == size)
}

impl Reviser {
    /// Revises the tree `heads` (`toks.len()` = the root) of a sentence; `moved` gets the
    /// words whose head changed (each to be relabelled).
    pub fn revise(&self, toks: &[RevTok], heads: &mut [usize], sc: &mut Scratch, moved: &mut Vec<usize>) {
        moved.clear();
        let n = toks.len();
        if !(3..=MAX_WORDS).contains(&n) || heads.len() != n {
            return;
        }
        shape(toks, heads, &mut sc.sh);
        sc.arcs.clear();
        sc.arcs.resize((n + 1) * n, f32::NEG_INFINITY);
        sc.new_heads.clear();
        let mut parsers_best = true;
        for d in 0..n {
            candidates(heads, &sc.sh, d, self.window, &mut sc.cands);
            // all the candidates' features first, so that their rows load together
            sc.rows.clear();
            let wp = word_part(toks, &sc.sh, d);
            if let Some(a) = &self.aff {
                let p = sc.sh.prep[d];
                let pw = (p < n).then(|| toks[p].w);
                for c in sc.cands.iter().filter(|c| c.h < n) {
                    a.prefetch(toks[c.h].w, toks[d].w, c.h < d, pw);
                }
            }
            let tree = Tree { toks, heads, sh: &sc.sh, aff: self.aff.as_ref() };
            for c in &sc.cands {
                features(&tree, d, &wp, c, &mut sc.f);
                sc.rows.extend(sc.f.iter().map(|&x| (x & self.mask) as u32));
            }
            for &r in &sc.rows {
                crate::parser::prefetch(self.w.as_ptr().wrapping_add(r as usize));
            }
            let (mut best, mut best_s) = (heads[d], f32::NEG_INFINITY);
            for (c, rows) in sc.cands.iter().zip(sc.rows.chunks(sc.f.len().max(1))) {
                let s: f32 = rows.iter().map(|&r| f32::from_bits((self.w[r as usize] as u32) << 16)).sum();
                sc.arcs[c.h * n + d] = s;
                if s > best_s || (s == best_s && c.h == heads[d]) {
                    (best, best_s) = (c.h, s);
                }
            }
            parsers_best &= best == heads[d];
            sc.new_heads.push(best);
        }
        // no tree scores more than the sum of every word's best arc: when those arcs are the
        // parser's tree, or another projective tree with one dependent of the root, that is
        // the tree Eisner's algorithm would find
        if parsers_best {
            return;
        }
        if !projective_tree(&sc.new_heads, &mut sc.span) && !sc.eisner.run(n, &sc.arcs, &mut sc.new_heads) {
            return;
        }
        for (d, (h, &new)) in heads.iter_mut().zip(&sc.new_heads).enumerate() {
            if *h != new {
                *h = new;
                moved.push(d);
            }
        }
    }

    /// Writes the model: `b"DLRV"`, the format version (`u8`, 1), the windows ([`Window`],
    /// `u8` inside and outside), a zero byte, the affinity table if there is one
    /// ([`Affinity::save`], starting `b"DLAF"`), then the weights as a [`SparsePerceptron`]
    /// (one class, starting `b"DLSP"`).
    pub fn save(&self, w: &mut impl io::Write) -> io::Result<()> {
        w.write_all(b"DLRV")?;
        w.write_all(&[FORMAT, self.window.inside, self.window.outside, 0])?;
        if let Some(a) = &self.aff {
            a.save(w)?;
        }
        SparsePerceptron::from_dense(&Perceptron::from_bf16(1, self.bits, &self.w), 0.0).save(w)
    }

    /// Reads a model written by [`Reviser::save`].
    pub fn from_bytes(b: &[u8]) -> io::Result<Reviser> {
        let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
        let head = b.get(..8).ok_or_else(|| bad("truncated reviser model"))?;
        if &head[..4] != b"DLRV" || head[4] != FORMAT {
            return Err(bad("unsupported reviser model (retrain with `dateline train parser`)"));
        }
        let window = Window { inside: head[5], outside: head[6] };
        let mut rest = &b[8..];
        let mut aff = None;
        if rest.starts_with(b"DLAF") {
            let (a, len) = Affinity::from_bytes(rest)?;
            aff = Some(a);
            rest = &rest[len..];
        }
        let (n, bits, w) = perceptron::load_sparse_as_bf16(rest)?;
        if n != 1 || bits > 30 {
            return Err(bad("bad reviser model"));
        }
        Ok(Reviser { w, mask: (1u64 << bits) - 1, bits, window, aff })
    }
}

/// The reviser file's format version.
const FORMAT: u8 = 1;

/// Training options.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    pub epochs: usize,
    pub bits: u32,
    pub window: Window,
    pub seed: u64,
}


impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { epochs: 5, bits: 20, window: Window { inside: 8, outside: 3 }, seed: 1 }
    }
}

/// Trains a reviser on parsed sentences with their gold heads: for every word whose gold
/// head is among its candidates, the candidates are ranked and the weights moved towards
/// the gold one when another ranks first. (Learning from whole trees, the arcs Eisner's
/// algorithm chose against the gold ones, did worse.)
pub fn train(examples: &[Example], aff: Option<Affinity>, opts: &TrainOptions, mut log: impl FnMut(&str)) -> Reviser {
    let mut tr = Trainer::new(1, opts.bits);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = crate::parser::Rng::new(opts.seed);
    let mut sh = Shape::default();
    let mut cands = Vec::new();
    let mut f = Vec::new();
    let mut gold_f = Vec::new();
    let mut best_f = Vec::new();
    for epoch in 0..opts.epochs {
        rng.shuffle(&mut order);
        let (mut right, mut total) = (0usize, 0usize);
        for &e in &order {
            let ex = &examples[e];
            let n = ex.toks.len();
            if !(3..=MAX_WORDS).contains(&n) || ex.heads.len() != n || ex.gold.len() != n {
                continue;
            }
            shape(&ex.toks, &ex.heads, &mut sh);
            for d in 0..n {
                candidates(&ex.heads, &sh, d, opts.window, &mut cands);
                if !cands.iter().any(|c| c.h == ex.gold[d]) {
                    continue;
                }
                let mut best = (f32::NEG_INFINITY, usize::MAX);
                let wp = word_part(&ex.toks, &sh, d);
                let tree = Tree { toks: &ex.toks, heads: &ex.heads, sh: &sh, aff: aff.as_ref() };
                for c in &cands {
                    features(&tree, d, &wp, c, &mut f);
                    let mut s = [0f32];
                    tr.model().score_into(&f, &mut s);
                    if s[0] > best.0 {
                        best = (s[0], c.h);
                        std::mem::swap(&mut best_f, &mut f);
                    }
                    if c.h == ex.gold[d] {
                        features(&tree, d, &wp, c, &mut gold_f);
                    }
                }
                tr.tick();
                total += 1;
                if best.1 == ex.gold[d] {
                    right += 1;
                } else {
                    tr.update(&gold_f, 0, 1.0);
                    tr.update(&best_f, 0, -1.0);
                }
            }
        }
        log(&format!("reviser epoch {}: {:.2}% of candidate sets ranked right", epoch + 1, 100.0 * right as f64 / total.max(1) as f64));
    }
    let model: Perceptron = tr.finish();
    let mut b = Vec::new();
    SparsePerceptron::from_dense(&model, MIN_WEIGHT).save(&mut b).expect("writing to a Vec cannot fail");
    let (_, bits, w) = perceptron::load_sparse_as_bf16(&b).expect("a model just written reads back");
    Reviser { w, mask: (1u64 << bits) - 1, bits, window: opts.window, aff }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(words: &[(&str, &str, &str, &str)]) -> Vec<RevTok> {
        words.iter().map(|&(f, u, x, l)| RevTok::new(f, u, x, l, "")).collect()
    }

    #[test]
    fn candidates_are_the_paths_up_from_the_subtree_edges() {
        // "She saw the man with binoculars": with -> binoculars, binoculars -> man
        let t = toks(&[("She", "PRON", "PRP", "nsubj"), ("saw", "VERB", "VBD", "root"), ("the", "DET", "DT", "det"), ("man", "NOUN", "NN", "obj"), ("with", "ADP", "IN", "case"), ("binoculars", "NOUN", "NNS", "nmod")]);
        let heads = vec![1, 6, 3, 1, 5, 3];
        let mut sh = Shape::default();
        shape(&t, &heads, &mut sh);
        assert_eq!((sh.lo[3], sh.hi[3]), (2, 5));
        assert_eq!(sh.prep[5], 4);
        let mut c = Vec::new();
        candidates(&heads, &sh, 5, Window { inside: 0, outside: 0 }, &mut c);
        let hs: Vec<usize> = c.iter().map(|c| c.h).collect();
        // up from "with" is outside? no: "with" is in the subtree of "binoculars"; the path
        // starts at "man" (left of the subtree) and goes up to "saw" and the root
        assert_eq!(hs, vec![3, 1, 6]);
        // with windows, its own dependent "with" too (a swap), and the words beside it
        candidates(&heads, &sh, 5, Window { inside: 8, outside: 4 }, &mut c);
        let hs: Vec<(usize, usize)> = c.iter().map(|c| (c.h, c.rank)).collect();
        assert_eq!(hs, vec![(3, 0), (1, 1), (6, 2), (2, BESIDE), (4, INSIDE)]);
        // the root's dependent has the root and the words near it
        candidates(&heads, &sh, 1, Window { inside: 1, outside: 1 }, &mut c);
        let hs: Vec<usize> = c.iter().map(|c| c.h).collect();
        assert_eq!(hs, vec![6, 0, 2]);
    }

    /// Whether `heads` (`n` = the root) is a projective tree with one dependent of the root.
    fn projective_tree_slow(heads: &[usize]) -> bool {
        let n = heads.len();
        if heads.iter().filter(|&&h| h == n).count() != 1 {
            return false;
        }
        for d in 0..n {
            let (mut k, mut steps) = (d, 0);
            while k < n && steps <= n {
                k = heads[k];
                steps += 1;
            }
            if k != n {
                return false;
            }
        }
        for d in 0..n {
            // every word between a word and its head is below the head
            let h = heads[d];
            if h < n {
                for m in d.min(h) + 1..d.max(h) {
                    let mut k = m;
                    while k < n && k != h {
                        k = heads[k];
                    }
                    if k != h {
                        return false;
                    }
                }
            }
        }
        true
    }

    #[test]
    fn eisner_finds_the_best_projective_tree() {
        let mut rng = crate::parser::Rng::new(5);
        let mut e = Eisner::default();
        for round in 0..3000 {
            let n = 1 + (rng.next() % 14) as usize;
            // a random projective tree, split recursively
            fn build(lo: usize, hi: usize, h: usize, heads: &mut [usize], rng: &mut crate::parser::Rng) {
                if lo < hi {
                    let r = lo + (rng.next() as usize) % (hi - lo);
                    heads[r] = h;
                    build(lo, r, r, heads, rng);
                    build(r + 1, hi, r, heads, rng);
                }
            }
            let mut gold = vec![n; n];
            build(0, n, n, &mut gold, &mut rng);
            // its arcs score high; of the others, every one (even rounds) or a few (odd
            // rounds) score low and the rest are not allowed
            let mut s = vec![f32::NEG_INFINITY; (n + 1) * n];
            for d in 0..n {
                for h in (0..=n).filter(|&h| h != d) {
                    if round % 2 == 0 || rng.next() % 4 == 0 {
                        s[h * n + d] = (rng.next() % 100) as f32 / 100.0;
                    }
                }
                s[gold[d] * n + d] = 10.0;
            }
            let mut out = vec![0; n];
            assert!(e.run(n, &s, &mut out));
            assert_eq!(out, gold, "n = {n}");
        }
        // no tree can be made of these arcs (both words want the root)
        let x = f32::NEG_INFINITY;
        let s = [x, x, x, x, 1.0, 1.0];
        let mut out = vec![7, 7];
        assert!(!e.run(2, &s, &mut out));
        assert_eq!(out, vec![7, 7]);
    }

    #[test]
    fn a_trained_reviser_moves_words_and_never_makes_cycles() {
        // the parser always hangs the prepositional phrase on the noun; gold: on the verb
        let t = toks(&[("She", "PRON", "PRP", "nsubj"), ("saw", "VERB", "VBD", "root"), ("the", "DET", "DT", "det"), ("man", "NOUN", "NN", "obj"), ("with", "ADP", "IN", "case"), ("binoculars", "NOUN", "NNS", "nmod")]);
        let ex = Example { toks: t.clone(), heads: vec![1, 6, 3, 1, 5, 3], gold: vec![1, 6, 3, 1, 5, 1] };
        let r = train(&[ex], None, &TrainOptions::default(), |_| {});
        let mut heads = vec![1, 6, 3, 1, 5, 3];
        let (mut sc, mut moved) = (Scratch::default(), Vec::new());
        r.revise(&t, &mut heads, &mut sc, &mut moved);
        assert_eq!(heads, vec![1, 6, 3, 1, 5, 1]);
        assert_eq!(moved, vec![5]);
        // whatever the weights, the result is a tree
        for h in heads.iter().enumerate() {
            let mut k = h.0;
            let mut steps = 0;
            while k < 6 {
                k = heads[k];
                steps += 1;
                assert!(steps <= 6, "cycle");
            }
        }
        let mut b = Vec::new();
        r.save(&mut b).unwrap();
        assert!(Reviser::from_bytes(&b).is_ok());
    }

    /// A random tree over `n` words (`n` = the root) from `picks`: word `order[0]` hangs
    /// from the root, every later word from a word placed before it (non-projective trees
    /// included).
    fn random_tree(n: usize, picks: &[usize]) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            order.swap(i, picks[i % picks.len()] % (i + 1));
        }
        let mut heads = vec![n; n];
        for i in 1..n {
            heads[order[i]] = order[picks[(i * 7) % picks.len()] % i];
        }
        heads
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// The quick test of a tree (which lets revision skip Eisner's algorithm) agrees with
        /// the slow one, on trees, forests, cycles and heads out of range.
        #[test]
        fn the_quick_projective_tree_test_agrees(heads in proptest::collection::vec(0usize..12, 1..12), picks in proptest::collection::vec(0usize..1000, 1..20)) {
            let n = heads.len();
            let mut span = Vec::new();
            let tree = random_tree(n, &picks);
            // some trees (projective or not), some arbitrary head lists
            for h in [tree.clone(), heads.clone(), tree.iter().zip(&heads).map(|(&t, &x)| if x % 4 == 0 { x % (n + 1) } else { t }).collect()] {
                proptest::prop_assert_eq!(projective_tree(&h, &mut span), h.iter().all(|&x| x <= n) && projective_tree_slow(&h), "{:?}", h);
            }
        }

        /// Whatever the weights and the tree (projective or not), revision leaves a tree
        /// with one dependent of the root, and a projective one when it changed anything.
        #[test]
        fn revision_keeps_a_single_rooted_tree(n in 3usize..80, picks in proptest::collection::vec(0usize..1000, 1..50), words in proptest::collection::vec(0usize..6, 1..80)) {
            let pool = [("the", "DET", "DT", "det"), ("rebels", "NOUN", "NNS", "nsubj"), ("attacked", "VERB", "VBD", "root"), ("in", "ADP", "IN", "case"), ("Homs", "PROPN", "NNP", "obl"), (",", "PUNCT", ",", "punct")];
            let toks: Vec<RevTok> = (0..n).map(|i| { let (f, u, x, l) = pool[words[i % words.len()]]; RevTok::new(f, u, x, l, "") }).collect();
            let heads = random_tree(n, &picks);
            // weights learnt from other random trees: moves happen, right or wrong
            let gold = random_tree(n, &picks.iter().map(|p| p + 1).collect::<Vec<_>>());
            let r = train(&[Example { toks: toks.clone(), heads: heads.clone(), gold }], None, &TrainOptions { bits: 10, ..Default::default() }, |_| {});
            let mut out = heads.clone();
            let (mut sc, mut moved) = (Scratch::default(), Vec::new());
            r.revise(&toks, &mut out, &mut sc, &mut moved);
            proptest::prop_assert_eq!(out.iter().filter(|&&h| h == n).count(), 1);
            proptest::prop_assert!(moved.is_empty() || projective_tree_slow(&out));
            for d in 0..n {
                let (mut k, mut steps) = (d, 0);
                while k < n && steps <= n {
                    k = out[k];
                    steps += 1;
                }
                proptest::prop_assert!(k == n, "a cycle through word {}", d);
                proptest::prop_assert_eq!(out[d] != heads[d], moved.contains(&d));
            }
        }
    }
}
