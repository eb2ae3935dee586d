//! Transition-based dependency parser: arc-hybrid transitions, greedy decoding, two averaged
//! perceptrons over hashed features (one chooses SHIFT / LEFT / RIGHT, one labels each arc
//! with a UD relation), trained with the dynamic oracle of Goldberg & Nivre (2013) with
//! exploration. Before parsing, a supertagger ([`crate::supertag`], which the model file
//! carries) guesses each word's relation and the side of its head; some features read
//! those guesses.
//!
//! The artificial ROOT sits at the bottom of the stack and may only take a dependent once
//! the buffer is empty, so every parse is a single-rooted tree. Each word is shifted once
//! and popped once: `2n` transitions, linear time, for any input.
//!
//! Once the tree is built, a reviser ([`crate::revise`], also in the model file) may give
//! words better heads, seeing the whole tree, and a relabeler ([`crate::relabel`]) then
//! gives every word its relation again, reading the finished tree.
//!
//! Model file (little endian): `b"DLPR"`, `u32` version (10), `u32` byte length of the word
//! classes, the [`WordClusters`] table, `u32` label count, each label as `u32` length +
//! UTF-8 bytes, `u32` vocabulary size and the sorted `u64` word hashes of the vocabulary,
//! `u32` label-dictionary size and its sorted entries (`u64` key, `u16` label), `u32` byte
//! length of the supertagger and the supertagger (a [`Tagger`] file), `u32` byte length of
//! the action model and the action model, `u32` byte length of the label model and the
//! label model (both [`SparsePerceptron`]s), `u32` byte length of the reviser (0: none) and
//! the reviser ([`Reviser::save`]), `u32` byte length of the relabeler (0: none) and the
//! relabeler ([`Relabeler::save`]). Version 9 (still read) had no relabeler; version 6
//! (still read) had no reviser and no length before the label model; versions 7 and 8
//! (refused) had a reviser that moved words one at a time and hashed its features
//! differently.
//! The features are those of `parser_feats` (rows are the top bits of the feature hash).
//!
//! Speed: per sentence the tokens' hashed pieces are computed once; per transition the
//! feature rows are computed into a fixed array, all their cache lines are prefetched, then
//! summed (the tables are far larger than the caches, so overlapping the misses is what
//! counts); transitions that are the only valid one are not scored; labels are scored only
//! when an arc is made. The per-sentence state lives in reused per-thread scratch space.
//! The supertagger costs about as much as the parsing itself (`dateline bench nlp`).

#[path = "parser_feats.rs"]
mod feats;

use crate::conllu;
use crate::ner::clusters::WordClusters;
use feats::{extract, extract_all, label_extract, label_key, role_feats, role_positions, word_hash, Classes, Feats, Tok, Vocab, ROLES};
use std::cell::RefCell;
use crate::perceptron::{self, argmax, Perceptron, SparsePerceptron, Trainer};
use crate::punct::{self, PunctTok};
use crate::relabel::{self, LabTok, Relabeler};
use crate::revise::{self, RevTok, Reviser};
use crate::tagger::{Tagger, WordInfo};
use model::Doc;
use std::io::{self, Read, Write};

/// The model compiled into the binary (trained by `dateline train parser`, see
/// `models/parser.manifest`).
static DEFAULT_MODEL: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/parser.bin"));

/// Model file version (3: feature rows are the top bits of `parser_feats`' hashes; 4: the
/// template set of 2026-11-29, 26 action and 12 label templates fewer; 5: eight templates
/// that read what lies to the right of the buffer's front, [`feats::context`]; 6: the
/// supertagger and nine templates that read its supertags, [`crate::supertag`]; 7: the
/// tree reviser, [`crate::revise`]; 8: the reviser's features hashed without a finalizer,
/// and its lexical affinities, [`crate::affinity`]; 9: the reviser reparses with Eisner's
/// algorithm over more candidates, its features hashed with one `combine` each; 10: the
/// relabeler, [`crate::relabel`]).
const VERSION: u32 = 10;

pub(crate) const SHIFT: usize = 0;
pub(crate) const LEFT: usize = 1;

/// A trained parser (pruned, sparse weights).
pub struct Parser {
    labels: Vec<String>,
    /// Index of the `root` label.
    root: usize,
    labeler: SparsePerceptron,
    /// The label weights in the layout scoring reads (built from `labeler` at load).
    label_table: LabelTable,
    /// Words with features of their own.
    vocab: Vocab,
    /// `clusters` in the layout feature extraction reads.
    classes: Classes,
    /// (direction, head tag, dependent tag) combinations that (nearly) always carry one
    /// label in the training data: labelled without scoring.
    ldict: Vec<(u64, u16)>,
    clusters: WordClusters,
    /// The action weights as a dense table (3 per row): one cache line per feature.
    dense: DenseActions,
    /// Guesses each word's relation and head side before parsing ([`crate::supertag`]).
    stagger: Tagger,
    /// [`feats::stag_hash`] of each of the supertagger's tags.
    stag_values: Vec<u64>,
    /// Ties a thread's [`RoleCache`] to this parser.
    id: u64,
    /// Revises the finished tree ([`crate::revise`]), if the model has one.
    reviser: Option<Reviser>,
    /// Labels the finished tree again ([`crate::relabel`]), if the model has one.
    relabeler: Option<Relabeler>,
    /// Whether the punctuation marks of the finished tree are attached by the rule of the
    /// UD guidelines ([`crate::punct`]; on unless turned off).
    punct_rule: bool,
    /// [`crate::revise::rel_hash`] of each label.
    label_rels: Vec<u64>,
    /// [`crate::revise::str_hash`] of each of the supertagger's tags.
    stag_revs: Vec<u64>,
}

/// The 3-class action model as a dense table of bfloat16 weights, for speed: one short read
/// per feature (read straight from the sparse model file, see
/// [`perceptron::load_sparse_as_bf16`]; half the memory of `f32`, so faster to set up).
struct DenseActions {
    mask: u64,
    bits: u32,
    /// 3 weights per row.
    w: Vec<u16>,
}

impl DenseActions {
    /// The table from a sparse model file's bytes.
    fn from_file(b: &[u8]) -> io::Result<DenseActions> {
        let (n, bits, w) = perceptron::load_sparse_as_bf16(b)?;
        if n != 3 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "parser action model does not have 3 classes"));
        }
        Ok(DenseActions { mask: (1u64 << bits) - 1, bits, w })
    }
    /// The weights as a plain model (for saving).
    fn to_perceptron(&self) -> Perceptron {
        Perceptron::from_bf16(3, self.bits, &self.w)
    }
    /// Adds the weights of rows `rows` (each below `2^bits`) into `s`.
    #[inline]
    fn score_into(&self, rows: &[u64], s: &mut [f32; 3]) {
        let wide = |h: u16| f32::from_bits((h as u32) << 16);
        for &r in rows {
            prefetch(self.w.as_ptr().wrapping_add((r & self.mask) as usize * 3));
        }
        let (mut a, mut b, mut c) = (0f32, 0f32, 0f32);
        for &r in rows {
            let r = (r & self.mask) as usize * 3;
            let r = &self.w[r..r + 3];
            a += wide(r[0]);
            b += wide(r[1]);
            c += wide(r[2]);
        }
        s[0] += a;
        s[1] += b;
        s[2] += c;
    }
}

/// Asks the CPU to start loading the cache line holding `p` (a hint: no effect on results,
/// never faults).
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching is a hint that never dereferences or faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// The label model in the layout scoring reads: per row, a slot of four `u32`s holding its
/// non-zero `(class, weight)` entries packed as `class << 16 | bfloat16`, so most rows cost
/// one cache line read. A row with more than four entries keeps three in its slot and
/// points (top bit set) to the rest in `extra` (count, then the entries). Built from the
/// [`SparsePerceptron`] at load; scoring prefetches the slots, then the overflows.
struct LabelTable {
    mask: u64,
    slots: Vec<[u32; 4]>,
    extra: Vec<u32>,
}

