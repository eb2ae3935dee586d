//! dateline's data model: plain data types shared by every stage.
//!
//! Invariants (see ARCHITECTURE.md):
//! - every span is a pair of **byte offsets into `Article::text`**, `start <= end`, both on
//!   UTF-8 character boundaries; the text of a span is always `&article.text[start..end]`;
//! - token indices (`head`, `token_start`, `token_end`) index `Doc::tokens`;
//! - no I/O here and no dependency on other dateline crates. Serialized *wire* formats
//!   (the JSON contracts) are defined by the `store` crate, not by these derives.
#![warn(missing_docs)]

pub mod date;
pub use date::Date;
/// The inline string type of [`Token`]'s fields (re-exported so users need no own dependency).
pub use compact_str::CompactString;

use serde::{Deserialize, Serialize};

/// A byte range into `Article::text`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    /// The spanned text, or `""` if the span does not fit `text` (never panics).
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }
    /// Whether `other` lies within this span.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// One input article, as read by `ingest`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable id: given by the input (JSONL `id`) or a hash of the normalized text.
    pub id: String,
    /// Canonical URL, when known.
    pub url: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Byline / author(s).
    pub byline: Option<String>,
    /// Publication date; the anchor for relative time expressions.
    pub published: Option<Date>,
    /// Outlet or site name.
    pub source: Option<String>,
    /// Language code when detected (`en`).
    pub language: Option<String>,
    /// The clean body text all offsets refer to.
    pub text: String,
    /// Where the article came from, for messages: `path`, `path:line` or `path#record`.
    pub origin: String,
    /// Number of articles in this article's duplicate group (GDELT NumArticles); 1 if unique.
    pub num_articles: u32,
    /// Number of distinct sources (sites) in the duplicate group (GDELT NumSources).
    pub num_sources: u32,
}

/// A sentence: its byte span and its tokens `tokens[token_start..token_end]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Index of the sentence's first token in `Doc::tokens`.
    pub token_start: usize,
    /// One past the index of its last token.
    pub token_end: usize,
}

/// One token with its annotations. Unset string fields are empty; an unparsed token has
/// `head == -1` and an empty `deprel`. The string fields are [`CompactString`]s: tags,
/// relations and nearly all lemmas fit inline (up to 24 bytes), so a token owns no heap memory
/// and a long document costs a flat 120 bytes per token.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Token {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Universal POS tag (`PROPN`).
    pub upos: CompactString,
    /// Penn Treebank tag (`NNP`).
    pub xpos: CompactString,
    /// Lemma (`meet` for "met").
    pub lemma: CompactString,
    /// Index of the head token in `Doc::tokens`; -1 for the root (or when unparsed).
    pub head: i32,
    /// UD relation to the head (`nsubj`).
    pub deprel: CompactString,
}

/// Named-entity label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityLabel {
    /// Person.
    PER,
    /// Organisation.
    ORG,
    /// Location.
    LOC,
    /// Other / MISC (nationalities, groups, events …).
    OTH,
}

impl EntityLabel {
    /// The label as written in output (`PER`).
    pub fn as_str(self) -> &'static str {
        match self {
            EntityLabel::PER => "PER",
            EntityLabel::ORG => "ORG",
            EntityLabel::LOC => "LOC",
            EntityLabel::OTH => "OTH",
        }
    }
    /// Parses `PER`, `ORG`, `LOC`, `OTH` (also `MISC` and `GPE`).
    pub fn parse(s: &str) -> Option<EntityLabel> {
        Some(match s {
            "PER" | "PERSON" => EntityLabel::PER,
            "ORG" => EntityLabel::ORG,
            "LOC" | "GPE" => EntityLabel::LOC,
            "OTH" | "MISC" => EntityLabel::OTH,
            _ => return None,
        })
    }
}

/// A named entity mention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// First token index.
    pub token_start: usize,
    /// One past the last token index.
    pub token_end: usize,
    /// Entity type.
    pub label: EntityLabel,
}

/// A mention of a political actor, resolved to a CAMEO-style code.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActorMention {
    /// First byte of the whole mention ("Russia's Foreign Minister Sergei Lavrov").
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// First token index.
    pub token_start: usize,
    /// One past the last token index.
    pub token_end: usize,
    /// Full code, country + agent(s): `RUSGOV`, `IGOUNO`, `SYRREB`.
    pub code: CompactString,
    /// The country (or IGO/NGO top) part: `RUS`; `None` when there is none.
    pub country: Option<CompactString>,
    /// The primary agent part: `GOV`; `None` for a bare country.
    pub agent: Option<CompactString>,
    /// Canonical name of the actor when it is a named entity ("Sergei Lavrov").
    pub name: Option<CompactString>,
    /// Dictionary entry (or rule) that produced the code, e.g. `actors/people.txt:212`.
    pub entry: CompactString,
    /// When found by coreference: index (in `Doc::actors`) of the mention it refers back to.
    pub antecedent: Option<usize>,
}

