//! TimeML (`.tml`) reading and TempEval-3 style TIMEX3 scoring.
//!
//! Scoring follows TempEval-3: an extent match is *strict* when the spans are identical and
//! *relaxed* when they overlap (one-to-one); type and value are judged on relaxed matches, and
//! "value F1" / "type F1" are the attribute accuracy on matches times the relaxed extent F1.

use model::{Date, TimeExpr};

/// A gold TIMEX3 annotation (byte offsets into [`TmlDoc::text`]).
#[derive(Clone, Debug, PartialEq)]
pub struct GoldTimex {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// `DATE`, `TIME`, `DURATION` or `SET`.
    pub kind: String,
    /// TIMEX3 value.
    pub value: String,
}

/// A TimeML document: the text of its `<TEXT>` element, its creation time and its TIMEX3s.
#[derive(Clone, Debug, Default)]
pub struct TmlDoc {
    /// The document creation time (the TIMEX3 with `functionInDocument="CREATION_TIME"`).
    pub dct: Option<Date>,
    /// The text with tags removed and entities decoded.
    pub text: String,
    /// Gold TIMEX3s inside `<TEXT>`.
    pub timexes: Vec<GoldTimex>,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let pat = format!("{name}=\"");
    let k = tag.find(&pat)? + pat.len();
    let rest = &tag[k..];
    let e = rest.find('"')?;
    Some(rest[..e].to_string())
}

fn decode_into(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(k) = rest.find('&') {
        out.push_str(&rest[..k]);
        let r = &rest[k..];
        let (rep, n) = if r.starts_with("&amp;") {
            ("&", 5)
        } else if r.starts_with("&lt;") {
            ("<", 4)
        } else if r.starts_with("&gt;") {
            (">", 4)
        } else if r.starts_with("&quot;") {
            ("\"", 6)
        } else if r.starts_with("&apos;") {
            ("'", 6)
        } else {
            ("&", 1)
        };
        out.push_str(rep);
        rest = &r[n..];
    }
    out.push_str(rest);
}

/// Parses a TimeML document. Errors say what is missing.
pub fn parse(xml: &str) -> Result<TmlDoc, String> {
    let mut doc = TmlDoc::default();
    // the creation time may sit anywhere before <TEXT>
    let mut p = 0;
    while let Some(k) = xml[p..].find("<TIMEX3") {
        let s = p + k;
        let e = xml[s..].find('>').map(|x| s + x).ok_or("unterminated TIMEX3 tag")?;
        let tag = &xml[s..e];
        if attr(tag, "functionInDocument").as_deref() == Some("CREATION_TIME") {
            doc.dct = attr(tag, "value").and_then(|v| Date::parse(v.get(..10).unwrap_or(&v)));
            break;
        }
        p = e;
    }
    let ts = xml.find("<TEXT>").ok_or("no <TEXT> element")? + "<TEXT>".len();
    let te = xml[ts..].find("</TEXT>").map(|k| ts + k).ok_or("no </TEXT>")?;
    let body = &xml[ts..te];
    let mut open: Option<(usize, String, String)> = None;
    let mut i = 0;
    while i < body.len() {
        match body[i..].find('<') {
            None => {
                decode_into(&mut doc.text, &body[i..]);
                break;
            }
            Some(k) => {
                decode_into(&mut doc.text, &body[i..i + k]);
                let s = i + k;
                let e = body[s..].find('>').map(|x| s + x).ok_or("unterminated tag in <TEXT>")?;
                let tag = &body[s + 1..e];
                if tag.starts_with("TIMEX3") {
                    let kind = attr(tag, "type").unwrap_or_default();
                    let value = attr(tag, "value").unwrap_or_default();
                    open = Some((doc.text.len(), kind, value));
                } else if tag.starts_with("/TIMEX3") {
                    if let Some((st, kind, value)) = open.take() {
                        doc.timexes.push(GoldTimex { start: st, end: doc.text.len(), kind, value });
                    }
                }
                i = e + 1;
            }
        }
    }
    Ok(doc)
}

/// Counts for TempEval-3 TIMEX3 scores.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    /// Gold expressions.
    pub gold: usize,
    /// System expressions.
    pub sys: usize,
    /// Exact-span matches.
    pub strict: usize,
    /// Overlap matches (one-to-one).
    pub relaxed: usize,
    /// Relaxed matches with the right type.
    pub kind_ok: usize,
    /// Relaxed matches with the right value.
    pub value_ok: usize,
}