/// An unused place in a [`LabelTable`] slot (no class is 0x7fff).
const EMPTY: u32 = 0x7fff_ffff;
/// Marks the last place of a slot that points into [`LabelTable::extra`].
const OVERFLOW: u32 = 0x8000_0000;

impl LabelTable {
    fn new(p: &SparsePerceptron) -> LabelTable {
        let rows = 1usize << p.bits();
        let mut slots = vec![[EMPTY; 4]; rows];
        let mut extra = Vec::new();
        let mut row = Vec::new();
        for (r, slot) in slots.iter_mut().enumerate() {
            row.clear();
            // classes are below 0x7fff (the parser has tens of labels)
            row.extend(p.row(r).filter(|&(c, w)| w != 0.0 && c < 0x7fff).map(|(c, w)| (c as u32) << 16 | (w.to_bits() >> 16)));
            if row.len() <= 4 {
                slot[..row.len()].copy_from_slice(&row);
            } else {
                slot[..3].copy_from_slice(&row[..3]);
                slot[3] = OVERFLOW | extra.len() as u32;
                extra.push((row.len() - 3) as u32);
                extra.extend_from_slice(&row[3..]);
            }
        }
        LabelTable { mask: (1u64 << p.bits()) - 1, slots, extra }
    }
    /// Adds the weights of rows `rows` into `s` (one score per class), row by row in order.
    #[inline]
    fn score_into(&self, rows: &[u64], s: &mut [f32]) {
        let rows = &rows[..rows.len().min(feats::MAX_FEATS)];
        for &r in rows {
            prefetch(self.slots.as_ptr().wrapping_add((r & self.mask) as usize));
        }
        for &r in rows {
            let last = self.slots[(r & self.mask) as usize][3];
            if last & OVERFLOW != 0 {
                prefetch(self.extra.as_ptr().wrapping_add((last & !OVERFLOW) as usize));
            }
        }
        let mut add = |e: u32| {
            if let Some(x) = s.get_mut((e >> 16) as usize) {
                *x += f32::from_bits(e << 16);
            }
        };
        for &r in rows {
            let slot = &self.slots[(r & self.mask) as usize];
            for &e in &slot[..3] {
                if e == EMPTY {
                    break;
                }
                add(e);
            }
            let last = slot[3];
            if last == EMPTY {
                continue;
            }
            if last & OVERFLOW == 0 {
                add(last);
                continue;
            }
            let i = (last & !OVERFLOW) as usize;
            let n = self.extra.get(i).copied().unwrap_or(0) as usize;
            for &e in self.extra.get(i + 1..i + 1 + n).unwrap_or(&[]) {
                add(e);
            }
        }
    }
}

/// Per-thread scratch space of [`Parser::parse_toks`], reused from sentence to sentence.
struct Scratch {
    st: State,
    toks: Vec<Tok>,
    buf: String,
    lscores: Vec<f32>,
    roles: RoleCache,
    /// Per token of the sentence: its record in `roles`.
    recs: Vec<u32>,
    /// The supertagger's word infos and tags.
    infos: Vec<WordInfo>,
    stags: Vec<usize>,
    /// The reviser's words, heads and scratch space, and the words it moved.
    rev: Vec<RevTok>,
    rev_heads: Vec<usize>,
    rev_scratch: revise::Scratch,
    moved: Vec<usize>,
    /// The labels of the tree before revision.
    old_labels: Vec<u16>,
    /// The relabeler's words and scratch space.
    lab: Vec<LabTok>,
    lab_scratch: relabel::Scratch,
    /// The punctuation rule's words and scratch space.
    punct: Vec<PunctTok>,
    punct_scratch: punct::Scratch,
}

/// Source of the ids that tie a thread's [`RoleCache`] to one parser.
static NEXT_PARSER_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Per word type (all of an unresolved [`Tok`]'s pieces) the resolved token and the action
/// scores of its features in each role ([`feats::role_feats`]): most tokens then cost one
/// lookup per sentence instead of two table searches, plus a table read per role feature
/// per transition. Per thread, bounded, tied to one parser. A sum is always taken the same
/// way, so results do not depend on what is cached.
#[derive(Default)]
struct RoleCache {
    owner: u64,
    index: crate::perceptron::MixedMap<u32>,
    /// Per record: the resolved token.
    toks: Vec<Tok>,
    /// Per record and role: the three action scores.
    sums: Vec<[[f32; 3]; ROLES]>,
}

/// Records of the root and of "no token" in every [`RoleCache`].
const ROOT_REC: u32 = 0;
const NONE_REC: u32 = 1;

impl RoleCache {
    /// Word types kept before the cache starts afresh.
    const MAX: usize = 100_000;

    fn reset(&mut self, p: &Parser) {
        self.owner = p.id;
        self.index.clear();
        self.toks.clear();
        self.sums.clear();
        self.push(p, &feats::ROOT_TOK);
        self.push(p, &feats::NONE_TOK);
    }

    fn push(&mut self, p: &Parser, t: &Tok) -> u32 {
        let mut f = Feats::new(p.dense.bits);
        let sums = std::array::from_fn(|r| {
            f.len = 0;
            role_feats(t, r, &mut f);
            let mut s = [0f32; 3];
            p.dense.score_into(f.rows(), &mut s);
            s
        });
        self.sums.push(sums);
        self.toks.push(*t);
        self.sums.len() as u32 - 1
    }

    /// Resolves token `t` ([`Tok::resolve`]) and returns its record.
    #[inline]
    fn record(&mut self, p: &Parser, t: &mut Tok) -> u32 {
        let key = t.type_key();
        if let Some(&r) = self.index.get(&key) {
            // the supertag is the token's own, not its type's (no role feature reads it)
            *t = Tok { s: t.s, ..self.toks[r as usize] };
            return r;
        }
        t.resolve(&p.classes, &p.vocab);
        let r = self.push(p, t);
        self.index.insert(key, r);
        r
    }
}

thread_local! {
    static SCRATCH: RefCell<Option<Box<Scratch>>> = const { RefCell::new(None) };
}

/// A freshly trained parser with its full averaged weights; [`Trained::compact`] prunes it.
pub struct Trained {
    labels: Vec<String>,
    clusters: WordClusters,
    vocab: Vocab,
    ldict: Vec<(u64, u16)>,
    actions: Perceptron,
    labeler: Perceptron,
}

impl Trained {
    /// The parser whose weights are the mean of `runs`' (the same data trained with
    /// different seeds), or `None` when the runs differ in labels, label dictionary or table
    /// size (the vocabulary depends on the data only, so it is the same).
    pub fn mean(mut runs: Vec<Trained>) -> Option<Trained> {
        let first = runs.first()?;
        if runs.iter().any(|r| r.labels != first.labels || r.ldict != first.ldict) {
            return None;
        }
        let actions = Perceptron::mean(&runs.iter().map(|r| &r.actions).collect::<Vec<_>>())?;
        let labeler = Perceptron::mean(&runs.iter().map(|r| &r.labeler).collect::<Vec<_>>())?;
        let mut out = runs.swap_remove(0);
        out.actions = actions;
        out.labeler = labeler;
        Some(out)
    }
    /// The parser, with `stagger` (the supertagger whose tags it learnt from, trained on
    /// all the data) and without the weights smaller than `min_action` / `min_label` in
    /// magnitude.
    pub fn compact(&self, min_action: f32, min_label: f32, stagger: Tagger) -> Parser {
        let mut b = Vec::new();
        SparsePerceptron::from_dense(&self.actions, min_action).save(&mut b).expect("writing to a Vec cannot fail");
        let dense = DenseActions::from_file(&b).expect("a model just written reads back");
        let labeler = SparsePerceptron::from_dense(&self.labeler, min_label);
        Parser::assemble(self.labels.clone(), labeler, self.clusters.clone(), dense, self.vocab.clone(), self.ldict.clone(), stagger)
    }
}

/// Training options.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// Passes over the training data.
    pub epochs: usize,
    /// Seed of the shuffling and exploration generator.
    pub seed: u64,
    /// Hash bits of the action model.
    pub action_bits: u32,
    /// Hash bits of the label model.
    pub label_bits: u32,
    /// Probability of following the model's (possibly wrong) transition from epoch 2 on.
    pub explore: f64,
    /// Train on projective trees only (the oracle's costs are exact for those).
    pub projective_only: bool,
    /// Words seen fewer times in the training data share one "rare word" value.
    pub min_word_count: usize,
    /// Label dictionary: (direction, head tag, dependent tag) seen at least this often
    /// (0: no dictionary) …
    pub dict_min: usize,
    /// … with one label at least this share of the time.
    pub dict_share: f64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { epochs: 15, seed: 17, action_bits: 20, label_bits: 17, explore: 0.7, projective_only: false, min_word_count: 2, dict_min: 0, dict_share: 0.995 }
    }
}

