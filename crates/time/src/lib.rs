//! Temporal expressions: recognition and TIMEX3 normalization anchored on the publication
//! date ([`TimeTagger`]), and event dating from the expressions attached to event predicates
//! ([`EventDater`]).
//!
//! The tagger is a hand-written grammar ([`grammar`]) over its own light tokenization
//! ([`lex`]), so that it runs identically with or without the NLP stage; when POS tags and a
//! dependency parse are present it uses them to find the tense that decides whether "Friday"
//! or "January" is the past or the coming one. [`timeml`] reads TimeML files and scores a
//! tagger the way TempEval-3 does.
#![warn(missing_docs)]

pub mod grammar;
pub mod lex;
pub mod resolve;
pub mod timeml;

use lex::{Tk, Unit};
use model::{DatePrecision, Date, Doc, Layer, Stage, TimeExpr, TimeKind, Token};
use resolve::{render, Sem, Tense};

/// Finds and normalizes temporal expressions into `Doc::times`.
#[derive(Default)]
pub struct TimeTagger {}

impl TimeTagger {
    /// Tags `text` with no token annotations (tense from word cues only).
    pub fn tag_text(&self, text: &str, anchor: Option<Date>) -> Vec<TimeExpr> {
        tag(text, anchor, &[])
    }
}

impl Stage for TimeTagger {
    fn name(&self) -> &'static str {
        "time"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Tokens]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Times]
    }
    fn run(&self, doc: &mut Doc) {
        let times = tag(&doc.article.text, doc.article.published, &doc.tokens);
        if doc.article.published.is_none() && !times.is_empty() {
            doc.note("time", "no publication date: relative time expressions left unresolved (X)");
        }
        doc.times = times;
    }
}

/// Tags `text`; `tokens` (possibly empty or unannotated) are the NLP tokens of the same text,
/// used for tense when they carry tags or a parse.
pub fn tag(text: &str, anchor: Option<Date>, tokens: &[Token]) -> Vec<TimeExpr> {
    let low = text.to_ascii_lowercase();
    let toks = lex::tokenize(text, &low);
    let sent = sentence_ids(text, &toks);
    let g = grammar::G { t: &toks };
    let ctx = TenseCtx { toks: &toks, sent: &sent, nlp: tokens, parsed: tokens.iter().any(|t| t.head >= 0) };
    let mut out = Vec::new();
    // per expression: token range, and the clock reading of a bare clock time ("at 10 p.m.")
    let mut spans: Vec<(usize, usize, Option<String>)> = Vec::new();
    let mut last_quarter: Option<(i64, String)> = None;
    // the reference time: (year, month, day) of the latest calendar date named
    let mut last_ref: Option<(i32, Option<u8>, Option<u8>)> = None;
    let mut i = 0;
    while i < toks.len() {
        if !trigger(&toks[i]) {
            i += 1;
            continue;
        }
        let hit = match g.at(i) {
            Some(h) if h.end > h.start && h.start >= i => h,
            _ => {
                i += 1;
                continue;
            }
        };
        let needs_tense = matches!(hit.sem, Sem::Ymd { y: None, .. } | Sem::Wd { rel: 0, .. } | Sem::Quarter { y: None, .. } | Sem::Holiday { y: None, .. } | Sem::Off { unit: Unit::Weekend, n: 0, .. });
        let tense = if needs_tense { ctx.tense(hit.start, hit.end) } else { Tense::Unknown };
        let ref_day = last_ref.and_then(|(y, m, d)| Date::new(y, m?, d?));
        let mut value = match (&hit.sem, &last_ref, ref_day) {
            (Sem::Ref { unit, n, tod }, Some(r), _) => resolve::render_ref(*unit, *n, tod, *r),
            // "the previous Friday", "the following Monday": next to the day under discussion
            (Sem::Wd { wd, rel: rel @ (-1 | 1), tod }, _, Some(rd)) if toks[hit.start].lw == "the" => {
                let d = resolve::weekday_from(rd, *wd, *rel, false);
                match tod {
                    Some(t) => format!("{d}T{t}"),
                    None => d.to_string(),
                }
            }
            _ => render(&hit.sem, anchor, tense),
        };
        // "a year ago" / "the year-ago quarter" in a sentence about quarters: the quarter a year back
        let in_quarter_talk = || sent_has(&toks, &sent, hit.start, &["quarter", "quarterly"]);
        match &hit.sem {
            Sem::Off { unit: Unit::Year, n, .. } if *n < 0 && hit.kind == TimeKind::DATE => {
                // in a report about quarterly results "a year ago" is the same quarter a year back
                let ago = matches!(toks[hit.end - 1].lw, "ago" | "earlier");
                if let Some((y, q)) = last_quarter.as_ref().filter(|_| ago) {
                    if *n == -1 || in_quarter_talk() {
                        value = format!("{:04}-{}", y + n, q);
                    }
                }
            }
            Sem::Quarter { q: None, yoff, y, half: false } if *yoff != 0 || y.is_some() => {
                // "the year-ago quarter", "the 1988 period": the quarter under discussion, moved
                if let Some((ly, q)) = &last_quarter {
                    value = format!("{:04}-{}", y.map(i64::from).unwrap_or(*ly) + yoff, q);
                }
            }
            _ => {}
        }
        let from_quarter = matches!(hit.sem, Sem::Quarter { q: Some(_), .. } | Sem::QuarterRel { .. });
        if let Some((y, q)) = value.split_once("-Q").filter(|_| from_quarter).and_then(|(y, q)| Some((y.parse::<i64>().ok()?, q))) {
            if q.len() == 1 {
                last_quarter = Some((y, format!("Q{q}")));
            }
        }
        let (s, e) = (toks[hit.start].s, toks[hit.end - 1].e);
        let bare_clock = match &hit.sem {
            Sem::Off { unit: Unit::Day, n: 0, tod: Some(t) } if t.contains(':') && !toks[hit.start..hit.end].iter().any(|t| matches!(t.lw, "today" | "tonight")) => Some(t.clone()),
            _ => None,
        };
        spans.push((hit.start, hit.end, bare_clock));
        if let Some(p) = resolve::calendar_parts(&value) {
            last_ref = Some(p);
        }
        out.push(TimeExpr { start: s, end: e, kind: hit.kind, value, modifier: hit.modi.map(str::to_string) });
        i = hit.end;
    }
    clock_days(&mut out, &spans, &sent);
    out
}

