//! The matcher: finds predicates, matches their patterns, finds source and target actors
//! on the dependency parse (or, without one, on the surface), and builds events.

use crate::cameo::Cameo;
use crate::dict::{Block, CodePair, Elem, Pattern, Predicate, VerbDict};
use crate::petr::{Discards, Issues};
use model::{Doc, Event, EventActor, Modality, Span};

/// Collects `explain` lines when tracing.
pub(crate) struct Trace<'t>(pub Option<&'t mut Vec<String>>);

impl Trace<'_> {
    fn on(&self) -> bool {
        self.0.is_some()
    }
    fn push(&mut self, s: String) {
        if let Some(v) = self.0.as_mut() {
            v.push(s);
        }
    }
}

macro_rules! tr {
    ($t:expr, $($arg:tt)*) => { if $t.on() { $t.push(format!($($arg)*)); } };
}

/// Everything about one sentence the matcher needs, in sentence-local token indices.
struct Ctx<'a> {
    doc: &'a Doc,
    t0: usize,
    n: usize,
    up: Vec<String>,
    lem: Vec<String>,
    head: Vec<i32>,
    rel: Vec<&'a str>,
    parsed: bool,
    tagged: bool,
    kids: Vec<Vec<usize>>,
    /// Outermost doc.actors index covering each token.
    ment: Vec<Option<usize>>,
    /// doc.actors indices in the sentence (outermost), in order.
    mentions: Vec<usize>,
}

const SUBORD: &[&str] = &["AFTER", "BEFORE", "WHEN", "WHILE", "BECAUSE", "ALTHOUGH", "THOUGH", "WHEREAS", "UNLESS", "WHICH", "WHO", "WHOM", "WHOSE", "UNTIL", "SINCE", "IF"];
const PREPS: &[&str] = &["IN", "ON", "AT", "WITH", "TO", "FOR", "FROM", "BY", "AGAINST", "OVER", "ABOUT", "INTO", "ONTO", "TOWARD", "TOWARDS", "UNDER", "BETWEEN", "AMONG", "DURING", "DESPITE", "NEAR", "UPON", "THROUGH", "ACROSS", "AFTER", "BEFORE", "SINCE", "UNTIL"];
const TARGET_PREPS: &[&str] = &["WITH", "TO", "AGAINST", "ON", "AT", "FOR", "INTO", "TOWARD", "TOWARDS", "OVER", "UPON", "IN", "BETWEEN", "FROM", "ABOUT", "OF", "NEAR", "ONTO"];
const PRONOUNS: &[&str] = &["HE", "SHE", "IT", "THEY", "WE", "HIS", "HER", "ITS", "THEIR", "OUR"];
const PLANNED: &[&str] = &["WILL", "SHALL", "'LL", "WO", "WOULD", "PLAN", "PLANS", "PLANNED", "PLANNING", "DUE", "INTEND", "INTENDS", "INTENDED", "SCHEDULED", "EXPECTED", "SET", "ABOUT", "GOING", "PREPARING", "PREPARES", "AIMS", "AIM"];
const POSSIBLE: &[&str] = &["COULD", "MAY", "MIGHT", "CAN", "CA", "SHOULD", "MUST", "HOPE", "HOPES", "HOPED", "WANT", "WANTS", "WANTED", "SEEK", "SEEKS", "SOUGHT", "TRY", "TRIES", "TRIED", "IF"];
const NEGATIONS: &[&str] = &["NOT", "N'T", "NEVER", "NO"];
const BE: &[&str] = &["IS", "ARE", "WAS", "WERE", "BE", "BEEN", "BEING", "GET", "GOT", "GETS", "'S"];

