//! Feature templates of the NER: the token, its shape and affixes, its tags, the words and
//! shapes around it, and the labels already given to the previous tokens.

use crate::perceptron::FeatureHasher;
use super::clusters::WordClusters;

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
}

const NONE: u64 = 0x5bd1_e995_1234_5677;

fn h(t: u32, s: &str) -> u64 {
    FeatureHasher::new(t).str(s).finish()
}

/// Word shape: `Xxxx` → `Xx`, digits `d`, runs longer than 3 collapsed (`Xxxx` for
/// "London", `dd.dd` for "12.50").
fn shape(s: &str, short: bool) -> String {
    let mut out = String::new();
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
        out.push(k);
    }
    out
}

impl NerTok {
    pub(crate) fn new(form: &str, upos: &str, xpos: &str, first: bool, wc: &WordClusters) -> NerTok {
        let class = wc.get(form);
        let lower: String = form.to_lowercase();
        let lower_h = h(10, &lower);
        let chars: Vec<(usize, char)> = lower.char_indices().collect();
        let cut_pre = |k: usize| chars.get(k).map_or(lower.len(), |c| c.0);
        let cut_suf = |k: usize| if chars.len() > k { chars[chars.len() - k].0 } else { 0 };
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
            shape: h(12, &shape(form, false)),
            short: h(13, &shape(form, true)),
            upos: h(14, upos),
            xpos: h(15, xpos),
            pre: [h(16, &lower[..cut_pre(1)]), h(17, &lower[..cut_pre(2)]), h(18, &lower[..cut_pre(3)])],
            suf: [h(19, &lower[cut_suf(1)..]), h(20, &lower[cut_suf(2)..]), h(21, &lower[cut_suf(3)..]), h(22, &lower[cut_suf(4)..])],
            flags,
            propn: upos == "PROPN",
        }
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
    #[test]
    fn shapes() {
        assert_eq!(super::shape("London", false), "Xxxx");
        assert_eq!(super::shape("London", true), "Xx");
        assert_eq!(super::shape("12.50", false), "dd.dd");
        assert_eq!(super::shape("", true), "");
    }
}
