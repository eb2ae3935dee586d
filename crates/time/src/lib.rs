//! Temporal expressions. STUB.
use model::{Doc, Layer, Stage};

/// Finds and normalizes temporal expressions.
#[derive(Default)]
pub struct TimeTagger {}

impl Stage for TimeTagger {
    fn name(&self) -> &'static str {
        "time"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Tokens]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Times]
    }
    fn run(&self, _doc: &mut Doc) {}
}

/// Dates events from the temporal expressions attached to their predicates.
#[derive(Default)]
pub struct EventDater {}

impl Stage for EventDater {
    fn name(&self) -> &'static str {
        "event-dates"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Events, Layer::Times]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::EventDates]
    }
    fn run(&self, doc: &mut Doc) {
        if let Some(d) = doc.article.published {
            for e in &mut doc.events {
                if e.date.is_none() {
                    e.date = Some(d.to_string());
                    e.date_precision = Some(model::DatePrecision::Day);
                }
            }
        }
    }
}
