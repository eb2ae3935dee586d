//! Toponym recognition (gazetteer matching over capitalised runs, demonyms, place-type
//! patterns, NER LOC spans) and resolution (population prior, the document's countries,
//! containment such as "Paris, Texas" or "Palmyra … in central Syria", feature class).
use crate::data::{Data, Feature};
use crate::text::{fold, tokenize, Kind, Tok};
use model::{Doc, EntityLabel, Place, PlaceMention};
use std::collections::{HashMap, HashSet};

/// Lowercase words allowed inside a name ("Gulf of Aden", "Trinidad and Tobago").
const CONNECTORS: &[&str] = &["of", "de", "du", "des", "la", "le", "les", "al", "el", "upon", "the", "and", "da", "do", "dos", "das", "del", "di", "on", "en", "sur", "am", "an", "der", "bin", "ibn"];

/// Words before a name that make the name a person's ("President Vladimir Putin").
const TITLES: &[&str] = &[
    "president", "minister", "secretary", "senator", "sen", "gov", "governor", "general", "gen", "mr", "mrs",
    "ms", "dr", "sir", "king", "queen", "prince", "princess", "lord", "lady", "judge", "chancellor", "premier",
    "mayor", "ambassador", "envoy", "spokesman", "spokeswoman", "commander", "colonel", "col", "captain", "capt",
    "rep", "pope", "sheikh", "emir", "sultan", "ayatollah", "coach", "professor", "prof", "rev", "father",
    "bishop", "archbishop", "cardinal", "sgt", "lt", "officer", "detective", "chairman", "ceo", "director",
];

/// Function words that open a capitalised run without being part of a name.
const FUNCTION: &[&str] = &[
    "a", "an", "the", "in", "on", "at", "of", "to", "for", "from", "by", "with", "and", "but", "or", "as", "if",
    "it", "its", "he", "she", "we", "they", "i", "you", "his", "her", "their", "our", "my", "your", "this", "that",
    "these", "those", "there", "here", "when", "where", "while", "what", "who", "why", "how", "after", "before",
    "since", "during", "all", "some", "many", "most", "both", "each", "every", "no", "not", "yes", "so", "then",
];

/// Capitalised words that are never toponyms on their own: function words that start
/// sentences, months, weekdays, titles and common words that are also names of small places.
const STOP: &[&str] = &[
    "a", "an", "the", "in", "on", "at", "of", "to", "for", "from", "by", "with", "and", "but", "or", "as", "if",
    "it", "its", "he", "she", "we", "they", "i", "you", "his", "her", "their", "our", "my", "your", "this", "that",
    "these", "those", "there", "here", "when", "where", "while", "what", "who", "why", "how", "after", "before",
    "since", "during", "all", "some", "many", "most", "both", "each", "every", "no", "not", "yes", "so", "then",
    "than", "also", "just", "only", "even", "still", "now", "today", "yesterday", "tomorrow", "tonight", "said",
    "says", "say", "will", "would", "can", "could", "may", "might", "must", "shall", "should", "one", "two",
    "three", "first", "second", "last", "next", "new", "old", "good", "best", "great", "big", "more", "less",
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mr", "mrs", "ms", "dr", "sir", "president", "minister", "prime", "secretary", "senator", "governor",
    "general", "king", "queen", "prince", "princess", "lord", "lady", "judge", "chief", "director", "officer",
    "police", "army", "government", "state", "city", "county", "street", "river", "university", "college",
    "school", "church", "hospital", "court", "party", "union", "republic", "kingdom", "island", "lake",
    "mount", "north", "south", "east", "west", "central", "national", "international", "federal", "royal",
    "liberty", "independence", "victory", "unity", "hope", "faith", "grace", "joy", "love", "peace", "justice",
    "mobile", "reading", "bath", "nice", "split", "orange", "darwin", "hull", "deal", "cork", "sale", "battle",
    "western", "eastern", "northern", "southern", "westerners", "easterners",
    "congress", "parliament", "senate", "assembly", "council", "commission", "ministry", "department",
    "agency", "committee", "company", "group", "bank", "airlines", "airways", "foundation", "institute",
    "gold", "silver", "bay", "page", "media", "center", "centre", "home", "house", "office", "power", "time",
    "times", "post", "news", "star", "sun", "globe", "mail", "herald", "tribune", "daily", "weekly", "online",
    "photo", "video", "image", "read", "more", "share", "click", "follow", "comment", "comments", "email",
    "u", "re", "de", "la", "le", "el", "al", "san", "santa", "saint", "st", "fort", "port",
    "spanish", "arabic", "portuguese", "hindi", "urdu", "persian", "farsi", "hebrew", "latin",
    "god", "allah", "christ", "christian", "muslim", "islam", "islamic", "jewish", "catholic",
];

