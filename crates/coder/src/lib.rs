//! Event coding: verb and noun patterns -> CAMEO events with source and target actors.
//!
//! - [`cameo`]: the CAMEO code table (Goldstein, QuadClass) and the CAMEO → PLOVER mapping;
//! - [`dict`]: the dictionary model and dateline's own format (`dictionaries/verbs.txt`);
//! - [`petr`]: readers for PETRARCH verb dictionaries, discards, issues and `.ini` files;
//! - the matcher (private `code` module) works on the dependency parse when the sentence
//!   has one and falls back to the nearest actors around the predicate otherwise.
#![warn(missing_docs)]

pub mod cameo;
mod code;
pub mod dict;
pub mod petr;
pub mod suite;

use code::{Engine, Trace};
use dict::VerbDict;
use model::{Doc, Layer, Stage};
use petr::{Discards, Issues};
use std::path::Path;

/// The built-in verb/noun dictionary.
const BUILTIN_VERBS: &str = include_str!("../../../dictionaries/verbs.txt");

/// The event coder with its verb/noun dictionary (and optional discards / issues).
pub struct Coder {
    dict: VerbDict,
    discards: Option<Discards>,
    issues: Option<Issues>,
}

impl Coder {
    /// The built-in verb dictionary.
    pub fn builtin() -> Result<Coder, String> {
        let (dict, warnings) = dict::read_own("verbs", BUILTIN_VERBS);
        if let Some(w) = warnings.first() {
            return Err(format!("built-in verb dictionary: {w}"));
        }
        Ok(Coder { dict, discards: None, issues: None })
    }
    /// A coder over a dictionary in dateline's own format; warnings name file and line.
    pub fn from_own_text(name: &str, text: &str) -> (Coder, Vec<String>) {
        let (dict, w) = dict::read_own(name, text);
        (Coder { dict, discards: None, issues: None }, w)
    }
    /// A coder over a PETRARCH verb dictionary text (discards and issues optional).
    pub fn from_petrarch_text(name: &str, verbs: &str) -> (Coder, Vec<String>) {
        let (dict, w) = petr::read_verbs(name, verbs);
        (Coder { dict, discards: None, issues: None }, w)
    }
    /// The dictionary in use.
    pub fn dict(&self) -> &VerbDict {
        &self.dict
    }
    /// Sets the discard list.
    pub fn with_discards(mut self, d: Discards) -> Coder {
        self.discards = Some(d);
        self
    }
    /// Sets the issue list.
    pub fn with_issues(mut self, i: Issues) -> Coder {
        self.issues = Some(i);
        self
    }
    /// Whether events need both actors (PETRARCH default) or one suffices.
    pub fn set_require_dyad(&mut self, on: bool) {
        self.dict.require_dyad = on;
    }

    fn engine(&self, doc: &Doc) -> Engine<'_> {
        let actors_sorted = doc.actors.windows(2).all(|w| w[0].token_start <= w[1].token_start);
        Engine { dict: &self.dict, discards: self.discards.as_ref(), issues: self.issues.as_ref(), actors_sorted }
    }

    /// Whether the whole article is discarded (a PETRARCH story discard phrase).
    fn story_discard(&self, doc: &Doc) -> Option<String> {
        let d = self.discards.as_ref()?;
        let words: Vec<String> = (0..doc.tokens.len()).map(|i| doc.token_text(i).to_uppercase()).collect();
        match d.check(&words) {
            Some((true, ph)) => Some(ph),
            _ => None,
        }
    }

    /// Codes the document and returns, per sentence, the trace `explain` prints: the
    /// parse, the actors, each predicate, every pattern tried and why it matched or not,
    /// and the events.
    pub fn explain(&self, doc: &mut Doc) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(ph) = self.story_discard(doc) {
            lines.push(format!("article discarded: contains '{ph}'"));
            doc.events.clear();
            return lines;
        }
        let e = self.engine(doc);
        let mut events = Vec::new();
        for si in 0..doc.sentences.len() {
            let mut tr = Trace(Some(&mut lines));
            events.extend(e.code_sentence(doc, si, &mut tr));
        }
        doc.events = events;
        lines
    }
}

