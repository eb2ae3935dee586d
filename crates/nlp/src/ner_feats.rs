//! Feature templates of the NER: the token, its shape and affixes, its tags, the words and
//! shapes around it, the known name covering it ([`NameSet`]), the run of capitalized words
//! it is in, what earlier sentences of the document found for its word, and the labels
//! already given to the previous tokens.

use crate::perceptron::FeatureHasher;
use super::clusters::WordClusters;
use super::names::{token_key, Match, NameSet};

/// A token prepared for feature extraction (hashes computed once).
#[derive(Clone, Debug)]
pub(crate) struct NerTok {
    lower: u64,
    form: u64,
    shape: u64,
    short: u64,
    upos: u64,
    xpos: u64,
    pre: [u64; 3],
    suf: [u64; 4],
    flags: u64,
    fine: u64,
    coarse: u64,
    cap: u64,
    /// [`token_key`] of the form (for name matching).
    pub(crate) gkey: u64,
    /// The known name covering the token: kinds × BILOU position (0 when none).
    gaz: u64,
    /// Its length in tokens (0 when none).
    glen: u64,
    /// Capitalized (title case or all capitals, with a letter).
    capish: bool,
    /// A word that may join capitalized words into one name ("of", "and", "&", "-", …).
    conn: bool,
    /// The run of capitalized words (joined by connectors) the token is in: BILOU position
    /// × length (0 when none), and its last word and that word's coarse class.
    run: u64,
    run_end: u64,
    run_end_class: u64,
    /// Types of the entities the word was part of earlier in the document (bits).
    mem: u64,
}

const NONE: u64 = 0x5bd1_e995_1234_5677;

fn h(t: u32, s: &str) -> u64 {
    FeatureHasher::new(t).str(s).finish()
}

/// Word shape: `Xxxx` → `Xx`, digits `d`, runs longer than 3 collapsed (`Xxxx` for
/// "London", `dd.dd` for "12.50"), written into `buf` (no allocation: at most 40 characters).
fn shape_into<'b>(s: &str, short: bool, buf: &'b mut [u8; 160]) -> &'b str {
    let mut n = 0;
    let mut last = '\0';
    let mut run = 0;
    for c in s.chars().take(40) {
        let k = crate::tokenize::shape_class(c);
        if k == last {
            run += 1;
            if short || run >= 3 {
                continue;
            }
        } else {
            run = 0;
        }
        last = k;
        n += k.encode_utf8(&mut buf[n..]).len();
    }
    std::str::from_utf8(&buf[..n]).unwrap_or("")
}

#[cfg(test)]
fn shape(s: &str, short: bool) -> String {
    shape_into(s, short, &mut [0u8; 160]).to_string()
}

impl NerTok {
    pub(crate) fn new(form: &str, upos: &str, xpos: &str, first: bool, wc: &WordClusters) -> NerTok {
        let class = wc.get(form);
        let lower: String = form.to_lowercase();
        // an abbreviation is the same word with or without its period ("Mr." and the
        // British "Mr", "Corp." and "Corp")
        let lower_h = h(10, lower.strip_suffix('.').filter(|w| !w.is_empty()).unwrap_or(&lower));
        let n_chars = lower.chars().count();
        let cut_pre = |k: usize| lower.char_indices().nth(k).map_or(lower.len(), |c| c.0);
        let cut_suf = |k: usize| if n_chars > k { lower.char_indices().nth(n_chars - k).map_or(0, |c| c.0) } else { 0 };
        let mut buf = [0u8; 160];
        let title = form.chars().next().is_some_and(|c| c.is_uppercase());
        let caps = form.chars().any(|c| c.is_alphabetic()) && !form.chars().any(|c| c.is_lowercase());
        let digit = form.chars().any(|c| c.is_ascii_digit());
        let flags = (title as u64) | (caps as u64) << 1 | (digit as u64) << 2 | (first as u64) << 3 | (form.contains('-') as u64) << 4 | (form.contains('.') as u64) << 5;
        NerTok {
            lower: lower_h,
            fine: class.map_or(NONE, |c| 0x1_0000 + c.fine as u64),
            coarse: class.map_or(NONE, |c| 0x2_0000 + c.coarse as u64),
            cap: class.map_or(NONE, |c| 0x3_0000 + c.cap as u64),
            form: h(11, form),
            shape: h(12, shape_into(form, false, &mut buf)),
            short: h(13, shape_into(form, true, &mut buf)),
            upos: h(14, upos),
            xpos: h(15, xpos),
            pre: [h(16, &lower[..cut_pre(1)]), h(17, &lower[..cut_pre(2)]), h(18, &lower[..cut_pre(3)])],
            suf: [h(19, &lower[cut_suf(1)..]), h(20, &lower[cut_suf(2)..]), h(21, &lower[cut_suf(3)..]), h(22, &lower[cut_suf(4)..])],
            flags,
            gkey: token_key(&lower),
            gaz: 0,
            glen: 0,
            capish: (title || caps) && form.chars().any(|c| c.is_alphabetic()),
            conn: matches!(lower.as_str(), "of" | "and" | "&" | "for" | "de" | "du" | "la" | "del" | "von" | "van" | "-" | "on" | "the"),
            run: 0,
            run_end: NONE,
            run_end_class: NONE,
            mem: 0,
        }
    }
}

