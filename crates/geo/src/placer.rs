//! Event places: the place attached to the event's predicate in the parse ("talks in
//! Damascus", "stopped at the base of Hmeimim", "a trip to Damascus"), else the article's
//! dateline place, else none. Without a parse, a place right after a locative preposition
//! in the event's sentence stands in for the parse.
use model::{Doc, Layer, PlaceMention, Span, Stage};

/// Prepositions that put an event at a place.
const LOC_CASE: &[&str] = &["in", "at", "near", "outside", "inside", "into", "across", "around", "throughout", "within", "on"];

/// Words that open another clause: a place beyond them belongs to another predicate.
const CLAUSE: &[&str] = &["which", "who", "whom", "whose", "that", "while", "whereas", "but", "and", "after", "before", "when", "where", "although", "though", "because", "said", "says", "if", "unless"];

/// Words of movement after which "to X" gives where the event happened ("trip to Damascus").
const MOTION: &[&str] = &[
    "trip", "trips", "visit", "visits", "journey", "tour", "travel", "travels", "traveled", "travelled", "went",
    "go", "goes", "going", "came", "come", "comes", "arrived", "arrive", "arrives", "flew", "fly", "flies",
    "returned", "return", "returns", "headed", "head", "moved", "sent", "deployed", "deploy", "delegation",
    "mission", "pilgrimage", "flight", "flights",
];

/// Verbs whose direct object, when it is a place, is where the event happened ("visited
/// Syria", "shelled Aleppo", "entered Mosul").
const PLACE_OBJECT: &[&str] = &[
    "visit", "tour", "enter", "invade", "reach", "occupy", "raid", "shell", "bomb", "storm", "capture", "seize",
    "besiege", "overrun", "liberate", "recapture", "bombard", "leave", "flee",
];

/// Gives each event of `doc.events` a place (see the module doc). Country-level when the
/// text names only a country; `Place::feature` tells the level.
#[derive(Default)]
pub struct EventPlacer {}

impl Stage for EventPlacer {
    fn name(&self) -> &'static str {
        "event-places"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Events, Layer::Places]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::EventPlaces]
    }
    fn run(&self, doc: &mut Doc) {
        let dateline = dateline_place(doc);
        let parsed = doc.tokens.iter().any(|t| t.head >= 0);
        let mut climbs: Vec<Option<Vec<Step>>> = vec![None; doc.places.len()];
        for k in 0..doc.events.len() {
            let ev = &doc.events[k];
            // a place attached to the predicate in the parse; else a place after a locative
            // preposition in the predicate's own clause (parsers miss many such attachments)
            let found = if parsed { by_parse(doc, ev.predicate, ev.evidence, &mut climbs) } else { None }
                .or_else(|| by_text(doc, ev.predicate, ev.evidence));
            let pick = found.or(dateline);
            let ev = &mut doc.events[k];
            match pick {
                Some(i) => {
                    let m = &doc.places[i];
                    ev.place = Some(m.place.clone());
                    ev.place_span = Some(Span::new(m.start, m.end));
                }
                None => {
                    ev.place = None;
                    ev.place_span = None;
                }
            }
        }
    }
}

/// Places (indices into `doc.places`) inside `span`. Places are in text order, so a binary
/// search finds the first candidate: per-event work stays proportional to the sentence, not
/// to the document (long documents have many events).
fn places_in(doc: &Doc, span: Span) -> Vec<usize> {
    let lo = doc.places.partition_point(|p| p.start < span.start);
    (lo..doc.places.len())
        .take_while(|&i| doc.places[i].start < span.end.max(span.start + 1))
        .filter(|&i| span.contains(Span::new(doc.places[i].start, doc.places[i].end)))
        .collect()
}

/// Token indices of the sentence holding token `i` (a token's dependents are in its sentence).
fn sentence_range(doc: &Doc, i: usize) -> std::ops::Range<usize> {
    match doc.sentence_of_token(i) {
        Some(s) => doc.sentences[s].token_start..doc.sentences[s].token_end,
        None => 0..doc.tokens.len(),
    }
}

