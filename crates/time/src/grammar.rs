//! The temporal grammar: hand-written matchers over the tagger's tokens. Each matcher looks
//! at a start token and returns the end of the longest expression it recognises there with
//! its type and meaning; the caller keeps the longest match and moves past it.

use crate::lex::{self, Tk, Unit};
use crate::resolve::{duration, Qty, Sem};
use model::TimeKind;

/// A recognised expression (token range `[start, end)`).
#[derive(Clone, Debug)]
pub struct Hit {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// TIMEX3 type.
    pub kind: TimeKind,
    /// Meaning.
    pub sem: Sem,
    /// TIMEX3 `mod`.
    pub modi: Option<&'static str>,
}

/// Token access helpers over one text.
pub struct G<'a> {
    /// Tokens.
    pub t: &'a [Tk<'a>],
}

struct Core {
    end: usize,
    kind: TimeKind,
    sem: Sem,
    /// "the" may precede it and belongs to the expression.
    the_ok: bool,
    /// Carries a quantity (so "about", "nearly" … may precede it).
    quant: bool,
}

/// Nouns after "N-year-old" that make it a duration rather than an age.
fn thing_noun(w: &str) -> bool {
    matches!(
        w,
        "war" | "conflict" | "dispute" | "crisis" | "ban" | "feud" | "insurgency" | "rebellion" | "campaign" | "embargo"
            | "blockade" | "siege" | "occupation" | "ceasefire" | "truce" | "regime" | "rule" | "law" | "treaty"
            | "agreement" | "deal" | "case" | "investigation" | "standoff" | "strike" | "protest" | "struggle"
            | "civil" | "fight" | "battle" | "uprising" | "movement" | "tradition" | "record" | "mystery" | "debate"
            | "relationship" | "partnership" | "alliance" | "marriage" | "programme" | "program" | "project"
            | "policy" | "moratorium" | "sanctions" | "freeze" | "drought" | "recession" | "rivalry"
            | "company" | "firm" | "business" | "institution" | "dictatorship" | "presidency" | "career" | "effort"
    )
}

fn core(end: usize, kind: TimeKind, sem: Sem) -> Option<Core> {
    Some(Core { end, kind, sem, the_ok: false, quant: false })
}