/// Marks the tokens covered by known names (longest matches; see [`NameSet::matches`]).
pub(crate) fn mark_names(toks: &mut [NerTok], names: &NameSet, keys: &mut Vec<u64>, found: &mut Vec<Match>) {
    if names.is_empty() {
        return;
    }
    keys.clear();
    keys.extend(toks.iter().map(|t| t.gkey));
    names.matches(keys, found);
    for m in found.iter() {
        let n = m.end - m.start;
        for (j, t) in toks[m.start..m.end].iter_mut().enumerate() {
            let pos = if n == 1 { 3 } else if j == 0 { 0 } else if j + 1 == n { 2 } else { 1 };
            t.gaz = 1 + (m.bits as u64) * 4 + pos;
            t.glen = n.min(4) as u64;
        }
    }
}

/// Sets what earlier sentences of the document found about each token's word.
pub(crate) fn mark_memory(toks: &mut [NerTok], get: impl Fn(u64) -> u8) {
    for t in toks {
        t.mem = get(t.gkey) as u64;
    }
}

/// Whether the token is covered by a known title and nothing else ("Mr", "Prime Minister").
pub(crate) fn title_only(t: &NerTok) -> bool {
    t.gaz != 0 && (t.gaz - 1) / 4 == super::names::bits::TITLE as u64
}

/// Marks runs of capitalized words, joined by connectors ("Bank of New York"), with each
/// token's position, the run's length and its last word.
pub(crate) fn mark_runs(toks: &mut [NerTok]) {
    let n = toks.len();
    let mut i = 0;
    while i < n {
        if !toks[i].capish {
            i += 1;
            continue;
        }
        let mut e = i + 1;
        loop {
            if e < n && toks[e].capish {
                e += 1;
            } else if e + 1 < n && toks[e].conn && toks[e + 1].capish {
                e += 2;
            } else {
                break;
            }
        }
        let len = e - i;
        let (end, end_class) = (toks[e - 1].lower, toks[e - 1].coarse);
        for (j, t) in toks[i..e].iter_mut().enumerate() {
            let pos = if len == 1 { 3 } else if j == 0 { 0 } else if j + 1 == len { 2 } else { 1 };
            t.run = 1 + pos + 4 * len.min(6) as u64;
            t.run_end = end;
            t.run_end_class = end_class;
        }
        i = e;
    }
}

use crate::perceptron::{combine as mix, splitmix as fin};

#[inline]
fn feat(t: u64, parts: &[u64]) -> u64 {
    let mut h = t.wrapping_mul(0xd6e8_feb8_6659_fd93);
    for &p in parts {
        h = mix(h, p);
    }
    fin(h)
}