/// Indices of the tokens lying wholly inside `span` (tokens are in text order and disjoint).
fn tokens_in(doc: &Doc, span: Span) -> Vec<usize> {
    let lo = doc.tokens.partition_point(|t| t.start < span.start);
    (lo..doc.tokens.len())
        .take_while(|&i| doc.tokens[i].start < span.end)
        .filter(|&i| doc.tokens[i].end <= span.end)
        .collect()
}

/// Whether a mention is a demonym ("Syrian") rather than a name of the place.
fn is_demonym(doc: &Doc, m: &PlaceMention) -> bool {
    let t = doc.span_text(m.start, m.end);
    (m.place.feature == "country" || m.place.feature == "continent")
        && !t.is_empty()
        && crate::text::fold(t) != crate::text::fold(&m.place.name)
        && (t.ends_with("ian") || t.ends_with("ians") || t.ends_with("ese") || t.ends_with("ish") || t.ends_with("an") || t.ends_with("ans") || t.ends_with('i') || t.ends_with("is"))
}

/// One step of a place mention's climb up the parse towards a predicate.
#[derive(Clone, Copy)]
struct Step {
    hops: usize,
    /// The token reached.
    node: usize,
    /// A locative case marker was met on the way.
    has_case: bool,
    /// The token reached has its own subject (heads another clause).
    own_clause: bool,
}

/// The climb from a place mention's head through obl/nmod/compound/appos/flat relations
/// (or a motion verb's object after a locative case), up to four hops; empty for demonyms.
/// It does not depend on the event, so it is computed once per place.
fn climb(doc: &Doc, pi: usize) -> Vec<Step> {
    let toks = &doc.tokens;
    let m = &doc.places[pi];
    if is_demonym(doc, m) {
        return Vec::new();
    }
    let inside: Vec<usize> = tokens_in(doc, Span::new(m.start, m.end));
    // the mention's head: the token whose head lies outside the mention
    let Some(&h) = inside.iter().find(|&&i| {
        let hd = toks[i].head;
        hd < 0 || !inside.contains(&(hd as usize))
    }) else {
        return Vec::new();
    };
    let mut steps = Vec::new();
    let mut cur = h;
    let mut has_case = false;
    for hops in 1..=4 {
        let rel = toks[cur].deprel.as_str();
        let motion_obj = rel == "obj" && MOTION.contains(&doc.token_text(cur).to_lowercase().as_str());
        // a possessor ("Syria's war") is not where the event happened
        let climb = (rel.starts_with("obl") || rel.starts_with("nmod") || rel.starts_with("compound") || rel == "appos" || rel == "flat")
            && rel != "nmod:poss";
        let governor = toks[cur].head;
        // the place itself is the object of a verb of entering or visiting
        let place_object = hops == 1
            && rel == "obj"
            && governor >= 0
            && PLACE_OBJECT.contains(&toks[governor as usize].lemma.to_lowercase().as_str());
        has_case |= place_object;
        if !(climb || place_object || motion_obj && has_case) {
            break;
        }
        let after_motion = governor >= 0 && MOTION.contains(&doc.token_text(governor as usize).to_lowercase().as_str());
        has_case |= sentence_range(doc, cur).any(|c| {
            if toks[c].head != cur as i32 || toks[c].deprel != "case" {
                return false;
            }
            let w = doc.token_text(c).to_lowercase();
            LOC_CASE.contains(&w.as_str()) || (w == "to" && after_motion)
        });
        let hd = toks[cur].head;
        if hd < 0 {
            break;
        }
        cur = hd as usize;
        // a word with its own subject heads another clause ("after which he was due to head
        // to Cyprus"): the place belongs to that clause, not to the event
        let own_clause = sentence_range(doc, cur)
            .any(|c| toks[c].head == cur as i32 && (toks[c].deprel.starts_with("nsubj") || toks[c].deprel.starts_with("csubj")));
        steps.push(Step { hops, node: cur, has_case, own_clause });
    }
    steps
}

