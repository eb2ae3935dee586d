//! The SQLite event store: schema, ingestion of analyzed documents, and reading them back.
//!
//! One file, WAL mode. Tables: `articles` (with their text, full-text indexed by the FTS5
//! table `articles_fts`), `actors`, `times`, `places` (the spans the pipeline found) and
//! `events` (one row per coded event, with everything needed to rebuild the [`Event`]).
//! An article and all its rows are written in the same transaction as the other articles of
//! its batch, so a killed ingest leaves only whole articles behind and a rerun resumes
//! where the last commit ended (articles are keyed by their id).

use crate::{Error, Result};
use model::{Article, ActorMention, Date, DatePrecision, Doc, Event, EventActor, Modality, Place, PlaceMention, Sentence, Span, TimeExpr, TimeKind};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};
use std::collections::HashSet;
use std::path::Path;

/// Schema version written to `meta`.
pub const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  url TEXT, title TEXT, byline TEXT, published TEXT, source TEXT, language TEXT,
  text TEXT NOT NULL, origin TEXT NOT NULL,
  num_articles INTEGER NOT NULL, num_sources INTEGER NOT NULL,
  sentences TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, text, content='articles', content_rowid='rowid');
CREATE TABLE IF NOT EXISTS actors (
  article INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
  code TEXT NOT NULL, country TEXT, agent TEXT, name TEXT, entry TEXT NOT NULL, antecedent INTEGER
);
CREATE TABLE IF NOT EXISTS times (
  article INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
  kind TEXT NOT NULL, value TEXT NOT NULL, modifier TEXT
);
CREATE TABLE IF NOT EXISTS places (
  article INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
  name TEXT NOT NULL, country TEXT, admin1 TEXT, lat REAL, lon REAL, geonames_id INTEGER,
  feature TEXT NOT NULL, population INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  article INTEGER NOT NULL, idx INTEGER NOT NULL, sentence INTEGER NOT NULL,
  ev_start INTEGER NOT NULL, ev_end INTEGER NOT NULL, pred_start INTEGER NOT NULL, pred_end INTEGER NOT NULL,
  src_code TEXT, src_country TEXT, src_agent TEXT, src_name TEXT, src_start INTEGER, src_end INTEGER,
  tgt_code TEXT, tgt_country TEXT, tgt_agent TEXT, tgt_name TEXT, tgt_start INTEGER, tgt_end INTEGER,
  code TEXT NOT NULL, root TEXT NOT NULL, quad_class INTEGER NOT NULL, goldstein REAL NOT NULL,
  plover TEXT, plover_mode TEXT,
  date TEXT, date_precision TEXT, date_text TEXT, day TEXT,
  place_name TEXT, place_country TEXT, place_admin1 TEXT, lat REAL, lon REAL, geonames_id INTEGER,
  place_feature TEXT, place_population INTEGER, place_start INTEGER, place_end INTEGER,
  rule TEXT NOT NULL, negated INTEGER NOT NULL, modality TEXT NOT NULL,
  UNIQUE (article, idx)
);
"#;

/// Secondary indexes. A bulk load into an empty store drops them and builds them once at the
/// end (sorting is much cheaper than a million random B-tree inserts); [`Store::open`] builds
/// any that are missing, so a store whose bulk load was killed gets them on the next open.
const INDEXES: &str = r#"
CREATE INDEX IF NOT EXISTS actors_article ON actors(article);
CREATE INDEX IF NOT EXISTS actors_code ON actors(code);
CREATE INDEX IF NOT EXISTS times_article ON times(article);
CREATE INDEX IF NOT EXISTS places_article ON places(article);
CREATE INDEX IF NOT EXISTS events_src_day ON events(src_code, day);
CREATE INDEX IF NOT EXISTS events_tgt_day ON events(tgt_code, day);
CREATE INDEX IF NOT EXISTS events_day ON events(day);
"#;

/// The indexes [`Store::begin_bulk`] drops.
const DEFERRED_INDEXES: [&str; 7] =
    ["actors_article", "actors_code", "times_article", "places_article", "events_src_day", "events_tgt_day", "events_day"];

/// `meta` key set while a bulk load has indexes and full-text entries still to build.
const BULK_PENDING: &str = "bulk_pending";