impl<'a> G<'a> {
    fn w(&self, i: usize) -> &'a str {
        self.t.get(i).map(|t| t.lw).unwrap_or("")
    }
    fn is(&self, i: usize, w: &str) -> bool {
        self.w(i) == w
    }
    /// Token `i` is glued to token `i - 1` (no whitespace between).
    fn glued(&self, i: usize) -> bool {
        self.t.get(i).map(|t| !t.gap).unwrap_or(false) && i > 0
    }
    fn cap(&self, i: usize) -> bool {
        self.t.get(i).map(|t| t.cap).unwrap_or(false)
    }
    fn digits(&self, i: usize) -> bool {
        self.t.get(i).map(|t| t.digits).unwrap_or(false)
    }
    fn num(&self, i: usize) -> Option<u32> {
        if self.digits(i) && self.w(i).len() <= 9 {
            self.w(i).parse().ok()
        } else {
            None
        }
    }
    /// A hyphen glued on both sides at `i`.
    fn hyphen(&self, i: usize) -> bool {
        matches!(self.w(i), "-" | "\u{2010}" | "\u{2011}") && self.glued(i) && self.glued(i + 1)
    }
    fn apostrophe(&self, i: usize) -> bool {
        matches!(self.w(i), "'" | "\u{2019}")
    }

    /// Skips an abbreviation period glued to token `i - 1`.
    fn dot(&self, i: usize) -> usize {
        if self.is(i, ".") && self.glued(i) {
            i + 1
        } else {
            i
        }
    }

    /// A month name at `i` → (month, end).
    fn month(&self, i: usize) -> Option<(u8, usize)> {
        let (m, abbr) = lex::month(self.w(i))?;
        if !self.cap(i) {
            return None;
        }
        let mut j = i + 1;
        if abbr {
            if self.is(j, ".") && self.glued(j) {
                j += 1;
            } else if !(self.num(j).is_some_and(|d| (1..=31).contains(&d)) || self.w(i) == "sept") {
                // "Jan" or "Mar" without a period and without a day is likely a name
                return None;
            }
        }
        if m == 5 && self.w(i) == "may" {
            // "May" is also a modal verb: require a date-like neighbour
            let prev = if i > 0 { self.w(i - 1) } else { "" };
            let next_num = self.num(j).is_some();
            let prev_ok = matches!(prev, "in" | "since" | "until" | "by" | "early" | "late" | "mid" | "last" | "next" | "this" | "of" | "during" | "from" | "through" | "before" | "after" | "-" | "and" | "or" | "to");
            if !next_num && !prev_ok {
                return None;
            }
        }
        Some((m, j))
    }

    /// A day of the month at `i` ("7", "7th") → (day, end).
    fn day(&self, i: usize) -> Option<(u8, usize)> {
        if let Some(d) = self.num(i) {
            if (1..=31).contains(&d) && self.w(i).len() <= 2 {
                // "7 th" is rare; "7th" is one token
                return Some((d as u8, i + 1));
            }
            return None;
        }
        let d = lex::ordinal(self.w(i))?;
        if (1..=31).contains(&d) && self.w(i).as_bytes()[0].is_ascii_digit() {
            return Some((d as u8, i + 1));
        }
        None
    }

    /// A four-digit year at `i` (after a month or "in").
    fn year4(&self, i: usize) -> Option<i32> {
        if self.digits(i) && self.w(i).len() == 4 {
            let y: i32 = self.w(i).parse().ok()?;
            // not "1,500" nor "2082.1" (an index level) nor "1990%"
            let decimal = self.is(i + 1, ".") && self.glued(i + 1) && self.digits(i + 2) && self.glued(i + 2);
            if (1000..=2199).contains(&y) && !(self.is(i + 1, ",") && self.digits(i + 2)) && !decimal && !self.is(i + 1, "%") {
                return Some(y);
            }
        }
        None
    }

    /// A spelled-out year: "nineteen ninety-six", "two thousand" → (year, end).
    fn spelled_year(&self, i: usize) -> Option<(i32, usize)> {
        let w = self.w(i);
        if w == "two" && self.is(i + 1, "thousand") {
            let mut end = i + 2;
            let mut y = 2000;
            let k = if self.is(end, "and") { end + 1 } else { end };
            if let Some((n, e)) = self.small_number(k) {
                y += n as i32;
                end = e;
            }
            return Some((y, end));
        }
        let century = match w {
            "nineteen" => 1900,
            "eighteen" => 1800,
            "twenty" => 2000,
            _ => return None,
        };
        if self.is(i + 1, "hundred") {
            return Some((century, i + 2));
        }
        let (n, e) = self.small_number(i + 1)?;
        if n < 10 && !self.is(i + 1, "oh") {
            return None;
        }
        Some((century + n as i32, e))
    }

    /// A number word below 100, "twenty-five" or "twenty five" → (value, end).
    fn small_number(&self, i: usize) -> Option<(u32, usize)> {
        let v = lex::number_word(self.w(i))?;
        if v >= 20 && v % 10 == 0 {
            let k = if self.hyphen(i + 1) { i + 2 } else { i + 1 };
            if let Some(o) = lex::number_word(self.w(k)) {
                if o < 10 {
                    return Some((v + o, k + 1));
                }
            }
        }
        Some((v, i + 1))
    }

    /// A quantity at `i` → (quantity, end). `article` allows "a"/"an" as one.
    fn qty(&self, i: usize, article: bool) -> Option<(Qty, usize)> {
        let w = self.w(i);
        if let Some(n) = self.num(i) {
            if self.w(i).len() > 6 {
                return None;
            }
            let mut v = n as f64;
            let mut end = i + 1;
            // decimal "2.5"
            if self.is(end, ".") && self.glued(end) && self.digits(end + 1) && self.glued(end + 1) {
                let frac: f64 = format!("0.{}", self.w(end + 1)).parse().unwrap_or(0.0);
                v += frac;
                end += 2;
            } else if self.digits(end) && self.is(end + 1, "/") && self.glued(end + 1) && self.digits(end + 2) && self.glued(end + 2) {
                // "5 1/2"
                let a: f64 = self.w(end).parse().unwrap_or(0.0);
                let b: f64 = self.w(end + 2).parse().unwrap_or(1.0);
                if b > 0.0 && a < b {
                    v += a / b;
                    end += 3;
                }
            } else if self.is(end, "and") && self.is(end + 1, "a") && self.is(end + 2, "half") {
                v += 0.5;
                end += 3;
            }
            // "1,000" is no number of time units worth tagging; reject thousands separators
            if self.is(end, ",") && self.glued(end) && self.digits(end + 1) && self.glued(end + 1) {
                return None;
            }
            return Some((Qty::N(v), end));
        }
        match w {
            "a" | "an" => {
                if self.is(i + 1, "few") {
                    return Some((Qty::X, i + 2));
                }
                if self.is(i + 1, "couple") {
                    let e = if self.is(i + 2, "of") { i + 3 } else { i + 2 };
                    return Some((Qty::N(2.0), e));
                }
                if self.is(i + 1, "dozen") {
                    return Some((Qty::N(12.0), i + 2));
                }
                if self.is(i + 1, "hundred") {
                    return Some((Qty::N(100.0), i + 2));
                }
                if self.is(i + 1, "half") {
                    return Some((Qty::N(0.5), i + 2));
                }
                if article {
                    return Some((Qty::N(1.0), i + 1));
                }
                None
            }
            "few" | "several" | "many" | "some" | "numerous" | "countless" => Some((Qty::X, i + 1)),
            "dozens" | "hundreds" | "thousands" if self.is(i + 1, "of") => Some((Qty::X, i + 2)),
            "half" => {
                let e = if matches!(self.w(i + 1), "a" | "an") { i + 2 } else { i + 1 };
                Some((Qty::N(0.5), e))
            }
            _ => {
                let (mut n, mut end) = self.small_number(i)?;
                if self.is(end, "hundred") {
                    n *= 100;
                    end += 1;
                    let k = if self.is(end, "and") { end + 1 } else { end };
                    if let Some((m, e)) = self.small_number(k) {
                        n += m;
                        end = e;
                    }
                }
                let mut v = n as f64;
                if self.is(end, "and") && self.is(end + 1, "a") && self.is(end + 2, "half") {
                    v += 0.5;
                    end += 3;
                }
                Some((Qty::N(v), end))
            }
        }
    }

    /// Part of day or clock after a day expression: "night", "morning" → (code, end).
    fn tod_after(&self, i: usize) -> Option<(String, usize)> {
        let p = lex::part_of_day(self.w(i))?;
        if self.w(i).ends_with('s') {
            return None;
        }
        Some((p.to_string(), i + 1))
    }

    /// Weekday at `i` (capitalised, full name) with an optional part of day.
    fn weekday(&self, i: usize) -> Option<(u8, Option<String>, usize)> {
        let wd = lex::weekday(self.w(i))?;
        if !self.cap(i) {
            return None;
        }
        let end = i + 1;
        if let Some((t, e)) = self.tod_after(end) {
            return Some((wd, Some(t), e));
        }
        Some((wd, None, end))
    }

    /// Month-led dates: "Aug. 7, 1998", "December 2017", "Sept. 30", "January".
    fn month_date(&self, i: usize) -> Option<Core> {
        let (m, mut end) = self.month(i)?;
        if let Some((d, e)) = self.day(end) {
            end = e;
            let mut y = None;
            let k = if self.is(end, ",") { end + 1 } else { end };
            if let Some(yy) = self.year4(k) {
                y = Some(yy);
                end = k + 1;
            }
            return core(end, TimeKind::DATE, Sem::Ymd { y, m, d: Some(d), tod: None });
        }
        let k = if self.is(end, "of") || self.is(end, ",") { end + 1 } else { end };
        if let Some(y) = self.year4(k) {
            return core(k + 1, TimeKind::DATE, Sem::Ymd { y: Some(y), m, d: None, tod: None });
        }
        if let Some((y, e)) = self.spelled_year(end) {
            return core(e, TimeKind::DATE, Sem::Ymd { y: Some(y), m, d: None, tod: None });
        }
        // "January this year", "March of last year", "December next year"
        let k = if self.is(end, "of") { end + 1 } else { end };
        if self.is(k + 1, "year") {
            let off = match self.w(k) {
                "this" => Some(0),
                "last" => Some(-1),
                "next" => Some(1),
                _ => None,
            };
            if let Some(off) = off {
                return core(k + 2, TimeKind::DATE, Sem::MonthYearRel { m, yoff: off });
            }
        }
        if self.w(i) == "march" && matches!(self.w(end), "for" | "of" | "on" | "to" | "against") && (self.cap(end + 1) || self.is(end + 1, "the")) {
            // "the March for Life", "the March of the Combatant Mothers": a demonstration
            return None;
        }
        if i > 0 && matches!(self.w(i - 1), "the" | "a") {
            // "the March on Washington": a bare month after an article is a name
            return None;
        }
        core(end, TimeKind::DATE, Sem::Ymd { y: None, m, d: None, tod: None })
    }

    /// Day-led dates: "7 September 2020", "7th of September".
    fn day_month(&self, i: usize) -> Option<Core> {
        let (d, mut end) = self.day(i)?;
        if self.is(end, "of") {
            end += 1;
        }
        let (m, mut end) = self.month(end)?;
        let mut y = None;
        let k = if self.is(end, ",") { end + 1 } else { end };
        if let Some(yy) = self.year4(k) {
            y = Some(yy);
            end = k + 1;
        }
        core(end, TimeKind::DATE, Sem::Ymd { y, m, d: Some(d), tod: None })
    }

    /// Numeric dates: 10/27/98, 2020-09-07, 27.10.1998.
    fn numeric_date(&self, i: usize) -> Option<Core> {
        let a = self.num(i)?;
        let sep = self.w(i + 1);
        if !matches!(sep, "/" | "-" | ".") || !self.glued(i + 1) || !self.glued(i + 2) || !self.glued(i + 3) || !self.glued(i + 4) {
            return None;
        }
        if self.w(i + 3) != sep {
            return None;
        }
        let b = self.num(i + 2)?;
        let c = self.num(i + 4)?;
        let (la, lc) = (self.w(i).len(), self.w(i + 4).len());
        let (y, m, d) = if la == 4 {
            (a as i32, b, c)
        } else {
            let y = match lc {
                4 => c as i32,
                2 => {
                    if c < 50 {
                        2000 + c as i32
                    } else {
                        1900 + c as i32
                    }
                }
                _ => return None,
            };
            if sep == "." || a > 12 {
                (y, b, a)
            } else {
                (y, a, b)
            }
        };
        let date = model::Date::new(y, m.try_into().ok()?, d.try_into().ok()?)?;
        core(i + 5, TimeKind::DATE, Sem::Lit(date.to_string()))
    }

    /// Clock times: "10:35 a.m.", "6 a.m. EDT Thursday", "noon".
    fn clock(&self, i: usize) -> Option<Core> {
        let w = self.w(i);
        if matches!(w, "noon" | "midday" | "midnight") {
            let hm = if w == "midnight" { "24:00" } else { "12:00" };
            if let Some((wd, None, e)) = self.weekday(i + 1) {
                return core(e, TimeKind::TIME, Sem::Wd { wd, rel: 0, tod: Some(hm.into()) });
            }
            return core(i + 1, TimeKind::TIME, Sem::Off { unit: Unit::Day, n: 0, tod: Some(hm.into()) });
        }
        let h = self.num(i)?;
        if h > 24 || self.w(i).len() > 2 {
            return None;
        }
        let mut end = i + 1;
        let mut min = 0;
        let mut has_min = false;
        if self.is(end, ":") && self.glued(end) && self.digits(end + 1) && self.glued(end + 1) && self.w(end + 1).len() == 2 {
            min = self.num(end + 1)?;
            if min > 59 {
                return None;
            }
            end += 2;
            has_min = true;
        }
        let mut h = h;
        let mut marked = false;
        let ampm = |g: &G, k: usize| -> Option<(bool, usize)> {
            match g.w(k) {
                "am" | "pm" => Some((g.w(k) == "pm", g.dot(k + 1))),
                "a" | "p" if g.is(k + 1, ".") && g.glued(k + 1) && g.is(k + 2, "m") && g.glued(k + 2) => {
                    Some((g.w(k) == "p", g.dot(k + 3)))
                }
                _ => None,
            }
        };
        if let Some((pm, e)) = ampm(self, end) {
            if h > 12 || h == 0 {
                return None;
            }
            if pm && h < 12 {
                h += 12;
            }
            if !pm && h == 12 {
                h = 0;
            }
            end = e;
            marked = true;
        } else if self.is(end, "o") && self.apostrophe(end + 1) && self.is(end + 2, "clock") {
            end += 3;
            marked = true;
        }
        if !marked && !has_min {
            return None;
        }
        if has_min && !marked && h > 23 {
            return None;
        }
        // a time zone
        if matches!(self.w(end), "edt" | "est" | "cdt" | "cst" | "mdt" | "mst" | "pdt" | "pst" | "gmt" | "utc" | "bst" | "cet") {
            end += 1;
        } else if self.is(end, "local") && self.is(end + 1, "time") {
            end += 2;
        }
        let hm = format!("{h:02}:{min:02}");
        // an attached day: "9 a.m. Tuesday", "6 p.m. yesterday"
        let k = if self.is(end, "on") { end + 1 } else { end };
        if let Some((wd, _, e)) = self.weekday(k) {
            return core(e, TimeKind::TIME, Sem::Wd { wd, rel: 0, tod: Some(hm) });
        }
        let k = if self.is(end, ",") { end + 1 } else { end };
        if let Some(c) = self.month_date(k) {
            if let Sem::Ymd { y, m, d: Some(d), .. } = c.sem {
                return core(c.end, TimeKind::TIME, Sem::Ymd { y, m, d: Some(d), tod: Some(hm) });
            }
        }
        let n = match self.w(end) {
            "today" => Some(0),
            "yesterday" => Some(-1),
            "tomorrow" => Some(1),
            _ => None,
        };
        if let Some(n) = n {
            return core(end + 1, TimeKind::TIME, Sem::Off { unit: Unit::Day, n, tod: Some(hm) });
        }
        core(end, TimeKind::TIME, Sem::Off { unit: Unit::Day, n: 0, tod: Some(hm) })
    }

    /// Years and decades: "2018", "1990s", "'80s", "fiscal 1989", "nineteen ninety-six".
    fn year(&self, i: usize) -> Option<Core> {
        let w = self.w(i);
        if w == "year" {
            // "the year 2000", "the year two thousand"
            let y = self.year4(i + 1).map(|y| (y, i + 2)).or_else(|| self.spelled_year(i + 1));
            let (y, e) = y?;
            let mut c = core(e, TimeKind::DATE, Sem::Lit(format!("{y:04}")))?;
            c.the_ok = true;
            return Some(c);
        }
        let prev = if i > 0 { self.w(i - 1) } else { "" };
        if let Some(y) = self.year4(i) {
            let strong = matches!(prev, "in" | "since" | "of" | "by" | "from" | "until" | "till" | "to" | "between" | "and" | "year" | "fiscal" | "before" | "after" | "during" | "through" | "early" | "late" | "mid" | "-" | "summer" | "spring" | "winter" | "autumn" | "fall");
            if prev == "$" || prev == "#" || prev == "no" || prev == "number" {
                return None;
            }
            if !(1900..=2100).contains(&y) && !strong {
                return None;
            }
            // a measure, not a year: "2000 troops", "1990 percent"
            let next = self.w(i + 1);
            if matches!(next, "percent" | "%" | "people" | "troops" | "soldiers" | "dollars" | "points" | "shares" | "tons" | "miles" | "km" | "metres" | "meters" | "feet" | "members" | "votes" | "cars" | "units" | "jobs" | "workers" | "employees" | "cases" | "deaths") {
                return None;
            }
            let mut end = i + 1;
            // "2018-19" season style: keep just the first year
            let _ = &mut end;
            let mut c = core(end, TimeKind::DATE, Sem::Lit(format!("{y:04}")))?;
            c.the_ok = false;
            return Some(c);
        }
        // decades
        let n = w.len();
        if n >= 3 && w.ends_with('s') && w[..n - 1].bytes().all(|b| b.is_ascii_digit()) {
            let digits = &w[..n - 1];
            let v = match digits.len() {
                4 if digits.ends_with('0') => digits[..3].to_string(),
                2 if digits.ends_with('0') && i > 0 && self.apostrophe(i - 1) => format!("19{}", &digits[..1]),
                2 if digits.ends_with('0') && matches!(prev, "the" | "early" | "late" | "mid" | "-") => format!("19{}", &digits[..1]),
                _ => return None,
            };
            let mut c = core(i + 1, TimeKind::DATE, Sem::Lit(v))?;
            c.the_ok = true;
            return Some(c);
        }
        if self.apostrophe(i) && self.glued(i + 1) {
            let w1 = self.w(i + 1);
            if w1.len() == 3 && w1.ends_with('s') && w1[..2].bytes().all(|b| b.is_ascii_digit()) && w1.as_bytes()[1] == b'0' {
                let mut c = core(i + 2, TimeKind::DATE, Sem::Lit(format!("19{}", &w1[..1])))?;
                c.the_ok = true;
                return Some(c);
            }
        }
        if w == "fiscal" {
            if let Some(y) = self.year4(i + 1) {
                return core(i + 2, TimeKind::DATE, Sem::Lit(format!("{y:04}")));
            }
            // "fiscal '98"
            if self.apostrophe(i + 1) && self.digits(i + 2) && self.w(i + 2).len() == 2 {
                let y2: i32 = self.w(i + 2).parse().ok()?;
                let y = if y2 < 50 { 2000 + y2 } else { 1900 + y2 };
                return core(i + 3, TimeKind::DATE, Sem::Lit(format!("{y:04}")));
            }
        }
        if let Some((y, e)) = self.spelled_year(i) {
            if e > i + 1 || self.is(i + 1, "hundred") {
                return core(e, TimeKind::DATE, Sem::Lit(format!("{y:04}")));
            }
        }
        None
    }

    /// Centuries: "the 20th century", "the nineteenth century".
    fn century(&self, i: usize) -> Option<Core> {
        let n = lex::ordinal(self.w(i))?;
        let mut end = i + 1;
        if self.hyphen(end) {
            end += 1;
        }
        if !self.is(end, "century") {
            return None;
        }
        if !(1..=30).contains(&n) {
            return None;
        }
        let mut c = core(end + 1, TimeKind::DATE, Sem::Lit(format!("{:02}", n - 1)))?;
        c.the_ok = true;
        Some(c)
    }

    /// Quarters and halves: "the third quarter", "third-quarter", "the first half of 1989",
    /// "the fiscal first quarter", "the year-ago quarter", "the latest quarter".
    fn quarter(&self, i: usize) -> Option<Core> {
        let mut j = i;
        let mut yoff = 0i64;
        let mut year: Option<i32> = None;
        let mut rel_year = false;
        // "this year's third quarter", "last year's fourth quarter"
        if matches!(self.w(j), "this" | "last" | "next") && self.is(j + 1, "year") && self.apostrophe(j + 2) && self.is(j + 3, "s") {
            yoff = match self.w(j) {
                "last" => -1,
                "next" => 1,
                _ => 0,
            };
            rel_year = true;
            j += 4;
        }
        if self.is(j, "fiscal") {
            j += 1;
            if let Some(y) = self.year4(j) {
                year = Some(y);
                j += 1;
            }
        }
        if year.is_none() && i > 0 && self.is(i - 1, "the") {
            if let Some(y) = self.year4(j) {
                // "the 1988 third quarter", "the 1988 quarter", "the 1989 period"
                year = Some(y);
                j += 1;
            }
        }
        let q = match self.w(j) {
            "latest" | "recent" | "this" | "same" if self.is(j + 1, "quarter") || self.is(j + 1, "period") => None,
            "quarter" | "period" if rel_year => {
                // "last year's quarter"
                j -= 1;
                None
            }
            "quarter" | "period" if year.is_some() || (self.w(j) == "quarter" && i > 0 && self.is(i - 1, "the")) => {
                j -= 1;
                None
            }
            "last" | "second" if self.is(j + 1, "half") => Some(2),
            "year" if self.hyphen(j + 1) && matches!(self.w(j + 2), "ago" | "earlier") => {
                yoff -= 1;
                j += 2;
                if let Some(n) = lex::ordinal(self.w(j + 1)).filter(|n| (1..=4).contains(n)) {
                    // "the year-ago third quarter"
                    j += 1;
                    year = None;
                    rel_year = true;
                    Some(n as u8)
                } else {
                    None
                }
            }
            w => {
                let n = lex::ordinal(w)?;
                if !(1..=4).contains(&n) {
                    return None;
                }
                Some(n as u8)
            }
        };
        j += 1;
        let hyph = self.hyphen(j);
        if hyph {
            j += 1;
        }
        if self.is(j, "fiscal") {
            j += 1;
        }
        let half = match self.w(j) {
            "quarter" => false,
            "half" if q.is_some_and(|q| q <= 2) => true,
            "period" if q.is_none() => false,
            _ => return None,
        };
        if q.is_some_and(|q| q > 2) && half {
            return None;
        }
        let mut end = j + 1;
        // "of 1989", "of this year", "of fiscal 1989", "of last year"
        let mut k = end;
        if self.is(k, "of") {
            k += 1;
            if self.is(k, "fiscal") {
                k += 1;
            }
            if let Some(y) = self.year4(k) {
                year = Some(y);
                end = k + 1;
            } else if self.is(k + 1, "year") && matches!(self.w(k), "this" | "last" | "next") {
                yoff += match self.w(k) {
                    "last" => -1,
                    "next" => 1,
                    _ => 0,
                };
                rel_year = true;
                end = k + 2;
            }
        } else if let Some(y) = self.year4(k) {
            year = Some(y);
            end = k + 1;
        }
        if q.is_none() && self.is(end, "a") && self.is(end + 1, "year") && matches!(self.w(end + 2), "ago" | "earlier") {
            yoff -= 1;
            end += 3;
        }
        let sem = if rel_year && q.is_some() {
            Sem::QuarterRel { q: q.unwrap_or(1), half, yoff }
        } else {
            Sem::Quarter { q, half, y: year, yoff }
        };
        let mut c = core(end, TimeKind::DATE, sem)?;
        c.the_ok = !hyph;
        Some(c)
    }

    /// "this/last/next/past/coming …" + unit, month, weekday, season; durations "the past two
    /// months"; "last night", "this morning".
    fn relative(&self, i: usize) -> Option<Core> {
        let w = self.w(i);
        let rel: i64 = match w {
            "this" | "current" => 0,
            "last" | "past" | "previous" | "preceding" => -1,
            "next" | "coming" | "following" | "upcoming" => 1,
            "first" | "final" => 9,
            _ => return None,
        };
        let mut j = i + 1;
        let mut rel = rel;
        if w == "this" && matches!(self.w(j), "past" | "last") {
            // "this past spring"
            rel = -1;
            j += 1;
        }
        let j = j;
        // a quantity: "the past two months", "the first nine months", "the next several days"
        if let Some((q, e)) = self.qty(j, false) {
            if let Some((u, _)) = lex::unit(self.w(e)) {
                if q == Qty::X && rel == -1 && !matches!(u, Unit::Second | Unit::Minute | Unit::Hour | Unit::Day) {
                    let mut c = core(e + 1, TimeKind::DATE, Sem::Lit("PAST_REF".into()))?;
                    c.the_ok = true;
                    return Some(c);
                }
                let mut c = core(e + 1, TimeKind::DURATION, Sem::Lit(duration(q, u)))?;
                c.the_ok = true;
                return Some(c);
            }
        }
        if rel == 9 {
            return None;
        }
        let nx = self.w(j);
        if let Some((u, plural)) = lex::unit(nx) {
            if plural {
                // "the past years" (unspecified)
                if rel != 0 {
                    let mut c = core(j + 1, TimeKind::DURATION, Sem::Lit(duration(Qty::X, u)))?;
                    c.the_ok = true;
                    return Some(c);
                }
                return None;
            }
            if matches!(u, Unit::Second | Unit::Minute | Unit::Hour) {
                if rel != 0 {
                    let mut c = core(j + 1, TimeKind::DURATION, Sem::Lit(duration(Qty::N(1.0), u)))?;
                    c.the_ok = true;
                    return Some(c);
                }
                return None;
            }
            if matches!(u, Unit::Decade | Unit::Century) && w != "this" && w != "next" {
                let mut c = core(j + 1, TimeKind::DURATION, Sem::Lit(duration(Qty::N(1.0), u)))?;
                c.the_ok = true;
                return Some(c);
            }
            let the = i > 0 && self.is(i - 1, "the");
            if the && matches!(w, "following" | "previous" | "preceding" | "next") && matches!(u, Unit::Day | Unit::Week | Unit::Month | Unit::Year) && (w != "next" || u == Unit::Day) {
                // "the following year", "the next day": counted from the time under discussion
                let mut c = core(j + 1, TimeKind::DATE, Sem::Ref { unit: u, n: rel, tod: None })?;
                c.the_ok = true;
                return Some(c);
            }
            if u == Unit::Day {
                return None;
            }
            let mut c = core(j + 1, TimeKind::DATE, Sem::Off { unit: u, n: rel, tod: None })?;
            c.the_ok = matches!(w, "past" | "previous" | "current" | "coming" | "following" | "last" | "next");
            return Some(c);
        }
        if let Some((wd, tod, e)) = self.weekday(j) {
            let kind = if tod.is_some() { TimeKind::TIME } else { TimeKind::DATE };
            let r = if w == "this" { 2 } else { rel as i8 };
            let mut c = core(e, kind, Sem::Wd { wd, rel: r, tod })?;
            c.the_ok = matches!(w, "previous" | "following");
            return Some(c);
        }
        if let Some((m, e)) = self.month(j) {
            if self.day(e).is_none() {
                return core(e, TimeKind::DATE, Sem::MonthRel { m, rel: rel as i8 });
            }
        }
        if let Some(s) = lex::season(nx) {
            // "this past spring": the latest one already over, which may be this year's
            let rel = if w == "this" && rel == -1 { -2 } else { rel.clamp(-1, 1) as i8 };
            return core(j + 1, TimeKind::DATE, Sem::Season { s, y: None, rel });
        }
        if let Some(p) = lex::part_of_day(nx) {
            if nx.ends_with('s') {
                return None;
            }
            if i > 0 && self.is(i - 1, "the") && matches!(w, "following" | "next") {
                // "the next morning"
                let mut c = core(j + 1, TimeKind::TIME, Sem::Ref { unit: Unit::Day, n: 1, tod: Some(p.into()) })?;
                c.the_ok = true;
                return Some(c);
            }
            let n = match (w, p) {
                ("last", "NI") => -1,
                ("this", _) => 0,
                _ => return None,
            };
            return core(j + 1, TimeKind::TIME, Sem::Off { unit: Unit::Day, n, tod: Some(p.into()) });
        }
        None
    }

    /// Quantity + unit: durations ("49 years", "a 50-year", "nine-year-old") and offsets
    /// ("two weeks ago", "a year earlier", "three days later").
    fn quantity(&self, i: usize) -> Option<Core> {
        let (q, e) = self.qty(i, true)?;
        let mut end = e;
        let hyph = self.hyphen(end);
        if hyph {
            end += 1;
        }
        let (u, plural) = lex::unit(self.w(end))?;
        if u == Unit::Second && !plural && matches!(self.w(i), "a" | "an") && !hyph {
            // "a second group", "a second term": the ordinal, not a duration
            let next = self.w(end + 1);
            let noun_follows = next.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                && !matches!(next, "later" | "earlier" | "ago" | "or" | "and" | "before" | "after" | "to" | "in" | "of" | "more" | "longer" | "late");
            if noun_follows {
                return None;
            }
        }
        if self.hyphen(end + 1) && matches!(self.w(end + 2), "earlier" | "ago" | "end") {
            // "a year-earlier loss": the adjective is the expression
            return None;
        }
        // "a year" / "an hour" directly after money or a rate: a set ("$5 a year")
        let art = matches!(self.w(i), "a" | "an") && e == i + 1;
        if art && i > 0 && matches!(self.w(i - 1), "times" | "once" | "twice" | "thrice") {
            return None;
        }
        let prev = if i > 0 { self.w(i - 1) } else { "" };
        let rate = art
            && !plural
            && i > 0
            && !matches!(
                prev,
                "for" | "in" | "within" | "over" | "about" | "than" | "after" | "before" | "nearly" | "almost" | "around"
                    | "only" | "just" | "least" | "of" | "by" | "under" | "up" | "to" | "('" | "(" | "," | "." | "and" | "or" | "some"
                    | "roughly" | "approximately" | "once" | "is" | "was" | "be" | "been" | "took" | "take" | "takes" | "lasted"
                    | "spent" | "spend" | "last" | "lasts" | "waited" | "wait" | "another" | "extra" | "additional" | "that" | "since"
                    | "`" | "``" | "\"" | "'" | "during" | "from" | "until" | "through" | "with" | "without" | "per"
            );
        if plural && q == Qty::N(1.0) && !art && !self.digits(i) {
            // "one years" is odd; still fine
        }
        end += 1;
        let mut q = q;
        if let (Qty::N(n), false) = (q, hyph) {
            if self.is(end, "and") && self.is(end + 1, "a") && self.is(end + 2, "half") {
                q = Qty::N(n + 0.5);
                end += 3;
            }
        }
        // "-old", "-long", "year-old"; an age ("a 6-year-old boy") is no temporal expression
        let old = if self.hyphen(end) && matches!(self.w(end + 1), "old" | "long") {
            Some(end + 2)
        } else if hyph && self.is(end, "old") {
            Some(end + 1)
        } else {
            None
        };
        if let Some(o) = old {
            if self.w(o - 1) == "old" && !thing_noun(self.w(o)) {
                return None;
            }
            end = o;
        } else if !hyph && self.is(end, "old") && !matches!(u, Unit::Second | Unit::Minute | Unit::Hour) {
            // an age, "52 years old", is no temporal expression (as "a 52-year-old" is not)
            return None;
        }
        // "1988 second quarter": a year, not 1988 seconds
        if !plural && q != Qty::N(1.0) && !hyph {
            return None;
        }
        // "two-quarters" / "three-quarters" are fractions
        if u == Unit::Quarter && (hyph || art) {
            return None;
        }
        // offsets
        let sign = match self.w(end) {
            "ago" | "earlier" | "before" if self.w(end) != "before" || !self.is(end + 1, "the") => {
                if self.w(end) == "before" {
                    0
                } else {
                    -1
                }
            }
            "hence" => 1,
            "from" if self.is(end + 1, "now") => 1,
            _ => 0,
        };
        if sign != 0 && !hyph {
            let after = if self.is(end, "from") { end + 2 } else { end + 1 };
            let sem = match q {
                Qty::X => Sem::Lit(if sign < 0 { "PAST_REF" } else { "FUTURE_REF" }.into()),
                Qty::N(n) => {
                    let (unit, n) = match u {
                        Unit::Decade => (Unit::Year, 10.0 * n),
                        Unit::Century => (Unit::Year, 100.0 * n),
                        Unit::Quarter => (Unit::Month, 3.0 * n),
                        _ => (u, n),
                    };
                    if n.fract() != 0.0 {
                        return None;
                    }
                    Sem::Off { unit, n: sign * n as i64, tod: None }
                }
            };
            let mut c = core(after, TimeKind::DATE, sem)?;
            c.quant = true;
            return Some(c);
        }
        if u == Unit::Weekend {
            return None;
        }
        if rate && matches!(u, Unit::Year | Unit::Month | Unit::Week | Unit::Day | Unit::Hour) && !self.is(end, "ago") {
            return core(end, TimeKind::SET, Sem::Lit(duration(q, u)));
        }
        let mut c = core(end, TimeKind::DURATION, Sem::Lit(duration(q, u)))?;
        c.quant = true;
        // "the nine months", but not "the nine-year-old war"
        c.the_ok = !hyph;
        Some(c)
    }

    /// Single-word and fixed expressions: "today", "now", "recently", "the future", "daily".
    fn word(&self, i: usize) -> Option<Core> {
        let w = self.w(i);
        let day = |n: i64| Sem::Off { unit: Unit::Day, n, tod: None };
        let lit = |s: &str| Sem::Lit(s.to_string());
        match w {
            "today" | "yesterday" | "tomorrow" | "tonight" => {
                let n = match w {
                    "yesterday" => -1,
                    "tomorrow" => 1,
                    _ => 0,
                };
                if w == "tonight" {
                    return core(i + 1, TimeKind::TIME, Sem::Off { unit: Unit::Day, n: 0, tod: Some("NI".into()) });
                }
                let end = i + 1;
                if let Some((t, e)) = self.tod_after(i + 1) {
                    return core(e, TimeKind::TIME, Sem::Off { unit: Unit::Day, n, tod: Some(t) });
                }
                // "the day before yesterday"
                core(end, TimeKind::DATE, day(n))
            }
            "now" | "currently" | "nowadays" | "presently" => {
                if w == "now" && i > 0 && matches!(self.w(i - 1), "from" | "until" | "till") {
                    return None;
                }
                // "Now, ..." opening a sentence is a discourse marker, not a time
                let opens = i == 0 || matches!(self.w(i - 1), "." | "!" | "?" | "\"" | "`" | "'" | "\u{201c}");
                if w == "now" && self.cap(i) && opens && self.is(i + 1, ",") {
                    return None;
                }
                core(i + 1, TimeKind::DATE, lit("PRESENT_REF"))
            }
            "recently" | "lately" => core(i + 1, TimeKind::DATE, lit("PAST_REF")),
            "that" | "same" => {
                // "that year", "that same day", "the same day", "that night": the time under
                // discussion
                let prev = if i > 0 { self.w(i - 1) } else { "" };
                if w == "same" && prev != "the" {
                    return None;
                }
                let k = if w == "that" && self.is(i + 1, "same") { i + 2 } else { i + 1 };
                if self.hyphen(k + 1) {
                    return None;
                }
                if let Some(p) = lex::part_of_day(self.w(k)).filter(|_| !self.w(k).ends_with('s')) {
                    return core(k + 1, TimeKind::TIME, Sem::Ref { unit: Unit::Day, n: 0, tod: Some(p.into()) });
                }
                match lex::unit(self.w(k)) {
                    Some((u @ (Unit::Day | Unit::Week | Unit::Month | Unit::Year), false)) => {
                        let mut c = core(k + 1, TimeKind::DATE, Sem::Ref { unit: u, n: 0, tod: None })?;
                        c.the_ok = w == "same";
                        Some(c)
                    }
                    _ => None,
                }
            }
            "daily" | "nightly" => core(i + 1, TimeKind::SET, lit("P1D")),
            "weekly" => core(i + 1, TimeKind::SET, lit("P1W")),
            "monthly" => core(i + 1, TimeKind::SET, lit("P1M")),

            "hourly" => core(i + 1, TimeKind::SET, lit("PT1H")),
            "every" | "each" | "per" => {
                let mut j = i + 1;
                if self.is(j, "other") {
                    j += 1;
                }
                if let Some((q, e)) = self.qty(j, false) {
                    if let Some((u, _)) = lex::unit(self.w(e)) {
                        return core(e + 1, TimeKind::SET, Sem::Lit(duration(q, u)));
                    }
                }
                if let Some((u, false)) = lex::unit(self.w(j)) {
                    let n = if j > i + 1 { 2.0 } else { 1.0 };
                    return core(j + 1, TimeKind::SET, Sem::Lit(duration(Qty::N(n), u)));
                }
                if let Some((wd, tod, e)) = self.weekday(j) {
                    let t = tod.map(|t| format!("T{t}")).unwrap_or_default();
                    return core(e, TimeKind::SET, Sem::Lit(format!("XXXX-WXX-{wd}{t}")));
                }
                if let Some(p) = lex::part_of_day(self.w(j)) {
                    return core(j + 1, TimeKind::SET, Sem::Lit(format!("TXX{p}")));
                }
                if let Some((m, e)) = self.month(j) {
                    return core(e, TimeKind::SET, Sem::Lit(format!("XXXX-{m:02}")));
                }
                None
            }
            "future" | "past" | "present" => {
                let prev = if i > 0 { self.w(i - 1) } else { "" };
                if prev != "the" && prev != "near" {
                    return None;
                }
                if prev == "near" {
                    // the caller sees "the" + "near future"
                }
                if w == "past" && matches!(self.w(i + 1), "few" | "several" | "two" | "three") {
                    return None;
                }
                let v = match w {
                    "future" => "FUTURE_REF",
                    "past" => "PAST_REF",
                    _ => "PRESENT_REF",
                };
                let mut c = core(i + 1, TimeKind::DATE, lit(v))?;
                c.the_ok = true;
                Some(c)
            }
            "near" if self.is(i + 1, "future") => {
                let mut c = core(i + 2, TimeKind::DATE, lit("FUTURE_REF"))?;
                c.the_ok = true;
                Some(c)
            }
            "recent" | "coming" => {
                // "recent years" (fuzzy past), "recent months" (vague duration)
                let (u, plural) = lex::unit(self.w(i + 1))?;
                if !plural {
                    return None;
                }
                if w == "recent" && matches!(u, Unit::Year | Unit::Decade | Unit::Week) {
                    return core(i + 2, TimeKind::DATE, lit("PAST_REF"));
                }
                if w == "coming" && !matches!(u, Unit::Year | Unit::Decade) {
                    let mut c = core(i + 2, TimeKind::DATE, lit("FUTURE_REF"))?;
                    c.the_ok = true;
                    return Some(c);
                }
                let mut c = core(i + 2, TimeKind::DURATION, Sem::Lit(duration(Qty::X, u)))?;
                c.the_ok = true;
                Some(c)
            }
            "weekend" => {
                let prev = if i > 0 { self.w(i - 1) } else { "" };
                if prev != "the" {
                    return None;
                }
                let mut c = core(i + 1, TimeKind::DATE, Sem::Off { unit: Unit::Weekend, n: 0, tod: None })?;
                c.the_ok = true;
                Some(c)
            }
            "years" | "decades" | "months" | "weeks" | "centuries" => {
                // bare plural after "for", "in", "over": "for years"
                let prev = if i > 0 { self.w(i - 1) } else { "" };
                if !matches!(prev, "for" | "in" | "over" | "within") {
                    return None;
                }
                if self.is(i + 1, "of") || self.is(i + 1, "old") {
                    return None;
                }
                let (u, _) = lex::unit(w)?;
                core(i + 1, TimeKind::DURATION, Sem::Lit(duration(Qty::X, u)))
            }
            "year" | "month" | "week" => {
                let u = match w {
                    "year" => Unit::Year,
                    "month" => Unit::Month,
                    _ => Unit::Week,
                };
                // "the end of the year", "the beginning of the month" (the caller adds the mod)
                if i >= 3 && self.is(i - 1, "the") && self.is(i - 2, "of") && matches!(self.w(i - 3), "end" | "beginning" | "start" | "middle" | "close") {
                    return core(i + 1, TimeKind::DATE, Sem::Off { unit: u, n: 0, tod: None });
                }
                // "year end", "year's end"
                if w == "year" && self.is(i + 1, "end") {
                    return core(i + 2, TimeKind::DATE, Sem::Off { unit: u, n: 0, tod: None });
                }
                if w == "year" && self.apostrophe(i + 1) && self.is(i + 2, "s") && self.is(i + 3, "end") {
                    return core(i + 4, TimeKind::DATE, Sem::Off { unit: u, n: 0, tod: None });
                }
                if w == "week" {
                    return None;
                }
                // "year-earlier", "year-ago", "year-end"
                if self.hyphen(i + 1) {
                    match self.w(i + 2) {
                        "earlier" | "ago" if w == "year" => {
                            if matches!(self.w(i + 3), "quarter" | "period") {
                                return None;
                            }
                            return core(i + 3, TimeKind::DATE, Sem::Off { unit: Unit::Year, n: -1, tod: None });
                        }
                        "end" => {
                            let u = if w == "year" { Unit::Year } else { Unit::Month };
                            return core(i + 3, TimeKind::DATE, Sem::Off { unit: u, n: 0, tod: None });
                        }
                        _ => {}
                    }
                }
                None
            }
            "christmas" | "thanksgiving" | "halloween" if self.cap(i) => {
                let (m, d, mut end) = match w {
                    "christmas" if self.is(i + 1, "eve") => (12, 24, i + 2),
                    "christmas" => (12, 25, if self.is(i + 1, "day") { i + 2 } else { i + 1 }),
                    "thanksgiving" => (11, 0, if self.is(i + 1, "day") { i + 2 } else { i + 1 }),
                    _ => (10, 31, i + 1),
                };
                let mut y = None;
                if let Some(yy) = self.year4(end) {
                    y = Some(yy);
                    end += 1;
                }
                core(end, TimeKind::DATE, Sem::Holiday { m, d, y })
            }
            "new" if self.cap(i) && self.is(i + 1, "year") && self.apostrophe(i + 2) && self.is(i + 3, "s") => {
                let (m, d, end) = match self.w(i + 4) {
                    "day" => (1, 1, i + 5),
                    "eve" => (12, 31, i + 5),
                    _ => return None,
                };
                core(end, TimeKind::DATE, Sem::Holiday { m, d, y: None })
            }
            _ => None,
        }
    }

    /// Seasons: "summer", "the summer of 2019", "winter 2018".
    fn season(&self, i: usize) -> Option<Core> {
        let s = lex::season(self.w(i))?;
        let prev = if i > 0 { self.w(i - 1) } else { "" };
        let mut end = i + 1;
        let k = if self.is(end, "of") { end + 1 } else { end };
        let yr = self.year4(k).map(|y| (y, k + 1)).or_else(|| self.spelled_year(k).filter(|_| k > end));
        if let Some((y, e)) = yr {
            end = e;
            let mut c = core(end, TimeKind::DATE, Sem::Season { s, y: Some(y), rel: 0 })?;
            c.the_ok = true;
            return Some(c);
        }
        // a bare season only after "in", "the", "this" … and not "fall" the verb
        if s == "FA" && self.w(i) == "fall" && !matches!(prev, "the" | "in" | "this" | "last" | "next" | "early" | "late") {
            return None;
        }
        if !matches!(prev, "in" | "the" | "during" | "this" | "by" | "since" | "until" | "early" | "late" | "mid" | "-") {
            return None;
        }
        let mut c = core(end, TimeKind::DATE, Sem::Season { s, y: None, rel: 0 })?;
        c.the_ok = true;
        Some(c)
    }

    /// Weekday-led: "Monday", "Sunday night", "Monday, Oct. 26", "Friday, Oct. 23, 1998".
    fn weekday_date(&self, i: usize) -> Option<Core> {
        let (wd, tod, end) = self.weekday(i)?;
        if tod.is_none() {
            let k = if self.is(end, ",") { end + 1 } else { end };
            if let Some(c) = self.month_date(k) {
                if matches!(c.sem, Sem::Ymd { d: Some(_), .. }) {
                    return Some(Core { end: c.end, ..c });
                }
            }
            if let Some(c) = self.day_month(k) {
                return Some(c);
            }
        }
        let kind = if tod.is_some() { TimeKind::TIME } else { TimeKind::DATE };
        core(end, kind, Sem::Wd { wd, rel: 0, tod })
    }

    /// Tries every matcher at `i` and keeps the longest.
    fn best_core(&self, i: usize) -> Option<Core> {
        let w = self.w(i);
        let first = w.as_bytes().first().copied().unwrap_or(0);
        let mut best: Option<Core> = None;
        let mut take = |c: Option<Core>| {
            if let Some(c) = c {
                if best.as_ref().is_none_or(|b| c.end > b.end) {
                    best = Some(c);
                }
            }
        };
        if first.is_ascii_digit() {
            take(self.numeric_date(i));
            take(self.clock(i));
            take(self.day_month(i));
            take(self.year(i));
            take(self.quantity(i));
            take(self.century(i));
            take(self.quarter(i));
        } else {
            if lex::month(w).is_some() {
                take(self.month_date(i));
            }
            if lex::weekday(w).is_some() {
                take(self.weekday_date(i));
            }
            if lex::season(w).is_some() {
                take(self.season(i));
            }
            take(self.word(i));
            take(self.quarter(i));
            take(self.relative(i));
            take(self.century(i));
            take(self.clock(i));
            take(self.year(i));
            take(self.quantity(i));
            if self.apostrophe(i) {
                take(self.year(i));
            }
        }
        best
    }

    /// The expression starting at token `i`, with its leading modifiers and determiner.
    pub fn at(&self, i: usize) -> Option<Hit> {
        let mut j = i;
        let mut the = false;
        let mut modi: Option<&'static str> = None;
        let mut approx: Option<&'static str> = None;
        // quantity modifiers
        let am: Option<(&'static str, usize)> = match self.w(j) {
            // ("about", "around", "only" stay outside the extent, as in TimeBank)
            "almost" | "nearly" | "over" | "under" => {
                let m = match self.w(j) {
                    "over" => "MORE_THAN",
                    _ => "LESS_THAN",
                };
                Some((m, 1))
            }
            "more" | "less" | "fewer" if self.is(j + 1, "than") => Some((if self.w(j) == "more" { "MORE_THAN" } else { "LESS_THAN" }, 2)),
            "at" if matches!(self.w(j + 1), "least" | "most") => Some((if self.is(j + 1, "least") { "EQUAL_OR_MORE" } else { "EQUAL_OR_LESS" }, 2)),
            "up" if self.is(j + 1, "to") => Some(("EQUAL_OR_LESS", 2)),
            _ => None,
        };
        if let Some((m, n)) = am.filter(|&(_, n)| n == 2 || self.qty(j + 1, true).is_some()) {
            approx = Some(m);
            j += n;
            if self.is(j, "the") && matches!(self.w(j + 1), "past" | "last" | "next") {
                // "at least the past 18 months"
                j += 1;
                the = true;
            }
        }
        if approx.is_none() && self.is(j, "the") {
            the = true;
            j += 1;
        }
        // position modifiers
        let pm: Option<(&'static str, usize)> = match self.w(j) {
            "early" | "late" => {
                let m = if self.is(j, "early") { "START" } else { "END" };
                if self.hyphen(j + 1) {
                    Some((m, 2))
                } else {
                    Some((m, 1))
                }
            }
            "mid" => {
                if self.hyphen(j + 1) {
                    Some(("MID", 2))
                } else {
                    Some(("MID", 1))
                }
            }
            "end" | "beginning" | "start" | "middle" | "close" | "turn" if self.is(j + 1, "of") => {
                let m = match self.w(j) {
                    "end" | "close" => "END",
                    "middle" => "MID",
                    _ => "START",
                };
                let mut n = 2;
                if self.is(j + 2, "the") {
                    n = 3;
                }
                Some((m, n))
            }
            "earlier" | "later" if matches!(self.w(j + 1), "this" | "last" | "next" | "that") => Some(("", 1)),
            _ => None,
        };
        let mut k = j;
        if let Some((m, n)) = pm {
            if !m.is_empty() {
                modi = Some(m);
            }
            k = j + n;
        }
        let c = self.best_core(k).filter(|c| pm.is_none() || c.kind != TimeKind::DURATION || modi.is_none());
        let c = match c {
            Some(c) => c,
            None => {
                if pm.is_some() {
                    // the modifier did not lead to an expression: try without it
                    let c = self.best_core(j)?;
                    modi = None;
                    k = j;
                    c
                } else {
                    return None;
                }
            }
        };
        if approx.is_some() && !c.quant && !matches!(c.kind, TimeKind::DURATION) {
            // "about Monday" is no approximation worth keeping: drop the modifier word
            return None;
        }
        // the expression starts at the quantity modifier or a "the" it admits, else at the
        // position modifier, else at the core
        let start = if approx.is_some() || (the && (c.the_ok || pm.is_some())) {
            i
        } else if pm.is_some() {
            j
        } else {
            k
        };
        Some(Hit { start, end: c.end, kind: c.kind, sem: c.sem, modi: approx.or(modi) })
    }
}