/// Parser state over `n` words; index `n` is ROOT.
pub(crate) struct State {
    pub n: usize,
    pub stack: Vec<usize>,
    pub b: usize,
    pub heads: Vec<usize>,
    pub labels: Vec<u16>,
    /// Two leftmost / two rightmost children of every node (usize::MAX = none).
    pub lc: Vec<[usize; 2]>,
    pub rc: Vec<[usize; 2]>,
    /// Number of left children of every node.
    pub nl: Vec<u8>,
    /// Per word, what lies to its right ([`feats::context`]); empty: none.
    pub ctx: Vec<[u64; feats::CTX]>,
}

pub(crate) const NO: usize = usize::MAX;

impl State {
    pub(crate) fn new(n: usize) -> State {
        let mut st = State { n, stack: Vec::new(), b: 0, heads: Vec::new(), labels: Vec::new(), lc: Vec::new(), rc: Vec::new(), nl: Vec::new(), ctx: Vec::new() };
        st.reset(n);
        st
    }
    /// The initial state over `n` words, reusing the vectors' memory.
    fn reset(&mut self, n: usize) {
        self.n = n;
        self.b = 0;
        self.stack.clear();
        self.stack.push(n);
        self.heads.clear();
        self.heads.resize(n + 1, NO);
        self.labels.clear();
        self.labels.resize(n + 1, 0);
        for v in [&mut self.lc, &mut self.rc] {
            v.clear();
            v.resize(n + 1, [NO, NO]);
        }
        self.nl.clear();
        self.nl.resize(n + 1, 0);
        // filled by `feats::context` for the sentence's tokens
        self.ctx.clear();
    }
    /// The only valid transition, if just one is.
    fn forced(&self) -> Option<usize> {
        if self.stack.len() <= 1 {
            Some(SHIFT)
        } else if self.b >= self.n {
            Some(2)
        } else {
            None
        }
    }
    fn terminal(&self) -> bool {
        self.b >= self.n && self.stack.len() <= 1
    }
    pub fn s(&self, i: usize) -> usize {
        if self.stack.len() > i {
            self.stack[self.stack.len() - 1 - i]
        } else {
            NO
        }
    }
    fn valid(&self, a: usize) -> bool {
        match a {
            SHIFT => self.b < self.n,
            LEFT => self.stack.len() >= 2 && self.b < self.n,
            _ => self.stack.len() >= 2 && (self.s(1) != self.n || self.b >= self.n),
        }
    }
    fn add_arc(&mut self, h: usize, d: usize, label: u16) {
        self.heads[d] = h;
        self.labels[d] = label;
        if d < h {
            let c = &mut self.lc[h];
            if c[0] == NO || d < c[0] {
                c[1] = c[0];
                c[0] = d;
            } else if c[1] == NO || d < c[1] {
                c[1] = d;
            }
            self.nl[h] = self.nl[h].saturating_add(1);
        } else {
            let c = &mut self.rc[h];
            if c[0] == NO || d > c[0] {
                c[1] = c[0];
                c[0] = d;
            } else if c[1] == NO || d > c[1] {
                c[1] = d;
            }
        }
    }
    /// (head, dependent) of an arc transition.
    fn arc(&self, a: usize) -> (usize, usize) {
        if a == LEFT {
            (self.b, self.s(0))
        } else {
            (self.s(1), self.s(0))
        }
    }
    pub(crate) fn apply(&mut self, a: usize, label: u16) {
        match a {
            SHIFT => {
                self.stack.push(self.b);
                self.b += 1;
            }
            _ => {
                let (h, d) = self.arc(a);
                self.stack.pop();
                self.add_arc(h, d, label);
            }
        }
    }
    /// Dynamic-oracle cost of unlabeled transition `a` against gold heads (ROOT = n).
    fn cost(&self, a: usize, gold: &[usize]) -> u32 {
        let n = self.n;
        let in_buf = |k: usize| k >= self.b && k < n;
        let mut c = 0;
        match a {
            SHIFT => {
                let b0 = self.b;
                let depth = self.stack.len();
                for (i, &k) in self.stack.iter().enumerate() {
                    if i + 1 == depth {
                        break; // s0
                    }
                    if gold[b0] == k {
                        c += 1;
                    }
                    if k < n && gold[k] == b0 {
                        c += 1;
                    }
                }
            }
            _ => {
                let s0 = self.s(0);
                let (h, _) = self.arc(a);
                let g = gold[s0];
                if g != h {
                    let reachable = if a == LEFT { g == self.s(1) || (in_buf(g) && g != self.b) } else { in_buf(g) };
                    if reachable {
                        c += 1;
                    }
                }
                c += gold[self.b..n].iter().filter(|&&g| g == s0).count() as u32;
            }
        }
        c
    }
}

/// Small deterministic generator (xorshift64*), for shuffling and exploration.
pub(crate) struct Rng(u64);
impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub(crate) fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// A sentence prepared for training: tokens and gold tree.
struct Example {
    toks: Vec<Tok>,
    gold_heads: Vec<usize>,
    gold_labels: Vec<u16>,
}

impl Parser {
    /// The parser model compiled into the binary, if one has been trained.
    pub fn load_default() -> Result<Option<Parser>, String> {
        if DEFAULT_MODEL.is_empty() {
            return Ok(None);
        }
        Parser::from_bytes(DEFAULT_MODEL).map(Some).map_err(|e| format!("built-in parser model: {e}"))
    }

