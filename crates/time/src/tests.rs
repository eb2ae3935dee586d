//! Expect-style tables: sentence, anchor → (text, type, value) of every expression found.
//! All sentences are written for these tests.
use super::*;

fn run(text: &str, anchor: &str) -> Vec<(String, String, String)> {
    let a = Date::parse(anchor);
    tag(text, a, &[])
        .into_iter()
        .map(|t| (text[t.start..t.end].to_string(), format!("{:?}", t.kind), t.value))
        .collect()
}

fn check(table: &[(&str, &str, &[(&str, &str, &str)])]) {
    let mut bad = Vec::new();
    for (text, anchor, want) in table {
        let got = run(text, anchor);
        let want: Vec<(String, String, String)> = want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
        if got != want {
            bad.push(format!("{text:?} @ {anchor}\n   want {want:?}\n    got {got:?}"));
        }
    }
    assert!(bad.is_empty(), "{} mismatches:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn relative_days_and_weekdays() {
    check(&[
        ("The envoy arrived on Sunday night.", "2020-09-07", &[("Sunday night", "TIME", "2020-09-06TNI")]),
        ("The two men met Monday in the capital.", "2020-09-07", &[("Monday", "DATE", "2020-09-07")]),
        ("The minister will fly to Paris on Thursday.", "2020-09-07", &[("Thursday", "DATE", "2020-09-10")]),
        ("The minister flew to Paris on Thursday.", "2020-09-07", &[("Thursday", "DATE", "2020-09-03")]),
        ("Shares fell yesterday and may recover tomorrow.", "2021-03-01", &[("yesterday", "DATE", "2021-02-28"), ("tomorrow", "DATE", "2021-03-02")]),
        ("The talks ended last Friday.", "2020-09-07", &[("last Friday", "DATE", "2020-09-04")]),
        ("Rain is expected this morning.", "2020-09-07", &[("this morning", "TIME", "2020-09-07TMO")]),
        ("Ten people died last night.", "2020-09-07", &[("last night", "TIME", "2020-09-06TNI")]),
    ]);
}

#[test]
fn calendar_dates() {
    check(&[
        ("Putin visited Damascus in January this year.", "2020-09-07", &[("January this year", "DATE", "2020-01")]),
        ("He also visited Syria in December 2017.", "2020-09-07", &[("December 2017", "DATE", "2017-12")]),
        ("In 2018, the company won a contract.", "2020-09-07", &[("2018", "DATE", "2018")]),
        ("The law took effect on Aug. 7, 1998.", "2000-01-01", &[("Aug. 7, 1998", "DATE", "1998-08-07")]),
        ("The vote was held on 7 September 2019.", "2020-01-01", &[("7 September 2019", "DATE", "2019-09-07")]),
        ("Payment is due on 10/27/98.", "1998-10-01", &[("10/27/98", "DATE", "1998-10-27")]),
        ("The report is dated 2020-09-07.", "2020-09-08", &[("2020-09-07", "DATE", "2020-09-07")]),
        ("The ceasefire was signed on Sept. 30.", "2020-10-05", &[("Sept. 30", "DATE", "2020-09-30")]),
        ("Elections were held in November.", "2021-02-01", &[("November", "DATE", "2020-11")]),
        ("It was the first visit since 2012.", "2020-09-07", &[("2012", "DATE", "2012")]),
        ("The boom of the 1990s ended.", "2020-09-07", &[("the 1990s", "DATE", "199")]),
        ("The city grew in the mid-1990s.", "2020-09-07", &[("the mid-1990s", "DATE", "199")]),
        ("Trade has grown in recent years.", "2020-09-07", &[("recent years", "DATE", "PAST_REF")]),
        ("Growth slowed last week.", "2020-09-07", &[("last week", "DATE", "2020-W36")]),
        ("Sales rose in the third quarter.", "2020-11-02", &[("the third quarter", "DATE", "2020-Q3")]),
        ("Profits fell last year.", "2020-09-07", &[("last year", "DATE", "2019")]),
        ("The plant will reopen next month.", "2020-12-07", &[("next month", "DATE", "2021-01")]),
        ("Snow fell last winter.", "2020-09-07", &[("last winter", "DATE", "2019-WI")]),
        ("The meeting will start at 10:35 a.m. Tuesday.", "2020-09-07", &[("10:35 a.m. Tuesday", "TIME", "2020-09-08T10:35")]),
        ("The 20th century saw two world wars.", "2020-09-07", &[("The 20th century", "DATE", "19")]),
    ]);
}

#[test]
fn durations_sets_and_refs() {
    check(&[
        ("The port was leased for 49 years.", "2020-09-07", &[("49 years", "DURATION", "P49Y")]),
        ("It won a 50-year concession.", "2020-09-07", &[("50-year", "DURATION", "P50Y")]),
        ("The nine-year-old war goes on.", "2020-09-07", &[("nine-year-old", "DURATION", "P9Y")]),
        ("The strike lasted 5 1/2 hours.", "2020-09-07", &[("5 1/2 hours", "DURATION", "PT5H30M")]),
        ("Output rose in the first nine months.", "2020-09-07", &[("the first nine months", "DURATION", "P9M")]),
        ("Prices rose over the past two years.", "2020-09-07", &[("the past two years", "DURATION", "P2Y")]),
        ("He was jailed two years ago.", "2020-09-07", &[("two years ago", "DATE", "2018")]),
        ("They met three days ago.", "2020-09-07", &[("three days ago", "DATE", "2020-09-04")]),
        ("The team met at least 20 times in more than four decades.", "2020-09-07", &[("more than four decades", "DURATION", "P40Y")]),
        ("The paper is published daily.", "2020-09-07", &[("daily", "SET", "P1D")]),
        ("Inspectors visit every week.", "2020-09-07", &[("every week", "SET", "P1W")]),
        ("The crisis is now over.", "2020-09-07", &[("now", "DATE", "PRESENT_REF")]),
        ("Nobody knows what the future holds.", "2020-09-07", &[("the future", "DATE", "FUTURE_REF")]),
    ]);
}

#[test]
fn things_that_are_not_times() {
    check(&[
        ("You may go.", "2020-09-07", &[]),
        ("He had 2000 troops and 1,500 tanks.", "2020-09-07", &[]),
        ("The March on Washington drew crowds.", "2020-09-07", &[]),
        ("Prices may fall.", "2020-09-07", &[]),
        ("", "2020-09-07", &[]),
        ("\u{a0}— … 'Ω' 12:", "2020-09-07", &[]),
    ]);
}

#[test]
fn no_anchor_leaves_unknown_parts() {
    check(&[("The talks ended yesterday.", "", &[("yesterday", "DATE", "XXXX-XX-XX")])]);
}

#[test]
fn never_panics_on_odd_text() {
    let t = TimeTagger::default();
    for s in ["31/31/31", "2020-13-45", "99:99 a.m.", "the the the", "a", "'", "1990s'", "-", "mid-", "Friday's", "Jan.", "0:00 pm", "year-", "fiscal '"] {
        let _ = t.tag_text(s, Date::new(2020, 2, 29));
    }
}

#[test]
fn a_number_before_a_curly_quote_is_not_cut_inside_the_quote() {
    // regression: "1’" was sliced at byte len-2, inside the three-byte quote, and panicked
    for t in ["the 1’ mark", "on the 21’st", "1’", "’’ 3’ May 2’"] {
        let _ = run(t, "2020-09-07");
    }
}

#[test]
fn offsets_are_exact_in_unicode_text() {
    let text = "«Über» talks — on Sunday night — ended.";
    let got = tag(text, Date::new(2020, 9, 7), &[]);
    assert_eq!(got.len(), 1);
    assert_eq!(&text[got[0].start..got[0].end], "Sunday night");
}

/// Builds a document with one event whose predicate is `pred` and a parse given as
/// (head, deprel) per whitespace token.
fn event_doc(text: &str, pred: &str, parse: Option<&[(i32, &str, &str)]>) -> Doc {
    let mut doc = Doc::new(model::Article { text: text.into(), published: Date::new(2020, 9, 7), ..Default::default() });
    let mut pos = 0;
    for (k, w) in text.split(' ').enumerate() {
        let w = w.trim_end_matches('.');
        let mut t = Token { start: pos, end: pos + w.len(), head: -1, ..Default::default() };
        if let Some(p) = parse {
            t.head = p[k].0;
            t.deprel = p[k].1.into();
            t.upos = p[k].2.into();
        }
        doc.tokens.push(t);
        pos += text.split(' ').nth(k).unwrap().len() + 1;
    }
    doc.sentences.push(model::Sentence { start: 0, end: text.len(), token_start: 0, token_end: doc.tokens.len() });
    let ps = text.find(pred).unwrap();
    doc.events.push(model::Event { predicate: model::Span::new(ps, ps + pred.len()), ..Default::default() });
    TimeTagger::default().run(&mut doc);
    EventDater::default().run(&mut doc);
    doc
}

#[test]
fn events_take_the_date_of_their_attached_expression() {
    // "Putin visited Syria in December 2017"
    let parse: &[(i32, &str, &str)] = &[(1, "nsubj", "PROPN"), (-1, "root", "VERB"), (1, "obj", "PROPN"), (4, "case", "ADP"), (1, "obl", "PROPN"), (4, "nmod:tmod", "NUM")];
    let d = event_doc("Putin visited Syria in December 2017.", "visited", Some(parse));
    let e = &d.events[0];
    assert_eq!(e.date.as_deref(), Some("2017-12"));
    assert_eq!(e.date_precision, Some(DatePrecision::Month));
    assert_eq!(e.date_text.as_deref(), Some("December 2017"));

    // an expression in another clause does not date the event: "Lavrov said Assad met him Monday"
    let parse: &[(i32, &str, &str)] = &[(1, "nsubj", "PROPN"), (-1, "root", "VERB"), (3, "nsubj", "PROPN"), (1, "ccomp", "VERB"), (3, "obj", "PRON"), (3, "obl:tmod", "PROPN")];
    let d = event_doc("Lavrov said Assad met him Monday.", "said", Some(parse));
    assert_eq!(d.events[0].date.as_deref(), Some("2020-09-07"));
    assert_eq!(d.events[0].date_text, None);

    // "since 2012" bounds an interval; it does not date the visit
    let d = event_doc("Lavrov made his first visit since 2012.", "visit", None);
    assert_eq!(d.events[0].date.as_deref(), Some("2020-09-07"));
    assert_eq!(d.events[0].date_precision, Some(DatePrecision::Day));

    // without a parse: the nearest expression in the sentence
    let d = event_doc("In 2018 Syria awarded the company a concession.", "awarded", None);
    assert_eq!(d.events[0].date.as_deref(), Some("2018"));
    assert_eq!(d.events[0].date_precision, Some(DatePrecision::Year));
}

#[test]
fn sample_article_dates() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples/moscowtimes-2020-09-07-lavrov-assad.md");
    let Ok(text) = std::fs::read_to_string(path) else {
        println!("skipping: {path} not found (../shared is absent)");
        return;
    };
    let got = tag(&text, Date::new(2020, 9, 7), &[]);
    let find = |w: &str| got.iter().find(|t| &text[t.start..t.end] == w).map(|t| t.value.as_str());
    assert_eq!(find("Sunday night"), Some("2020-09-06TNI"));
    assert_eq!(find("2018"), Some("2018"));
    assert_eq!(find("January this year"), Some("2020-01"));
    assert_eq!(find("December 2017"), Some("2017-12"));
    assert_eq!(find("Monday"), Some("2020-09-07"));
    assert_eq!(find("49 years"), Some("P49Y"));
    assert_eq!(find("recent years"), Some("PAST_REF"));
}