/// Words before a name that make it a place rather than a person ("in Damascus").
const LOC_PREPS: &[&str] = &[
    "in", "at", "near", "from", "to", "into", "outside", "inside", "across", "around", "toward", "towards",
    "via", "through", "throughout", "within", "between", "visited", "visit", "visiting", "entered", "left",
    "across", "over", "of",
];

/// Capitalised words before a name that are part of a place description, not a person.
const PLACE_PREFIX: &[&str] = &[
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "northeast",
    "northwest", "southeast", "southwest", "greater", "upper", "lower", "downtown", "metro", "inner", "outer",
    "old", "rural", "mount", "mt", "lake", "fort", "ft", "saint", "st", "san", "santa", "port", "cape", "isle",
    "new", "occupied", "mainland", "coastal",
];

/// The last word of a capitalised run that makes it a place name the gazetteer may lack.
fn geo_head(w: &str) -> Option<&'static str> {
    Some(match w {
        "street" | "st" | "avenue" | "ave" | "road" | "rd" | "boulevard" | "blvd" | "lane" | "drive" | "highway"
        | "freeway" | "expressway" | "bridge" | "square" | "plaza" | "parkway" | "tunnel" => "street",
        "river" | "lake" | "creek" | "bay" | "canal" | "sea" | "ocean" | "gulf" | "strait" | "straits" | "falls"
        | "harbor" | "harbour" | "lagoon" | "reservoir" => "water",
        "county" | "parish" | "province" | "district" | "governorate" | "township" | "prefecture" | "oblast"
        | "borough" | "municipality" => "district",
        "park" | "airport" | "station" | "stadium" | "church" | "cathedral" | "mosque" | "temple" | "palace"
        | "castle" | "museum" | "library" | "beach" | "valley" | "mountain" | "mountains" | "hills" | "island"
        | "islands" | "peninsula" | "desert" | "forest" | "canyon" | "coast" | "refugee" | "camp" | "base"
        | "airbase" | "port" | "dam" | "border" | "crossing" | "neighborhood" | "neighbourhood" => "landmark",
        _ => return None,
    })
}

/// A recognised toponym before resolution.
#[derive(Clone, Debug)]
struct Cand {
    /// Token range in the geo tokenization.
    a: usize,
    b: usize,
    /// The capitalised run the candidate was found in (first content token, end).
    p: usize,
    q: usize,
    start: usize,
    end: usize,
    what: What,
}

#[derive(Clone, Debug)]
enum What {
    /// Gazetteer entries whose names fold to `key`.
    Gaz { key: String, entries: Vec<u32> },
    /// A demonym: the country (or continent) entry.
    Demonym(u32),
    /// A place-type phrase ("Royal Street"): its kind; placed by the document's focus.
    Pattern(&'static str),
    /// "the Syrian capital", "Russia's capital": the capital city's entry.
    Capital(u32),
}

/// How a named-entity span bears on a candidate.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ner {
    None,
    Loc,
    Org,
    Per,
    Oth,
}

