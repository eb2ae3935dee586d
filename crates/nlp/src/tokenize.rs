//! Rule-based tokenizer and sentence splitter for English news text.
//!
//! Tokens follow the Universal Dependencies English-EWT conventions (close to PTB): clitics
//! are split off (`do|n't`, `Assad|'s`, `can|not`), most hyphens are separate tokens
//! (`al|-|Assad`, `50|-|year`) except after common prefixes (`anti-war`, `e-mail`), numbers
//! keep their separators (`380,000`, `3.5`, `11/28/2000`, `10:30`), abbreviations and
//! initials keep their period (`Dec.`, `U.S.`, `J.`), URLs and e-mail addresses stay whole.
//!
//! Every token is a byte span of the input on character boundaries; nothing is ever
//! rewritten, so offsets are exact. Work is linear in the input: one pass over the
//! characters, one pass over the tokens, and sentences are force-split at
//! [`MAX_SENTENCE_TOKENS`] so that later stages stay linear too.

/// Sentences longer than this many tokens are cut, so that downstream stages stay linear.
pub const MAX_SENTENCE_TOKENS: usize = 250;

/// What separates a token from the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Gap {
    /// Nothing: the token touches the previous one (`do|n't`, `word|,`).
    None,
    /// Spaces or tabs (or the start of the text).
    Space,
    /// A single line break.
    Line,
    /// A blank line (paragraph break).
    Para,
}

/// A token: a byte span of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// What lies between the previous token and this one.
    pub gap: Gap,
    /// This token continues the previous one's surface word (a split clitic such as `n't`):
    /// together they form one multi-word token in the UD sense.
    pub joined: bool,
}

/// Tokens and sentences (as token ranges) of a text.
#[derive(Clone, Debug, Default)]
pub struct Tokenized {
    /// Tokens in text order.
    pub tokens: Vec<Tok>,
    /// Sentences: `tokens[s.0..s.1]`, in order, covering all tokens.
    pub sentences: Vec<(usize, usize)>,
}

/// Tokenizes `text` and splits it into sentences.
pub fn tokenize(text: &str) -> Tokenized {
    let tokens = tokens(text);
    let sentences = split_sentences(text, &tokens);
    Tokenized { tokens, sentences }
}

/// Characters that never start or continue a token (whitespace and controls).
#[inline]
fn is_sep(c: char) -> bool {
    c.is_whitespace() || c.is_control() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{00AD}')
}

/// Letters, digits and combining marks.
#[inline]
fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        c.is_alphanumeric() || matches!(c as u32, 0x300..=0x36F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
    }
}

#[inline]
fn is_apos(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Splits `text` into tokens.
pub fn tokens(text: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let b = text.as_bytes();
    let mut i = 0;
    let mut newlines = 0u32;
    let mut spaced = true;
    while i < b.len() {
        let c = char_at(text, i);
        if is_sep(c) {
            if c == '\n' {
                newlines += 1;
            } else if c == '\u{2029}' {
                newlines += 2;
            }
            spaced = true;
            i += c.len_utf8();
            continue;
        }
        let mut j = i;
        while j < b.len() {
            let c = char_at(text, j);
            if is_sep(c) {
                break;
            }
            j += c.len_utf8();
        }
        let gap = match (spaced, newlines) {
            (_, n) if n >= 2 => Gap::Para,
            (_, 1) => Gap::Line,
            (true, _) => Gap::Space,
            _ => Gap::None,
        };
        let first = out.len();
        split_chunk(text, i, j, &mut out);
        if let Some(t) = out.get_mut(first) {
            t.gap = if first == 0 && gap == Gap::None { Gap::Space } else { gap };
        }
        newlines = 0;
        spaced = false;
        i = j;
    }
    out
}

#[inline]
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or('\0')
}

#[inline]
fn prev_char(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

fn push(out: &mut Vec<Tok>, start: usize, end: usize, joined: bool) {
    if start < end {
        out.push(Tok { start, end, gap: Gap::None, joined });
    }
}

fn starts_with_ci(s: &str, p: &str) -> bool {
    s.len() >= p.len() && s.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
}

/// Whether a whitespace-free chunk is a URL or an e-mail address.
fn is_url(s: &str) -> bool {
    if starts_with_ci(s, "http://") || starts_with_ci(s, "https://") || starts_with_ci(s, "www.") || starts_with_ci(s, "ftp://") {
        return s.len() > 7;
    }
    if let Some(at) = s.find('@') {
        let (a, d) = (&s[..at], &s[at + 1..]);
        return !a.is_empty()
            && a.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
            && d.contains('.')
            && d.trim_end_matches(|c: char| !c.is_ascii_alphanumeric()).chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
    }
    false
}

/// Opening punctuation stripped from the front of a URL chunk.
fn is_opening(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '<' | '"' | '\'' | '“' | '‘' | '«' | '`')
}