impl<'a> Ctx<'a> {
    fn new(doc: &'a Doc, si: usize, sorted: bool) -> Ctx<'a> {
        let s = doc.sentences[si];
        let t0 = s.token_start.min(doc.tokens.len());
        let t1 = s.token_end.min(doc.tokens.len()).max(t0);
        let n = t1 - t0;
        let toks = &doc.tokens[t0..t1];
        let upper = |s: &str| if s.is_ascii() { s.to_ascii_uppercase() } else { s.to_uppercase() };
        let up: Vec<String> = (t0..t1).map(|i| upper(doc.token_text(i))).collect();
        let lem: Vec<String> = toks.iter().map(|t| upper(&t.lemma)).collect();
        let head: Vec<i32> = toks
            .iter()
            .map(|t| {
                let h = t.head as i64 - t0 as i64;
                if t.head >= 0 && h >= 0 && (h as usize) < n {
                    h as i32
                } else {
                    -1
                }
            })
            .collect();
        let rel: Vec<&str> = toks.iter().map(|t| t.deprel.as_str()).collect();
        let parsed = n > 0 && toks.iter().any(|t| !t.deprel.is_empty()) && toks.iter().filter(|t| t.head >= 0).count() + 1 >= n;
        let tagged = toks.iter().any(|t| !t.upos.is_empty() || !t.xpos.is_empty());
        let mut kids = vec![Vec::new(); n];
        if parsed {
            for (i, &h) in head.iter().enumerate() {
                if h >= 0 && h as usize != i {
                    kids[h as usize].push(i);
                }
            }
        }
        // outermost mentions inside the sentence
        let from = if sorted { doc.actors.partition_point(|a| a.token_start < t0) } else { 0 };
        let mut ms: Vec<usize> = doc.actors[from..]
            .iter()
            .enumerate()
            .take_while(|(_, a)| !sorted || a.token_start < t1)
            .map(|(k, a)| (k + from, a))
            .filter(|(_, a)| a.token_start >= t0 && a.token_end <= t1 && a.token_end > a.token_start)
            .map(|(k, _)| k)
            .collect();
        ms.sort_by_key(|&k| (doc.actors[k].token_start, usize::MAX - doc.actors[k].token_end));
        let mut ment = vec![None; n];
        let mut mentions = Vec::new();
        for k in ms {
            let a = &doc.actors[k];
            if (a.token_start..a.token_end).any(|i| ment[i - t0].is_some()) {
                continue;
            }
            for i in a.token_start..a.token_end {
                ment[i - t0] = Some(k);
            }
            mentions.push(k);
        }
        Ctx { doc, t0, n, up, lem, head, rel, parsed, tagged, kids, ment, mentions }
    }

    fn tok(&self, i: usize) -> &model::Token {
        &self.doc.tokens[self.t0 + i]
    }
    fn is_verb(&self, i: usize) -> bool {
        let t = self.tok(i);
        t.upos == "VERB" || t.upos == "AUX" || t.xpos.starts_with("VB")
    }
    fn is_noun(&self, i: usize) -> bool {
        let t = self.tok(i);
        t.upos == "NOUN" || t.upos == "PROPN" || t.xpos.starts_with("NN")
    }
    fn is_punct(&self, i: usize) -> bool {
        self.up[i].chars().all(|c| !c.is_alphanumeric())
    }
    fn base_rel(&self, i: usize) -> &str {
        self.rel[i].split(':').next().unwrap_or("")
    }
    fn mention_range(&self, k: usize) -> (usize, usize) {
        let a = &self.doc.actors[k];
        (a.token_start - self.t0, a.token_end - self.t0)
    }
    /// The token of a mention whose head lies outside it (its syntactic head).
    fn mention_head(&self, k: usize) -> usize {
        let (s, e) = self.mention_range(k);
        if self.parsed {
            for i in s..e {
                let h = self.head[i];
                if h < 0 || (h as usize) < s || (h as usize) >= e {
                    return i;
                }
            }
        }
        e - 1
    }
    fn subtree(&self, root: usize, skip: &dyn Fn(usize) -> bool, out: &mut Vec<usize>) {
        let mut stack = vec![root];
        let mut guard = 0;
        while let Some(x) = stack.pop() {
            guard += 1;
            if guard > 4 * self.n + 8 {
                break;
            }
            out.push(x);
            for &c in &self.kids[x] {
                if !skip(c) {
                    stack.push(c);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
    }
    /// Actors of the noun phrase headed by `n`: the first mention in it, and the mentions
    /// coordinated with it.
    fn nominal_actors(&self, n: usize) -> Vec<usize> {
        if let Some(k) = self.ment[n] {
            return self.with_conjuncts(k, n);
        }
        let mut region = Vec::new();
        self.subtree(n, &|c| matches!(self.base_rel(c), "acl" | "relcl" | "ccomp" | "advcl" | "parataxis" | "punct" | "appos" | "list" | "dep"), &mut region);
        let first = region.iter().find_map(|&i| self.ment[i]);
        match first {
            Some(k) => self.with_conjuncts(k, n),
            None => Vec::new(),
        }
    }
    /// `k` plus mentions conjoined with it (or with the phrase head `n`).
    fn with_conjuncts(&self, k: usize, n: usize) -> Vec<usize> {
        let mut out = vec![k];
        if !self.parsed {
            return out;
        }
        let (ms, me) = self.mention_range(k);
        let mut frontier: Vec<usize> = (ms..me).chain(std::iter::once(n)).collect();
        let mut seen = 0;
        while let Some(h) = frontier.pop() {
            seen += 1;
            if seen > 256 {
                break;
            }
            for &c in &self.kids[h] {
                if self.base_rel(c) == "conj" {
                    if let Some(m) = self.ment[c] {
                        if !out.contains(&m) {
                            out.push(m);
                            frontier.push(c);
                        }
                    } else {
                        // "officials of A and B": look inside the conjunct
                        let inner = self.nominal_actors_noconj(c);
                        for m in inner {
                            if !out.contains(&m) {
                                out.push(m);
                            }
                        }
                        frontier.push(c);
                    }
                }
            }
        }
        out.sort_by_key(|&m| self.doc.actors[m].token_start);
        out
    }
    fn nominal_actors_noconj(&self, n: usize) -> Vec<usize> {
        let mut region = Vec::new();
        self.subtree(n, &|c| matches!(self.base_rel(c), "acl" | "relcl" | "ccomp" | "advcl" | "parataxis" | "punct" | "appos" | "conj"), &mut region);
        region.iter().find_map(|&i| self.ment[i]).into_iter().collect()
    }
    fn kids_with(&self, v: usize, rels: &[&str]) -> Vec<usize> {
        self.kids[v].iter().copied().filter(|&c| rels.contains(&self.rel[c]) || rels.contains(&self.base_rel(c))).collect()
    }
    fn case_of(&self, n: usize) -> Option<&str> {
        self.kids[n].iter().find(|&&c| matches!(self.base_rel(c), "case" | "mark")).map(|&c| self.up[c].as_str())
    }
    fn is_passive(&self, v: usize) -> bool {
        self.kids[v].iter().any(|&c| matches!(self.rel[c], "nsubj:pass" | "nsubjpass" | "aux:pass" | "auxpass" | "csubj:pass"))
    }
    fn by_agent(&self, v: usize) -> Vec<usize> {
        for &c in &self.kids[v] {
            let r = self.rel[c];
            if r == "obl:agent" || r == "nmod:agent" || (matches!(self.base_rel(c), "obl" | "nmod") && self.case_of(c) == Some("BY")) {
                let a = self.nominal_actors(c);
                if !a.is_empty() {
                    return a;
                }
            }
        }
        Vec::new()
    }
    /// Subject actors of verb `v`, following control, coordination and relative clauses.
    fn subject(&self, v: usize, depth: u32) -> Vec<usize> {
        if depth > 5 {
            return Vec::new();
        }
        if let Some(&c) = self.kids_with(v, &["nsubj", "csubj", "nsubj:pass", "nsubjpass", "expl"]).first() {
            let mut a = self.nominal_actors(c);
            if a.is_empty() && self.base_rel(c) == "nsubj" && ["WHO", "WHICH", "THAT"].contains(&self.up[c].as_str()) {
                if let Some(h) = self.headof(v) {
                    a = self.nominal_actors(h);
                }
            }
            if a.is_empty() && PRONOUNS.contains(&self.up[c].as_str()) {
                a = self.resolve_pronoun(v, c, depth);
            }
            return a;
        }
        let Some(h) = self.headof(v) else { return Vec::new() };
        match self.base_rel(v) {
            "xcomp" => {
                // object control ("urged Bree to help") else subject control
                if let Some(o) = self.kids_with(h, &["obj", "dobj", "iobj"]).first() {
                    let a = self.nominal_actors(*o);
                    if !a.is_empty() {
                        return a;
                    }
                }
                self.subject(h, depth + 1)
            }
            "conj" => {
                // a verb conjoined to a noun is a misattachment: use the clause's verb
                let mut g = h;
                for _ in 0..6 {
                    if self.is_verb(g) || self.headof(g).is_none() {
                        break;
                    }
                    g = self.headof(g).unwrap_or(g);
                }
                self.subject(g, depth + 1)
            }
            // participial adjuncts share the subject; "after leaving X" does not code
            "advcl" if self.kids_with(v, &["mark"]).is_empty() => self.subject(h, depth + 1),
            "acl" | "relcl" => self.nominal_actors(h),
            _ => Vec::new(),
        }
    }
    /// An infinitival clause ("to wage war"): marked by "to" and nothing else.
    fn is_to_clause(&self, v: usize) -> bool {
        let marks = self.kids_with(v, &["mark"]);
        !marks.is_empty() && marks.iter().all(|&m| self.up[m] == "TO")
    }
    fn headof(&self, i: usize) -> Option<usize> {
        let h = self.head[i];
        (h >= 0 && h as usize != i).then_some(h as usize)
    }
    /// A pronoun subject: the subject of the clause it is embedded in, else the nearest
    /// actor before it in the sentence.
    fn resolve_pronoun(&self, v: usize, pron: usize, depth: u32) -> Vec<usize> {
        let mut x = v;
        for _ in 0..4 {
            let Some(h) = self.headof(x) else { break };
            if matches!(self.base_rel(x), "ccomp" | "advcl" | "xcomp" | "conj" | "parataxis") {
                let a = self.subject(h, depth + 1);
                if !a.is_empty() {
                    return a;
                }
            }
            x = h;
        }
        let _ = pron;
        Vec::new()
    }
}

/// A predicate found in the sentence.
struct Cand<'d> {
    i: usize,
    start: usize,
    end: usize,
    pred: &'d Predicate,
}

/// The result of matching a pattern.
#[derive(Default, Clone)]
struct Match {
    source: Option<usize>,
    target: Option<usize>,
    /// token of the PP whose object is the target (pattern `(WITH)`)
    prep_targets: Vec<usize>,
    compound: bool,
    consumed: Vec<usize>,
}

fn seq_at(ctx: &Ctx, win: &[usize], j: usize, seq: &[String]) -> bool {
    if j + seq.len() > win.len() {
        return false;
    }
    seq.iter().enumerate().all(|(k, w)| {
        let t = win[j + k];
        (k == 0 || t == win[j] + k) && (ctx.up[t] == *w || ctx.lem[t] == *w)
    })
}

fn alts_at(ctx: &Ctx, win: &[usize], j: usize, alts: &[Vec<String>]) -> Option<usize> {
    alts.iter().filter(|s| seq_at(ctx, win, j, s)).map(|s| s.len()).max()
}

/// Where a prepositional phrase starting after window position `j` ends.
fn pp_end(ctx: &Ctx, win: &[usize], j: usize) -> usize {
    let mut k = j + 1;
    while k < win.len() {
        let t = win[k];
        if (k > j + 1 && win[k] != win[k - 1] + 1) || (ctx.is_punct(t) && ctx.up[t] != "-" && ctx.up[t] != "'S") {
            break;
        }
        if PREPS.contains(&ctx.up[t].as_str()) || SUBORD.contains(&ctx.up[t].as_str()) {
            break;
        }
        k += 1;
    }
    k
}

/// Matches `elems` in order over `win[pos..lim]`. On failure returns the element index.
fn match_elems(ctx: &Ctx, elems: &[Elem], win: &[usize], mut pos: usize, lim: usize, m: &mut Match, is_target_side: bool) -> Result<usize, usize> {
    for (ei, e) in elems.iter().enumerate() {
        match e {
            Elem::Words(alts) => {
                let found = (pos..lim).find_map(|j| alts_at(ctx, &win[..lim], j, alts).map(|l| (j, l)));
                let Some((j, l)) = found else { return Err(ei) };
                m.consumed.extend_from_slice(&win[j..j + l]);
                pos = j + l;
            }
            Elem::Np(items) => {
                let Some(head) = items.last() else { continue };
                let mods = &items[..items.len() - 1];
                let mut ok = None;
                'heads: for j in pos..lim {
                    let Some(l) = alts_at(ctx, &win[..lim], j, head) else { continue };
                    // the last modifier right before the head, earlier ones in order before it
                    let mut end = j;
                    let mut used = vec![];
                    for (mi, md) in mods.iter().enumerate().rev() {
                        let last = mi + 1 == mods.len();
                        let mut found = None;
                        let lo = if last { end.saturating_sub(4) } else { pos };
                        for s in (lo.max(pos)..end).rev() {
                            if let Some(ml) = alts_at(ctx, &win[..end], s, md) {
                                if s + ml == end || !last {
                                    found = Some((s, ml));
                                    break;
                                }
                            }
                            if !last && (ctx.is_punct(win[s]) || PREPS.contains(&ctx.up[win[s]].as_str())) {
                                break;
                            }
                        }
                        let Some((s, ml)) = found else { continue 'heads };
                        used.extend_from_slice(&win[s..s + ml]);
                        end = s;
                    }
                    used.extend_from_slice(&win[j..j + l]);
                    ok = Some((j + l, used));
                    break;
                }
                let Some((np, used)) = ok else { return Err(ei) };
                m.consumed.extend(used);
                pos = np;
            }
            Elem::Prep(p, inner) => {
                let mut done = None;
                for j in pos..lim {
                    let Some(l) = alts_at(ctx, &win[..lim], j, p) else { continue };
                    let end = pp_end(ctx, win, j + l - 1).min(lim);
                    let mut mm = m.clone();
                    if let Ok(after) = match_elems(ctx, inner, win, j + l, end, &mut mm, is_target_side) {
                        mm.consumed.extend_from_slice(&win[j..j + l]);
                        if !inner.iter().any(|e| matches!(e, Elem::Target | Elem::Source)) {
                            mm.prep_targets.push(j + l);
                        }
                        done = Some((mm, after.max(j + l)));
                        break;
                    }
                }
                let Some((mm, np)) = done else { return Err(ei) };
                *m = mm;
                pos = np;
            }
            Elem::Source | Elem::Target => {
                let found = (pos..lim.min(pos + 5)).find_map(|j| ctx.ment[win[j]].map(|k| (j, k)));
                let Some((j, k)) = found else { return Err(ei) };
                let (_, me) = ctx.mention_range(k);
                if matches!(e, Elem::Source) {
                    m.source = Some(k);
                } else {
                    m.target = Some(k);
                }
                pos = win[j..].iter().position(|&t| t >= me).map(|x| j + x).unwrap_or(win.len()).min(lim.max(j + 1));
            }
            Elem::Skip => {
                // skip the next phrase: an actor mention, else up to the phrase's end
                if pos < lim {
                    pos = match ctx.ment[win[pos]].or_else(|| win.get(pos + 1).and_then(|&t| ctx.ment[t])) {
                        Some(k) => {
                            let me = ctx.mention_range(k).1;
                            win[pos..lim].iter().position(|&t| t >= me).map(|x| pos + x).unwrap_or(lim)
                        }
                        None => pp_end(ctx, win, pos).min(lim).max(pos + 1),
                    };
                }
            }
            Elem::Compound => m.compound = true,
        }
    }
    let _ = is_target_side;
    Ok(pos)
}

/// The coder proper.
pub(crate) struct Engine<'d> {
    pub dict: &'d VerbDict,
    pub discards: Option<&'d Discards>,
    #[allow(dead_code)]
    pub issues: Option<&'d Issues>,
    /// `doc.actors` is ordered by `token_start` (lets sentences find theirs by bisection).
    pub actors_sorted: bool,
}

struct Found<'d> {
    cand: usize,
    pre: Vec<usize>,
    post: Vec<usize>,
    code: CodePair,
    rule: String,
    m: Match,
    block: &'d Block,
    pattern: Option<&'d Pattern>,
}

impl<'d> Engine<'d> {
    fn candidates(&self, ctx: &Ctx, tr: &mut Trace) -> Vec<Cand<'d>> {
        let mut out: Vec<Cand<'d>> = Vec::new();
        for i in 0..ctx.n {
            // a modifier inside an actor's name or title is no event ("World Trade
            // Organisation", "asylum seekers", "opposition MPs"); the last word may be
            // ("their opposition", "the opposition from investors")
            if ctx.ment[i].is_some_and(|k| ctx.doc.actors.get(k).is_some_and(|a| ctx.t0 + i + 1 < a.token_end)) {
                continue;
            }
            let mut best: Option<Cand<'d>> = None;
            let keys = [ctx.up[i].as_str(), ctx.lem[i].as_str()];
            for (ki, key) in keys.iter().enumerate() {
                if key.is_empty() || (ki == 1 && (*key == keys[0] || !self.dict.use_lemmas)) {
                    continue;
                }
                for p in self.dict.lookup(key) {
                    if ctx.tagged {
                        if p.noun && !ctx.is_noun(i) {
                            continue;
                        }
                        if !p.noun && !ctx.is_verb(i) && !self.verb_like(ctx, i) {
                            continue;
                        }
                    } else if !p.noun && i > 0 && ["THE", "A", "AN", "ITS", "THEIR", "HIS", "HER", "'S", "OUR"].contains(&ctx.up[i - 1].as_str()) {
                        continue;
                    }
                    // words before
                    if p.before.len() > i || !p.before.iter().enumerate().all(|(k, w)| ctx.up[i - p.before.len() + k] == *w) {
                        continue;
                    }
                    // particles after (up to two words in between)
                    let mut end = i + 1;
                    let mut ok = true;
                    for w in &p.after {
                        match (end..(end + 3).min(ctx.n)).find(|&j| ctx.up[j] == *w || (w.contains('-') && ctx.up[j] == w.replace('-', ""))) {
                            Some(j) => end = j + 1,
                            None => {
                                ok = false;
                                break;
                            }
                        }
                    }
                    if !ok {
                        continue;
                    }
                    let spec = p.before.len() + p.after.len();
                    if best.as_ref().is_none_or(|b| spec > b.pred.before.len() + b.pred.after.len()) {
                        best = Some(Cand { i, start: i - p.before.len(), end, pred: p });
                    }
                }
            }
            if let Some(c) = best {
                tr!(tr, "  predicate '{}' (token {}) -> block {} [{}] ({})", ctx.doc.span_text(ctx.tok(c.start).start, ctx.tok(c.end - 1).end), c.i, self.dict.blocks[c.pred.block as usize].name, self.dict.blocks[c.pred.block as usize].code.display(), c.pred.origin);
                out.push(c);
            }
        }
        out
    }