/// Finds and resolves the toponyms of `doc`.
pub fn recognize(data: &Data, doc: &Doc) -> Vec<PlaceMention> {
    let text = doc.article.text.as_str();
    let toks = tokenize(text);
    if toks.is_empty() {
        return Vec::new();
    }
    let word = |i: usize| -> &str { toks.get(i).map(|t| text.get(t.start..t.end).unwrap_or("")).unwrap_or("") };
    let lower_words: HashSet<String> = toks
        .iter()
        .filter(|t| t.kind == Kind::Word && !t.cap)
        .filter_map(|t| text.get(t.start..t.end))
        .filter(|w| w.chars().next().is_some_and(|c| c.is_lowercase()))
        .map(fold)
        .collect();
    // the entity label that bears on a candidate: an entity with the same span, or one inside
    // it; a candidate that is only part of a longer entity ("Park" in "Central Park") is
    // judged as if untagged, except that a person's name anywhere over it counts
    let entity_spans = SpanIndex::new(doc.entities.iter().map(|e| (e.start, e.end)));
    let ner_at = |start: usize, end: usize| -> Ner {
        let mut best = Ner::None;
        for e in entity_spans.overlapping(start, end).map(|k| &doc.entities[k]) {
            if !(e.start < end && start < e.end) {
                continue;
            }
            let n = match e.label {
                EntityLabel::LOC => Ner::Loc,
                EntityLabel::ORG => Ner::Org,
                EntityLabel::PER => Ner::Per,
                EntityLabel::OTH => Ner::Oth,
            };
            let inside = start <= e.start && e.end <= end;
            if (inside || n == Ner::Per || n == Ner::Org) && (best == Ner::None || n == Ner::Loc && inside) {
                best = n;
            }
        }
        best
    };
    let is_name_tok = |t: &Tok| t.kind == Kind::Word && (t.cap || t.all_caps);
    let mostly_caps = {
        let words = toks.iter().filter(|t| t.kind == Kind::Word).count().max(1);
        toks.iter().filter(|t| t.all_caps).count() * 2 > words
    };

    // 1. capitalised runs
    let mut cands: Vec<Cand> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !is_name_tok(&toks[i]) {
            i += 1;
            continue;
        }
        let p = i;
        let mut q = i + 1;
        while q < toks.len() && !toks[q].newline_before {
            let t = &toks[q];
            if is_name_tok(t) {
                q += 1;
                continue;
            }
            // "Saint-Denis", "Syrian-Turkish": a hyphen between two name words, no spaces
            if t.kind == Kind::Punct && word(q) == "-" && t.start == toks[q - 1].end && toks.get(q + 1).is_some_and(|n| is_name_tok(n) && n.start == t.end) {
                q += 2;
                continue;
            }
            // a connector continues the run only if a capitalised word follows it
            if t.kind == Kind::Word && CONNECTORS.contains(&fold(word(q)).as_str()) && toks.get(q + 1).is_some_and(|n| is_name_tok(n) && !n.newline_before) {
                q += 2;
                continue;
            }
            break;
        }
        run_candidates(data, text, &toks, p, q, mostly_caps, &mut cands);
        i = q;
    }

    // US state abbreviations after a comma ("Manassas, Va.", "Washington, D.C.")
    for k in 1..toks.len() {
        if toks[k].kind != Kind::Word || !toks[k].cap || word(k - 1) != "," || k < 2 || !toks[k - 2].cap {
            continue;
        }
        let w = word(k);
        let (abbr, end) = if w.ends_with('.') {
            (w.to_string(), toks[k].end)
        } else if toks.get(k + 1).is_some_and(|t| t.start == toks[k].end && text.get(t.start..t.end) == Some(".")) {
            (format!("{w}."), toks[k].end + 1)
        } else {
            continue;
        };
        if let Some(code) = ap_state(&abbr) {
            if let Some(&e) = data.admin1s.get(&(Box::from("US"), Box::from(code))) {
                {
                    let st = toks[k].start;
                    cands.retain(|c| !(c.start < end && st < c.end));
                    cands.push(Cand { a: k, b: k + 1, p: k, q: k + 1, start: toks[k].start, end, what: What::Gaz { key: fold(data.entries[e as usize].name), entries: vec![e] } });
                }
            }
        }
    }
    cands.sort_by_key(|c| (c.start, c.end));

    // "the Syrian capital", "Syria's capital" name the capital city
    for c in cands.iter_mut() {
        let country = match &c.what {
            What::Demonym(d) => Some(*d),
            What::Gaz { entries, .. } if entries.len() == 1 && data.entries[entries[0] as usize].feature == Feature::Country => Some(entries[0]),
            _ => None,
        };
        let Some(country) = country.filter(|&e| data.entries[e as usize].feature == Feature::Country) else { continue };
        let mut k = c.b;
        if matches!(word(k), "'" | "’") && word(k + 1) == "s" {
            k += 2;
        }
        if word(k) == "capital" {
            if let Some(&cap) = data.capitals.get(data.entries[country as usize].country) {
                c.end = toks[k].end;
                c.b = k + 1;
                c.what = What::Capital(cap);
            }
        }
    }

    // 2. NER LOC spans the gazetteer did not cover become pattern-like places
    let cand_spans = SpanIndex::new(cands.iter().map(|c| (c.start, c.end)));
    for e in &doc.entities {
        if e.label != EntityLabel::LOC {
            continue;
        }
        if cand_spans.overlapping(e.start, e.end).next().is_some() {
            continue;
        }
        let a = toks.partition_point(|t| t.end <= e.start);
        let b = toks.partition_point(|t| t.start < e.end).max(a + 1);
        // unknown to the gazetteer: only with a locative preposition before it ("in Ghouta")
        let prev = if a > 0 { fold(word(a - 1)) } else { String::new() };
        let prev2 = if a > 1 { fold(word(a - 2)) } else { String::new() };
        let cue = ["in", "at", "near", "outside", "inside", "into", "across", "around"].contains(&prev.as_str())
            || (prev == "the" && ["in", "at", "near", "outside", "into", "across", "around"].contains(&prev2.as_str()));
        if !cue {
            continue;
        }
        cands.push(Cand { a, b, p: a, q: b, start: e.start, end: e.end, what: What::Pattern("locality") });
    }
    cands.sort_by_key(|c| (c.start, c.end));

    // words of multi-word capitalised names that are not places ("Chris Paul", "Mary Allen"):
    // when such a word later stands alone ("Paul said") it is a person, not a town
    let mut person_words: HashSet<String> = HashSet::new();
    {
        let cand_spans = SpanIndex::new(cands.iter().map(|c| (c.start, c.end)));
        let mut k = 0;
        while k < toks.len() {
            if !(toks[k].kind == Kind::Word && toks[k].cap && !toks[k].all_caps) {
                k += 1;
                continue;
            }
            let mut e = k + 1;
            while e < toks.len() && toks[e].kind == Kind::Word && toks[e].cap && !toks[e].all_caps && !toks[e].newline_before {
                e += 1;
            }
            if (2..=3).contains(&(e - k)) && !toks[k].sent_start || (2..=3).contains(&(e - k)) && !FUNCTION.contains(&fold(word(k)).as_str()) {
                let whole = text.get(toks[k].start..toks[e - 1].end).map(fold).unwrap_or_default();
                let (ws, we) = (toks[k].start, toks[e - 1].end);
                let covered = cand_spans.overlapping(ws, we).any(|c| cands[c].start <= ws && we <= cands[c].end);
                if !data.has_name(&whole) && !covered {
                    for w in k..e {
                        person_words.insert(fold(word(w)));
                    }
                }
            }
            k = e;
        }
    }

    // 3. filters
    let mut kept: Vec<Cand> = Vec::new();
    for c in cands {
        let ner = ner_at(c.start, c.end);
        // a person's name ("Denzel Washington"); a well-known place tagged PER on its own is
        // more likely a tagging error than a person
        if ner == Ner::Per {
            let exact_strong = matches!(&c.what, What::Gaz { entries, .. } if entries.iter().any(|&e| is_strong(data, e)))
                && doc.entities.iter().any(|e| e.label == EntityLabel::PER && e.start == c.start && e.end == c.end);
            if !exact_strong {
                continue;
            }
        }
        let single = c.b == c.a + 1;
        let key_word = fold(word(c.a));
        let prev_word = if c.a > 0 && toks[c.a - 1].kind == Kind::Word { fold(word(c.a - 1)) } else { String::new() };
        let prev_prev = if c.a > 1 && toks[c.a - 2].kind == Kind::Word { fold(word(c.a - 2)) } else { String::new() };
        let loc_prep = LOC_PREPS.contains(&prev_word.as_str())
            || (prev_word == "the" && LOC_PREPS.contains(&prev_prev.as_str()));
        // the run neighbours: a capitalised word right before that is not a function or place word
        let prev_is_name = c.a > c.p
            && is_name_tok(&toks[c.a - 1])
            && !STOP.contains(&prev_word.as_str())
            && !PLACE_PREFIX.contains(&prev_word.as_str());
        let next_is_name = c.b < c.q;
        let after_of = c.a > c.p && CONNECTORS.contains(&prev_word.as_str());
        match &c.what {
            What::Pattern(_) => {
                if ner == Ner::Org && single {
                    continue;
                }
                kept.push(c);
            }
            What::Capital(_) => kept.push(c),
            What::Demonym(_) => {
                // "Syrian" as a surname is rare; a demonym after a first name is not a place
                if prev_is_name && !mostly_caps {
                    continue;
                }
                kept.push(c);
            }
            What::Gaz { entries, .. } => {
                let strong = entries.iter().any(|&e| is_strong(data, e));
                let max_pop = entries.iter().map(|&e| data.entries[e as usize].population).max().unwrap_or(0);
                if single && STOP.contains(&key_word.as_str()) && ner != Ner::Loc {
                    continue;
                }
                // a common word used in lowercase elsewhere in the text ("turkey", "reading")
                let only_cities = entries.iter().all(|&e| data.entries[e as usize].feature == Feature::City);
                if single && ner != Ner::Loc && lower_words.contains(&key_word) && (only_cities || !strong) {
                    continue;
                }
                if ner == Ner::Loc {
                    kept.push(c);
                    continue;
                }
                // "Paul said" after "Chris Paul"
                let national = entries.iter().any(|&e| {
                    let en = &data.entries[e as usize];
                    matches!(en.feature, Feature::Country | Feature::Continent) || en.feature == Feature::Admin1 && en.population >= 500_000
                });
                if single && !national && !next_is_name && !prev_is_name && !loc_prep && person_words.contains(&key_word) {
                    continue;
                }
                // "President Vladimir Putin", "Mr Jordan"
                if TITLES.contains(&prev_word.as_str()) && next_is_name || (TITLES.contains(&prev_word.as_str()) && !entries.iter().any(|&e| data.entries[e as usize].feature != Feature::City)) {
                    continue;
                }
                // "Denzel Washington": the last word of a person's name
                if prev_is_name && !mostly_caps {
                    continue;
                }
                // embedded in an organisation's name ("Washington Post", "University of California")
                if (next_is_name || after_of || ner == Ner::Org) && !strong {
                    continue;
                }
                // a small town's name alone needs a locative cue or a following ", Region"
                if single && only_cities && max_pop < 20_000 && !loc_prep {
                    let comma_place = toks.get(c.b).is_some_and(|t| text.get(t.start..t.end) == Some(","));
                    if !comma_place {
                        continue;
                    }
                }
                if single && only_cities && max_pop < 20_000 && toks[c.a].sent_start && !loc_prep {
                    continue;
                }
                kept.push(c);
            }
        }
    }

    // 4. resolution
    resolve(data, text, &toks, &kept)
}

