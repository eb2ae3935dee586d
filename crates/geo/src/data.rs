//! The gazetteer's entries and name index, loaded from the compact TSV that
//! `scripts/gazetteer/build.py` writes (GeoNames data, CC BY 4.0).
use crate::text::fold;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;

/// A fast non-cryptographic hasher (FxHash) for the name index: loading must stay well
/// under 300 ms, and the keys come from our own data, not from an adversary.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        self.0 = h;
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// HashMap with [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Kind of gazetteer entry, in rough order of size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Feature {
    /// A continent.
    Continent,
    /// A sovereign country or dependency.
    Country,
    /// A first-level administrative area (state, province, governorate).
    Admin1,
    /// A populated place.
    City,
    /// A named region larger or other than an admin area (Middle East, Gaza Strip).
    Region,
    /// A sea, gulf, strait or ocean.
    Water,
    /// A named site (air base, building).
    Landmark,
}

impl Feature {
    /// The name used in `Place::feature`.
    pub fn as_str(self) -> &'static str {
        match self {
            Feature::Continent => "continent",
            Feature::Country => "country",
            Feature::Admin1 => "admin1",
            Feature::City => "city",
            Feature::Region => "region",
            Feature::Water => "water",
            Feature::Landmark => "landmark",
        }
    }
    fn parse(s: &str) -> Option<Feature> {
        Some(match s {
            "continent" => Feature::Continent,
            "country" => Feature::Country,
            "admin1" => Feature::Admin1,
            "city" => Feature::City,
            "region" => Feature::Region,
            "water" => Feature::Water,
            "landmark" => Feature::Landmark,
            _ => return None,
        })
    }
}

/// One gazetteer entry.
#[derive(Clone, Debug)]
pub struct Entry {
    /// GeoNames id; 0 for hand-entered entries.
    pub id: u64,
    /// Preferred name.
    pub name: &'static str,
    /// Kind of place.
    pub feature: Feature,
    /// ISO 3166-1 alpha-2 country code ("" when none).
    pub country: &'static str,
    /// GeoNames admin1 code within the country ("" when none).
    pub admin1: &'static str,
    /// Latitude.
    pub lat: f32,
    /// Longitude.
    pub lon: f32,
    /// Population (0 when unknown).
    pub population: u64,
}

/// Entries and the folded-name index over their names and alternate names.
pub struct Data {
    /// All entries.
    pub entries: Vec<Entry>,
    /// The decompressed file; entries and the name index point into it.
    text: &'static str,
    /// Name index, sorted by key: (key start, key end, ids start, ids end) byte offsets into
    /// `text`. Looked up by binary search, so loading builds no hash table.
    keys: Vec<(u32, u32, u32, u32)>,
    /// Folded demonym ("syrian", "syrians") -> entry of the country or continent.
    pub demonyms: FxMap<Box<str>, u32>,
    /// Country code -> country entry.
    pub countries: HashMap<Box<str>, u32>,
    /// Country code -> its capital city's entry.
    pub capitals: HashMap<Box<str>, u32>,
    /// (country, admin1 code) -> admin1 entry.
    pub admin1s: HashMap<(Box<str>, Box<str>), u32>,
    /// Most tokens in any name.
    pub max_tokens: usize,
}

impl Data {
    /// Decompresses a gzip-compressed gazetteer; `origin` names it in errors.
    pub fn gunzip(bytes: &[u8], origin: &str) -> Result<String, String> {
        let mut text = String::with_capacity(bytes.len() * 4);
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .map_err(|e| format!("{origin}: cannot decompress: {e}"))?;
        Ok(text)
    }