/// Trailing punctuation stripped from the end of a URL chunk.
fn is_trailing(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '>' | '"' | '\'' | '”' | '’' | '»')
}

fn split_chunk(text: &str, s: usize, e: usize, out: &mut Vec<Tok>) {
    let chunk = &text[s..e];
    // URL / e-mail: keep whole apart from surrounding punctuation.
    let inner_start = s + chunk.len() - chunk.trim_start_matches(is_opening).len();
    let inner = &text[inner_start..e];
    if is_url(inner) {
        let mut core_end = e;
        while let Some(c) = prev_char(text, core_end) {
            if core_end > inner_start + 1 && is_trailing(c) {
                core_end -= c.len_utf8();
            } else {
                break;
            }
        }
        if s < inner_start {
            split_plain(text, s, inner_start, out);
        }
        push(out, inner_start, core_end, false);
        if core_end < e {
            split_plain(text, core_end, e, out);
        }
        return;
    }
    split_plain(text, s, e, out);
}

/// Hyphenated prefixes that EWT keeps attached (`anti-war`, `e-mail`, `non-stop`).
fn is_hyphen_prefix(w: &str) -> bool {
    const P: &[&str] = &[
        "e", "non", "mid", "pre", "anti", "re", "post", "co", "pro", "multi", "ex", "sub", "semi", "neo", "cross",
        "psycho", "inter", "counter", "ultra", "bi", "tri", "un", "de", "micro", "macro", "mini", "mega", "quasi",
        "pseudo", "intra", "trans", "over", "x", "t", "u", "mis",
    ];
    w.len() <= 7 && P.iter().any(|p| w.eq_ignore_ascii_case(p))
}

/// Abbreviations that keep their period (case-sensitive forms as seen in news).
fn is_abbrev(w: &str) -> bool {
    const A: &[&str] = &[
        "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Sgt", "Capt", "Cpl", "Pvt", "Adm",
        "Maj", "Cmdr", "Rev", "Fr", "St", "Ste", "Mt", "Ft", "Jr", "Sr", "Inc", "Corp", "Ltd", "Co", "Bros", "Jan",
        "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Mon", "Tue", "Tues", "Wed",
        "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun", "No", "Nos", "Vol", "vs", "etc", "approx", "Dept", "Univ",
        "Ave", "Blvd", "Rd", "Hon", "Pres", "Supt", "Det", "Insp", "Gov", "Atty", "Messrs", "Mme", "Mlle", "cf",
        "al", "Ph", "Esq", "Ky", "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind",
        "Kan", "Kans", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore", "Pa",
        "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo", "vol", "pp", "ca", "Gens", "Sens", "Reps", "Rt", "Brig",
        "Lieut", "Cdr", "Mssrs", "Mgr", "Msgr", "Sq", "Inst", "Assn", "Intl", "Natl", "Govt", "Jap", "viz", "min",
        "max", "ft", "mins", "hrs", "sq", "oz", "lbs", "lb", "Fig", "fig", "Ch", "ch", "Art", "Sec", "Ex",
    ];
    A.contains(&w)
}

/// Abbreviations after which a sentence practically never ends (titles, initials).
pub fn is_title_abbrev(w: &str) -> bool {
    let w = w.strip_suffix('.').unwrap_or(w);
    const T: &[&str] = &[
        "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Sgt", "Capt", "Cpl", "Pvt", "Adm",
        "Maj", "Cmdr", "Rev", "Fr", "St", "Mt", "Ft", "No", "Nos", "Vol", "vs", "Hon", "Pres", "Supt", "Det",
        "Insp", "Atty", "Messrs", "Mme", "Mlle", "cf", "Gens", "Sens", "Reps", "Rt", "Brig", "Lieut", "Cdr", "Msgr",
        "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "pp", "Fig", "ca",
        "approx", "e.g", "i.e", "viz",
    ];
    T.contains(&w) || (w.chars().count() == 1 && w.chars().all(|c| c.is_uppercase()))
}

