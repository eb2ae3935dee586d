//! Named-entity recognizer: a left-to-right BILOU sequence labeller over an averaged
//! perceptron with hashed features (word, shape, affixes, tags, context words, word classes,
//! known names, runs of capitalized words, what earlier sentences of the document found
//! ([`DocMemory`]), the labels already assigned), decoding only valid BILOU sequences with a
//! beam ([`beam_decode`]; its width is part of the model, width 1 is greedy decoding) and
//! trained on whole sentences (max-violation updates, Huang et al. 2012).
//! Labels: PER, ORG, LOC, OTH.
//!
//! Tagging goes through a per-thread cache ([`FastCache`]): per word (form and tags) its
//! prepared token and the sums of the weight rows of the features that read that word
//! alone (as the token, as the previous or the next word, …), so per token only the features
//! reading pairs of words, names, runs, the document and the previous labels are looked up.
//! The model's sums are exact in `f32` ([`sums_exact`], checked at load), so the labels are
//! the same as summing each token's rows one by one (which training does).
//!
//! Model file (little endian): `b"DLNR"`, `u32` version (5), the [`Beam`] (`u32` width, `f32`
//! pruning margin), `u32` byte length of the word classes, the [`clusters::WordClusters`]
//! table, `u32` byte length of the name set, the [`names::NameSet`], then the
//! [`SparsePerceptron`]. Version 4 files (greedy, no beam fields) and 3 (no name set) load too.

#[path = "ner_feats.rs"]
mod feats;
#[path = "ner_clusters.rs"]
pub mod clusters;
#[path = "ner_gaz.rs"]
pub mod names;

use crate::perceptron::{Perceptron, SparsePerceptron, Trainer};
use clusters::WordClusters;
use feats::{mark_memory, mark_names, mark_runs, static_feats, NerTok, ROLES, ROLE_HIST_O, ROLE_NEXT, ROLE_OWN, ROLE_PLAIN, ROLE_PREV};
use names::Match;
use names::NameSet;
use model::{Doc, Entity, EntityLabel};
use std::io::{self, Read, Write};

/// The model compiled into the binary (trained by `dateline train ner`, see
/// `models/ner.manifest`).
static DEFAULT_MODEL: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/ner.bin"));

/// Entity types in class order.
pub const TYPES: [EntityLabel; 4] = [EntityLabel::PER, EntityLabel::ORG, EntityLabel::LOC, EntityLabel::OTH];
/// Most earlier entities of a document that [`Ner::tag_sentence`] remembers.
const MEMORY_ENTITIES: usize = 512;
/// Number of classes: O + {B, I, L, U} × 4 types.
const N_CLASSES: usize = 17;

/// Class of BILOU part `k` (0 B, 1 I, 2 L, 3 U) of type `t`.
fn class(t: usize, k: usize) -> usize {
    1 + 4 * t + k
}
fn part(c: usize) -> Option<(usize, usize)> {
    (c > 0).then(|| ((c - 1) / 4, (c - 1) % 4))
}

/// Whether class `cur` may follow `prev` (`None` at the sentence start). Only `I` and `L`
/// are constrained (they continue an open entity of their type); an entity left open by
/// `B`/`I` before anything else is closed there (see [`spans_of`]), which keeps greedy
/// decoding from being forced to stretch an entity it cannot end.
///
/// No entity starts at a title (`title`: the token is a known title and nothing else, "Mr",
/// "President"): titles are written before names and left out of them, and news writes
/// "Mr Blair" without the period the training text has.
fn allowed(prev: Option<usize>, cur: usize, title: bool) -> bool {
    let open = prev.and_then(part).filter(|&(_, k)| k < 2).map(|(t, _)| t);
    match part(cur) {
        Some((t, 1 | 2)) => open == Some(t),
        Some(_) => !title,
        None => true,
    }
}

/// One sentence of an IOB2 file (`# sent_id`, then `index<TAB>form<TAB>tag…` lines).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IobSentence {
    /// `# sent_id`.
    pub id: String,
    /// The document: the last `# newdoc id`, or else the sentence id without a final
    /// numeric `-N`/`_N` part.
    pub doc: String,
    /// Token forms.
    pub forms: Vec<String>,
    /// Entity spans: (first token, one past the last token, type).
    pub spans: Vec<(usize, usize, EntityLabel)>,
}