/// A bare clock time takes the day of a day date next to it in its sentence: "at 10:35 a.m.
/// (0735 GMT) Friday", "on Friday at 10 p.m." (the following one within six tokens, else the
/// preceding one within six); with none it stays on the publication date.
fn clock_days(out: &mut [TimeExpr], spans: &[(usize, usize, Option<String>)], sent: &[u32]) {
    let day_of = |v: &str| {
        let b = v.as_bytes();
        (b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b.iter().enumerate().all(|(k, c)| k == 4 || k == 7 || c.is_ascii_digit())).then(|| v.to_string())
    };
    for k in 0..out.len() {
        let Some(tod) = &spans[k].2 else { continue };
        let (cs, ce) = (spans[k].0, spans[k].1);
        let next = spans.get(k + 1).filter(|n| n.0 < ce + 6 && sent[n.0] == sent[cs]).and_then(|_| day_of(&out[k + 1].value));
        let prev = (k > 0)
            .then(|| &spans[k - 1])
            .filter(|p| p.1 + 6 > cs && sent[p.1 - 1] == sent[cs])
            .and_then(|_| day_of(&out[k - 1].value));
        if let Some(d) = next.or(prev) {
            out[k].value = format!("{d}T{tod}");
        }
    }
}

/// Tokens at which an expression may start (a cheap filter before the grammar).
fn trigger(t: &Tk) -> bool {
    if t.digits {
        return true;
    }
    let w = t.lw;
    let b = w.as_bytes()[0];
    if b.is_ascii_digit() {
        return true; // "1990s", "20th"
    }
    if !b.is_ascii_alphabetic() {
        return matches!(w, "'" | "\u{2019}");
    }
    lex::month(w).is_some()
        || lex::weekday(w).is_some()
        || lex::unit(w).is_some()
        || lex::season(w).is_some()
        || lex::number_word(w).is_some()
        || lex::ordinal(w).is_some()
        || matches!(
            w,
            "the" | "a" | "an" | "this" | "last" | "next" | "past" | "previous" | "preceding" | "coming" | "following" | "upcoming"
                | "current" | "first" | "final" | "early" | "late" | "mid" | "end" | "beginning" | "start" | "middle" | "close"
                | "turn" | "earlier" | "later" | "about" | "around" | "approximately" | "roughly" | "some" | "almost"
                | "nearly" | "over" | "under" | "only" | "just" | "more" | "less" | "fewer" | "at" | "up" | "today"
                | "yesterday" | "tomorrow" | "tonight" | "now" | "currently" | "nowadays" | "presently" | "recently"
                | "lately" | "previously" | "formerly" | "soon" | "daily" | "nightly" | "weekly" | "monthly"
                | "quarterly" | "annually" | "yearly" | "hourly" | "every" | "each" | "per" | "future" | "present"
                | "recent" | "few" | "several" | "many" | "numerous" | "countless" | "dozens" | "hundreds" | "thousands"
                | "half" | "fiscal" | "noon" | "midday" | "midnight" | "christmas" | "thanksgiving" | "halloween"
                | "new" | "latest" | "year" | "month" | "week" | "near" | "that" | "same"
        )
}

