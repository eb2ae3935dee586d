//! The gazetteer's entries and name index: parsed from the text form that
//! `scripts/gazetteer/build.py` writes (GeoNames data, CC BY 4.0), or used in place from the
//! binary form that `examples/pack_gazetteer.rs` packs it into (the built-in gazetteer).
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

/// Feature codes of the binary form (index = code).
const FEATURES: [Feature; 7] =
    [Feature::Continent, Feature::Country, Feature::Admin1, Feature::City, Feature::Region, Feature::Water, Feature::Landmark];

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

/// Magic bytes at the start of the binary gazetteer (format version 1).
pub const BIN_MAGIC: &[u8; 8] = b"DLGAZ02\n";
/// Bytes per entry record in the binary gazetteer.
const REC: usize = 44;
/// Header: magic, then `n_entries`, `n_keys`, `max_tokens`, `n_ids`, `strings_len`, `keys_len`,
/// `extra_len`.
const HEADER: usize = 8 + 7 * 4;

/// The folded-name index in the binary layout: keys are `keys[key_starts[i]..key_starts[i+1]]`
/// (sorted), their entries `ids[id_starts[i]..id_starts[i+1]]`; all arrays little-endian u32.
/// Borrowed straight from the embedded file, so loading builds nothing.
#[derive(Clone)]
struct Index {
    keys: &'static [u8],
    key_starts: &'static [u8],
    id_starts: &'static [u8],
    ids: &'static [u8],
    n: usize,
    /// Per bucket of keys (first two bytes, see [`bucket`]): where its run of keys starts
    /// (built on first use), so a search compares a few keys instead of the whole index.
    by_first: std::sync::OnceLock<Vec<u32>>,
}

/// The bucket of keys starting with bytes `a`, `b` (`b` = 0 for one-byte keys).
fn bucket(a: u8, b: u8) -> usize {
    (a as usize) << 8 | b as usize
}

fn u32_at(a: &[u8], i: usize) -> u32 {
    a.get(i * 4..i * 4 + 4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

impl Index {
    fn key(&self, i: usize) -> &'static [u8] {
        let (a, b) = (u32_at(self.key_starts, i) as usize, u32_at(self.key_starts, i + 1) as usize);
        self.keys.get(a..b).unwrap_or(&[])
    }
    /// The keys that share `key`'s first two bytes (its first byte for a one-byte `key`, all
    /// keys for an empty one).
    fn range(&self, key: &[u8]) -> (usize, usize) {
        let by = self.by_first.get_or_init(|| {
            // keys are sorted, and so are their buckets (first byte, second byte or 0): the
            // end of each bucket's run, then the running maximum gives each run's start
            let mut v = vec![0u32; (1 << 16) + 1];
            for i in 0..self.n {
                let k = self.key(i);
                if let Some(&c) = k.first() {
                    v[bucket(c, k.get(1).copied().unwrap_or(0)) + 1] = i as u32 + 1;
                }
            }
            for b in 1..v.len() {
                v[b] = v[b].max(v[b - 1]);
            }
            v
        });
        match *key {
            [] => (0, self.n),
            [c] => (by[bucket(c, 0)] as usize, by[bucket(c, 255) + 1] as usize),
            [c, d, ..] => (by[bucket(c, d)] as usize, by[bucket(c, d) + 1] as usize),
        }
    }
    fn find(&self, key: &str) -> Option<usize> {
        let key = key.as_bytes();
        let (mut lo, mut hi) = self.range(key);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.key(mid).cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }
    /// Whether some key starts with `prefix` (keys are sorted: those that do follow the
    /// first key not below it).
    fn has_prefix(&self, prefix: &str) -> bool {
        let p = prefix.as_bytes();
        let (mut lo, mut hi) = self.range(p);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.key(mid) < p {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo < self.n && self.key(lo).starts_with(p)
    }
    fn ids(&self, i: usize) -> impl Iterator<Item = u32> + '_ {
        (u32_at(self.id_starts, i) as usize..u32_at(self.id_starts, i + 1) as usize).map(|j| u32_at(self.ids, j))
    }
}

fn leak_u32s(v: &[u32]) -> &'static [u8] {
    Box::leak(v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>().into_boxed_slice())
}

