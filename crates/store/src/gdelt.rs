//! GDELT 2.0 event rows (61 tab-separated columns, the layout of the GDELT 2.0 event export).
//!
//! Conventions, following the real export:
//! - dates: `SQLDATE` is the event's date when it is known to the day, else the article's
//!   publication date (GDELT's own fallback); `FractionDate` = year + ((month-1)*30+day)/365
//!   to 4 decimals, as GDELT computes it. `DATEADDED` is the publication date at 00:00:00
//!   (not the wall clock), so that output stays byte-identical on reruns.
//! - actor codes are split into 3-letter CAMEO chunks: the country (or, for IGOs/NGOs, none),
//!   known groups (`UNO`, `NAT` …), religions (`MOS`, `CHR` …) and up to three types
//!   (`GOV`, `MIL`, `IGO` …). Names are upper-cased as GDELT writes them.
//! - geography: our gazetteer gives ISO 3166-1 alpha-2 country codes; GDELT uses FIPS 10-4.
//!   We convert ISO → FIPS with a built-in table ([`iso_to_fips`]); codes not in it are the
//!   same in both systems. `ADM1Code` is FIPS country + admin1 when admin1 is a 2-character
//!   code, the country alone for a country-level place, else empty. `FeatureID` holds the
//!   GeoNames id (GDELT uses GNS ids; GeoNames is what our gazetteer has), or the FIPS code
//!   for countries as GDELT does. Only the action place is known; Actor1Geo/Actor2Geo get
//!   type 0 and empty fields, as GDELT writes an unknown location.
//! - `AvgTone` is empty (dateline measures no tone); `IsRootEvent` is 1 for events of the
//!   article's first sentence (GDELT: the lead paragraph).
//! - unknown fields are empty; tabs and newlines inside fields become spaces.
use model::{Date, DatePrecision, Doc, Event, EventActor, Place};

/// Number of columns in a GDELT 2.0 event row.
pub const COLUMNS: usize = 61;

/// Column names, in order (as in the GDELT 2.0 event codebook).
pub const HEADER: [&str; COLUMNS] = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
];

/// CAMEO actor type codes (the "Type" fields).
const TYPES: &[&str] = &[
    "COP", "GOV", "INS", "JUD", "MIL", "OPP", "REB", "SEP", "SPY", "UAF", "AGR", "BUS", "CRM",
    "CVL", "DEV", "EDU", "ELI", "ENV", "HLH", "HRI", "LAB", "LEG", "MED", "REF", "MOD", "RAD",
    "AMN", "IRC", "GRP", "UNO", "PKO", "UIS", "IGO", "IMG", "INT", "MNC", "NGM", "NGO", "SET",
];

/// CAMEO religion codes.
const RELIGIONS: &[&str] = &[
    "ADR", "ALE", "ATH", "BAH", "BUD", "CHR", "CON", "CPT", "CTH", "DOX", "DRZ", "HIN", "HSD",
    "ITR", "JAN", "JEW", "JHW", "LDS", "MOS", "MRN", "NRM", "PAG", "PRO", "SFI", "SHI", "SHN",
    "SIK", "SUN", "TAO", "UDX", "ZRO",
];

/// Common CAMEO known-group codes (international organisations and named groups).
const GROUPS: &[&str] = &[
    "AEU", "AFB", "ALQ", "AMF", "AML", "APE", "ARL", "ASN", "BIS", "CIS", "COE", "CPA", "EEC",
    "EFT", "FAO", "GCC", "HCH", "HCR", "HEZ", "HMS", "HRW", "IAE", "ICC", "ICG", "ICJ", "IDB",
    "ILO", "IMF", "IOM", "IPU", "KDP", "MSF", "NAT", "NON", "OAS", "OAU", "OIC", "OPC", "PLO",
    "RCR", "SCE", "SHA", "TAL", "UNO", "WBK", "WEF", "WFP", "WHO", "WTO",
];