/// Tags `text` with a hand-written parse: per token (word, xpos, upos, lemma, head, deprel),
/// tokens found left to right in the text.
fn run_parsed(text: &str, anchor: &str, parse: &[(&str, &str, &str, &str, i32, &str)]) -> Vec<(String, String, String)> {
    let mut toks = Vec::new();
    let mut at = 0;
    for &(w, xpos, upos, lemma, head, deprel) in parse {
        let s = at + text[at..].find(w).expect("token in text");
        toks.push(Token { start: s, end: s + w.len(), upos: upos.into(), xpos: xpos.into(), lemma: lemma.into(), head, deprel: deprel.into() });
        at = s + w.len();
    }
    tag(text, Date::parse(anchor), &toks)
        .into_iter()
        .map(|t| (text[t.start..t.end].to_string(), format!("{:?}", t.kind), t.value))
        .collect()
}

fn triple(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.to_string(), b.to_string(), c.to_string())
}

#[test]
fn a_planning_verb_in_the_present_perfect_looks_ahead() {
    // 2020-09-09 is a Wednesday
    let text = "The prosecutor has scheduled a news conference Thursday.";
    let parse = [
        ("The", "DT", "DET", "the", 1, "det"),
        ("prosecutor", "NN", "NOUN", "prosecutor", 3, "nsubj"),
        ("has", "VBZ", "AUX", "have", 3, "aux"),
        ("scheduled", "VBN", "VERB", "schedule", -1, "root"),
        ("a", "DT", "DET", "a", 6, "det"),
        ("news", "NN", "NOUN", "news", 6, "compound"),
        ("conference", "NN", "NOUN", "conference", 3, "obj"),
        ("Thursday", "NNP", "PROPN", "Thursday", 3, "obl"),
        (".", ".", "PUNCT", ".", 3, "punct"),
    ];
    assert_eq!(run_parsed(text, "2020-09-09", &parse), vec![triple("Thursday", "DATE", "2020-09-10")]);
}

