//! Name lists for the NER: multi-word names (places, people, organisations, demonyms) from
//! the project's own data, stored in the model as hashes of their lowercased tokens, and
//! matched case-insensitively (longest match, left to right) over each sentence once. The
//! matches become features; the learner decides how far to trust them (a lowercase or
//! sentence-initial match, a name that is also a common word).
//!
//! Format (little endian): `b"DLNM"`, `u32` version (1), `u32` count, then per key (sorted)
//! a `u64` key and a `u8` value ([`bits`] of the names ending there, plus [`PREFIX`] when a
//! longer name continues it).

use std::io::{self, Write};

/// Kinds of names (bits of a value).
pub mod bits {
    /// A country, continent, first-level area or large city (≥ 500,000 people).
    pub const LOC_MAJOR: u8 = 1;
    /// Another place (a smaller city, a region, a sea, a landmark).
    pub const LOC: u8 = 2;
    /// A person.
    pub const PER: u8 = 4;
    /// An organisation.
    pub const ORG: u8 = 8;
    /// A demonym or national adjective ("Syrian", "Afghans").
    pub const DEMONYM: u8 = 16;
    /// A title or honorific written before a name ("Mr", "Dr.", "President"): not part of it.
    pub const TITLE: u8 = 32;
    /// All kinds.
    pub const ALL: u8 = 63;
}
/// A longer name starts with these tokens.
pub const PREFIX: u8 = 128;
/// Most tokens in a name.
pub const MAX_LEN: usize = 6;

/// Hash of one token: lowercase, dots removed (`U.S.` = `us`), typographic apostrophes as
/// ASCII ones.
pub fn token_key(form: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut any = false;
    for c in form.chars().flat_map(|c| c.to_lowercase()) {
        let c = match c {
            '.' => continue,
            '’' | '‘' | '`' => '\'',
            c => c,
        };
        any = true;
        let mut b = [0u8; 4];
        for &x in c.encode_utf8(&mut b).as_bytes() {
            h ^= x as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    if !any {
        h ^= form.len() as u64 + 1;
    }
    h
}

#[inline]
fn extend(h: u64, tok: u64) -> u64 {
    // never 0: 0 marks an empty slot
    crate::perceptron::splitmix(crate::perceptron::combine(h, tok)) | 1
}
const SEED: u64 = 0x6a09_e667_f3bc_c909;

/// The name set: sorted keys with values (the file form), and an open-addressing table for
/// lookups.
#[derive(Clone, Debug, Default)]
pub struct NameSet {
    sorted: Vec<(u64, u8)>,
    table: Vec<(u64, u8)>,
    mask: usize,
}

/// A match: tokens `start..end` form a known name of kinds `bits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// Kinds.
    pub bits: u8,
}

impl NameSet {
    /// Builds the set from names, each given as its tokens, with its kinds. Names longer
    /// than [`MAX_LEN`] tokens or without tokens are skipped.
    pub fn build<'a>(names: impl IntoIterator<Item = (Vec<&'a str>, u8)>) -> NameSet {
        let mut m: std::collections::HashMap<u64, u8> = std::collections::HashMap::new();
        for (toks, b) in names {
            if toks.is_empty() || toks.len() > MAX_LEN || b & bits::ALL == 0 {
                continue;
            }
            let mut h = SEED;
            for (k, t) in toks.iter().enumerate() {
                h = extend(h, token_key(t));
                let v = m.entry(h).or_insert(0);
                if k + 1 == toks.len() {
                    *v |= b & bits::ALL;
                } else {
                    *v |= PREFIX;
                }
            }
        }
        let mut v: Vec<(u64, u8)> = m.into_iter().collect();
        v.sort_unstable();
        NameSet::from_sorted(v)
    }

    fn from_sorted(sorted: Vec<(u64, u8)>) -> NameSet {
        let cap = (sorted.len() * 2).next_power_of_two().max(16);
        let mask = cap - 1;
        let mut table = vec![(0u64, 0u8); cap];
        for &(k, v) in &sorted {
            let mut i = (k as usize) & mask;
            while table[i].0 != 0 && table[i].0 != k {
                i = (i + 1) & mask;
            }
            table[i] = (k, v);
        }
        NameSet { sorted, table, mask }
    }

    /// Number of keys (names and their prefixes).
    pub fn len(&self) -> usize {
        self.sorted.len()
    }
    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    #[inline]
    fn get(&self, k: u64) -> u8 {
        if self.table.is_empty() {
            return 0;
        }
        let mut i = (k as usize) & self.mask;
        loop {
            let (key, v) = self.table[i];
            if key == k {
                return v;
            }
            if key == 0 {
                return 0;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Longest matches, left to right, not overlapping, over tokens given by their
    /// [`token_key`]s.
    pub fn matches(&self, keys: &[u64], out: &mut Vec<Match>) {
        out.clear();
        if self.is_empty() {
            return;
        }
        let mut i = 0;
        while i < keys.len() {
            let mut h = SEED;
            let mut best: Option<Match> = None;
            for (k, &t) in keys[i..].iter().take(MAX_LEN).enumerate() {
                h = extend(h, t);
                let v = self.get(h);
                if v & bits::ALL != 0 {
                    best = Some(Match { start: i, end: i + k + 1, bits: v & bits::ALL });
                }
                if v & PREFIX == 0 {
                    break;
                }
            }
            match best {
                Some(m) => {
                    out.push(m);
                    i = m.end;
                }
                None => i += 1,
            }
        }
    }

    /// Writes the set.
    pub fn save(&self, w: &mut impl Write) -> io::Result<()> {
        w.write_all(b"DLNM")?;
        w.write_all(&1u32.to_le_bytes())?;
        w.write_all(&(self.sorted.len() as u32).to_le_bytes())?;
        for &(k, v) in &self.sorted {
            w.write_all(&k.to_le_bytes())?;
            w.write_all(&[v])?;
        }
        Ok(())
    }

    /// Reads a set written by [`NameSet::save`].
    pub fn load(b: &[u8]) -> io::Result<NameSet> {
        let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
        if b.len() < 12 || &b[..4] != b"DLNM" || b[4..8] != 1u32.to_le_bytes() {
            return Err(bad("not a dateline NER name set (bad magic or version)"));
        }
        let n = u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize;
        let body = b.get(12..12 + n.checked_mul(9).ok_or_else(|| bad("bad name count"))?).ok_or_else(|| bad("truncated NER name set"))?;
        let mut v: Vec<(u64, u8)> = body
            .chunks_exact(9)
            .filter(|c| c[..8] != [0u8; 8])
            .map(|c| (u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]), c[8]))
            .collect();
        if !v.windows(2).all(|w| w[0].0 < w[1].0) {
            v.sort_unstable();
            v.dedup_by_key(|e| e.0);
        }
        Ok(NameSet::from_sorted(v))
    }
}

