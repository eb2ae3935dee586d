//! Semantic values of temporal expressions and their resolution to TIMEX3 values against the
//! anchor (the publication date) and the tense of the governing verb.

use crate::lex::Unit;
use model::Date;

/// Tense of the clause an expression sits in, as far as it decides past/future readings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tense {
    /// Past or perfect.
    Past,
    /// Future ("will", "is due to").
    Future,
    /// No cue found.
    Unknown,
}

/// Quantity in a duration: a number or an unspecified amount ("several").
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Qty {
    /// A known number (may be fractional: "5 1/2").
    N(f64),
    /// Unspecified ("several", "a few").
    X,
}

/// What an expression means before it is anchored (fields as the variant docs say).
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub enum Sem {
    /// A value that needs no anchor (durations, sets, `PAST_REF`, full dates).
    Lit(String),
    /// Month (and day) without a year when `y` is `None`; `tod` a part of day or `HH:MM`.
    Ymd { y: Option<i32>, m: u8, d: Option<u8>, tod: Option<String> },
    /// A weekday: `rel` -1 last, 0 plain (by tense), 1 next, 2 this.
    Wd { wd: u8, rel: i8, tod: Option<String> },
    /// `n` units from the anchor's unit ("yesterday" = Day -1, "this year" = Year 0).
    Off { unit: Unit, n: i64, tod: Option<String> },
    /// A named month relative to the anchor ("last November").
    MonthRel { m: u8, rel: i8 },
    /// A season of a given or relative year (`rel` -1, 0, 1), or with `rel` -2 the latest one
    /// already over ("this past spring").
    Season { s: &'static str, y: Option<i32>, rel: i8 },
    /// Quarter (or half when `half`) `q` of year `y`; `q` None = the latest quarter.
    Quarter { q: Option<u8>, half: bool, y: Option<i32>, yoff: i64 },
    /// Month `m` of the anchor's year moved by `yoff` years ("January this year").
    MonthYearRel { m: u8, yoff: i64 },
    /// Quarter or half `q` of the anchor's year moved by `yoff` ("this year's third quarter").
    QuarterRel { q: u8, half: bool, yoff: i64 },
    /// `n` units from the reference time, the time the text last named ("that day", "the
    /// following year"); the anchor when it named none.
    Ref { unit: Unit, n: i64, tod: Option<String> },
    /// A holiday: month/day, or the fourth Thursday of November when `d == 0`.
    Holiday { m: u8, d: u8, y: Option<i32> },
}

/// ISO week `(year, week)` of a date.
pub fn iso_week(d: Date) -> (i32, u32) {
    let thu = d.add_days(4 - d.weekday() as i64);
    let jan1 = Date { year: thu.year, month: 1, day: 1 };
    let ord = thu.to_days() - jan1.to_days();
    (thu.year, (ord / 7 + 1) as u32)
}

fn ymd(d: Date) -> String {
    d.to_string()
}

fn with_tod(base: String, tod: &Option<String>) -> String {
    match tod {
        Some(t) => format!("{base}T{t}"),
        None => base,
    }
}

fn quarter_of(d: Date) -> u8 {
    (d.month - 1) / 3 + 1
}

/// Renders a duration value (`P49Y`, `PT5H30M`, `PXD`).
pub fn duration(q: Qty, u: Unit) -> String {
    let (code, time, mult): (&str, bool, f64) = match u {
        Unit::Second => ("S", true, 1.0),
        Unit::Minute => ("M", true, 1.0),
        Unit::Hour => ("H", true, 1.0),
        Unit::Day => ("D", false, 1.0),
        Unit::Weekend => ("D", false, 2.0),
        Unit::Week => ("W", false, 1.0),
        Unit::Month => ("M", false, 1.0),
        Unit::Quarter => ("M", false, 3.0),
        Unit::Year => ("Y", false, 1.0),
        Unit::Decade => ("Y", false, 10.0),
        Unit::Century => ("Y", false, 100.0),
    };
    let t = if time { "T" } else { "" };
    let n = match q {
        Qty::X => {
            let c = match u {
                Unit::Decade => "DE",
                Unit::Century => "CE",
                Unit::Quarter => "Q",
                _ => code,
            };
            return format!("P{t}X{c}");
        }
        Qty::N(n) if u == Unit::Quarter && n.fract() == 0.0 => return format!("P{}Q", n as i64),
        Qty::N(n) => n * mult,
    };
    if n.fract() == 0.0 {
        return format!("P{t}{}{code}", n as i64);
    }
    // a fraction: whole part in this unit, the rest in the next smaller unit
    let whole = n.trunc() as i64;
    let rest = n.fract();
    let (sub, subcode, subtime) = match code {
        "Y" => (12.0, "M", false),
        "M" if !time => (30.0, "D", false),
        "W" => (7.0, "D", false),
        "D" => (24.0, "H", true),
        "H" => (60.0, "M", true),
        "M" => (60.0, "S", true),
        _ => (0.0, "", false),
    };
    let r = (rest * sub).round() as i64;
    if sub == 0.0 || r == 0 {
        return format!("P{t}{whole}{code}");
    }
    let mut s = format!("P{t}");
    if whole > 0 {
        s.push_str(&format!("{whole}{code}"));
    }
    if subtime && !time {
        s.push('T');
    }
    s.push_str(&format!("{r}{subcode}"));
    s
}

/// The most recent (`dir` < 0) or next (`dir` > 0) day with weekday `wd`, from `a`;
/// `incl` allows `a` itself.
pub(crate) fn weekday_from(a: Date, wd: u8, dir: i8, incl: bool) -> Date {
    let cur = a.weekday() as i64;
    let wd = wd as i64;
    if dir < 0 {
        let mut back = (cur - wd).rem_euclid(7);
        if back == 0 && !incl {
            back = 7;
        }
        a.add_days(-back)
    } else {
        let mut fwd = (wd - cur).rem_euclid(7);
        if fwd == 0 && !incl {
            fwd = 7;
        }
        a.add_days(fwd)
    }
}

fn easter_free_thanksgiving(y: i32) -> Date {
    // fourth Thursday of November
    let nov1 = Date { year: y, month: 11, day: 1 };
    let first_thu = weekday_from(nov1, 4, 1, true);
    first_thu.add_days(21)
}

/// Picks the year for a month (and day) written without one: the anchor's year unless the
/// tense (or, without one, distance) says the date lies a year back or ahead.
fn year_for(a: Date, m: u8, d: Option<u8>, tense: Tense) -> i32 {
    let day = d.unwrap_or(15).min(28);
    let cand = Date::new(a.year, m, day).unwrap_or(a);
    let diff = cand.to_days() - a.to_days(); // > 0: later in the anchor's year
    // tense cues are noisy: move a year only for dates well away from the anchor; without a
    // cue, lean to the past as news does: a date over four months ahead is last year's, and
    // one up to eight months back this year's
    match tense {
        Tense::Past if diff > 120 => a.year - 1,
        Tense::Future if diff < -120 => a.year + 1,
        Tense::Past | Tense::Future => a.year,
        Tense::Unknown if diff > 120 => a.year - 1,
        Tense::Unknown if diff < -245 => a.year + 1,
        Tense::Unknown => a.year,
    }
}

/// Resolves `sem` against `anchor` (None: unknown parts become `X`).
pub fn render(sem: &Sem, anchor: Option<Date>, tense: Tense) -> String {
    if let Sem::Lit(s) = sem {
        return s.clone();
    }
    let a = match anchor {
        Some(a) => a,
        None => return render_unanchored(sem),
    };
    match sem {
        Sem::Lit(s) => s.clone(),
        Sem::Ymd { y, m, d, tod } => {
            let y = y.unwrap_or_else(|| year_for(a, *m, *d, tense));
            match d {
                Some(d) => match Date::new(y, *m, *d) {
                    Some(dt) => with_tod(ymd(dt), tod),
                    None => format!("{y:04}-{m:02}"),
                },
                None => format!("{y:04}-{m:02}"),
            }
        }
        Sem::Wd { wd, rel, tod } => {
            let d = match rel {
                -1 => weekday_from(a, *wd, -1, false),
                1 => weekday_from(a, *wd, 1, false),
                2 => {
                    // this Friday: within the anchor's week
                    a.add_days(*wd as i64 - a.weekday() as i64)
                }
                _ => match tense {
                    Tense::Future => weekday_from(a, *wd, 1, true),
                    _ => weekday_from(a, *wd, -1, true),
                },
            };
            with_tod(ymd(d), tod)
        }
        Sem::Off { unit, n, tod } => match unit {
            Unit::Second | Unit::Minute | Unit::Hour => with_tod(ymd(a), tod),
            Unit::Day => with_tod(ymd(a.add_days(*n)), tod),
            Unit::Week => {
                let (y, w) = iso_week(a.add_days(7 * n));
                format!("{y:04}-W{w:02}")
            }
            Unit::Weekend => {
                // "the weekend" in past narration is the one just gone (unless it is now)
                let back = *n == 0 && tense != Tense::Future && a.weekday() < 6;
                let (y, w) = iso_week(a.add_days(7 * n - if back { 7 } else { 0 }));
                format!("{y:04}-W{w:02}-WE")
            }
            Unit::Month => {
                let d = a.add_months(*n as i32);
                format!("{:04}-{:02}", d.year, d.month)
            }
            Unit::Quarter => {
                let d = a.add_months(3 * *n as i32);
                format!("{:04}-Q{}", d.year, quarter_of(d))
            }
            Unit::Year => format!("{:04}", a.year as i64 + n),
            Unit::Decade => format!("{:03}", a.year as i64 / 10 + n),
            Unit::Century => format!("{:02}", a.year as i64 / 100 + n),
        },
        Sem::MonthRel { m, rel } => {
            let y = match rel {
                -1 => {
                    if *m < a.month {
                        a.year
                    } else {
                        a.year - 1
                    }
                }
                1 => {
                    if *m > a.month {
                        a.year
                    } else {
                        a.year + 1
                    }
                }
                _ => a.year,
            };
            format!("{y:04}-{m:02}")
        }
        Sem::Season { s, y, rel } => {
            let y = y.unwrap_or_else(|| {
                if *rel == -2 {
                    // the latest season `s` over before the anchor's month
                    let last_month = match *s {
                        "SP" => 5,
                        "SU" => 8,
                        "FA" => 11,
                        _ => 2,
                    };
                    if last_month < a.month {
                        a.year
                    } else {
                        a.year - 1
                    }
                } else {
                    a.year + *rel as i32
                }
            });
            format!("{y:04}-{s}")
        }
        Sem::Quarter { q, half, y, yoff } => {
            let (y0, q0) = match (q, y) {
                (Some(q), Some(y)) => (*y, *q),
                (Some(q), None) => {
                    let cur = if *half { (a.month - 1) / 6 + 1 } else { quarter_of(a) };
                    let y = if *q > cur && tense != Tense::Future { a.year - 1 } else { a.year };
                    (y, *q)
                }
                (None, y) => {
                    // the latest reported quarter: the one ending before the anchor
                    let d = a.add_days(-45);
                    (y.unwrap_or(d.year), if *half { (d.month - 1) / 6 + 1 } else { quarter_of(d) })
                }
            };
            let y0 = y0 as i64 + yoff;
            if *half {
                format!("{y0:04}-H{q0}")
            } else {
                format!("{y0:04}-Q{q0}")
            }
        }
        Sem::Ref { unit, n, tod } => render_ref(*unit, *n, tod, (a.year, Some(a.month), Some(a.day))),
        Sem::MonthYearRel { m, yoff } => format!("{:04}-{m:02}", a.year as i64 + yoff),
        Sem::QuarterRel { q, half, yoff } => format!("{:04}-{}{q}", a.year as i64 + yoff, if *half { "H" } else { "Q" }),
        Sem::Holiday { m, d, y } => {
            let y = y.unwrap_or_else(|| year_for(a, *m, Some((*d).max(1)), tense));
            if *d == 0 {
                ymd(easter_free_thanksgiving(y))
            } else {
                format!("{y:04}-{m:02}-{d:02}")
            }
        }
    }
}

/// The calendar parts (year, month, day) of a TIMEX3 date value ("1998", "1998-10",
/// "1998-10-23T22:00"), or `None` for other values (durations, weeks, `PAST_REF` …).
pub fn calendar_parts(v: &str) -> Option<(i32, Option<u8>, Option<u8>)> {
    let b = v.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> { v.get(r).filter(|s| s.bytes().all(|c| c.is_ascii_digit())).and_then(|s| s.parse().ok()) };
    let y = num(0..4)? as i32;
    if b.len() == 4 {
        return Some((y, None, None));
    }
    if b.get(4) != Some(&b'-') {
        return None;
    }
    let m = num(5..7).filter(|m| (1..=12).contains(m))? as u8;
    if b.len() == 7 {
        return Some((y, Some(m), None));
    }
    if b.get(7) != Some(&b'-') {
        return None;
    }
    let d = num(8..10).filter(|d| (1..=31).contains(d))? as u8;
    Some((y, Some(m), Some(d)))
}

/// `n` units from the reference time `(year, month, day)`, as precise as the reference allows.
pub fn render_ref(unit: Unit, n: i64, tod: &Option<String>, (y, m, d): (i32, Option<u8>, Option<u8>)) -> String {
    let day = m.zip(d).and_then(|(m, d)| Date::new(y, m, d));
    match unit {
        Unit::Year => format!("{:04}", y as i64 + n),
        Unit::Month => match m {
            Some(m) => {
                let t = Date { year: y, month: m, day: 1 }.add_months(n as i32);
                format!("{:04}-{:02}", t.year, t.month)
            }
            None => format!("{y:04}-XX"),
        },
        Unit::Week => match day {
            Some(dt) => {
                let (wy, w) = iso_week(dt.add_days(7 * n));
                format!("{wy:04}-W{w:02}")
            }
            None => format!("{y:04}-WXX"),
        },
        _ => match (day, m) {
            (Some(dt), _) => with_tod(ymd(dt.add_days(n)), tod),
            (None, Some(m)) => with_tod(format!("{y:04}-{m:02}-XX"), tod),
            (None, None) => with_tod(format!("{y:04}-XX-XX"), tod),
        },
    }
}

fn render_unanchored(sem: &Sem) -> String {
    match sem {
        Sem::Lit(s) => s.clone(),
        Sem::Ymd { y, m, d, tod } => {
            let y = y.map(|y| format!("{y:04}")).unwrap_or_else(|| "XXXX".into());
            match d {
                Some(d) => with_tod(format!("{y}-{m:02}-{d:02}"), tod),
                None => format!("{y}-{m:02}"),
            }
        }
        Sem::Wd { tod, .. } => with_tod("XXXX-XX-XX".into(), tod),
        Sem::Off { unit, tod, .. } => match unit {
            Unit::Week => "XXXX-WXX".into(),
            Unit::Weekend => "XXXX-WXX-WE".into(),
            Unit::Month => "XXXX-XX".into(),
            Unit::Quarter => "XXXX-QX".into(),
            Unit::Year => "XXXX".into(),
            Unit::Decade => "XXX".into(),
            Unit::Century => "XX".into(),
            _ => with_tod("XXXX-XX-XX".into(), tod),
        },
        Sem::MonthRel { m, .. } => format!("XXXX-{m:02}"),
        Sem::Season { s, y, .. } => match y {
            Some(y) => format!("{y:04}-{s}"),
            None => format!("XXXX-{s}"),
        },
        Sem::Quarter { q, half, y, yoff } => {
            let y = y.map(|y| format!("{:04}", y as i64 + yoff)).unwrap_or_else(|| "XXXX".into());
            let q = q.map(|q| q.to_string()).unwrap_or_else(|| "X".into());
            format!("{y}-{}{q}", if *half { "H" } else { "Q" })
        }
        Sem::Ref { unit, tod, .. } => render_unanchored(&Sem::Off { unit: *unit, n: 0, tod: tod.clone() }),
        Sem::MonthYearRel { m, .. } => format!("XXXX-{m:02}"),
        Sem::QuarterRel { q, half, .. } => format!("XXXX-{}{q}", if *half { "H" } else { "Q" }),
        Sem::Holiday { m, d, y } => {
            let y = y.map(|y| format!("{y:04}")).unwrap_or_else(|| "XXXX".into());
            if *d == 0 {
                format!("{y}-11-XX")
            } else {
                format!("{y}-{m:02}-{d:02}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks() {
        assert_eq!(iso_week(Date::new(2020, 9, 7).unwrap()), (2020, 37));
        assert_eq!(iso_week(Date::new(2021, 1, 1).unwrap()), (2020, 53));
        assert_eq!(iso_week(Date::new(2019, 12, 30).unwrap()), (2020, 1));
    }

    #[test]
    fn durations() {
        assert_eq!(duration(Qty::N(49.0), Unit::Year), "P49Y");
        assert_eq!(duration(Qty::N(5.5), Unit::Hour), "PT5H30M");
        assert_eq!(duration(Qty::N(2.5), Unit::Year), "P2Y6M");
        assert_eq!(duration(Qty::X, Unit::Day), "PXD");
        assert_eq!(duration(Qty::N(2.0), Unit::Decade), "P20Y");
    }
}
