//! Actor-mention recognition: longest-match lookup of actor and agent phrases over the words
//! of each sentence, composition into mentions the way PETRARCH composes noun phrases
//! ("Russia's Foreign Minister Sergei Lavrov" -> RUSGOV), and coreference across the document
//! (repeated names, definite descriptions, pronouns).

use crate::dict::{compose, CaseReq, Dict, NameKind};
use crate::words::{key, split_word, Case};
use crate::Options;
use model::{ActorMention, CompactString, Doc};
use std::collections::HashMap;

/// One matching unit of the text (a token or part of one).
#[derive(Clone, Debug)]
pub(crate) struct Word {
    pub tok: usize,
    pub start: usize,
    pub end: usize,
    pub key: String,
    pub id: Option<u32>,
    pub case: Case,
    /// No space between this word and the previous one.
    pub glued: bool,
    pub upos: CompactString,
    pub xpos: CompactString,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum PieceKind {
    Actor { entry: u32, line: u32 },
    Agent { entry: u32, line: u32, plural: bool },
}

#[derive(Clone, Copy, Debug)]
struct Piece {
    w0: usize,
    w1: usize,
    kind: PieceKind,
}

/// What coreference needs to know about a mention (parallel to `doc.actors`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Info {
    pub sentence: usize,
    pub person: Option<u32>,
    pub title: String,
    pub has_name: bool,
    pub female: Option<bool>,
    pub plural: bool,
    pub personal: bool,
    /// Root of the coreference chain (itself when none).
    pub root: usize,
    /// The mention got its country from a real actor name (not inferred).
    pub explicit_country: bool,
    pub agent_only: bool,
    pub definite: bool,
    /// The actor part of the code before agents were added (`RUS`), empty when none.
    pub base: String,
    /// The agent codes composed into the code, with their prefix flags.
    pub agent_codes: Vec<(String, bool)>,
    /// The actor came after the agents ("officials in Arnor").
    pub post_actor: bool,
    /// Word range in the sentence.
    pub words: (usize, usize),
}

const MODIFIERS: &[&str] = &[
    "FORMER",
    "EX",
    "TOP",
    "SENIOR",
    "JUNIOR",
    "NEW",
    "THEN",
    "ACTING",
    "OUTGOING",
    "INCOMING",
    "INTERIM",
    "VETERAN",
    "MAIN",
    "CHIEF",
    "LEADING",
    "LOCAL",
    "REGIONAL",
    "NATIONAL",
    "FEDERAL",
    "PROVINCIAL",
    "POWERFUL",
    "KEY",
    "INFLUENTIAL",
    "PROMINENT",
    "JAILED",
    "EXILED",
    "ARMED",
    "RADICAL",
    "MODERATE",
    "HARDLINE",
    "HARD-LINE",
    "SHADOW",
    "DEPUTY",
    "VICE",
    "ASSISTANT",
    "SPECIAL",
    "OFFICIAL",
    "ISLAMIST",
    "SECULAR",
    "OWN",
    "SAME",
    "LONGTIME",
    "LONG-TIME",
    "ELECTED",
    "DEPOSED",
    "OUSTED",
    "EMBATTLED",
    "UNNAMED",
    "ANONYMOUS",
    "HIGH-RANKING",
    "LOW-RANKING",
    "RANKING",
    "SITTING",
    "RULING",
    "GOVERNING",
    "OPPOSITION",
];

/// Without POS tags: endings and words that mark a noun after a role word, so that the role
/// word is a modifier ("military intervention", "government policy").
const NOUN_SUFFIXES: &[&str] = &[
    "TION", "TIONS", "SION", "SIONS", "MENT", "MENTS", "ANCE", "ENCE", "ITY", "ISM", "NESS", "SHIP",
];
const NOUN_WORDS: &[&str] = &[
    "POWER",
    "SPENDING",
    "BUDGET",
    "POLICY",
    "POLICIES",
    "PROGRAMME",
    "PROGRAM",
    "BASE",
    "BASES",
    "CAMPAIGN",
    "PLAN",
    "PLANS",
    "CONTROL",
    "SOURCES",
    "SOURCE",
    "VEHICLE",
    "VEHICLES",
    "AIRCRAFT",
    "EQUIPMENT",
    "AID",
    "DEAL",
    "DEALS",
    "TALKS",
    "OFFICE",
    "OFFICES",
    "BUILDING",
    "HEADQUARTERS",
    "RULE",
    "RULES",
    "LAW",
    "LAWS",
    "BILL",
    "REFORM",
    "REFORMS",
    "VISIT",
    "TRIP",
    "STATEMENT",
    "MEETING",
    "CRACKDOWN",
    "OFFENSIVE",
    "SPOKESMAN",
    "SPOKESWOMAN",
    "JETS",
    "TROOPS",
    "BUDGETS",
    "DEBT",
    "BONDS",
    "STAFF",
    "PRESSURE",
    "CHANNEL",
    "SITE",
    "WEBSITE",
    "POSITIONS",
    "POSTS",
    "CHECKPOINT",
    "CHECKPOINTS",
    "FACILITY",
    "FACILITIES",
    "STRIKES",
    "STRIKE",
];

const PRONOUNS_SG: &[&str] = &["HE", "HIM", "SHE"];
const PRONOUNS_PL: &[&str] = &["THEY", "THEM"];

const NAME_PARTICLES: &[&str] = &[
    "AL", "EL", "BIN", "IBN", "BEN", "ABU", "DE", "DA", "DOS", "DEL", "VAN", "VON", "DER", "LA",
    "LE", "DI", "-",
];

