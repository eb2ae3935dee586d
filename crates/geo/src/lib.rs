//! Gazetteer and toponym resolution: finds place names in a document, resolves each to a
//! GeoNames entry ([`Gazetteer`], the `geo` stage), and gives each coded event the place
//! where it happened ([`EventPlacer`]).
//!
//! The gazetteer (`data/gazetteer.bin`, built by `scripts/gazetteer/build.py` from GeoNames
//! data, CC BY 4.0 — see `data/ATTRIBUTION.md`) is compiled into the binary in a form that is
//! used in place: loading reads fixed-width records and decodes nothing else.
#![warn(missing_docs)]

pub mod data;
mod placer;
mod recognize;
pub mod text;

pub use data::{Entry, Feature};
pub use placer::EventPlacer;

use model::{Doc, Layer, Place, Stage};

static GAZETTEER_BIN: &[u8] = include_bytes!("../data/gazetteer.bin");

/// The gazetteer: GeoNames countries, first-level admin areas, cities of 1,000 people or
/// more, continents and a few hand-entered seas, regions and landmarks, indexed by folded
/// name and alternate name. As a [`Stage`] it fills `Doc::places`.
pub struct Gazetteer {
    data: data::Data,
}

impl Gazetteer {
    /// The gazetteer compiled into the binary.
    pub fn load_default() -> Result<Gazetteer, String> {
        Ok(Gazetteer { data: data::Data::from_bin(GAZETTEER_BIN, "crates/geo/data/gazetteer.bin")? })
    }

    /// A gazetteer from text in the format of `scripts/gazetteer/build.py` (custom
    /// gazetteers); `origin` names the source in errors. The text is kept for the life of the
    /// process, so load a custom gazetteer once and share it.
    pub fn from_text(text: &str, origin: &str) -> Result<Gazetteer, String> {
        let text: &'static str = Box::leak(text.to_string().into_boxed_str());
        Ok(Gazetteer { data: data::Data::from_text(text, origin)? })
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.data.entries.len()
    }

    /// Whether the gazetteer has no entries (never true for a loaded one).
    pub fn is_empty(&self) -> bool {
        self.data.entries.is_empty()
    }

    /// All entries whose name or alternate name matches `name` (case, diacritics and dots
    /// ignored), as places, most populous first.
    pub fn lookup(&self, name: &str) -> Vec<Place> {
        let mut v: Vec<u32> = self.data.lookup(&text::fold(name));
        v.sort_by_key(|&e| std::cmp::Reverse(self.data.entries[e as usize].population));
        v.into_iter().map(|e| recognize::to_place(&self.data, e)).collect()
    }

    /// The country entry for an ISO 3166-1 alpha-2 code.
    pub fn country(&self, iso2: &str) -> Option<Place> {
        self.data.countries.get(iso2).map(|&e| recognize::to_place(&self.data, e))
    }

    /// Finds and resolves the toponyms of `doc` (what [`Stage::run`] stores in `doc.places`).
    pub fn places(&self, doc: &Doc) -> Vec<model::PlaceMention> {
        recognize::recognize(&self.data, doc)
    }
}

impl Stage for Gazetteer {
    fn name(&self) -> &'static str {
        "geo"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Tokens]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Places]
    }
    fn run(&self, doc: &mut Doc) {
        doc.places = self.places(doc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// build.py indexes names with its own port of `text::fold`; every entry's preferred
    /// name must be found again through the Rust folding.
    #[test]
    fn every_entry_is_found_by_its_name() {
        let g = Gazetteer::load_default().unwrap();
        let mut missing = Vec::new();
        for (i, e) in g.data.entries.iter().enumerate() {
            if !g.data.lookup(&text::fold(e.name)).contains(&(i as u32)) {
                missing.push(e.name.to_string());
            }
        }
        assert!(missing.len() * 1000 <= g.data.entries.len(), "{} names not found, e.g. {:?}", missing.len(), &missing[..missing.len().min(10)]);
    }

    /// Start-up budget (issue 2): `cargo test --release -p geo -- --ignored --nocapture load_time`.
    #[test]
    #[ignore]
    fn load_time() {
        let mut best = f64::MAX;
        for _ in 0..10 {
            let t = std::time::Instant::now();
            let g = Gazetteer::load_default().unwrap();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            best = best.min(ms);
            eprintln!("load_default: {ms:.1} ms ({} entries)", g.len());
        }
        eprintln!("best {best:.1} ms");
    }
}