/// Byte spans sorted by start, for finding the ones that overlap a span without a scan of
/// all of them (documents can hold many thousands of entities and candidates).
struct SpanIndex {
    /// (start, end, index in the caller's list), sorted.
    spans: Vec<(usize, usize, usize)>,
    /// The longest span's length: an overlapping span starts at most this far before.
    longest: usize,
}

impl SpanIndex {
    fn new(spans: impl Iterator<Item = (usize, usize)>) -> Self {
        let mut spans: Vec<(usize, usize, usize)> = spans.enumerate().map(|(k, (s, e))| (s, e, k)).collect();
        spans.sort_unstable();
        let longest = spans.iter().map(|&(s, e, _)| e.saturating_sub(s)).max().unwrap_or(0);
        SpanIndex { spans, longest }
    }

    /// Indices (in the caller's list) of the spans overlapping `start..end`, by start.
    fn overlapping(&self, start: usize, end: usize) -> impl Iterator<Item = usize> + '_ {
        let from = self.spans.partition_point(|&(s, _, _)| s + self.longest < start);
        let to = self.spans.partition_point(|&(s, _, _)| s < end);
        self.spans[from..to.max(from)].iter().filter(move |&&(s, e, _)| s < end && start < e).map(|&(_, _, k)| k)
    }
}