/// Parses an IOB2 file. `B-O` and unknown types read as `O`; an `I-` tag that does not
/// continue an entity of its type opens one. Errors give the line number.
pub fn read_iob2(text: &str) -> Result<Vec<IobSentence>, (usize, String)> {
    let mut out = Vec::new();
    let mut cur = IobSentence::default();
    let mut open: Option<(usize, EntityLabel)> = None;
    let mut newdoc: Option<String> = None;
    let close = |cur: &mut IobSentence, open: &mut Option<(usize, EntityLabel)>| {
        if let Some((s, l)) = open.take() {
            cur.spans.push((s, cur.forms.len(), l));
        }
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            close(&mut cur, &mut open);
            if !cur.forms.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            if let Some(v) = c.trim_start().strip_prefix("sent_id =") {
                cur.id = v.trim().to_string();
                cur.doc = match &newdoc {
                    Some(d) => d.clone(),
                    None => match cur.id.rsplit_once(['-', '_']) {
                        Some((d, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => d.to_string(),
                        _ => String::new(),
                    },
                };
            } else if let Some(v) = c.trim_start().strip_prefix("newdoc id =") {
                newdoc = Some(v.trim().to_string());
            }
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 {
            return Err((n + 1, format!("expected at least 3 tab-separated columns, found {}", f.len())));
        }
        let tag = f[2];
        let (bio, ty) = tag.split_once('-').unwrap_or((tag, ""));
        let label = EntityLabel::parse(ty);
        match (bio, label) {
            ("B", Some(l)) => {
                close(&mut cur, &mut open);
                open = Some((cur.forms.len(), l));
            }
            ("I", Some(l)) => {
                if open.map(|(_, o)| o) != Some(l) {
                    close(&mut cur, &mut open);
                    open = Some((cur.forms.len(), l));
                }
            }
            _ => close(&mut cur, &mut open),
        }
        cur.forms.push(f[1].to_string());
    }
    close(&mut cur, &mut open);
    if !cur.forms.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// A training sentence: forms, tags and gold spans.
#[derive(Clone, Debug, Default)]
pub struct NerExample {
    /// Token forms.
    pub forms: Vec<String>,
    /// UPOS tags (may be empty strings).
    pub upos: Vec<String>,
    /// XPOS tags (may be empty strings).
    pub xpos: Vec<String>,
    /// Gold spans (first token, end token, type).
    pub spans: Vec<(usize, usize, EntityLabel)>,
    /// Document (consecutive examples of one document share what they found, see
    /// [`DocMemory`]).
    pub doc: String,
}

/// What the earlier sentences of a document found: for each word (by
/// [`names::token_key`]), the types of the entities it was part of. Bounded: forgets
/// everything after [`DocMemory::LIMIT`] words.
#[derive(Clone, Debug, Default)]
pub struct DocMemory {
    /// By the SplitMix64 finalizer of the word key (the keys may be weak in their low bits,
    /// as FNV's are; the finalizer is a bijection).
    seen: crate::perceptron::MixedMap<u8>,
}

impl DocMemory {
    /// Most words remembered.
    pub const LIMIT: usize = 4096;
    /// Forgets everything (a new document).
    pub fn clear(&mut self) {
        self.seen.clear();
    }
    fn get(&self, key: u64) -> u8 {
        if self.seen.is_empty() {
            return 0;
        }
        self.seen.get(&crate::perceptron::splitmix(key)).copied().unwrap_or(0)
    }
    fn add(&mut self, keys: impl Iterator<Item = u64>, label: EntityLabel) {
        if self.seen.len() >= Self::LIMIT {
            self.seen.clear();
        }
        let bit = 1u8 << type_index(label);
        for k in keys {
            *self.seen.entry(crate::perceptron::splitmix(k)).or_insert(0) |= bit;
        }
    }
    fn add_spans(&mut self, toks: &[NerTok], spans: &[(usize, usize, EntityLabel)]) {
        for &(s, e, l) in spans {
            self.add(toks[s..e].iter().map(|t| t.gkey), l);
        }
    }
}

/// Training options.
#[derive(Clone, Debug)]
pub struct NerTrainOptions {
    /// Passes over the data.
    pub epochs: usize,
    /// Shuffling seed.
    pub seed: u64,
    /// Hash bits (the built-in model: 20; fewer collide more, and 21 was no better).
    pub bits: u32,
    /// Weights below this magnitude are dropped from the model.
    pub min_abs: f32,
    /// The decoding the model is trained for and keeps.
    pub beam: Beam,
    /// Learn from what earlier sentences of a document found ([`DocMemory`]).
    pub doc_memory: bool,
    /// Models trained (each with its own shuffling seed) whose weights are averaged.
    pub models: usize,
}

impl Default for NerTrainOptions {
    fn default() -> Self {
        NerTrainOptions { epochs: 12, seed: 23, bits: 20, min_abs: 0.0, beam: Beam::default(), doc_memory: true, models: 1 }
    }
}

/// A trained NER model.
pub struct Ner {
    model: SparsePerceptron,
    clusters: WordClusters,
    names: NameSet,
    beam: Beam,
    /// Ties a thread's [`FastCache`] to this model.
    id: u64,
    /// Whether sums of the weights are exact in any order ([`sums_exact`]), so that the
    /// per-thread cache of partial sums gives the same scores as summing each token's rows.
    exact: bool,
}

fn type_index(l: EntityLabel) -> usize {
    TYPES.iter().position(|&t| t == l).unwrap_or(3)
}

/// BILOU classes of gold spans over `n` tokens.
fn gold_classes(n: usize, spans: &[(usize, usize, EntityLabel)]) -> Vec<usize> {
    let mut y = vec![0; n];
    for &(s, e, l) in spans {
        if s >= e || e > n {
            continue;
        }
        let t = type_index(l);
        if e - s == 1 {
            y[s] = class(t, 3);
        } else {
            y[s] = class(t, 0);
            for c in y.iter_mut().take(e - 1).skip(s + 1) {
                *c = class(t, 1);
            }
            y[e - 1] = class(t, 2);
        }
    }
    y
}

/// Names whose last word is one of these are organisations ("the Defence Ministry", "the
/// Senate Armed Services Committee", "the Free Syrian Army"), whatever else the model
/// took them for. Words that also name buildings or places ("Office", "Center", "Bank" as
/// in "West Bank", "Church", "Union" as in "Soviet Union", "Federation"), or often follow
/// a name that is not part of it ("the Bush administration", "the Iranian Government",
/// "Great Service") are not among them.
const INSTITUTION_HEADS: &[&str] = &[
    "Agency", "Army", "Assembly", "Association", "Authority", "Board", "Brigade", "Brigades", "Bureau", "Cabinet", "Coalition", "Command", "Commission", "Committee",
    "Company", "Congress", "Corp", "Corporation", "Council", "Court", "Department", "Directorate", "Foundation", "Front", "Fund", "Guard", "Inc", "Institute",
    "League", "Ltd", "Ministry", "Movement", "Organisation", "Organization", "Parliament", "Party", "Police", "Senate", "Tribunal", "University",
];

/// Words that begin an institution's name before "of" or "for" ("Bank of England",
/// "Office of Management and Budget", "Institute for Fiscal Studies").
const INSTITUTION_FIRST: &[&str] = &["Bank", "Board", "Bureau", "Church", "College", "Commission", "Committee", "Council", "Court", "Department", "Institute", "Ministry", "Office", "Organisation", "Organization", "University"];

/// Words that may open a capitalized run without being part of the name.
const RUN_OPENERS: &[&str] = &["The", "A", "An", "This", "That", "These", "Those", "Its", "His", "Her", "Their", "Our", "My", "Your", "But", "And", "Or", "When", "While", "As", "If", "In", "On", "At", "By", "For", "From", "With", "To", "Of", "After", "Before", "Under", "Meanwhile", "Yesterday", "Today"];

/// Nouns that, just before a one-word name, say it names a business ("oil giant Yukos",
/// "carmaker SAIC", "the state-owned company Rosneft"). Nouns that often come before a
/// person's name ("rival", "producer", "broadcaster", "publisher") are not among them.
const COMPANY_NOUNS: &[&str] = &[
    "airline", "bank", "brewer", "carmaker", "carrier", "chain", "company", "conglomerate", "firm", "giant", "group", "insurer", "lender", "maker", "manufacturer",
    "monopoly", "operator", "retailer", "supplier",
];

/// Once the whole document is labelled: a one-word name taken for a person that directly
/// follows a [`COMPANY_NOUNS`] word (and is not followed by a capitalized word or "&") is an
/// organisation, and so is every other one-word
/// person name of the document spelt the same (a company the model did not know reads like
/// a surname: "Yukos said…"). Names of two words or more are left alone: people are
/// introduced by their full name.
pub fn companies_in_doc(doc: &mut Doc) {
    let text = &doc.article.text;
    let tokens = &doc.tokens;
    let word = |i: usize| tokens.get(i).and_then(|t| text.get(t.start..t.end)).unwrap_or("");
    let mut firms: Vec<&str> = Vec::new();
    for e in &doc.entities {
        if e.label == EntityLabel::PER && e.token_end == e.token_start + 1 && e.token_start > 0 {
            let prev = word(e.token_start - 1);
            // the name must end there ("company Scott Free", "Marsh & McLennan" are cut
            // short, and their first word may be a person's name elsewhere)
            let next = word(e.token_end);
            let ends = next != "&" && !next.starts_with(|c: char| c.is_uppercase());
            if ends && COMPANY_NOUNS.iter().any(|n| n.eq_ignore_ascii_case(prev)) {
                firms.push(word(e.token_start));
            }
        }
    }
    if firms.is_empty() {
        return;
    }
    let firms: Vec<String> = firms.into_iter().map(str::to_string).collect();
    for e in doc.entities.iter_mut() {
        if e.label == EntityLabel::PER && e.token_end == e.token_start + 1 && firms.iter().any(|f| f == word(e.token_start)) {
            e.label = EntityLabel::ORG;
        }
    }
}

/// Relabels as ORG the spans whose last word (`form(i)`) is an [`INSTITUTION_HEADS`] word
/// (or "Bank" after two words or more). And makes one ORG span of each run of two or more
/// capitalized words of the `n` tokens (joined by "of", "for", "&", and after those by
/// "and") that ends in such a word or begins with an [`INSTITUTION_FIRST`] word and "of" /
/// "for" ("Senate Armed Services Committee", "Bank of Ireland"): the spans inside it give
/// way, but a span that crosses its edge keeps the run from becoming a name. Linear in `n`
/// and the number of spans.
fn institutions<'a>(spans: &mut Vec<(usize, usize, EntityLabel)>, n: usize, form: impl Fn(usize) -> &'a str) {
    // "Bank" ends an institution's name of three words or more ("European Central Bank"),
    // a place's of two ("West Bank", "South Bank")
    let head = |last: &str, len: usize| INSTITUTION_HEADS.contains(&last) || (last == "Bank" && len >= 3);
    for (s, e, label) in spans.iter_mut() {
        if *label != EntityLabel::ORG && head(form(*e - 1).trim_end_matches('.'), *e - *s) {
            *label = EntityLabel::ORG;
        }
    }
    let cap = |i: usize| form(i).chars().next().is_some_and(|c| c.is_uppercase()) && form(i).chars().any(|c| c.is_lowercase());
    // "and" joins only inside an "of" phrase ("Department of Housing and Urban
    // Development"); elsewhere it joins two names ("the West Bank and Acme Corp")
    let joiner = |i: usize, of: bool| matches!(form(i), "of" | "for" | "&") || (of && form(i) == "and");
    let mut runs = Vec::new();
    let mut i = 0;
    while i < n {
        if !cap(i) {
            i += 1;
            continue;
        }
        let (mut e, mut of) = (i + 1, false);
        loop {
            if e < n && cap(e) {
                e += 1;
            } else if e + 1 < n && joiner(e, of) && cap(e + 1) {
                of |= matches!(form(e), "of" | "for");
                e += 2;
            } else {
                break;
            }
        }
        let mut s = i;
        while s < e && RUN_OPENERS.contains(&form(s)) {
            s += 1;
        }
        i = e;
        if e - s < 2 {
            continue;
        }
        let last = form(e - 1).trim_end_matches('.');
        let head_last = head(last, e - s);
        let head_first = INSTITUTION_FIRST.contains(&form(s)) && matches!(form(s + 1), "of" | "for");
        if head_last || head_first {
            runs.push((s, e));
        }
    }
    if runs.is_empty() {
        return;
    }
    // merge (both lists are sorted and their items disjoint): a run replaces the spans
    // inside it, unless one crosses its edge
    let old = std::mem::take(spans);
    let mut j = 0;
    for (s, e) in runs {
        while j < old.len() && old[j].1 <= s {
            spans.push(old[j]);
            j += 1;
        }
        let k = (j..old.len()).find(|&k| old[k].0 >= e).unwrap_or(old.len());
        if old[j..k].iter().any(|&(a, b, _)| a < s || b > e) {
            continue;
        }
        spans.push((s, e, EntityLabel::ORG));
        j = k;
    }
    spans.extend_from_slice(&old[j..]);
}

/// Spans of a BILOU class sequence; an entity opened by `B` ends at its `L`, or at the last
/// `I` when something else follows.
fn spans_of(y: &[usize]) -> Vec<(usize, usize, EntityLabel)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None; // (start, type)
    for (i, &c) in y.iter().enumerate() {
        let p = part(c);
        if let Some((s, t)) = open {
            if matches!(p, Some((u, 1 | 2)) if u == t) {
                if p.map(|x| x.1) == Some(2) {
                    out.push((s, i + 1, TYPES[t]));
                    open = None;
                }
                continue;
            }
            out.push((s, i, TYPES[t]));
            open = None;
        }
        match p {
            Some((t, 3)) => out.push((i, i + 1, TYPES[t])),
            Some((t, 0)) => open = Some((i, t)),
            _ => {}
        }
    }
    if let Some((s, t)) = open {
        out.push((s, y.len(), TYPES[t]));
    }
    out
}

/// How a model decodes: the beam's width (1: greedy) and how far below the best item an
/// item may score and still be kept (pruning: most tokens are clearly O, and a narrower beam
/// there costs nothing and loses nothing).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Beam {
    /// Items kept after each token (1 to [`BEAM_MAX`]).
    pub width: usize,
    /// Items scoring more than this below the best are dropped.
    pub prune: f32,
}

