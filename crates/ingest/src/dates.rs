//! Parsing dates as they are written in articles, page metadata and URLs.
//!
//! [`parse_date`] reads one date from a short string ("September 07, 2020", "7 Sept. 2020",
//! "2020-09-07T10:00:00Z", "2020/09/07", "07.09.2020"); [`find_dates`] finds every date in
//! running text with its byte position; [`date_in_url`] reads `/2020/09/07/`-style paths.
use model::Date;
use regex::Regex;
use std::sync::LazyLock;

/// Month number for an English (or common abbreviated) month name, case-insensitive.
pub fn month_number(name: &str) -> Option<u8> {
    let n = name.trim_end_matches('.').to_ascii_lowercase();
    let m = match n.as_str() {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    };
    Some(m)
}

const MONTH: &str = r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sep(?:tember|t\.?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)";

/// How a date was written, which tells how much to trust it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DateForm {
    /// ISO 8601 (`2020-09-07`, `2020-09-07T10:00Z`).
    Iso,
    /// With a month name (`September 7, 2020`, `7 Sep 2020`).
    Named,
    /// All-numeric with slashes or dots (`07.09.2020`, `2020/09/07`).
    Numeric,
}

static RE_ANY: LazyLock<Regex> = LazyLock::new(|| {
    let p = format!(
        concat!(
            r"(?i)\b(?:",
            // 1-3: ISO yyyy-mm-dd (time may follow)
            r"(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})(?:[T\s]|\b)",
            // 4-6: Month d(st), yyyy
            r"|({m})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})",
            // 7-9: d(st) (of) Month(,) yyyy
            r"|(\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?({m}),?\s+(\d{{4}})",
            // 10-12: yyyy/mm/dd or yyyy.mm.dd
            r"|(\d{{4}})[/.](\d{{1,2}})[/.](\d{{1,2}})\b",
            // 13-15: dd.mm.yyyy (European)
            r"|(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}})\b",
            // 16-18: mm/dd/yyyy (US), dd/mm/yyyy when the first part exceeds 12
            r"|(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})\b",
            r")"
        ),
        m = MONTH
    );
    Regex::new(&p).expect("date regex")
});

fn num<T: std::str::FromStr>(c: &regex::Captures, i: usize) -> Option<T> {
    c.get(i)?.as_str().parse().ok()
}

fn from_caps(c: &regex::Captures) -> Option<(Date, DateForm)> {
    if c.get(1).is_some() {
        return Some((Date::new(num(c, 1)?, num(c, 2)?, num(c, 3)?)?, DateForm::Iso));
    }
    if c.get(4).is_some() {
        return Some((Date::new(num(c, 6)?, month_number(c.get(4)?.as_str())?, num(c, 5)?)?, DateForm::Named));
    }
    if c.get(7).is_some() {
        return Some((Date::new(num(c, 9)?, month_number(c.get(8)?.as_str())?, num(c, 7)?)?, DateForm::Named));
    }
    if c.get(10).is_some() {
        return Some((Date::new(num(c, 10)?, num(c, 11)?, num(c, 12)?)?, DateForm::Numeric));
    }
    if c.get(13).is_some() {
        return Some((Date::new(num(c, 15)?, num(c, 14)?, num(c, 13)?)?, DateForm::Numeric));
    }
    if c.get(16).is_some() {
        let (a, b, y): (u8, u8, i32) = (num(c, 16)?, num(c, 17)?, num(c, 18)?);
        let d = if a > 12 { Date::new(y, b, a) } else { Date::new(y, a, b) };
        return Some((d?, DateForm::Numeric));
    }
    None
}

