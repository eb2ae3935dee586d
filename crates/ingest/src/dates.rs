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
            r"|(\d{{1,2}})\.\s?(\d{{1,2}})\.\s?(\d{{4}})\b",
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

/// Month names of other languages (genitive forms where dates use them) and their
/// common abbreviations (`janv.`, `Okt.`, `juil.`).
const INTL_MONTHS: &[(&str, u8)] = &[
    ("januari", 1), ("januar", 1), ("jänner", 1), ("janvier", 1), ("janv", 1), ("enero", 1), ("ene", 1), ("janeiro", 1), ("gennaio", 1), ("gen", 1), ("января", 1), ("січня", 1), ("stycznia", 1), ("ocak", 1), ("ledna", 1), ("tammikuuta", 1),
    ("februari", 2), ("februar", 2), ("feber", 2), ("février", 2), ("fevrier", 2), ("févr", 2), ("fevr", 2), ("febr", 2), ("febrero", 2), ("fevereiro", 2), ("febbraio", 2), ("февраля", 2), ("лютого", 2), ("lutego", 2), ("şubat", 2), ("února", 2), ("helmikuuta", 2),
    ("maart", 3), ("märz", 3), ("mär", 3), ("mrz", 3), ("mars", 3), ("marzo", 3), ("março", 3), ("marco", 3), ("марта", 3), ("березня", 3), ("marca", 3), ("mart", 3), ("března", 3), ("maaliskuuta", 3),
    ("avril", 4), ("avr", 4), ("abril", 4), ("abr", 4), ("aprile", 4), ("апреля", 4), ("квітня", 4), ("kwietnia", 4), ("nisan", 4), ("dubna", 4), ("huhtikuuta", 4),
    ("mei", 5), ("mai", 5), ("maj", 5), ("mayo", 5), ("maio", 5), ("maggio", 5), ("mag", 5), ("мая", 5), ("травня", 5), ("maja", 5), ("mayıs", 5), ("května", 5), ("toukokuuta", 5),
    ("juni", 6), ("juin", 6), ("junio", 6), ("junho", 6), ("giugno", 6), ("giu", 6), ("июня", 6), ("червня", 6), ("czerwca", 6), ("haziran", 6), ("června", 6), ("kesäkuuta", 6),
    ("juli", 7), ("juillet", 7), ("juil", 7), ("julio", 7), ("julho", 7), ("luglio", 7), ("lug", 7), ("июля", 7), ("липня", 7), ("lipca", 7), ("temmuz", 7), ("července", 7), ("heinäkuuta", 7),
    ("augustus", 8), ("augusti", 8), ("august", 8), ("août", 8), ("aout", 8), ("agosto", 8), ("ago", 8), ("августа", 8), ("серпня", 8), ("sierpnia", 8), ("ağustos", 8), ("srpna", 8), ("elokuuta", 8),
    ("septembre", 9), ("septiembre", 9), ("setiembre", 9), ("setembro", 9), ("settembre", 9), ("set", 9), ("сентября", 9), ("вересня", 9), ("września", 9), ("eylül", 9), ("září", 9), ("syyskuuta", 9),
    ("oktober", 10), ("okt", 10), ("octobre", 10), ("octubre", 10), ("outubro", 10), ("ottobre", 10), ("ott", 10), ("out", 10), ("октября", 10), ("жовтня", 10), ("października", 10), ("ekim", 10), ("října", 10), ("lokakuuta", 10),
    ("novembre", 11), ("noviembre", 11), ("novembro", 11), ("ноября", 11), ("листопада", 11), ("listopada", 11), ("kasım", 11), ("listopadu", 11), ("marraskuuta", 11),
    ("dezember", 12), ("dez", 12), ("décembre", 12), ("decembre", 12), ("déc", 12), ("dic", 12), ("diciembre", 12), ("dezembro", 12), ("dicembre", 12), ("декабря", 12), ("грудня", 12), ("grudnia", 12), ("aralık", 12), ("prosince", 12), ("joulukuuta", 12),
];

static RE_INTL: LazyLock<Regex> = LazyLock::new(|| {
    let mut words: Vec<&str> = INTL_MONTHS.iter().map(|x| x.0).collect();
    // Longest first, so that `januar` does not stop `januari` short.
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    Regex::new(&format!(r"(?i)\b(\d{{1,2}})(?:\.|er|º)?\s+(?:de\s+)?({})\.?,?\s+(?:de\s+)?(\d{{4}})\b", words.join("|"))).expect("intl date regex")
});

/// East Asian dates: `2020年7月11日`, `2020년 7월 11일`.
static RE_CJK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]").expect("cjk date regex"));

fn intl_month(w: &str) -> Option<u8> {
    let w = w.to_lowercase();
    INTL_MONTHS.iter().find(|x| x.0 == w).map(|x| x.1)
}