/// Sentence number of each token: a break after `.`/`!`/`?` before a capitalised word, and at
/// line breaks.
fn sentence_ids(text: &str, toks: &[Tk]) -> Vec<u32> {
    let mut ids = Vec::with_capacity(toks.len());
    let mut id = 0u32;
    for (k, t) in toks.iter().enumerate() {
        if k > 0 {
            let p = &toks[k - 1];
            let between = text.get(p.e..t.s).unwrap_or("");
            let end_punct = matches!(p.lw, "." | "!" | "?") && t.gap && (t.cap || t.digits || !t.lw.as_bytes()[0].is_ascii_alphabetic());
            let abbrev = k >= 2 && p.lw == "." && {
                let w = toks[k - 2].lw;
                w.len() == 1 || matches!(w, "mr" | "mrs" | "ms" | "dr" | "st" | "jan" | "feb" | "aug" | "sept" | "sep" | "oct" | "nov" | "dec" | "gen" | "gov" | "sen" | "rep" | "lt" | "col" | "prof" | "inc" | "co" | "corp" | "jr" | "vs")
            };
            if (end_punct && !abbrev) || between.contains('\n') {
                id += 1;
            }
        }
        ids.push(id);
    }
    ids
}

fn sent_has(toks: &[Tk], sent: &[u32], at: usize, words: &[&str]) -> bool {
    let s = sent[at];
    let mut a = at;
    while a > 0 && sent[a - 1] == s {
        a -= 1;
    }
    toks[a..].iter().zip(&sent[a..]).take_while(|(_, &x)| x == s).any(|(t, _)| words.contains(&t.lw))
}

/// What decides the tense of an expression's clause.
struct TenseCtx<'a> {
    toks: &'a [Tk<'a>],
    sent: &'a [u32],
    nlp: &'a [Token],
    parsed: bool,
}