/// A connection to a store file.
pub struct Store {
    conn: Connection,
    /// In a bulk load (see [`Store::begin_bulk`]): full-text entries are built at the end.
    bulk: std::cell::Cell<bool>,
}

/// Counts of what a store holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Stored articles.
    pub articles: u64,
    /// Stored events.
    pub events: u64,
}

fn opt_date(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// The day an event is filed under for filtering and grouping (`YYYY-MM-DD`): the event's
/// date (the first day of its month or year when less precise), else the publication date.
pub fn filing_day(e: &Event, published: Option<Date>) -> Option<String> {
    if let Some(v) = e.date.as_deref() {
        let v = v.trim();
        let b = v.as_bytes();
        let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
        let day = if b.len() >= 10 && Date::parse(&v[..10]).is_some() {
            Some(v[..10].to_string())
        } else if b.len() == 7 && b[4] == b'-' && digits(&b[..4]) && digits(&b[5..]) {
            Date::parse(&format!("{v}-01")).map(|d| d.to_string())
        } else if b.len() == 4 && digits(b) {
            Some(format!("{v}-01-01"))
        } else {
            None
        };
        if day.is_some() {
            return day;
        }
    }
    opt_date(published)
}

fn precision_str(p: Option<DatePrecision>) -> Option<&'static str> {
    p.map(|p| p.as_str())
}

fn parse_precision(s: Option<String>) -> Option<DatePrecision> {
    Some(match s?.as_str() {
        "day" => DatePrecision::Day,
        "month" => DatePrecision::Month,
        "year" => DatePrecision::Year,
        "fuzzy" => DatePrecision::Fuzzy,
        _ => return None,
    })
}

pub(crate) fn parse_modality(s: &str) -> Modality {
    match s {
        "planned" => Modality::Planned,
        "possible" => Modality::Possible,
        _ => Modality::Asserted,
    }
}

fn parse_time_kind(s: &str) -> TimeKind {
    match s {
        "TIME" => TimeKind::TIME,
        "DURATION" => TimeKind::DURATION,
        "SET" => TimeKind::SET,
        _ => TimeKind::DATE,
    }
}

fn u(v: i64) -> usize {
    v.max(0) as usize
}

/// Refuses a store written by another schema version, with a message saying what to do.
fn check_schema_version(conn: &Connection, path: &Path) -> Result<()> {
    let has_meta = conn
        .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'", [], |_| Ok(()))
        .optional()
        .map_err(|e| Error::at(path, e))?
        .is_some();
    if !has_meta {
        return Ok(());
    }
    let v: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))
        .optional()
        .map_err(|e| Error::at(path, e))?;
    match v.as_deref().map(str::parse::<i64>) {
        None => Ok(()),
        Some(Ok(SCHEMA_VERSION)) => Ok(()),
        Some(Ok(v)) if v > SCHEMA_VERSION => Err(Error::Invalid(format!(
            "{}: store has schema version {v}, newer than this dateline's {SCHEMA_VERSION}; use a newer dateline",
            path.display()
        ))),
        Some(_) => Err(Error::Invalid(format!(
            "{}: store has schema version {}, this dateline reads version {SCHEMA_VERSION}; re-ingest into a new store",
            path.display(),
            v.unwrap_or_default()
        ))),
    }
}

