//! Wire formats and the event store.
//!
//! This crate owns every serialized form of dateline's data: the event and document JSON
//! contracts of DESIGN.md ([`wire`]), TSV and GDELT 2.0 rows, CSV and Parquet exports, and
//! the SQLite store ([`db`], queried through [`query`]).
#![warn(missing_docs)]

pub mod wire;
pub mod gdelt;
pub mod tsv;
pub mod db;
pub mod query;
pub mod parquet;
pub mod export;

pub use db::Store;
pub use query::Filter;

use std::fmt;
use std::path::Path;

/// Errors of the store: SQLite, I/O, invalid user input, or a query that ran too long.
#[derive(Debug)]
pub enum Error {
    /// An SQLite error.
    Sql(rusqlite::Error),
    /// An I/O error.
    Io(std::io::Error),
    /// An invalid filter value or argument (the message says which).
    Invalid(String),
    /// A query was stopped by its time limit.
    Timeout,
}

impl Error {
    /// An SQLite error opening or preparing `path`.
    pub fn at(path: &Path, e: rusqlite::Error) -> Error {
        Error::Invalid(format!("{}: {e}", path.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Sql(e) => write!(f, "database: {e}"),
            Error::Io(e) => write!(f, "{e}"),
            Error::Invalid(m) => write!(f, "{m}"),
            Error::Timeout => write!(f, "query took too long and was stopped"),
        }
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::SqliteFailure(ref f, _) if f.code == rusqlite::ErrorCode::OperationInterrupted => Error::Timeout,
            e => Error::Sql(e),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

/// Result with the store's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