/// Entries and the folded-name index over their names and alternate names.
pub struct Data {
    /// All entries.
    pub entries: Vec<Entry>,
    /// Name index, sorted by key, looked up by binary search.
    index: Index,
    /// The capital (`C`) and demonym (`D`) lines, kept to write the binary form.
    extra: &'static str,
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

    fn empty(n_entries: usize) -> Data {
        let index = Index { keys: &[], key_starts: &[], id_starts: &[], ids: &[], n: 0, by_first: Default::default() };
        Data {
            entries: Vec::with_capacity(n_entries),
            index,
            extra: "",
            demonyms: FxMap::default(),
            countries: HashMap::new(),
            capitals: HashMap::new(),
            admin1s: HashMap::new(),
            max_tokens: 1,
        }
    }

    fn push_entry(&mut self, e: Entry) {
        let idx = self.entries.len() as u32;
        match e.feature {
            Feature::Country => {
                self.countries.entry(e.country.into()).or_insert(idx);
            }
            Feature::Admin1 => {
                self.admin1s.entry((e.country.into(), e.admin1.into())).or_insert(idx);
            }
            _ => {}
        }
        self.entries.push(e);
    }

    /// Parses the text form written by `scripts/gazetteer/build.py`: entry lines, `C` capital
    /// and `D` demonym lines and `K` index lines (sorted by key). Entries borrow their strings
    /// from `text`, which therefore lives as long as the process (a gazetteer is loaded once
    /// and shared; this spares half a million small allocations at load). The built-in
    /// gazetteer is loaded from the binary form instead ([`Data::from_bin`]).
    pub fn from_text(text: &'static str, origin: &str) -> Result<Data, String> {
        let mut d = Data::empty(180_000);
        let mut extra = String::new();
        let mut keys = String::new();
        let mut key_starts: Vec<u32> = vec![0];
        let mut id_starts: Vec<u32> = vec![0];
        let mut ids: Vec<u32> = Vec::new();
        let mut last_key: &str = "";
        for (n, line) in text.split('\n').enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |what: &str| format!("{origin}:{}: {what}", n + 1);
            if let Some(rest) = line.strip_prefix("K\t") {
                let (key, list) = rest.split_once('\t').ok_or_else(|| err("index line without entries"))?;
                if key <= last_key && key_starts.len() > 1 {
                    return Err(err("index keys out of order"));
                }
                last_key = key;
                let spaces = key.bytes().filter(|&b| b == b' ').count() + 1;
                d.max_tokens = d.max_tokens.max(spaces);
                keys.push_str(key);
                key_starts.push(u32::try_from(keys.len()).map_err(|_| err("index too large"))?);
                // unparsable ids (a damaged file) are skipped rather than trusted
                ids.extend(list.split(',').filter_map(|v| v.parse::<u32>().ok()));
                id_starts.push(u32::try_from(ids.len()).map_err(|_| err("index too large"))?);
                continue;
            }
            if line.starts_with("C\t") || line.starts_with("D\t") {
                extra.push_str(line);
                extra.push('\n');
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
            d.push_entry(Entry { id, name, feature, country, admin1, lat, lon, population });
        }
        d.index = Index {
            keys: Box::leak(keys.into_bytes().into_boxed_slice()),
            key_starts: leak_u32s(&key_starts),
            id_starts: leak_u32s(&id_starts),
            ids: leak_u32s(&ids),
            n: key_starts.len() - 1,
            by_first: Default::default(),
        };
        d.extra = Box::leak(extra.into_boxed_str());
        d.finish(origin)?;
        Ok(d)
    }

