//! The CAMEO event-code table (code, root, label, Goldstein value, QuadClass) and the
//! CAMEO → PLOVER mapping, both compiled in from `crates/coder/data/`.

use std::collections::HashMap;
use std::sync::OnceLock;

/// One CAMEO event code.
#[derive(Clone, Debug, PartialEq)]
pub struct CameoCode {
    /// The code ("0234", "040", "04").
    pub code: String,
    /// Its two-digit root ("02").
    pub root: String,
    /// Short label.
    pub label: String,
    /// Goldstein scale value (-10 .. +10).
    pub goldstein: f32,
    /// GDELT QuadClass: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
    /// 4 material conflict.
    pub quad_class: u8,
}

/// The PLOVER event type and mode for a CAMEO code.
#[derive(Clone, Debug, PartialEq)]
pub struct Plover {
    /// PLOVER event type (`CONSULT`).
    pub event: String,
    /// PLOVER mode when the CAMEO code implies one (`visit`).
    pub mode: Option<String>,
}

/// The loaded tables.
pub struct Cameo {
    codes: Vec<CameoCode>,
    by_code: HashMap<String, usize>,
    plover: HashMap<String, Option<Plover>>,
}

const CAMEO_TXT: &str = include_str!("../data/cameo.txt");
const PLOVER_TXT: &str = include_str!("../data/plover.txt");

/// Parses the code table (`@RR qN G label` root lines, `CODE G label` code lines).
fn parse_codes(text: &str) -> Result<Vec<CameoCode>, String> {
    let mut out = Vec::new();
    let mut quad = 0u8;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |m: &str| format!("cameo.txt:{}: {m}", n + 1);
        if let Some(rest) = line.strip_prefix('@') {
            let mut it = rest.splitn(4, ' ').filter(|s| !s.is_empty());
            let code = it.next().ok_or_else(|| err("missing root"))?;
            let q = it.next().and_then(|q| q.strip_prefix('q')).and_then(|q| q.parse().ok()).ok_or_else(|| err("bad quad class"))?;
            let g: f32 = it.next().and_then(|g| g.parse().ok()).ok_or_else(|| err("bad Goldstein value"))?;
            quad = q;
            let label = it.next().unwrap_or("").trim().to_string();
            out.push(CameoCode { code: code.to_string(), root: code.to_string(), label, goldstein: g, quad_class: q });
        } else {
            let mut it = line.splitn(2, char::is_whitespace);
            let code = it.next().unwrap_or("");
            let rest = it.next().unwrap_or("").trim_start();
            let mut it2 = rest.splitn(2, char::is_whitespace);
            let g: f32 = it2.next().and_then(|g| g.parse().ok()).ok_or_else(|| err("bad Goldstein value"))?;
            let label = it2.next().unwrap_or("").trim().to_string();
            if code.len() < 3 || !code.bytes().all(|b| b.is_ascii_digit()) || quad == 0 {
                return Err(err("bad code"));
            }
            out.push(CameoCode { code: code.to_string(), root: code[..2].to_string(), label, goldstein: g, quad_class: quad });
        }
    }
    Ok(out)
}

fn parse_plover(text: &str) -> HashMap<String, Option<Plover>> {
    let mut m = HashMap::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 2 {
            continue;
        }
        let v = if f[1] == "-" { None } else { Some(Plover { event: f[1].to_string(), mode: f.get(2).map(|s| s.to_string()) }) };
        m.insert(f[0].to_string(), v);
    }
    m
}

impl Cameo {
    /// The compiled-in tables (parsed once).
    pub fn get() -> &'static Cameo {
        static T: OnceLock<Cameo> = OnceLock::new();
        T.get_or_init(|| {
            let codes = parse_codes(CAMEO_TXT).expect("built-in CAMEO table is well-formed (tested)");
            let by_code = codes.iter().enumerate().map(|(i, c)| (c.code.clone(), i)).collect();
            Cameo { codes, by_code, plover: parse_plover(PLOVER_TXT) }
        })
    }
    /// All codes in table order.
    pub fn codes(&self) -> &[CameoCode] {
        &self.codes
    }
    /// The entry for `code`; codes with a letter suffix or unknown sub-codes ("0871x",
    /// "0312 ") fall back to their longest known prefix.
    pub fn lookup(&self, code: &str) -> Option<&CameoCode> {
        let code = code.trim();
        let mut c = code;
        while c.len() >= 2 {
            if let Some(&i) = self.by_code.get(c) {
                return Some(&self.codes[i]);
            }
            c = &c[..c.len() - 1];
        }
        None
    }
    /// The PLOVER event type and mode for a code (longest prefix in the mapping).
    pub fn plover(&self, code: &str) -> Option<Plover> {
        let mut c = code.trim();
        while c.len() >= 2 {
            if let Some(p) = self.plover.get(c) {
                return p.clone();
            }
            c = &c[..c.len() - 1];
        }
        None
    }
}

/// Whether `code` is a well-formed CAMEO event code (2–4 digits, optionally one letter
/// suffix as some dictionaries use), present in the table by itself or through a prefix.
pub fn is_event_code(code: &str) -> bool {
    let digits = code.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    (2..=4).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && Cameo::get().lookup(digits).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_all_codes() {
        let t = Cameo::get();
        assert_eq!(t.codes().len(), 311);
        assert_eq!(t.codes().iter().filter(|c| c.code.len() == 2).count(), 20);
        let c = t.lookup("042").unwrap();
        assert_eq!((c.root.as_str(), c.quad_class), ("04", 1));
        assert!((c.goldstein - 1.9).abs() < 1e-6);
        assert_eq!(t.lookup("190").unwrap().quad_class, 4);
        assert_eq!(t.lookup("0871x").unwrap().code, "0871");
        assert!(is_event_code("0234") && !is_event_code("xyz") && !is_event_code("999"));
    }

    #[test]
    fn plover_mapping() {
        let t = Cameo::get();
        assert_eq!(t.plover("042"), Some(Plover { event: "CONSULT".into(), mode: Some("visit".into()) }));
        assert_eq!(t.plover("040").unwrap().event, "CONSULT");
        assert_eq!(t.plover("163").unwrap().event, "COERCE");
        assert_eq!(t.plover("010"), None);
        for c in t.codes() {
            if c.root != "01" {
                assert!(t.plover(&c.code).is_some(), "no PLOVER type for {}", c.code);
            }
        }
    }

    /// Checks the table against the reference list in ../shared (skips when absent).
    #[test]
    fn matches_shared_reference() {
        let p = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/cameo/cameo_codes.tsv");
        let Ok(text) = std::fs::read_to_string(p) else {
            eprintln!("skipping: {p} not found");
            return;
        };
        let t = Cameo::get();
        let mut n = 0;
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 5 {
                continue;
            }
            n += 1;
            let c = t.lookup(f[0]).filter(|c| c.code == f[0]).unwrap_or_else(|| panic!("code {} missing", f[0]));
            assert_eq!(c.root, f[1], "root of {}", f[0]);
            assert_eq!(c.quad_class.to_string(), f[3], "QuadClass of {}", f[0]);
            let g: f32 = f[4].parse().unwrap();
            assert!((c.goldstein - g).abs() < 1e-4, "Goldstein of {}: {} vs {}", f[0], c.goldstein, g);
        }
        assert_eq!(n, t.codes().len());
    }
}
