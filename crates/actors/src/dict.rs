//! The in-memory dictionary: interned words, a phrase trie for actors and one for agents,
//! date-bounded codes, and CAMEO code composition.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A small, fast, deterministic hasher (FxHash) for the word and edge tables.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut v = [0u8; 8];
            v[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(v));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64)
    }
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64)
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i)
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64)
    }
}

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// HashMap with [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// What kind of name an actor phrase is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameKind {
    /// A proper name of a country, organisation or group ("Russia", "NATO").
    Name,
    /// A demonym or adjective ("Russian", "Russians").
    Adj,
    /// A capital city used as a metonym ("Moscow").
    Capital,
    /// A named person.
    Person,
    /// An entry from a PETRARCH actor file (kind unknown).
    Petrarch,
}

/// A code valid on a day range (days since 1970-01-01, both ends inclusive; `None` = open).
#[derive(Clone, Debug, PartialEq)]
pub struct DatedCode {
    /// The CAMEO actor code (`RUSGOV`).
    pub code: String,
    /// First valid day.
    pub from: Option<i64>,
    /// Last valid day.
    pub to: Option<i64>,
    /// Role title for people ("foreign minister"), lower case; empty when unknown.
    pub title: String,
}

/// One actor: its names, its codes, where it was defined.
#[derive(Clone, Debug)]
pub struct ActorEntry {
    /// Canonical name ("Sergei Lavrov", "Russia").
    pub name: String,
    /// Dated codes (tried first; the narrowest matching range wins).
    pub dated: Vec<DatedCode>,
    /// Undated default code, when any.
    pub default: Option<String>,
    /// Name kind.
    pub kind: NameKind,
    /// Female (for pronoun agreement), when known.
    pub female: Option<bool>,
    /// The dictionary file it came from (`actors/countries.txt`, `Phoenix.agents.txt`).
    pub file: std::sync::Arc<str>,
}

impl ActorEntry {
    /// The code on `day` (days since epoch) and its role title: the narrowest dated range that
    /// contains the day, else the undated default. Without a date: the current (open-ended)
    /// role, else the default, else the latest-starting dated code.
    pub fn code_on(&self, day: Option<i64>) -> Option<(&str, &str)> {
        match day {
            Some(d) => {
                let mut best: Option<(&DatedCode, i64)> = None;
                for c in &self.dated {
                    let ok = c.from.is_none_or(|f| d >= f) && c.to.is_none_or(|t| d <= t);
                    if !ok {
                        continue;
                    }
                    let width = match (c.from, c.to) {
                        (Some(f), Some(t)) => t - f,
                        _ => i64::MAX,
                    };
                    if best.is_none_or(|(_, w)| width < w) {
                        best = Some((c, width));
                    }
                }
                if let Some((c, _)) = best {
                    return Some((c.code.as_str(), c.title.as_str()));
                }
                self.default.as_deref().map(|c| (c, ""))
            }
            None => {
                // no date: the current (open-ended) role, else the default
                if let Some(c) = self
                    .dated
                    .iter()
                    .filter(|c| c.to.is_none())
                    .max_by_key(|c| c.from.unwrap_or(i64::MIN))
                {
                    return Some((c.code.as_str(), c.title.as_str()));
                }
                if let Some(c) = &self.default {
                    return Some((c.as_str(), ""));
                }
                self.dated
                    .iter()
                    .max_by_key(|c| (c.to.is_none(), c.from.unwrap_or(i64::MIN)))
                    .map(|c| (c.code.as_str(), c.title.as_str()))
            }
        }
    }
}

/// One agent (role): code, whether it is prefixed (PETRARCH `NGO~`), its title.
#[derive(Clone, Debug)]
pub struct AgentEntry {
    /// Agent code (`GOV`, `MIL`, `GOVMED`).
    pub code: String,
    /// Prefix the code before the actor code (PETRARCH `[NGO~]`) instead of after it.
    pub prefix: bool,
    /// Canonical title, lower case ("foreign minister").
    pub title: String,
    /// The dictionary file it came from.
    pub file: std::sync::Arc<str>,
}

/// Case requirement of a dictionary phrase.
#[derive(Clone, Debug, PartialEq)]
pub enum CaseReq {
    /// Any case.
    Any,
    /// At least one matched word has a capital letter (PETRARCH actor names).
    AnyCap,
    /// Per word: 0 any, 1 capitalised, 2 all capitals.
    PerWord(Vec<u8>),
}