impl Default for Beam {
    /// The built-in model's settings (chosen by cross-validation on dev, models/ner.manifest).
    fn default() -> Self {
        Beam { width: 4, prune: 50.0 }
    }
}

/// Widest beam [`beam_decode`] keeps.
pub const BEAM_MAX: usize = 16;

/// Beam decoding over `n` tokens: `stat` holds each token's static scores (`N_CLASSES` per
/// token); `hist(i, p1, p2, scores)` adds the label-history scores (previous label `p1`, the
/// one before `p2`; 99 before the sentence). The labels go to `y`; `back` is scratch (one
/// (item, class) pair per token and beam item). Ties go to the earlier item and the lower
/// class, so width 1 is greedy decoding. With `gold` (a path that obeys the constraints),
/// returns the max-violation point: the token where the best item's score beats the gold
/// prefix's by the most (ties count, as a perceptron updates on them), with that item's
/// labels up to there.
fn beam_decode(n: usize, beam: Beam, stat: &[f32], mut hist: impl FnMut(usize, u64, u64, &mut [f32]), title: impl Fn(usize) -> bool, gold: Option<&[usize]>, y: &mut Vec<usize>, back: &mut Vec<(u8, u8)>) -> Option<(usize, Vec<usize>)> {
    const K: usize = N_CLASSES;
    let k = beam.width.clamp(1, BEAM_MAX);
    // items: (score, class, previous class, on the gold path)
    let mut cur = [(0f32, 99u8, 99u8, true); BEAM_MAX];
    let mut m = 1;
    let mut top: [(f32, u8, u8); BEAM_MAX] = [(0.0, 0, 0); BEAM_MAX];
    back.clear();
    back.resize(n * k, (0, 0));
    let mut gscore = 0f32;
    let mut worst: Option<(f32, usize)> = None;
    let mut scores = [0f32; K];
    for i in 0..n {
        let title = title(i);
        let mut t = 0;
        let mut gold_in = false;
        for (j, &(sc0, c, p1, on_gold)) in cur[..m].iter().enumerate() {
            scores.copy_from_slice(&stat[i * K..(i + 1) * K]);
            hist(i, c as u64, p1 as u64, &mut scores);
            if let (true, Some(g)) = (on_gold, gold) {
                gscore = sc0 + scores[g[i]];
                gold_in = true;
            }
            let prev = (c != 99).then_some(c as usize);
            for (cls, &x) in scores.iter().enumerate() {
                let v = sc0 + x;
                if (t == k && v <= top[k - 1].0) || !allowed(prev, cls, title) {
                    continue;
                }
                // insert after the items scored as high
                let mut q = t.min(k - 1);
                while q > 0 && top[q - 1].0 < v {
                    top[q] = top[q - 1];
                    q -= 1;
                }
                top[q] = (v, j as u8, cls as u8);
                t = (t + 1).min(k);
            }
        }
        while t > 1 && top[t - 1].0 < top[0].0 - beam.prune {
            t -= 1;
        }
        if let (Some(g), false) = (gold, gold_in) {
            // the gold prefix fell out of the beam: extend its score along the gold path
            let p1 = if i > 0 { g[i - 1] as u64 } else { 99 };
            let p2 = if i > 1 { g[i - 2] as u64 } else { 99 };
            scores.copy_from_slice(&stat[i * K..(i + 1) * K]);
            hist(i, p1, p2, &mut scores);
            gscore += scores[g[i]];
        }
        let mut next = [(0f32, 0u8, 0u8, false); BEAM_MAX];
        for (q, &(v, j, cls)) in top[..t].iter().enumerate() {
            let (_, c, _, on_gold) = cur[j as usize];
            next[q] = (v, cls, c, on_gold && gold.is_some_and(|g| g[i] == cls as usize));
            back[i * k + q] = (j, cls);
        }
        cur = next;
        m = t;
        if gold.is_some() && !cur[0].3 && worst.is_none_or(|(w, _)| cur[0].0 - gscore > w) {
            worst = Some((cur[0].0 - gscore, i));
        }
    }
    let path = |last: usize, out: &mut Vec<usize>| {
        out.clear();
        out.resize(last + 1, 0);
        let mut q = 0usize;
        for i in (0..=last).rev() {
            let (j, cls) = back[i * k + q];
            out[i] = cls as usize;
            q = j as usize;
        }
    };
    y.clear();
    if n == 0 {
        return None;
    }
    path(n - 1, y);
    worst.filter(|&(w, _)| w >= 0.0).map(|(_, i)| {
        let mut z = Vec::new();
        path(i, &mut z);
        (i, z)
    })
}

/// Scores features; implemented by the training and the compact weights.
trait Scorer {
    fn score_into(&self, feats: &[u64], scores: &mut [f32]);
}
impl Scorer for Perceptron {
    fn score_into(&self, feats: &[u64], scores: &mut [f32]) {
        Perceptron::score_into(self, feats, scores)
    }
}
impl Scorer for SparsePerceptron {
    fn score_into(&self, feats: &[u64], scores: &mut [f32]) {
        SparsePerceptron::score_into(self, feats, scores)
    }
}

/// [`beam_decode`] summing each token's weight rows one by one (training, and the sentences
/// [`FastCache`] does not take). `sf` gets each token's static features.
fn decode_slow(model: &impl Scorer, toks: &[NerTok], beam: Beam, gold: Option<&[usize]>, sf: &mut Vec<Vec<u64>>, y: &mut Vec<usize>) -> Option<(usize, Vec<usize>)> {
    let n = toks.len();
    sf.resize_with(n, Vec::new);
    let mut stat = vec![0f32; n * N_CLASSES];
    for (i, f) in sf.iter_mut().enumerate() {
        static_feats(toks, i, f);
        model.score_into(f, &mut stat[i * N_CLASSES..(i + 1) * N_CLASSES]);
    }
    let mut hf = Vec::new();
    let hist = |i: usize, p1, p2, sc: &mut [f32]| {
        hf.clear();
        feats::history(&toks[i], p1, p2, &mut hf);
        model.score_into(&hf, sc);
    };
    beam_decode(n, beam, &stat, hist, |i| feats::title_only(&toks[i]), gold, y, &mut Vec::new())
}

/// The gold classes as a path decoding can take: where the constraints forbid a gold class
/// after the previous one (an entity starting at a title), the closest allowed class (the
/// same type and position where possible, else O).
fn gold_path(toks: &[NerTok], gold: &[usize]) -> Vec<usize> {
    let mut gp: Vec<usize> = Vec::with_capacity(gold.len());
    for (i, &g) in gold.iter().enumerate() {
        let title = feats::title_only(&toks[i]);
        let ok = allowed(gp.last().copied(), g, title);
        gp.push(match part(g) {
            _ if ok => g,
            Some((t, 1)) if !title => class(t, 0),
            Some((t, _)) if !title => class(t, 3),
            _ => 0,
        });
    }
    gp
}

impl Ner {
    /// The NER model compiled into the binary, if one has been trained.
    pub fn load_default() -> Result<Option<Ner>, String> {
        if DEFAULT_MODEL.is_empty() {
            return Ok(None);
        }
        Ner::from_bytes(DEFAULT_MODEL).map(Some).map_err(|e| format!("built-in NER model: {e}"))
    }

    /// Reads a model written by [`Ner::save`].
    pub fn from_bytes(mut bytes: &[u8]) -> io::Result<Ner> {
        let r = &mut bytes;
        let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
        let mut word = || -> io::Result<[u8; 4]> {
            let mut b = [0u8; 4];
            r.read_exact(&mut b)?;
            Ok(b)
        };
        let (magic, version) = (word()?, u32::from_le_bytes(word()?));
        if &magic != b"DLNR" || !(3..=5).contains(&version) {
            return Err(bad("not a dateline NER model (bad magic or version)"));
        }
        let mut beam = Beam { width: 1, prune: f32::INFINITY };
        if version >= 5 {
            beam = Beam { width: u32::from_le_bytes(word()?) as usize, prune: f32::from_le_bytes(word()?) };
            if !(1..=BEAM_MAX).contains(&beam.width) || beam.prune.is_nan() || beam.prune < 0.0 {
                return Err(bad("NER model has a bad beam"));
            }
        }
        let n = u32::from_le_bytes(word()?) as usize;
        let clusters = WordClusters::load(r.get(..n).ok_or_else(|| bad("truncated NER word classes"))?)?;
        *r = &r[n..];
        let mut names = NameSet::default();
        if version >= 4 {
            let mut len = [0u8; 4];
            r.read_exact(&mut len)?;
            let n = u32::from_le_bytes(len) as usize;
            names = NameSet::load(r.get(..n).ok_or_else(|| bad("truncated NER name set"))?)?;
            *r = &r[n..];
        }
        let model = SparsePerceptron::load(r)?;
        if model.n_classes() != N_CLASSES {
            return Err(bad("NER model has the wrong number of classes"));
        }
        Ok(Ner::new(model, clusters, names, beam))
    }