#[test]
fn a_reduced_relative_participle_is_past() {
    // "will" elsewhere in the sentence does not make the ruling's Wednesday a coming one
    let text = "They will appeal the ruling, announced Wednesday by the agency.";
    let parse = [
        ("They", "PRP", "PRON", "they", 2, "nsubj"),
        ("will", "MD", "AUX", "will", 2, "aux"),
        ("appeal", "VB", "VERB", "appeal", -1, "root"),
        ("the", "DT", "DET", "the", 4, "det"),
        ("ruling", "NN", "NOUN", "ruling", 2, "obj"),
        (",", ",", "PUNCT", ",", 6, "punct"),
        ("announced", "VBN", "VERB", "announce", 4, "acl"),
        ("Wednesday", "NNP", "PROPN", "Wednesday", 6, "obl"),
        ("by", "IN", "ADP", "by", 10, "case"),
        ("the", "DT", "DET", "the", 10, "det"),
        ("agency", "NN", "NOUN", "agency", 6, "obl"),
        (".", ".", "PUNCT", ".", 2, "punct"),
    ];
    assert_eq!(run_parsed(text, "2020-09-10", &parse), vec![triple("Wednesday", "DATE", "2020-09-09")]);
}

#[test]
fn a_participle_without_auxiliary_heading_the_clause_is_past() {
    // the tagger took "brought" for a participle; with no auxiliary it is still a past tense
    let text = "In January, the company brought in a new chief.";
    let parse = [
        ("In", "IN", "ADP", "in", 1, "case"),
        ("January", "NNP", "PROPN", "January", 5, "obl"),
        (",", ",", "PUNCT", ",", 1, "punct"),
        ("the", "DT", "DET", "the", 4, "det"),
        ("company", "NN", "NOUN", "company", 5, "nsubj"),
        ("brought", "VBN", "VERB", "bring", -1, "root"),
        ("in", "RP", "ADP", "in", 5, "compound:prt"),
        ("a", "DT", "DET", "a", 9, "det"),
        ("new", "JJ", "ADJ", "new", 9, "amod"),
        ("chief", "NN", "NOUN", "chief", 5, "obj"),
        (".", ".", "PUNCT", ".", 5, "punct"),
    ];
    assert_eq!(run_parsed(text, "2020-10-27", &parse), vec![triple("January", "DATE", "2020-01")]);
}