impl TenseCtx<'_> {
    /// Index of the NLP token covering byte `b`.
    fn nlp_at(&self, b: usize) -> Option<usize> {
        let k = self.nlp.partition_point(|t| t.end <= b);
        (k < self.nlp.len() && self.nlp[k].start <= b).then_some(k)
    }

    fn tense(&self, start: usize, end: usize) -> Tense {
        // "until Tuesday", "as soon as Friday", "by Monday", "effective Feb. 1": a deadline ahead
        let mut k = start;
        if k > 0 && matches!(self.toks[k - 1].lw, "on" | "at") {
            k -= 1;
        }
        let w = |d: usize| if k >= d { self.toks[k - d].lw } else { "" };
        if matches!(w(1), "until" | "till" | "by" | "effective") || (w(3) == "as" && matches!(w(2), "soon" | "early") && w(1) == "as") {
            // ... unless the clause is in the past perfect: "until Thursday they had not
            // called him a suspect", "had filed reports by Wednesday"
            let pp = if self.parsed { self.clause_of(start, end).is_some_and(|(_, pp)| pp) } else { self.had_near(start, end) };
            return if pp { Tense::Past } else { Tense::Future };
        }
        if self.parsed {
            if let Some(t) = self.tense_from_parse(start, end) {
                return t;
            }
        }
        self.tense_from_words(start, end)
    }

    /// A past-perfect "had" (not "had to") within six tokens of the expression, in its sentence.
    fn had_near(&self, start: usize, end: usize) -> bool {
        let s = self.sent[start];
        let lo = start.saturating_sub(6);
        let hi = (end + 6).min(self.toks.len());
        (lo..hi).any(|k| self.sent[k] == s && self.toks[k].lw == "had" && self.toks.get(k + 1).is_some_and(|n| n.lw != "to" && self.sent[k + 1] == s))
    }

    /// The governing verb of the expression and its auxiliaries.
    fn tense_from_parse(&self, start: usize, end: usize) -> Option<Tense> {
        self.clause_of(start, end).map(|(t, _)| t)
    }

    /// Tense of the clause that governs the expression, and whether it is past perfect.
    fn clause_of(&self, start: usize, end: usize) -> Option<(Tense, bool)> {
        let (bs, be) = (self.toks[start].s, self.toks[end - 1].e);
        let first = self.nlp_at(bs)?;
        let mut h = first;
        // the token of the expression whose head lies outside it
        for k in first..self.nlp.len() {
            if self.nlp[k].start >= be {
                break;
            }
            let hd = self.nlp[k].head;
            if hd < 0 || (self.nlp[hd as usize].start < bs || self.nlp[hd as usize].start >= be) {
                h = k;
                break;
            }
        }
        let mut v = h;
        for _ in 0..6 {
            let hd = self.nlp[v].head;
            if hd < 0 || hd as usize >= self.nlp.len() {
                return None;
            }
            v = hd as usize;
            let t = &self.nlp[v];
            if t.upos == "VERB" || t.upos == "AUX" || t.xpos.starts_with("VB") {
                break;
            }
        }
        self.clause(v, 0)
    }

    /// Whether NLP token `k` is a verb (or auxiliary).
    fn is_verb(&self, k: usize) -> bool {
        let t = &self.nlp[k];
        t.upos == "VERB" || t.upos == "AUX" || t.xpos.starts_with("VB")
    }

    /// Tense of the clause headed by verb (or predicate adjective) `v`, from its auxiliaries,
    /// its form and its lemma. A planning verb in the present or present perfect ("is
    /// scheduled to", "has scheduled a news conference Thursday") puts what it governs ahead,
    /// one in the past perfect ("had been scheduled to expire Friday") behind; an infinitive
    /// takes the tense of the verb it complements when that is future or past perfect.
    /// Returns the tense and whether the clause is in the past perfect.
    fn clause(&self, v: usize, depth: u8) -> Option<(Tense, bool)> {
        let verb = &self.nlp[v];
        let adj_pred = verb.upos == "ADJ" && depth > 0;
        if !self.is_verb(v) && !adj_pred {
            return None;
        }
        let lemma = verb.lemma.to_ascii_lowercase();
        let planning = matches!(lemma.as_str(), "plan" | "schedule" | "slate" | "expect" | "due" | "intend" | "propose");
        let (mut will, mut had, mut perfect, mut past_aux, mut present_aux, mut to) = (false, false, false, false, false, false);
        let mut any_aux = false;
        let lo = v.saturating_sub(8);
        let hi = (v + 8).min(self.nlp.len());
        for k in lo..hi {
            let c = &self.nlp[k];
            if c.head != v as i32 {
                continue;
            }
            let l = c.lemma.to_ascii_lowercase();
            let x = c.xpos.as_str();
            if c.deprel.starts_with("aux") || c.deprel == "cop" {
                any_aux = true;
                match (l.as_str(), x) {
                    ("will" | "shall", _) => will = true,
                    ("have", "VBD") => had = true,
                    ("have", "VBZ" | "VBP") => perfect = true,
                    (_, "VBD") => past_aux = true,
                    (_, "VBZ" | "VBP") => present_aux = true,
                    _ => {}
                }
            } else if c.deprel == "mark" && l == "to" {
                to = true;
            }
        }
        if will {
            return Some((Tense::Future, false));
        }
        if had {
            return Some((Tense::Past, true));
        }
        if planning && (perfect || present_aux || matches!(verb.xpos.as_str(), "VBZ" | "VBP")) {
            return Some((Tense::Future, false));
        }
        if perfect || past_aux || verb.xpos == "VBD" {
            return Some((Tense::Past, false));
        }
        // a reduced relative: "the decision, announced Wednesday"
        if verb.xpos == "VBN" && verb.deprel.starts_with("acl") && !verb.deprel.contains("relcl") && !planning {
            return Some((Tense::Past, false));
        }
        // a participle with no auxiliary heading a clause is a past tense the tagger missed
        if verb.xpos == "VBN" && !planning && !any_aux && !to && !verb.deprel.starts_with("amod") {
            return Some((Tense::Past, false));
        }
        // an infinitive complement: a future or past-perfect governor decides
        if to && depth < 2 && verb.deprel.starts_with("xcomp") {
            let h = verb.head;
            if h >= 0 && (h as usize) < self.nlp.len() {
                return self.clause(h as usize, depth + 1).filter(|&(t, pp)| t == Tense::Future || pp);
            }
        }
        None
    }

    /// The nearest tense cue in the sentence.
    fn tense_from_words(&self, start: usize, end: usize) -> Tense {
        let s = self.sent[start];
        let n = self.toks.len();
        let tagged = !self.nlp.is_empty() && self.nlp.iter().any(|t| !t.xpos.is_empty());
        for d in 1..=14usize {
            let cands = [start.checked_sub(d), Some(end - 1 + d)];
            for k in cands.into_iter().flatten() {
                if k >= n || self.sent[k] != s {
                    continue;
                }
                let w = self.toks[k].lw;
                let next = self.toks.get(k + 1).map(|t| t.lw).unwrap_or("");
                if matches!(w, "will" | "shall") || (w == "ll" && k > 0 && matches!(self.toks[k - 1].lw, "'" | "\u{2019}")) || (w == "wo" && next == "n") {
                    return Tense::Future;
                }
                let plan = (matches!(w, "expected" | "due" | "intends" | "going" | "slated" | "set") && next == "to")
                    || matches!(w, "would" | "scheduled" | "plans" | "plan" | "planned" | "planning" | "upcoming");
                if plan {
                    // "had been due to expire Friday": a plan of the past, for a past date
                    let had_been = k >= 2 && self.toks[k - 1].lw == "been" && self.toks[k - 2].lw == "had";
                    return if had_been { Tense::Past } else { Tense::Future };
                }
                if matches!(w, "is" | "are") && next == "to" {
                    return Tense::Future;
                }
                if tagged {
                    if let Some(j) = self.nlp_at(self.toks[k].s) {
                        let x = self.nlp[j].xpos.as_str();
                        if x == "VBD" {
                            return Tense::Past;
                        }
                        if x == "VBN" && (1..=3).any(|b| k >= b && matches!(self.toks[k - b].lw, "has" | "have" | "had")) {
                            return Tense::Past;
                        }
                        continue;
                    }
                }
                if lex::past_form(w) && !matches!(w, "last" | "earlier") {
                    return Tense::Past;
                }
                if ED_CUE && !tagged && w.len() > 4 && w.ends_with("ed") && !matches!(w, "expected" | "scheduled" | "planned" | "proposed" | "united" | "based" | "related" | "used" | "need" | "speed" | "indeed" | "seed" | "feed") {
                    let prev = if k > 0 { self.toks[k - 1].lw } else { "" };
                    if !matches!(prev, "be" | "is" | "are" | "being" | "been" | "will" | "to" | "the" | "a" | "an") {
                        return Tense::Past;
                    }
                }
            }
        }
        Tense::Unknown
    }
}