    /// A verb the tagger missed: a participle tagged as adjective ("broken down"), or a
    /// word right after an actor that is not a determiner's noun ("Ethiopia departs from").
    fn verb_like(&self, ctx: &Ctx, i: usize) -> bool {
        let t = ctx.tok(i);
        let w = ctx.up[i].as_str();
        if t.upos == "ADJ" && (w.ends_with("ED") || w.ends_with("EN")) {
            return true;
        }
        if t.upos == "NOUN" && i >= 2 && ctx.up[i - 1] == "TO" && ["DUE", "PLANS", "PLANNED", "GOING", "SET", "EXPECTED", "SCHEDULED", "WANTS", "AGREED", "DECIDED", "VOWED", "THREATENED", "READY", "PLEDGED", "PROMISED"].contains(&ctx.up[i - 2].as_str()) {
            return true;
        }
        t.upos == "NOUN" && i > 0 && ctx.ment[i - 1].is_some() && ctx.ment[i].is_none() && i + 1 < ctx.n && (PREPS.contains(&ctx.up[i + 1].as_str()) || ["A", "AN", "THE"].contains(&ctx.up[i + 1].as_str()))
    }

    /// The pre- and post-windows of a predicate (sentence-local token indices).
    fn windows(&self, ctx: &Ctx, c: &Cand) -> (Vec<usize>, Vec<usize>) {
        if ctx.parsed {
            let mut sub = Vec::new();
            ctx.subtree(c.i, &|k| matches!(ctx.base_rel(k), "parataxis" | "list" | "discourse" | "vocative") || (ctx.base_rel(k) == "advcl" && !ctx.is_to_clause(k)) || (ctx.base_rel(k) == "conj" && (ctx.is_verb(k) || !ctx.kids_with(k, &["nsubj"]).is_empty())), &mut sub);
            let pre: Vec<usize> = sub.iter().copied().filter(|&k| k < c.start).collect();
            let mut post: Vec<usize> = sub.iter().copied().filter(|&k| k >= c.end).collect();
            // a light verb's or copula's nominal predicate: look past it too
            if post.is_empty() || ctx.tok(c.i).upos == "NOUN" {
                let extra: Vec<usize> = (c.end..ctx.n).take_while(|&k| !ctx.is_punct(k) || ctx.up[k] == "-").collect();
                post.extend(extra);
                post.sort_unstable();
                post.dedup();
            }
            (pre, post)
        } else {
            let mut s = c.start;
            while s > 0 {
                let u = ctx.up[s - 1].as_str();
                if u == ";" || u == ":" || SUBORD.contains(&u) || u == "THAT" {
                    break;
                }
                s -= 1;
            }
            let mut e = c.end;
            while e < ctx.n {
                let u = ctx.up[e].as_str();
                if u == ";" || SUBORD.contains(&u) || (u == "," && e + 2 < ctx.n && (ctx.up[e + 1..(e + 6).min(ctx.n)].iter().any(|w| w == "SAID" || w == "SAYS" || w == "REPORTED"))) {
                    break;
                }
                e += 1;
            }
            ((s..c.start).collect(), (c.end..e).collect())
        }
    }