#[test]
fn deadlines_in_the_past_perfect_lie_behind() {
    check(&[
        // 2020-09-09 is a Wednesday
        ("Until Thursday, the police had not named a suspect.", "2020-09-09", &[("Thursday", "DATE", "2020-09-03")]),
        ("The offer was extended until Friday.", "2020-09-09", &[("Friday", "DATE", "2020-09-11")]),
        ("The offer had been due to expire Friday evening.", "2020-09-09", &[("Friday evening", "TIME", "2020-09-04TEV")]),
        ("The offer is due to expire Friday evening.", "2020-09-09", &[("Friday evening", "TIME", "2020-09-11TEV")]),
        // "effective" names the date a change takes hold: one ahead
        ("The bank created a new office, effective Feb. 1.", "2020-10-26", &[("Feb. 1", "DATE", "2021-02-01")]),
    ]);
}

#[test]
fn without_a_tense_cue_a_month_leans_to_the_past() {
    check(&[
        // eight months back is still this year's March; four months ahead is last year's August
        ("Prices: a high in June, a low in March.", "2020-10-30", &[("June", "DATE", "2020-06"), ("March", "DATE", "2020-03")]),
        ("The record high: Aug. 6.", "2020-02-06", &[("Aug. 6", "DATE", "2019-08-06")]),
        ("The next vote: Dec. 1.", "2020-10-30", &[("Dec. 1", "DATE", "2020-12-01")]),
    ]);
}