    /// Reads a model written by [`Parser::save`].
    pub fn from_bytes(mut bytes: &[u8]) -> io::Result<Parser> {
        let r = &mut bytes;
        let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
        let mut magic = [0u8; 4];
        r.read_exact(&mut magic)?;
        if &magic != b"DLPR" {
            return Err(bad("not a dateline parser model (bad magic)"));
        }
        let version = read_u32(r)?;
        if version != VERSION && version != 9 && version != 6 {
            return Err(bad("unsupported parser model version (retrain with `dateline train parser`)"));
        }
        let len = read_u32(r)? as usize;
        let clusters = WordClusters::load(r.get(..len).ok_or_else(|| bad("truncated parser model"))?)?;
        *r = &r[len..];
        let n = read_u32(r)? as usize;
        if n == 0 || n > 1000 {
            return Err(bad("implausible label count"));
        }
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            let len = read_u32(r)? as usize;
            if len > 100 {
                return Err(bad("implausible label length"));
            }
            let mut b = vec![0u8; len];
            r.read_exact(&mut b)?;
            labels.push(String::from_utf8(b).map_err(|_| bad("label is not UTF-8"))?);
        }
        let nv = read_u32(r)? as usize;
        let vb = r.get(..nv.checked_mul(8).ok_or_else(|| bad("implausible vocabulary size"))?).ok_or_else(|| bad("truncated parser model"))?;
        let keys: Vec<u64> = vb.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect();
        if !keys.windows(2).all(|w| w[0] < w[1]) {
            return Err(bad("parser vocabulary not sorted"));
        }
        *r = &r[nv * 8..];
        let vocab = Vocab::from_keys(keys);
        let nd = read_u32(r)? as usize;
        let db = r.get(..nd.checked_mul(10).ok_or_else(|| bad("implausible label dictionary size"))?).ok_or_else(|| bad("truncated parser model"))?;
        let ldict: Vec<(u64, u16)> = db.chunks_exact(10).map(|c| (u64::from_le_bytes(c[..8].try_into().unwrap_or([0; 8])), u16::from_le_bytes([c[8], c[9]]))).collect();
        if !ldict.windows(2).all(|w| w[0].0 < w[1].0) || ldict.iter().any(|e| e.1 as usize >= n) {
            return Err(bad("bad parser label dictionary"));
        }
        *r = &r[nd * 10..];
        let len = read_u32(r)? as usize;
        let stagger = Tagger::from_bytes(r.get(..len).ok_or_else(|| bad("truncated parser model"))?).map_err(|e| bad(&format!("supertagger: {e}")))?;
        *r = &r[len..];
        let len = read_u32(r)? as usize;
        let ab = r.get(..len).ok_or_else(|| bad("truncated parser model"))?;
        let dense = DenseActions::from_file(ab)?;
        *r = &r[len..];
        let len = if version >= 7 { read_u32(r)? as usize } else { r.len() };
        let labeler = SparsePerceptron::load(r.get(..len).ok_or_else(|| bad("truncated parser model"))?)?;
        *r = &r[len..];
        let reviser = if version >= 7 {
            let len = read_u32(r)? as usize;
            let b = r.get(..len).ok_or_else(|| bad("truncated parser model"))?;
            let rv = (len > 0).then(|| Reviser::from_bytes(b)).transpose()?;
            *r = &r[len..];
            rv
        } else {
            None
        };
        let relabeler = if version >= 10 {
            let len = read_u32(r)? as usize;
            let b = r.get(..len).ok_or_else(|| bad("truncated parser model"))?;
            (len > 0).then(|| Relabeler::from_bytes(b, &labels)).transpose()?
        } else {
            None
        };
        if labeler.n_classes() != labels.len() {
            return Err(bad("parser model dimensions do not match"));
        }
        if dense.bits > 32 || labeler.bits() > 32 {
            return Err(bad("implausible parser model dimensions"));
        }
        let mut p = Parser::assemble(labels, labeler, clusters, dense, vocab, ldict, stagger);
        p.reviser = reviser;
        p.relabeler = relabeler;
        Ok(p)
    }

    /// Writes the model.
    pub fn save(&self, w: &mut impl Write) -> io::Result<()> {
        w.write_all(b"DLPR")?;
        w.write_all(&VERSION.to_le_bytes())?;
        let mut c = Vec::new();
        self.clusters.save(&mut c)?;
        w.write_all(&(c.len() as u32).to_le_bytes())?;
        w.write_all(&c)?;
        w.write_all(&(self.labels.len() as u32).to_le_bytes())?;
        for l in &self.labels {
            w.write_all(&(l.len() as u32).to_le_bytes())?;
            w.write_all(l.as_bytes())?;
        }
        w.write_all(&(self.vocab.keys.len() as u32).to_le_bytes())?;
        for k in &self.vocab.keys {
            w.write_all(&k.to_le_bytes())?;
        }
        w.write_all(&(self.ldict.len() as u32).to_le_bytes())?;
        for (k, l) in &self.ldict {
            w.write_all(&k.to_le_bytes())?;
            w.write_all(&l.to_le_bytes())?;
        }
        let st = self.stagger.to_bytes();
        w.write_all(&(st.len() as u32).to_le_bytes())?;
        w.write_all(&st)?;
        let mut a = Vec::new();
        // the dense table holds exactly the non-zero weights of the file it was read from
        SparsePerceptron::from_dense(&self.dense.to_perceptron(), 0.0).save(&mut a)?;
        w.write_all(&(a.len() as u32).to_le_bytes())?;
        w.write_all(&a)?;
        let mut l = Vec::new();
        self.labeler.save(&mut l)?;
        w.write_all(&(l.len() as u32).to_le_bytes())?;
        w.write_all(&l)?;
        let mut r = Vec::new();
        if let Some(rv) = &self.reviser {
            rv.save(&mut r)?;
        }
        w.write_all(&(r.len() as u32).to_le_bytes())?;
        w.write_all(&r)?;
        let mut r = Vec::new();
        if let Some(rl) = &self.relabeler {
            rl.save(&mut r)?;
        }
        w.write_all(&(r.len() as u32).to_le_bytes())?;
        w.write_all(&r)
    }

    /// Sets (or removes) the tree reviser.
    pub fn set_reviser(&mut self, r: Option<Reviser>) {
        self.reviser = r;
    }

    /// Whether the model has a tree reviser.
    pub fn has_reviser(&self) -> bool {
        self.reviser.is_some()
    }

    /// Sets (or removes) the relabeler.
    pub fn set_relabeler(&mut self, r: Option<Relabeler>) {
        self.relabeler = r;
    }

    /// Turns the punctuation rule ([`crate::punct`]) on or off.
    pub fn set_punct_rule(&mut self, on: bool) {
        self.punct_rule = on;
    }

    /// Whether the model has a relabeler.
    pub fn has_relabeler(&self) -> bool {
        self.relabeler.is_some()
    }

    /// The relation labels the model knows.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    fn assemble(labels: Vec<String>, labeler: SparsePerceptron, clusters: WordClusters, dense: DenseActions, vocab: Vocab, ldict: Vec<(u64, u16)>, stagger: Tagger) -> Parser {
        let root = labels.iter().position(|l| l == "root").unwrap_or(0);
        let label_table = LabelTable::new(&labeler);
        let classes = Classes::new(&clusters);
        let stag_values = (0..stagger.n_tags()).map(|t| feats::stag_hash(stagger.tag_name(t).0)).collect();
        let id = NEXT_PARSER_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let label_rels = labels.iter().map(|l| revise::rel_hash(l)).collect();
        let stag_revs = (0..stagger.n_tags()).map(|t| revise::str_hash(stagger.tag_name(t).0)).collect();
        Parser { labels, root, labeler, label_table, clusters, classes, dense, vocab, ldict, stagger, stag_values, id, reviser: None, relabeler: None, punct_rule: true, label_rels, stag_revs }
    }

    /// Supertags `sc.toks` (the words `forms`).
    fn supertag<'a>(&self, forms: impl ExactSizeIterator<Item = &'a str>, sc: &mut Scratch) {
        self.stagger.tag_words(forms, &mut sc.infos, &mut sc.stags);
        for (t, &g) in sc.toks.iter_mut().zip(&sc.stags) {
            t.s = self.stag_values.get(g).copied().unwrap_or(t.s);
        }
    }

    /// The dictionary label of arc `h → d`, if any.
    #[inline]
    fn dict_label(&self, left: bool, head: &Tok, dep: &Tok) -> Option<u16> {
        lookup_dict(&self.ldict, label_key(left, head, dep))
    }

    /// Runs `f` with this thread's scratch space (a fresh one if the thread's is in use).
    fn with_scratch<R>(&self, f: impl FnOnce(&mut Scratch) -> R) -> R {
        let fresh = || Box::new(Scratch { st: State::new(0), toks: Vec::new(), buf: String::new(), lscores: Vec::new(), roles: RoleCache::default(), recs: Vec::new(), infos: Vec::new(), stags: Vec::new(), rev: Vec::new(), rev_heads: Vec::new(), rev_scratch: Default::default(), moved: Vec::new(), old_labels: Vec::new(), lab: Vec::new(), lab_scratch: Default::default(), punct: Vec::new(), punct_scratch: Default::default() });
        SCRATCH.with(|c| {
            let taken = c.try_borrow_mut().ok().and_then(|mut b| b.take());
            let mut sc = taken.unwrap_or_else(fresh);
            let r = f(&mut sc);
            if let Ok(mut b) = c.try_borrow_mut() {
                // do not keep the memory of a huge sentence around
                if sc.toks.capacity() <= 4096 {
                    *b = Some(sc);
                }
            }
            r
        })
    }

    /// Fills `head` and `deprel` of the tokens of sentence `s` (tags should be set; empty
    /// tags only make the parse worse). Heads are doc-level token indices, -1 for the root.
    pub fn parse_sentence(&self, doc: &mut Doc, s: usize) {
        let Some(sent) = doc.sentences.get(s).copied() else { return };
        let (a, b) = (sent.token_start.min(doc.tokens.len()), sent.token_end.min(doc.tokens.len()));
        if a >= b {
            return;
        }
        // a wire dateline ("LONDON, March 3 -") is parsed on its own and hangs from the
        // story's root, so its place cannot become the story's subject
        let Some(k) = crate::news_dateline::dateline_end(&doc.article.text, b - a, |i| (doc.tokens[a + i].start, doc.tokens[a + i].end)) else {
            return self.parse_range(doc, a, b);
        };
        let dash = a + k;
        self.parse_range(doc, dash + 1, b);
        self.parse_range(doc, a, dash);
        let root_of = |doc: &Doc, from: usize, to: usize| (from..to).find(|&i| doc.tokens[i].head < 0);
        let (Some(story), Some(place)) = (root_of(doc, dash + 1, b), root_of(doc, a, dash)) else { return };
        let set = |t: &mut model::Token, head: usize, rel: &str| {
            t.head = head as i32;
            t.deprel.clear();
            t.deprel.push_str(rel);
        };
        set(&mut doc.tokens[place], story, "parataxis");
        set(&mut doc.tokens[dash], place, "punct");
    }

    /// Parses tokens `a..b` of `doc` as one sentence (`a < b`).
    fn parse_range(&self, doc: &mut Doc, a: usize, b: usize) {
        self.with_scratch(|sc| {
            sc.toks.clear();
            let text = &doc.article.text;
            let form = |t: &model::Token| text.get(t.start..t.end).unwrap_or("");
            for t in &doc.tokens[a..b] {
                sc.toks.push(Tok::unresolved(form(t), &t.upos, &t.xpos, &mut sc.buf));
            }
            self.supertag(doc.tokens[a..b].iter().map(form), sc);
            self.parse_toks(sc);
            self.finish_tree(doc.tokens[a..b].iter().map(|t| (form(t), t.upos.as_str(), t.xpos.as_str())), sc);
            let n = b - a;
            for k in 0..n {
                let t = &mut doc.tokens[a + k];
                let h = sc.st.heads[k];
                t.head = if h >= n { -1 } else { (a + h) as i32 };
                let l = &self.labels[sc.st.labels[k] as usize];
                if t.deprel != *l {
                    t.deprel.clear();
                    t.deprel.push_str(l);
                }
            }
        })
    }

    /// The supertagger's guess for each word of `forms` ([`crate::supertag`]).
    pub fn supertags(&self, forms: &[&str]) -> Vec<String> {
        self.stagger.tag(forms).into_iter().map(|t| self.stagger.tag_name(t).0.to_string()).collect()
    }

    /// Parses words with their tags: heads (0-based, -1 = root) and relation labels.
    pub fn parse(&self, forms: &[&str], upos: &[&str], xpos: &[&str]) -> Vec<(i32, String)> {
        self.with_scratch(|sc| {
            sc.toks.clear();
            for (i, f) in forms.iter().enumerate() {
                sc.toks.push(Tok::unresolved(f, upos.get(i).copied().unwrap_or(""), xpos.get(i).copied().unwrap_or(""), &mut sc.buf));
            }
            self.supertag(forms.iter().copied(), sc);
            self.parse_toks(sc);
            self.finish_tree(forms.iter().enumerate().map(|(i, f)| (*f, upos.get(i).copied().unwrap_or(""), xpos.get(i).copied().unwrap_or(""))), sc);
            let n = forms.len();
            (0..n).map(|i| (if sc.st.heads[i] >= n { -1 } else { sc.st.heads[i] as i32 }, self.labels[sc.st.labels[i] as usize].clone())).collect()
        })
    }

    /// Revises the tree in `sc.st` of the words `words` (form, UPOS, XPOS) with the
    /// model's reviser, attaches its punctuation by the rule, then labels it again with
    /// the relabeler, if the model has them.
    fn finish_tree<'a>(&self, words: impl Iterator<Item = (&'a str, &'a str, &'a str)>, sc: &mut Scratch) {
        let n = sc.st.n;
        let revise = self.reviser.is_some() && (3..=revise::MAX_WORDS).contains(&n);
        if !revise && self.relabeler.is_none() && !self.punct_rule {
            return;
        }
        sc.rev.clear();
        sc.lab.clear();
        sc.punct.clear();
        let punct_rel = revise::rel_hash("punct");
        for (i, (f, u, x)) in words.enumerate() {
            let rel = self.label_rels.get(sc.st.labels[i] as usize).copied().unwrap_or(0);
            if self.punct_rule {
                // (a mark the parser gave another relation, as `cc` to "/", is left alone)
                sc.punct.push(if rel == punct_rel { PunctTok::new(f, u) } else { PunctTok::default() });
            }
            if revise {
                let mut t = RevTok::word(f, u, x);
                t.l = rel;
                t.s = sc.stags.get(i).and_then(|&g| self.stag_revs.get(g)).copied().unwrap_or(0);
                sc.rev.push(t);
            }
            if self.relabeler.is_some() {
                sc.lab.push(LabTok::new(f, u, x));
            }
        }
        if revise {
            self.revise(sc);
        }
        if sc.punct.len() == n {
            punct::attach(&sc.punct, &mut sc.st.heads[..n], &mut sc.punct_scratch);
        }
        if let Some(r) = &self.relabeler {
            if sc.lab.len() == n {
                r.relabel(&sc.lab, &sc.st.heads[..n], &mut sc.st.labels[..n], self.root as u16, &mut sc.lab_scratch);
            }
        }
    }

    /// Revises the tree in `sc.st` ([`crate::revise`]) of the words `sc.rev`; the words
    /// whose head changed are relabelled by the label model, reading the revised tree.
    fn revise(&self, sc: &mut Scratch) {
        let Some(r) = &self.reviser else { return };
        let n = sc.st.n;
        let Scratch { st, toks, lscores, rev, rev_heads, rev_scratch, moved, old_labels, .. } = sc;
        if rev.len() != n {
            return;
        }
        rev_heads.clear();
        rev_heads.extend_from_slice(&st.heads[..n]);
        r.revise(rev, rev_heads, rev_scratch, moved);
        if moved.is_empty() {
            return;
        }
        // the revised tree, with the old labels, for the label model to read
        old_labels.clear();
        old_labels.extend_from_slice(&st.labels[..n]);
        st.reset(n);
        feats::context(toks, &mut st.ctx);
        for d in 0..n {
            st.add_arc(rev_heads[d], d, old_labels[d]);
        }
        st.stack.clear();
        st.b = n;
        let mut lf = Feats::new(self.labeler.bits());
        lscores.resize(self.labels.len(), 0.0);
        for &d in moved.iter() {
            let h = rev_heads[d];
            let label = if h >= n {
                self.root as u16
            } else if let Some(l) = self.dict_label(d < h, &toks[h], &toks[d]) {
                l
            } else {
                label_extract(st, toks, h, d, d < h, &mut lf);
                lscores.iter_mut().for_each(|x| *x = 0.0);
                self.label_table.score_into(lf.rows(), lscores);
                argmax(lscores, |l| l != self.root) as u16
            };
            st.labels[d] = label;
        }
    }

    /// Parses `sc.toks` (unresolved, see [`Tok::unresolved`]); the tree is left in `sc.st`
    /// (heads `>= n` are the root).
    fn parse_toks(&self, sc: &mut Scratch) {
        let Scratch { st, toks, lscores, roles, recs, .. } = sc;
        if roles.owner != self.id || roles.index.len() >= RoleCache::MAX {
            roles.reset(self);
        }
        recs.clear();
        for t in toks.iter_mut() {
            recs.push(roles.record(self, t));
        }
        let n = toks.len();
        let rec = |i: usize| if i < n { recs[i] } else if i == n { ROOT_REC } else { NONE_REC };
        st.reset(n);
        feats::context(toks, &mut st.ctx);
        let mut feats = Feats::new(self.dense.bits);
        let mut lf = Feats::new(self.labeler.bits());
        lscores.resize(self.labels.len(), 0.0);
        while !st.terminal() {
            let a = match st.forced() {
                Some(a) => a,
                None => {
                    extract(st, toks, &mut feats);
                    let mut scores = [0f32; 3];
                    self.dense.score_into(feats.rows(), &mut scores);
                    for (r, i) in role_positions(st).into_iter().enumerate() {
                        let v = &roles.sums[rec(i) as usize][r];
                        for (s, v) in scores.iter_mut().zip(v) {
                            *s += v;
                        }
                    }
                    argmax(&scores, |a| st.valid(a))
                }
            };
            let mut label = 0u16;
            if a != SHIFT {
                let (h, d) = st.arc(a);
                label = if h == n {
                    self.root as u16
                } else if let Some(l) = self.dict_label(a == LEFT, &toks[h], &toks[d]) {
                    l
                } else {
                    label_extract(st, toks, h, d, a == LEFT, &mut lf);
                    lscores.iter_mut().for_each(|x| *x = 0.0);
                    self.label_table.score_into(lf.rows(), lscores);
                    argmax(lscores, |l| l != self.root) as u16
                };
            }
            st.apply(a, label);
        }
    }

    /// Trains a parser on treebank sentences (their UPOS/XPOS as tags) and the supertags
    /// of their words (`stags[k]` for `sents[k]`, as a supertagger that did not see the
    /// sentence gives them: [`crate::supertag::train`]). `progress` is called after every
    /// epoch with (epoch, training UAS of that pass).
    pub fn train(sents: &[conllu::Sentence], stags: &[Vec<String>], clusters: WordClusters, opts: &TrainOptions, mut progress: impl FnMut(usize, f64)) -> Trained {
        let mut labels: Vec<String> = Vec::new();
        for s in sents {
            for w in &s.words {
                if !labels.contains(&w.deprel) {
                    labels.push(w.deprel.clone());
                }
            }
        }
        labels.sort();
        if !labels.iter().any(|l| l == "root") {
            labels.push("root".into());
        }
        let root_label = labels.iter().position(|l| l == "root").unwrap_or(0);
        let mut buf = String::new();
        let kept: Vec<(&conllu::Sentence, &[String])> = sents
            .iter()
            .zip(stags.iter().map(|g| g.as_slice()).chain(std::iter::repeat(&[][..])))
            .filter(|(s, _)| !s.words.is_empty() && s.words.iter().all(|w| w.head <= s.words.len()))
            .filter(|(s, _)| !opts.projective_only || projective(&s.words))
            .collect();
        // vocabulary: words seen at least min_word_count times
        let mut counts: std::collections::HashMap<u64, usize> = Default::default();
        for (s, _) in &kept {
            for w in &s.words {
                *counts.entry(word_hash(&w.form, &mut buf)).or_default() += 1;
            }
        }
        let vocab = Vocab::from_keys(counts.into_iter().filter(|&(_, c)| c >= opts.min_word_count.max(1)).map(|(k, _)| k).collect());
        let classes = Classes::new(&clusters);
        let mut examples: Vec<Example> = kept
            .iter()
            .map(|&(s, g)| {
                let n = s.words.len();
                let tok = |(i, w): (usize, &conllu::Word), buf: &mut String| {
                    let mut t = Tok::new(&w.form, &w.upos, &w.xpos, &classes, &vocab, buf);
                    if let Some(g) = g.get(i) {
                        t.s = feats::stag_hash(g);
                    }
                    t
                };
                Example {
                    toks: s.words.iter().enumerate().map(|x| tok(x, &mut buf)).collect(),
                    gold_heads: s.words.iter().map(|w| if w.head == 0 { n } else { w.head - 1 }).collect(),
                    gold_labels: s.words.iter().map(|w| labels.iter().position(|l| *l == w.deprel).unwrap_or(0) as u16).collect(),
                }
            })
            .collect();
        // label dictionary: (direction, head tag, dependent tag) nearly always with one label
        let mut seen: std::collections::HashMap<u64, std::collections::HashMap<u16, usize>> = Default::default();
        for ex in &examples {
            for (d, &h) in ex.gold_heads.iter().enumerate() {
                if h < ex.toks.len() {
                    *seen.entry(label_key(d < h, &ex.toks[h], &ex.toks[d])).or_default().entry(ex.gold_labels[d]).or_default() += 1;
                }
            }
        }
        let mut ldict: Vec<(u64, u16)> = seen
            .into_iter()
            .filter_map(|(k, c)| {
                let total: usize = c.values().sum();
                let (&l, &m) = c.iter().max_by_key(|&(l, m)| (*m, std::cmp::Reverse(*l)))?;
                (opts.dict_min > 0 && total >= opts.dict_min && m as f64 >= opts.dict_share * total as f64 && l as usize != root_label).then_some((k, l))
            })
            .collect();
        ldict.sort_unstable();
        let mut at = Trainer::new(3, opts.action_bits);
        let mut lt = Trainer::new(labels.len(), opts.label_bits);
        let mut rng = Rng::new(opts.seed);
        let mut feats = Feats::new(opts.action_bits);
        let mut lf = Feats::new(opts.label_bits);
        let mut scores = vec![0f32; 3];
        let mut ls = vec![0f32; labels.len()];
        for epoch in 0..opts.epochs {
            rng.shuffle(&mut examples);
            let (mut correct, mut total) = (0usize, 0usize);
            for ex in &examples {
                let n = ex.toks.len();
                let mut st = State::new(n);
                feats::context(&ex.toks, &mut st.ctx);
                let mut gold = ex.gold_heads.clone();
                gold.push(NO);
                while !st.terminal() {
                    if let Some(a) = st.forced() {
                        // as at run time: nothing to choose, nothing to learn
                        let label = if a == SHIFT {
                            0
                        } else {
                            let (h, d) = st.arc(a);
                            if h == n {
                                root_label as u16
                            } else {
                                lookup_dict(&ldict, label_key(a == LEFT, &ex.toks[h], &ex.toks[d]))
                                    .unwrap_or_else(|| label_of(&mut lt, &st, &ex.toks, h, d, a == LEFT, &gold, &ex.gold_labels, &mut lf, &mut ls, root_label))
                            }
                        };
                        st.apply(a, label);
                        continue;
                    }
                    extract_all(&st, &ex.toks, &mut feats);
                    scores.iter_mut().for_each(|x| *x = 0.0);
                    at.model().score_into(feats.rows(), &mut scores);
                    let costs: [u32; 3] = std::array::from_fn(|a| if st.valid(a) { st.cost(a, &gold) } else { u32::MAX });
                    let min = *costs.iter().min().unwrap_or(&0);
                    let pred = argmax(&scores, |a| costs[a] != u32::MAX);
                    let best = argmax(&scores, |a| costs[a] == min);
                    at.tick();
                    if costs[pred] > min {
                        at.update(feats.rows(), best, 1.0);
                        at.update(feats.rows(), pred, -1.0);
                    }
                    let next = if costs[pred] == min || (epoch >= 1 && rng.unit() < opts.explore) { pred } else { best };
                    let mut label = 0u16;
                    if next != SHIFT {
                        let (h, d) = st.arc(next);
                        label = if h == n {
                            root_label as u16
                        } else {
                            lookup_dict(&ldict, label_key(next == LEFT, &ex.toks[h], &ex.toks[d]))
                                .unwrap_or_else(|| label_of(&mut lt, &st, &ex.toks, h, d, next == LEFT, &gold, &ex.gold_labels, &mut lf, &mut ls, root_label))
                        };
                    }
                    st.apply(next, label);
                }
                total += n;
                correct += st.heads[..n].iter().zip(&gold[..n]).filter(|(a, b)| a == b).count();
            }
            progress(epoch + 1, 100.0 * correct as f64 / total.max(1) as f64);
        }
        Trained { labels, clusters, vocab, ldict, actions: at.finish(), labeler: lt.finish() }
    }
}