/// Every date written in `text`, with its byte range and form, in order. Years outside
/// 1900..=2100 are ignored.
///
/// Every written date holds a four-digit year, so the patterns run only on short windows
/// around the years in the text: fast on whole pages, whatever their language.
pub fn find_dates(text: &str) -> Vec<(usize, usize, Date, DateForm)> {
    let b = text.as_bytes();
    let mut out: Vec<(usize, usize, Date, DateForm)> = Vec::new();
    let mut windows: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i + 4 <= b.len() {
        // Years 19xx / 20xx not inside a longer number.
        let Some(p) = b[i..b.len() - 3].iter().position(|&c| c == b'1' || c == b'2') else { break };
        let s = i + p;
        i = s + 1;
        if !((b[s] == b'1' && b[s + 1] == b'9') || (b[s] == b'2' && b[s + 1] == b'0')) || !b[s + 2].is_ascii_digit() || !b[s + 3].is_ascii_digit() {
            continue;
        }
        if (s > 0 && b[s - 1].is_ascii_digit()) || b.get(s + 4).is_some_and(u8::is_ascii_digit) {
            i = s + 4;
            continue;
        }
        let (ws, we) = (floor_char(text, s.saturating_sub(56)), ceil_char(text, (s + 24).min(b.len())));
        match windows.last_mut() {
            Some(last) if ws <= last.1 => last.1 = we,
            _ => windows.push((ws, we)),
        }
        i = s + 4;
    }
    let boundary_ok = |start: usize| start == 0 || !text[..start].chars().next_back().is_some_and(char::is_alphanumeric);
    for (ws, we) in windows {
        let w = &text[ws..we];
        let before = out.len();
        for c in RE_ANY.captures_iter(w) {
            let Some(m) = c.get(0) else { continue };
            let Some((d, f)) = from_caps(&c) else { continue };
            if (1900..=2100).contains(&d.year) && boundary_ok(ws + m.start()) {
                out.push((ws + m.start(), ws + m.end(), d, f));
            }
        }
        let english = out.len();
        for c in RE_INTL.captures_iter(w) {
            let (Some(m), Some(mw)) = (c.get(0), c.get(2)) else { continue };
            let Some(month) = intl_month(mw.as_str()) else { continue };
            let Some(d) = Date::new(num(&c, 3).unwrap_or(0), month, num(&c, 1).unwrap_or(0)).filter(|d| (1900..=2100).contains(&d.year)) else { continue };
            let (s, e) = (ws + m.start(), ws + m.end());
            if boundary_ok(s) && !out[before..english].iter().any(|o| o.0 < e && s < o.1) {
                out.push((s, e, d, DateForm::Named));
            }
        }
        let named = out.len();
        for c in RE_CJK.captures_iter(w) {
            let Some(m) = c.get(0) else { continue };
            let Some(d) = Date::new(num(&c, 1).unwrap_or(0), num(&c, 2).unwrap_or(0), num(&c, 3).unwrap_or(0)).filter(|d| (1900..=2100).contains(&d.year)) else { continue };
            let (s, e) = (ws + m.start(), ws + m.end());
            if !out[before..named].iter().any(|o| o.0 < e && s < o.1) {
                out.push((s, e, d, DateForm::Named));
            }
        }
        out[before..].sort_by_key(|x| x.0);
    }
    out
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

static RE_SHORT_YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|[^\d.])(\d{1,2})\.(\d{1,2})\.(\d{2})(?:$|[^\d.])").expect("short-year regex"));

/// Like [`find_dates`], and in a short snippet known to hold a date (a date element, a
/// `<time>` element's text) also `dd.mm.yy` with a two-digit year (20yy).
pub fn find_dates_snippet(text: &str) -> Vec<(usize, usize, Date, DateForm)> {
    let mut out = find_dates(text);
    if out.is_empty() && text.len() <= 400 {
        if let Some(c) = RE_SHORT_YEAR.captures(text) {
            let (Some(m), Some(d), Some(mo), Some(y)) = (c.get(0), num::<u8>(&c, 1), num::<u8>(&c, 2), num::<i32>(&c, 3)) else { return out };
            if let Some(date) = Date::new(2000 + y, mo, d) {
                out.push((m.start(), m.end(), date, DateForm::Numeric));
            }
        }
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
        assert_eq!(parse_date("30 juil. 2019"), d(2019, 7, 30));
        assert_eq!(parse_date("Le 1er juillet 2019"), d(2019, 7, 1));
        assert_eq!(parse_date("2020年7月11日(土)"), d(2020, 7, 11));
        assert_eq!(parse_date("4.\u{2009}2.\u{2009}2022"), d(2022, 2, 4));
        assert_eq!(parse_date("12 augusti 2021"), d(2021, 8, 12));
    }

    #[test]
    fn dates_in_long_text_keep_their_offsets() {
        let pad = "x ".repeat(300);
        let t = format!("{pad}Posted 7 September 2020, {pad} and 14. Januar 2021 then 2021-02-03T10:00Z; 12019 or 20201 are no years");
        let found = find_dates(&t);
        let got: Vec<Date> = found.iter().map(|x| x.2).collect();
        assert_eq!(got, vec![Date::new(2020, 9, 7).unwrap(), Date::new(2021, 1, 14).unwrap(), Date::new(2021, 2, 3).unwrap()]);
        for (s, e, _, _) in found {
            assert!(t[s..e].chars().last().is_some_and(|c| c.is_ascii_digit() || c == 'T'), "{}", &t[s..e]);
        }
        // A number glued to a date is not a date.
        assert!(find_dates("x123.09.2020").is_empty());
    }

    #[test]
    fn two_digit_years_only_in_snippets() {
        assert_eq!(find_dates_snippet("Party, 30.10.23").first().map(|x| x.2), d(2023, 10, 30));
        assert!(find_dates("Version 1.10.23 is out").is_empty());
        assert!(find_dates_snippet("31.02.23").is_empty());
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