/// The place whose head is attached to the predicate through obl/nmod with a locative case.
/// `climbs` caches [`climb`] per place across the document's events.
fn by_parse(doc: &Doc, predicate: Span, evidence: Span, climbs: &mut [Option<Vec<Step>>]) -> Option<usize> {
    let pred: Vec<usize> = tokens_in(doc, predicate);
    if pred.is_empty() {
        return None;
    }
    let mut best: Option<(usize, usize)> = None; // (hops, place)
    for pi in places_in(doc, evidence) {
        let steps = climbs[pi].get_or_insert_with(|| climb(doc, pi));
        for st in steps.iter() {
            let at_pred = pred.contains(&st.node);
            if st.own_clause && !at_pred {
                break;
            }
            if at_pred {
                if st.has_case && best.is_none_or(|(b, _)| st.hops < b) {
                    best = Some((st.hops, pi));
                }
                break;
            }
        }
    }
    best.map(|(_, p)| p)
}

/// Without a parse: the place in the sentence right after a locative preposition (allowing
/// "in the Syrian capital Damascus", "at the base of Hmeimim"), nearest the predicate.
fn by_text(doc: &Doc, predicate: Span, evidence: Span) -> Option<usize> {
    let text = doc.article.text.as_str();
    let mut best: Option<(usize, usize)> = None;
    for pi in places_in(doc, evidence) {
        let m = &doc.places[pi];
        if is_demonym(doc, m) {
            continue;
        }
        let before = text.get(evidence.start..m.start).unwrap_or("");
        // the last six words before the name, nearest first (the sentence can be long)
        let words: Vec<&str> = before.rsplit(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).take(6).collect();
        let mut cue = false;
        // up to four words (determiners, adjectives, "the base of") may stand between the
        // preposition and the name; a clause boundary word stops the search
        for (k, w) in words.iter().enumerate().take(5) {
            let lw = w.to_lowercase();
            let motion_to = lw == "to" && words.get(k + 1).is_some_and(|p| MOTION.contains(&p.to_lowercase().as_str()));
            if LOC_CASE.contains(&lw.as_str()) || motion_to {
                cue = true;
                break;
            }
            if matches!(lw.as_str(), "and" | "but" | "said" | "says" | "who" | "which" | "that" | "when" | "while") {
                break;
            }
        }
        if !cue {
            continue;
        }
        // the place must lie in the predicate's clause: no clause boundary in between
        let gap = if m.start >= predicate.end { text.get(predicate.end..m.start) } else { text.get(m.end..predicate.start) }.unwrap_or("");
        let clause_word = || gap.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).any(|w| CLAUSE.contains(&w.to_lowercase().as_str()));
        if gap.contains(';') || gap.contains('"') || gap.contains('“') || clause_word() {
            continue;
        }
        let dist = if m.start >= predicate.end { m.start - predicate.end } else { predicate.start.saturating_sub(m.end) + 1000 };
        if best.is_none_or(|(d, _)| dist < d) {
            best = Some((dist, pi));
        }
    }
    best.map(|(_, p)| p)
}

/// The dateline place: a place name that opens the text and is followed by a comma, a dash
/// or an agency in parentheses ("DAMASCUS, Sept 7 (Reuters) -", "Moscow —").
fn dateline_place(doc: &Doc) -> Option<usize> {
    let text = doc.article.text.as_str();
    let lead = text.len() - text.trim_start().len();
    let first = doc.places.first()?;
    // the name may follow a title line; accept it at the start of the first or second line
    let line_start = text[..first.start.min(text.len())].rfind('\n').map(|p| p + 1).unwrap_or(0);
    let at_line_start = text.get(line_start..first.start).is_some_and(|s| s.trim().is_empty());
    if !(first.start <= lead + 3 || (at_line_start && text[..line_start].matches('\n').count() <= 2)) {
        return None;
    }
    let rest = text.get(first.end..)?.trim_start();
    let ok = rest.starts_with(',') || rest.starts_with('—') || rest.starts_with('–') || rest.starts_with("- ") || rest.starts_with("-- ") || rest.starts_with('(');
    if !ok {
        return None;
    }
    // "Paris, Texas, March 3 —": the first mention, the most specific
    Some(0)
}
