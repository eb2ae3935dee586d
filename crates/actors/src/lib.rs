//! Actor and agent dictionaries and actor-mention recognition.
//!
//! - [`ActorDict::builtin`] loads dateline's own dictionaries (`dictionaries/actors/*.txt`,
//!   `dictionaries/agents.txt`, format in `dictionaries/ACTORS.md`), compiled into the binary.
//! - [`ActorDict::from_petrarch_files`] reads PETRARCH actor and agent files unchanged.
//! - As a pipeline [`Stage`] it fills `doc.actors`: longest-match lookup over the tokens,
//!   composition of country + agent + person ("Russia's Foreign Minister Sergei Lavrov" ->
//!   `RUSGOV`, name "Sergei Lavrov"), date-bounded roles resolved by the article's date, and
//!   coreference (repeated names, "the Russian foreign minister", "Moscow's envoy", pronouns)
//!   recorded in `ActorMention::antecedent`.
#![warn(missing_docs)]

pub mod dict;
pub mod own;
pub mod petrarch;
mod recognize;
pub mod words;

use dict::{Dict, NameKind};
use model::{Date, Doc, Layer, Stage};
use std::path::{Path, PathBuf};

/// Behaviour switches that differ between the own and the PETRARCH dictionaries.
#[derive(Clone, Debug)]
pub struct Options {
    /// Country part written when an agent has no country: `""` (own: `GOV`, as GDELT) or
    /// `"---"` (PETRARCH: `---GOV`).
    pub unknown_country: String,
    /// Give agent-only mentions a country from the sentence or document context.
    pub infer_country: bool,
    /// Put an organisation's canonical name in `ActorMention::name`.
    pub names_for_orgs: bool,
}

/// A loaded actor + agent dictionary. Immutable after loading; shared across threads.
pub struct ActorDict {
    dict: Dict,
    opts: Options,
}

/// The built-in dictionary files: (path under `dictionaries/`, kind, text).
const BUILTIN: &[(&str, &str, &str)] = &[
    (
        "actors/countries.txt",
        "actors",
        include_str!("../../../dictionaries/actors/countries.txt"),
    ),
    (
        "actors/organizations.txt",
        "actors",
        include_str!("../../../dictionaries/actors/organizations.txt"),
    ),
    (
        "actors/parties.txt",
        "actors",
        include_str!("../../../dictionaries/actors/parties.txt"),
    ),
    (
        "actors/people.txt",
        "people",
        include_str!("../../../dictionaries/actors/people.txt"),
    ),
    (
        "agents.txt",
        "agents",
        include_str!("../../../dictionaries/agents.txt"),
    ),
];

impl ActorDict {
    /// The built-in dictionaries under `dictionaries/`, compiled into the binary.
    pub fn builtin() -> Result<ActorDict, String> {
        let (d, warnings) = Self::from_own_texts(BUILTIN.iter().map(|&(f, k, t)| (f, k, t)))?;
        if let Some(w) = warnings.first() {
            return Err(format!(
                "built-in dictionary: {w} ({} problems)",
                warnings.len()
            ));
        }
        Ok(d)
    }

    /// Builds a dictionary from own-format texts: `(file label, kind, text)` with kind
    /// `actors`, `people` or `agents`. Returns the malformed lines as warnings.
    pub fn from_own_texts<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Result<(ActorDict, Vec<String>), String> {
        let mut dict = Dict::default();
        let mut warnings = Vec::new();
        for (file, kind, text) in files {
            match kind {
                "actors" => own::read_actors(&mut dict, file, text, &mut warnings),
                "people" => own::read_people(&mut dict, file, text, &mut warnings),
                "agents" => own::read_agents(&mut dict, file, text, &mut warnings),
                k => return Err(format!("{file}: unknown dictionary kind '{k}'")),
            }
        }
        let opts = Options {
            unknown_country: String::new(),
            infer_country: true,
            names_for_orgs: true,
        };
        Ok((ActorDict { dict, opts }, warnings))
    }

    /// Reads PETRARCH-format actor files and an agent file. Malformed lines are returned as
    /// warnings (`file:line: message`); the rest loads.
    pub fn from_petrarch_files(
        actor_files: &[PathBuf],
        agent_file: Option<&Path>,
    ) -> Result<(ActorDict, Vec<String>), String> {
        let mut dict = Dict::default();
        let mut warnings = Vec::new();
        for f in actor_files {
            petrarch::read_actor_file(&mut dict, f, &mut warnings)?;
        }
        if let Some(f) = agent_file {
            petrarch::read_agent_file(&mut dict, f, &mut warnings)?;
        }
        let opts = Options {
            unknown_country: "---".into(),
            infer_country: false,
            names_for_orgs: false,
        };
        Ok((ActorDict { dict, opts }, warnings))
    }