    fn new(model: SparsePerceptron, clusters: WordClusters, names: NameSet, beam: Beam) -> Ner {
        let exact = sums_exact(&model);
        Ner { model, clusters, names, beam, id: NEXT_NER_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed), exact }
    }

    /// How the model decodes.
    pub fn beam(&self) -> Beam {
        self.beam
    }

    /// Writes the model.
    pub fn save(&self, w: &mut impl Write) -> io::Result<()> {
        w.write_all(b"DLNR")?;
        w.write_all(&5u32.to_le_bytes())?;
        w.write_all(&(self.beam.width as u32).to_le_bytes())?;
        w.write_all(&self.beam.prune.to_le_bytes())?;
        let mut c = Vec::new();
        self.clusters.save(&mut c)?;
        w.write_all(&(c.len() as u32).to_le_bytes())?;
        w.write_all(&c)?;
        c.clear();
        self.names.save(&mut c)?;
        w.write_all(&(c.len() as u32).to_le_bytes())?;
        w.write_all(&c)?;
        self.model.save(w)
    }

    /// Entity spans (first token, end token, type) of one sentence.
    pub fn tag(&self, forms: &[&str], upos: &[&str], xpos: &[&str]) -> Vec<(usize, usize, EntityLabel)> {
        self.tag_in_doc(forms, upos, xpos, &mut DocMemory::default())
    }

    /// [`Ner::tag`] for the next sentence of a document: uses and extends what the earlier
    /// sentences found.
    pub fn tag_in_doc(&self, forms: &[&str], upos: &[&str], xpos: &[&str], memory: &mut DocMemory) -> Vec<(usize, usize, EntityLabel)> {
        let word = |i: usize| (forms[i], upos.get(i).copied().unwrap_or(""), xpos.get(i).copied().unwrap_or(""));
        let (y, keys) = self.label(forms.len(), word, |k| memory.get(k));
        let mut spans = spans_of(&y);
        institutions(&mut spans, forms.len(), |i| forms[i]);
        for &(s, e, l) in &spans {
            memory.add(keys[s..e].iter().copied(), l);
        }
        spans
    }

    /// BILOU classes of the `n` tokens given by `word(i)` = (form, UPOS, XPOS), with the
    /// document memory `mem`, and the tokens' [`names::token_key`]s. Sentences of up to
    /// [`FAST_MAX_TOKENS`] tokens go through the per-thread [`FastCache`] when the model's
    /// sums are exact, others through [`decode_slow`]: the classes are the same either way.
    fn label<'w>(&self, n: usize, word: impl Fn(usize) -> (&'w str, &'w str, &'w str), mem: impl Fn(u64) -> u8) -> (Vec<usize>, Vec<u64>) {
        if self.exact && n <= FAST_MAX_TOKENS {
            return FAST.with(|c| {
                let mut c = c.borrow_mut();
                self.label_fast(&mut c, n, word, mem);
                (c.y.clone(), c.toks.iter().map(|t| t.gkey).collect())
            });
        }
        let mut toks: Vec<NerTok> = (0..n)
            .map(|i| {
                let (f, u, x) = word(i);
                NerTok::new(f, u, x, i == 0, &self.clusters)
            })
            .collect();
        mark_names(&mut toks, &self.names, &mut Vec::new(), &mut Vec::new());
        mark_runs(&mut toks);
        mark_memory(&mut toks, mem);
        let mut y = Vec::new();
        decode_slow(&self.model, &toks, self.beam, None, &mut Vec::new(), &mut y);
        (y, toks.iter().map(|t| t.gkey).collect())
    }

    /// [`Ner::label`] through the cache: per word (form and tags) the [`NerTok`] and the
    /// sums of the weight rows of its features in each role (its own features, those it
    /// gives the next and the previous token, …), per pair of previous labels the sum of
    /// theirs; per token only the features that read pairs of words, names, runs and the
    /// document are looked up.
    fn label_fast<'w>(&self, c: &mut FastCache, n: usize, word: impl Fn(usize) -> (&'w str, &'w str, &'w str), mem: impl Fn(u64) -> u8) {
        const K: usize = N_CLASSES;
        let m = &self.model;
        if c.owner != self.id {
            c.reset(self.id);
        }
        if c.recs.len() + n > CACHE_RECORDS || c.slab.len() + (n * ROLES + 2 + 18 * 18) * K > CACHE_FLOATS {
            c.compact();
        }
        c.toks.clear();
        c.ids.clear();
        // the records first, fetching each one's memory and sums while the next are looked up
        for i in 0..n {
            let (f, u, x) = word(i);
            let r = c.record(f, u, x, i == 0, &self.clusters);
            c.ids.push(r);
            c.prefetch(r);
        }
        for &r in &c.ids {
            c.toks.push(c.recs[r as usize].tok.clone());
        }
        let mut toks = std::mem::take(&mut c.toks);
        mark_names(&mut toks, &self.names, &mut c.gkeys, &mut c.found);
        mark_runs(&mut toks);
        mark_memory(&mut toks, mem);
        // the static part of each token's scores
        let bound = [c.bound(m, ROLE_PREV), c.bound(m, ROLE_NEXT)];
        let mut stat = std::mem::take(&mut c.stat);
        stat.clear();
        stat.resize(n * K, 0.0);
        let mut feats = std::mem::take(&mut c.feats2);
        for i in 0..n {
            let own = c.role(m, c.ids[i], ROLE_OWN);
            let prev = if i > 0 { c.role(m, c.ids[i - 1], ROLE_PREV) } else { bound[0] };
            let next = if i + 1 < n { c.role(m, c.ids[i + 1], ROLE_NEXT) } else { bound[1] };
            feats.clear();
            let s = &mut stat[i * K..(i + 1) * K];
            if feats::plain(&toks[i]) {
                let p = c.role(m, c.ids[i], ROLE_PLAIN);
                c.add_all(&[own, prev, next, p], s);
            } else {
                c.add_all(&[own, prev, next], s);
                feats::local_feats(&toks[i], &mut feats);
            }
            feats::context_feats(&toks, i, &mut feats);
            m.score_into(&feats, s);
        }
        let mut y = std::mem::take(&mut c.y);
        let mut back = std::mem::take(&mut c.back);
        let hist = |i: usize, p1: u64, p2: u64, sc: &mut [f32]| {
            let pair = c.pair(m, p1, p2);
            if p1 == 0 {
                let h = c.role(m, c.ids[i], ROLE_HIST_O);
                c.add_all(&[pair, h], sc);
            } else {
                c.add_all(&[pair], sc);
                feats.clear();
                feats::hist_word(&toks[i], p1, &mut feats);
                m.score_into(&feats, sc);
            }
        };
        beam_decode(n, self.beam, &stat, hist, |i| feats::title_only(&toks[i]), None, &mut y, &mut back);
        c.y = y;
        c.back = back;
        c.stat = stat;
        c.feats2 = feats;
        c.toks = toks;
    }

    /// Appends the entities of sentence `s` to `doc.entities` (tags should be set).
    pub fn tag_sentence(&self, doc: &mut Doc, s: usize) {
        let Some(sent) = doc.sentences.get(s).copied() else { return };
        let (a, b) = (sent.token_start.min(doc.tokens.len()), sent.token_end.min(doc.tokens.len()));
        if a >= b {
            return;
        }
        // what the earlier sentences found (the most recent entities, bounded)
        let mut memory = DocMemory::default();
        let earlier = doc.entities.iter().rev().take_while(|e| e.token_end <= a).take(MEMORY_ENTITIES);
        for e in earlier {
            let keys = doc.tokens.get(e.token_start..e.token_end).unwrap_or(&[]).iter().map(|t| names::token_key(doc.article.text.get(t.start..t.end).unwrap_or("")));
            memory.add(keys, e.label);
        }
        let (tokens, text) = (&doc.tokens[a..b], &doc.article.text);
        let word = |i: usize| {
            let t = &tokens[i];
            (text.get(t.start..t.end).unwrap_or(""), &*t.upos, &*t.xpos)
        };
        let (y, _) = self.label(b - a, word, |k| memory.get(k));
        let mut spans = spans_of(&y);
        institutions(&mut spans, b - a, |i| word(i).0);
        // a wire dateline names a place ("OAK BROOK, Ill., March 3 -", "LONDON (Reuters) -"):
        // its words before the first comma or parenthesis are one
        if let Some(k) = crate::news_dateline::dateline_end(text, tokens.len(), |i| (tokens[i].start, tokens[i].end)) {
            let place = tokens[..k].iter().position(|t| matches!(text.get(t.start..t.end), Some("," | "("))).unwrap_or(k);
            if place > 0 {
                spans.retain(|&(s, _, _)| s >= place);
                spans.insert(0, (0, place, EntityLabel::LOC));
            }
        }
        for (s, e, label) in spans {
            let (ts, te) = (a + s, a + e);
            doc.entities.push(Entity { start: doc.tokens[ts].start, end: doc.tokens[te - 1].end, token_start: ts, token_end: te, label });
        }
    }

    /// Trains a model. `progress(epoch, training token accuracy, model so far)` runs after each
    /// epoch (the model given is averaged up to that point, for scoring a dev set).
    pub fn train(data: &[NerExample], clusters: WordClusters, names: NameSet, opts: &NerTrainOptions, mut progress: impl FnMut(usize, f64)) -> Ner {
        let mut order: Vec<usize> = (0..data.len()).collect();
        // per sentence: its tokens, gold classes, and the gold path decoding can take
        let prepared: Vec<(Vec<NerTok>, Vec<usize>, Vec<usize>)> = data
            .iter()
            .map(|ex| {
                let mut toks: Vec<NerTok> = ex
                    .forms
                    .iter()
                    .enumerate()
                    .map(|(i, f)| NerTok::new(f, ex.upos.get(i).map_or("", |s| s.as_str()), ex.xpos.get(i).map_or("", |s| s.as_str()), i == 0, &clusters))
                    .collect();
                mark_names(&mut toks, &names, &mut Vec::new(), &mut Vec::new());
                mark_runs(&mut toks);
                let gold = gold_classes(ex.forms.len(), &ex.spans);
                let gp = gold_path(&toks, &gold);
                (toks, gold, gp)
            })
            .collect();
        // each sentence's latest spans (gold before it is first decoded), for the memory of
        // the later sentences of its document
        let last: Vec<Vec<(usize, usize, EntityLabel)>> = data.iter().map(|ex| ex.spans.clone()).collect();
        let mut doc_start = vec![0usize; data.len()];
        for k in 1..data.len() {
            doc_start[k] = if data[k].doc == data[k - 1].doc { doc_start[k - 1] } else { k };
        }
        let mut prepared = prepared;
        let mut memory = DocMemory::default();
        let (mut sf, mut y, mut f) = (Vec::new(), Vec::new(), Vec::new());
        let n_models = opts.models.max(1);
        let mut sum: Vec<f32> = if n_models > 1 { vec![0.0; N_CLASSES << opts.bits] } else { Vec::new() };
        let mut single = None;
        for m in 0..n_models {
            let mut last = last.clone();
            let mut trainer = Trainer::new(N_CLASSES, opts.bits);
            let mut rng = crate::parser::Rng::new(opts.seed.wrapping_add((m as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)));
            for epoch in 0..opts.epochs {
                rng.shuffle(&mut order);
                let (mut ok, mut total) = (0usize, 0usize);
                for &k in &order {
                    memory.clear();
                    let from = if opts.doc_memory { doc_start[k].max(k.saturating_sub(200)) } else { k };
                    for j in from..k {
                        memory.add_spans(&prepared[j].0, &last[j]);
                    }
                    mark_memory(&mut prepared[k].0, |key| memory.get(key));
                    let (toks, gold, gp) = &prepared[k];
                    // decode with the current weights; where the best path beats the gold
                    // one by the most, move the weights from the former to the latter
                    let viol = decode_slow(trainer.model(), toks, opts.beam, Some(gp), &mut sf, &mut y);
                    for _ in 0..toks.len() {
                        trainer.tick();
                    }
                    if let Some((i, z)) = viol {
                        let prev = |v: &[usize], j: usize, d: usize| if j >= d { v[j - d] as u64 } else { 99 };
                        for j in 0..=i {
                            let (z1, z2, g1, g2) = (prev(&z, j, 1), prev(&z, j, 2), prev(gp, j, 1), prev(gp, j, 2));
                            if (z[j], z1, z2) == (gp[j], g1, g2) {
                                continue;
                            }
                            for (c, p1, p2, delta) in [(gp[j], g1, g2, 1.0), (z[j], z1, z2, -1.0)] {
                                f.clear();
                                f.extend_from_slice(&sf[j]);
                                feats::history(&toks[j], p1, p2, &mut f);
                                trainer.update(&f, c, delta);
                            }
                        }
                    }
                    last[k] = spans_of(&y);
                    total += y.len();
                    ok += y.iter().zip(gold).filter(|(a, b)| a == b).count();
                }
                progress(m * opts.epochs + epoch + 1, 100.0 * ok as f64 / total.max(1) as f64);
            }
            let p = SparsePerceptron::from_dense(&trainer.finish(), 0.0);
            if n_models == 1 {
                single = Some(p);
                continue;
            }
            for r in 0..(1usize << opts.bits) {
                for (c, w) in p.row(r) {
                    sum[r * N_CLASSES + c] += w;
                }
            }
        }
        let model = match single {
            Some(p) if opts.min_abs > 0.0 => p.pruned(opts.min_abs),
            Some(p) => p,
            None => {
                let k = n_models as f32;
                let rows = (0..(1usize << opts.bits)).map(|r| sum[r * N_CLASSES..(r + 1) * N_CLASSES].iter().map(move |&w| w / k).enumerate().filter(|e| e.1 != 0.0).collect::<Vec<_>>().into_iter());
                SparsePerceptron::from_rows(N_CLASSES, opts.bits, rows, opts.min_abs)
            }
        };
        Ner::new(model, clusters, names, opts.beam)
    }
}