/// ISO 3166-1 alpha-2 → FIPS 10-4 for the countries whose codes differ. Codes not listed are
/// the same in both systems (e.g. `US`, `FR`, `IT`, `IN`, `SY`).
pub fn iso_to_fips(iso: &str) -> &str {
    const DIFF: &[(&str, &str)] = &[
        ("AD", "AN"), ("AG", "AC"), ("AI", "AV"), ("AQ", "AY"), ("AS", "AQ"), ("AT", "AU"),
        ("AU", "AS"), ("AW", "AA"), ("AX", "FI"), ("AZ", "AJ"), ("BA", "BK"), ("BD", "BG"),
        ("BF", "UV"), ("BG", "BU"), ("BH", "BA"), ("BI", "BY"), ("BJ", "BN"), ("BL", "TB"),
        ("BM", "BD"), ("BN", "BX"), ("BO", "BL"), ("BS", "BF"), ("BW", "BC"), ("BY", "BO"),
        ("BZ", "BH"), ("CC", "CK"), ("CD", "CG"), ("CF", "CT"), ("CG", "CF"), ("CH", "SZ"),
        ("CI", "IV"), ("CK", "CW"), ("CL", "CI"), ("CN", "CH"), ("CR", "CS"), ("CW", "UC"),
        ("CX", "KT"), ("CZ", "EZ"), ("DE", "GM"), ("DK", "DA"), ("DM", "DO"), ("DO", "DR"),
        ("DZ", "AG"), ("EE", "EN"), ("EH", "WI"), ("ES", "SP"), ("GA", "GB"), ("GB", "UK"),
        ("GD", "GJ"), ("GE", "GG"), ("GF", "FG"), ("GG", "GK"), ("GM", "GA"), ("GN", "GV"),
        ("GQ", "EK"), ("GS", "SX"), ("GU", "GQ"), ("GW", "PU"), ("HN", "HO"), ("HT", "HA"),
        ("IE", "EI"), ("IL", "IS"), ("IQ", "IZ"), ("IS", "IC"), ("JP", "JA"), ("KH", "CB"),
        ("KI", "KR"), ("KM", "CN"), ("KN", "SC"), ("KP", "KN"), ("KR", "KS"), ("KW", "KU"),
        ("KY", "CJ"), ("LB", "LE"), ("LC", "ST"), ("LI", "LS"), ("LK", "CE"), ("LR", "LI"),
        ("LS", "LT"), ("LT", "LH"), ("LV", "LG"), ("MA", "MO"), ("MC", "MN"), ("ME", "MJ"),
        ("MF", "RN"), ("MG", "MA"), ("MH", "RM"), ("MM", "BM"), ("MN", "MG"), ("MO", "MC"),
        ("MP", "CQ"), ("MQ", "MB"), ("MS", "MH"), ("MU", "MP"), ("MW", "MI"), ("NA", "WA"),
        ("NE", "NG"), ("NG", "NI"), ("NI", "NU"), ("NU", "NE"), ("OM", "MU"), ("PA", "PM"),
        ("PF", "FP"), ("PG", "PP"), ("PH", "RP"), ("PM", "SB"), ("PN", "PC"), ("PR", "RQ"),
        ("PS", "WE"), ("PT", "PO"), ("PW", "PS"), ("PY", "PA"), ("RE", "RE"), ("RS", "RI"),
        ("RU", "RS"), ("SB", "BP"), ("SC", "SE"), ("SD", "SU"), ("SE", "SW"), ("SG", "SN"),
        ("SJ", "SV"), ("SK", "LO"), ("SN", "SG"), ("SR", "NS"), ("SS", "OD"), ("ST", "TP"),
        ("SV", "ES"), ("SX", "NN"), ("SZ", "WZ"), ("TC", "TK"), ("TD", "CD"), ("TF", "FS"),
        ("TG", "TO"), ("TJ", "TI"), ("TK", "TL"), ("TL", "TT"), ("TM", "TX"), ("TN", "TS"),
        ("TO", "TN"), ("TR", "TU"), ("TT", "TD"), ("UA", "UP"), ("VA", "VT"), ("VG", "VI"),
        ("VI", "VQ"), ("VN", "VM"), ("VU", "NH"), ("WF", "WF"), ("YE", "YM"), ("ZA", "SF"),
        ("ZM", "ZA"), ("ZW", "ZI"),
    ];
    DIFF.iter().find(|(i, _)| i.eq_ignore_ascii_case(iso)).map_or(iso, |(_, f)| f)
}