    /// Parses the text form written by `scripts/gazetteer/build.py`: entry lines, `D` demonym
    /// lines and `K` index lines (sorted by key). Entries borrow their strings from `text`,
    /// which therefore lives as long as the process (a gazetteer is loaded once and shared;
    /// this spares half a million small allocations at load).
    pub fn from_text(text: &'static str, origin: &str) -> Result<Data, String> {
        let mut d = Data {
            entries: Vec::with_capacity(180_000),
            text,
            keys: Vec::with_capacity(450_000),
            demonyms: FxMap::default(),
            countries: HashMap::new(),
            capitals: HashMap::new(),
            admin1s: HashMap::new(),
            max_tokens: 1,
        };
        let mut dems: Vec<(String, String)> = Vec::new();
        let mut caps: Vec<(String, u32)> = Vec::new();
        let mut pos = 0usize;
        let mut last_key: &str = "";
        for (n, line) in text.split('\n').enumerate() {
            let line_start = pos;
            pos += line.len() + 1;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |what: &str| format!("{origin}:{}: {what}", n + 1);
            if let Some(rest) = line.strip_prefix("K\t") {
                let tab = rest.find('\t').ok_or_else(|| err("index line without entries"))?;
                let key = &rest[..tab];
                if key <= last_key && !d.keys.is_empty() {
                    return Err(err("index keys out of order"));
                }
                last_key = key;
                let ks = line_start + 2;
                let ke = ks + tab;
                let spaces = key.bytes().filter(|&b| b == b' ').count() + 1;
                if spaces > d.max_tokens {
                    d.max_tokens = spaces;
                }
                d.keys.push((ks as u32, ke as u32, (ke + 1) as u32, (line_start + line.len()) as u32));
                continue;
            }
            if let Some(rest) = line.strip_prefix("C\t") {
                let (cc, e) = rest.split_once('\t').ok_or_else(|| err("capital line without an entry"))?;
                let e: u32 = e.parse().map_err(|_| err("bad capital entry"))?;
                caps.push((cc.to_string(), e));
                continue;
            }
            if let Some(rest) = line.strip_prefix("D\t") {
                let (dem, cc) = rest.split_once('\t').ok_or_else(|| err("demonym line without a country"))?;
                dems.push((dem.to_string(), cc.to_string()));
                continue;
            }
            let mut f = line.split('\t');
            let mut col = || f.next().ok_or_else(|| err("expected 8 columns"));
            let id: u64 = col()?.parse().map_err(|_| err("bad id"))?;
            let name = col()?;
            let feat = col()?;
            let feature = Feature::parse(feat).ok_or_else(|| err(&format!("unknown feature '{feat}'")))?;
            let country = col()?;
            let admin1 = col()?;
            let lat: f32 = col()?.parse().map_err(|_| err("bad latitude"))?;
            let lon: f32 = col()?.parse().map_err(|_| err("bad longitude"))?;
            let population: u64 = col()?.parse().map_err(|_| err("bad population"))?;
            let idx = d.entries.len() as u32;
            match feature {
                Feature::Country => {
                    d.countries.entry(country.into()).or_insert(idx);
                }
                Feature::Admin1 => {
                    d.admin1s.entry((country.into(), admin1.into())).or_insert(idx);
                }
                _ => {}
            }
            d.entries.push(Entry { id, name, feature, country, admin1, lat, lon, population });
        }
        if d.entries.is_empty() {
            return Err(format!("{origin}: no entries"));
        }
        for (cc, e) in caps {
            if (e as usize) < d.entries.len() {
                d.capitals.insert(cc.into(), e);
            }
        }
        for (dem, cc) in dems {
            if let Some(&t) = d.countries.get(cc.as_str()) {
                d.add_demonym(&dem, t);
            }
        }
        // demonyms of the home nations of the United Kingdom, which no package ships
        for (dem, nation) in [("English", "England"), ("Scottish", "Scotland"), ("Scots", "Scotland"), ("Welsh", "Wales")] {
            if let Some(t) = d.lookup(&fold(nation)).into_iter().find(|&i| d.entries[i as usize].feature == Feature::Admin1 && d.entries[i as usize].country == "GB") {
                d.add_demonym(dem, t);
            }
        }
        // continental demonyms, which no package ships
        for (dem, cont) in [("African", "Africa"), ("European", "Europe"), ("Asian", "Asia"), ("Antarctic", "Antarctica")] {
            if let Some(t) = d.lookup(&fold(cont)).into_iter().find(|&i| d.entries[i as usize].feature == Feature::Continent) {
                d.add_demonym(dem, t);
            }
        }
        Ok(d)
    }

    fn add_demonym(&mut self, dem: &str, target: u32) {
        let k = fold(dem);
        if k.is_empty() {
            return;
        }
        // plural for nouns of people ("Syrians", "Filipinos"), not for "Chinese", "British"
        if !(k.ends_with('s') || k.ends_with("ese") || k.ends_with("sh") || k.ends_with("ch") || k.ends_with('i')) {
            self.demonyms.entry(format!("{k}s").into()).or_insert(target);
        }
        self.demonyms.entry(k.into()).or_insert(target);
    }

    /// Entries whose name or alternate name folds to `key`, in gazetteer order.
    pub fn lookup(&self, key: &str) -> Vec<u32> {
        let t = self.text;
        match self.keys.binary_search_by(|k| t[k.0 as usize..k.1 as usize].cmp(key)) {
            Ok(i) => {
                let k = self.keys[i];
                // ids beyond the entries (a damaged file) are skipped rather than trusted
                let n = self.entries.len() as u32;
                t[k.2 as usize..k.3 as usize].split(',').filter_map(|v| v.parse().ok()).filter(|&i| i < n).collect()
            }
            Err(_) => Vec::new(),
        }
    }

    /// Whether any entry has this folded name.
    pub fn has_name(&self, key: &str) -> bool {
        let t = self.text;
        self.keys.binary_search_by(|k| t[k.0 as usize..k.1 as usize].cmp(key)).is_ok()
    }

    /// Whether `key` is the preferred name of entry `idx`.
    pub fn is_primary(&self, idx: u32, key: &str) -> bool {
        self.entries.get(idx as usize).is_some_and(|e| fold(e.name) == key)
    }
}