/// Source of the ids that tie a thread's [`FastCache`] to one model.
static NEXT_NER_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
/// Longest sentence tagged through the cache (longer ones are summed token by token, which
/// keeps the cache bounded).
const FAST_MAX_TOKENS: usize = 2048;
/// Most words the cache holds before it keeps only the most used ones.
const CACHE_RECORDS: usize = 16_384;
/// Most floats of sums the cache holds (4 MB) before it keeps only the most used words'.
const CACHE_FLOATS: usize = 1 << 20;
/// No sum (yet).
const NO: u32 = u32::MAX;

thread_local! {
    static FAST: std::cell::RefCell<FastCache> = std::cell::RefCell::new(FastCache::default());
}

/// Whether every sum of up to 128 of the model's weights is exact in `f32` whatever the
/// order: all weights are bfloat16, so multiples of the quantum `q` of the smallest one,
/// and 128 times the largest stays below `2^24 q`. Then partial sums can be cached and
/// added in any order without changing a score.
fn sums_exact(m: &SparsePerceptron) -> bool {
    let (mut lo, mut hi) = (f32::INFINITY, 0f32);
    for r in 0..(1usize << m.bits()) {
        for (_, w) in m.row(r) {
            if w != 0.0 {
                lo = lo.min(w.abs());
                hi = hi.max(w.abs());
            }
        }
    }
    if hi == 0.0 {
        return true;
    }
    let exp = ((lo.to_bits() >> 23) & 0xff) as i32 - 127;
    if exp <= -126 {
        return false;
    }
    let q = 2f64.powi(exp - 7);
    hi as f64 * 128.0 < q * 2f64.powi(24)
}


/// 64-bit key of a word (form, tags, whether it starts the sentence): each 8-byte chunk
/// (the last of each string with its length) goes through the SplitMix64 finalizer.
fn word_key(form: &str, upos: &str, xpos: &str, first: bool) -> u64 {
    use crate::perceptron::splitmix;
    let mut h = 0x243f_6a88_85a3_08d3u64;
    for s in [form, upos, xpos] {
        let b = s.as_bytes();
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = splitmix(h ^ u64::from_le_bytes(w));
        }
        let r = chunks.remainder();
        let mut w = [0u8; 8];
        w[..r.len()].copy_from_slice(r);
        h = splitmix(h ^ u64::from_le_bytes(w) ^ (b.len() as u64) << 56);
    }
    splitmix(h ^ first as u64)
}

/// A word in the cache: its [`NerTok`] (no names, runs or memory marked) and where the
/// sums of its roles' rows are in the slab.
struct WordRec {
    tok: NerTok,
    roles: [u32; ROLES],
    uses: u32,
    key: u64,
}

/// Per-thread cache and buffers of [`Ner::label_fast`]. Sums are exact ([`sums_exact`]), so
/// scores do not depend on what is cached. Bounded: when full, the most used words are kept.
#[derive(Default)]
struct FastCache {
    owner: u64,
    index: crate::perceptron::MixedMap<u32>,
    recs: Vec<WordRec>,
    slab: Vec<f32>,
    /// Per pair of previous labels (17 classes and the start, 18 × 18): the sum of
    /// [`feats::hist_pair`].
    pairs: Vec<u32>,
    /// The sentence boundary as the previous and as the next word.
    bounds: [u32; 2],
    feats: Vec<u64>,
    feats2: Vec<u64>,
    toks: Vec<NerTok>,
    ids: Vec<u32>,
    stat: Vec<f32>,
    gkeys: Vec<u64>,
    found: Vec<Match>,
    y: Vec<usize>,
    /// Back-pointers of the beam ([`beam_decode`]).
    back: Vec<(u8, u8)>,
}

impl FastCache {
    fn reset(&mut self, owner: u64) {
        self.owner = owner;
        self.index.clear();
        self.recs.clear();
        self.slab.clear();
        self.pairs.clear();
        self.pairs.resize(18 * 18, NO);
        self.bounds = [NO; 2];
    }

    /// Keeps the most used words (up to half the capacity), each with its sums, in place
    /// (see [`crate::perceptron::pack_blocks`]).
    fn compact(&mut self) {
        const K: usize = N_CLASSES;
        let mut order: Vec<(u32, u64, usize)> = self.recs.iter().enumerate().filter(|r| r.1.uses >= 2).map(|(i, r)| (r.uses, r.key, i)).collect();
        order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        order.truncate(CACHE_RECORDS / 2);
        let mut keep = vec![false; self.recs.len()];
        let mut floats = 0;
        for &(_, _, i) in &order {
            if floats + ROLES * K > CACHE_FLOATS / 2 {
                break;
            }
            keep[i] = true;
            floats += self.recs[i].roles.iter().filter(|&&o| o != NO).count() * K;
        }
        let slots = self.recs.iter_mut().zip(&keep).filter(|(_, &k)| k).flat_map(|(r, _)| r.roles.iter_mut()).filter(|o| **o != NO);
        crate::perceptron::pack_blocks(&mut self.slab, K, slots.collect());
        let mut kept = keep.iter();
        self.recs.retain(|_| kept.next() == Some(&true));
        self.index.clear();
        for (i, r) in self.recs.iter_mut().enumerate() {
            r.uses = 0;
            self.index.insert(r.key, i as u32);
        }
        self.pairs.iter_mut().for_each(|o| *o = NO);
        self.bounds = [NO; 2];
    }