    fn best_pattern(&self, ctx: &Ctx, block: &'d Block, pre: &[usize], post: &[usize], tr: &mut Trace) -> Option<(&'d Pattern, Match)> {
        let mut best: Option<(&'d Pattern, Match)> = None;
        for p in &block.patterns {
            let mut m = Match::default();
            let r1 = match_elems(ctx, &p.pre, pre, 0, pre.len(), &mut m, false);
            let r2 = r1.and_then(|_| match_elems(ctx, &p.post, post, 0, post.len(), &mut m, true));
            match (r1, r2) {
                (Ok(_), Ok(_)) => {
                    tr!(tr, "    pattern {} '{}' [{}]: matched (weight {})", p.id, p.text, p.code.display(), p.weight);
                    let rank = |p: &Pattern, m: &Match| (p.weight, m.consumed.len(), p.post.iter().chain(&p.pre).any(|e| matches!(e, Elem::Compound)));
                    if best.as_ref().is_none_or(|(b, bm)| rank(p, &m) > rank(b, bm)) {
                        best = Some((p, m));
                    }
                }
                (Err(e), _) => tr!(tr, "    pattern {} '{}': no match before the predicate (element {})", p.id, p.text, e + 1),
                (_, Err(e)) => tr!(tr, "    pattern {} '{}': no match after the predicate (element {} of {})", p.id, p.text, e + 1, p.post.len()),
            }
        }
        best
    }

    /// Codes one sentence.
    pub fn code_sentence(&self, doc: &Doc, si: usize, tr: &mut Trace) -> Vec<Event> {
        // no actor, no event: skip the work (unless explaining)
        if !tr.on() {
            let s = doc.sentences[si];
            let from = if self.actors_sorted { doc.actors.partition_point(|a| a.token_start < s.token_start) } else { 0 };
            let n_actors = doc.actors[from..]
                .iter()
                .take_while(|a| !self.actors_sorted || a.token_start < s.token_end)
                .filter(|a| a.token_start >= s.token_start && a.token_end <= s.token_end && a.token_end > a.token_start)
                .take(2)
                .count();
            if n_actors == 0 || (self.dict.require_dyad && n_actors < 2) {
                return Vec::new();
            }
        }
        let ctx = Ctx::new(doc, si, self.actors_sorted);
        if ctx.n == 0 {
            return Vec::new();
        }
        tr!(tr, "sentence {si}: {}", doc.span_text(doc.sentences[si].start, doc.sentences[si].end));
        if tr.on() {
            let mut s = String::from("  tokens:");
            for i in 0..ctx.n {
                let t = ctx.tok(i);
                s.push_str(&format!(" {}:{}/{}>{}:{}", i, doc.token_text(ctx.t0 + i), t.upos, ctx.head[i], t.deprel));
            }
            tr.push(s);
            tr.push(format!("  parse: {}", if ctx.parsed { "dependency" } else { "none (surface fallback)" }));
            for &m in &ctx.mentions {
                let a = &doc.actors[m];
                tr.push(format!("  actor '{}' -> {} ({})", doc.span_text(a.start, a.end), a.code, a.entry));
            }
        }
        if let Some(d) = self.discards {
            if let Some((_, ph)) = d.check(&ctx.up) {
                tr!(tr, "  discarded: contains '{ph}'");
                return Vec::new();
            }
        }
        let cands = self.candidates(&ctx, tr);
        let mut found: Vec<Found<'d>> = Vec::new();
        for (ci, c) in cands.iter().enumerate() {
            let block = &self.dict.blocks[c.pred.block as usize];
            let (pre, post) = self.windows(&ctx, c);
            let (code, rule, m, pattern) = match self.best_pattern(&ctx, block, &pre, &post, tr) {
                Some((p, m)) => (p.code.clone(), p.id.clone(), m, Some(p)),
                None => {
                    let code = c.pred.code.clone().unwrap_or_else(|| block.code.clone());
                    (code, block.id.clone(), Match::default(), None)
                }
            };
            found.push(Found { cand: ci, pre, post, code, rule, m, block, pattern });
        }
        let acts: Vec<(Vec<usize>, Vec<usize>, bool)> = found.iter().map(|f| self.actors(&ctx, &cands[f.cand], f, &found, &cands)).collect();
        // a predicate yields an event when it has a code and enough actors
        let yields: Vec<bool> = found
            .iter()
            .zip(&acts)
            .map(|(f, (s, t, comp))| !f.code.is_null() && (!s.is_empty() || !t.is_empty()) && (!self.dict.require_dyad || (!s.is_empty() && (!t.is_empty() || (*comp && s.len() > 1)))))
            .collect();
        // suppress predicates consumed by another's pattern or governed by a coded predicate
        let mut suppressed = vec![false; found.len()];
        for b in 0..found.len() {
            if !yields[b] {
                continue;
            }
            let bi = cands[found[b].cand].i;
            let post_b = &found[b].post;
            let report = self.dict.report_embedded && found[b].block.report;
            for a in 0..found.len() {
                let ta = cands[found[a].cand].i;
                if a == b || ta == bi {
                    continue;
                }
                if found[b].m.consumed.contains(&ta) {
                    suppressed[a] = true;
                } else if ctx.parsed {
                    if !post_b.contains(&ta) {
                        continue;
                    }
                    let r = ctx.base_rel(ta);
                    let head_is_b = ctx.headof(ta) == Some(bi);
                    let gov = (r == "xcomp" && head_is_b)
                        || (r == "acl" && ctx.is_to_clause(ta))
                        || (r == "advcl" && ctx.is_to_clause(ta) && head_is_b)
                        || (r == "ccomp" && head_is_b && !report && ta > bi)
                        || (matches!(r, "obj" | "dobj") && head_is_b);
                    if gov {
                        suppressed[a] = true;
                    }
                } else if !ctx.parsed && ta > bi && ta <= cands[found[b].cand].end + 3 && (bi..ta).all(|k| ctx.ment[k].is_none() && !ctx.is_punct(k)) {
                    // "discussed trade", "pulled out of the talks": the object of the predicate
                    suppressed[a] = true;
                }
            }
        }
        let mut events = Vec::new();
        for (fi, f) in found.iter().enumerate() {
            let c = &cands[f.cand];
            if suppressed[fi] {
                tr!(tr, "  '{}': part of another predicate's event; not coded alone", ctx.up[c.i]);
                continue;
            }
            if f.code.is_null() {
                tr!(tr, "  '{}': null code ({}), no event", ctx.up[c.i], f.rule);
                continue;
            }
            let (sources, targets, compound) = acts[fi].clone();
            let names = |v: &[usize]| v.iter().map(|&k| doc.actors[k].code.clone()).collect::<Vec<_>>().join(",");
            tr!(tr, "  '{}' code {} rule {}{}: sources [{}] targets [{}]", ctx.up[c.i], f.code.display(), f.rule, if f.pattern.is_some() { "" } else { " (no pattern matched: default code)" }, names(&sources), names(&targets));
            let (negated, modality) = self.modality(&ctx, c);
            let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
            if compound && targets.is_empty() && sources.len() >= 2 {
                for &a in &sources {
                    for &b in &sources {
                        if a != b {
                            pairs.push((Some(a), Some(b)));
                        }
                    }
                }
            } else {
                let ss: Vec<Option<usize>> = if sources.is_empty() { vec![None] } else { sources.iter().map(|&s| Some(s)).collect() };
                let ts: Vec<Option<usize>> = if targets.is_empty() { vec![None] } else { targets.iter().map(|&t| Some(t)).collect() };
                for s in &ss {
                    for t in &ts {
                        pairs.push((*s, *t));
                    }
                }
            }
            for (s, t) in pairs {
                if s.is_none() && t.is_none() {
                    tr!(tr, "    no actors: no event");
                    continue;
                }
                // consultations need a partner even when single-actor events are allowed
                let consult = f.code.fwd.as_deref().is_some_and(|c| c.starts_with("04") || c.starts_with("01") || c.starts_with("02"));
                if (self.dict.require_dyad || consult) && (s.is_none() || t.is_none()) {
                    tr!(tr, "    source or target missing: no event (dyad required)");
                    continue;
                }
                if s.is_some() && s == t {
                    continue;
                }
                if let (Some(a), Some(b)) = (s, t) {
                    if doc.actors[a].code == doc.actors[b].code {
                        tr!(tr, "    source and target are the same actor {}: no event", doc.actors[a].code);
                        continue;
                    }
                }
                let mk = |code: &str, src: Option<usize>, tgt: Option<usize>| -> Event {
                    let info = Cameo::get().lookup(code);
                    let digits = code.trim_end_matches(|ch: char| ch.is_ascii_alphabetic());
                    let plover = Cameo::get().plover(digits);
                    let sent = doc.sentences[si];
                    Event {
                        sentence: si,
                        evidence: Span::new(sent.start, sent.end),
                        predicate: Span::new(ctx.tok(c.start).start, ctx.tok(c.end - 1).end),
                        source: src.map(|k| EventActor::from(&doc.actors[k])),
                        target: tgt.map(|k| EventActor::from(&doc.actors[k])),
                        code: code.into(),
                        root: info.map(|i| i.root.as_str().into()).unwrap_or_else(|| code.chars().take(2).collect()),
                        quad_class: info.map(|i| i.quad_class).unwrap_or(0),
                        goldstein: info.map(|i| i.goldstein).unwrap_or(0.0),
                        plover: plover.as_ref().map(|p| p.event.as_str().into()),
                        plover_mode: plover.and_then(|p| p.mode).map(Into::into),
                        rule: format!("{}#{}", f.rule, code).into(),
                        negated,
                        modality,
                        ..Default::default()
                    }
                };
                if let Some(code) = &f.code.fwd {
                    events.push(mk(code, s, t));
                }
                if let (Some(code), Some(_), Some(_)) = (&f.code.rev, s, t) {
                    events.push(mk(code, t, s));
                }
            }
        }
        // identical events (same actors, code, predicate) once
        let mut seen = std::collections::HashSet::new();
        events.retain(|e| seen.insert((e.source.as_ref().map(|a| (a.code.clone(), a.start)), e.target.as_ref().map(|a| (a.code.clone(), a.start)), e.code.clone(), e.predicate)));
        for e in &events {
            tr!(tr, "  EVENT {} -> {} {} ({}){}{}", e.source.as_ref().map_or("---", |a| a.code.as_str()), e.target.as_ref().map_or("---", |a| a.code.as_str()), e.code, e.rule, if e.negated { " negated" } else { "" }, if e.modality != Modality::Asserted { format!(" {}", e.modality.as_str()) } else { String::new() });
        }
        events
    }

    /// Source and target actors of a predicate; `true` when the pattern marks compound
    /// actors.
    fn actors(&self, ctx: &Ctx, c: &Cand, f: &Found, found: &[Found], cands: &[Cand]) -> (Vec<usize>, Vec<usize>, bool) {
        let _ = (found, cands);
        let m = &f.m;
        let (pre, post) = (&f.pre, &f.post);
        let mut sources: Vec<usize> = m.source.map(|k| vec![k]).unwrap_or_default();
        let mut targets: Vec<usize> = m.target.map(|k| vec![k]).unwrap_or_default();
        let v = c.i;
        let in_pred = |k: usize| {
            let (s, e) = ctx.mention_range(k);
            (s <= c.i && c.i < e) || m.consumed.iter().any(|&t| ctx.ment[t] == Some(k))
        };
        if ctx.parsed {
            if c.pred.noun {
                if sources.is_empty() {
                    for r in ["nmod:poss", "amod", "compound", "nmod"] {
                        for k in ctx.kids_with(v, &[r]) {
                            if r == "nmod" && ctx.case_of(k) != Some("BY") {
                                continue;
                            }
                            let a = ctx.nominal_actors(k);
                            if !a.is_empty() && sources.is_empty() {
                                sources = a;
                            }
                        }
                    }
                }
                if sources.is_empty() {
                    if let Some(h) = ctx.headof(v) {
                        if matches!(ctx.base_rel(v), "obj" | "dobj" | "nsubj" | "xcomp") && ctx.is_verb(h) {
                            sources = ctx.subject(h, 0);
                        }
                    }
                }
                if sources.is_empty() {
                    // the parse did not attach it: "sanctions by X (against Y)", "X's/X sanctions"
                    let lin: Vec<usize> = (c.end..ctx.n).filter(|&k| !(ctx.is_punct(k) && ctx.up[k] != "," && ctx.up[k] != ";")).take(8).collect();
                    if let Some(p) = lin.iter().take(2).position(|&k| ctx.up[k] == "BY") {
                        if let Some(k) = lin[p + 1..].iter().take(3).find_map(|&t| ctx.ment[t]) {
                            sources = ctx.with_conjuncts(k, ctx.mention_head(k));
                            let after = ctx.mention_range(k).1;
                            if targets.is_empty() {
                                if let Some(t) = (after..(after + 8).min(ctx.n)).take_while(|&t| ctx.up[t] != ";").find_map(|t| ctx.ment[t].filter(|x| !sources.contains(x))) {
                                    targets = vec![t];
                                }
                            }
                        }
                    } else if let Some(k) = (c.start.saturating_sub(2)..c.start).rev().find_map(|t| ctx.ment[t]) {
                        sources = vec![k];
                    }
                }
                if targets.is_empty() {
                    let mut holders = vec![v];
                    if let Some(h) = ctx.headof(v) {
                        if matches!(ctx.base_rel(v), "obj" | "dobj") {
                            holders.push(h);
                        }
                    }
                    'outer: for hld in holders {
                        for k in ctx.kids_with(hld, &["nmod", "obl"]) {
                            let case = ctx.case_of(k).unwrap_or("");
                            if TARGET_PREPS.contains(&case) && case != "BY" {
                                let a: Vec<usize> = ctx.nominal_actors(k).into_iter().filter(|x| !sources.contains(x)).collect();
                                if !a.is_empty() {
                                    targets = a;
                                    break 'outer;
                                }
                            }
                        }
                    }
                }
            } else {
                let passive = ctx.is_passive(v);
                if sources.is_empty() {
                    if passive {
                        sources = ctx.by_agent(v);
                        if targets.is_empty() {
                            targets = ctx.subject(v, 0);
                        }
                    } else {
                        sources = ctx.subject(v, 0);
                    }
                }
                if targets.is_empty() && !m.prep_targets.is_empty() {
                    for &pj in &m.prep_targets {
                        if let Some(k) = post.get(pj..).and_then(|w| w.iter().take(8).find_map(|&t| ctx.ment[t])) {
                            targets = ctx.with_conjuncts(k, ctx.mention_head(k));
                            break;
                        }
                    }
                }
                if targets.is_empty() {
                    for o in ctx.kids_with(v, &["obj", "dobj", "iobj"]) {
                        let a: Vec<usize> = ctx.nominal_actors(o).into_iter().filter(|x| !sources.contains(x) && !in_pred(*x)).collect();
                        if !a.is_empty() {
                            targets = a;
                            break;
                        }
                    }
                }
                if targets.is_empty() {
                    let mut obls: Vec<usize> = ctx.kids_with(v, &["obl", "nmod", "advmod"]);
                    for o in ctx.kids_with(v, &["obj", "dobj"]) {
                        obls.extend(ctx.kids_with(o, &["nmod"]));
                    }
                    obls.sort_unstable();
                    for k in obls {
                        let case = ctx.case_of(k).unwrap_or("");
                        if (passive && case == "BY") || (!TARGET_PREPS.contains(&case) && !case.is_empty()) || ctx.rel[k].contains("tmod") {
                            continue;
                        }
                        let a: Vec<usize> = ctx.nominal_actors(k).into_iter().filter(|x| !sources.contains(x) && !in_pred(*x)).collect();
                        if !a.is_empty() {
                            targets = a;
                            break;
                        }
                    }
                }
                if targets.is_empty() {
                    for k in ctx.kids_with(v, &["ccomp", "xcomp", "advcl"]) {
                        // "X, officials said": a complement before the verb is not its target
                        if (ctx.base_rel(k) == "advcl" && !ctx.is_to_clause(k)) || k < v {
                            continue;
                        }
                        let mut a = ctx.subject(k, 1);
                        if a.is_empty() {
                            for o in ctx.kids_with(k, &["obj", "dobj"]) {
                                a = ctx.nominal_actors(o);
                                if !a.is_empty() {
                                    break;
                                }
                            }
                        }
                        a.retain(|x| !sources.contains(x));
                        if !a.is_empty() {
                            targets = a;
                            break;
                        }
                    }
                }
            }
            if targets.is_empty() {
                // nearest actor after the predicate within its clause
                if let Some(k) = post.iter().find_map(|&t| ctx.ment[t].filter(|k| !sources.contains(k) && !in_pred(*k))) {
                    targets = ctx.with_conjuncts(k, ctx.mention_head(k));
                }
            }
            if sources.is_empty() && !c.pred.noun && !ctx.is_passive(v) {
                // no subject in the parse: nearest actor before the predicate in its clause
                let mut k = pre.iter().rev().find_map(|&t| ctx.ment[t].filter(|k| !targets.contains(k) && !in_pred(*k)));
                if k.is_none() && ctx.kids_with(v, &["nsubj", "csubj", "nsubj:pass", "nsubjpass"]).is_empty() && !matches!(ctx.base_rel(v), "xcomp" | "acl" | "relcl" | "advcl" | "conj") {
                    let mut j = c.start;
                    while j > 0 && k.is_none() {
                        j -= 1;
                        let u = ctx.up[j].as_str();
                        if u == ";" || u == "," || SUBORD.contains(&u) {
                            break;
                        }
                        k = ctx.ment[j].filter(|k| !targets.contains(k));
                    }
                }
                if let Some(k) = k {
                    sources = ctx.with_conjuncts(k, ctx.mention_head(k));
                }
            }
        } else {
            // surface fallback
            let passive = !c.pred.noun && c.start > 0 && {
                let mut j = c.start;
                while j > 0 && (ctx.up[j - 1].ends_with("LY") || NEGATIONS.contains(&ctx.up[j - 1].as_str())) {
                    j -= 1;
                }
                j > 0 && BE.contains(&ctx.up[j - 1].as_str()) && (ctx.up[c.i].ends_with("ED") || ctx.up[c.i].ends_with("EN") || ctx.tok(c.i).xpos == "VBN")
            };
            let left = pre.iter().rev().find_map(|&t| ctx.ment[t].filter(|k| !in_pred(*k)));
            let by = post.iter().position(|&t| ctx.up[t] == "BY").and_then(|p| post[p + 1..].iter().take(4).find_map(|&t| ctx.ment[t]));
            let right = post.iter().find_map(|&t| ctx.ment[t].filter(|k| Some(*k) != by || !passive));
            let coord = |k: usize, leftward: bool| -> Vec<usize> {
                let mut out = vec![k];
                let pos = ctx.mentions.iter().position(|&x| x == k).unwrap_or(0);
                let mut p = pos;
                loop {
                    let next = if leftward { p.checked_sub(1) } else { Some(p + 1).filter(|&x| x < ctx.mentions.len()) };
                    let Some(q) = next else { break };
                    let (a, b) = if leftward { (ctx.mentions[q], ctx.mentions[p]) } else { (ctx.mentions[p], ctx.mentions[q]) };
                    let gap_s = ctx.mention_range(a).1;
                    let gap_e = ctx.mention_range(b).0;
                    if gap_e > gap_s && gap_e - gap_s <= 3 && (gap_s..gap_e).all(|t| matches!(ctx.up[t].as_str(), "," | "AND" | "OR" | "THE" | "NOR")) && (gap_s..gap_e).any(|t| ctx.up[t] != "THE") {
                        out.push(ctx.mentions[q]);
                        p = q;
                    } else {
                        break;
                    }
                }
                out.sort_by_key(|&m| ctx.doc.actors[m].token_start);
                out
            };
            // "sanctions by X against Y"
            let noun_by = if c.pred.noun { post.iter().take(3).position(|&t| ctx.up[t] == "BY").and_then(|p| post[p + 1..].iter().take(4).find_map(|&t| ctx.ment[t])) } else { None };
            if let Some(k) = noun_by.filter(|_| sources.is_empty()) {
                sources = coord(k, false);
                if targets.is_empty() {
                    let after = ctx.mention_range(k).1;
                    if let Some(t) = post.iter().filter(|&&t| t >= after).find_map(|&t| ctx.ment[t].filter(|x| !sources.contains(x))) {
                        targets = coord(t, false);
                    }
                }
            } else if passive {
                if sources.is_empty() {
                    sources = by.map(|k| coord(k, false)).unwrap_or_default();
                }
                if targets.is_empty() {
                    targets = left.map(|k| coord(k, true)).unwrap_or_default();
                }
            } else {
                if sources.is_empty() {
                    sources = left.map(|k| coord(k, true)).unwrap_or_default();
                }
                if targets.is_empty() {
                    if let Some(k) = right.filter(|k| !sources.contains(k)) {
                        targets = coord(k, false);
                    }
                }
            }
        }
        sources.dedup();
        targets.retain(|t| !sources.contains(t));
        (sources, targets, m.compound)
    }