    /// Loads the binary form written by [`Data::to_bin`] without copying: entries borrow
    /// their strings and the name index its arrays from `bytes`. A damaged file gives an
    /// error naming `origin`, never a panic.
    pub fn from_bin(bytes: &'static [u8], origin: &str) -> Result<Data, String> {
        let err = |what: &str| format!("{origin}: {what}");
        if bytes.len() < HEADER || &bytes[..8] != BIN_MAGIC {
            return Err(err("not a dateline binary gazetteer (bad magic)"));
        }
        let h = |i: usize| u32_at(&bytes[8..HEADER], i) as usize;
        let (n_entries, n_keys, max_tokens, n_ids, strings_len, keys_len, extra_len) = (h(0), h(1), h(2), h(3), h(4), h(5), h(6));
        let mut pos = HEADER;
        let mut take = |len: Option<usize>| -> Result<&'static [u8], String> {
            let end = len.and_then(|l| pos.checked_add(l)).filter(|&e| e <= bytes.len()).ok_or_else(|| err("truncated"))?;
            let s = &bytes[pos..end];
            pos = end;
            Ok(s)
        };
        let records = take(n_entries.checked_mul(REC))?;
        let key_starts = take(n_keys.checked_add(1).and_then(|n| n.checked_mul(4)))?;
        let id_starts = take(n_keys.checked_add(1).and_then(|n| n.checked_mul(4)))?;
        let ids = take(n_ids.checked_mul(4))?;
        let strings = take(Some(strings_len))?;
        // keys are compared as bytes and never handed out, so they need no UTF-8 check
        // (which would touch all their pages at start-up)
        let keys = take(Some(keys_len))?;
        let extra = take(Some(extra_len))?;
        let strs = std::str::from_utf8(strings).map_err(|e| err(&format!("strings not UTF-8: {e}")))?;
        let extra = std::str::from_utf8(extra).map_err(|e| err(&format!("extra lines not UTF-8: {e}")))?;
        let mut d = Data::empty(n_entries);
        for (i, r) in records.chunks_exact(REC).enumerate() {
            let u32le = |o: usize| u32::from_le_bytes([r[o], r[o + 1], r[o + 2], r[o + 3]]);
            let u64le = |o: usize| u64::from_le_bytes([r[o], r[o + 1], r[o + 2], r[o + 3], r[o + 4], r[o + 5], r[o + 6], r[o + 7]]);
            let s = |off: usize, len: usize| strs.get(off..off + len).ok_or_else(|| err(&format!("entry {i}: bad string offset")));
            let name = s(u32le(24) as usize, u16::from_le_bytes([r[36], r[37]]) as usize)?;
            let country = s(u32le(28) as usize, r[38] as usize)?;
            let admin1 = s(u32le(32) as usize, r[39] as usize)?;
            let feature = *FEATURES.get(r[40] as usize).ok_or_else(|| err(&format!("entry {i}: bad feature")))?;
            let (lat, lon) = (f32::from_bits(u32le(16)), f32::from_bits(u32le(20)));
            d.push_entry(Entry { id: u64le(0), name, feature, country, admin1, lat, lon, population: u64le(8) });
        }
        if u32_at(key_starts, n_keys) as usize > keys.len() || u32_at(id_starts, n_keys) as usize > n_ids {
            return Err(err("index points past its data"));
        }
        d.index = Index { keys, key_starts, id_starts, ids, n: n_keys, by_first: Default::default() };
        d.max_tokens = max_tokens.max(1);
        d.extra = extra;
        d.finish(origin)?;
        Ok(d)
    }

    /// The binary form read by [`Data::from_bin`] (written by `examples/pack_gazetteer.rs`):
    /// header, fixed-width entry records, the index arrays, the string blob of names and codes,
    /// the blob of index keys and the capital and demonym lines as text.
    pub fn to_bin(&self) -> Result<Vec<u8>, String> {
        let too_big = |what: &str| format!("gazetteer too large for the binary form: {what}");
        let mut strings: Vec<u8> = Vec::new();
        let mut interned: HashMap<&str, u32> = HashMap::new();
        let mut intern = |s: &'static str, strings: &mut Vec<u8>| -> Result<u32, String> {
            if let Some(&o) = interned.get(s) {
                return Ok(o);
            }
            let o = u32::try_from(strings.len()).map_err(|_| too_big("strings"))?;
            strings.extend_from_slice(s.as_bytes());
            interned.insert(s, o);
            Ok(o)
        };
        let mut records = Vec::with_capacity(self.entries.len() * REC);
        for e in &self.entries {
            let name_len = u16::try_from(e.name.len()).map_err(|_| too_big("name"))?;
            let country_len = u8::try_from(e.country.len()).map_err(|_| too_big("country code"))?;
            let admin1_len = u8::try_from(e.admin1.len()).map_err(|_| too_big("admin1 code"))?;
            // names are not interned: the same name mostly means a different place
            let name_off = u32::try_from(strings.len()).map_err(|_| too_big("strings"))?;
            strings.extend_from_slice(e.name.as_bytes());
            let country_off = intern(e.country, &mut strings)?;
            let admin1_off = intern(e.admin1, &mut strings)?;
            records.extend_from_slice(&e.id.to_le_bytes());
            records.extend_from_slice(&e.population.to_le_bytes());
            records.extend_from_slice(&e.lat.to_bits().to_le_bytes());
            records.extend_from_slice(&e.lon.to_bits().to_le_bytes());
            records.extend_from_slice(&name_off.to_le_bytes());
            records.extend_from_slice(&country_off.to_le_bytes());
            records.extend_from_slice(&admin1_off.to_le_bytes());
            records.extend_from_slice(&name_len.to_le_bytes());
            records.push(country_len);
            records.push(admin1_len);
            records.push(FEATURES.iter().position(|&f| f == e.feature).unwrap_or(0) as u8);
            records.extend_from_slice(&[0, 0, 0]);
        }
        let n_ids = self.index.ids.len() / 4;
        let mut out = Vec::with_capacity(HEADER + records.len() + strings.len() + self.index.ids.len() * 2);
        out.extend_from_slice(BIN_MAGIC);
        for v in [self.entries.len(), self.index.n, self.max_tokens, n_ids, strings.len(), self.index.keys.len(), self.extra.len()] {
            out.extend_from_slice(&u32::try_from(v).map_err(|_| too_big("count"))?.to_le_bytes());
        }
        out.extend_from_slice(&records);
        out.extend_from_slice(self.index.key_starts);
        out.extend_from_slice(self.index.id_starts);
        out.extend_from_slice(self.index.ids);
        out.extend_from_slice(&strings);
        out.extend_from_slice(self.index.keys);
        out.extend_from_slice(self.extra.as_bytes());
        Ok(out)
    }

    /// Capitals and demonyms from the `C`/`D` lines, and the demonyms no package ships.
    fn finish(&mut self, origin: &str) -> Result<(), String> {
        let d = self;
        if d.entries.is_empty() {
            return Err(format!("{origin}: no entries"));
        }
        let mut dems: Vec<(&str, &str)> = Vec::new();
        for line in d.extra.lines() {
            let err = |what: &str| format!("{origin}: '{line}': {what}");
            if let Some(rest) = line.strip_prefix("C\t") {
                let (cc, e) = rest.split_once('\t').ok_or_else(|| err("capital line without an entry"))?;
                let e: u32 = e.parse().map_err(|_| err("bad capital entry"))?;
                if (e as usize) < d.entries.len() {
                    d.capitals.insert(cc.into(), e);
                }
            } else if let Some(rest) = line.strip_prefix("D\t") {
                dems.push(rest.split_once('\t').ok_or_else(|| err("demonym line without a country"))?);
            }
        }
        for (dem, cc) in dems {
            if let Some(&t) = d.countries.get(cc) {
                d.add_demonym(dem, t);
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
        Ok(())
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
        // ids beyond the entries (a damaged file) are skipped rather than trusted
        let n = self.entries.len() as u32;
        self.index.find(key).map_or_else(Vec::new, |i| self.index.ids(i).filter(|&e| e < n).collect())
    }

    /// Whether some entry's folded name starts with `prefix` (one search, for skipping the
    /// lookups of every span that starts with a word no name starts with).
    pub fn has_name_prefix(&self, prefix: &str) -> bool {
        self.index.has_prefix(prefix)
    }

    /// Whether any entry has this folded name.
    pub fn has_name(&self, key: &str) -> bool {
        self.index.find(key).is_some()
    }

    /// Number of keys in the name index.
    pub fn index_len(&self) -> usize {
        self.index.n
    }

    /// Checks that `other` holds the same entries, name index, capitals, demonyms and admin
    /// areas (used to verify a packed gazetteer against its source); names the first difference.
    pub fn check_same(&self, other: &Data) -> Result<(), String> {
        if self.entries.len() != other.entries.len() {
            return Err(format!("{} entries vs {}", self.entries.len(), other.entries.len()));
        }
        for (i, (a, b)) in self.entries.iter().zip(&other.entries).enumerate() {
            let same = a.id == b.id && a.name == b.name && a.feature == b.feature && a.country == b.country && a.admin1 == b.admin1
                && a.lat.to_bits() == b.lat.to_bits() && a.lon.to_bits() == b.lon.to_bits() && a.population == b.population;
            if !same {
                return Err(format!("entry {i} differs: {a:?} vs {b:?}"));
            }
        }
        if self.index.n != other.index.n || self.max_tokens != other.max_tokens {
            return Err("index sizes differ".into());
        }
        for i in 0..self.index.n {
            let (ka, kb) = (self.index.key(i), other.index.key(i));
            if ka != kb || !self.index.ids(i).eq(other.index.ids(i)) {
                return Err(format!("index key {i} differs: {:?}", String::from_utf8_lossy(ka)));
            }
        }
        if self.demonyms != other.demonyms || self.countries != other.countries || self.capitals != other.capitals || self.admin1s != other.admin1s {
            return Err("capitals, demonyms, countries or admin areas differ".into());
        }
        Ok(())
    }

    /// Whether `key` is the preferred name of entry `idx`.
    pub fn is_primary(&self, idx: u32, key: &str) -> bool {
        self.entries.get(idx as usize).is_some_and(|e| fold(e.name) == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "# a small hand-written gazetteer\n\
1\tAsia\tcontinent\t\t\t29.8\t87.5\t0\n\
2\tSyria\tcountry\tSY\t\t35.0\t38.5\t17000000\n\
3\tDimashq\tadmin1\tSY\t13\t33.5\t36.3\t1000\n\
4\tDamascus\tcity\tSY\t13\t33.51\t36.29\t1569394\n\
5\tAleppo\tcity\tSY\t09\t36.2\t37.16\t1602264\n\
0\tGolan Heights\tregion\tSY\t\t33.0\t35.8\t0\n\
C\tSY\t3\n\
D\tSyrian\tSY\n\
K\taleppo\t4\n\
K\tasia\t0\n\
K\tdamascus\t3,2\n\
K\tdimashq\t2,3\n\
K\tgolan heights\t5\n\
K\tsyria\t1\n\
K\tsyrian arab republic\t1\n";

    fn text() -> Data {
        Data::from_text(Box::leak(TSV.to_string().into_boxed_str()), "test.tsv").unwrap()
    }

    #[test]
    fn binary_form_round_trips() {
        let d = text();
        let bin: &'static [u8] = Box::leak(d.to_bin().unwrap().into_boxed_slice());
        let b = Data::from_bin(bin, "test.bin").unwrap();
        d.check_same(&b).unwrap();
        assert_eq!(b.lookup("damascus"), vec![3, 2]);
        assert_eq!(b.lookup("syrian arab republic"), vec![1]);
        assert!(b.lookup("syri").is_empty() && !b.has_name("zzz") && b.has_name("aleppo"));
        assert_eq!(b.max_tokens, 3);
        assert_eq!(b.capitals.get("SY"), Some(&3));
        assert_eq!(b.demonyms.get("syrians"), Some(&1));
        assert_eq!(b.admin1s.get(&(Box::from("SY"), Box::from("13"))), Some(&2));
        assert_eq!(b.entries[5].feature, Feature::Region);
        assert_eq!(b.entries[3].lat, 33.51);
    }

    #[test]
    fn damaged_binary_is_an_error_not_a_panic() {
        let bin = text().to_bin().unwrap();
        for cut in [0, 7, 20, HEADER + 10, bin.len() / 2, bin.len() - 1] {
            let b: &'static [u8] = Box::leak(bin[..cut].to_vec().into_boxed_slice());
            assert!(Data::from_bin(b, "cut.bin").is_err(), "cut at {cut}");
        }
        // a string offset pointing past the blob
        let mut bad = bin.clone();
        bad[HEADER + 24..HEADER + 28].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(Data::from_bin(Box::leak(bad.into_boxed_slice()), "bad.bin").err().unwrap().contains("entry 0"));
        // garbage ids in the index are skipped at lookup
        let mut ids = bin.clone();
        let n = ids.len();
        let extra = TSV.lines().filter(|l| l.starts_with("C\t") || l.starts_with("D\t")).map(|l| l.len() + 1).sum::<usize>();
        let strings = u32::from_le_bytes([ids[8 + 16], ids[8 + 17], ids[8 + 18], ids[8 + 19]]) as usize;
        let keys = u32::from_le_bytes([ids[8 + 20], ids[8 + 21], ids[8 + 22], ids[8 + 23]]) as usize;
        let ids_end = n - extra - keys - strings;
        ids[ids_end - 4..ids_end].copy_from_slice(&u32::MAX.to_le_bytes());
        let d = Data::from_bin(Box::leak(ids.into_boxed_slice()), "ids.bin").unwrap();
        assert!(d.lookup("syrian arab republic").is_empty());
    }

    #[test]
    fn text_errors_name_the_line() {
        let e = Data::from_text("1\tX\tcity\tSY\t\tnorth\t1\t0\n", "bad.tsv").err().unwrap();
        assert!(e.starts_with("bad.tsv:1:") && e.contains("latitude"), "{e}");
        let e = Data::from_text("1\tX\tcity\tSY\t\t1\t1\t0\nK\tb\t0\nK\ta\t0\n", "bad.tsv").err().unwrap();
        assert!(e.starts_with("bad.tsv:3:"), "{e}");
    }

    #[test]
    fn searches_by_first_byte_agree_with_the_whole_index() {
        let d = Data::from_bin(crate::GAZETTEER_BIN, "gazetteer.bin").unwrap();
        let ix = &d.index;
        assert!(ix.n > 1000);
        for i in (0..ix.n).step_by(37) {
            let key = std::str::from_utf8(ix.key(i)).unwrap();
            assert_eq!(ix.find(key), Some(i), "{key}");
            for (k, _) in key.char_indices().skip(1) {
                assert!(d.has_name_prefix(&key[..k]), "{key} / {}", &key[..k]);
            }
            assert!(ix.find(&format!("{key}\u{1}")).is_none());
        }
        // against a scan of the whole index
        for p in ["", "a", "zz", "q", "new y", "xq", "damascu", "\u{7f}", "é", "syria"] {
            let scan = (0..ix.n).any(|i| ix.key(i).starts_with(p.as_bytes()));
            assert_eq!(d.has_name_prefix(p), scan, "{p:?}");
        }
    }
}
