//! A small tokenizer and the word classes of the temporal grammar. The tagger keeps its own
//! tokens (ASCII letter/digit runs and single punctuation characters) so that it works the
//! same whether or not the NLP stage has run, and so that "third-quarter", "a.m." and
//! "10/27/98" are seen piece by piece with their adjacency.

/// One token of the tagger's own tokenization.
#[derive(Clone, Copy, Debug)]
pub struct Tk<'a> {
    /// First byte in the text.
    pub s: usize,
    /// One past the last byte.
    pub e: usize,
    /// Lowercased (ASCII) text.
    pub lw: &'a str,
    /// Starts with an uppercase letter.
    pub cap: bool,
    /// Whitespace (or the start of the text) precedes this token.
    pub gap: bool,
    /// All ASCII digits.
    pub digits: bool,
}

/// Tokenizes `text`, reading lowercase forms from `low` (its ASCII lowercase copy).
pub fn tokenize<'a>(text: &str, low: &'a str) -> Vec<Tk<'a>> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 5);
    let mut i = 0;
    let mut gap = true;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            gap = true;
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_alphanumeric() {
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
        } else if c < 0x80 {
            i += 1;
        } else {
            // one whole UTF-8 character
            i += 1;
            while i < b.len() && (b[i] & 0xC0) == 0x80 {
                i += 1;
            }
            // treat non-breaking space as whitespace
            if &text[start..i] == "\u{a0}" {
                gap = true;
                continue;
            }
        }
        let lw = &low[start..i];
        out.push(Tk {
            s: start,
            e: i,
            lw,
            cap: c.is_ascii_uppercase(),
            gap,
            digits: c.is_ascii_digit() && lw.bytes().all(|x| x.is_ascii_digit()),
        });
        gap = false;
    }
    out
}

/// Month number of a month name or abbreviation (`sept` → 9).
pub fn month(w: &str) -> Option<(u8, bool)> {
    // (month, is_abbreviation)
    Some(match w {
        "january" => (1, false),
        "february" => (2, false),
        "march" => (3, false),
        "april" => (4, false),
        "may" => (5, false),
        "june" => (6, false),
        "july" => (7, false),
        "august" => (8, false),
        "september" => (9, false),
        "october" => (10, false),
        "november" => (11, false),
        "december" => (12, false),
        "jan" => (1, true),
        "feb" => (2, true),
        "mar" => (3, true),
        "apr" => (4, true),
        "jun" => (6, true),
        "jul" => (7, true),
        "aug" => (8, true),
        "sep" | "sept" => (9, true),
        "oct" => (10, true),
        "nov" => (11, true),
        "dec" => (12, true),
        _ => return None,
    })
}

/// ISO weekday (Monday = 1) of a weekday name.
pub fn weekday(w: &str) -> Option<u8> {
    Some(match w {
        "monday" => 1,
        "tuesday" => 2,
        "wednesday" => 3,
        "thursday" => 4,
        "friday" => 5,
        "saturday" => 6,
        "sunday" => 7,
        _ => return None,
    })
}

/// TIMEX3 part-of-day code of a word (`night` → `NI`).
pub fn part_of_day(w: &str) -> Option<&'static str> {
    Some(match w {
        "morning" | "mornings" => "MO",
        "afternoon" | "afternoons" => "AF",
        "evening" | "evenings" => "EV",
        "night" | "nights" => "NI",
        _ => return None,
    })
}

/// TIMEX3 season code.
pub fn season(w: &str) -> Option<&'static str> {
    Some(match w {
        "spring" => "SP",
        "summer" => "SU",
        "fall" | "autumn" => "FA",
        "winter" => "WI",
        _ => return None,
    })
}

/// A calendar unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Second.
    Second,
    /// Minute.
    Minute,
    /// Hour.
    Hour,
    /// Day.
    Day,
    /// Weekend.
    Weekend,
    /// Week.
    Week,
    /// Month.
    Month,
    /// Quarter.
    Quarter,
    /// Year.
    Year,
    /// Decade.
    Decade,
    /// Century.
    Century,
}