    fn modality(&self, ctx: &Ctx, c: &Cand) -> (bool, Modality) {
        let mut neg = false;
        let mut modal = Modality::Asserted;
        let mut see = |w: &str| {
            if NEGATIONS.contains(&w) {
                neg = true;
            } else if PLANNED.contains(&w) && modal == Modality::Asserted {
                modal = Modality::Planned;
            } else if POSSIBLE.contains(&w) {
                modal = Modality::Possible;
            }
        };
        if ctx.parsed {
            let mut v = c.i;
            for depth in 0..3 {
                for &k in &ctx.kids[v] {
                    let r = ctx.base_rel(k);
                    if matches!(r, "aux" | "neg" | "advmod" | "mark" | "cop") || (depth == 0 && r == "det" && ctx.up[k] == "NO") {
                        see(&ctx.up[k]);
                    }
                }
                match ctx.headof(v) {
                    Some(h) if ctx.base_rel(v) == "xcomp" => {
                        see(&ctx.up[h]);
                        see(&ctx.lem[h]);
                        v = h;
                    }
                    _ => break,
                }
            }
        }
        {
            for j in (c.start.saturating_sub(4)..c.start).rev() {
                if ctx.ment[j].is_some() || ctx.is_punct(j) {
                    break;
                }
                see(&ctx.up[j]);
            }
        }
        (neg, modal)
    }
}