impl Counts {
    /// Adds another document's counts.
    pub fn add(&mut self, o: &Counts) {
        self.gold += o.gold;
        self.sys += o.sys;
        self.strict += o.strict;
        self.relaxed += o.relaxed;
        self.kind_ok += o.kind_ok;
        self.value_ok += o.value_ok;
    }
    fn prf(&self, tp: usize) -> (f64, f64, f64) {
        let p = if self.sys > 0 { tp as f64 / self.sys as f64 } else { 0.0 };
        let r = if self.gold > 0 { tp as f64 / self.gold as f64 } else { 0.0 };
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        (100.0 * p, 100.0 * r, 100.0 * f)
    }
    /// Strict extent P, R, F1 (percent).
    pub fn strict_prf(&self) -> (f64, f64, f64) {
        self.prf(self.strict)
    }
    /// Relaxed extent P, R, F1 (percent).
    pub fn relaxed_prf(&self) -> (f64, f64, f64) {
        self.prf(self.relaxed)
    }
    /// Value F1: value accuracy on relaxed matches × relaxed F1.
    pub fn value_f1(&self) -> f64 {
        self.prf(self.value_ok).2
    }
    /// Type F1: type accuracy on relaxed matches × relaxed F1.
    pub fn type_f1(&self) -> f64 {
        self.prf(self.kind_ok).2
    }
    /// Value accuracy on relaxed matches (percent).
    pub fn value_accuracy(&self) -> f64 {
        if self.relaxed > 0 {
            100.0 * self.value_ok as f64 / self.relaxed as f64
        } else {
            0.0
        }
    }
}

/// Trims whitespace from a byte span of `text`.
fn trim(text: &str, s: usize, e: usize) -> (usize, usize) {
    let t = text.get(s..e).unwrap_or("");
    let ls = t.len() - t.trim_start().len();
    let rs = t.len() - t.trim_end().len();
    (s + ls, (e - rs).max(s + ls))
}

/// Scores system expressions against gold ones on the same text. `mismatch` receives each
/// gold/system disagreement (for error listings): (gold, system) with `None` for a miss.
pub fn score(text: &str, gold: &[GoldTimex], sys: &[TimeExpr], mut mismatch: impl FnMut(Option<&GoldTimex>, Option<&TimeExpr>)) -> Counts {
    let mut c = Counts { gold: gold.len(), sys: sys.len(), ..Default::default() };
    let mut used = vec![false; sys.len()];
    for g in gold {
        let (gs, ge) = trim(text, g.start, g.end);
        // prefer an exact match, then the first overlapping one
        let exact = (0..sys.len()).find(|&k| !used[k] && (sys[k].start, sys[k].end) == (gs, ge));
        let k = exact.or_else(|| (0..sys.len()).find(|&k| !used[k] && sys[k].start < ge && gs < sys[k].end));
        match k {
            Some(k) => {
                used[k] = true;
                c.relaxed += 1;
                let s = &sys[k];
                let strict = exact.is_some();
                if strict {
                    c.strict += 1;
                }
                let kind_ok = format!("{:?}", s.kind) == g.kind;
                let value_ok = s.value == g.value;
                if kind_ok {
                    c.kind_ok += 1;
                }
                if value_ok {
                    c.value_ok += 1;
                }
                if !(strict && kind_ok && value_ok) {
                    mismatch(Some(g), Some(s));
                }
            }
            None => mismatch(Some(g), None),
        }
    }
    for (k, s) in sys.iter().enumerate() {
        if !used[k] {
            mismatch(None, Some(s));
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_timeml_and_scores() {
        let xml = r#"<TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="1998-01-08" functionInDocument="CREATION_TIME">19980108</TIMEX3></DCT>
<TEXT>Prices fell <TIMEX3 tid="t1" type="DATE" value="1998-01-07">yesterday</TIMEX3> &amp; rose <TIMEX3 tid="t2" type="DURATION" value="P2W">for two weeks</TIMEX3>.</TEXT></TimeML>"#;
        let d = parse(xml).unwrap();
        assert_eq!(d.dct, Date::new(1998, 1, 8));
        assert_eq!(d.text, "Prices fell yesterday & rose for two weeks.");
        assert_eq!(&d.text[d.timexes[0].start..d.timexes[0].end], "yesterday");
        let sys = vec![
            TimeExpr { start: 12, end: 21, kind: model::TimeKind::DATE, value: "1998-01-07".into(), modifier: None },
            TimeExpr { start: 33, end: 42, kind: model::TimeKind::DURATION, value: "P2W".into(), modifier: None },
        ];
        let c = score(&d.text, &d.timexes, &sys, |_, _| {});
        assert_eq!((c.gold, c.sys, c.strict, c.relaxed, c.value_ok, c.kind_ok), (2, 2, 1, 2, 2, 2));
        assert!((c.relaxed_prf().2 - 100.0).abs() < 1e-9);
        assert!((c.strict_prf().2 - 50.0).abs() < 1e-9);
    }
}