/// TIMEX3 type of a temporal expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TimeKind {
    /// A calendar date or period ("Monday", "January this year", "2017").
    DATE,
    /// A time of day ("Sunday night", "3 p.m.").
    TIME,
    /// A duration ("49 years").
    DURATION,
    /// A recurrence ("every week").
    SET,
}

/// A normalized temporal expression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeExpr {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// TIMEX3 type.
    pub kind: TimeKind,
    /// TIMEX3 value: `2020-09-07`, `2020-01`, `2017`, `P49Y`, `PAST_REF`, `2020-09-06TNI`…
    pub value: String,
    /// TIMEX3 `mod` (`APPROX`, `START`, …) when any.
    pub modifier: Option<String>,
}

/// How precise an event date is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    /// A known day.
    Day,
    /// A known month.
    Month,
    /// A known year.
    Year,
    /// Vaguer than a year ("in recent years").
    Fuzzy,
}

impl DatePrecision {
    /// `day`, `month`, `year`, `fuzzy`.
    pub fn as_str(self) -> &'static str {
        match self {
            DatePrecision::Day => "day",
            DatePrecision::Month => "month",
            DatePrecision::Year => "year",
            DatePrecision::Fuzzy => "fuzzy",
        }
    }
}

/// A gazetteer entry.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Preferred name ("Damascus").
    pub name: String,
    /// ISO 3166-1 alpha-2 country code ("SY").
    pub country: Option<String>,
    /// First-level administrative area name or code.
    pub admin1: Option<String>,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// GeoNames id.
    pub geonames_id: Option<u64>,
    /// Feature kind: `country`, `admin1`, `city`, `region`, `water`, `landmark`, …
    pub feature: String,
    /// Population when known (0 otherwise).
    pub population: u64,
}

/// A toponym in the text, resolved to a place.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlaceMention {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The resolved gazetteer entry.
    pub place: Place,
}

/// An actor as it takes part in an event.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EventActor {
    /// Full code (`RUSGOV`).
    pub code: CompactString,
    /// Country / top part (`RUS`).
    pub country: Option<CompactString>,
    /// Agent part (`GOV`).
    pub agent: Option<CompactString>,
    /// Canonical name ("Sergei Lavrov").
    pub name: Option<CompactString>,
    /// First byte of the mention.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl From<&ActorMention> for EventActor {
    fn from(m: &ActorMention) -> Self {
        EventActor {
            code: m.code.clone(),
            country: m.country.clone(),
            agent: m.agent.clone(),
            name: m.name.clone(),
            start: m.start,
            end: m.end,
        }
    }
}

/// Whether the text asserts the event happened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    /// Reported as having happened / happening.
    #[default]
    Asserted,
    /// Planned, scheduled, intended or future ("will", "was due to", "plans to").
    Planned,
    /// Possible, conditional, demanded or hoped for ("could", "may", "if").
    Possible,
}

impl Modality {
    /// `asserted`, `planned`, `possible`.
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Asserted => "asserted",
            Modality::Planned => "planned",
            Modality::Possible => "possible",
        }
    }
}

/// A coded event: who did what to whom, when and where, with its evidence.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Index of the sentence in `Doc::sentences`.
    pub sentence: usize,
    /// The evidence span (the sentence).
    pub evidence: Span,
    /// The predicate's span ("discussed", "talks").
    pub predicate: Span,
    /// Source actor.
    pub source: Option<EventActor>,
    /// Target actor.
    pub target: Option<EventActor>,
    /// CAMEO event code ("040", "0234", "190").
    pub code: CompactString,
    /// CAMEO root ("04").
    pub root: CompactString,
    /// QuadClass 1–4 (GDELT).
    pub quad_class: u8,
    /// Goldstein scale value.
    pub goldstein: f32,
    /// PLOVER event type ("CONSULT").
    pub plover: Option<CompactString>,
    /// PLOVER mode when it follows from the code.
    pub plover_mode: Option<CompactString>,
    /// Event date as a TIMEX3-style value at `date_precision` (`2020-09-07`, `2020-01`, `2017`).
    pub date: Option<CompactString>,
    /// Precision of `date`.
    pub date_precision: Option<DatePrecision>,
    /// The words the date came from (`Monday`); `None` when taken from the article date.
    pub date_text: Option<CompactString>,
    /// Where the event took place.
    pub place: Option<Place>,
    /// The words the place came from, when from the text.
    pub place_span: Option<Span>,
    /// The dictionary entry or built-in rule that produced the code (`verbs:discuss+with#040`).
    pub rule: CompactString,
    /// The predicate is negated ("did not attack").
    pub negated: bool,
    /// Asserted, planned or possible.
    pub modality: Modality,
}

