//! Exports of stored events: GDELT 2.0 rows, the event JSON Lines contract, CSV and Parquet.
//! Events are written in storage order (article, then event index); GDELT's GLOBALEVENTID is
//! the event's row id in the store, so it is stable across exports.

use crate::db::{event_from_row, Store, EVENT_COLUMNS};
use crate::parquet::{self, Cell, Column, Type};
use crate::query::Filter;
use crate::{gdelt, wire, Error, Result};
use model::{Doc, Event};
use std::io::Write;

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// GDELT 2.0 event rows, tab-separated, no header.
    Gdelt,
    /// One event JSON object per line (DESIGN.md "Event JSON").
    Jsonl,
    /// Flat CSV with a header row.
    Csv,
    /// Flat Parquet file (same columns as CSV).
    Parquet,
}

impl Format {
    /// Parses `gdelt`, `jsonl`, `csv`, `parquet`.
    pub fn parse(s: &str) -> Result<Format> {
        Ok(match s {
            "gdelt" => Format::Gdelt,
            "jsonl" => Format::Jsonl,
            "csv" => Format::Csv,
            "parquet" => Format::Parquet,
            o => return Err(Error::Invalid(format!("unknown export format '{o}' (expected gdelt, jsonl, csv or parquet)"))),
        })
    }
}

/// The flat columns of CSV and Parquet exports.
pub fn flat_schema() -> Vec<Column> {
    use Type::*;
    let c = Column::new;
    vec![
        c("id", Int64, false),
        c("article", Utf8, false),
        c("url", Utf8, true),
        c("published", Utf8, true),
        c("sentence", Int32, false),
        c("date", Utf8, true),
        c("date_precision", Utf8, true),
        c("day", Utf8, true),
        c("source", Utf8, true),
        c("source_country", Utf8, true),
        c("source_agent", Utf8, true),
        c("source_name", Utf8, true),
        c("source_text", Utf8, true),
        c("target", Utf8, true),
        c("target_country", Utf8, true),
        c("target_agent", Utf8, true),
        c("target_name", Utf8, true),
        c("target_text", Utf8, true),
        c("code", Utf8, false),
        c("root", Utf8, false),
        c("quad_class", Int32, false),
        c("goldstein", Double, false),
        c("plover", Utf8, true),
        c("place", Utf8, true),
        c("place_country", Utf8, true),
        c("lat", Double, true),
        c("lon", Double, true),
        c("geonames_id", Int64, true),
        c("rule", Utf8, false),
        c("negated", Bool, false),
        c("modality", Utf8, false),
        c("evidence", Utf8, false),
    ]
}

fn flat_cells<'a>(id: i64, doc: &'a Doc, e: &'a Event, day: Option<&'a str>, published: Option<&'a str>) -> Vec<Cell<'a>> {
    let text = doc.article.text.as_str();
    let s = |o: Option<&'a str>| o.map_or(Cell::Null, Cell::Str);
    let mut v = vec![
        Cell::I64(id),
        Cell::Str(&doc.article.id),
        s(doc.article.url.as_deref()),
        s(published),
        Cell::I32(e.sentence as i32),
        s(e.date.as_deref()),
        s(e.date_precision.map(|p| p.as_str())),
        s(day),
    ];
    for a in [&e.source, &e.target] {
        match a {
            None => v.extend([Cell::Null, Cell::Null, Cell::Null, Cell::Null, Cell::Null]),
            Some(a) => v.extend([
                Cell::Str(&a.code),
                s(a.country.as_deref()),
                s(a.agent.as_deref()),
                s(a.name.as_deref()),
                Cell::Str(text.get(a.start..a.end).unwrap_or("")),
            ]),
        }
    }
    let p = e.place.as_ref();
    let num = |x: Option<f64>| x.filter(|x| x.is_finite()).map_or(Cell::Null, Cell::F64);
    v.extend([
        Cell::Str(&e.code),
        Cell::Str(&e.root),
        Cell::I32(e.quad_class as i32),
        Cell::F64(e.goldstein as f64),
        s(e.plover.as_deref()),
        s(p.map(|p| p.name.as_str())),
        s(p.and_then(|p| p.country.as_deref())),
        num(p.map(|p| p.lat)),
        num(p.map(|p| p.lon)),
        p.and_then(|p| p.geonames_id).map_or(Cell::Null, |g| Cell::I64(g as i64)),
        Cell::Str(&e.rule),
        Cell::Bool(e.negated),
        Cell::Str(e.modality.as_str()),
        Cell::Str(e.evidence.text(text)),
    ]);
    v
}