const ED_CUE: bool = true;

/// Dates events from the temporal expressions attached to their predicates.
#[derive(Default)]
pub struct EventDater {}

/// An event date: value, precision.
fn date_of(value: &str, anchor: Option<Date>) -> Option<(String, DatePrecision)> {
    let b = value.as_bytes();
    if value == "PRESENT_REF" {
        return anchor.map(|a| (a.to_string(), DatePrecision::Day));
    }
    if value.contains('X') || value.starts_with('P') && value != "PAST_REF" {
        return None;
    }
    if value == "PAST_REF" || value == "FUTURE_REF" {
        return Some((value.to_string(), DatePrecision::Fuzzy));
    }
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if b.len() >= 10 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10) {
        return Some((value[..10].to_string(), DatePrecision::Day));
    }
    if b.len() == 7 && digits(0..4) && b[4] == b'-' && digits(5..7) {
        return Some((value.to_string(), DatePrecision::Month));
    }
    if b.len() == 4 && digits(0..4) {
        return Some((value.to_string(), DatePrecision::Year));
    }
    Some((value.to_string(), DatePrecision::Fuzzy))
}

/// Whether the expression at byte `start` only bounds an interval ("since 2012", "until
/// Friday", "before 2015"): it does not give the event's own date.
fn bounds_only(text: &str, start: usize) -> bool {
    let before = text.get(..start).unwrap_or("").trim_end();
    let word = before.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    matches!(word.to_ascii_lowercase().as_str(), "since" | "until" | "till" | "through" | "by" | "before" | "after" | "from" | "to")
}