/// Clears `out` and fills it with the features of token `i` that do not depend on labels.
pub(crate) fn static_feats(toks: &[NerTok], i: usize, out: &mut Vec<u64>) {
    out.clear();
    let t = &toks[i];
    let at = |d: isize| -> Option<&NerTok> { toks.get((i as isize + d) as usize).filter(|_| i as isize + d >= 0) };
    let lower = |d| at(d).map_or(NONE, |x| x.lower);
    let shape = |d| at(d).map_or(NONE, |x| x.short);
    let upos = |d| at(d).map_or(NONE, |x| x.upos);
    let mut k = 0u64;
    let mut add = |parts: &[u64]| {
        k += 1;
        out.push(feat(k, parts));
    };
    add(&[]);
    add(&[t.lower]);
    add(&[t.form]);
    add(&[t.shape]);
    add(&[t.short]);
    add(&[t.upos]);
    add(&[t.xpos]);
    add(&[t.flags]);
    let fine = |d| at(d).map_or(NONE, |x| x.fine);
    let coarse = |d| at(d).map_or(NONE, |x| x.coarse);
    add(&[t.fine]);
    add(&[t.coarse]);
    add(&[t.cap]);
    add(&[t.cap, t.flags]);
    add(&[t.fine, t.short]);
    add(&[t.coarse, t.upos]);
    add(&[fine(-1)]);
    add(&[fine(1)]);
    add(&[coarse(-1), t.coarse]);
    add(&[t.coarse, coarse(1)]);
    add(&[coarse(-1), t.short]);
    add(&[t.short, coarse(1)]);
    for p in t.pre {
        add(&[p]);
    }
    for s in t.suf {
        add(&[s]);
    }
    add(&[t.suf[2], t.short]);
    add(&[t.upos, t.short]);
    add(&[t.lower, t.flags]);
    add(&[lower(-1)]);
    add(&[lower(1)]);
    add(&[lower(-2)]);
    add(&[lower(2)]);
    add(&[lower(-1), t.lower]);
    add(&[t.lower, lower(1)]);
    add(&[shape(-1)]);
    add(&[shape(1)]);
    add(&[shape(-1), t.short, shape(1)]);
    add(&[upos(-1)]);
    add(&[upos(1)]);
    add(&[upos(-1), t.upos]);
    add(&[t.upos, upos(1)]);
    add(&[upos(-1), t.upos, upos(1)]);
    add(&[lower(-1), t.short]);
    add(&[t.short, lower(1)]);
    add(&[at(-1).map_or(NONE, |x| x.suf[2]), t.short]);
    add(&[at(1).map_or(NONE, |x| x.xpos), t.xpos]);
    // known names
    let gaz = |d| at(d).map_or(NONE, |x| x.gaz);
    add(&[t.gaz]);
    add(&[t.gaz, t.glen]);
    add(&[t.gaz, t.short]);
    add(&[t.gaz, t.cap]);
    add(&[t.gaz, t.upos]);
    add(&[gaz(-1), t.gaz]);
    add(&[t.gaz, gaz(1)]);
    // runs of capitalized words
    add(&[t.run]);
    add(&[t.run, t.run_end]);
    add(&[t.run, t.run_end_class]);
    add(&[t.run, t.gaz]);
    // the document so far
    add(&[t.mem]);
    add(&[t.mem, t.short]);
    add(&[t.mem, t.run]);
    add(&[at(-1).map_or(NONE, |x| x.mem), t.mem, at(1).map_or(NONE, |x| x.mem)]);
}

/// Adds the features that depend on the two previous labels.
pub(crate) fn history(t: &NerTok, p1: u64, p2: u64, out: &mut Vec<u64>) {
    let base = 1000u64;
    out.push(feat(base, &[p1]));
    out.push(feat(base + 1, &[p2, p1]));
    out.push(feat(base + 2, &[p1, t.lower]));
    out.push(feat(base + 3, &[p1, t.short]));
    out.push(feat(base + 4, &[p1, t.upos]));
}

/// Whether the token's known-name, run and memory values are all empty, so that its
/// [`local_feats`] depend on the word alone ([`ROLE_PLAIN`]).
#[inline]
pub(crate) fn plain(t: &NerTok) -> bool {
    t.gaz == 0 && t.run == 0 && t.mem == 0
}

/// Roles in which a word's features are summed once per word (see `ner::fast`): the
/// features of the word alone; those that read only the previous word (this word in that
/// place); those that read only the next word; [`local_feats`] of a [`plain`] word; the
/// label-dependent features of the word after an `O` ([`hist_word`]). (Caching the
/// features that read the words two places away, or sums of groups of context features,
/// was tried and was slower: more memory, more misses.)
pub(crate) const ROLE_OWN: usize = 0;
pub(crate) const ROLE_PREV: usize = 1;
pub(crate) const ROLE_NEXT: usize = 2;
pub(crate) const ROLE_PLAIN: usize = 3;
pub(crate) const ROLE_HIST_O: usize = 4;
pub(crate) const ROLES: usize = 5;