/// The label `dict` gives `key`, if any.
#[inline]
fn lookup_dict(dict: &[(u64, u16)], key: u64) -> Option<u16> {
    dict.binary_search_by_key(&key, |e| e.0).ok().map(|i| dict[i].1)
}

/// Training: the label of arc `h → d` (`h` not the root) — learnt from when the arc is
/// gold, the model's guess otherwise.
#[allow(clippy::too_many_arguments)]
fn label_of(lt: &mut Trainer, st: &State, toks: &[Tok], h: usize, d: usize, left: bool, gold: &[usize], gold_labels: &[u16], lf: &mut Feats, ls: &mut [f32], root: usize) -> u16 {
    label_extract(st, toks, h, d, left, lf);
    ls.iter_mut().for_each(|x| *x = 0.0);
    lt.model().score_into(lf.rows(), ls);
    let guess = argmax(ls, |l| l != root);
    if gold[d] == h {
        let truth = gold_labels[d] as usize;
        lt.tick();
        lt.learn(lf.rows(), truth, guess);
        truth as u16
    } else {
        guess as u16
    }
}

/// Whether no two arcs of the tree cross (ROOT at position 0).
fn projective(words: &[conllu::Word]) -> bool {
    let arcs: Vec<(usize, usize)> = words.iter().enumerate().map(|(i, w)| (w.head.min(i + 1), w.head.max(i + 1))).collect();
    for &(a, b) in &arcs {
        for &(c, d) in &arcs {
            if a < c && c < b && b < d {
                return false;
            }
        }
    }
    true
}