/// AP-style US state abbreviations (after a comma: "Manassas, Va.") -> GeoNames admin1 code.
fn ap_state(abbr: &str) -> Option<&'static str> {
    Some(match abbr {
        "Ala." => "AL", "Ariz." => "AZ", "Ark." => "AR", "Calif." => "CA", "Cal." => "CA", "Colo." => "CO",
        "Conn." => "CT", "Del." => "DE", "Fla." => "FL", "Ga." => "GA", "Ill." => "IL", "Ind." => "IN",
        "Kan." => "KS", "Kans." => "KS", "Ky." => "KY", "La." => "LA", "Md." => "MD", "Mass." => "MA",
        "Mich." => "MI", "Minn." => "MN", "Miss." => "MS", "Mo." => "MO", "Mont." => "MT", "Neb." => "NE",
        "Nev." => "NV", "N.H." => "NH", "N.J." => "NJ", "N.M." => "NM", "N.Y." => "NY", "N.C." => "NC",
        "N.D." => "ND", "Okla." => "OK", "Ore." => "OR", "Pa." => "PA", "Penn." => "PA", "R.I." => "RI",
        "S.C." => "SC", "S.D." => "SD", "Tenn." => "TN", "Tex." => "TX", "Vt." => "VT", "Va." => "VA",
        "Wash." => "WA", "W.Va." => "WV", "Wis." => "WI", "Wyo." => "WY", "D.C." => "DC",
        _ => return None,
    })
}