    /// The record of a word, made on first sight.
    #[inline]
    fn record(&mut self, form: &str, upos: &str, xpos: &str, first: bool, wc: &WordClusters) -> u32 {
        let key = word_key(form, upos, xpos, first);
        let r = match self.index.get(&key) {
            Some(&r) => r,
            None => {
                let r = self.recs.len() as u32;
                self.recs.push(WordRec { tok: NerTok::new(form, upos, xpos, first, wc), roles: [NO; ROLES], uses: 0, key });
                self.index.insert(key, r);
                r
            }
        };
        let u = &mut self.recs[r as usize].uses;
        *u = u.saturating_add(1);
        r
    }

    /// Starts fetching record `r` and its sums into the cache.
    #[inline]
    fn prefetch(&self, r: u32) {
        let rec = &self.recs[r as usize];
        let p = rec as *const WordRec as *const u8;
        for k in 0..std::mem::size_of::<WordRec>().div_ceil(64) {
            crate::parser::prefetch(p.wrapping_add(64 * k));
        }
        for &o in &rec.roles {
            if o != NO {
                let q = self.slab.as_ptr().wrapping_add(o as usize);
                crate::parser::prefetch(q);
                crate::parser::prefetch(q.wrapping_add(N_CLASSES - 1));
            }
        }
    }

    /// Appends the sum of the rows of `self.feats` to the slab.
    fn sum(&mut self, m: &SparsePerceptron) -> u32 {
        let o = self.slab.len();
        self.slab.resize(o + N_CLASSES, 0.0);
        m.score_into(&self.feats, &mut self.slab[o..]);
        o as u32
    }

    /// The sum of word `r`'s features in `role`.
    #[inline]
    fn role(&mut self, m: &SparsePerceptron, r: u32, role: usize) -> u32 {
        let o = self.recs[r as usize].roles[role];
        if o != NO {
            return o;
        }
        feats::role_feats(Some(&self.recs[r as usize].tok), role, &mut self.feats);
        let o = self.sum(m);
        self.recs[r as usize].roles[role] = o;
        o
    }

    /// The sum of the sentence boundary's features in `role` (previous or next word).
    fn bound(&mut self, m: &SparsePerceptron, role: usize) -> u32 {
        let j = usize::from(role == ROLE_NEXT);
        if self.bounds[j] == NO {
            feats::role_feats(None, role, &mut self.feats);
            self.bounds[j] = self.sum(m);
        }
        self.bounds[j]
    }

    /// The sum of [`feats::hist_pair`] of the previous labels.
    #[inline]
    fn pair(&mut self, m: &SparsePerceptron, p1: u64, p2: u64) -> u32 {
        let slot = |p: u64| if p < 17 { p as usize } else { 17 };
        let k = slot(p1) * 18 + slot(p2);
        if self.pairs[k] == NO {
            self.feats.clear();
            feats::hist_pair(p1, p2, &mut self.feats);
            self.pairs[k] = self.sum(m);
        }
        self.pairs[k]
    }

    /// Adds the sums at `v` (skipping [`NO`]) into `s`.
    #[inline]
    fn add_all(&self, v: &[u32], s: &mut [f32]) {
        for &o in v {
            if o != NO {
                for (x, w) in s.iter_mut().zip(&self.slab[o as usize..o as usize + N_CLASSES]) {
                    *x += w;
                }
            }
        }
    }
}

/// Exact-span scores: per type and micro (true positives, predicted, gold).
#[derive(Clone, Debug, Default)]
pub struct SpanScores {
    /// Per type in [`TYPES`] order: (tp, predicted, gold).
    pub per_type: [(usize, usize, usize); 4],
}

impl SpanScores {
    /// Adds one sentence's gold and predicted spans.
    pub fn add(&mut self, gold: &[(usize, usize, EntityLabel)], pred: &[(usize, usize, EntityLabel)]) {
        for g in gold {
            self.per_type[type_index(g.2)].2 += 1;
        }
        for p in pred {
            let t = type_index(p.2);
            self.per_type[t].1 += 1;
            if gold.contains(p) {
                self.per_type[t].0 += 1;
            }
        }
    }
    /// Micro totals (tp, predicted, gold).
    pub fn micro(&self) -> (usize, usize, usize) {
        self.per_type.iter().fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
    }
}