/// CAMEO role (agent) codes, for splitting a code into its parts.
pub(crate) const ROLES: &[&str] = &[
    "GOV", "MIL", "OPP", "REB", "BUS", "MED", "EDU", "JUD", "LEG", "COP", "CVL", "IGO", "NGO",
    "SPY", "LAB", "REF", "HLH", "ELI", "INS", "SEP", "UAF", "AGR", "CRM", "DEV", "ENV", "HRI",
    "MOD", "RAD", "PTY", "IMG", "NGM", "MNC", "INT", "SET", "UIS", "PKO",
];

/// Roles of people that stay in one country (context may supply the country).
const DOMESTIC: &[&str] = &[
    "REB", "OPP", "INS", "SEP", "COP", "JUD", "LEG", "CVL", "LAB", "EDU", "HLH", "AGR", "CRM",
    "REF",
];

const HEAD_TITLES: &[&str] = &[
    "president",
    "prime minister",
    "chancellor",
    "king",
    "queen",
    "emir",
    "premier",
    "supreme leader",
    "crown prince",
    "head of state",
    "sultan",
    "leader",
];
const DIPLOMAT_TITLES: &[&str] = &[
    "foreign minister",
    "secretary of state",
    "ambassador",
    "envoy",
    "diplomat",
    "top diplomat",
];

/// Role titles that name a person (who can be "he" or "she"), not an institution.
const PERSON_TITLES: &[&str] = &[
    "minister",
    "president",
    "vice president",
    "prime minister",
    "deputy prime minister",
    "king",
    "queen",
    "emir",
    "sultan",
    "chancellor",
    "leader",
    "supreme leader",
    "official",
    "envoy",
    "ambassador",
    "diplomat",
    "delegate",
    "counterpart",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "mayor",
    "governor",
    "judge",
    "prosecutor",
    "general",
    "colonel",
    "admiral",
    "commander",
    "ceo",
    "executive",
    "soldier",
    "rebel",
    "militant",
    "activist",
    "guerrilla",
    "insurgent",
    "jihadist",
    "jihadi",
    "police officer",
    "policeman",
    "policewoman",
    "monarch",
    "premier",
    "pm",
    "fm",
    "mp",
    "senator",
    "lawmaker",
    "legislator",
    "parliamentarian",
    "civilian",
    "citizen",
    "resident",
    "villager",
    "refugee",
    "migrant",
    "student",
    "teacher",
    "professor",
    "academic",
    "scholar",
    "doctor",
    "nurse",
    "medic",
    "journalist",
    "reporter",
    "correspondent",
    "editor",
    "farmer",
    "peasant",
    "tycoon",
    "entrepreneur",
    "businessman",
    "businesswoman",
    "investor",
    "spy",
    "gendarme",
    "magistrate",
    "elder",
    "separatist",
    "dissident",
    "protester",
    "demonstrator",
    "crown prince",
    "crown princess",
    "head of state",
    "head of government",
    "negotiator",
    "congressman",
    "congresswoman",
    "attorney general",
    "army chief",
    "chief of staff",
    "intelligence chief",
    "police chief",
    "union leader",
    "opposition leader",
    "rebel leader",
    "militiaman",
    "serviceman",
    "servicewoman",
    "criminal",
    "smuggler",
    "trafficker",
    "kidnapper",
    "terrorist",
    "extremist",
];

fn person_title(title: &str) -> bool {
    PERSON_TITLES.contains(&title)
        || title.ends_with(" minister")
        || title.ends_with(" secretary")
        || title.ends_with("man")
        || title.ends_with("woman")
        || title.ends_with("person")
}

pub(crate) fn has_tags(doc: &Doc, s: &model::Sentence) -> bool {
    (s.token_start..s.token_end.min(doc.tokens.len())).any(|i| !doc.tokens[i].upos.is_empty())
}

/// The words of sentence `s`.
pub(crate) fn sentence_words(dict: &Dict, doc: &Doc, s: &model::Sentence) -> Vec<Word> {
    let text = doc.article.text.as_str();
    let mut out: Vec<Word> = Vec::new();
    let mut prev_end = usize::MAX;
    for t in s.token_start..s.token_end.min(doc.tokens.len()) {
        let tok = &doc.tokens[t];
        let Some(tt) = text.get(tok.start..tok.end) else {
            continue;
        };
        for (a, b) in split_word(tt) {
            let w = &tt[a..b];
            let k = key(w);
            let start = tok.start + a;
            out.push(Word {
                tok: t,
                start,
                end: tok.start + b,
                id: dict.word(&k),
                key: k,
                case: Case::of(w),
                glued: prev_end == start,
                upos: tok.upos.clone(),
                xpos: tok.xpos.clone(),
            });
            prev_end = tok.start + b;
        }
    }
    out
}

fn case_ok(req: &CaseReq, words: &[Word]) -> bool {
    match req {
        CaseReq::Any => true,
        CaseReq::AnyCap => words.iter().any(|w| w.case.cap),
        CaseReq::PerWord(v) => v.iter().zip(words).all(|(&r, w)| match r {
            0 => true,
            1 => w.case.cap || !w.case.alpha,
            _ => {
                w.case.all_caps
                    || (w.case.cap && w.key.chars().filter(|c| c.is_alphabetic()).count() <= 1)
            }
        }),
    }
}

/// Longest match starting at word `i` in `trie`: (length, phrase index).
fn longest(trie: &crate::dict::Trie, words: &[Word], i: usize) -> Option<(usize, usize)> {
    let mut node = 0u32;
    let mut best = None;
    let mut j = i;
    while j < words.len() {
        let Some(id) = words[j].id else { break };
        let Some(n) = trie.step(node, id) else { break };
        node = n;
        j += 1;
        if let Some(p) = trie.at(node) {
            if case_ok(&p.case, &words[i..j]) {
                // index of the phrase: recover through payload
                best = Some((j - i, node as usize));
            }
        }
    }
    best
}