    /// The behaviour switches in use.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Changes the behaviour switches.
    pub fn set_options(&mut self, opts: Options) {
        self.opts = opts;
    }

    /// Number of actor phrases (names and synonyms) loaded.
    pub fn actor_phrase_count(&self) -> usize {
        self.dict.actors.len()
    }

    /// Number of agent phrases (with generated plurals) loaded.
    pub fn agent_phrase_count(&self) -> usize {
        self.dict.agents.len()
    }

    /// The underlying tables (for tools such as `explain`).
    pub fn tables(&self) -> &Dict {
        &self.dict
    }

    fn lookup<'a>(&'a self, trie: &'a dict::Trie, phrase: &str) -> Option<&'a dict::Phrase> {
        let keys = words::phrase_keys(phrase);
        let mut node = 0u32;
        for k in &keys {
            node = trie.step(node, self.dict.word(k)?)?;
        }
        trie.at(node)
    }

    /// The code of an actor name ("Russia", "Sergei Lavrov", "NATO") on `date` (case ignored).
    pub fn actor_code(&self, phrase: &str, date: Option<Date>) -> Option<String> {
        let p = self.lookup(&self.dict.actors, phrase)?;
        let e = &self.dict.actor_entries[p.entry as usize];
        e.code_on(date.map(|d| d.to_days()))
            .map(|(c, _)| c.to_string())
    }

    /// The agent code of a role word or phrase ("police" -> `COP`, "foreign minister" ->
    /// `GOV`), with whether it is placed before the actor code (PETRARCH `NGO~`).
    pub fn agent_code(&self, phrase: &str) -> Option<(String, bool)> {
        let p = self.lookup(&self.dict.agents, phrase)?;
        let e = &self.dict.agent_entries[p.entry as usize];
        Some((e.code.clone(), e.prefix))
    }

    /// The CAMEO country code of a country name, demonym or capital ("Syrian" -> `SYR`).
    pub fn country_code(&self, phrase: &str) -> Option<String> {
        let p = self.lookup(&self.dict.actors, phrase)?;
        let e = &self.dict.actor_entries[p.entry as usize];
        if e.kind == NameKind::Person {
            return None;
        }
        e.code_on(None).map(|(c, _)| c.chars().take(3).collect())
    }

    /// The CAMEO country code of an ISO 3166 alpha-2 code ("SY" -> `SYR`).
    pub fn iso2_to_cameo(&self, iso2: &str) -> Option<&str> {
        self.dict.iso.get(&iso2.to_uppercase()).map(|s| s.as_str())
    }

    /// Composes an actor code with an agent code as PETRARCH does ("RUS" + "GOV" -> `RUSGOV`;
    /// unchanged when already contained; `prefix` puts it in front).
    pub fn compose(actor: &str, agent: &str, prefix: bool) -> String {
        dict::compose(actor, agent, prefix)
    }

    /// The country part written for an agent without a country (`""` or `"---"`).
    pub fn unknown_country(&self) -> &str {
        &self.opts.unknown_country
    }

    /// Splits a full code into (country/top part, first role part): `RUSGOV` -> (`RUS`, `GOV`).
    pub fn split_code(code: &str) -> (Option<String>, Option<String>) {
        if code.len() < 3 || !code.is_ascii() {
            return (None, None);
        }
        let (head, rest) = code.split_at(3);
        if recognize::ROLES.contains(&head) && rest.is_empty() {
            return (None, Some(head.to_string()));
        }
        let country = (head != "---").then(|| head.to_string());
        let agent = (rest.len() >= 3).then(|| rest[..3].to_string());
        (country, agent)
    }
}

impl Stage for ActorDict {
    fn name(&self) -> &'static str {
        "actors"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Tokens]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Actors]
    }
    fn run(&self, doc: &mut Doc) {
        doc.actors.clear();
        if doc.tokens.is_empty() && !doc.article.text.trim().is_empty() {
            doc.sentences.clear();
            words::simple_tokenize(doc);
            doc.note(
                "actors",
                "no tokens from the NLP stage: used the fallback tokenizer",
            );
        }
        if doc.sentences.is_empty() && !doc.tokens.is_empty() {
            // tokens without sentences: treat the text as one sentence
            let n = doc.tokens.len();
            doc.sentences.push(model::Sentence {
                start: doc.tokens[0].start,
                end: doc.tokens[n - 1].end,
                token_start: 0,
                token_end: n,
            });
            doc.note("actors", "no sentences: treated the text as one sentence");
        }
        recognize::recognize(&self.dict, &self.opts, doc);
    }
}