fn read_u32(r: &mut impl Read) -> io::Result<u32> {
    let mut u = [0u8; 4];
    r.read_exact(&mut u)?;
    Ok(u32::from_le_bytes(u))
}

/// Attachment scores over gold trees: (words, unlabeled correct, labeled correct), with
/// punctuation included (CoNLL 2018 counts every word).
pub fn attachment(gold: &[conllu::Word], pred: &[(i32, String)]) -> (usize, usize, usize) {
    let (mut u, mut l) = (0, 0);
    for (g, p) in gold.iter().zip(pred) {
        let (head, label) = word_attachment(g, p);
        u += head as usize;
        l += label as usize;
    }
    (gold.len(), u, l)
}

/// Whether the predicted (head, relation) of one word has the gold head, and the gold head
/// and universal relation (CoNLL 2018 LAS drops subtypes: `obl:tmod` = `obl`).
pub fn word_attachment(gold: &conllu::Word, pred: &(i32, String)) -> (bool, bool) {
    let head = gold.head as i32 - 1 == pred.0;
    (head, head && universal_relation(&gold.deprel) == universal_relation(&pred.1))
}

/// The universal part of a UD relation (`obl` for `obl:tmod`).
pub fn universal_relation(rel: &str) -> &str {
    rel.split(':').next().unwrap_or("")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn tree(words: &[(&str, &str, usize, &str)]) -> conllu::Sentence {
        conllu::Sentence {
            words: words
                .iter()
                .map(|(f, p, h, d)| conllu::Word { form: f.to_string(), upos: p.to_string(), xpos: p.to_string(), head: *h, deprel: d.to_string(), ..Default::default() })
                .collect(),
            ..Default::default()
        }
    }

    /// A parser of a few sentences, with a supertagger trained on them and their supertags
    /// as it gives them.
    fn tiny(sents: &[conllu::Sentence], opts: &TrainOptions) -> Parser {
        let (stagger, _) = crate::supertag::train(sents, &WordClusters::default(), 2, 1, |_| {});
        let stags: Vec<Vec<String>> = sents.iter().map(|s| crate::supertag::tag(&stagger, s)).collect();
        Parser::train(sents, &stags, WordClusters::default(), opts, |_, _| {}).compact(0.0, 0.0, stagger)
    }

    #[test]
    fn learns_small_treebank_and_round_trips() {
        let sents = vec![
            tree(&[("Rebels", "NOUN", 2, "nsubj"), ("attacked", "VERB", 0, "root"), ("the", "DET", 4, "det"), ("town", "NOUN", 2, "obj"), (".", "PUNCT", 2, "punct")]),
            tree(&[("Leaders", "NOUN", 2, "nsubj"), ("met", "VERB", 0, "root"), ("in", "ADP", 4, "case"), ("Paris", "PROPN", 2, "obl"), (".", "PUNCT", 2, "punct")]),
            tree(&[("The", "DET", 2, "det"), ("army", "NOUN", 3, "nsubj"), ("left", "VERB", 0, "root"), (".", "PUNCT", 3, "punct")]),
        ];
        let opts = TrainOptions { epochs: 10, action_bits: 12, label_bits: 10, ..Default::default() };
        let mut p = tiny(&sents, &opts);
        // a reviser that has only seen right trees keeps them
        let examples: Vec<revise::Example> = sents
            .iter()
            .map(|s| {
                let n = s.words.len();
                let heads: Vec<usize> = s.words.iter().map(|w| if w.head == 0 { n } else { w.head - 1 }).collect();
                revise::Example { toks: s.words.iter().map(|w| RevTok::new(&w.form, &w.upos, &w.xpos, &w.deprel, "")).collect(), gold: heads.clone(), heads }
            })
            .collect();
        // with lexical affinities counted over the same trees (the file carries the table)
        let mut counts = crate::affinity::Counts::default();
        for (s, e) in sents.iter().zip(&examples) {
            let words: Vec<u64> = s.words.iter().map(|w| revise::lower_hash(&w.form)).collect();
            counts.add(&words, &e.gold, &s.words.iter().map(|w| revise::rel_hash(&w.deprel)).collect::<Vec<_>>());
        }
        let aff = counts.finish(1);
        assert!(!aff.is_empty());
        p.set_reviser(Some(revise::train(&examples, Some(aff), &revise::TrainOptions { bits: 12, ..Default::default() }, |_| {})));
        // a version 9 file (no relabeler: the same bytes less its empty section) still reads
        let mut v9 = Vec::new();
        p.save(&mut v9).unwrap();
        assert_eq!(v9[v9.len() - 4..], [0; 4]);
        v9.truncate(v9.len() - 4);
        v9[4..8].copy_from_slice(&9u32.to_le_bytes());
        let q = Parser::from_bytes(&v9).unwrap();
        assert!(q.has_reviser() && !q.has_relabeler());
        // and a relabeler that has only seen right labels keeps them
        let id = |l: &str| p.labels().iter().position(|x| x == l).unwrap() as u16;
        let lab_examples: Vec<relabel::Example> = sents
            .iter()
            .zip(&examples)
            .map(|(s, e)| {
                let labels: Vec<u16> = s.words.iter().map(|w| id(&w.deprel)).collect();
                relabel::Example { toks: s.words.iter().map(|w| LabTok::new(&w.form, &w.upos, &w.xpos)).collect(), heads: e.heads.clone(), gold_heads: e.gold.clone(), gold_labels: labels.clone(), labels }
            })
            .collect();
        p.set_relabeler(Some(relabel::train(&lab_examples, p.labels(), &relabel::TrainOptions { bits: 12, min_weight: 0.0, ..Default::default() }, |_| {})));
        let mut bytes = Vec::new();
        p.save(&mut bytes).unwrap();
        let q = Parser::from_bytes(&bytes).unwrap();
        assert!(q.has_reviser() && q.has_relabeler());
        let mut again = Vec::new();
        q.save(&mut again).unwrap();
        assert!(again == bytes, "a parser with a reviser and a relabeler saves back to the same bytes");
        for s in &sents {
            let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
            let tags: Vec<&str> = s.words.iter().map(|w| w.upos.as_str()).collect();
            let out = q.parse(&forms, &tags, &tags);
            let (n, u, l) = attachment(&s.words, &out);
            assert_eq!((n, u, l), (n, n, n), "{out:?}");
        }
        assert!(Parser::from_bytes(b"DLPRxx").is_err());
    }

    #[test]
    fn the_built_in_supertagger_guesses_relations_and_sides() {
        let Some(p) = Parser::load_default().unwrap() else { return };
        let forms = ["The", "minister", "met", "the", "envoy", "in", "Damascus", "."];
        let mut infos = Vec::new();
        let mut out = Vec::new();
        p.stagger.tag_words(forms.iter().copied(), &mut infos, &mut out);
        let g: Vec<&str> = out.iter().map(|&t| p.stagger.tag_name(t).0).collect();
        assert_eq!(g, ["det/R", "nsubj/R", "root/0", "det/R", "obj/L", "case/R", "obl/L", "punct/L"]);
    }

    #[test]
    fn built_in_model_saves_back_to_the_same_bytes() {
        // the action model is kept only as a dense table: nothing may be lost
        let Some(p) = Parser::load_default().unwrap() else { return };
        let mut bytes = Vec::new();
        p.save(&mut bytes).unwrap();
        assert!(bytes == DEFAULT_MODEL, "re-saved built-in parser model differs");
    }

    #[test]
    fn any_input_gives_a_single_rooted_tree() {
        let sents = vec![tree(&[("a", "X", 0, "root"), ("b", "X", 1, "dep")])];
        let p = tiny(&sents, &TrainOptions { epochs: 1, action_bits: 8, label_bits: 8, ..Default::default() });
        for n in [0usize, 1, 2, 7, 300] {
            let forms: Vec<String> = (0..n).map(|i| format!("w{i}")).collect();
            let f: Vec<&str> = forms.iter().map(|s| s.as_str()).collect();
            let out = p.parse(&f, &[], &[]);
            assert_eq!(out.len(), n);
            assert_eq!(out.iter().filter(|(h, _)| *h < 0).count(), usize::from(n > 0));
            // every head chain reaches the root without cycles
            for i in 0..n {
                let (mut j, mut steps) = (i as i32, 0);
                while j >= 0 && steps <= n {
                    j = out[j as usize].0;
                    steps += 1;
                }
                assert!(j < 0);
            }
        }
    }

    /// A document whose single sentence is `words` joined by spaces.
    pub(crate) fn one_sentence_doc(words: &[String]) -> Doc {
        let mut text = String::new();
        let mut tokens = Vec::new();
        for w in words {
            if !text.is_empty() {
                text.push(' ');
            }
            tokens.push(model::Token { start: text.len(), end: text.len() + w.len(), head: -1, ..Default::default() });
            text.push_str(w);
        }
        let mut doc = Doc::new(model::Article { text, ..Default::default() });
        doc.sentences.push(model::Sentence { start: 0, end: doc.article.text.len(), token_start: 0, token_end: tokens.len() });
        doc.tokens = tokens;
        doc
    }

    #[test]
    fn built_in_model_parses_news_and_odd_text() {
        let p = Parser::load_default().expect("built-in model loads").expect("a model is built in");
        let words: Vec<String> = "The minister met rebel leaders in the capital on Monday .".split(' ').map(String::from).collect();
        let tags = ["DET", "NOUN", "VERB", "NOUN", "NOUN", "ADP", "DET", "NOUN", "ADP", "PROPN", "PUNCT"];
        let xtags = ["DT", "NN", "VBD", "NN", "NNS", "IN", "DT", "NN", "IN", "NNP", "."];
        let mut doc = one_sentence_doc(&words);
        for (t, (u, x)) in doc.tokens.iter_mut().zip(tags.iter().zip(xtags)) {
            t.upos = (*u).into();
            t.xpos = x.into();
        }
        p.parse_sentence(&mut doc, 0);
        let rel = |i: usize| (doc.tokens[i].head, doc.tokens[i].deprel.as_str());
        assert_eq!(rel(2), (-1, "root"));
        assert_eq!(rel(1), (2, "nsubj"));
        assert_eq!(rel(4), (2, "obj"));
        // odd input without tags: emoji, control characters, mixed scripts, a long run
        let odd: Vec<String> = (0..20_000).map(|i| ["\u{1F600}", "\u{0007}", "Москва", "北京", "x", ",", "al-Assad"][i % 7].to_string()).collect();
        let mut doc = one_sentence_doc(&odd);
        p.parse_sentence(&mut doc, 0);
        assert_eq!(doc.tokens.iter().filter(|t| t.head == -1).count(), 1);
        assert!(doc.tokens.iter().all(|t| t.head < odd.len() as i32 && !t.deprel.is_empty()));
        // sentence indices out of range are ignored
        p.parse_sentence(&mut doc, 5);
        // sentences the reviser looks at (up to revise::MAX_WORDS words) stay trees
        let pool = [("The", "DET", "DT"), ("talks", "NOUN", "NNS"), ("in", "ADP", "IN"), ("Geneva", "PROPN", "NNP"), ("ended", "VERB", "VBD"), (",", "PUNCT", ","), ("and", "CCONJ", "CC"), ("officials", "NOUN", "NNS"), ("said", "VERB", "VBD"), ("that", "SCONJ", "IN"), ("rebels", "NOUN", "NNS"), ("would", "AUX", "MD"), ("leave", "VERB", "VB"), ("quickly", "ADV", "RB"), (".", "PUNCT", ".")];
        for n in [3usize, 15, 60, 250, revise::MAX_WORDS] {
            let words: Vec<String> = (0..n).map(|i| pool[(i * 7 + i / 15) % pool.len()].0.to_string()).collect();
            let mut doc = one_sentence_doc(&words);
            for (i, t) in doc.tokens.iter_mut().enumerate() {
                let (_, u, x) = pool[(i * 7 + i / 15) % pool.len()];
                t.upos = u.into();
                t.xpos = x.into();
            }
            p.parse_sentence(&mut doc, 0);
            assert_eq!(doc.tokens.iter().filter(|t| t.head == -1).count(), 1, "{n} words");
            assert!(doc.tokens.iter().all(|t| (t.head == -1) == (t.deprel == "root")), "{n} words: root is the root's dependent's relation alone");
            for i in 0..n {
                let (mut j, mut steps) = (i as i32, 0);
                while j >= 0 && steps <= n {
                    j = doc.tokens[j as usize].head;
                    steps += 1;
                }
                assert!(j < 0, "{n} words: a cycle through word {i}");
            }
        }
    }
}