/// Unit of a unit word and whether it is plural.
pub fn unit(w: &str) -> Option<(Unit, bool)> {
    Some(match w {
        "second" => (Unit::Second, false),
        "seconds" => (Unit::Second, true),
        "minute" | "min" => (Unit::Minute, false),
        "minutes" | "mins" => (Unit::Minute, true),
        "hour" | "hr" => (Unit::Hour, false),
        "hours" | "hrs" => (Unit::Hour, true),
        "day" => (Unit::Day, false),
        "days" => (Unit::Day, true),
        "weekend" => (Unit::Weekend, false),
        "weekends" => (Unit::Weekend, true),
        "week" => (Unit::Week, false),
        "weeks" => (Unit::Week, true),
        "month" => (Unit::Month, false),
        "months" => (Unit::Month, true),
        "quarter" => (Unit::Quarter, false),
        "quarters" => (Unit::Quarter, true),
        "year" | "yr" => (Unit::Year, false),
        "years" | "yrs" => (Unit::Year, true),
        "decade" => (Unit::Decade, false),
        "decades" => (Unit::Decade, true),
        "century" => (Unit::Century, false),
        "centuries" => (Unit::Century, true),
        _ => return None,
    })
}

/// Value of a cardinal number word below 100 (`twenty` → 20).
pub fn number_word(w: &str) -> Option<u32> {
    Some(match w {
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    })
}

/// Value of an ordinal word or numeral (`third`, `3rd`) from 1 to 31.
pub fn ordinal(w: &str) -> Option<u32> {
    let v = match w {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        "eleventh" => 11,
        "twelfth" => 12,
        "thirteenth" => 13,
        "fourteenth" => 14,
        "fifteenth" => 15,
        "sixteenth" => 16,
        "seventeenth" => 17,
        "eighteenth" => 18,
        "nineteenth" => 19,
        "twentieth" => 20,
        "thirtieth" => 30,
        _ => {
            let n = w.len();
            // `get` rather than indexing: `w` may end in a multi-byte character ("1’").
            let (Some(num), Some(suffix)) = (w.get(..n.saturating_sub(2)), w.get(n.saturating_sub(2)..)) else {
                return None;
            };
            if n >= 3 && matches!(suffix, "st" | "nd" | "rd" | "th") && num.bytes().all(|b| b.is_ascii_digit()) {
                return num.parse().ok();
            }
            return None;
        }
    };
    Some(v)
}

/// Whether a word, seen as the governing verb, signals the future.
pub fn future_cue(w: &str) -> bool {
    matches!(w, "will" | "ll" | "shall" | "wo" | "tomorrow" | "upcoming" | "next" | "expected" | "scheduled" | "due" | "plans" | "plan" | "planned" | "planning" | "intends" | "going")
}

/// Common irregular past-tense forms (used when the text has no POS tags).
pub fn past_form(w: &str) -> bool {
    matches!(
        w,
        "was" | "were" | "had" | "did" | "said" | "told" | "met" | "went" | "came" | "took" | "made" | "gave"
            | "left" | "began" | "held" | "fell" | "rose" | "won" | "lost" | "sent" | "spent" | "sold" | "bought"
            | "paid" | "found" | "got" | "kept" | "led" | "saw" | "struck" | "shot" | "hit" | "put" | "set"
            | "ran" | "became" | "brought" | "thought" | "wrote" | "spoke" | "broke" | "stood" | "fought"
            | "flew" | "drove" | "knew" | "grew" | "threw" | "chose" | "froze" | "meant" | "heard"
            | "ago" | "yesterday" | "earlier" | "last" | "killed" | "wounded" | "arrested" | "announced"
            | "reported" | "agreed" | "signed" | "visited" | "arrived" | "attended" | "closed" | "ended"
            | "opened" | "launched" | "released" | "declined" | "rejected" | "approved" | "posted" | "added"
            | "stated" | "confirmed" | "denied" | "claimed" | "issued" | "ordered" | "started" | "died"
    )
}