fn csv_field(out: &mut Vec<u8>, c: &Cell) {
    match c {
        Cell::Null => {}
        Cell::I32(v) => out.extend_from_slice(v.to_string().as_bytes()),
        Cell::I64(v) => out.extend_from_slice(v.to_string().as_bytes()),
        Cell::F64(v) => out.extend_from_slice(v.to_string().as_bytes()),
        Cell::Bool(v) => out.extend_from_slice(if *v { b"true" } else { b"false" }),
        Cell::Str(s) => {
            if s.contains([',', '"', '\n', '\r']) {
                out.push(b'"');
                out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
                out.push(b'"');
            } else {
                out.extend_from_slice(s.as_bytes());
            }
        }
    }
}

/// Writes every event matching `filter` to `out` in `format`; returns the number of events.
pub fn export<W: Write>(store: &Store, filter: &Filter, format: Format, out: W) -> Result<u64> {
    let (w, params) = filter.to_sql()?;
    let sql = format!("SELECT events.id, events.article, events.day, {EVENT_COLUMNS} FROM events WHERE {w} ORDER BY events.article, events.idx");
    let mut st = store.conn().prepare(&sql)?;
    let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
    let mut doc: Option<(i64, Doc, Option<String>)> = None;
    let mut n = 0u64;
    let buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    let (mut text_out, mut pq) = match format {
        Format::Parquet => (None, Some(parquet::Writer::new(buffered, flat_schema())?)),
        _ => (Some(buffered), None),
    };
    let mut line: Vec<u8> = Vec::new();
    let mut wrote_header = false;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let rowid: i64 = r.get(1)?;
        let day: Option<String> = r.get(2)?;
        let e = event_from_row(r, 3)?;
        if doc.as_ref().map(|d| d.0) != Some(rowid) {
            let (a, _) = store.article_by_rowid(rowid)?.ok_or_else(|| Error::Invalid(format!("event {id}: article {rowid} missing")))?;
            let published = a.published.map(|d| d.to_string());
            doc = Some((rowid, Doc::new(a), published));
        }
        let (_, d, published) = doc.as_ref().expect("set above");
        line.clear();
        match format {
            Format::Gdelt => {
                line.extend_from_slice(gdelt::event_row(d, &e, id as u64).as_bytes());
                line.push(b'\n');
            }
            Format::Jsonl => {
                serde_json::to_writer(&mut line, &wire::event_line(d, &e)).map_err(|e| Error::Io(e.into()))?;
                line.push(b'\n');
            }
            Format::Csv => {
                if !wrote_header {
                    let names: Vec<String> = flat_schema().into_iter().map(|c| c.name).collect();
                    line.extend_from_slice(names.join(",").as_bytes());
                    line.push(b'\n');
                    wrote_header = true;
                }
                for (i, c) in flat_cells(id, d, &e, day.as_deref(), published.as_deref()).iter().enumerate() {
                    if i > 0 {
                        line.push(b',');
                    }
                    csv_field(&mut line, c);
                }
                line.push(b'\n');
            }
            Format::Parquet => {
                pq.as_mut().expect("parquet writer").push(&flat_cells(id, d, &e, day.as_deref(), published.as_deref()))?;
            }
        }
        if let Some(o) = text_out.as_mut() {
            o.write_all(&line)?;
        }
        n += 1;
    }
    if let Some(o) = text_out.as_mut() {
        if format == Format::Csv && !wrote_header {
            let names: Vec<String> = flat_schema().into_iter().map(|c| c.name).collect();
            writeln!(o, "{}", names.join(","))?;
        }
        o.flush()?;
    }
    if let Some(p) = pq {
        p.finish()?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::tests::synthetic_doc;

    fn store(name: &str) -> (Store, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("dateline-export-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("e.db");
        let _ = std::fs::remove_file(&path);
        let s = Store::open(&path).unwrap();
        s.begin().unwrap();
        for i in 0..3 {
            let mut d = synthetic_doc(&format!("e{i}"), 2);
            d.article.url = Some("https://example.org/a,\"b\"\n".into());
            s.insert_doc(&d).unwrap();
        }
        s.commit().unwrap();
        (s, dir)
    }

    #[test]
    fn exports_every_format() {
        let (s, dir) = store("all");
        let f = Filter::default();
        let mut g = Vec::new();
        assert_eq!(export(&s, &f, Format::Gdelt, &mut g).unwrap(), 6);
        let g = String::from_utf8(g).unwrap();
        assert_eq!(g.lines().count(), 6);
        assert!(g.lines().all(|l| l.split('\t').count() == 61));
        let mut j = Vec::new();
        export(&s, &f, Format::Jsonl, &mut j).unwrap();
        for l in String::from_utf8(j).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert_eq!(v["source"]["code"], "ATLGOV");
        }
        let mut c = Vec::new();
        export(&s, &f, Format::Csv, &mut c).unwrap();
        let c = String::from_utf8(c).unwrap();
        assert!(c.starts_with("id,article,url,"));
        assert!(c.contains("\"https://example.org/a,\"\"b\"\"\n\""));
        let mut p = Vec::new();
        export(&s, &f, Format::Parquet, &mut p).unwrap();
        assert_eq!(&p[..4], b"PAR1");
        let mut q = Vec::new();
        assert_eq!(export(&s, &Filter { root: Some("19".into()), ..Default::default() }, Format::Gdelt, &mut q).unwrap(), 3);
        std::fs::remove_dir_all(&dir).ok();
    }

    /// Reads a Parquet export back with pyarrow when python3 and pyarrow are installed.
    #[test]
    fn parquet_reads_back_in_pyarrow() {
        let ok = std::process::Command::new("python3").args(["-c", "import pyarrow.parquet"]).output().map(|o| o.status.success()).unwrap_or(false);
        if !ok {
            eprintln!("skipping: python3 with pyarrow not available (pip install pyarrow)");
            return;
        }
        let (s, dir) = store("pq");
        let path = dir.join("e.parquet");
        let n = export(&s, &Filter::default(), Format::Parquet, std::fs::File::create(&path).unwrap()).unwrap();
        let script = r#"
import sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
print(t.num_rows)
print(";".join(f"{f.name}:{f.type}" for f in t.schema))
print(t.column("source").to_pylist()[0], t.column("goldstein").to_pylist()[1], t.column("lat").to_pylist()[0], t.column("negated").to_pylist()[0])
"#;
        let o = std::process::Command::new("python3").args(["-c", script]).arg(&path).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8(o.stdout).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], n.to_string());
        let types: Vec<&str> = lines[1].split(';').collect();
        assert_eq!(types.len(), flat_schema().len());
        for (t, c) in types.iter().zip(flat_schema()) {
            let want = match c.ty {
                Type::Int32 => "int32",
                Type::Int64 => "int64",
                Type::Double => "double",
                Type::Bool => "bool",
                Type::Utf8 => "string",
            };
            assert_eq!(*t, format!("{}:{want}", c.name));
        }
        assert_eq!(lines[2], "ATLGOV -10.0 50.0 False");
        std::fs::remove_dir_all(&dir).ok();
    }
}