impl Store {
    /// Opens (creating if needed) a store for writing: WAL mode, schema created.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path).map_err(|e| Error::at(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // page_size only takes effect on a new file (before WAL mode is set); 8 KiB pages
        // halve the B-tree overhead of the wide event rows.
        conn.execute_batch("PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-262144; PRAGMA mmap_size=1073741824; PRAGMA wal_autocheckpoint=16384;")
            .map_err(|e| Error::at(path, e))?;
        check_schema_version(&conn, path)?;
        conn.execute_batch(SCHEMA).map_err(|e| Error::at(path, e))?;
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?1)", params![SCHEMA_VERSION.to_string()])?;
        let store = Store { conn, bulk: std::cell::Cell::new(false) };
        // A bulk load that was interrupted: build what it deferred (indexes, full-text).
        store.finish_bulk()?;
        Ok(store)
    }

    /// Starts a bulk load. When the store holds no events yet, the secondary indexes are
    /// dropped and the full-text entries skipped until [`Store::finish_bulk`], which builds
    /// them in one pass each; a `meta` flag, committed with the dropped indexes, makes the
    /// next [`Store::open`] finish the job if this process is killed first. Returns whether
    /// the deferral is active (a non-empty store is loaded row by row, indexes kept).
    /// Call outside a transaction.
    pub fn begin_bulk(&self) -> Result<bool> {
        let empty = self.conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM events) AND NOT EXISTS (SELECT 1 FROM articles)", [], |r| r.get::<_, bool>(0))?;
        if !empty {
            return Ok(false);
        }
        self.atomically(|| {
            self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, '1')", [BULK_PENDING])?;
            for name in DEFERRED_INDEXES {
                // Fixed names from DEFERRED_INDEXES (no user input).
                self.conn.execute_batch(&format!("DROP INDEX IF EXISTS {name}"))?;
            }
            Ok(())
        })?;
        // Losing the last commits to a power cut is acceptable during a bulk load (a rerun
        // redoes them); a killed process loses nothing committed either way in WAL mode.
        self.conn.execute_batch("PRAGMA synchronous=OFF; PRAGMA wal_autocheckpoint=65536;")?;
        self.bulk.set(true);
        Ok(true)
    }

    /// Ends a bulk load (a no-op when none is pending): builds the deferred indexes and the
    /// full-text index, updates the planner statistics and clears the flag, in one
    /// transaction. Call outside a transaction.
    pub fn finish_bulk(&self) -> Result<()> {
        // Also when another writer finished it meanwhile: this one skipped full-text entries.
        let pending = self.bulk.get() || self.conn.query_row("SELECT 1 FROM meta WHERE key = ?1", [BULK_PENDING], |_| Ok(())).optional()?.is_some();
        self.bulk.set(false);
        if pending {
            self.atomically(|| {
                // Sorting in several smaller runs (merged, on helper threads) costs less than
                // one big in-memory sort of a million keys.
                self.conn.execute_batch("PRAGMA cache_size=-8192; PRAGMA threads=2;")?;
                let built = self.conn.execute_batch(INDEXES);
                self.conn.execute_batch("PRAGMA cache_size=-262144;")?;
                built?;
                self.conn.execute_batch("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")?;
                self.conn.execute("DELETE FROM meta WHERE key = ?1", [BULK_PENDING])?;
                Ok(())
            })?;
            self.conn.execute_batch("PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=16384; PRAGMA wal_checkpoint(TRUNCATE);")?;
        } else {
            self.conn.execute_batch(INDEXES)?;
        }
        Ok(())
    }

    /// Opens an existing store read-only (`SQLITE_OPEN_READ_ONLY`): no statement can change it.
    pub fn open_readonly(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(Error::Invalid(format!("{}: no such database", path.display())));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| Error::at(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // No mmap: pages read through mmap are re-parsed on every visit, while the page
        // cache keeps them parsed (the server's workers keep their connection for good).
        conn.execute_batch("PRAGMA query_only=ON; PRAGMA cache_size=-131072; PRAGMA mmap_size=0;").map_err(|e| Error::at(path, e))?;
        // Fail early on a file that is not a dateline store.
        conn.query_row("SELECT value FROM meta WHERE key='schema_version'", [], |r| r.get::<_, String>(0))
            .map_err(|e| Error::Invalid(format!("{}: not a dateline store ({e})", path.display())))?;
        check_schema_version(&conn, path)?;
        Ok(Store { conn, bulk: std::cell::Cell::new(false) })
    }

    /// The underlying connection (for the query module and tests).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Ids of every stored article (to skip them before analysis).
    pub fn article_ids(&self) -> Result<HashSet<String>> {
        let mut st = self.conn.prepare("SELECT id FROM articles")?;
        let ids = st.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<HashSet<_>>>()?;
        Ok(ids)
    }

    /// Whether an article with this id is stored.
    pub fn has_article(&self, id: &str) -> Result<bool> {
        Ok(self.conn.query_row("SELECT 1 FROM articles WHERE id=?1", [id], |_| Ok(())).optional()?.is_some())
    }

    /// Runs `f` in one immediate transaction: committed when it succeeds, rolled back when
    /// it fails.
    fn atomically(&self, f: impl FnOnce() -> Result<()>) -> Result<()> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match f() {
            Ok(()) => Ok(self.conn.execute_batch("COMMIT")?),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Starts a transaction (see [`Store::commit`]).
    pub fn begin(&self) -> Result<()> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    /// Commits the open transaction.
    pub fn commit(&self) -> Result<()> {
        self.conn.execute_batch("COMMIT")?;
        Ok(())
    }

    /// Stores a document: the article, its actor/time/place spans and its events. Returns
    /// `false` (storing nothing) when an article with the same id is already stored.
    /// Call inside [`Store::begin`]/[`Store::commit`] for speed and atomicity.
    pub fn insert_doc(&self, doc: &Doc) -> Result<bool> {
        let a = &doc.article;
        let sentences = serde_json::to_string(&doc.sentences.iter().map(|s| [s.start, s.end]).collect::<Vec<_>>())
            .unwrap_or_else(|_| "[]".into());
        let mut st = self.conn.prepare_cached(
            "INSERT OR IGNORE INTO articles(id, url, title, byline, published, source, language, text, origin, num_articles, num_sources, sentences)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        let n = st.execute(params![
            a.id, a.url, a.title, a.byline, opt_date(a.published), a.source, a.language, a.text, a.origin,
            a.num_articles, a.num_sources, sentences
        ])?;
        if n == 0 {
            return Ok(false);
        }
        let rowid = self.conn.last_insert_rowid();
        if !self.bulk.get() {
            self.conn
                .prepare_cached("INSERT INTO articles_fts(rowid, title, text) VALUES (?1, ?2, ?3)")?
                .execute(params![rowid, a.title, a.text])?;
        }
        let mut st = self.conn.prepare_cached(
            "INSERT INTO actors(article, start, \"end\", code, country, agent, name, entry, antecedent) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
        )?;
        for m in &doc.actors {
            st.execute(params![rowid, m.start as i64, m.end as i64, m.code.as_str(), m.country.as_deref(), m.agent.as_deref(), m.name.as_deref(), m.entry.as_str(), m.antecedent.map(|x| x as i64)])?;
        }
        let mut st = self.conn.prepare_cached("INSERT INTO times(article, start, \"end\", kind, value, modifier) VALUES (?1,?2,?3,?4,?5,?6)")?;
        for t in &doc.times {
            st.execute(params![rowid, t.start as i64, t.end as i64, format!("{:?}", t.kind), t.value, t.modifier])?;
        }
        let mut st = self.conn.prepare_cached(
            "INSERT INTO places(article, start, \"end\", name, country, admin1, lat, lon, geonames_id, feature, population) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
        )?;
        for p in &doc.places {
            let q = &p.place;
            st.execute(params![rowid, p.start as i64, p.end as i64, q.name, q.country, q.admin1, q.lat, q.lon, q.geonames_id.map(|x| x as i64), q.feature, q.population as i64])?;
        }
        if !doc.events.is_empty() {
            let mut st = self.conn.prepare_cached(INSERT_EVENT)?;
            for (i, e) in doc.events.iter().enumerate() {
                bind_event(&mut st, rowid, i, e, a.published)?;
            }
        }
        Ok(true)
    }

    /// Inserts one event row of article `rowid` (its `idx`-th event).
    pub fn insert_event(&self, article_rowid: i64, idx: usize, e: &Event, published: Option<Date>) -> Result<()> {
        let mut st = self.conn.prepare_cached(INSERT_EVENT)?;
        bind_event(&mut st, article_rowid, idx, e, published)
    }

    /// Article and event counts.
    pub fn stats(&self) -> Result<Stats> {
        let articles: i64 = self.conn.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
        let events: i64 = self.conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
        Ok(Stats { articles: articles as u64, events: events as u64 })
    }

    /// The article with this rowid, without its analysis layers.
    pub fn article_by_rowid(&self, rowid: i64) -> Result<Option<(Article, Vec<Sentence>)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, url, title, byline, published, source, language, text, origin, num_articles, num_sources, sentences FROM articles WHERE rowid=?1",
        )?;
        Ok(st.query_row([rowid], article_from_row).optional()?)
    }

    /// The rowid of the article with this id.
    pub fn article_rowid(&self, id: &str) -> Result<Option<i64>> {
        Ok(self.conn.query_row("SELECT rowid FROM articles WHERE id=?1", [id], |r| r.get(0)).optional()?)
    }

    /// Rebuilds the whole document of article `rowid`: article, sentences (spans only), actor
    /// mentions, times, places and events. Tokens and entities are not stored.
    pub fn doc(&self, rowid: i64) -> Result<Option<Doc>> {
        let Some((article, sentences)) = self.article_by_rowid(rowid)? else { return Ok(None) };
        let mut doc = Doc::new(article);
        doc.sentences = sentences;
        let mut st = self.conn.prepare_cached(
            "SELECT start, \"end\", code, country, agent, name, entry, antecedent FROM actors WHERE article=?1 ORDER BY rowid",
        )?;
        doc.actors = st
            .query_map([rowid], |r| {
                Ok(ActorMention {
                    start: u(r.get(0)?),
                    end: u(r.get(1)?),
                    code: r.get::<_, String>(2)?.into(),
                    country: r.get::<_, Option<String>>(3)?.map(Into::into),
                    agent: r.get::<_, Option<String>>(4)?.map(Into::into),
                    name: r.get::<_, Option<String>>(5)?.map(Into::into),
                    entry: r.get::<_, String>(6)?.into(),
                    antecedent: r.get::<_, Option<i64>>(7)?.map(u),
                    ..Default::default()
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = self.conn.prepare_cached("SELECT start, \"end\", kind, value, modifier FROM times WHERE article=?1 ORDER BY rowid")?;
        doc.times = st
            .query_map([rowid], |r| {
                Ok(TimeExpr { start: u(r.get(0)?), end: u(r.get(1)?), kind: parse_time_kind(&r.get::<_, String>(2)?), value: r.get(3)?, modifier: r.get(4)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = self.conn.prepare_cached(
            "SELECT start, \"end\", name, country, admin1, lat, lon, geonames_id, feature, population FROM places WHERE article=?1 ORDER BY rowid",
        )?;
        doc.places = st
            .query_map([rowid], |r| {
                Ok(PlaceMention {
                    start: u(r.get(0)?),
                    end: u(r.get(1)?),
                    place: Place {
                        name: r.get(2)?,
                        country: r.get(3)?,
                        admin1: r.get(4)?,
                        lat: r.get::<_, Option<f64>>(5)?.unwrap_or(f64::NAN),
                        lon: r.get::<_, Option<f64>>(6)?.unwrap_or(f64::NAN),
                        geonames_id: r.get::<_, Option<i64>>(7)?.map(|x| x as u64),
                        feature: r.get(8)?,
                        population: r.get::<_, i64>(9)? as u64,
                    },
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = self.conn.prepare_cached(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE article=?1 ORDER BY idx"))?;
        doc.events = st.query_map([rowid], |r| event_from_row(r, 0))?.collect::<rusqlite::Result<_>>()?;
        Ok(Some(doc))
    }
}

/// The statement that stores one event.
const INSERT_EVENT: &str = "INSERT INTO events(article, idx, sentence, ev_start, ev_end, pred_start, pred_end,
               src_code, src_country, src_agent, src_name, src_start, src_end,
               tgt_code, tgt_country, tgt_agent, tgt_name, tgt_start, tgt_end,
               code, root, quad_class, goldstein, plover, plover_mode, date, date_precision, date_text, day,
               place_name, place_country, place_admin1, lat, lon, geonames_id, place_feature, place_population, place_start, place_end,
               rule, negated, modality)
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28,?29,?30,?31,?32,?33,?34,?35,?36,?37,?38,?39,?40,?41,?42)";

/// Binds and runs [`INSERT_EVENT`] for one event (prepared once per document).
fn bind_event(st: &mut rusqlite::CachedStatement<'_>, article_rowid: i64, idx: usize, e: &Event, published: Option<Date>) -> Result<()> {
    let s = e.source.as_ref();
    let t = e.target.as_ref();
    let p = e.place.as_ref();
    let finite = |x: f64| x.is_finite().then_some(x);
    st.execute(params![
        article_rowid, idx as i64, e.sentence as i64, e.evidence.start as i64, e.evidence.end as i64,
        e.predicate.start as i64, e.predicate.end as i64,
        s.map(|a| a.code.as_str()), s.and_then(|a| a.country.as_deref()), s.and_then(|a| a.agent.as_deref()), s.and_then(|a| a.name.as_deref()),
        s.map(|a| a.start as i64), s.map(|a| a.end as i64),
        t.map(|a| a.code.as_str()), t.and_then(|a| a.country.as_deref()), t.and_then(|a| a.agent.as_deref()), t.and_then(|a| a.name.as_deref()),
        t.map(|a| a.start as i64), t.map(|a| a.end as i64),
        e.code.as_str(), e.root.as_str(), e.quad_class, if e.goldstein.is_finite() { e.goldstein as f64 } else { 0.0 },
        e.plover.as_deref(), e.plover_mode.as_deref(), e.date.as_deref(), precision_str(e.date_precision), e.date_text.as_deref(), filing_day(e, published),
        p.map(|p| &p.name), p.and_then(|p| p.country.as_ref()), p.and_then(|p| p.admin1.as_ref()),
        p.and_then(|p| finite(p.lat)), p.and_then(|p| finite(p.lon)), p.and_then(|p| p.geonames_id.map(|x| x as i64)),
        p.map(|p| &p.feature), p.map(|p| p.population as i64),
        e.place_span.map(|s| s.start as i64), e.place_span.map(|s| s.end as i64),
        e.rule.as_str(), e.negated, e.modality.as_str()
    ])?;
    Ok(())
}

fn article_from_row(r: &Row) -> rusqlite::Result<(Article, Vec<Sentence>)> {
    let published: Option<String> = r.get(4)?;
    let sentences: String = r.get(11)?;
    let spans: Vec<[usize; 2]> = serde_json::from_str(&sentences).unwrap_or_default();
    Ok((
        Article {
            id: r.get(0)?,
            url: r.get(1)?,
            title: r.get(2)?,
            byline: r.get(3)?,
            published: published.as_deref().and_then(Date::parse),
            source: r.get(5)?,
            language: r.get(6)?,
            text: r.get(7)?,
            origin: r.get(8)?,
            num_articles: r.get::<_, i64>(9)? as u32,
            num_sources: r.get::<_, i64>(10)? as u32,
        },
        spans.into_iter().map(|[s, e]| Sentence { start: s, end: e, token_start: 0, token_end: 0 }).collect(),
    ))
}

/// The event columns [`event_from_row`] reads, in order (prefix them with nothing: they are
/// unambiguous in joins with `articles` only when qualified, so joins use `events.` forms).
pub const EVENT_COLUMNS: &str = "events.sentence, events.ev_start, events.ev_end, events.pred_start, events.pred_end,
  events.src_code, events.src_country, events.src_agent, events.src_name, events.src_start, events.src_end,
  events.tgt_code, events.tgt_country, events.tgt_agent, events.tgt_name, events.tgt_start, events.tgt_end,
  events.code, events.root, events.quad_class, events.goldstein, events.plover, events.plover_mode,
  events.date, events.date_precision, events.date_text,
  events.place_name, events.place_country, events.place_admin1, events.lat, events.lon, events.geonames_id,
  events.place_feature, events.place_population, events.place_start, events.place_end,
  events.rule, events.negated, events.modality";

/// Number of columns in [`EVENT_COLUMNS`].
pub const EVENT_COLUMN_COUNT: usize = 39;

/// Rebuilds an [`Event`] from [`EVENT_COLUMNS`] starting at column `o`.
pub fn event_from_row(r: &Row, o: usize) -> rusqlite::Result<Event> {
    let actor = |k: usize| -> rusqlite::Result<Option<EventActor>> {
        let code: Option<String> = r.get(o + k)?;
        Ok(match code {
            None => None,
            Some(code) => Some(EventActor {
                code: code.into(),
                country: r.get::<_, Option<String>>(o + k + 1)?.map(Into::into),
                agent: r.get::<_, Option<String>>(o + k + 2)?.map(Into::into),
                name: r.get::<_, Option<String>>(o + k + 3)?.map(Into::into),
                start: u(r.get::<_, Option<i64>>(o + k + 4)?.unwrap_or(0)),
                end: u(r.get::<_, Option<i64>>(o + k + 5)?.unwrap_or(0)),
            }),
        })
    };
    let place_name: Option<String> = r.get(o + 26)?;
    let place = match place_name {
        None => None,
        Some(name) => Some(Place {
            name,
            country: r.get(o + 27)?,
            admin1: r.get(o + 28)?,
            lat: r.get::<_, Option<f64>>(o + 29)?.unwrap_or(f64::NAN),
            lon: r.get::<_, Option<f64>>(o + 30)?.unwrap_or(f64::NAN),
            geonames_id: r.get::<_, Option<i64>>(o + 31)?.map(|x| x as u64),
            feature: r.get::<_, Option<String>>(o + 32)?.unwrap_or_default(),
            population: r.get::<_, Option<i64>>(o + 33)?.unwrap_or(0) as u64,
        }),
    };
    let ps: Option<i64> = r.get(o + 34)?;
    let pe: Option<i64> = r.get(o + 35)?;
    Ok(Event {
        sentence: u(r.get(o)?),
        evidence: Span::new(u(r.get(o + 1)?), u(r.get(o + 2)?)),
        predicate: Span::new(u(r.get(o + 3)?), u(r.get(o + 4)?)),
        source: actor(5)?,
        target: actor(11)?,
        code: r.get::<_, String>(o + 17)?.into(),
        root: r.get::<_, String>(o + 18)?.into(),
        quad_class: r.get::<_, i64>(o + 19)?.clamp(0, 255) as u8,
        goldstein: r.get::<_, f64>(o + 20)? as f32,
        plover: r.get::<_, Option<String>>(o + 21)?.map(Into::into),
        plover_mode: r.get::<_, Option<String>>(o + 22)?.map(Into::into),
        date: r.get::<_, Option<String>>(o + 23)?.map(Into::into),
        date_precision: parse_precision(r.get(o + 24)?),
        date_text: r.get::<_, Option<String>>(o + 25)?.map(Into::into),
        place,
        place_span: ps.zip(pe).map(|(s, e)| Span::new(u(s), u(e))),
        rule: r.get::<_, String>(o + 36)?.into(),
        negated: r.get(o + 37)?,
        modality: parse_modality(&r.get::<_, String>(o + 38)?),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A synthetic analyzed document with `n` events (written for tests, not taken from data).
    pub fn synthetic_doc(id: &str, n: usize) -> Doc {
        let text = format!("Atlantis's President met Lilliput's Foreign Minister in Ruritania on Monday. Story {id}.");
        let mut doc = Doc::new(Article {
            id: id.into(),
            url: Some(format!("https://example.org/{id}")),
            title: Some(format!("Title {id}")),
            published: Date::parse("2021-03-04"),
            text: text.clone(),
            origin: "test".into(),
            num_articles: 1,
            num_sources: 1,
            ..Default::default()
        });
        doc.sentences.push(Sentence { start: 0, end: 76, token_start: 0, token_end: 0 });
        doc.actors.push(ActorMention { start: 0, end: 20, code: "ATLGOV".into(), country: Some("ATL".into()), agent: Some("GOV".into()), entry: "test".into(), ..Default::default() });
        doc.times.push(TimeExpr { start: 69, end: 75, kind: TimeKind::DATE, value: "2021-03-01".into(), modifier: None });
        doc.places.push(PlaceMention { start: 56, end: 65, place: Place { name: "Ruritania".into(), country: Some("RU".into()), lat: 50.0, lon: 20.0, feature: "country".into(), ..Default::default() } });
        for i in 0..n {
            doc.events.push(Event {
                sentence: 0,
                evidence: Span::new(0, 76),
                predicate: Span::new(21, 24),
                source: Some(EventActor { code: "ATLGOV".into(), country: Some("ATL".into()), agent: Some("GOV".into()), name: None, start: 0, end: 20 }),
                target: Some(EventActor { code: "LILGOV".into(), country: Some("LIL".into()), agent: Some("GOV".into()), name: Some("Gulliver".into()), start: 25, end: 52 }),
                code: if i % 2 == 0 { "040".into() } else { "190".into() },
                root: if i % 2 == 0 { "04".into() } else { "19".into() },
                quad_class: if i % 2 == 0 { 1 } else { 4 },
                goldstein: if i % 2 == 0 { 1.0 } else { -10.0 },
                plover: Some("CONSULT".into()),
                date: Some("2021-03-01".into()),
                date_precision: Some(DatePrecision::Day),
                date_text: Some("Monday".into()),
                place: doc.places.first().map(|p| p.place.clone()),
                place_span: Some(Span::new(56, 65)),
                rule: "test#040".into(),
                ..Default::default()
            });
        }
        doc
    }

    #[test]
    fn insert_is_idempotent_and_roundtrips() {
        let dir = std::env::temp_dir().join(format!("dateline-store-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        let _ = std::fs::remove_file(&path);
        let s = Store::open(&path).unwrap();
        let d = synthetic_doc("x1", 3);
        s.begin().unwrap();
        assert!(s.insert_doc(&d).unwrap());
        assert!(!s.insert_doc(&d).unwrap());
        s.commit().unwrap();
        assert_eq!(s.stats().unwrap(), Stats { articles: 1, events: 3 });
        let rowid = s.article_rowid("x1").unwrap().unwrap();
        let back = s.doc(rowid).unwrap().unwrap();
        assert_eq!(back.article, d.article);
        assert_eq!(back.actors, d.actors);
        assert_eq!(back.times, d.times);
        assert_eq!(back.places, d.places);
        assert_eq!(back.events, d.events);
        let ro = Store::open_readonly(&path).unwrap();
        assert!(ro.conn().execute("DELETE FROM events", []).is_err(), "read-only connection must refuse writes");
        std::fs::remove_dir_all(&dir).ok();
    }

    fn temp_db(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("dateline-store-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
        (dir, path)
    }

    fn index_names(s: &Store) -> Vec<String> {
        let mut st = s.conn().prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    }

    #[test]
    fn bulk_load_defers_indexes_and_a_killed_one_is_finished_on_open() {
        let (dir, path) = temp_db("bulk");
        let all = {
            let s = Store::open(&path).unwrap();
            index_names(&s)
        };
        assert_eq!(all.len(), DEFERRED_INDEXES.len());
        {
            let s = Store::open(&path).unwrap();
            assert!(s.begin_bulk().unwrap(), "an empty store is bulk loaded");
            assert!(index_names(&s).is_empty());
            s.begin().unwrap();
            for i in 0..3 {
                assert!(s.insert_doc(&synthetic_doc(&format!("b{i}"), 2)).unwrap());
            }
            s.commit().unwrap();
            // Dropped here without finish_bulk, as a killed process would leave it.
        }
        let s = Store::open(&path).unwrap();
        assert_eq!(index_names(&s), all, "open builds the indexes a killed bulk load deferred");
        assert!(s.conn().query_row("SELECT 1 FROM meta WHERE key = ?1", [BULK_PENDING], |_| Ok(())).optional().unwrap().is_none());
        let f = crate::Filter { q: Some("Story b1".into()), ..Default::default() };
        assert_eq!(s.count(&f).unwrap(), 2, "full-text entries rebuilt");
        assert!(!s.begin_bulk().unwrap(), "a non-empty store is loaded row by row");
        assert_eq!(index_names(&s), all);
        s.begin().unwrap();
        assert!(s.insert_doc(&synthetic_doc("b9", 1)).unwrap());
        s.commit().unwrap();
        s.finish_bulk().unwrap();
        assert_eq!(s.count(&crate::Filter { q: Some("b9".into()), ..Default::default() }).unwrap(), 1);
        assert_eq!(s.stats().unwrap(), Stats { articles: 4, events: 7 });
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn other_schema_versions_get_a_clear_error() {
        let (dir, path) = temp_db("version");
        drop(Store::open(&path).unwrap());
        for (v, word) in [("0", "re-ingest"), ("99", "newer")] {
            {
                let c = Connection::open(&path).unwrap();
                c.execute("UPDATE meta SET value = ?1 WHERE key = 'schema_version'", [v]).unwrap();
            }
            for r in [Store::open(&path).err(), Store::open_readonly(&path).err()] {
                let m = r.expect("refused").to_string();
                assert!(m.contains(word) && m.contains("schema version"), "{m}");
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn filing_day_handles_precisions() {
        let e = |d: &str| Event { date: Some(d.into()), ..Default::default() };
        assert_eq!(filing_day(&e("2020-09-07"), None).as_deref(), Some("2020-09-07"));
        assert_eq!(filing_day(&e("2020-09"), None).as_deref(), Some("2020-09-01"));
        assert_eq!(filing_day(&e("2017"), None).as_deref(), Some("2017-01-01"));
        assert_eq!(filing_day(&e("PAST_REF"), Date::parse("2020-01-02")).as_deref(), Some("2020-01-02"));
        assert_eq!(filing_day(&e("2020-09-07TNI"), None).as_deref(), Some("2020-09-07"));
    }
}