/// Whether an entry is a well-known place that keeps its place meaning inside other names.
fn is_strong(data: &Data, e: u32) -> bool {
    let en = &data.entries[e as usize];
    match en.feature {
        Feature::City => en.population >= 100_000,
        _ => true,
    }
}

/// Gazetteer, demonym and pattern candidates within the capitalised run `toks[p..q]`.
fn run_candidates(data: &Data, text: &str, toks: &[Tok], p: usize, q: usize, mostly_caps: bool, out: &mut Vec<Cand>) {
    let word = |i: usize| -> &str { text.get(toks[i].start..toks[i].end).unwrap_or("") };
    let before = out.len();
    let p0 = p;
    let mut p = p;
    while p < q && FUNCTION.contains(&fold(word(p)).as_str()) {
        p += 1;
    }
    let mut i = p0;
    while i < q {
        let wi = fold(word(i));
        if toks[i].kind == Kind::Punct || (CONNECTORS.contains(&wi.as_str()) && !toks[i].cap) {
            i += 1;
            continue;
        }
        let mut found: Option<Cand> = None;
        let max_j = (i + data.max_tokens.max(2)).min(q);
        // the folded span starts with the folded word: when no name starts so, only the
        // demonym checks of short spans remain
        let names_here = data.has_name_prefix(wi.trim_end());
        for j in (i + 1..=max_j).rev() {
            if !names_here && j > i + 2 {
                continue;
            }
            let last = &toks[j - 1];
            if !(last.cap || last.all_caps) {
                continue;
            }
            let Some(span) = text.get(toks[i].start..toks[j - 1].end) else { continue };
            let key = fold(span);
            let mut entries: Vec<u32> = if names_here { data.lookup(&key) } else { Vec::new() };
            // short all-caps words ("IT", "AND") only as country-like abbreviations (US, UK, EU)
            if j == i + 1 && toks[i].all_caps && span.trim_end_matches('.').len() <= 4 {
                entries.retain(|&e| data.entries[e as usize].feature != Feature::City);
            }
            if mostly_caps && j == i + 1 {
                entries.retain(|&e| is_strong(data, e));
            }
            // "Canadian", "English": a demonym beats a small town of that name
            if j == i + 1 && data.demonyms.contains_key(key.as_str()) && entries.iter().all(|&e| data.entries[e as usize].feature == Feature::City && data.entries[e as usize].population < 100_000) {
                entries.clear();
            }
            if !entries.is_empty() {
                found = Some(Cand { a: i, b: j, p, q, start: toks[i].start, end: toks[j - 1].end, what: What::Gaz { key, entries } });
                break;
            }
            if j <= i + 2 {
                if let Some(&d) = data.demonyms.get(key.as_str()) {
                    found = Some(Cand { a: i, b: j, p, q, start: toks[i].start, end: toks[j - 1].end, what: What::Demonym(d) });
                    break;
                }
            }
        }
        match found {
            Some(c) => {
                i = c.b;
                out.push(c);
            }
            None => i += 1,
        }
    }
    // a place-type phrase over the whole run ("Royal Street", "Prince William County")
    let mut s = p;
    while s < q && FUNCTION.contains(&fold(word(s)).as_str()) {
        s += 1;
    }
    if q >= s + 2 && !mostly_caps {
        // a place-type phrase is short: the head and at most three words before it
        let s = s.max(q.saturating_sub(4));
        let head = fold(word(q - 1));
        let prefix = fold(word(s));
        let kind = geo_head(&head).or(match prefix.as_str() {
            _ if q > s + 3 => None,
            "lake" | "mount" | "mt" | "cape" | "isle" | "gulf" | "bay" => Some(if prefix == "mount" || prefix == "mt" || prefix == "cape" { "landmark" } else { "water" }),
            _ => None,
        });
        let whole_known = out[before..].iter().any(|c| c.a == s && c.b == q);
        if let (Some(kind), false) = (kind, whole_known) {
            out.truncate(before);
            out.push(Cand { a: s, b: q, p: s, q, start: toks[s].start, end: toks[q - 1].end, what: What::Pattern(kind) });
        }
    }
}