/// Clears `out` and fills it with the features of word `t` in `role` (`None`: the sentence
/// boundary as the previous or next word). Together with [`context_feats`], [`local_feats`],
/// [`hist_pair`] and [`hist_word`] these are exactly [`static_feats`] + [`history`]
/// (checked by a test); the template numbers are those of [`static_feats`].
pub(crate) fn role_feats(t: Option<&NerTok>, role: usize, out: &mut Vec<u64>) {
    out.clear();
    let v = |f: fn(&NerTok) -> u64| t.map_or(NONE, f);
    match role {
        ROLE_OWN => {
            let Some(t) = t else { return };
            out.push(feat(1, &[]));
            out.push(feat(2, &[t.lower]));
            out.push(feat(3, &[t.form]));
            out.push(feat(4, &[t.shape]));
            out.push(feat(5, &[t.short]));
            out.push(feat(6, &[t.upos]));
            out.push(feat(7, &[t.xpos]));
            out.push(feat(8, &[t.flags]));
            out.push(feat(9, &[t.fine]));
            out.push(feat(10, &[t.coarse]));
            out.push(feat(11, &[t.cap]));
            out.push(feat(12, &[t.cap, t.flags]));
            out.push(feat(13, &[t.fine, t.short]));
            out.push(feat(14, &[t.coarse, t.upos]));
            for (j, p) in t.pre.iter().enumerate() {
                out.push(feat(21 + j as u64, &[*p]));
            }
            for (j, s) in t.suf.iter().enumerate() {
                out.push(feat(24 + j as u64, &[*s]));
            }
            out.push(feat(28, &[t.suf[2], t.short]));
            out.push(feat(29, &[t.upos, t.short]));
            out.push(feat(30, &[t.lower, t.flags]));
        }
        ROLE_PREV => {
            out.push(feat(15, &[v(|x| x.fine)]));
            out.push(feat(31, &[v(|x| x.lower)]));
            out.push(feat(37, &[v(|x| x.short)]));
            out.push(feat(40, &[v(|x| x.upos)]));
        }
        ROLE_NEXT => {
            out.push(feat(16, &[v(|x| x.fine)]));
            out.push(feat(32, &[v(|x| x.lower)]));
            out.push(feat(38, &[v(|x| x.short)]));
            out.push(feat(41, &[v(|x| x.upos)]));
        }
        ROLE_PLAIN => {
            if let Some(t) = t {
                local_feats(t, out);
            }
        }
        ROLE_HIST_O => {
            if let Some(t) = t {
                hist_word(t, 0, out);
            }
        }
        _ => {}
    }
}

/// Appends the features of token `i` that read its known name, capitalized run and
/// document memory (no neighbour).
pub(crate) fn local_feats(t: &NerTok, out: &mut Vec<u64>) {
    out.push(feat(49, &[t.gaz]));
    out.push(feat(50, &[t.gaz, t.glen]));
    out.push(feat(51, &[t.gaz, t.short]));
    out.push(feat(52, &[t.gaz, t.cap]));
    out.push(feat(53, &[t.gaz, t.upos]));
    out.push(feat(56, &[t.run]));
    out.push(feat(57, &[t.run, t.run_end]));
    out.push(feat(58, &[t.run, t.run_end_class]));
    out.push(feat(59, &[t.run, t.gaz]));
    out.push(feat(60, &[t.mem]));
    out.push(feat(61, &[t.mem, t.short]));
    out.push(feat(62, &[t.mem, t.run]));
}

/// Appends the features of token `i` that read it together with a neighbour, or a word two
/// places away.
pub(crate) fn context_feats(toks: &[NerTok], i: usize, out: &mut Vec<u64>) {
    let t = &toks[i];
    let p = if i > 0 { toks.get(i - 1) } else { None };
    let n = toks.get(i + 1);
    let g = |x: Option<&NerTok>, f: fn(&NerTok) -> u64| x.map_or(NONE, f);
    out.push(feat(17, &[g(p, |x| x.coarse), t.coarse]));
    out.push(feat(19, &[g(p, |x| x.coarse), t.short]));
    out.push(feat(35, &[g(p, |x| x.lower), t.lower]));
    out.push(feat(42, &[g(p, |x| x.upos), t.upos]));
    out.push(feat(45, &[g(p, |x| x.lower), t.short]));
    out.push(feat(47, &[g(p, |x| x.suf[2]), t.short]));
    out.push(feat(18, &[t.coarse, g(n, |x| x.coarse)]));
    out.push(feat(20, &[t.short, g(n, |x| x.coarse)]));
    out.push(feat(36, &[t.lower, g(n, |x| x.lower)]));
    out.push(feat(43, &[t.upos, g(n, |x| x.upos)]));
    out.push(feat(46, &[t.short, g(n, |x| x.lower)]));
    out.push(feat(48, &[g(n, |x| x.xpos), t.xpos]));
    out.push(feat(39, &[g(p, |x| x.short), t.short, g(n, |x| x.short)]));
    out.push(feat(44, &[g(p, |x| x.upos), t.upos, g(n, |x| x.upos)]));
    out.push(feat(54, &[g(p, |x| x.gaz), t.gaz]));
    out.push(feat(55, &[t.gaz, g(n, |x| x.gaz)]));
    out.push(feat(63, &[g(p, |x| x.mem), t.mem, g(n, |x| x.mem)]));
    let p2 = if i > 1 { toks.get(i - 2) } else { None };
    out.push(feat(33, &[g(p2, |x| x.lower)]));
    out.push(feat(34, &[g(toks.get(i + 2), |x| x.lower)]));
}