/// Month names of other European languages (genitive forms where dates use them).
const INTL_MONTHS: &[(&str, u8)] = &[
    ("januari", 1), ("januar", 1), ("jänner", 1), ("janvier", 1), ("enero", 1), ("janeiro", 1), ("gennaio", 1), ("января", 1), ("січня", 1), ("stycznia", 1),
    ("februari", 2), ("februar", 2), ("février", 2), ("fevrier", 2), ("febrero", 2), ("fevereiro", 2), ("febbraio", 2), ("февраля", 2), ("лютого", 2), ("lutego", 2),
    ("maart", 3), ("märz", 3), ("mars", 3), ("marzo", 3), ("março", 3), ("marco", 3), ("марта", 3), ("березня", 3), ("marca", 3),
    ("avril", 4), ("abril", 4), ("aprile", 4), ("апреля", 4), ("квітня", 4), ("kwietnia", 4),
    ("mei", 5), ("mai", 5), ("mayo", 5), ("maio", 5), ("maggio", 5), ("мая", 5), ("травня", 5), ("maja", 5),
    ("juni", 6), ("juin", 6), ("junio", 6), ("junho", 6), ("giugno", 6), ("июня", 6), ("червня", 6), ("czerwca", 6),
    ("juli", 7), ("juillet", 7), ("julio", 7), ("julho", 7), ("luglio", 7), ("июля", 7), ("липня", 7), ("lipca", 7),
    ("augustus", 8), ("august", 8), ("août", 8), ("aout", 8), ("agosto", 8), ("августа", 8), ("серпня", 8), ("sierpnia", 8),
    ("septembre", 9), ("septiembre", 9), ("setiembre", 9), ("setembro", 9), ("settembre", 9), ("сентября", 9), ("вересня", 9), ("września", 9),
    ("oktober", 10), ("octobre", 10), ("octubre", 10), ("outubro", 10), ("ottobre", 10), ("октября", 10), ("жовтня", 10), ("października", 10),
    ("novembre", 11), ("noviembre", 11), ("novembro", 11), ("ноября", 11), ("листопада", 11), ("listopada", 11),
    ("dezember", 12), ("décembre", 12), ("decembre", 12), ("diciembre", 12), ("dezembro", 12), ("dicembre", 12), ("декабря", 12), ("грудня", 12), ("grudnia", 12),
];

static RE_INTL: LazyLock<Regex> = LazyLock::new(|| {
    let words: Vec<&str> = INTL_MONTHS.iter().map(|x| x.0).collect();
    Regex::new(&format!(r"(?i)\b(\d{{1,2}})\.?\s+(?:de\s+)?({})\.?,?\s+(?:de\s+)?(\d{{4}})\b", words.join("|"))).expect("intl date regex")
});

/// Every date written in `text`, with its byte range and form, in order. Years outside
/// 1900..=2100 are ignored.
pub fn find_dates(text: &str) -> Vec<(usize, usize, Date, DateForm)> {
    let mut out: Vec<(usize, usize, Date, DateForm)> = RE_ANY
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(0)?;
            let (d, f) = from_caps(&c)?;
            (1900..=2100).contains(&d.year).then_some((m.start(), m.end(), d, f))
        })
        .collect();
    // Other languages' month names only where no English or numeric date was found (the
    // large case-insensitive alternation is slow on whole pages) or in short snippets.
    if out.is_empty() || text.len() <= 4096 {
        let before = out.len();
        for c in RE_INTL.captures_iter(text) {
            let (Some(m), Some(w)) = (c.get(0), c.get(2)) else { continue };
            let w = w.as_str().to_lowercase();
            let Some(&(_, month)) = INTL_MONTHS.iter().find(|x| x.0 == w) else { continue };
            if let Some(d) = Date::new(num(&c, 3).unwrap_or(0), month, num(&c, 1).unwrap_or(0)).filter(|d| (1900..=2100).contains(&d.year)) {
                if !out[..before].iter().any(|o| o.0 < m.end() && m.start() < o.1) {
                    out.push((m.start(), m.end(), d, DateForm::Named));
                }
            }
        }
        out.sort_by_key(|x| x.0);
    }
    out
}

/// The first date in a short string such as a meta tag value or a date line.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Some(d) = Date::parse(s) {
        return Some(d);
    }
    find_dates(s).first().map(|x| x.2)
}

