//! GDELT 2.0 event rows (61 tab-separated columns). STUB: to be completed by the store work.
use model::{Doc, Event};

/// One GDELT 2.0 event row (no trailing newline). `global_id` fills GLOBALEVENTID.
pub fn event_row(doc: &Doc, e: &Event, global_id: u64) -> String {
    let _ = (doc, e);
    let mut cols = vec![String::new(); 61];
    cols[0] = global_id.to_string();
    cols.join("\t")
}