/// A chosen resolution for one candidate.
enum Res {
    Entry(u32),
    Anchored(&'static str),
}

fn resolve(data: &Data, text: &str, toks: &[Tok], cands: &[Cand]) -> Vec<PlaceMention> {
    // prior and primary-name bonus
    let prior = |e: u32, key: &str| -> f64 {
        let en = &data.entries[e as usize];
        let lp = ((en.population as f64) + 1.0).ln();
        let base = match en.feature {
            Feature::Continent => lp + 2.0,
            Feature::Country => lp + 4.0,
            Feature::Admin1 => lp - 2.5,
            Feature::City => lp,
            Feature::Region | Feature::Water | Feature::Landmark => 16.0,
        };
        // alternate names include historic and foreign ones ("Salisbury" for Harare)
        base + if data.is_primary(e, key) { 1.5 } else if en.feature == Feature::City { -2.0 } else { 0.0 }
    };
    // pass 1: countries and admin areas the document is about
    let mut country_w: HashMap<&str, f64> = HashMap::new();
    let mut admin_w: HashMap<(&str, &str), f64> = HashMap::new();
    for c in cands {
        match &c.what {
            What::Demonym(d) | What::Capital(d) => {
                *country_w.entry(data.entries[*d as usize].country).or_default() += 1.0;
            }
            What::Gaz { key, entries } => {
                let mut scored: Vec<(f64, u32)> = entries.iter().map(|&e| (prior(e, key), e)).collect();
                scored.sort_by(|x, y| y.0.total_cmp(&x.0));
                let (s0, e0) = scored[0];
                let margin = scored.get(1).map(|x| s0 - x.0).unwrap_or(10.0);
                let en = &data.entries[e0 as usize];
                if en.country.is_empty() {
                    continue;
                }
                let w = if matches!(en.feature, Feature::Country | Feature::Admin1) || margin >= 2.0 { 1.0 } else { 0.3 };
                *country_w.entry(en.country).or_default() += w;
                if en.feature == Feature::Admin1 {
                    *admin_w.entry((en.country, en.admin1)).or_default() += 1.0;
                } else if en.feature == Feature::City && margin >= 2.0 {
                    *admin_w.entry((en.country, en.admin1)).or_default() += 0.5;
                }
            }
            What::Pattern(_) => {}
        }
    }
    let total_w: f64 = country_w.values().sum::<f64>().max(1.0);

    // sentence index of each token, for "in central Syria" within the sentence
    let mut sent_of = vec![0usize; toks.len()];
    let mut s = 0;
    for (k, t) in toks.iter().enumerate() {
        if t.sent_start && k > 0 {
            s += 1;
        }
        sent_of[k] = s;
    }
    let mut sent_countries: HashMap<usize, HashSet<&str>> = HashMap::new();
    let mut sent_admins: HashMap<usize, HashSet<(&str, &str)>> = HashMap::new();
    for c in cands {
        let sid = sent_of[c.a.min(toks.len() - 1)];
        match &c.what {
            What::Demonym(d) | What::Capital(d) => {
                sent_countries.entry(sid).or_default().insert(data.entries[*d as usize].country);
            }
            What::Gaz { entries, .. } => {
                for &e in entries {
                    let en = &data.entries[e as usize];
                    match en.feature {
                        Feature::Country => {
                            sent_countries.entry(sid).or_default().insert(en.country);
                        }
                        Feature::Admin1 => {
                            sent_admins.entry(sid).or_default().insert((en.country, en.admin1));
                        }
                        _ => {}
                    }
                }
            }
            What::Pattern(_) => {}
        }
    }

    let mut chosen: Vec<Option<Res>> = Vec::with_capacity(cands.len());
    for (ci, c) in cands.iter().enumerate() {
        let r = match &c.what {
            What::Demonym(d) | What::Capital(d) => Some(Res::Entry(*d)),
            What::Pattern(kind) => Some(Res::Anchored(kind)),
            What::Gaz { key, entries } => {
                // containment: "Paris, Texas", "Homs, Syria"
                let mut contained: Vec<(&str, &str)> = Vec::new();
                if let Some(next) = cands.get(ci + 1) {
                    let comma = toks.get(c.b).is_some_and(|t| text.get(t.start..t.end) == Some(",")) && next.a == c.b + 1;
                    if comma {
                        if let What::Gaz { entries: ne, .. } = &next.what {
                            for &e in ne {
                                let en = &data.entries[e as usize];
                                match en.feature {
                                    Feature::Country => contained.push((en.country, "")),
                                    Feature::Admin1 => contained.push((en.country, en.admin1)),
                                    _ => {}
                                }
                            }
                        }
                    }
                }
                let sid = sent_of[c.a.min(toks.len() - 1)];
                let mut best: Option<(f64, u32)> = None;
                for &e in entries {
                    let en = &data.entries[e as usize];
                    let mut sc = prior(e, key);
                    if !en.country.is_empty() {
                        if let Some(w) = country_w.get(en.country) {
                            // the mention's own country evidence does not count for itself
                            let own = if matches!(en.feature, Feature::Country) { 1.0 } else { 0.0 };
                            let w = (w - own).max(0.0);
                            if w > 0.0 {
                                sc += 2.0 + 4.0 * w / total_w;
                            }
                        }
                        if en.feature == Feature::City {
                            if let Some(w) = admin_w.get(&(en.country, en.admin1)) {
                                sc += 1.0 + w.min(2.0);
                            }
                            if sent_countries.get(&sid).is_some_and(|s| s.contains(&*en.country)) {
                                sc += 3.0;
                            }
                            if sent_admins.get(&sid).is_some_and(|s| s.contains(&(&*en.country, &*en.admin1))) {
                                sc += 3.0;
                            }
                        }
                        for &(cc, a1) in &contained {
                            if cc == en.country && (a1.is_empty() || a1 == en.admin1) && en.feature != Feature::Country {
                                sc += if a1.is_empty() { 8.0 } else { 12.0 };
                            }
                        }
                    }
                    if best.is_none_or(|(b, _)| sc > b) {
                        best = Some((sc, e));
                    }
                }
                best.map(|(_, e)| Res::Entry(e))
            }
        };
        chosen.push(r);
    }

    // anchored places take the nearest preceding resolved locality, else the next one,
    // else the document's main country
    let top_country: Option<u32> = country_w
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .and_then(|(cc, _)| data.countries.get(*cc).copied());
    let locality = |r: &Option<Res>| -> Option<u32> {
        match r {
            Some(Res::Entry(e)) if matches!(data.entries[*e as usize].feature, Feature::City | Feature::Landmark) => Some(*e),
            _ => None,
        }
    };
    // the document's focus locality: the most mentioned city (earliest on ties)
    let mut counts: HashMap<u32, (usize, usize)> = HashMap::new();
    for (ci, r) in chosen.iter().enumerate() {
        if let Some(e) = locality(r) {
            let x = counts.entry(e).or_insert((0, ci));
            x.0 += 1;
        }
    }
    let focus = counts.iter().max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1))).map(|(&e, _)| e);
    let mut out = Vec::with_capacity(cands.len());
    for (ci, c) in cands.iter().enumerate() {
        let place = match &chosen[ci] {
            None => continue,
            Some(Res::Entry(e)) => to_place(data, *e),
            Some(Res::Anchored(kind)) => {
                let anchor = focus.or(top_country);
                let Some(a) = anchor else { continue };
                let mut p = to_place(data, a);
                p.name = text.get(c.start..c.end).unwrap_or("").to_string();
                p.feature = kind.to_string();
                p.geonames_id = None;
                p.population = 0;
                p
            }
        };
        out.push(PlaceMention { start: c.start, end: c.end, place });
    }
    out
}

/// The model's `Place` for an entry.
pub fn to_place(data: &Data, e: u32) -> Place {
    let en = &data.entries[e as usize];
    let admin1 = if en.admin1.is_empty() {
        None
    } else {
        Some(
            data.admin1s
                .get(&(Box::from(en.country), Box::from(en.admin1)))
                .map(|&a| data.entries[a as usize].name.to_string())
                .unwrap_or_else(|| en.admin1.to_string()),
        )
    };
    Place {
        name: en.name.to_string(),
        country: (!en.country.is_empty()).then(|| en.country.to_string()),
        admin1: if en.feature == Feature::Admin1 { Some(en.name.to_string()) } else { admin1 },
        lat: (en.lat as f64 * 1e4).round() / 1e4,
        lon: (en.lon as f64 * 1e4).round() / 1e4,
        geonames_id: (en.id != 0).then_some(en.id),
        feature: en.feature.as_str().to_string(),
        population: en.population,
    }
}
