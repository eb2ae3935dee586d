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