/// A phrase stored in a trie: which entry, and how it must be written.
#[derive(Clone, Debug)]
pub struct Phrase {
    /// Index of the entry (actor or agent).
    pub entry: u32,
    /// The plural form of an agent.
    pub plural: bool,
    /// Case requirement.
    pub case: CaseReq,
    /// `file:line` of the phrase itself.
    pub line: u32,
}

/// A phrase trie over interned words.
#[derive(Default)]
pub struct Trie {
    edges: FxMap<u64, u32>,
    /// Node -> phrase index (u32::MAX for none).
    payload: Vec<u32>,
    /// Stored phrases.
    pub phrases: Vec<Phrase>,
}

impl Trie {
    fn new() -> Trie {
        Trie {
            edges: FxMap::default(),
            payload: vec![u32::MAX],
            phrases: Vec::new(),
        }
    }
    /// Inserts a phrase of word ids; a later phrase with the same words replaces the earlier.
    pub fn insert(&mut self, words: &[u32], p: Phrase) {
        let mut node = 0u32;
        for &w in words {
            let k = ((node as u64) << 32) | w as u64;
            node = match self.edges.get(&k) {
                Some(&n) => n,
                None => {
                    let n = self.payload.len() as u32;
                    self.payload.push(u32::MAX);
                    self.edges.insert(k, n);
                    n
                }
            };
        }
        let idx = self.phrases.len() as u32;
        self.phrases.push(p);
        self.payload[node as usize] = idx;
    }
    /// The child of `node` by word `w`.
    #[inline]
    pub fn step(&self, node: u32, w: u32) -> Option<u32> {
        self.edges.get(&(((node as u64) << 32) | w as u64)).copied()
    }
    /// The phrase ending at `node`.
    #[inline]
    pub fn at(&self, node: u32) -> Option<&Phrase> {
        let p = self.payload[node as usize];
        (p != u32::MAX).then(|| &self.phrases[p as usize])
    }
    /// Number of phrases stored.
    pub fn len(&self) -> usize {
        self.phrases.len()
    }
    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }
}

/// Interned words + the two tries + entries.
pub struct Dict {
    words: FxMap<Box<str>, u32>,
    /// Actor phrases.
    pub actors: Trie,
    /// Agent phrases.
    pub agents: Trie,
    /// Actor entries.
    pub actor_entries: Vec<ActorEntry>,
    /// Agent entries.
    pub agent_entries: Vec<AgentEntry>,
    /// Modifier words that turn a role into `ELI` ("former").
    pub former: Vec<String>,
    /// ISO 3166 alpha-2 -> CAMEO country code.
    pub iso: FxMap<String, String>,
}

impl Default for Dict {
    fn default() -> Self {
        Dict {
            words: FxMap::default(),
            actors: Trie::new(),
            agents: Trie::new(),
            actor_entries: Vec::new(),
            agent_entries: Vec::new(),
            former: Vec::new(),
            iso: FxMap::default(),
        }
    }
}

impl Dict {
    /// The id of a word key, interning it.
    pub fn intern(&mut self, k: &str) -> u32 {
        if let Some(&i) = self.words.get(k) {
            return i;
        }
        let i = self.words.len() as u32;
        self.words.insert(k.into(), i);
        i
    }
    /// The id of a word key, if known.
    #[inline]
    pub fn word(&self, k: &str) -> Option<u32> {
        self.words.get(k).copied()
    }
    /// Adds an actor phrase (already split into keys).
    pub fn add_actor_phrase(&mut self, keys: &[String], entry: u32, case: CaseReq, line: u32) {
        if keys.is_empty() {
            return;
        }
        let ids: Vec<u32> = keys.iter().map(|k| self.intern(k)).collect();
        self.actors.insert(
            &ids,
            Phrase {
                entry,
                plural: false,
                case,
                line,
            },
        );
    }
    /// Adds an agent phrase.
    pub fn add_agent_phrase(
        &mut self,
        keys: &[String],
        entry: u32,
        plural: bool,
        case: CaseReq,
        line: u32,
    ) {
        if keys.is_empty() {
            return;
        }
        let ids: Vec<u32> = keys.iter().map(|k| self.intern(k)).collect();
        self.agents.insert(
            &ids,
            Phrase {
                entry,
                plural,
                case,
                line,
            },
        );
    }
    /// Number of distinct words.
    pub fn word_count(&self) -> usize {
        self.words.len()
    }
}

