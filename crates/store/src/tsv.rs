//! Tab-separated event rows for `dateline code --format tsv`.
use model::{Doc, Event};

/// Column names of [`event_row`].
pub const HEADER: &str = "article\tsentence\tdate\tsource\ttarget\tcode\troot\tquad_class\tgoldstein\tplover\tplace\trule\tevidence";

fn clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// One TSV row (no trailing newline); fields are free of tabs and newlines.
pub fn event_row(doc: &Doc, e: &Event) -> String {
    let text = &doc.article.text;
    let code = |a: &Option<model::EventActor>| a.as_ref().map_or(String::new(), |a| a.code.to_string());
    [
        doc.article.id.clone(),
        e.sentence.to_string(),
        e.date.as_deref().unwrap_or_default().to_string(),
        code(&e.source),
        code(&e.target),
        e.code.to_string(),
        e.root.to_string(),
        e.quad_class.to_string(),
        format!("{}", e.goldstein),
        e.plover.as_deref().unwrap_or_default().to_string(),
        e.place.as_ref().map_or(String::new(), |p| clean(&p.name)),
        clean(&e.rule),
        clean(e.evidence.text(text)),
    ]
    .join("\t")
}