fn find_pieces(dict: &Dict, words: &[Word]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let act = longest(&dict.actors, words, i);
        let ag = longest(&dict.agents, words, i);
        let pick = match (act, ag) {
            (Some(a), Some(g)) => {
                if g.0 > a.0 {
                    Some((g, false))
                } else {
                    Some((a, true))
                }
            }
            (Some(a), None) => Some((a, true)),
            (None, Some(g)) => Some((g, false)),
            (None, None) => None,
        };
        match pick {
            Some(((len, node), true)) => {
                let p = dict.actors.at(node as u32).unwrap();
                pieces.push(Piece {
                    w0: i,
                    w1: i + len,
                    kind: PieceKind::Actor {
                        entry: p.entry,
                        line: p.line,
                    },
                });
                i += len;
            }
            Some(((len, node), false)) => {
                let p = dict.agents.at(node as u32).unwrap();
                pieces.push(Piece {
                    w0: i,
                    w1: i + len,
                    kind: PieceKind::Agent {
                        entry: p.entry,
                        line: p.line,
                        plural: p.plural,
                    },
                });
                i += len;
            }
            None => i += 1,
        }
    }
    pieces
}

fn is_poss(w: &Word) -> bool {
    w.key == "'S" || w.key == "'"
}

fn is_modifier(dict: &Dict, w: &Word, tags: bool) -> bool {
    if w.case.cap && !tags {
        // capitalised unknown words are names, not modifiers (except in titles like "Deputy")
        return MODIFIERS.contains(&w.key.as_str());
    }
    MODIFIERS.contains(&w.key.as_str())
        || dict.former.iter().any(|f| f == &w.key)
        || (tags && w.upos == "ADJ")
}

fn is_former(dict: &Dict, w: &Word) -> bool {
    dict.former.iter().any(|f| f == &w.key)
}

fn looks_like_noun(w: &Word, tags: bool) -> bool {
    if w.case.cap || !w.case.alpha {
        return false;
    }
    if tags {
        return w.upos == "NOUN";
    }
    NOUN_WORDS.contains(&w.key.as_str())
        || (NOUN_SUFFIXES.iter().any(|s| w.key.ends_with(s)) && w.key.len() > 5)
}

fn is_name_word(w: &Word, tags: bool) -> bool {
    if !w.case.alpha {
        return false;
    }
    if tags {
        return w.upos == "PROPN" || w.xpos.starts_with("NNP");
    }
    w.case.cap
}

/// A composed mention before it is pushed to the document.
struct Cand {
    w0: usize,
    w1: usize,
    actor: Option<(u32, u32)>,
    person: Option<(u32, u32)>,
    agents: Vec<(u32, u32, bool, bool)>, // entry, line, plural, former
    name: Option<(usize, usize)>,
    place_country: Option<String>,
    person_span: (usize, usize),
    last_agent: bool,
    post_actor: bool,
}

