//! Property test: whatever the text, every span the whole pipeline produces lies on character
//! boundaries inside the article text, and the pipeline does not panic.

use model::{Article, Doc};
use pipeline::Pipeline;
use proptest::prelude::*;
use std::sync::OnceLock;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::standard(None).expect("built-in resources load"))
}

fn check(doc: &Doc) {
    let t = &doc.article.text;
    let ok = |s: usize, e: usize| s <= e && e <= t.len() && t.is_char_boundary(s) && t.is_char_boundary(e);
    for s in &doc.sentences {
        assert!(ok(s.start, s.end), "sentence {s:?}");
    }
    for x in &doc.tokens {
        assert!(ok(x.start, x.end) && x.start < x.end, "token {x:?}");
        assert!(x.head >= -1 && (x.head as i64) < doc.tokens.len() as i64, "head {x:?}");
    }
    for x in &doc.entities {
        assert!(ok(x.start, x.end), "entity {x:?}");
    }
    for x in &doc.actors {
        assert!(ok(x.start, x.end), "actor {x:?}");
    }
    for x in &doc.times {
        assert!(ok(x.start, x.end), "time {x:?}");
    }
    for x in &doc.places {
        assert!(ok(x.start, x.end), "place {x:?}");
    }
    for e in &doc.events {
        assert!(ok(e.evidence.start, e.evidence.end), "evidence {e:?}");
        assert!(ok(e.predicate.start, e.predicate.end), "predicate {e:?}");
        for a in e.source.iter().chain(e.target.iter()) {
            assert!(ok(a.start, a.end), "event actor {a:?}");
        }
    }
}

fn analyze(text: String) -> Doc {
    let a = Article { id: "t".into(), text, published: model::Date::new(2020, 9, 7), num_articles: 1, num_sources: 1, ..Default::default() };
    pipeline().analyze(a)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn spans_are_valid_on_arbitrary_text(text in "\\PC{0,400}") {
        check(&analyze(text));
    }

    #[test]
    fn spans_are_valid_on_newsy_text(words in proptest::collection::vec(
        prop_oneof![
            Just("Russia's"), Just("President"), Just("met"), Just("Syria"), Just("in"), Just("Damascus"),
            Just("on"), Just("Monday"), Just("."), Just(","), Just("\""), Just("U.S."), Just("al-Assad"),
            Just("380,000"), Just("\n\n"), Just("said"), Just("not"), Just("will"), Just("visit"), Just("é"), Just("🙂"),
        ], 0..80)) {
        check(&analyze(words.join(" ")));
    }
}

#[test]
fn odd_inputs_finish_without_panic() {
    check(&analyze("🙂".repeat(20_000)));
    check(&analyze("\u{0}\u{1}\u{7}\t\r\n\u{202e}Россия и 中国 met الرئيس".repeat(200)));
    check(&analyze("word ".repeat(50_000)));
}