#[cfg(test)]
mod speed {
    use super::*;
    /// Parsing speed on a treebank with its own tags (best of 5 passes):
    /// `PARSER_SPEED_CONLLU=FILE [PARSER_SPEED_MODEL=FILE] cargo test --release -p nlp speed_probe -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn speed_probe() {
        let Ok(path) = std::env::var("PARSER_SPEED_CONLLU") else { return };
        let sents = conllu::read_file(std::path::Path::new(&path)).unwrap();
        let p = match std::env::var("PARSER_SPEED_MODEL") {
            Ok(m) => Parser::from_bytes(&std::fs::read(m).unwrap()).unwrap(),
            Err(_) => Parser::load_default().unwrap().unwrap(),
        };
        let data: Vec<(Vec<&str>, Vec<&str>, Vec<&str>)> = sents
            .iter()
            .map(|s| (s.words.iter().map(|w| w.form.as_str()).collect(), s.words.iter().map(|w| w.upos.as_str()).collect(), s.words.iter().map(|w| w.xpos.as_str()).collect()))
            .collect();
        let words: usize = data.iter().map(|d| d.0.len()).sum();
        let mut best = f64::INFINITY;
        let (mut u, mut l) = (0, 0);
        // CPU time of this thread (not wall time: the machine is shared)
        let cpu = || std::fs::read_to_string("/proc/thread-self/schedstat").ok().and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok()).map_or(0.0, |ns| ns / 1e9);
        for _ in 0..5 {
            let t = cpu();
            (u, l) = (0, 0);
            for ((f, up, xp), s) in data.iter().zip(&sents) {
                let out = p.parse(f, up, xp);
                let (_, a, b) = attachment(&s.words, &out);
                u += a;
                l += b;
            }
            best = best.min(cpu() - t);
        }
        println!("speed_probe: {words} words, {:.0} words/s (best of 5, thread CPU time), UAS {:.2} LAS {:.2}", words as f64 / best, 100.0 * u as f64 / words as f64, 100.0 * l as f64 / words as f64);
    }
}