impl Stage for Coder {
    fn name(&self) -> &'static str {
        "coder"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Tokens, Layer::Actors]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Events]
    }
    fn run(&self, doc: &mut Doc) {
        if let Some(ph) = self.story_discard(doc) {
            doc.note("coder", format!("article not coded: discard phrase '{ph}'"));
            return;
        }
        let e = self.engine(doc);
        let mut events = Vec::new();
        for si in 0..doc.sentences.len() {
            events.extend(e.code_sentence(doc, si, &mut Trace(None)));
        }
        doc.events = events;
    }
}

/// What a PETRARCH config file (`.ini`) loads.
pub struct PetrarchConfig {
    /// The coder with the verb dictionary (and discards / issues).
    pub coder: Coder,
    /// The actors and agents.
    pub actors: actors::ActorDict,
    /// Malformed dictionary lines (`file:line: message`).
    pub warnings: Vec<String>,
}

fn read_file(p: &Path) -> Result<String, String> {
    let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
    // PETRARCH dictionaries are mostly ASCII; accept Latin-1 bytes rather than fail
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
    })
}

/// Loads the dictionaries named in a PETRARCH config file (paths relative to the .ini).
pub fn load_petrarch_config(ini: &Path) -> Result<PetrarchConfig, String> {
    let text = read_file(ini)?;
    let files = petr::parse_ini(ini, &text)?;
    let verbs_path = files.verbs.as_ref().ok_or("no verb dictionary")?;
    let fname = |p: &Path| p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    // the verb dictionary and the actor files load in parallel
    let (verbs, actors) = std::thread::scope(|s| {
        let h = s.spawn(|| -> Result<(Coder, Vec<String>), String> {
            let vt = read_file(verbs_path)?;
            let (mut coder, mut w) = Coder::from_petrarch_text(&fname(verbs_path), &vt);
            if let Some(d) = &files.discards {
                let (disc, dw) = Discards::read(&fname(d), &read_file(d)?);
                w.extend(dw);
                coder = coder.with_discards(disc);
            }
            if let Some(i) = &files.issues {
                let (iss, iw) = Issues::read(&fname(i), &read_file(i)?);
                w.extend(iw);
                coder = coder.with_issues(iss);
            }
            Ok((coder, w))
        });
        let actors = actors::ActorDict::from_petrarch_files(&files.actors, files.agents.as_deref());
        (h.join().unwrap_or_else(|_| Err("verb dictionary reader failed".into())), actors)
    });
    let (coder, mut warnings) = verbs?;
    let (actors, aw) = actors?;
    warnings.extend(aw);
    Ok(PetrarchConfig { coder, actors, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{ActorMention, Article, Sentence, Token};

    /// Tokenizes `text` (words, "'s", punctuation), one sentence, and marks the actor
    /// phrases given as (phrase, code).
    pub(crate) fn doc(text: &str, actors: &[(&str, &str)]) -> Doc {
        let mut d = Doc::new(Article { id: "t".into(), text: text.into(), ..Default::default() });
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i] as char;
            if c.is_whitespace() {
                i += 1;
                continue;
            }
            let s = i;
            if text[i..].starts_with("'s") {
                i += 2;
            } else if c.is_alphanumeric() {
                while i < b.len() && ((b[i] as char).is_alphanumeric() || b[i] == b'-') {
                    i += 1;
                }
                if text[i..].starts_with("n't") {
                    // "didn't" -> "did" "n't"
                    let w = &text[s..i];
                    if w.ends_with('n') {
                        i -= 1;
                    }
                }
            } else if text[i..].starts_with("n't") {
                i += 3;
            } else {
                i += c.len_utf8();
            }
            d.tokens.push(Token { start: s, end: i, head: -1, ..Default::default() });
        }
        let n = d.tokens.len();
        d.sentences.push(Sentence { start: 0, end: text.len(), token_start: 0, token_end: n });
        for (phrase, code) in actors {
            let Some(a) = text.find(phrase) else { panic!("{phrase} not in text") };
            let e = a + phrase.len();
            let st = d.tokens.iter().position(|t| t.start >= a).unwrap();
            let en = d.tokens.iter().rposition(|t| t.end <= e).unwrap() + 1;
            let (country, agent) = (Some(code[..3].into()), (code.len() > 3).then(|| code[3..].into()));
            d.actors.push(ActorMention { start: a, end: e, token_start: st, token_end: en, code: (*code).into(), country, agent, entry: "test".into(), ..Default::default() });
        }
        d.actors.sort_by_key(|a| a.start);
        d
    }

    /// Sets a dependency parse: (head index or -1, relation, upos) per token.
    fn parse(d: &mut Doc, p: &[(i32, &str, &str)]) {
        assert_eq!(p.len(), d.tokens.len(), "parse length");
        for (t, (h, r, u)) in d.tokens.iter_mut().zip(p) {
            t.head = *h;
            t.deprel = (*r).into();
            t.upos = (*u).into();
        }
    }

    fn events(c: &Coder, d: &mut Doc) -> Vec<(String, String, String)> {
        c.run(d);
        let mut v: Vec<_> = d
            .events
            .iter()
            .map(|e| (e.source.as_ref().map_or("---".into(), |a| a.code.to_string()), e.target.as_ref().map_or("---".into(), |a| a.code.to_string()), e.code.to_string()))
            .collect();
        v.sort();
        v
    }

    fn t(a: &str, b: &str, c: &str) -> (String, String, String) {
        (a.into(), b.into(), c.into())
    }

    #[test]
    fn builtin_loads_and_covers_all_roots() {
        let c = Coder::builtin().unwrap();
        let mut roots = std::collections::BTreeSet::new();
        for b in &c.dict().blocks {
            for code in [&b.code.fwd].into_iter().flatten() {
                roots.insert(code[..2].to_string());
            }
            for p in &b.patterns {
                if let Some(code) = &p.code.fwd {
                    roots.insert(code[..2].to_string());
                }
            }
        }
        for r in 1..=20 {
            assert!(roots.contains(&format!("{r:02}")), "root {r:02} missing");
        }
        // every code in the dictionary is a CAMEO code
        for b in &c.dict().blocks {
            for code in b.code.fwd.iter().chain(b.code.rev.iter()).chain(b.patterns.iter().flat_map(|p| p.code.fwd.iter().chain(p.code.rev.iter()))) {
                assert!(cameo::is_event_code(code), "{} uses unknown code {code}", b.name);
            }
        }
    }

    #[test]
    fn surface_meeting_both_directions() {
        let c = Coder::builtin().unwrap();
        let mut d = doc("Russia's Foreign Minister Sergei Lavrov met Syrian President Bashar al-Assad in Damascus on Monday.", &[("Russia's Foreign Minister Sergei Lavrov", "RUSGOV"), ("Syrian President Bashar al-Assad", "SYRGOV")]);
        assert_eq!(events(&c, &mut d), vec![t("RUSGOV", "SYRGOV", "040"), t("SYRGOV", "RUSGOV", "040")]);
        let e = &d.events[0];
        assert_eq!(e.rule, "verbs:meet#040");
        assert_eq!(d.span_text(e.predicate.start, e.predicate.end), "met");
        assert_eq!((e.root.as_str(), e.quad_class, e.plover.as_deref()), ("04", 1, Some("CONSULT")));
        assert_eq!(e.evidence, model::Span::new(0, d.article.text.len()));
    }

    #[test]
    fn surface_particle_pattern_and_passive() {
        let c = Coder::builtin().unwrap();
        let mut d = doc("Gondor discussed the plan with Arnor by telephone.", &[("Gondor", "GON"), ("Arnor", "ARN")]);
        events(&c, &mut d);
        assert_eq!(d.events.len(), 1);
        assert_eq!((d.events[0].code.as_str(), d.events[0].rule.as_str()), ("041", "verbs:discuss+phone2#041"));
        let mut d = doc("The village was attacked by Mordor soldiers on Friday.", &[("village", "GONCVL"), ("Mordor soldiers", "MORMIL")]);
        assert_eq!(events(&c, &mut d), vec![t("MORMIL", "GONCVL", "190")]);
        let mut d = doc("Rohan pulled out of the talks with Gondor.", &[("Rohan", "ROH"), ("Gondor", "GON")]);
        assert_eq!(events(&c, &mut d), vec![t("ROH", "GON", "0872")]);
    }

    #[test]
    fn coordination_negation_modality() {
        let c = Coder::builtin().unwrap();
        let mut d = doc("Rohan and Gondor condemned the raid on Arnor.", &[("Rohan", "ROH"), ("Gondor", "GON"), ("Arnor", "ARN")]);
        assert_eq!(events(&c, &mut d), vec![t("GON", "ARN", "111"), t("ROH", "ARN", "111")]);
        let mut d = doc("Mordor will not attack Gondor.", &[("Mordor", "MOR"), ("Gondor", "GON")]);
        events(&c, &mut d);
        assert!(d.events[0].negated);
        assert_eq!(d.events[0].modality, model::Modality::Planned);
        let mut d = doc("Mordor attacked Gondor.", &[("Mordor", "MOR"), ("Gondor", "GON")]);
        events(&c, &mut d);
        assert!(!d.events[0].negated && d.events[0].modality == model::Modality::Asserted);
    }

    #[test]
    fn a_word_inside_an_actor_name_is_no_predicate() {
        let c = Coder::builtin().unwrap();
        // "trade" is a nominal predicate (061), but not inside a name or a title
        let mut d = doc("The World Trade Organisation criticised Gondor.", &[("World Trade Organisation", "IGOWTO"), ("Gondor", "GON")]);
        assert_eq!(events(&c, &mut d), vec![t("IGOWTO", "GON", "111")]);
        let mut d = doc("Gondor's Trade Secretary Bob criticised Arnor.", &[("Gondor's Trade Secretary Bob", "GONGOV"), ("Arnor", "ARN")]);
        assert_eq!(events(&c, &mut d), vec![t("GONGOV", "ARN", "111")]);
    }

    #[test]
    fn parse_light_verb_noun_predicate() {
        let c = Coder::builtin().unwrap();
        // Lavrov held talks with Assad .
        let mut d = doc("Lavrov held talks with Assad.", &[("Lavrov", "RUSGOV"), ("Assad", "SYRGOV")]);
        parse(&mut d, &[(1, "nsubj", "PROPN"), (-1, "root", "VERB"), (1, "obj", "NOUN"), (4, "case", "ADP"), (2, "nmod", "PROPN"), (1, "punct", "PUNCT")]);
        assert_eq!(events(&c, &mut d), vec![t("RUSGOV", "SYRGOV", "040")]);
        assert_eq!(d.events[0].rule, "verbs:discuss+with#040");
    }

    #[test]
    fn parse_report_and_embedded_event() {
        let c = Coder::builtin().unwrap();
        // Gondor said Mordor attacked Rohan .
        let mut d = doc("Gondor said Mordor attacked Rohan.", &[("Gondor", "GON"), ("Mordor", "MOR"), ("Rohan", "ROH")]);
        parse(&mut d, &[(1, "nsubj", "PROPN"), (-1, "root", "VERB"), (3, "nsubj", "PROPN"), (1, "ccomp", "VERB"), (3, "obj", "PROPN"), (1, "punct", "PUNCT")]);
        assert_eq!(events(&c, &mut d), vec![t("GON", "MOR", "010"), t("MOR", "ROH", "190")]);
        // object control: Gondor urged Rohan to attack Mordor -> only the appeal
        let mut d = doc("Gondor urged Rohan to attack Mordor.", &[("Gondor", "GON"), ("Rohan", "ROH"), ("Mordor", "MOR")]);
        parse(&mut d, &[(1, "nsubj", "PROPN"), (-1, "root", "VERB"), (1, "obj", "PROPN"), (4, "mark", "PART"), (1, "xcomp", "VERB"), (4, "obj", "PROPN"), (1, "punct", "PUNCT")]);
        assert_eq!(events(&c, &mut d), vec![t("GON", "ROH", "023")]);
        // passive with by-agent
        let mut d = doc("Rohan was attacked by Mordor.", &[("Rohan", "ROH"), ("Mordor", "MOR")]);
        parse(&mut d, &[(2, "nsubj:pass", "PROPN"), (2, "aux:pass", "AUX"), (-1, "root", "VERB"), (4, "case", "ADP"), (2, "obl:agent", "PROPN"), (2, "punct", "PUNCT")]);
        assert_eq!(events(&c, &mut d), vec![t("MOR", "ROH", "190")]);
    }

    #[test]
    fn petrarch_dictionary_patterns() {
        let verbs = "&CURRENCY\n+DOLLAR\n+EURO\n\n####### VERB PATTERNS #######\n--- CONTRIBUTE [070] ---\nCONTRIBUTE\n- * &CURRENCY [071]\n- * TROOPS (TO +) [074]\n";
        let (c, w) = Coder::from_petrarch_text("v.txt", verbs);
        assert!(w.is_empty(), "{w:?}");
        let mut d = doc("Arnor will contribute a million euros to Gondor.", &[("Arnor", "ARN"), ("Gondor", "GON")]);
        assert_eq!(events(&c, &mut d), vec![t("ARN", "GON", "071")]);
        assert_eq!(d.events[0].rule, "v.txt:8#071");
        let mut d = doc("Arnor contributed troops to the mission in Gondor.", &[("Arnor", "ARN"), ("Gondor", "GON")]);
        assert_eq!(events(&c, &mut d), vec![t("ARN", "GON", "070")]);
        // a target-less sentence gives nothing: PETRARCH needs both actors
        let mut d = doc("Arnor contributed.", &[("Arnor", "ARN")]);
        assert!(events(&c, &mut d).is_empty());
        let (disc, _) = Discards::read("d", "BASEBALL\n");
        let c = c.with_discards(disc);
        let mut d = doc("Arnor will contribute euros to Gondor baseball.", &[("Arnor", "ARN"), ("Gondor", "GON")]);
        assert!(events(&c, &mut d).is_empty());
    }

    #[test]
    fn explain_names_patterns() {
        let c = Coder::builtin().unwrap();
        let mut d = doc("Gondor discussed trade with Arnor.", &[("Gondor", "GON"), ("Arnor", "ARN")]);
        let lines = c.explain(&mut d).join("\n");
        assert!(lines.contains("parse: none"), "{lines}");
        assert!(lines.contains("verbs:discuss+with") && lines.contains("matched"), "{lines}");
        assert!(lines.contains("no match"), "{lines}");
        assert!(lines.contains("EVENT GON -> ARN 040"), "{lines}");
        assert_eq!(d.events.len(), 1);
    }

    #[test]
    fn never_panics_on_odd_docs() {
        let c = Coder::builtin().unwrap();
        let mut d = doc("attack attack with by by , , met", &[]);
        d.tokens[0].head = 99;
        d.tokens[1].head = 1;
        d.tokens[2].deprel = "nsubj".into();
        d.sentences.push(Sentence { start: 5, end: 2, token_start: 7, token_end: 40 });
        d.actors.push(ActorMention { token_start: 6, token_end: 90, code: "X".into(), ..Default::default() });
        c.run(&mut d);
        let mut d = doc("", &[]);
        c.run(&mut d);
        assert!(d.events.is_empty());
        // a cycle in the heads
        let mut d = doc("Gondor met Arnor", &[("Gondor", "GON"), ("Arnor", "ARN")]);
        parse(&mut d, &[(1, "nsubj", "PROPN"), (2, "obj", "VERB"), (1, "conj", "PROPN")]);
        c.run(&mut d);
    }

    #[test]
    fn petrarch_config_loads_shared_dictionaries() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/petrarch");
        if !Path::new(dir).exists() {
            eprintln!("skipping: {dir} not found");
            return;
        }
        for ini in ["validate_2_02.ini", "phoenix.ini"] {
            let cfg = load_petrarch_config(&Path::new(dir).join(ini)).unwrap();
            assert!(cfg.coder.dict().n_patterns > 100, "{ini}");
            for w in &cfg.warnings {
                // every warning names its file and line
                let mut it = w.splitn(3, ':');
                let (f, l) = (it.next().unwrap_or(""), it.next().unwrap_or(""));
                assert!(f.ends_with(".txt") && l.parse::<usize>().is_ok(), "{w}");
            }
        }
        assert!(load_petrarch_config(Path::new("/nonexistent/x.ini")).err().unwrap_or_default().contains("/nonexistent/x.ini"));
    }
}