/// Recognises the mentions of one document.
pub(crate) fn recognize(dict: &Dict, opts: &Options, doc: &mut Doc) {
    let day = doc.article.published.map(|d| d.to_days());
    let mut infos: Vec<Info> = Vec::new();
    let mut mentions: Vec<ActorMention> = Vec::new();
    let sentences = doc.sentences.clone();
    // Document-level lookups kept as indices, so that a long document stays linear:
    // the last personal named mention by the key of its surname, and the mentions of the
    // previous sentence (mentions are pushed in sentence order).
    let mut by_surname: HashMap<String, usize> = HashMap::new();
    let mut indexed = 0;
    let mut last_sentence: Option<(usize, std::ops::Range<usize>)> = None;
    for (si, s) in sentences.iter().enumerate() {
        let words = sentence_words(dict, doc, s);
        if words.is_empty() {
            continue;
        }
        for m in indexed..mentions.len() {
            if infos[m].has_name && infos[m].personal {
                if let Some(n) = mentions[m].name.as_deref().and_then(|n| n.rsplit([' ', '-']).next()) {
                    by_surname.insert(key(n), m);
                }
            }
        }
        indexed = mentions.len();
        let prev_sentence = match &last_sentence {
            Some((ps, r)) if ps + 1 == si => r.clone(),
            _ => 0..0,
        };
        let tags = has_tags(doc, s);
        let alpha: Vec<&Word> = words.iter().filter(|w| w.case.alpha).collect();
        let headline = !tags
            && alpha.len() >= 4
            && alpha.iter().filter(|w| w.case.cap).count() * 10 > alpha.len() * 7;
        let pieces = find_pieces(dict, &words);
        let first_new = mentions.len();
        let mut cands: Vec<Cand> = Vec::new();
        let mut i = 0;
        while i < pieces.len() {
            let (cand, next) = build_chunk(dict, doc, &words, &pieces, i, tags, headline);
            i = next;
            if let Some(c) = cand {
                cands.push(c);
            }
        }
        // unknown repeated surnames and pronouns, in word order with the candidates
        let mut extra: Vec<(usize, usize, usize)> = Vec::new(); // (w0, w1, antecedent)
        let covered = |k: usize, cands: &Vec<Cand>| {
            cands.iter().any(|c| c.w0 <= k && k < c.w1)
                || pieces.iter().any(|p| p.w0 <= k && k < p.w1)
        };
        for k in 0..words.len() {
            if covered(k, &cands) {
                continue;
            }
            let w = &words[k];
            if w.case.cap && w.case.alpha && w.key.len() > 2 && (!tags || is_name_word(w, tags)) {
                // a surname seen before as the last word of a name
                if let Some(&a) = by_surname.get(&w.key) {
                    let mut e = k + 1;
                    if e < words.len() && is_poss(&words[e]) {
                        e = k + 1;
                    }
                    extra.push((k, e, a));
                    continue;
                }
            }
            let sg = PRONOUNS_SG.contains(&w.key.as_str());
            let pl = PRONOUNS_PL.contains(&w.key.as_str());
            if (sg || pl) && !w.glued {
                let female = match w.key.as_str() {
                    "SHE" => Some(true),
                    "HE" | "HIM" => Some(false),
                    _ => None,
                };
                // previous mentions in this or the previous sentence, before this word
                let before_in_sentence: Vec<usize> = Vec::new();
                let _ = before_in_sentence;
                // the previous sentence's compatible mentions, preferring its subject (a
                // token with deprel nsubj when parsed, else the first one)
                let prev: Vec<usize> = prev_sentence
                    .clone()
                    .filter(|&m| {
                        let inf = &infos[m];
                        inf.sentence + 1 == si
                            && if sg {
                                inf.personal
                                    && !inf.plural
                                    && (female.is_none()
                                        || inf.female.is_none()
                                        || inf.female == female)
                            } else {
                                inf.plural
                            }
                    })
                    .collect();
                let is_subj = |t0: usize, t1: usize| {
                    (t0..t1).any(|t| {
                        doc.tokens
                            .get(t)
                            .is_some_and(|x| x.deprel.starts_with("nsubj"))
                    })
                };
                let cand = prev
                    .iter()
                    .copied()
                    .find(|&m| is_subj(mentions[m].token_start, mentions[m].token_end))
                    .or_else(|| prev.first().copied());
                // mentions of this sentence before the pronoun are not in `mentions` yet: prefer them
                let local_ok: Vec<usize> = (0..cands.len())
                    .filter(|&ci| {
                        let c = &cands[ci];
                        c.w1 <= k && {
                            let titled = |a: &(u32, u32, bool, bool)| {
                                person_title(&dict.agent_entries[a.0 as usize].title)
                            };
                            let personal = c.person.is_some()
                                || (c.name.is_some() && c.agents.iter().any(titled))
                                || c.agents.iter().any(|a| !a.2 && titled(a));
                            let plural = c.agents.last().map(|a| a.2).unwrap_or(false);
                            let fem = c
                                .person
                                .and_then(|(e, _)| dict.actor_entries[e as usize].female);
                            if sg {
                                personal
                                    && !plural
                                    && (female.is_none() || fem.is_none() || fem == female)
                            } else {
                                plural
                            }
                        }
                    })
                    .collect();
                let local = local_ok
                    .iter()
                    .copied()
                    .find(|&ci| is_subj(words[cands[ci].w0].tok, words[cands[ci].w1 - 1].tok + 1))
                    .or_else(|| local_ok.first().copied());
                if let Some(l) = local {
                    extra.push((k, k + 1, usize::MAX - l));
                } else if let Some(a) = cand {
                    extra.push((k, k + 1, a));
                }
            }
        }
        // emit in word order
        // (first word, candidate index, or an extra mention (w0, w1, antecedent))
        type Slot = (usize, Option<usize>, Option<(usize, usize, usize)>);
        let mut order: Vec<Slot> = Vec::new();
        for (ci, c) in cands.iter().enumerate() {
            order.push((c.w0, Some(ci), None));
        }
        for &x in &extra {
            order.push((x.0, None, Some(x)));
        }
        order.sort_by_key(|o| o.0);
        let mut cand_index: Vec<usize> = vec![usize::MAX; cands.len()];
        for (_, ci, ex) in order {
            if let Some(ci) = ci {
                let c = &cands[ci];
                if let Some((m, inf)) = make_mention(dict, opts, doc, &words, c, day, si) {
                    cand_index[ci] = mentions.len();
                    mentions.push(m);
                    infos.push(inf);
                    let k = mentions.len() - 1;
                    infos[k].root = k;
                    resolve_description(&mut mentions, &mut infos, k);
                }
            } else if let Some((w0, w1, a)) = ex {
                let a = if a > usize::MAX / 2 {
                    let l = usize::MAX - a;
                    if cand_index[l] == usize::MAX {
                        continue;
                    }
                    cand_index[l]
                } else {
                    a
                };
                let root = infos[a].root;
                let src = mentions[root].clone();
                let m = ActorMention {
                    start: words[w0].start,
                    end: words[w1 - 1].end,
                    token_start: words[w0].tok,
                    token_end: words[w1 - 1].tok + 1,
                    code: src.code.clone(),
                    country: src.country.clone(),
                    agent: src.agent.clone(),
                    name: src.name.clone(),
                    entry: if PRONOUNS_SG.contains(&words[w0].key.as_str())
                        || PRONOUNS_PL.contains(&words[w0].key.as_str())
                    {
                        "coref:pronoun".into()
                    } else {
                        "coref:name".into()
                    },
                    antecedent: Some(root),
                };
                let mut inf = infos[root].clone();
                inf.sentence = si;
                inf.root = root;
                inf.words = (w0, w1);
                mentions.push(m);
                infos.push(inf);
            }
        }
        distribute_conjuncts(opts, &words, &mut mentions, &mut infos, first_new);
        last_sentence = Some((si, first_new..mentions.len()));
    }
    if opts.infer_country {
        infer_countries(dict, opts, doc, &mut mentions, &mut infos);
    }
    doc.actors = mentions;
}

