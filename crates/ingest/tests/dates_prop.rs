//! The date parsers and the publication-date method never panic on arbitrary input.
use ingest::{dates, htmlmeta};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]
    #[test]
    fn date_parsers_never_panic(text in "([ -~\n]|[éäöüЖ中年月日\u{2009}]|20[0-3][0-9]|[0-3]?[0-9]\\.[01]?[0-9]\\.|Januar|juil\\.|Sept|<time datetime=\"|<h1>|<meta property=\"article:published_time\" content=\"|<script type=\"application/ld\\+json\">|\"datePublished\":\"|&#x?[0-9a-f]{1,3};|<!--|-->|T1[0-9]:[0-5][0-9]|Z|\\+0[0-9]:00)*") {
        let found = dates::find_dates(&text);
        for (s, e, _, _) in &found {
            prop_assert!(s < e && *e <= text.len() && text.is_char_boundary(*s) && text.is_char_boundary(*e));
        }
        let _ = dates::find_dates_snippet(&text);
        let _ = dates::parse_date(&text);
        let _ = dates::date_line(&text);
        let _ = dates::date_in_url(&text);
        let pm = htmlmeta::page_meta(&text);
        let b = htmlmeta::Bounds::default();
        if let Some((d, _)) = htmlmeta::published_date(&pm, &text, Some(&text), &text, b) {
            prop_assert!(d >= b.min && d <= b.max);
        }
        // Cut anywhere (on a character boundary), too.
        let mut cut = text.len() / 2;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let _ = htmlmeta::published_date(&pm, &text[..cut], None, &text[cut..], b);
    }
}
