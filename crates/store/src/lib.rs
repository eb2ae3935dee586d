//! Wire formats and the event store.
//!
//! This crate owns every serialized form of dateline's data: the event and document JSON
//! contracts of DESIGN.md ([`wire`]), TSV and GDELT 2.0 rows, CSV and Parquet exports, and
//! the SQLite store.
#![warn(missing_docs)]

pub mod wire;
pub mod gdelt;
pub mod tsv;
