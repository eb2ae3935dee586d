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
    /// Tagged PROPN.
    pub propn: bool,
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
        let lower_h = h(10, &lower);
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
            propn: upos == "PROPN",
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
    fn shapes() {
        assert_eq!(super::shape("London", false), "Xxxx");
        assert_eq!(super::shape("London", true), "Xx");
        assert_eq!(super::shape("12.50", false), "dd.dd");
        assert_eq!(super::shape("", true), "");
    }
}