/// Whether `line` is nothing but a date (with an optional weekday, time and zone), as the
/// date line under a headline is.
pub fn date_line(line: &str) -> Option<Date> {
    let line = line.trim();
    if line.is_empty() || line.len() > 60 {
        return None;
    }
    let found = find_dates(line);
    let (s, e, d, _) = *found.first()?;
    let rest = format!("{} {}", &line[..s], &line[e..]);
    // What is left may only be a weekday, a time, a zone or punctuation.
    let ok = rest.split(|c: char| c.is_whitespace() || ",|-–—·():".contains(c)).all(|w| {
        let w = w.trim_matches('.').to_ascii_lowercase();
        w.is_empty()
            || w.chars().all(|c| c.is_ascii_digit() || c == ':')
            || matches!(
                w.as_str(),
                "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday"
                    | "mon" | "tue" | "tues" | "wed" | "thu" | "thur" | "thurs" | "fri" | "sat" | "sun"
                    | "am" | "pm" | "a.m" | "p.m" | "utc" | "gmt" | "est" | "edt" | "cet" | "cest" | "bst"
                    | "msk" | "pst" | "pdt" | "et" | "published" | "updated" | "posted" | "on" | "at"
            )
    });
    ok.then_some(d)
}

static RE_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:/|[_-])((?:19|20)\d{2})[/_.-]?(0[1-9]|1[0-2])[/_.-]?(0[1-9]|[12]\d|3[01])(?:/|[_.-]|$)").expect("url regex")
});

static RE_URL_MONTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])/").expect("url regex"));

/// A full date in a URL path (`/2020/09/07/`, `/20200907/`, `-2020-09-07-`).
pub fn date_in_url(url: &str) -> Option<Date> {
    let c = RE_URL.captures(url)?;
    Date::new(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)
}

/// Year and month in a URL path (`/2020/09/`), for plausibility checks.
pub fn month_in_url(url: &str) -> Option<(i32, u8)> {
    let c = RE_URL_MONTH.captures(url)?;
    Some((c[1].parse().ok()?, c[2].parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, dd: u8) -> Option<Date> {
        Date::new(y, m, dd)
    }

    #[test]
    fn parses_common_forms() {
        assert_eq!(parse_date("September 07, 2020"), d(2020, 9, 7));
        assert_eq!(parse_date("Sept. 7, 2020"), d(2020, 9, 7));
        assert_eq!(parse_date("7 September 2020"), d(2020, 9, 7));
        assert_eq!(parse_date("7th of September, 2020"), d(2020, 9, 7));
        assert_eq!(parse_date("2020-09-07T10:22:00+03:00"), d(2020, 9, 7));
        assert_eq!(parse_date("2020/09/07"), d(2020, 9, 7));
        assert_eq!(parse_date("07.09.2020"), d(2020, 9, 7));
        assert_eq!(parse_date("09/27/2020"), d(2020, 9, 27));
        assert_eq!(parse_date("Monday, September 7, 2020 10:15 am"), d(2020, 9, 7));
        assert_eq!(parse_date("February 30, 2020"), None);
        assert_eq!(parse_date("jueves 2 de abril de 2020"), d(2020, 4, 2));
        assert_eq!(parse_date("9 oktober 2020 11:12"), d(2020, 10, 9));
        assert_eq!(parse_date("7 червня 2020"), d(2020, 6, 7));
        assert_eq!(parse_date("7. Juni 2020"), d(2020, 6, 7));
        assert_eq!(parse_date("no date here"), None);
    }

    #[test]
    fn date_lines_only() {
        assert_eq!(date_line("September 07, 2020"), d(2020, 9, 7));
        assert_eq!(date_line("Published: Monday, 7 Sep 2020 14:05 GMT"), d(2020, 9, 7));
        assert_eq!(date_line("The talks on September 7, 2020 failed"), None);
    }

    #[test]
    fn dates_in_urls() {
        assert_eq!(date_in_url("https://x.com/2020/09/07/story-a1"), d(2020, 9, 7));
        assert_eq!(date_in_url("https://x.com/news/20200907/story"), d(2020, 9, 7));
        assert_eq!(date_in_url("https://x.com/story-2020-09-07.html"), d(2020, 9, 7));
        assert_eq!(date_in_url("https://x.com/story/12345678"), None);
        assert_eq!(month_in_url("https://x.com/2020/09/story"), Some((2020, 9)));
    }
}