/// Splits a whitespace-free chunk into tokens.
fn split_plain(text: &str, s: usize, e: usize, out: &mut Vec<Tok>) {
    let mut i = s;
    while i < e {
        let c = char_at(text, i);
        if let Some(l) = emoticon(&text[i..e]) {
            push(out, i, i + l, false);
            i += l;
            continue;
        }
        if is_word(c) {
            let j = scan_word(text, i, e);
            // number + unit ("650k", "375mm", "5pm"): two tokens as in EWT
            if let Some(u) = unit_split(&text[i..j]) {
                push(out, i, i + u, false);
                i += u;
                continue;
            }
            // plural possessive "soldiers'": the apostrophe is a clitic of the word
            let mut poss = None;
            if j < e && text.as_bytes()[j - 1] | 0x20 == b's' && (text.as_bytes()[j] == b'\'' || text[j..].starts_with('’')) {
                let l = if text.as_bytes()[j] == b'\'' { 1 } else { '’'.len_utf8() };
                if j + l >= e || !is_word(char_at(text, j + l)) {
                    poss = Some(j + l);
                }
            }
            // A trailing period that belongs to the word (abbreviation, initial, U.S.).
            let mut k = j;
            // the period of an abbreviation; "Inc.." keeps one, "etc..." none
            let dots = text.as_bytes()[j..e].iter().take_while(|&&d| d == b'.').count();
            if poss.is_none() && (dots == 1 || dots == 2) {
                let w = &text[i..j];
                let single = w.chars().count() == 1 && w.chars().all(|c| c.is_alphabetic());
                let dotted = w.contains('.') && w.chars().any(|c| c.is_alphabetic());
                if is_abbrev(w) || single || dotted {
                    k = j + 1;
                }
            }
            split_clitics(text, i, k, out);
            if let Some(p) = poss {
                push(out, k, p, true);
                k = p;
            }
            i = k;
        } else {
            let l = c.len_utf8();
            let mut j = i + l;
            if c.is_ascii() && !c.is_ascii_alphanumeric() {
                // runs of the same ASCII punctuation form one token ("...", "--", "!!!", "##")
                // and so do mixed ?! runs
                while j < e {
                    let d = text.as_bytes()[j];
                    if d == c as u8 || (matches!(c, '?' | '!') && matches!(d, b'?' | b'!')) {
                        j += 1;
                    } else {
                        break;
                    }
                }
                // `` and '' quotes
            } else if c == '…' {
                while j < e && text[j..].starts_with('…') {
                    j += '…'.len_utf8();
                }
            }
            push(out, i, j, false);
            i = j;
        }
    }
}

/// Scans a word starting at `i` (a word character) with its internal punctuation; returns its end.
fn scan_word(text: &str, i: usize, e: usize) -> usize {
    let b = text.as_bytes();
    let mut j = i;
    let mut seg_start = i; // start of the current hyphen-separated segment
    while j < e {
        let c = char_at(text, j);
        if is_word(c) {
            j += c.len_utf8();
            continue;
        }
        let next = if j + c.len_utf8() < e { Some(char_at(text, j + c.len_utf8())) } else { None };
        let prev = prev_char(text, j);
        let prev_digit = prev.is_some_and(|p| p.is_ascii_digit());
        let next_digit = next.is_some_and(|n| n.is_ascii_digit());
        let next_word = next.is_some_and(is_word);
        let keep = match c {
            // 3.5, U.S, e.g, a.m, example.com, alt.animals.cat, file.pdf
            '.' => {
                next_word
                    && (prev_digit && next_digit
                        || next.is_some_and(|n| n.is_lowercase()) && prev.is_some_and(is_word)
                        || is_domain_tail(&text[j + 1..e])
                        || {
                        // letter-dot-letter patterns: each segment short (U.S, e.g, p.m)
                        let seg = &text[seg_start..j];
                        let last = seg.rsplit('.').next().unwrap_or(seg);
                        last.chars().count() <= 2 && next.is_some_and(|n| n.is_alphabetic()) && {
                            let rest = &text[j + 1..e];
                            let nxt: usize = rest.chars().take_while(|&c| is_word(c)).count();
                            nxt <= 2
                        }
                    })
            }
            // 380,000: exactly three digits after the comma
            ',' => prev_digit && j + 3 < e && b[j + 1..j + 4].iter().all(|d| d.is_ascii_digit()) && (j + 4 >= e || !b[j + 4].is_ascii_digit()),
            ':' => prev_digit && next_digit,
            '/' => prev_digit && next_digit || matches!(&text[seg_start..j], "b" | "w" | "B" | "W") && next.is_some_and(|n| n.is_alphabetic()),
            '@' => next_word && prev.is_some_and(is_word),
            '-' | '‐' => {
                if prev_digit && next_digit {
                    // phone numbers stay whole (713-853-5620); ranges split (13-17, 1998-2001)
                    let left = text[seg_start..j].bytes().rev().take_while(|d| d.is_ascii_digit()).count();
                    let right = text.as_bytes()[j + 1..e].iter().take_while(|d| d.is_ascii_digit()).count();
                    left == 3 && right >= 3 || seg_start > i && left >= 3
                } else {
                    next_word && is_hyphen_prefix(&text[seg_start..j])
                }
            }
            '&' => prev.is_some_and(|p| p.is_uppercase()) && next.is_some_and(|n| n.is_uppercase()),
            '\'' | '’' => next.is_some_and(|n| n.is_alphabetic()),
            _ => false,
        };
        if !keep {
            break;
        }
        j += c.len_utf8();
        if c == '-' || c == '‐' {
            seg_start = j;
        }
    }
    j
}

