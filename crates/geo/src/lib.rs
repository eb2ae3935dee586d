//! Gazetteer and toponym resolution. STUB.
use model::{Doc, Layer, Stage};

/// The gazetteer.
pub struct Gazetteer {}

impl Gazetteer {
    /// The gazetteer compiled into the binary.
    pub fn load_default() -> Result<Gazetteer, String> {
        Ok(Gazetteer {})
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
    fn run(&self, _doc: &mut Doc) {}
}

/// Places events.
#[derive(Default)]
pub struct EventPlacer {}

impl Stage for EventPlacer {
    fn name(&self) -> &'static str {
        "event-places"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Events, Layer::Places]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::EventPlaces]
    }
    fn run(&self, _doc: &mut Doc) {}
}