fn clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// The parts of a CAMEO actor code, as the GDELT actor columns hold them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ActorParts {
    /// Country (or region) code, e.g. `RUS`.
    pub country: String,
    /// Known group, e.g. `UNO`.
    pub group: String,
    /// Ethnic code (not recognised from codes alone: always empty for now).
    pub ethnic: String,
    /// Religion codes.
    pub religion: [String; 2],
    /// Type codes.
    pub types: [String; 3],
}

/// Splits a CAMEO actor code (`RUSGOV`, `IGOUNO`, `SYRREBMOS`) into GDELT's actor fields.
/// `country` is the country part the coder assigned, when any.
pub fn split_actor(code: &str, country: Option<&str>) -> ActorParts {
    let mut p = ActorParts::default();
    let mut rest = code;
    if let Some(c) = country.filter(|c| !c.is_empty() && code.starts_with(*c) && !TYPES.contains(c)) {
        p.country = c.to_string();
        rest = &code[c.len()..];
    }
    let (mut nt, mut nr) = (0, 0);
    let mut first = p.country.is_empty();
    let mut i = 0;
    while i + 3 <= rest.len() && rest.is_char_boundary(i) && rest.is_char_boundary(i + 3) {
        let chunk = &rest[i..i + 3];
        i += 3;
        if TYPES.contains(&chunk) && !(nt > 0 && GROUPS.contains(&chunk) && p.group.is_empty()) {
            // `UNO` is both a type and a group: after IGO it is the group, as in GDELT's IGOUNO.
            if nt < 3 {
                p.types[nt] = chunk.to_string();
                nt += 1;
            }
        } else if RELIGIONS.contains(&chunk) {
            if nr < 2 {
                p.religion[nr] = chunk.to_string();
                nr += 1;
            }
        } else if GROUPS.contains(&chunk) && p.group.is_empty() {
            p.group = chunk.to_string();
        } else if first {
            p.country = chunk.to_string();
        }
        first = false;
    }
    p
}

fn actor_cols(a: &Option<EventActor>, text: &str) -> [String; 10] {
    let mut c: [String; 10] = Default::default();
    let Some(a) = a else { return c };
    let parts = split_actor(&a.code, a.country.as_deref());
    let name = a.name.as_deref().map(str::to_string).unwrap_or_else(|| text.get(a.start..a.end).unwrap_or("").to_string());
    c[0] = clean(&a.code);
    c[1] = clean(&name.to_uppercase());
    c[2] = parts.country;
    c[3] = parts.group;
    c[4] = parts.ethnic;
    let [r1, r2] = parts.religion;
    c[5] = r1;
    c[6] = r2;
    let [t1, t2, t3] = parts.types;
    c[7] = t1;
    c[8] = t2;
    c[9] = t3;
    c
}

/// GDELT geo columns (Type, FullName, CountryCode, ADM1Code, ADM2Code, Lat, Long, FeatureID).
fn geo_cols(p: Option<&Place>) -> [String; 8] {
    let mut c: [String; 8] = Default::default();
    let Some(p) = p else {
        c[0] = "0".into();
        return c;
    };
    let iso = p.country.as_deref().unwrap_or("");
    let fips = iso_to_fips(iso).to_string();
    let us = iso.eq_ignore_ascii_case("US");
    let kind = match p.feature.as_str() {
        "country" => 1,
        "admin1" if us => 2,
        "admin1" => 5,
        _ if us => 3,
        _ => 4,
    };
    c[0] = kind.to_string();
    let mut full = p.name.clone();
    if let Some(a) = p.admin1.as_deref().filter(|a| a.len() > 2 && kind != 1 && *a != p.name) {
        full = format!("{full}, {a}");
    }
    c[1] = clean(&full);
    c[2] = fips.clone();
    c[3] = if kind == 1 {
        fips.clone()
    } else {
        match p.admin1.as_deref() {
            Some(a) if a.len() == 2 && a.bytes().all(|b| b.is_ascii_alphanumeric()) && !fips.is_empty() => format!("{fips}{a}"),
            _ => String::new(),
        }
    };
    if p.lat.is_finite() && p.lon.is_finite() {
        c[5] = format!("{:.4}", p.lat);
        c[6] = format!("{:.4}", p.lon);
    }
    c[7] = match (kind, p.geonames_id) {
        (1, _) => fips,
        (_, Some(id)) => id.to_string(),
        _ => String::new(),
    };
    c
}