/// Length of an emoticon at the start of `s` (":)", ":-)", ";-(", ":D", ":P").
fn emoticon(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.len() < 2 || !matches!(b[0], b':' | b';' | b'=') {
        return None;
    }
    let k = if b[1] == b'-' || b[1] == b'\'' { 2 } else { 1 };
    let m = *b.get(k)?;
    if !matches!(m, b')' | b'(' | b'D' | b'P' | b'p' | b'/' | b'|' | b']' | b'[' | b'O' | b'o') {
        return None;
    }
    // ":D" / ":P" must not run into a word (":Details"), ":/" must not be a URL
    if matches!(m, b'D' | b'P' | b'p' | b'O' | b'o' | b'/') && b.get(k + 1).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'/') {
        return None;
    }
    Some(k + 1)
}

/// Whether `rest` (what follows a dot) starts with a web domain or file extension.
fn is_domain_tail(rest: &str) -> bool {
    let w: &str = &rest[..rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len())];
    const T: &[&str] = &[
        "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "co", "uk", "us", "ca", "de", "fr", "ru", "cn",
        "jp", "au", "in", "io", "tv", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "htm", "html", "jpg", "jpeg",
        "png", "gif", "txt", "zip", "exe", "mp3", "mp4", "csv", "xml", "php", "asp", "aspx",
    ];
    T.iter().any(|t| w.eq_ignore_ascii_case(t))
}

/// Where a number glued to a unit splits ("650k" -> 3), if it does.
fn unit_split(w: &str) -> Option<usize> {
    let d = w.bytes().take_while(|c| c.is_ascii_digit()).count();
    if d == 0 || d == w.len() {
        return None;
    }
    const U: &[&str] = &[
        "k", "K", "m", "mm", "cm", "km", "kg", "g", "mg", "lb", "lbs", "oz", "ft", "mph", "kph", "ml", "am", "pm", "AM",
        "PM", "GB", "MB", "TB", "KB", "Gb", "Mb", "GHz", "MHz", "Ghz", "Mhz", "hz", "Hz", "kW", "MW", "km2", "day",
        "days", "hr", "hrs", "min", "mins", "yr", "yrs", "bn", "mn", "x",
    ];
    U.contains(&&w[d..]).then_some(d)
}