impl EventDater {
    /// Index (in `doc.times`) of the expression that dates an event with predicate starting at
    /// byte `pred` in sentence `sent` (byte span `[ss, se)`).
    fn pick(doc: &Doc, pred: usize, ss: usize, se: usize) -> Option<usize> {
        // times are in text order: only those starting inside the sentence can qualify
        let first = doc.times.partition_point(|t| t.start < ss);
        let cands: Vec<usize> = (first..doc.times.len())
            .take_while(|&k| doc.times[k].start < se)
            .filter(|&k| {
                let t = &doc.times[k];
                t.start >= ss && t.end <= se && matches!(t.kind, TimeKind::DATE | TimeKind::TIME) && !t.value.contains('X') && !bounds_only(&doc.article.text, t.start)
            })
            .collect();
        if cands.is_empty() {
            return None;
        }
        let parsed = doc.tokens.iter().any(|t| t.head >= 0);
        let tok_at = |b: usize| {
            let k = doc.tokens.partition_point(|t| t.end <= b);
            (k < doc.tokens.len() && doc.tokens[k].start <= b).then_some(k)
        };
        let is_verb = |k: usize| {
            let t = &doc.tokens[k];
            t.upos == "VERB" || t.xpos.starts_with("VB")
        };
        let head = |k: usize| {
            let h = doc.tokens[k].head;
            (h >= 0 && (h as usize) < doc.tokens.len()).then_some(h as usize)
        };
        if parsed {
            if let Some(p) = tok_at(pred) {
                // the predicate and its ancestors up to its clause's verb
                let mut clause = vec![p];
                let mut c = p;
                if !is_verb(p) {
                    for _ in 0..6 {
                        match head(c) {
                            Some(h) => {
                                clause.push(h);
                                c = h;
                                if is_verb(h) {
                                    break;
                                }
                            }
                            None => break,
                        }
                    }
                }
                let mut best: Option<(usize, usize, usize)> = None; // (steps, distance, idx)
                for &k in &cands {
                    let t = &doc.times[k];
                    // the expression's own head token: its token whose head lies outside it
                    let Some(first) = tok_at(t.start) else { continue };
                    let mut h = first;
                    let mut j = first;
                    while j < doc.tokens.len() && doc.tokens[j].start < t.end {
                        match head(j) {
                            Some(x) if doc.tokens[x].start >= t.start && doc.tokens[x].start < t.end => {}
                            _ => {
                                h = j;
                                break;
                            }
                        }
                        j += 1;
                    }
                    let mut cur = h;
                    for steps in 1..=5 {
                        let Some(x) = head(cur) else { break };
                        if clause.contains(&x) {
                            let dist = t.start.abs_diff(pred);
                            if best.is_none_or(|b| (steps, dist) < (b.0, b.1)) {
                                best = Some((steps, dist, k));
                            }
                            break;
                        }
                        if is_verb(x) {
                            break;
                        }
                        cur = x;
                    }
                }
                return best.map(|b| b.2);
            }
        }
        // no parse: the nearest expression in the sentence
        cands.into_iter().min_by_key(|&k| doc.times[k].start.abs_diff(pred))
    }
}

impl Stage for EventDater {
    fn name(&self) -> &'static str {
        "event-dates"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Events, Layer::Times]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::EventDates]
    }
    fn run(&self, doc: &mut Doc) {
        let anchor = doc.article.published;
        let mut dates = Vec::with_capacity(doc.events.len());
        for e in &doc.events {
            let (ss, se) = match doc.sentences.get(e.sentence) {
                Some(s) => (s.start, s.end),
                None => (e.evidence.start, e.evidence.end),
            };
            let found = Self::pick(doc, e.predicate.start, ss, se).and_then(|k| {
                let t = &doc.times[k];
                let (d, p) = date_of(&t.value, anchor)?;
                Some((d, p, Some(doc.span_text(t.start, t.end).to_string())))
            });
            dates.push(found.or_else(|| anchor.map(|a| (a.to_string(), DatePrecision::Day, None))));
        }
        for (e, d) in doc.events.iter_mut().zip(dates) {
            if e.date.is_some() {
                continue;
            }
            if let Some((d, p, t)) = d {
                e.date = Some(d.into());
                e.date_precision = Some(p);
                e.date_text = t.map(Into::into);
            }
        }
    }
}

#[cfg(test)]
mod tests;