/// Appends the features of [`history`] that read the labels only.
pub(crate) fn hist_pair(p1: u64, p2: u64, out: &mut Vec<u64>) {
    out.push(feat(1000, &[p1]));
    out.push(feat(1001, &[p2, p1]));
}

/// Appends the features of [`history`] that read the previous label and the word.
pub(crate) fn hist_word(t: &NerTok, p1: u64, out: &mut Vec<u64>) {
    out.push(feat(1002, &[p1, t.lower]));
    out.push(feat(1003, &[p1, t.short]));
    out.push(feat(1004, &[p1, t.upos]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_capitalized_words() {
        let wc = WordClusters::default();
        let forms = ["the", "Bank", "of", "New", "York", "said", "of", "Rome", "and", "x"];
        let mut toks: Vec<NerTok> = forms.iter().enumerate().map(|(i, f)| NerTok::new(f, "", "", i == 0, &wc)).collect();
        mark_runs(&mut toks);
        let runs: Vec<u64> = toks.iter().map(|t| t.run).collect();
        // "Bank of New York": B I I L, length 4; "Rome": U, length 1; the rest: none
        assert_eq!(runs, vec![0, 1 + 16, 2 + 16, 2 + 16, 3 + 16, 0, 0, 4 + 4, 0, 0]);
        assert_eq!(toks[1].run_end, toks[4].lower);
    }

    #[test]
    fn grouped_features_are_the_static_and_history_features() {
        let wc = WordClusters::default();
        let names = NameSet::build(vec![(vec!["New", "York"], crate::ner::names::bits::LOC)]);
        let forms = ["The", "Bank", "of", "New", "York", "said", "it", "x-1", "Rome", "."];
        let tags = ["DET", "PROPN", "ADP", "PROPN", "PROPN", "VERB", "PRON", "NUM", "PROPN", "PUNCT"];
        for len in [1usize, 2, 3, forms.len()] {
            let mut toks: Vec<NerTok> = (0..len).map(|i| NerTok::new(forms[i], tags[i], "NNP", i == 0, &wc)).collect();
            let words = toks.clone();
            mark_names(&mut toks, &names, &mut Vec::new(), &mut Vec::new());
            mark_runs(&mut toks);
            mark_memory(&mut toks, |k| (k % 3) as u8);
            for i in 0..len {
                for (p1, p2) in [(99, 99), (0, 99), (0, 0), (3, 0), (16, 7)] {
                    let mut want = Vec::new();
                    static_feats(&toks, i, &mut want);
                    history(&toks[i], p1, p2, &mut want);
                    let mut got = Vec::new();
                    let mut part = Vec::new();
                    role_feats(Some(&words[i]), ROLE_OWN, &mut part);
                    got.extend_from_slice(&part);
                    role_feats(if i > 0 { Some(&words[i - 1]) } else { None }, ROLE_PREV, &mut part);
                    got.extend_from_slice(&part);
                    role_feats(words.get(i + 1), ROLE_NEXT, &mut part);
                    got.extend_from_slice(&part);
                    if plain(&toks[i]) {
                        role_feats(Some(&words[i]), ROLE_PLAIN, &mut part);
                        got.extend_from_slice(&part);
                    } else {
                        local_feats(&toks[i], &mut got);
                    }
                    context_feats(&toks, i, &mut got);
                    hist_pair(p1, p2, &mut got);
                    if p1 == 0 {
                        role_feats(Some(&words[i]), ROLE_HIST_O, &mut part);
                        got.extend_from_slice(&part);
                    } else {
                        hist_word(&toks[i], p1, &mut got);
                    }
                    want.sort_unstable();
                    got.sort_unstable();
                    assert_eq!(want, got, "token {i} of {len}, labels {p1} {p2}");
                }
            }
        }
    }

    #[test]
    fn shapes() {
        assert_eq!(super::shape("London", false), "Xxxx");
        assert_eq!(super::shape("London", true), "Xx");
        assert_eq!(super::shape("12.50", false), "dd.dd");
        assert_eq!(super::shape("", true), "");
    }
}