/// The date GDELT would file the event under: the event's own day, else the publication date.
pub fn event_day(doc: &Doc, e: &Event) -> Option<Date> {
    let own = match e.date_precision {
        Some(DatePrecision::Day) | None => e.date.as_deref().and_then(Date::parse),
        _ => None,
    };
    own.or(doc.article.published)
}

/// One GDELT 2.0 event row (no trailing newline). `global_id` fills GLOBALEVENTID.
pub fn event_row(doc: &Doc, e: &Event, global_id: u64) -> String {
    let a = &doc.article;
    let text = a.text.as_str();
    let mut cols: Vec<String> = vec![String::new(); COLUMNS];
    cols[0] = global_id.to_string();
    if let Some(d) = event_day(doc, e) {
        cols[1] = format!("{:04}{:02}{:02}", d.year, d.month, d.day);
        cols[2] = format!("{:04}{:02}", d.year, d.month);
        cols[3] = format!("{:04}", d.year);
        let frac = ((d.month as f64 - 1.0) * 30.0 + d.day as f64) / 365.0;
        cols[4] = format!("{:.4}", d.year as f64 + frac);
    }
    for (i, v) in actor_cols(&e.source, text).into_iter().enumerate() {
        cols[5 + i] = v;
    }
    for (i, v) in actor_cols(&e.target, text).into_iter().enumerate() {
        cols[15 + i] = v;
    }
    cols[25] = if e.sentence == 0 { "1" } else { "0" }.into();
    cols[26] = clean(&e.code);
    cols[27] = clean(e.code.get(..3).unwrap_or(&e.code));
    cols[28] = clean(&e.root);
    if (1..=4).contains(&e.quad_class) {
        cols[29] = e.quad_class.to_string();
    }
    if e.goldstein.is_finite() && !e.code.is_empty() {
        cols[30] = format!("{:.1}", e.goldstein);
    }
    let n_articles = a.num_articles.max(1);
    cols[31] = n_articles.to_string();
    cols[32] = a.num_sources.max(1).to_string();
    cols[33] = n_articles.to_string();
    // 34 AvgTone: not measured.
    for (i, v) in geo_cols(None).into_iter().enumerate() {
        cols[35 + i] = v.clone();
        cols[43 + i] = v;
    }
    for (i, v) in geo_cols(e.place.as_ref()).into_iter().enumerate() {
        cols[51 + i] = v;
    }
    if let Some(p) = a.published {
        cols[59] = format!("{:04}{:02}{:02}000000", p.year, p.month, p.day);
    }
    cols[60] = clean(a.url.as_deref().or(a.source.as_deref()).unwrap_or(""));
    cols.join("\t")
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{Article, Span};

    pub(crate) fn sample() -> (Doc, Event) {
        let text = "Syria's President Bashar al-Assad met Russia's Foreign Minister Sergei Lavrov in Damascus on Monday.";
        let mut doc = Doc::new(Article {
            id: "a1".into(),
            url: Some("https://example.org/a1".into()),
            published: Date::parse("2020-09-07"),
            text: text.into(),
            num_articles: 1,
            num_sources: 1,
            ..Default::default()
        });
        let e = Event {
            sentence: 0,
            evidence: Span::new(0, text.len()),
            predicate: Span::new(34, 37),
            source: Some(EventActor { code: "SYRGOV".into(), country: Some("SYR".into()), agent: Some("GOV".into()), name: Some("Bashar al-Assad".into()), start: 0, end: 33 }),
            target: Some(EventActor { code: "RUSGOV".into(), country: Some("RUS".into()), agent: Some("GOV".into()), name: None, start: 38, end: 77 }),
            code: "0431".into(),
            root: "04".into(),
            quad_class: 1,
            goldstein: 2.8,
            date: Some("2020-09-07".into()),
            date_precision: Some(DatePrecision::Day),
            place: Some(Place { name: "Damascus".into(), country: Some("SY".into()), admin1: Some("13".into()), lat: 33.5102, lon: 36.2913, geonames_id: Some(170654), feature: "city".into(), population: 0 }),
            rule: "test".into(),
            ..Default::default()
        };
        doc.events.push(e.clone());
        (doc, e)
    }

    #[test]
    fn row_has_61_columns_and_gdelt_conventions() {
        let (doc, e) = sample();
        let row = event_row(&doc, &e, 7);
        let c: Vec<&str> = row.split('\t').collect();
        assert_eq!(c.len(), 61);
        assert_eq!(c[0], "7");
        assert_eq!(c[1], "20200907");
        assert_eq!(c[2], "202009");
        assert_eq!(c[3], "2020");
        assert_eq!(c[4], "2020.6767"); // 2020 + (8*30+7)/365
        assert_eq!((c[5], c[6], c[7], c[12]), ("SYRGOV", "BASHAR AL-ASSAD", "SYR", "GOV"));
        assert_eq!((c[15], c[16], c[17], c[22]), ("RUSGOV", "RUSSIA'S FOREIGN MINISTER SERGEI LAVROV", "RUS", "GOV"));
        assert_eq!((c[25], c[26], c[27], c[28], c[29], c[30]), ("1", "0431", "043", "04", "1", "2.8"));
        assert_eq!((c[31], c[32], c[33], c[34]), ("1", "1", "1", ""));
        assert_eq!((c[35], c[43]), ("0", "0"));
        assert_eq!(&c[51..59], &["4", "Damascus", "SY", "SY13", "", "33.5102", "36.2913", "170654"]);
        assert_eq!(c[59], "20200907000000");
        assert_eq!(c[60], "https://example.org/a1");
    }

    #[test]
    fn actor_codes_split_like_gdelt() {
        let p = split_actor("IGOUNO", None);
        assert_eq!((p.country.as_str(), p.group.as_str(), p.types[0].as_str()), ("", "UNO", "IGO"));
        let p = split_actor("SYRREBMOS", Some("SYR"));
        assert_eq!((p.country.as_str(), p.types[0].as_str(), p.religion[0].as_str()), ("SYR", "REB", "MOS"));
        let p = split_actor("USAGOVMIL", None);
        assert_eq!((p.country.as_str(), p.types[0].as_str(), p.types[1].as_str()), ("USA", "GOV", "MIL"));
        let p = split_actor("GOV", None);
        assert_eq!((p.country.as_str(), p.types[0].as_str()), ("", "GOV"));
        // odd input never panics
        split_actor("ÄÖÜxx", Some("Ä"));
        assert_eq!(iso_to_fips("DE"), "GM");
        assert_eq!(iso_to_fips("FR"), "FR");
    }

    #[test]
    fn fields_never_contain_tabs_or_newlines() {
        let (mut doc, mut e) = sample();
        doc.article.url = Some("http://x/\ty\nz".into());
        e.place.as_mut().unwrap().name = "A\tB".into();
        let row = event_row(&doc, &e, 1);
        assert_eq!(row.split('\t').count(), 61);
        assert!(!row.contains('\n'));
    }

    /// Parses a row back against ../shared/data/gdelt/events_schema.csv: column count and the
    /// type of every non-empty field.
    #[test]
    fn row_parses_with_the_shared_schema() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/gdelt/events_schema.csv");
        let Ok(schema) = std::fs::read_to_string(path) else {
            eprintln!("skipping: {path} not found (../shared absent)");
            return;
        };
        let types = schema_types(&schema);
        assert_eq!(types.len(), COLUMNS, "schema columns");
        for (name, h) in types.iter().zip(HEADER) {
            assert_eq!(name.0, h);
        }
        let (doc, e) = sample();
        check_row(&event_row(&doc, &e, 1), &types);
    }

    /// (name, type) for each column of the schema CSV.
    pub(crate) fn schema_types(schema: &str) -> Vec<(String, String)> {
        schema
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut it = l.splitn(3, ',');
                Some((it.next()?.to_string(), it.next()?.to_string()))
            })
            .collect()
    }

    pub(crate) fn check_row(row: &str, types: &[(String, String)]) {
        let c: Vec<&str> = row.split('\t').collect();
        assert_eq!(c.len(), types.len(), "{row}");
        for (v, (name, ty)) in c.iter().zip(types) {
            if v.is_empty() {
                continue;
            }
            match ty.as_str() {
                "INTEGER" => assert!(v.parse::<i64>().is_ok(), "{name}={v} not an integer"),
                "FLOAT" => assert!(v.parse::<f64>().is_ok(), "{name}={v} not a float"),
                _ => {}
            }
        }
    }
}
