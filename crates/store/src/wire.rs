//! The JSON contracts (DESIGN.md, "Event JSON" and "Document JSON"). Field names and their
//! order are part of the contract: scripts depend on them.

use model::{Doc, Event, EventActor, Place};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Map, Value};

fn actor(a: &Option<EventActor>, text: &str) -> Value {
    match a {
        None => Value::Null,
        Some(a) => json!({
            "code": a.code, "country": a.country, "agent": a.agent, "name": a.name,
            "text": text.get(a.start..a.end).unwrap_or(""), "start": a.start, "end": a.end,
        }),
    }
}

/// A place as written inside an event.
pub fn place(p: &Place) -> Value {
    json!({"name": p.name, "country": p.country, "admin1": p.admin1, "lat": p.lat, "lon": p.lon,
           "geonames_id": p.geonames_id, "feature": p.feature})
}

/// An event's own fields (without the article-level ones), in contract order.
pub fn event_fields(e: &Event, text: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("sentence".into(), json!(e.sentence));
    m.insert(
        "evidence".into(),
        json!({"start": e.evidence.start, "end": e.evidence.end, "text": e.evidence.text(text)}),
    );
    m.insert("source".into(), actor(&e.source, text));
    m.insert("target".into(), actor(&e.target, text));
    m.insert("code".into(), json!(e.code));
    m.insert("root".into(), json!(e.root));
    m.insert("quad_class".into(), json!(e.quad_class));
    m.insert("goldstein".into(), json!(e.goldstein));
    m.insert("plover".into(), json!(e.plover));
    m.insert("plover_mode".into(), json!(e.plover_mode));
    m.insert("date".into(), json!(e.date));
    m.insert("date_precision".into(), json!(e.date_precision.map(|p| p.as_str())));
    m.insert("date_text".into(), json!(e.date_text));
    m.insert("place".into(), e.place.as_ref().map_or(Value::Null, place));
    m.insert("predicate".into(), json!({"start": e.predicate.start, "end": e.predicate.end, "text": e.predicate.text(text)}));
    m.insert("rule".into(), json!(e.rule));
    m.insert("negated".into(), json!(e.negated));
    m.insert("modality".into(), json!(e.modality.as_str()));
    m
}

/// One event line of `dateline code`: article-level fields first, then the event's.
pub fn event_line(doc: &Doc, e: &Event) -> Value {
    let a = &doc.article;
    let mut m = Map::new();
    m.insert("article".into(), json!(a.id));
    m.insert("url".into(), json!(a.url));
    m.insert("published".into(), json!(a.published.map(|d| d.to_string())));
    m.extend(event_fields(e, &a.text));
    Value::Object(m)
}

/// The document JSON of `dateline analyze`, serialized field by field: a long document is
/// never held as one JSON tree (each token, entity or event is built and written in turn).
pub struct DocJson<'a>(pub &'a Doc);

/// A JSON array written from items built one at a time.
struct Items<F>(F);

impl<F: Fn() -> I, I: Iterator<Item = Value>> Serialize for Items<F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

impl Serialize for DocJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let doc = self.0;
        let a = &doc.article;
        let text = a.text.as_str();
        let st = |s: usize, e: usize| text.get(s..e).unwrap_or("");
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("article", &a.id)?;
        m.serialize_entry("url", &a.url)?;
        m.serialize_entry("title", &a.title)?;
        m.serialize_entry("byline", &a.byline)?;
        m.serialize_entry("published", &a.published.map(|d| d.to_string()))?;
        m.serialize_entry("source", &a.source)?;
        m.serialize_entry("text", &a.text)?;
        m.serialize_entry("sentences", &Items(|| doc.sentences.iter().map(|s| json!({"start": s.start, "end": s.end}))))?;
        m.serialize_entry(
            "tokens",
            &Items(|| {
                doc.tokens.iter().map(|t| {
                    json!({"start": t.start, "end": t.end, "text": st(t.start, t.end), "upos": t.upos, "xpos": t.xpos,
                           "lemma": t.lemma, "head": t.head, "deprel": t.deprel})
                })
            }),
        )?;
        m.serialize_entry(
            "entities",
            &Items(|| doc.entities.iter().map(|e| json!({"start": e.start, "end": e.end, "label": e.label.as_str(), "text": st(e.start, e.end)}))),
        )?;
        m.serialize_entry(
            "times",
            &Items(|| {
                doc.times.iter().map(|t| {
                    json!({"start": t.start, "end": t.end, "type": format!("{:?}", t.kind), "value": t.value,
                           "mod": t.modifier, "text": st(t.start, t.end)})
                })
            }),
        )?;
        m.serialize_entry(
            "places",
            &Items(|| {
                doc.places.iter().map(|p| {
                    json!({"start": p.start, "end": p.end, "text": st(p.start, p.end), "name": p.place.name,
                           "country": p.place.country, "admin1": p.place.admin1, "lat": p.place.lat, "lon": p.place.lon,
                           "geonames_id": p.place.geonames_id, "feature": p.place.feature,
                           "population": p.place.population})
                })
            }),
        )?;
        m.serialize_entry(
            "actors",
            &Items(|| {
                doc.actors.iter().map(|m| {
                    json!({"start": m.start, "end": m.end, "code": m.code, "country": m.country, "agent": m.agent,
                           "name": m.name, "text": st(m.start, m.end), "entry": m.entry,
                           "antecedent": m.antecedent})
                })
            }),
        )?;
        m.serialize_entry("events", &Items(|| doc.events.iter().map(|e| Value::Object(event_fields(e, text)))))?;
        m.serialize_entry("diagnostics", &Items(|| doc.diagnostics.iter().map(|d| json!({"stage": d.stage, "message": d.message}))))?;
        m.end()
    }
}

/// The document JSON of `dateline analyze` as a JSON value (see [`DocJson`] to write it).
pub fn doc_json(doc: &Doc) -> Value {
    serde_json::to_value(DocJson(doc)).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{Article, Sentence, Token};

    #[test]
    fn token_fields_are_plain_json_strings() {
        let mut doc = Doc::new(Article { id: "a".into(), text: "Lavrov met".into(), ..Default::default() });
        doc.sentences.push(Sentence { start: 0, end: 10, token_start: 0, token_end: 2 });
        doc.tokens.push(Token { start: 0, end: 6, upos: "PROPN".into(), xpos: "NNP".into(), lemma: "Lavrov".into(), head: 1, deprel: "nsubj".into() });
        doc.tokens.push(Token { start: 7, end: 10, upos: "VERB".into(), xpos: "VBD".into(), lemma: "meet".into(), head: -1, deprel: "root".into() });
        let line = serde_json::to_string(&DocJson(&doc)).unwrap();
        assert!(line.contains(
            r#""tokens":[{"start":0,"end":6,"text":"Lavrov","upos":"PROPN","xpos":"NNP","lemma":"Lavrov","head":1,"deprel":"nsubj"},{"start":7,"end":10,"text":"met","upos":"VERB","xpos":"VBD","lemma":"meet","head":-1,"deprel":"root"}]"#
        ), "{line}");
        // the tree form agrees with the streamed one
        assert_eq!(doc_json(&doc).to_string(), line);
    }
}