/// Words written after a company's name ("Nissan Motor Co Ltd", "Siemens AG"); a final
/// period is ignored.
const DESIGNATORS: &[&str] = &[
    "Inc", "Corp", "Corporation", "Co", "Cos", "Company", "Ltd", "Limited", "Plc", "plc", "PLC", "LLC", "AG", "SA", "S.A", "NV", "N.V", "SpA", "S.p.A", "GmbH", "BV", "B.V", "AB", "ASA", "Oyj", "KK", "Bhd", "Pty", "Group", "Holdings",
];
/// Lowercase words that may join the capitalized words of a name ("Bank of Montreal").
const CONNECTORS: &[&str] = &["of", "and", "&", "de", "du", "la", "von", "van", "der"];

/// Company names found in unlabeled news text: a run of capitalized words (joined by "of",
/// "and", "&"...) written before a corporate designator ("Inc", "Corp", "Ltd", "AG", "plc").
/// Each name is given with its designators ("Nissan Motor Co Ltd") and without them
/// ("Nissan Motor"), so that the short form met in other stories is known too. A name seen
/// fewer than `min_count` times is left out, and so are leading words and one-word names
/// that the text mostly writes in lowercase ("The", "Gas"): the capitals there are the
/// sentence's, not a name's. Sorted and distinct.
pub fn company_names<'a>(texts: impl Iterator<Item = &'a str>, min_count: usize) -> Vec<String> {
    use std::collections::HashMap;
    let is_cap = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let is_designator = |w: &str| DESIGNATORS.contains(&w.strip_suffix('.').unwrap_or(w));
    // how often each word is written in lowercase, and capitalized inside a sentence
    let mut case: HashMap<String, (u32, u32)> = HashMap::new();
    // each text's words, tokenized once
    let mut docs: Vec<Vec<&str>> = Vec::new();
    for text in texts {
        let toks = crate::tokenize::tokens(text);
        docs.push(toks.iter().map(|t| &text[t.start..t.end]).collect());
        for (i, t) in toks.iter().enumerate() {
            let w = &text[t.start..t.end];
            let after_stop = i == 0 || matches!(&text[toks[i - 1].start..toks[i - 1].end], "." | "!" | "?" | ":" | "\"" | "“" | "-" | "(") || matches!(t.gap, crate::tokenize::Gap::Line | crate::tokenize::Gap::Para);
            if w.chars().all(|c| !c.is_uppercase()) && w.chars().any(char::is_alphabetic) {
                case.entry(w.to_string()).or_default().0 += 1;
            } else if is_cap(w) && !after_stop {
                case.entry(w.to_lowercase()).or_default().1 += 1;
            }
        }
    }
    let common = |w: &str| case.get(&w.to_lowercase()).is_some_and(|&(lower, cap)| lower > 2 * cap);
    let mut counts: HashMap<String, usize> = HashMap::new();
    for forms in &docs {
        for j in 1..forms.len() {
            // the last designator of a run: "Co" in "Nissan Motor Co Ltd" waits for "Ltd"
            if !is_designator(forms[j]) || forms.get(j + 1).is_some_and(|w| is_designator(w)) {
                continue;
            }
            let mut a = j;
            while a > 0 && j + 1 - a < MAX_LEN {
                let w = forms[a - 1];
                let joins = CONNECTORS.contains(&w) || w == "'s";
                if is_cap(w) || (joins && a >= 2 && is_cap(forms[a - 2])) {
                    a -= 1;
                } else {
                    break;
                }
            }
            let mut name = &forms[a..=j];
            while name.first().is_some_and(|w| CONNECTORS.contains(w) || common(w) || is_designator(w)) {
                name = &name[1..];
            }
            let mut base = name;
            while base.last().is_some_and(|w| is_designator(w) || CONNECTORS.contains(w)) {
                base = &base[..base.len() - 1];
            }
            if base.is_empty() || (base.len() == 1 && common(base[0])) {
                continue;
            }
            *counts.entry(base.join(" ")).or_default() += 1;
            *counts.entry(name.join(" ")).or_default() += 1;
        }
    }
    let mut out: Vec<String> = counts.into_iter().filter(|&(_, c)| c >= min_count).map(|(n, _)| n).collect();
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_names_come_before_designators() {
        let texts = [
            "Shares in Nissan Motor Co Ltd rose. The bank said the gas price fell.",
            "Analysts said Nissan Motor Co Ltd would gain. The Bank of Montreal Ltd said so.",
            "The Bank of Montreal Ltd and Gas Corp agreed. The gas was cheap; gas is sold by Gas Corp.",
            "More gas, less gas: gas and gas again.",
            "Morgan Stanley and Co Inc advised. Morgan Stanley and Co Inc said. Once Corp.",
        ];
        let names = company_names(texts.iter().copied(), 2);
        for want in ["Nissan Motor", "Nissan Motor Co Ltd", "Bank of Montreal", "Bank of Montreal Ltd", "Morgan Stanley", "Morgan Stanley and Co Inc"] {
            assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
        }
        // "The" is a sentence's capital; "Gas" is mostly a lowercase word; "Once" is seen once
        assert!(names.iter().all(|n| !n.starts_with("The ") && n != "Gas" && !n.starts_with("Once")), "{names:?}");
    }

    #[test]
    fn longest_match_and_round_trip() {
        let set = NameSet::build(vec![
            (vec!["New", "York"], bits::LOC_MAJOR),
            (vec!["New", "York", "Times"], bits::ORG),
            (vec!["York"], bits::LOC),
            (vec!["U.S."], bits::LOC_MAJOR),
        ]);
        let keys: Vec<u64> = "the new york times in york and US .".split(' ').map(token_key).collect();
        let mut m = Vec::new();
        set.matches(&keys, &mut m);
        assert_eq!(
            m,
            vec![
                Match { start: 1, end: 4, bits: bits::ORG },
                Match { start: 5, end: 6, bits: bits::LOC },
                Match { start: 7, end: 8, bits: bits::LOC_MAJOR }
            ]
        );
        let keys: Vec<u64> = "new york".split(' ').map(token_key).collect();
        set.matches(&keys, &mut m);
        assert_eq!(m, vec![Match { start: 0, end: 2, bits: bits::LOC_MAJOR }]);
        let mut b = Vec::new();
        set.save(&mut b).unwrap();
        let back = NameSet::load(&b).unwrap();
        back.matches(&keys, &mut m);
        assert_eq!(m.len(), 1);
        assert!(NameSet::load(b"DLNM\x01\0\0\0\xff\xff\xff\xff").is_err());
        NameSet::default().matches(&keys, &mut m);
        assert!(m.is_empty());
    }
}