/// Precision, recall and F1 (percent) of (tp, predicted, gold).
pub fn prf((tp, p, g): (usize, usize, usize)) -> (f64, f64, f64) {
    let pr = if p == 0 { 0.0 } else { 100.0 * tp as f64 / p as f64 };
    let rc = if g == 0 { 0.0 } else { 100.0 * tp as f64 / g as f64 };
    let f = if pr + rc == 0.0 { 0.0 } else { 2.0 * pr * rc / (pr + rc) };
    (pr, rc, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document of whitespace-separated words with the given person names (token ranges).
    fn doc_with_people(text: &str, people: &[(usize, usize)]) -> Doc {
        let mut doc = Doc::new(model::Article { text: text.into(), ..Default::default() });
        let mut at = 0;
        for w in text.split(' ') {
            doc.tokens.push(model::Token { start: at, end: at + w.len(), ..Default::default() });
            at += w.len() + 1;
        }
        for &(s, e) in people {
            doc.entities.push(Entity { start: doc.tokens[s].start, end: doc.tokens[e - 1].end, token_start: s, token_end: e, label: EntityLabel::PER });
        }
        doc
    }

    #[test]
    fn a_one_word_name_after_a_company_noun_is_a_company_throughout_the_document() {
        let labels = |d: &Doc| d.entities.iter().map(|e| e.label).collect::<Vec<_>>();
        // "Zarnex" (4, 9) and "Holt" (11): the oil giant's name, and a person's
        let mut doc = doc_with_people("Shares in oil giant Zarnex fell . Analysts said Zarnex was weak , Holt said . Ann Holt agreed", &[(4, 5), (9, 10), (13, 14), (17, 19)]);
        companies_in_doc(&mut doc);
        assert_eq!(labels(&doc), [EntityLabel::ORG, EntityLabel::ORG, EntityLabel::PER, EntityLabel::PER]);
        // cut short: "company Scott Free" says nothing of "Scott"
        let mut doc = doc_with_people("his company Scott Free bought it . Scott said so", &[(2, 3), (7, 8)]);
        companies_in_doc(&mut doc);
        assert_eq!(labels(&doc), [EntityLabel::PER, EntityLabel::PER]);
        // a person named in full after "group" stays a person
        let mut doc = doc_with_people("the pressure group John Smith leads", &[(3, 5)]);
        companies_in_doc(&mut doc);
        assert_eq!(labels(&doc), [EntityLabel::PER]);
    }

    #[test]
    fn reads_iob2_with_stray_tags() {
        let t = "# sent_id = a-1\n1\tJohn\tB-PER\t-\t-\n2\tSmith\tI-PER\t-\t-\n3\tvisited\tB-O\t-\t-\n4\tNew\tI-LOC\t-\t-\n5\tYork\tI-LOC\t-\t-\n\n";
        let s = read_iob2(t).unwrap();
        assert_eq!(s[0].id, "a-1");
        assert_eq!(s[0].spans, vec![(0, 2, EntityLabel::PER), (3, 5, EntityLabel::LOC)]);
        assert!(read_iob2("1\tx\n").is_err());
    }

    #[test]
    fn documents_of_iob2_sentences() {
        let t = "# newdoc id = d1\n# sent_id = d1-0001\n1\ta\tO\n\n# sent_id = d1-0002\n1\tb\tO\n\n";
        let s = read_iob2(t).unwrap();
        assert_eq!((s[0].doc.as_str(), s[1].doc.as_str()), ("d1", "d1"));
        // without `newdoc`: the sentence id less its number, or one document
        let s = read_iob2("# sent_id = email-123-0004\n1\ta\tO\n\n# sent_id = x\n1\tb\tO\n").unwrap();
        assert_eq!((s[0].doc.as_str(), s[1].doc.as_str()), ("email-123", ""));
    }

    #[test]
    fn document_memory_is_bounded() {
        let mut m = DocMemory::default();
        m.add([names::token_key("Lima")].into_iter(), EntityLabel::LOC);
        assert_eq!(m.get(names::token_key("lima")), 1 << 2);
        assert_eq!(m.get(names::token_key("Paris")), 0);
        for i in 0..(DocMemory::LIMIT as u64 + 10) {
            m.add([i].into_iter(), EntityLabel::PER);
        }
        assert!(m.seen.len() <= DocMemory::LIMIT);
        m.clear();
        assert_eq!(m.get(names::token_key("lima")), 0);
    }

    use crate::perceptron::argmax;

    /// Greedy decoding written out plainly, to check [`beam_decode`] of width 1 against.
    fn greedy(n: usize, stat: &[f32], hist: impl Fn(usize, u64, u64, &mut [f32])) -> Vec<usize> {
        let mut y: Vec<usize> = Vec::new();
        for i in 0..n {
            let mut s = stat[i * N_CLASSES..(i + 1) * N_CLASSES].to_vec();
            let p1 = y.last().map_or(99, |&c| c as u64);
            let p2 = if i > 1 { y[i - 2] as u64 } else { 99 };
            hist(i, p1, p2, &mut s);
            y.push(argmax(&s, |c| allowed(y.last().copied(), c, false)));
        }
        y
    }

    #[test]
    fn beam_of_one_is_greedy_and_a_wider_beam_escapes_a_trap() {
        let mut r = crate::parser::Rng::new(7);
        let mut back = Vec::new();
        let mut y = Vec::new();
        for n in [0, 1, 2, 7, 30] {
            // scores on a coarse grid, so that ties occur and their breaking is checked too
            let stat: Vec<f32> = (0..n * N_CLASSES).map(|_| (r.next() % 7) as f32).collect();
            let hist = |i: usize, p1: u64, p2: u64, s: &mut [f32]| {
                for (c, x) in s.iter_mut().enumerate() {
                    *x += ((i as u64 * 31 + p1 * 7 + p2 * 3 + c as u64) % 5) as f32;
                }
            };
            let one = Beam { width: 1, prune: f32::INFINITY };
            assert_eq!(beam_decode(n, one, &stat, hist, |_| false, None, &mut y, &mut back), None);
            assert_eq!(y, greedy(n, &stat, hist), "n = {n}");
        }
        // a trap: U-PER looks best at the first token, but everything after it scores -5
        let u_per = class(0, 3);
        let mut stat = vec![0f32; 2 * N_CLASSES];
        stat[0] = 1.0;
        stat[u_per] = 1.1;
        let hist = |_: usize, p1: u64, _: u64, s: &mut [f32]| {
            if p1 == u_per as u64 {
                s.iter_mut().for_each(|x| *x -= 5.0);
            }
        };
        let gold = [0, 0];
        let one = Beam { width: 1, prune: f32::INFINITY };
        let viol = beam_decode(2, one, &stat, hist, |_| false, Some(&gold), &mut y, &mut back);
        assert_eq!(y, vec![u_per, 0]);
        // the greedy path beat the gold prefix by the most at the first token
        assert_eq!(viol, Some((0, vec![u_per])));
        let two = Beam { width: 2, prune: f32::INFINITY };
        beam_decode(2, two, &stat, hist, |_| false, Some(&gold), &mut y, &mut back);
        assert_eq!(y, vec![0, 0]);
        // pruned to a margin below the 0.1 between the two first labels, the beam is greedy again
        let pruned = Beam { width: 2, prune: 0.05 };
        beam_decode(2, pruned, &stat, hist, |_| false, None, &mut y, &mut back);
        assert_eq!(y, vec![u_per, 0]);
        // when the gold path wins throughout, there is nothing to learn
        let mut stat2 = vec![0f32; 2 * N_CLASSES];
        stat2[0] = 2.0;
        assert_eq!(beam_decode(2, two, &stat2, hist, |_| false, Some(&[0, 0]), &mut y, &mut back), None);
        assert_eq!(y, vec![0, 0]);
    }

    #[test]
    fn bilou_round_trip_and_constraints() {
        let spans = vec![(0, 1, EntityLabel::ORG), (2, 5, EntityLabel::PER)];
        let y = gold_classes(6, &spans);
        assert_eq!(spans_of(&y), spans);
        assert!(!allowed(None, class(0, 1), false));
        assert!(allowed(Some(class(0, 0)), 0, false));
        assert!(!allowed(Some(class(1, 0)), class(0, 2), false));
        assert!(allowed(Some(class(2, 1)), class(2, 2), false));
        // no entity starts at a title; one already open may go on through it
        assert!(!allowed(None, class(0, 0), true) && !allowed(Some(0), class(2, 3), true));
        assert!(allowed(None, 0, true) && allowed(Some(class(1, 0)), class(1, 1), true));
        // an entity left open is closed before the next one
        assert_eq!(spans_of(&[class(0, 0), class(0, 1), 0, class(1, 0)]), vec![(0, 2, EntityLabel::PER), (3, 4, EntityLabel::ORG)]);
    }

    #[test]
    fn learns_names_and_saves() {
        let mk = |forms: &[&str], spans: Vec<(usize, usize, EntityLabel)>| NerExample {
            forms: forms.iter().map(|s| s.to_string()).collect(),
            upos: vec![String::new(); forms.len()],
            xpos: vec![String::new(); forms.len()],
            spans,
            doc: String::new(),
        };
        let data = vec![
            mk(&["Maria", "Lopez", "visited", "Lima", "."], vec![(0, 2, EntityLabel::PER), (3, 4, EntityLabel::LOC)]),
            mk(&["The", "Acme", "Corp", "hired", "Maria", "Lopez"], vec![(1, 3, EntityLabel::ORG), (4, 6, EntityLabel::PER)]),
            mk(&["rain", "fell", "in", "Lima"], vec![(3, 4, EntityLabel::LOC)]),
        ];
        let names = NameSet::build(vec![(vec!["Lima"], names::bits::LOC_MAJOR), (vec!["Acme", "Corp"], names::bits::ORG)]);
        let ner = Ner::train(&data, WordClusters::default(), names, &NerTrainOptions { epochs: 10, bits: 12, seed: 1, ..Default::default() }, |_, _| {});
        let mut b = Vec::new();
        ner.save(&mut b).unwrap();
        let ner = Ner::from_bytes(&b).unwrap();
        // the name set survives the round trip: the same bytes again
        let mut b2 = Vec::new();
        ner.save(&mut b2).unwrap();
        assert_eq!(b, b2);
        assert!(!ner.names.is_empty());
        assert_eq!(ner.beam(), Beam::default());
        // a version 4 file (no beam fields) still loads, and decodes greedily
        let mut v4 = b[..8].to_vec();
        v4[4..8].copy_from_slice(&4u32.to_le_bytes());
        v4.extend_from_slice(&b[16..]);
        assert_eq!(Ner::from_bytes(&v4).unwrap().beam().width, 1);
        let mut bad = b.clone();
        bad[8..12].copy_from_slice(&0u32.to_le_bytes());
        assert!(Ner::from_bytes(&bad).is_err(), "a beam of width 0 is refused");
        // an averaged ensemble trains and tags too
        let ens = Ner::train(&data, WordClusters::default(), NameSet::default(), &NerTrainOptions { epochs: 10, bits: 12, seed: 1, models: 2, ..Default::default() }, |_, _| {});
        let f: Vec<&str> = data[0].forms.iter().map(|s| s.as_str()).collect();
        assert_eq!(ens.tag(&f, &[], &[]), data[0].spans);
        for ex in &data {
            let f: Vec<&str> = ex.forms.iter().map(|s| s.as_str()).collect();
            assert_eq!(ner.tag(&f, &[], &[]), ex.spans);
        }
        assert!(ner.tag(&[], &[], &[]).is_empty());
        let odd: Vec<String> = (0..500).map(|i| format!("\u{1F600}{i}\u{0007}")).collect();
        let f: Vec<&str> = odd.iter().map(|s| s.as_str()).collect();
        let _ = ner.tag(&f, &[], &[]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        /// Whatever the words and the model's spans, the spans stay sorted, disjoint and
        /// inside the sentence, and each is kept, relabelled, or inside a new ORG name.
        #[test]
        fn institution_names_keep_spans_sorted_and_disjoint(words in proptest::collection::vec(0usize..8, 0..60), cuts in proptest::collection::vec((0usize..60, 1usize..4), 0..12)) {
            let pool = ["The", "Acme", "Ministry", "of", "and", "x", "Bank", "Board"];
            let forms: Vec<&str> = words.iter().map(|&w| pool[w]).collect();
            let n = forms.len();
            let mut spans = Vec::new();
            let mut at = 0;
            for (gap, len) in cuts {
                let s = at + gap % 5;
                if s + len > n {
                    break;
                }
                spans.push((s, s + len, EntityLabel::LOC));
                at = s + len;
            }
            let before = spans.clone();
            institutions(&mut spans, n, |i| forms[i]);
            for w in spans.windows(2) {
                proptest::prop_assert!(w[0].1 <= w[1].0, "{:?}", spans);
            }
            for &(s, e, _) in &spans {
                proptest::prop_assert!(s < e && e <= n);
            }
            for &(s, e, _) in &before {
                proptest::prop_assert!(spans.iter().any(|&(a, b, l)| (a, b) == (s, e) || (a <= s && e <= b && l == EntityLabel::ORG)));
            }
        }
    }

    #[test]
    fn names_ending_in_an_institution_word_are_organisations() {
        let words = ["the", "Defence", "Ministry", "and", "the", "West", "Bank", "and", "Acme", "Corp."];
        let mut spans = vec![(1, 3, EntityLabel::LOC), (5, 7, EntityLabel::LOC), (8, 10, EntityLabel::PER)];
        institutions(&mut spans, words.len(), |i| words[i]);
        assert_eq!(spans, vec![(1, 3, EntityLabel::ORG), (5, 7, EntityLabel::LOC), (8, 10, EntityLabel::ORG)]);
        // a capitalized run the model missed or cut becomes one name
        let words = ["The", "Senate", "Armed", "Services", "Committee", "met", "the", "Bank", "of", "Ireland", "and", "the", "European", "Union", "."];
        let mut spans = vec![(2, 4, EntityLabel::OTH), (9, 10, EntityLabel::LOC), (12, 14, EntityLabel::ORG)];
        institutions(&mut spans, words.len(), |i| words[i]);
        assert_eq!(spans, vec![(1, 5, EntityLabel::ORG), (7, 10, EntityLabel::ORG), (12, 14, EntityLabel::ORG)]);
        // the names inside a run give way to it; lower-case words make no run
        let words = ["Acme", "Widget", "Board", "members", "of", "the", "board", "of", "Acme"];
        let mut spans = vec![(0, 1, EntityLabel::ORG), (8, 9, EntityLabel::ORG)];
        institutions(&mut spans, words.len(), |i| words[i]);
        assert_eq!(spans, vec![(0, 3, EntityLabel::ORG), (8, 9, EntityLabel::ORG)]);
        let words = ["the", "European", "Central", "Bank", "and", "the", "South", "Bank"];
        let mut spans = vec![(1, 2, EntityLabel::OTH), (3, 4, EntityLabel::ORG), (6, 8, EntityLabel::LOC)];
        institutions(&mut spans, words.len(), |i| words[i]);
        assert_eq!(spans, vec![(1, 4, EntityLabel::ORG), (6, 8, EntityLabel::LOC)]);
        // a name that crosses the run's edge keeps it from becoming one
        let words = ["de", "Acme", "Board", "said"];
        let mut spans = vec![(0, 2, EntityLabel::PER)];
        institutions(&mut spans, words.len(), |i| words[i]);
        assert_eq!(spans, vec![(0, 2, EntityLabel::PER)]);
        // nothing past the sentence's `n` words is read
        let words = ["Acme", "Widget", "Board"];
        let mut spans = vec![(0, 2, EntityLabel::PER)];
        institutions(&mut spans, 2, |i| words[i]);
        assert_eq!(spans, vec![(0, 2, EntityLabel::PER)]);
        // in a sentence tagged by the built-in model
        let Ok(ner) = Ner::load_default() else { return };
        let Some(ner) = ner else { return };
        let f = ["Russia", "'s", "Interior", "Ministry", "said", "on", "Monday", "."];
        let t = ["PROPN", "PART", "PROPN", "PROPN", "VERB", "ADP", "PROPN", "PUNCT"];
        let x = ["NNP", "POS", "NNP", "NNP", "VBD", "IN", "NNP", "."];
        let got = ner.tag(&f, &t, &x);
        assert!(got.contains(&(2, 4, EntityLabel::ORG)), "{got:?}");
    }

    #[test]
    fn built_in_model_finds_entities_and_survives_odd_text() {
        let ner = Ner::load_default().expect("built-in model loads").expect("a model is built in");
        let words: Vec<String> = "Foreign Minister Sergei Lavrov met President Bashar al-Assad in Damascus on Monday .".split(' ').map(String::from).collect();
        let mut doc = crate::parser::tests::one_sentence_doc(&words);
        let tags = ["PROPN", "PROPN", "PROPN", "PROPN", "VERB", "PROPN", "PROPN", "PROPN", "ADP", "PROPN", "ADP", "PROPN", "PUNCT"];
        for (t, u) in doc.tokens.iter_mut().zip(tags) {
            t.upos = u.into();
        }
        // its weights sum exactly, so the cached path is taken
        assert!(ner.exact);
        ner.tag_sentence(&mut doc, 0);
        let found: Vec<(&str, EntityLabel)> = doc.entities.iter().map(|e| (doc.span_text(e.start, e.end), e.label)).collect();
        assert!(found.contains(&("Damascus", EntityLabel::LOC)), "{found:?}");
        assert!(found.iter().any(|(t, l)| t.contains("Lavrov") && *l == EntityLabel::PER), "{found:?}");
        // titles, with or without their period, are left out of names (news writes "Mr Blair")
        let words: Vec<String> = "But Mr Leigh told Dr. Hewitt and Prime Minister Tony Blair that the plan failed .".split(' ').map(String::from).collect();
        let mut doc = crate::parser::tests::one_sentence_doc(&words);
        let tags = ["CCONJ", "PROPN", "PROPN", "VERB", "PROPN", "PROPN", "CCONJ", "PROPN", "PROPN", "PROPN", "PROPN", "SCONJ", "DET", "NOUN", "VERB", "PUNCT"];
        for (t, u) in doc.tokens.iter_mut().zip(tags) {
            t.upos = u.into();
        }
        ner.tag_sentence(&mut doc, 0);
        let found: Vec<(&str, EntityLabel)> = doc.entities.iter().map(|e| (doc.span_text(e.start, e.end), e.label)).collect();
        for name in ["Hewitt", "Tony Blair"] {
            assert!(found.contains(&(name, EntityLabel::PER)), "{name}: {found:?}");
        }
        assert!(found.iter().all(|(t, _)| !["Mr", "Dr", "Prime"].iter().any(|w| t.starts_with(w))), "{found:?}");
        let odd: Vec<String> = (0..20_000).map(|i| ["\u{1F600}", "\u{0007}", "Москва", "北京", "X", ",", "al-Assad"][i % 7].to_string()).collect();
        let mut doc = crate::parser::tests::one_sentence_doc(&odd);
        ner.tag_sentence(&mut doc, 0);
        assert!(doc.entities.iter().all(|e| e.token_start < e.token_end && e.token_end <= odd.len() && e.start < e.end));
    }
}

#[cfg(test)]
mod fast_check {
    use super::*;

    /// The slow path: each token's rows summed one by one.
    fn slow(ner: &Ner, f: &[&str], u: &[&str], x: &[&str], mem: impl Fn(u64) -> u8) -> Vec<usize> {
        let mut toks: Vec<NerTok> = (0..f.len()).map(|i| NerTok::new(f[i], u[i], x[i], i == 0, &ner.clusters)).collect();
        mark_names(&mut toks, &ner.names, &mut Vec::new(), &mut Vec::new());
        mark_runs(&mut toks);
        mark_memory(&mut toks, mem);
        let mut y = Vec::new();
        decode_slow(&ner.model, &toks, ner.beam, None, &mut Vec::new(), &mut y);
        y
    }

    #[test]
    fn word_keys_differ() {
        let mut seen = std::collections::HashSet::new();
        let letters: Vec<String> = (0u8..128).map(|b| (b as char).to_string()).chain(["ab", "ba", "a\0", "", "PROPN", "NNP"].map(String::from)).collect();
        for a in &letters {
            for t in ["", "PROPN", "NOUN"] {
                for first in [false, true] {
                    assert!(seen.insert(word_key(a, t, "NNP", first)), "{a:?} {t} {first}");
                }
            }
        }
        assert_ne!(word_key("ab", "c", "", false), word_key("a", "bc", "", false));
    }

    #[test]
    fn the_cache_gives_the_same_labels() {
        let ner = Ner::load_default().unwrap().unwrap();
        assert!(ner.exact);
        // many distinct words (the cache compacts), capitalized runs, known names, single
        // letters, the same word at the start and elsewhere, document memory
        let mut rng = crate::parser::Rng::new(7);
        let mut below = |n: usize| (rng.next() % n as u64) as usize;
        let common = ["the", "of", "in", "said", "Minister", "President", "New", "York", "Bank", "L", "M", "s", "\"", ",", ".", "and", "Paris", "Obama", "Ltd", "U.S."];
        let tags = [("PROPN", "NNP"), ("NOUN", "NN"), ("ADP", "IN"), ("VERB", "VBD"), ("PUNCT", ","), ("", "")];
        let mut words: Vec<String> = Vec::new();
        let mut memory = DocMemory::default();
        let mut fast_any = 0;
        for k in 0..3000 {
            let n = 1 + below(40);
            let mut f: Vec<String> = Vec::new();
            for _ in 0..n {
                let w = if below(3) == 0 {
                    let mut w: String = (0..1 + below(9)).map(|_| (b'a' + below(26) as u8) as char).collect();
                    if below(2) == 0 {
                        w = w[..1].to_uppercase() + &w[1..];
                    }
                    w
                } else {
                    common[below(common.len())].to_string()
                };
                f.push(w);
            }
            words.extend(f.iter().cloned());
            let f: Vec<&str> = f.iter().map(|s| s.as_str()).collect();
            let t: Vec<(&str, &str)> = (0..n).map(|_| tags[below(tags.len())]).collect();
            let u: Vec<&str> = t.iter().map(|x| x.0).collect();
            let x: Vec<&str> = t.iter().map(|x| x.1).collect();
            if k % 20 == 0 {
                memory.clear();
            }
            let want = slow(&ner, &f, &u, &x, |key| memory.get(key));
            let word = |i: usize| (f[i], u[i], x[i]);
            let (got, keys) = ner.label(n, word, |key| memory.get(key));
            assert_eq!(got, want, "{f:?}");
            fast_any += got.iter().filter(|&&c| c != 0).count();
            for (s, e, l) in spans_of(&got) {
                memory.add(keys[s..e].iter().copied(), l);
            }
        }
        assert!(fast_any > 100);
        assert!(words.len() > CACHE_RECORDS, "the cache was compacted");
    }
}