/// Composes an actor code with an agent code the way PETRARCH does: the agent is appended
/// (or prepended when `prefix`) unless the actor code already contains it.
pub fn compose(actor: &str, agent: &str, prefix: bool) -> String {
    // contained when it occurs at a 3-letter code boundary ("USAGOV" has GOV, "GMWGOV" has no WGO)
    let contained = actor.is_char_boundary(0)
        && (0..actor.len())
            .step_by(3)
            .any(|i| actor.get(i..).is_some_and(|r| r.starts_with(agent)));
    if agent.is_empty() || contained {
        return actor.to_string();
    }
    if prefix {
        format!("{agent}{actor}")
    } else {
        format!("{actor}{agent}")
    }
}

/// Parses a date bound: `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, `YYYYMMDD` or PETRARCH `YYMMDD`
/// (YY <= 30 is 20YY). `end` picks the last day of a month/year for partial dates.
pub fn parse_day(s: &str, end: bool) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    let num = |r: &str| r.parse::<i32>().ok();
    let (y, m, d): (i32, Option<u8>, Option<u8>) =
        if b.len() == 6 && b.iter().all(u8::is_ascii_digit) {
            let yy = num(&s[0..2])?;
            (
                if yy <= 30 { 2000 + yy } else { 1900 + yy },
                Some(num(&s[2..4])? as u8),
                Some(num(&s[4..6])? as u8),
            )
        } else if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
            (
                num(&s[0..4])?,
                Some(num(&s[4..6])? as u8),
                Some(num(&s[6..8])? as u8),
            )
        } else if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            (
                num(&s[0..4])?,
                Some(num(&s[5..7])? as u8),
                Some(num(&s[8..10])? as u8),
            )
        } else if b.len() == 7 && b[4] == b'-' {
            (num(&s[0..4])?, Some(num(&s[5..7])? as u8), None)
        } else if b.len() == 4 && b.iter().all(u8::is_ascii_digit) {
            (num(s)?, None, None)
        } else {
            return None;
        };
    let m2 = m.unwrap_or(if end { 12 } else { 1 });
    let d2 = match d {
        Some(d) => d,
        None if end => model::date::days_in_month(y, m2),
        None => 1,
    };
    model::Date::new(y, m2, d2).map(|d| d.to_days())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composition() {
        assert_eq!(compose("RUS", "GOV", false), "RUSGOV");
        assert_eq!(compose("USAGOV", "GOV", false), "USAGOV");
        assert_eq!(compose("ARN", "NGO", true), "NGOARN");
        assert_eq!(compose("GMWGOV", "WGO", false), "GMWGOVWGO");
        assert_eq!(compose("HGWGOVMED", "GOVMED", false), "HGWGOVMED");
    }

    #[test]
    fn dates() {
        let d = |s| {
            parse_day(s, false)
                .map(model::Date::from_days)
                .map(|d| d.to_string())
        };
        assert_eq!(d("950601").as_deref(), Some("1995-06-01"));
        assert_eq!(d("200601").as_deref(), Some("2020-06-01"));
        assert_eq!(d("19950601").as_deref(), Some("1995-06-01"));
        assert_eq!(d("2004017"), None);
        assert_eq!(
            parse_day("2020", true)
                .map(model::Date::from_days)
                .map(|d| d.to_string())
                .as_deref(),
            Some("2020-12-31")
        );
    }

    #[test]
    fn narrowest_range_wins() {
        let day = |s| parse_day(s, false);
        let e = ActorEntry {
            name: "x".into(),
            dated: vec![
                DatedCode {
                    code: "A".into(),
                    from: day("20080120"),
                    to: day("20121109"),
                    title: String::new(),
                },
                DatedCode {
                    code: "B".into(),
                    from: day("20100109"),
                    to: day("20100112"),
                    title: String::new(),
                },
            ],
            default: Some("D".into()),
            kind: NameKind::Person,
            female: None,
            file: "t".into(),
        };
        assert_eq!(e.code_on(day("20100110")).unwrap().0, "B");
        assert_eq!(e.code_on(day("20100113")).unwrap().0, "A");
        assert_eq!(e.code_on(day("20200113")).unwrap().0, "D");
    }
}