/// A note from a stage about something it could not do on this document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The stage that wrote it.
    pub stage: String,
    /// What happened.
    pub message: String,
}

/// Everything the pipeline knows about one article. Stages fill the layers in order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Doc {
    /// The article; all offsets refer to `article.text`.
    pub article: Article,
    /// Sentences in text order.
    pub sentences: Vec<Sentence>,
    /// Tokens in text order.
    pub tokens: Vec<Token>,
    /// Named entities in text order.
    pub entities: Vec<Entity>,
    /// Actor mentions in text order.
    pub actors: Vec<ActorMention>,
    /// Temporal expressions in text order.
    pub times: Vec<TimeExpr>,
    /// Toponyms in text order.
    pub places: Vec<PlaceMention>,
    /// Coded events, in sentence order.
    pub events: Vec<Event>,
    /// What stages could not do.
    pub diagnostics: Vec<Diagnostic>,
}

impl Doc {
    /// A document with only its article set.
    pub fn new(article: Article) -> Doc {
        Doc { article, ..Default::default() }
    }
    /// The text of a byte span ("" if out of range).
    pub fn span_text(&self, start: usize, end: usize) -> &str {
        self.article.text.get(start..end).unwrap_or("")
    }
    /// The text of token `i`.
    pub fn token_text(&self, i: usize) -> &str {
        self.tokens.get(i).map(|t| self.span_text(t.start, t.end)).unwrap_or("")
    }
    /// Index of the sentence containing token `i`.
    pub fn sentence_of_token(&self, i: usize) -> Option<usize> {
        let k = self.sentences.partition_point(|s| s.token_end <= i);
        (k < self.sentences.len() && self.sentences[k].token_start <= i).then_some(k)
    }
    /// Records a diagnostic.
    pub fn note(&mut self, stage: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic { stage: stage.to_string(), message: message.into() });
    }
}

/// A layer of annotation that a stage requires or assigns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layer {
    /// `Doc::sentences`.
    Sentences,
    /// `Doc::tokens` (offsets only).
    Tokens,
    /// `Token::upos` / `xpos`.
    Tags,
    /// `Token::lemma`.
    Lemmas,
    /// `Token::head` / `deprel`.
    Parse,
    /// `Doc::entities`.
    Entities,
    /// `Doc::actors`.
    Actors,
    /// `Doc::times`.
    Times,
    /// `Doc::places`.
    Places,
    /// `Doc::events` (coded, undated).
    Events,
    /// `Event::date*`.
    EventDates,
    /// `Event::place*`.
    EventPlaces,
}

/// A pipeline component. Stages are immutable after construction and shared across threads;
/// `run` must never panic on any text (record a [`Diagnostic`] instead).
pub trait Stage: Send + Sync {
    /// Short name used in diagnostics and `explain` output.
    fn name(&self) -> &'static str;
    /// Layers that must be present before this stage runs.
    fn requires(&self) -> &'static [Layer];
    /// Layers this stage fills.
    fn assigns(&self) -> &'static [Layer];
    /// Annotates the document.
    fn run(&self, doc: &mut Doc);
    /// Annotates several documents, with the same results as [`Stage::run`] on each. A stage
    /// with large tables may take the documents step by step instead of one after another,
    /// so that each step's tables stay in cache from one document to the next.
    fn run_batch(&self, docs: &mut [Doc]) {
        for d in docs {
            self.run(d);
        }
    }
    /// A hash of the resources (model weights, dictionaries) this stage was loaded with, so that
    /// output can record exactly what produced it. 0 for stages without resources.
    fn fingerprint(&self) -> u64 {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_fields_live_inline() {
        // a long document holds millions of tokens: no heap allocation per annotation
        assert!(std::mem::size_of::<Token>() <= 120, "Token grew to {} bytes", std::mem::size_of::<Token>());
        let mut t = Token { start: 0, end: 27, upos: "PROPN".into(), xpos: "NNP".into(), lemma: "internationalization-talks".into(), head: -1, ..Default::default() };
        t.deprel.push_str("nmod:poss");
        for s in [&t.upos, &t.xpos, &t.deprel] {
            assert!(!s.is_heap_allocated(), "{s} on the heap");
        }
        // longer than 24 bytes: still a plain string, only stored on the heap
        assert!(t.lemma.is_heap_allocated() && t.lemma == "internationalization-talks");
        assert_eq!(t.clone(), t);
    }
}