/// Emits the word `text[s..e]`, splitting off clitics as joined tokens.
fn split_clitics(text: &str, s: usize, e: usize, out: &mut Vec<Tok>) {
    let w = &text[s..e];
    let n = w.len();
    // n't
    for suf in ["n't", "n’t", "N'T", "N’T"] {
        if n > suf.len() && w.ends_with(suf) {
            let cut = e - suf.len();
            push(out, s, cut, false);
            push(out, cut, e, true);
            return;
        }
    }
    // 's 're 've 'll 'd 'm
    if let Some(p) = w.rfind(is_apos) {
        let a = &w[p..];
        let alen = a.chars().next().map_or(1, |c| c.len_utf8());
        let suf = &a[alen..];
        if p > 0 && ["s", "re", "ve", "ll", "d", "m"].iter().any(|x| suf.eq_ignore_ascii_case(x)) {
            push(out, s, s + p, false);
            push(out, s + p, e, true);
            return;
        }
    }
    // apostrophe-less contractions common in web text
    let lower_eq = |x: &str| w.eq_ignore_ascii_case(x);
    let split_at = if lower_eq("cannot") {
        Some(3)
    } else if lower_eq("gonna") || lower_eq("wanna") || lower_eq("gotta") || lower_eq("outta") {
        Some(3)
    } else if ["dont", "didnt", "doesnt", "isnt", "wasnt", "arent", "werent", "couldnt", "wouldnt", "shouldnt", "havent", "hasnt", "hadnt", "wont", "cant", "aint"]
        .iter()
        .any(|x| lower_eq(x))
    {
        Some(n - 2)
    } else if lower_eq("im") {
        Some(1)
    } else if lower_eq("ive") {
        Some(1)
    } else {
        None
    };
    match split_at {
        Some(k) if k > 0 && k < n && w.is_char_boundary(k) => {
            push(out, s, s + k, false);
            push(out, s + k, e, true);
        }
        _ => push(out, s, e, false),
    }
}

/// Words that start sentences; after an abbreviation such as "U.S." or "Inc." a capitalized
/// word from this list signals a new sentence.
fn is_sentence_starter(w: &str) -> bool {
    const S: &[&str] = &[
        "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "This", "That", "These", "Those", "There",
        "But", "And", "In", "On", "At", "As", "If", "When", "While", "After", "Before", "However", "Meanwhile",
        "His", "Her", "Its", "Their", "Our", "My", "Some", "Many", "Most", "Both", "Other", "Others", "According",
        "Since", "Although", "Though", "Yet", "So", "Still", "Also", "Then", "Now", "Last", "Earlier", "Later",
        "What", "Why", "How", "Who", "Where", "Officials", "Mr.", "Mrs.", "Ms.", "Dr.",
    ];
    S.contains(&w)
}

fn is_closing(s: &str) -> bool {
    matches!(s, "\"" | "'" | "”" | "’" | ")" | "]" | "}" | "»" | "''" | "’’")
}

fn is_terminal(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && (b.iter().all(|&c| c == b'.' || c == b'!' || c == b'?') || s.chars().all(|c| c == '…' || c == '?' || c == '!'))
}

fn starts_lower(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_lowercase())
}

/// Markdown list / heading / quote markers that start a line.
fn is_line_marker(s: &str) -> bool {
    matches!(s, "#" | "##" | "###" | "####" | "*" | "-" | "+" | ">" | "|" | "•" | "–" | "—") || s.chars().all(|c| c == '#')
}

/// The rule-based decision on a sentence boundary right after token `i`, when the next token
/// is on the same line: `None` when there is no sentence-final punctuation or abbreviation there.
pub fn rule_after(text: &str, toks: &[Tok], i: usize) -> Option<bool> {
    let tt = |i: usize| -> &str { &text[toks[i].start..toks[i].end] };
    let n = toks.len();
    let t = tt(i);
    let next = (i + 1 < n).then(|| (tt(i + 1), toks[i + 1].gap));
    // closing quotes / brackets glued to terminal punctuation end the sentence with it
    let mut j = i;
    while is_closing(tt(j)) && toks[j].gap == Gap::None && j > 0 {
        j -= 1;
    }
    let term = tt(j);
    if is_terminal(term) {
        if next.is_some_and(|(nx, g)| g == Gap::None && is_closing(nx)) {
            return Some(false); // the quote after it ends the sentence
        }
        return Some(match next {
            None => true,
            Some((nx, g)) => {
                let nc = nx.chars().next().unwrap_or(' ');
                if g >= Gap::Line {
                    true
                } else if nc.is_lowercase() {
                    false
                } else if term == "." && j == i && g == Gap::None && !is_opening(nc) {
                    // "x.y" glued: a boundary only before a capitalized word
                    nc.is_uppercase()
                } else {
                    !matches!(nc, ',' | ';' | ':' | ')' | ']')
                }
            }
        });
    }
    if j == i && t.len() > 1 && t.ends_with('.') && t.chars().next().is_some_and(is_word) {
        // an abbreviation with its period
        return Some(match next {
            None => true,
            Some((_, g)) if g >= Gap::Line => true,
            Some(_) if is_title_abbrev(t) => false,
            Some((nx, _)) => is_sentence_starter(nx) || nx == "\"" || nx == "“",
        });
    }
    None
}