#[test]
fn ages_are_not_temporal_expressions() {
    check(&[
        ("Mr. Smith, 52 years old, will retire.", "2020-09-07", &[]),
        ("Workers 55 years old or older may apply.", "2020-09-07", &[]),
        ("The ban lasted 52 years.", "2020-09-07", &[("52 years", "DURATION", "P52Y")]),
    ]);
}

#[test]
fn a_bare_clock_time_takes_the_day_next_to_it() {
    check(&[
        // 2020-09-07 is a Monday
        (
            "The blast occurred at 10:35 a.m. (0735 GMT) Friday.",
            "2020-09-07",
            &[("10:35 a.m.", "TIME", "2020-09-04T10:35"), ("Friday", "DATE", "2020-09-04")],
        ),
        ("He was shot on Friday at 10 p.m. in his home.", "2020-09-07", &[("Friday", "DATE", "2020-09-04"), ("10 p.m.", "TIME", "2020-09-04T22:00")]),
        ("The polls close at 10 p.m.", "2020-09-07", &[("10 p.m.", "TIME", "2020-09-07T22:00")]),
    ]);
}

#[test]
fn this_past_season_is_the_latest_one_over() {
    check(&[
        ("The plant closed this past spring.", "2020-10-30", &[("this past spring", "DATE", "2020-SP")]),
        ("The plant closed this past fall.", "2020-10-30", &[("this past fall", "DATE", "2019-FA")]),
        ("The plant closed last spring.", "2020-10-30", &[("last spring", "DATE", "2019-SP")]),
    ]);
}

#[test]
fn a_march_that_is_a_demonstration_is_no_month() {
    check(&[
        ("Thousands joined the annual March for Life in Washington.", "2020-09-07", &[]),
        ("She led the March of the Mothers.", "2020-09-07", &[]),
        ("The law passed in March.", "2020-09-07", &[("March", "DATE", "2020-03")]),
    ]);
}