/// Builds the chunk starting at piece `i`; returns the candidate and the next piece index.
fn build_chunk(
    dict: &Dict,
    doc: &Doc,
    words: &[Word],
    pieces: &[Piece],
    i: usize,
    tags: bool,
    headline: bool,
) -> (Option<Cand>, usize) {
    let mut c = Cand {
        w0: pieces[i].w0,
        w1: pieces[i].w1,
        actor: None,
        person: None,
        agents: Vec::new(),
        name: None,
        place_country: None,
        person_span: (0, 0),
        last_agent: false,
        post_actor: false,
    };
    let hyph_before = |p: &Piece| p.w0 > 0 && words[p.w0 - 1].key == "-" && words[p.w0].glued;
    let hyph_after = |p: &Piece| p.w1 < words.len() && words[p.w1].key == "-" && words[p.w1].glued;
    let former_before = |w0: usize| -> bool {
        let mut k = w0;
        while k > 0 {
            k -= 1;
            if is_former(dict, &words[k]) {
                return true;
            }
            if words[k].key == "-" || is_modifier(dict, &words[k], tags) {
                continue;
            }
            break;
        }
        false
    };
    let add = |c: &mut Cand, p: &Piece, former: bool| -> bool {
        match p.kind {
            PieceKind::Actor { entry, line } => {
                let person = dict.actor_entries[entry as usize].kind == NameKind::Person;
                if person {
                    if c.person.is_some() {
                        return false;
                    }
                    c.person = Some((entry, line));
                    c.person_span = (p.w0, p.w1);
                } else {
                    // "Syria's President Bashar al-Assad" with a dictionary that does not mark
                    // people: a name right after a title, of the same country, is the person
                    let apposed = c.person.is_none()
                        && c.w1 == p.w0
                        && c.last_agent
                        && c.actor.is_some_and(|(a, _)| {
                            let ca = dict.actor_entries[a as usize]
                                .code_on(None)
                                .map(|x| x.0.get(..3).unwrap_or("").to_string());
                            let cb = dict.actor_entries[entry as usize]
                                .code_on(None)
                                .map(|x| x.0.get(..3).unwrap_or("").to_string());
                            ca.is_some() && ca == cb
                        });
                    if apposed {
                        c.person = Some((entry, line));
                        c.person_span = (p.w0, p.w1);
                        return true;
                    }
                    if c.actor.is_some() || c.person.is_some() {
                        return false;
                    }
                    c.actor = Some((entry, line));
                }
                c.last_agent = false;
            }
            PieceKind::Agent {
                entry,
                line,
                plural,
            } => {
                if c.person.is_some() || c.name.is_some() {
                    return false;
                }
                c.agents.push((entry, line, plural, former));
                c.last_agent = true;
            }
        }
        true
    };
    let p0 = pieces[i];
    let agent_piece = |p: &Piece| matches!(p.kind, PieceKind::Agent { .. });
    if agent_piece(&p0) && (hyph_before(&p0) || hyph_after(&p0)) {
        // "anti-government", "government-held": a modifier, not an actor
        return (None, i + 1);
    }
    let former_lead = former_before(p0.w0);
    add(&mut c, &p0, former_lead);
    let mut j = i + 1;
    if !hyph_after(&p0) {
        while j < pieces.len() {
            let p = pieces[j];
            let gap = &words[c.w1..p.w0];
            let gap_ok = gap.iter().enumerate().all(|(gi, w)| {
                (is_poss(w) && gi == 0 && c.w1 > 0 && (c.actor.is_some() || c.person.is_some()))
                    || is_modifier(dict, w, tags)
                    || (tags && w.key == "AND" && gi > 0 && gap[gi - 1].upos == "ADJ")
            });
            if !gap_ok || hyph_before(&p) {
                break;
            }
            // "former Iraqi prime minister": a leading "former" reaches the first role
            let former =
                gap.iter().any(|w| is_former(dict, w)) || (former_lead && c.agents.is_empty());
            if !add(&mut c, &p, former) {
                break;
            }
            c.w1 = p.w1;
            j += 1;
            if hyph_after(&p) {
                break;
            }
        }
    }
    // a trailing unknown name: "Russian firm Stroytransgaz", "Deputy Prime Minister Yury Borisov"
    let last_is_agent = j > i && agent_piece(&pieces[j - 1]) && pieces[j - 1].w1 == c.w1;
    if last_is_agent && c.person.is_none() && !headline && c.w1 < words.len() {
        let mut e = c.w1;
        let next_piece = pieces.get(j).map(|p| p.w0).unwrap_or(usize::MAX);
        while e < words.len() && e < next_piece && e - c.w1 < 6 {
            let w = &words[e];
            if is_name_word(w, tags) && !(w.case.all_caps && w.key.len() <= 1) {
                e += 1;
            } else if e > c.w1 && NAME_PARTICLES.contains(&w.key.as_str()) {
                // "al-Assad", "bin Salman", "van der Leyen": particles followed by a name word
                let mut f = e;
                while f < words.len() && NAME_PARTICLES.contains(&words[f].key.as_str()) {
                    f += 1;
                }
                if f < words.len() && f < next_piece && is_name_word(&words[f], tags) {
                    e = f + 1;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        if e > c.w1 {
            c.name = Some((c.w1, e));
            c.w1 = e;
        }
    }
    // "officials in Arnor", "the government of Gondor"
    if !c.agents.is_empty() && c.actor.is_none() && c.person.is_none() && c.w1 < words.len() {
        let jk = &words[c.w1].key;
        if jk == "OF" || jk == "IN" || jk == "FROM" {
            let mut k = c.w1 + 1;
            if k < words.len() && words[k].key == "THE" {
                k += 1;
            }
            if j < pieces.len() && pieces[j].w0 == k {
                if let PieceKind::Actor { entry, line } = pieces[j].kind {
                    if dict.actor_entries[entry as usize].kind != NameKind::Person
                        && !hyph_after(&pieces[j])
                    {
                        c.actor = Some((entry, line));
                        c.w1 = pieces[j].w1;
                        c.post_actor = true;
                        j += 1;
                    }
                }
            } else if k < words.len() && jk == "IN" {
                // a place the gazetteer knows
                if let Some(pm) = doc.places.iter().find(|pm| pm.start == words[k].start) {
                    if let Some(cc) = pm
                        .place
                        .country
                        .as_ref()
                        .and_then(|iso| dict.iso.get(&iso.to_uppercase()))
                    {
                        let mut e = k;
                        while e < words.len() && words[e].end <= pm.end {
                            e += 1;
                        }
                        if e > k {
                            c.place_country = Some(cc.clone());
                            c.w1 = e;
                        }
                    }
                }
            }
        }
    }
    // an agent used as a modifier of a following noun: "military intervention"
    if c.name.is_none() && c.w1 < words.len() {
        let nw = &words[c.w1];
        let trailing_agent = j > i && agent_piece(&pieces[j - 1]) && pieces[j - 1].w1 == c.w1;
        if trailing_agent && ((nw.key == "-" && nw.glued) || looks_like_noun(nw, tags)) {
            // drop the trailing agents
            while let Some(p) = j.checked_sub(1).map(|x| pieces[x]) {
                if j == i || !agent_piece(&p) || p.w1 != c.w1 {
                    break;
                }
                c.agents.pop();
                j -= 1;
                c.w1 = if j > i { pieces[j - 1].w1 } else { c.w0 };
                if j == i {
                    break;
                }
                // stop after removing the last contiguous agent run
                if !agent_piece(&pieces[j - 1]) {
                    break;
                }
            }
            if c.actor.is_none() && c.person.is_none() && c.agents.is_empty() {
                return (None, j.max(i + 1));
            }
        }
    }
    // extend to the front over a "former" modifier
    let mut w0 = c.w0;
    while w0 > 0 && is_former(dict, &words[w0 - 1]) {
        w0 -= 1;
    }
    c.w0 = w0;
    (Some(c), j.max(i + 1))
}

fn is_definite(words: &[Word], w0: usize) -> bool {
    let mut k = w0;
    while k > 0 {
        k -= 1;
        match words[k].key.as_str() {
            "THE" | "THIS" | "THAT" | "THESE" | "THOSE" => return true,
            "SAME" | "FORMER" | "TOP" | "SENIOR" => continue,
            _ => return false,
        }
    }
    false
}

fn make_mention(
    dict: &Dict,
    opts: &Options,
    doc: &Doc,
    words: &[Word],
    c: &Cand,
    day: Option<i64>,
    si: usize,
) -> Option<(ActorMention, Info)> {
    let mut entries: Vec<String> = Vec::new();
    let mut base: Option<String> = None;
    let mut info = Info {
        sentence: si,
        ..Default::default()
    };
    let mut name: Option<String> = None;
    let mut person_has_role = false;
    if let Some((e, line)) = c.actor {
        let ent = &dict.actor_entries[e as usize];
        if let Some((code, _)) = ent.code_on(day) {
            base = Some(code.to_string());
            entries.push(format!("{}:{}", ent.file, line));
            info.explicit_country = true;
            if ent.kind == NameKind::Adj {
                let last = &words[c.w0..c.w1];
                info.plural = c.agents.is_empty() && last.iter().any(|w| w.key.ends_with('S'));
            }
            if ent.kind == NameKind::Name && code.len() > 3 && opts.names_for_orgs {
                name = Some(ent.name.clone());
            }
        }
    }
    if let Some((e, line)) = c.person {
        let ent = &dict.actor_entries[e as usize];
        if let Some((code, title)) = ent.code_on(day) {
            entries.push(format!("{}:{}", ent.file, line));
            person_has_role = code.len() > 3;
            base = Some(code.to_string());
            info.title = title.to_string();
            info.explicit_country = true;
        } else if base.is_none() {
            // the person holds no role on this date: not a political actor then
            return None;
        }
        info.person = Some(e);
        info.personal = true;
        info.has_name = true;
        info.female = ent.female;
        // own dictionaries give the canonical name; PETRARCH's upper-case names give the text
        let (pw0, pw1) = c.person_span;
        name = Some(if ent.name.chars().any(|ch| ch.is_lowercase()) {
            ent.name.clone()
        } else {
            doc.span_text(words[pw0].start, words[pw1 - 1].end)
                .to_string()
        });
    }
    if base.is_none() {
        if let Some(pc) = &c.place_country {
            base = Some(pc.clone());
            entries.push("gazetteer".into());
            info.explicit_country = true;
        }
    }
    let had_actor = base.is_some();
    info.base = base.clone().unwrap_or_default();
    info.post_actor = c.post_actor;
    info.words = (c.w0, c.w1);
    let mut code = base.clone().unwrap_or_else(|| opts.unknown_country.clone());
    let mut first_agent: Option<String> = None;
    for &(e, line, plural, former) in &c.agents {
        let ag = &dict.agent_entries[e as usize];
        entries.push(format!("{}:{}", ag.file, line));
        let acode = if former && !dict.former.is_empty() {
            "ELI"
        } else {
            ag.code.as_str()
        };
        if first_agent.is_none() {
            first_agent = Some(acode.chars().take(3).collect());
        }
        if info.title.is_empty() || !ag.title.is_empty() {
            info.title = ag.title.clone();
        }
        info.plural = plural;
        if !person_has_role {
            code = compose(&code, acode, ag.prefix);
        }
        info.agent_codes.push((acode.to_string(), ag.prefix));
    }
    let titled = c
        .agents
        .iter()
        .any(|a| person_title(&dict.agent_entries[a.0 as usize].title));
    if !c.agents.is_empty() && info.person.is_none() {
        info.personal = !info.plural && titled;
    }
    if let Some((a, b)) = c.name {
        name = Some(doc.span_text(words[a].start, words[b - 1].end).to_string());
        info.has_name = true;
        // "Interior Minister Kwame Mensah" is a person, "Russian firm Stroytransgaz" is not
        info.personal = titled;
    }
    if code.is_empty() || code == opts.unknown_country {
        return None;
    }
    let unknown_prefix =
        !opts.unknown_country.is_empty() && code.starts_with(opts.unknown_country.as_str());
    let country = if had_actor && code.len() >= 3 && !unknown_prefix {
        Some(code.chars().take(3).collect::<String>())
    } else {
        None
    };
    let agent = first_agent.or_else(|| {
        (code.len() >= 6)
            .then(|| code[3..6].to_string())
            .filter(|r| ROLES.contains(&r.as_str()))
    });
    info.agent_only = !had_actor;
    info.definite = is_definite(words, c.w0);
    let m = ActorMention {
        start: words[c.w0].start,
        end: words[c.w1 - 1].end,
        token_start: words[c.w0].tok,
        token_end: words[c.w1 - 1].tok + 1,
        code: code.into(),
        country: country.map(Into::into),
        agent: agent.map(Into::into),
        name: name.map(Into::into),
        entry: entries.join("+").into(),
        antecedent: None,
    };
    Some((m, info))
}

fn titles_compatible(anaphor: &str, ante: &str) -> bool {
    if anaphor.is_empty() || ante.is_empty() {
        return false;
    }
    if anaphor == ante {
        return true;
    }
    match anaphor {
        "leader" | "head of state" => HEAD_TITLES.contains(&ante),
        "envoy" | "diplomat" | "top diplomat" => DIPLOMAT_TITLES.contains(&ante),
        "official" => true,
        "minister" => ante.ends_with("minister"),
        _ => false,
    }
}

/// Links a new mention `k` to an earlier one: the same person, or a definite description
/// ("the Russian foreign minister", "Moscow's envoy", "the company").
fn resolve_description(mentions: &mut [ActorMention], infos: &mut [Info], k: usize) {
    let inf = infos[k].clone();
    let m = mentions[k].clone();
    let found = if let Some(p) = inf.person {
        (0..k).find(|&a| infos[a].person == Some(p))
    } else if !inf.has_name
        && !inf.title.is_empty()
        && (inf.definite || m.country.is_some())
        && !inf.plural
    {
        (0..k).rev().find(|&a| {
            let ai = &infos[a];
            ai.has_name
                && (m.country.is_none() || mentions[a].country == m.country)
                && titles_compatible(&inf.title, &ai.title)
        })
    } else if !inf.has_name
        && inf.definite
        && !inf.plural
        && m.country.is_none()
        && m.agent.is_some()
    {
        // "the company", "the same firm": the last mention with that role and a country, in
        // this or the three sentences before
        let a = (0..k)
            .rev()
            .take_while(|&a| infos[a].sentence + 3 >= inf.sentence)
            .find(|&a| {
                mentions[a].agent == m.agent && mentions[a].country.is_some() && !infos[a].plural
            });
        if let Some(a) = a {
            let root = infos[a].root;
            let src = mentions[root].clone();
            mentions[k].antecedent = Some(root);
            infos[k].root = root;
            mentions[k].code = src.code.clone();
            mentions[k].country = src.country.clone();
            if infos[root].person.is_none() {
                // an organisation (a firm, a ministry): its name carries over
                mentions[k].name = src.name.clone();
            }
        }
        return;
    } else {
        None
    };
    if let Some(a) = found {
        let root = infos[a].root;
        mentions[k].antecedent = Some(root);
        infos[k].root = root;
        let src = mentions[root].clone();
        if mentions[k].name.is_none() {
            mentions[k].name = src.name.clone();
        }
        if mentions[k].country.is_none()
            || inf.person.is_none() && src.code.starts_with(mentions[k].code.as_str())
        {
            mentions[k].code = src.code.clone();
            mentions[k].country = src.country.clone();
            mentions[k].agent = src.agent.clone();
        }
        infos[k].has_name = infos[root].has_name;
        infos[k].person = infos[root].person;
        infos[k].female = infos[root].female;
        infos[k].personal = infos[root].personal;
        if infos[k].title.is_empty() {
            infos[k].title = infos[root].title.clone();
        }
    }
}

/// Gives agent-only mentions ("rebels", "the president") a country from context: the only
/// country named in the sentence, or for domestic roles the document's dominant country.
fn infer_countries(
    dict: &Dict,
    opts: &Options,
    doc: &Doc,
    mentions: &mut [ActorMention],
    infos: &mut [Info],
) {
    let countries: std::collections::HashSet<&str> = dict.iso.values().map(|v| v.as_str()).collect();
    let is_country = |c: &str| countries.contains(c);
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for (m, inf) in mentions.iter().zip(infos.iter()) {
        if let Some(c) = &m.country {
            if inf.explicit_country && is_country(c) {
                *counts.entry(c.to_string()).or_default() += 1;
            }
        }
    }
    for p in &doc.places {
        if let Some(c) = p
            .place
            .country
            .as_ref()
            .and_then(|iso| dict.iso.get(&iso.to_uppercase()))
        {
            *counts.entry(c.clone()).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&String, &usize)> = counts.iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let dominant = match ranked.as_slice() {
        [(c, &n)] if n >= 2 => Some((*c).clone()),
        [(c, &n), (_, &m), ..] if n >= 2 && n >= 2 * m => Some((*c).clone()),
        _ => None,
    };
    for k in 0..mentions.len() {
        if !infos[k].agent_only || mentions[k].antecedent.is_some() || mentions[k].country.is_some()
        {
            continue;
        }
        let si = infos[k].sentence;
        let mut in_sentence: Vec<String> = Vec::new();
        // mentions are in sentence order
        let lo = infos.partition_point(|i| i.sentence < si);
        let hi = infos.partition_point(|i| i.sentence <= si);
        for a in lo..hi {
            if a != k && infos[a].sentence == si && infos[a].explicit_country {
                if let Some(c) = &mentions[a].country {
                    if is_country(c) && !in_sentence.iter().any(|x| x == c) {
                        in_sentence.push(c.to_string());
                    }
                }
            }
        }
        let agent = mentions[k].agent.clone().unwrap_or_default();
        if !DOMESTIC.contains(&agent.as_str()) || infos[k].has_name {
            continue;
        }
        let (country, rule) = if in_sentence.len() == 1 {
            (in_sentence[0].clone(), "context:sentence-country")
        } else if let (Some(d), true) = (&dominant, DOMESTIC.contains(&agent.as_str())) {
            (d.clone(), "context:document-country")
        } else {
            continue;
        };
        let rest = mentions[k]
            .code
            .strip_prefix(opts.unknown_country.as_str())
            .unwrap_or(&mentions[k].code)
            .to_string();
        mentions[k].code = format!("{country}{rest}").into();
        mentions[k].country = Some(country.into());
        mentions[k].entry = format!("{}+{}", mentions[k].entry, rule).into();
    }
}

fn conj_between(words: &[Word], a: usize, b: usize) -> bool {
    let Some(gap) = words.get(a..b) else {
        return false;
    };
    !gap.is_empty()
        && gap.iter().all(|w| {
            matches!(
                w.key.as_str(),
                "AND" | "OR" | "," | "THE" | "NOR" | "BOTH" | "EITHER"
            )
        })
        && gap
            .iter()
            .any(|w| matches!(w.key.as_str(), "AND" | "OR" | "," | "NOR"))
}

/// Shares actor and agent parts across coordinated mentions of one sentence, as PETRARCH
/// does: "Danish media and government" (government -> DNKGOV), "lawmakers and officials in
/// Arnor" (lawmakers -> ARNLEG), "officials in Arnor and Gondor" (Gondor -> GONGOV).
fn distribute_conjuncts(
    opts: &Options,
    words: &[Word],
    mentions: &mut [ActorMention],
    infos: &mut [Info],
    first: usize,
) {
    let n = mentions.len();
    let recode = |m: &mut ActorMention, inf: &mut Info, base: &str, agents: &[(String, bool)]| {
        let mut code = base.to_string();
        for (a, p) in agents {
            code = compose(&code, a, *p);
        }
        m.code = code.into();
        m.country = (!base.is_empty()).then(|| base.chars().take(3).collect());
        m.agent = agents.first().map(|a| a.0.chars().take(3).collect());
        m.entry = format!("{}+conj", m.entry).into();
        inf.base = base.to_string();
        inf.agent_codes = agents.to_vec();
        inf.agent_only = base.is_empty();
    };
    // forward: an actor with agents shares its actor or its agents with the next conjuncts
    for k in first..n {
        for l in k + 1..n {
            if infos[l].sentence != infos[k].sentence || mentions[l].antecedent.is_some() {
                break;
            }
            if !conj_between(words, infos[l - 1].words.1, infos[l].words.0) {
                break;
            }
            let (kb, ka) = (infos[k].base.clone(), infos[k].agent_codes.clone());
            if kb.is_empty() || ka.is_empty() || infos[k].person.is_some() {
                break;
            }
            let lb = infos[l].base.clone();
            let la = infos[l].agent_codes.clone();
            if lb.is_empty() && !la.is_empty() && !infos[l].has_name && !infos[k].post_actor {
                // "Danish media and government"
                let (m, i) = (&mut mentions[l], &mut infos[l]);
                recode(m, i, &kb, &la);
            } else if !lb.is_empty()
                && la.is_empty()
                && infos[k].post_actor
                && infos[l].person.is_none()
            {
                // "officials in Arnor and Gondor"
                let (m, i) = (&mut mentions[l], &mut infos[l]);
                recode(m, i, &lb, &ka);
            } else {
                break;
            }
        }
    }
    // backward: "lawmakers and officials in Arnor"
    for k in (first..n).rev() {
        if !infos[k].post_actor || infos[k].base.is_empty() {
            continue;
        }
        let base = infos[k].base.clone();
        let mut l = k;
        while l > first {
            l -= 1;
            if infos[l].sentence != infos[k].sentence
                || !conj_between(words, infos[l].words.1, infos[l + 1].words.0)
            {
                break;
            }
            if !infos[l].base.is_empty() || infos[l].agent_codes.is_empty() || infos[l].has_name {
                break;
            }
            let la = infos[l].agent_codes.clone();
            let (m, i) = (&mut mentions[l], &mut infos[l]);
            recode(m, i, &base, &la);
        }
    }
    let _ = opts;
}