/// Splits tokens into sentences with the rules alone.
pub fn split_sentences(text: &str, toks: &[Tok]) -> Vec<(usize, usize)> {
    split_sentences_with(text, toks, &mut |_, rule, _| rule.unwrap_or(false))
}

/// Splits tokens into sentences. Paragraph breaks, line breaks that end a headline or list
/// item, and the length limit always split; within a line, `decide(i, rule, len)` says whether
/// a sentence of `len` tokens ends after token `i`, given the rule decision [`rule_after`].
pub fn split_sentences_with(text: &str, toks: &[Tok], decide: &mut dyn FnMut(usize, Option<bool>, usize) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let tt = |i: usize| -> &str { &text[toks[i].start..toks[i].end] };
    let mut start = 0;
    let n = toks.len();
    for i in 0..n {
        // boundary before token i?
        if i > start {
            let brk = match toks[i].gap {
                Gap::Para => true,
                Gap::Line => {
                    let p = tt(i - 1);
                    (is_terminal(p) || is_closing(p) && rule_after(text, toks, i - 1) == Some(true)) && !starts_lower(tt(i))
                        || line_break_ends_sentence(p, tt(i))
                }
                _ => false,
            };
            if brk || i - start >= MAX_SENTENCE_TOKENS {
                out.push((start, i));
                start = i;
            }
        }
        if i + 1 < n && toks[i + 1].gap < Gap::Line && decide(i, rule_after(text, toks, i), i + 1 - start) {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < n {
        out.push((start, n));
    }
    out
}

/// Whether a single line break between `prev` (last token of a line) and `next` (first token
/// of the next line) ends a sentence: headlines, bylines and list items are their own
/// sentences, but hard-wrapped prose continues.
fn line_break_ends_sentence(prev: &str, next: &str) -> bool {
    if is_line_marker(next) {
        return true;
    }
    if starts_lower(next) {
        return false;
    }
    let continues = starts_lower(prev) && prev.chars().all(|c| c.is_alphabetic())
        || matches!(prev, "," | "-" | "(" | "&" | ";" | "of" | "the" | "a" | "an" | "and" | "or" | "to");
    !continues
}

/// The word-shape class of a character: `X` upper case, `x` lower case, `d` digit, `a` a letter
/// of a caseless script, else the character itself. Shared by the tagger, NER and sentence
/// splitter features (their models depend on it).
#[inline]
pub fn shape_class(c: char) -> char {
    if c.is_uppercase() {
        'X'
    } else if c.is_lowercase() {
        'x'
    } else if c.is_numeric() {
        'd'
    } else if c.is_alphabetic() {
        'a'
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<&str> {
        tokens(s).iter().map(|t| &s[t.start..t.end]).collect()
    }

    fn sents(s: &str) -> Vec<&str> {
        let t = tokenize(s);
        t.sentences.iter().map(|&(a, b)| &s[t.tokens[a].start..t.tokens[b - 1].end]).collect()
    }

    #[test]
    fn news_tokens() {
        assert_eq!(toks("Mr. Lavrov met al-Assad in Damascus on Dec. 7."), ["Mr.", "Lavrov", "met", "al", "-", "Assad", "in", "Damascus", "on", "Dec.", "7", "."]);
        assert_eq!(toks("The U.S. sent 380,000 troops, a 50-year high."), ["The", "U.S.", "sent", "380,000", "troops", ",", "a", "50", "-", "year", "high", "."]);
        assert_eq!(toks("\"We don't know,\" Assad's aide said."), ["\"", "We", "do", "n't", "know", ",", "\"", "Assad", "'s", "aide", "said", "."]);
        assert_eq!(toks("I can't, we cannot; they're anti-war e-mail users."), ["I", "ca", "n't", ",", "we", "can", "not", ";", "they", "'re", "anti-war", "e-mail", "users", "."]);
        assert_eq!(toks("See http://example.com/a-b. Or mail me@example.org!"), ["See", "http://example.com/a-b", ".", "Or", "mail", "me@example.org", "!"]);
        assert_eq!(toks("J. R. Smith paid $3.5 million at 10:30 on 11/28/2000..."), ["J.", "R.", "Smith", "paid", "$", "3.5", "million", "at", "10:30", "on", "11/28/2000", "..."]);
        assert_eq!(toks("## Headline **bold**"), ["##", "Headline", "**", "bold", "**"]);
        assert_eq!(toks("Call 713-853-5620 at 5pm :-) ages 13-17, soldiers' home, Acme Inc.."), ["Call", "713-853-5620", "at", "5", "pm", ":-)", "ages", "13", "-", "17", ",", "soldiers", "'", "home", ",", "Acme", "Inc.", "."]);
        assert_eq!(toks("Visit example.com or news.bbc.co.uk/x, file.pdf"), ["Visit", "example.com", "or", "news.bbc.co.uk", "/", "x", ",", "file.pdf"]);
        let t = tokens("don't");
        assert!(!t[0].joined && t[1].joined);
    }

    #[test]
    fn news_sentences() {
        assert_eq!(
            sents("Gen. Smith arrived in the U.S. on Monday. He met Mr. Jones. \"It went well,\" he said. The U.S. The end"),
            ["Gen. Smith arrived in the U.S. on Monday.", "He met Mr. Jones.", "\"It went well,\" he said.", "The U.S.", "The end"]
        );
        assert_eq!(
            sents("# Lavrov meets Assad\nBy Jane Doe\n\nMOSCOW — Russia's foreign minister\ntravelled to Damascus. Talks began"),
            ["# Lavrov meets Assad", "By Jane Doe", "MOSCOW — Russia's foreign minister\ntravelled to Damascus.", "Talks began"]
        );
        assert_eq!(sents("Really?! Yes... no."), ["Really?!", "Yes... no."]);
    }

    #[test]
    fn long_sentences_are_cut() {
        let s = "word ".repeat(1000);
        let t = tokenize(&s);
        assert_eq!(t.tokens.len(), 1000);
        assert!(t.sentences.iter().all(|&(a, b)| b - a <= MAX_SENTENCE_TOKENS));
        assert_eq!(t.sentences.len(), 4);
    }

    fn check_spans(text: &str) {
        let t = tokenize(text);
        let mut prev_end = 0;
        for tok in &t.tokens {
            assert!(tok.start < tok.end && tok.start >= prev_end, "bad token {tok:?}");
            assert!(text.is_char_boundary(tok.start) && text.is_char_boundary(tok.end));
            assert!(!text[tok.start..tok.end].chars().any(is_sep));
            prev_end = tok.end;
        }
        let mut next = 0;
        for &(a, b) in &t.sentences {
            assert!(a == next && a < b && b - a <= MAX_SENTENCE_TOKENS);
            next = b;
        }
        assert_eq!(next, t.tokens.len());
    }

    #[test]
    fn hostile_inputs_are_bounded() {
        let started = std::time::Instant::now();
        let big = "lorem ipsum dolor ".repeat(5_000_000 / 18);
        check_spans(&big);
        let emoji = "😀".repeat(100_000);
        check_spans(&emoji);
        let glued = "😀a".repeat(100_000);
        check_spans(&glued);
        check_spans("\u{0}\u{1}\u{7f}a\u{85}b\u{2028}c\u{200d}\u{fe0f}\r\n\r\n. . .");
        check_spans("Москва и 東京 و القاهرة. नमस्ते दुनिया! x\u{301}y");
        check_spans(&"-".repeat(100_000));
        check_spans(&"a-".repeat(100_000));
        check_spans(&"1,000".repeat(10_000));
        check_spans(&"U.S.".repeat(10_000));
        check_spans(&"n't".repeat(1_000_000));
        check_spans(&"'s".repeat(1_000_000));
        assert!(started.elapsed().as_secs() < 20, "too slow: {:?}", started.elapsed());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        #[test]
        fn spans_are_ordered_on_boundaries_for_any_text(s in "\\PC*") {
            check_spans(&s);
        }
        #[test]
        fn spans_are_valid_for_punctuation_heavy_text(s in "[a-zA-Z0-9 .,'’\\-\"!?$/:@&\n#\u{301}😀]{0,200}") {
            check_spans(&s);
        }
        #[test]
        fn spans_are_valid_for_arbitrary_chars(v in proptest::collection::vec(proptest::char::any(), 0..100)) {
            let s: String = v.into_iter().collect();
            check_spans(&s);
        }
    }
}