#[test]
fn anaphoric_expressions_count_from_the_time_last_named() {
    check(&[
        (
            "He was promoted on May 22, 1995, and the following year he moved to Washington.",
            "1998-04-18",
            &[("May 22, 1995", "DATE", "1995-05-22"), ("the following year", "DATE", "1996")],
        ),
        ("She fled in June 1998 and returned later that year.", "2000-01-28", &[("June 1998", "DATE", "1998-06"), ("later that year", "DATE", "1998")]),
        (
            "The attack came on Oct. 23, 1998. Earlier that day, police were warned.",
            "1999-10-24",
            &[("Oct. 23, 1998", "DATE", "1998-10-23"), ("Earlier that day", "DATE", "1998-10-23")],
        ),
        (
            "He was arrested on Feb. 22, 2000 and appeared in court the next morning.",
            "2000-02-24",
            &[("Feb. 22, 2000", "DATE", "2000-02-22"), ("the next morning", "TIME", "2000-02-23TMO")],
        ),
        ("Trading was heavy that day.", "2020-09-07", &[("that day", "DATE", "2020-09-07")]),
        ("The vote was held in 2016; the previous month, polls had shifted.", "2020-09-07", &[("2016", "DATE", "2016"), ("the previous month", "DATE", "2016-XX")]),
    ]);
}

#[test]
fn the_end_of_the_year_is_the_year_with_a_mod() {
    let got = tag("The cuts should be done by the end of the year, and the sale will close by year end.", Date::new(2020, 9, 7), &[]);
    let got: Vec<(&str, TimeKind, Option<&str>)> = got.iter().map(|t| (t.value.as_str(), t.kind, t.modifier.as_deref())).collect();
    assert_eq!(got, vec![("2020", TimeKind::DATE, Some("END")), ("2020", TimeKind::DATE, None)]);
    check(&[("Jobs will be cut by year's end.", "2020-09-07", &[("year's end", "DATE", "2020")])]);
}

#[test]
fn the_previous_weekday_is_the_one_before_the_day_under_discussion() {
    check(&[
        // 2020-09-07 is a Monday; the story is about Friday 2020-09-04
        (
            "Shares fell Friday. The index closed 4.5% below the previous Friday.",
            "2020-09-07",
            &[("Friday", "DATE", "2020-09-04"), ("the previous Friday", "DATE", "2020-08-28")],
        ),
        // with no day named before, "previous" counts from the publication date
        ("The index closed below the previous Friday.", "2020-09-07", &[("the previous Friday", "DATE", "2020-09-04")]),
    ]);
}

#[test]
fn a_number_with_decimals_is_no_year() {
    check(&[
        ("The index closed at 2082.1, and the DAX dropped to 1462.93.", "2020-09-07", &[]),
        ("The index closed at 2082 points in 2019.", "2020-09-07", &[("2019", "DATE", "2019")]),
    ]);
}

#[test]
fn now_opening_a_sentence_with_a_comma_is_a_discourse_marker() {
    check(&[
        ("The law passed. Now, critics say, it will be tested.", "2020-09-07", &[]),
        ("Now the alliance faces a new task.", "2020-09-07", &[("Now", "DATE", "PRESENT_REF")]),
        ("The alliance is now larger.", "2020-09-07", &[("now", "DATE", "PRESENT_REF")]),
    ]);
}

#[test]
fn a_second_before_a_noun_is_the_ordinal() {
    check(&[
        ("A second group of directors joined, and he won a second term.", "2020-09-07", &[]),
        ("The light flashed for a second.", "2020-09-07", &[("a second", "DURATION", "PT1S")]),
        ("The screen froze a second later.", "2020-09-07", &[("a second", "DURATION", "PT1S")]),
    ]);
}
