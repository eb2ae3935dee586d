//! Event queries: one [`Filter`] type shared by `dateline query`, the exports and the HTTP
//! API. Every user value reaches SQLite as a bound parameter; only fixed SQL fragments chosen
//! by `match` are ever concatenated.

use crate::db::{event_from_row, Store, EVENT_COLUMNS};
use crate::{Error, Result};
use model::Event;
use rusqlite::types::Value;
use serde::Deserialize;
use std::time::{Duration, Instant};

/// Largest page [`Store::events`] returns.
pub const MAX_LIMIT: u32 = 1000;
/// Largest offset accepted (deep offsets cost a scan; use date filters instead).
pub const MAX_OFFSET: u32 = 100_000;

/// Event filters. All optional; they combine with AND. Actor and code values ending in `*`
/// match as prefixes (`RUS*`, `04*`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Filter {
    /// Source or target actor code.
    pub actor: Option<String>,
    /// Source actor code.
    pub source: Option<String>,
    /// Target actor code.
    pub target: Option<String>,
    /// Dyad `A,B`: source A and target B (either direction with `undirected`).
    pub dyad: Option<String>,
    /// With `dyad`: match B→A too.
    pub undirected: Option<bool>,
    /// CAMEO event code (or prefix with `*`).
    pub code: Option<String>,
    /// CAMEO root (`04`).
    pub root: Option<String>,
    /// QuadClass 1–4.
    pub quad: Option<u8>,
    /// Minimum Goldstein value.
    pub gmin: Option<f64>,
    /// Maximum Goldstein value.
    pub gmax: Option<f64>,
    /// First day (`YYYY-MM-DD`, inclusive).
    pub from: Option<String>,
    /// Last day (`YYYY-MM-DD`, inclusive).
    pub to: Option<String>,
    /// Country of the event place (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// Name of the event place (case-insensitive, exact).
    pub place: Option<String>,
    /// `lat,lon,km`: events placed within km of the point.
    pub near: Option<String>,
    /// Full-text search over article title and text (words, all required).
    pub q: Option<String>,
    /// Events of one article (its id).
    pub article: Option<String>,
}

/// A value with `*` at the end becomes a prefix match; returns (value, is_prefix).
fn prefix(v: &str) -> (String, bool) {
    let v = v.trim();
    match v.strip_suffix('*') {
        Some(p) => (p.to_string(), true),
        None => (v.to_string(), false),
    }
}

/// Appends `col = ?` or a prefix range `col >= ? AND col < ?` (index friendly).
fn code_match(col: &str, v: &str, sql: &mut Vec<String>, params: &mut Vec<Value>) {
    let (p, is_prefix) = prefix(v);
    if is_prefix {
        if p.is_empty() {
            sql.push(format!("{col} IS NOT NULL"));
        } else {
            params.push(Value::Text(p.clone()));
            let a = params.len();
            params.push(Value::Text(format!("{p}\u{10FFFF}")));
            sql.push(format!("({col} >= ?{a} AND {col} < ?{})", a + 1));
        }
    } else {
        params.push(Value::Text(p));
        sql.push(format!("{col} = ?{}", params.len()));
    }
}

/// Turns free text into an FTS5 query of quoted terms (so FTS syntax in user input is inert).
pub fn fts_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .filter(|t| !t.is_empty())
        .take(16)
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

fn parse_day(s: &str, what: &str) -> Result<String> {
    model::Date::parse(s).map(|d| d.to_string()).ok_or_else(|| Error::Invalid(format!("{what}: expected YYYY-MM-DD, got '{s}'")))
}

impl Filter {
    /// The WHERE clause (without `WHERE`; `1` when empty) and its parameters. Columns are
    /// qualified with `events.`.
    pub fn to_sql(&self) -> Result<(String, Vec<Value>)> {
        let (either, rest, params) = self.to_sql_parts()?;
        let mut sql = rest;
        if let Some([a, b]) = either {
            sql.insert(0, format!("({a} OR {b})"));
        }
        Ok((if sql.is_empty() { "1".into() } else { sql.join(" AND ") }, params))
    }

    /// The parts of [`Filter::to_sql`]: the two alternatives of the either-actor filter
    /// (source matches, target matches) when `actor` is set, the other conditions (ANDed),
    /// and the parameters they all number into. Lets a page query run the two alternatives
    /// as two index-ordered scans merged by a UNION instead of an OR that must sort.
    pub fn to_sql_parts(&self) -> Result<(Option<[String; 2]>, Vec<String>, Vec<Value>)> {
        let mut sql: Vec<String> = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        let mut either = None;
        let non_empty = |o: &Option<String>| o.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        if let Some(a) = non_empty(&self.actor) {
            let mut s1 = Vec::new();
            code_match("events.src_code", &a, &mut s1, &mut params);
            code_match("events.tgt_code", &a, &mut s1, &mut params);
            let b = s1.pop().expect("two conditions");
            let a = s1.pop().expect("two conditions");
            either = Some([a, b]);
        }
        if let Some(a) = non_empty(&self.source) {
            code_match("events.src_code", &a, &mut sql, &mut params);
        }
        if let Some(a) = non_empty(&self.target) {
            code_match("events.tgt_code", &a, &mut sql, &mut params);
        }
        if let Some(d) = non_empty(&self.dyad) {
            let (a, b) = d.split_once(',').ok_or_else(|| Error::Invalid(format!("dyad: expected SOURCE,TARGET, got '{d}'")))?;
            let mut fwd = Vec::new();
            code_match("events.src_code", a, &mut fwd, &mut params);
            code_match("events.tgt_code", b, &mut fwd, &mut params);
            if self.undirected.unwrap_or(false) {
                let mut back = Vec::new();
                code_match("events.src_code", b, &mut back, &mut params);
                code_match("events.tgt_code", a, &mut back, &mut params);
                sql.push(format!("(({} AND {}) OR ({} AND {}))", fwd[0], fwd[1], back[0], back[1]));
            } else {
                sql.push(format!("({} AND {})", fwd[0], fwd[1]));
            }
        }
        if let Some(c) = non_empty(&self.code) {
            code_match("events.code", &c, &mut sql, &mut params);
        }
        if let Some(r) = non_empty(&self.root) {
            params.push(Value::Text(r));
            sql.push(format!("events.root = ?{}", params.len()));
        }
        if let Some(q) = self.quad {
            if !(1..=4).contains(&q) {
                return Err(Error::Invalid(format!("quad: expected 1-4, got {q}")));
            }
            params.push(Value::Integer(q as i64));
            sql.push(format!("events.quad_class = ?{}", params.len()));
        }
        for (v, op) in [(self.gmin, ">="), (self.gmax, "<=")] {
            if let Some(g) = v {
                if !g.is_finite() {
                    return Err(Error::Invalid("goldstein bounds must be finite numbers".into()));
                }
                params.push(Value::Real(g));
                sql.push(format!("events.goldstein {op} ?{}", params.len()));
            }
        }
        if let Some(f) = non_empty(&self.from) {
            params.push(Value::Text(parse_day(&f, "from")?));
            sql.push(format!("events.day >= ?{}", params.len()));
        }
        if let Some(t) = non_empty(&self.to) {
            params.push(Value::Text(parse_day(&t, "to")?));
            sql.push(format!("events.day <= ?{}", params.len()));
        }
        if let Some(c) = non_empty(&self.country) {
            params.push(Value::Text(c.to_ascii_uppercase()));
            sql.push(format!("events.place_country = ?{}", params.len()));
        }
        if let Some(p) = non_empty(&self.place) {
            params.push(Value::Text(p));
            sql.push(format!("events.place_name = ?{} COLLATE NOCASE", params.len()));
        }
        if let Some(n) = non_empty(&self.near) {
            let v: Vec<f64> = n.split(',').map(|x| x.trim().parse::<f64>()).collect::<std::result::Result<_, _>>()
                .map_err(|_| Error::Invalid(format!("near: expected LAT,LON,KM, got '{n}'")))?;
            let [lat, lon, km] = v[..] else { return Err(Error::Invalid(format!("near: expected LAT,LON,KM, got '{n}'"))) };
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) || !(km > 0.0 && km.is_finite()) {
                return Err(Error::Invalid(format!("near: out of range '{n}'")));
            }
            // Equirectangular distance (exact enough below ~1000 km): a bounding box the
            // index can use, then the distance test.
            let dlat = km / 111.195;
            let coslat = lat.to_radians().cos().max(0.01);
            let dlon = (dlat / coslat).min(360.0);
            let b = params.len();
            params.extend([lat - dlat, lat + dlat, lon - dlon, lon + dlon, lat, lon, coslat, dlat * dlat].map(Value::Real));
            sql.push(format!(
                "(events.lat BETWEEN ?{} AND ?{} AND events.lon BETWEEN ?{} AND ?{} AND \
                 ((events.lat - ?{})*(events.lat - ?{}) + (events.lon - ?{})*(events.lon - ?{})*?{}*?{}) <= ?{})",
                b + 1, b + 2, b + 3, b + 4, b + 5, b + 5, b + 6, b + 6, b + 7, b + 7, b + 8
            ));
        }
        if let Some(q) = non_empty(&self.q) {
            match fts_query(&q) {
                Some(m) => {
                    params.push(Value::Text(m));
                    sql.push(format!("events.article IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?{})", params.len()));
                }
                None => sql.push("0".into()),
            }
        }
        if let Some(a) = non_empty(&self.article) {
            params.push(Value::Text(a));
            sql.push(format!("events.article = (SELECT rowid FROM articles WHERE id = ?{})", params.len()));
        }
        Ok((either, sql, params))
    }
}

/// One stored event with its ids and article-level fields.
#[derive(Clone, Debug)]
pub struct StoredEvent {
    /// Row id of the event.
    pub id: i64,
    /// Row id of its article.
    pub article_rowid: i64,
    /// Article id.
    pub article: String,
    /// Article URL.
    pub url: Option<String>,
    /// Article title.
    pub title: Option<String>,
    /// Publication date.
    pub published: Option<String>,
    /// The filing day (`YYYY-MM-DD`).
    pub day: Option<String>,
    /// The evidence sentence text.
    pub evidence_text: String,
    /// The event.
    pub event: Event,
}

fn stored_event(r: &rusqlite::Row) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        id: r.get(0)?,
        article_rowid: r.get(1)?,
        article: r.get(2)?,
        url: r.get(3)?,
        title: r.get(4)?,
        published: r.get(5)?,
        day: r.get(6)?,
        evidence_text: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
        event: event_from_row(r, 8)?,
    })
}

/// Grouping keys of [`Store::counts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    /// Calendar day.
    Day,
    /// ISO-ish week, as the Monday that starts it.
    Week,
    /// Month (`YYYY-MM`).
    Month,
    /// Year.
    Year,
    /// CAMEO code.
    Code,
    /// CAMEO root.
    Root,
    /// QuadClass.
    Quad,
    /// Source actor code.
    Source,
    /// Target actor code.
    Target,
    /// Place country.
    Country,
}

impl GroupBy {
    /// Parses `day`, `week`, `month`, `year`, `code`, `root`, `quad`, `source`, `target`, `country`.
    pub fn parse(s: &str) -> Result<GroupBy> {
        Ok(match s.trim() {
            "day" => GroupBy::Day,
            "week" => GroupBy::Week,
            "month" => GroupBy::Month,
            "year" => GroupBy::Year,
            "code" => GroupBy::Code,
            "root" => GroupBy::Root,
            "quad" => GroupBy::Quad,
            "source" => GroupBy::Source,
            "target" => GroupBy::Target,
            "country" => GroupBy::Country,
            o => return Err(Error::Invalid(format!("unknown grouping '{o}' (expected day, week, month, year, code, root, quad, source, target or country)"))),
        })
    }
    fn sql(self) -> &'static str {
        match self {
            GroupBy::Day => "events.day",
            GroupBy::Week => "date(events.day, '-6 days', 'weekday 1')",
            GroupBy::Month => "substr(events.day, 1, 7)",
            GroupBy::Year => "substr(events.day, 1, 4)",
            GroupBy::Code => "events.code",
            GroupBy::Root => "events.root",
            GroupBy::Quad => "CAST(events.quad_class AS TEXT)",
            GroupBy::Source => "events.src_code",
            GroupBy::Target => "events.tgt_code",
            GroupBy::Country => "events.place_country",
        }
    }
}

/// One row of a grouped count.
#[derive(Clone, Debug, PartialEq)]
pub struct CountRow {
    /// The group's key values, one per grouping (empty string for unknown).
    pub keys: Vec<String>,
    /// Number of events.
    pub count: i64,
    /// Mean Goldstein value.
    pub goldstein: f64,
}

/// A place with its event count.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceCount {
    /// Place name.
    pub name: String,
    /// ISO country.
    pub country: Option<String>,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Events there.
    pub count: i64,
    /// Mean Goldstein.
    pub goldstein: f64,
}

/// `YYYY-MM-DD` as the number YYYYMMDD (0 when malformed): orders like the text.
fn day_key(d: &str) -> u32 {
    let mut k = 0u32;
    for b in d.bytes().filter(|b| *b != b'-').take(8) {
        if !b.is_ascii_digit() {
            return 0;
        }
        k = k * 10 + (b - b'0') as u32;
    }
    k + 1
}

/// The SQL and parameters of a page of events (rows as [`stored_event`] reads them, in no
/// particular order: callers sort the page).
fn page_sql(f: &Filter, limit: u32, offset: u32) -> Result<(String, Vec<Value>)> {
    if offset > MAX_OFFSET {
        return Err(Error::Invalid(format!("offset: at most {MAX_OFFSET}")));
    }
    let (either, rest, mut params) = f.to_sql_parts()?;
    params.push(Value::Integer(limit.min(MAX_LIMIT) as i64));
    params.push(Value::Integer(offset as i64));
    let n = params.len();
    // First the page's ids, from the (actor, day) or day index alone, which yields rows in
    // (day, id) order so that LIMIT stops the scan early; then the page's rows.
    let page = match either {
        None => {
            let w = if rest.is_empty() { "1".to_string() } else { rest.join(" AND ") };
            format!("SELECT events.id AS id FROM events WHERE {w} ORDER BY events.day DESC, events.id DESC LIMIT ?{} OFFSET ?{n}", n - 1)
        }
        Some([a, b]) => {
            let w = |c: &str| std::iter::once(c.to_string()).chain(rest.iter().cloned()).collect::<Vec<_>>().join(" AND ");
            // UNION (not ALL): an event whose source and target both match appears once.
            format!(
                "SELECT id FROM (SELECT events.id AS id, events.day AS day FROM events WHERE {}
                   UNION SELECT events.id, events.day FROM events WHERE {}
                   ORDER BY 2 DESC, 1 DESC LIMIT ?{} OFFSET ?{n})",
                w(&a),
                w(&b),
                n - 1
            )
        }
    };
    let sql = format!(
        "WITH page(id) AS MATERIALIZED ({page})
         SELECT events.id, events.article, articles.id, articles.url, articles.title, articles.published, events.day,
                CAST(substr(CAST(articles.text AS BLOB), events.ev_start + 1, events.ev_end - events.ev_start) AS TEXT), {EVENT_COLUMNS}
         FROM page JOIN events ON events.id = page.id JOIN articles ON articles.rowid = events.article"
    );
    Ok((sql, params))
}

/// An actor of an [`EventView`].
#[derive(Clone, Copy, Debug)]
pub struct ActorView<'a> {
    /// CAMEO code.
    pub code: &'a str,
    /// Country code.
    pub country: Option<&'a str>,
    /// Agent code.
    pub agent: Option<&'a str>,
    /// Name.
    pub name: Option<&'a str>,
    /// Start of the mention (byte offset in the article).
    pub start: usize,
    /// End of the mention.
    pub end: usize,
}

/// The place of an [`EventView`].
#[derive(Clone, Copy, Debug)]
pub struct PlaceView<'a> {
    /// Place name.
    pub name: &'a str,
    /// ISO country.
    pub country: Option<&'a str>,
    /// Latitude, when known.
    pub lat: Option<f64>,
    /// Longitude, when known.
    pub lon: Option<f64>,
}

/// One row of an events page, read in place from SQLite (see [`Store::events_with`]): the
/// same values as a [`StoredEvent`] without copying them. Malformed values read as absent.
pub struct EventView<'a> {
    r: &'a rusqlite::Row<'a>,
}

/// Offset of [`EVENT_COLUMNS`] in a page row.
const O: usize = 8;

impl<'a> EventView<'a> {
    fn s(&self, i: usize) -> Option<&'a str> {
        self.r.get_ref(i).ok().and_then(|v| v.as_str_or_null().ok().flatten())
    }
    fn i(&self, i: usize) -> Option<i64> {
        self.r.get_ref(i).ok().and_then(|v| v.as_i64_or_null().ok().flatten())
    }
    fn f(&self, i: usize) -> Option<f64> {
        self.r.get_ref(i).ok().and_then(|v| match v {
            rusqlite::types::ValueRef::Real(x) => Some(x),
            rusqlite::types::ValueRef::Integer(x) => Some(x as f64),
            _ => None,
        })
    }
    fn u(&self, i: usize) -> usize {
        self.i(i).unwrap_or(0).max(0) as usize
    }
    /// Event row id.
    pub fn id(&self) -> i64 {
        self.i(0).unwrap_or(0)
    }
    /// Article id.
    pub fn article(&self) -> &'a str {
        self.s(2).unwrap_or("")
    }
    /// Article URL.
    pub fn url(&self) -> Option<&'a str> {
        self.s(3)
    }
    /// Article title.
    pub fn title(&self) -> Option<&'a str> {
        self.s(4)
    }
    /// Publication date.
    pub fn published(&self) -> Option<&'a str> {
        self.s(5)
    }
    /// Filing day.
    pub fn day(&self) -> Option<&'a str> {
        self.s(6)
    }
    /// The evidence sentence text.
    pub fn evidence_text(&self) -> &'a str {
        self.s(7).unwrap_or("")
    }
    /// Start of the evidence sentence (byte offset in the article).
    pub fn evidence_start(&self) -> usize {
        self.u(O + 1)
    }
    /// The predicate span.
    pub fn predicate(&self) -> (usize, usize) {
        (self.u(O + 3), self.u(O + 4))
    }
    fn actor(&self, k: usize) -> Option<ActorView<'a>> {
        Some(ActorView {
            code: self.s(O + k)?,
            country: self.s(O + k + 1),
            agent: self.s(O + k + 2),
            name: self.s(O + k + 3),
            start: self.u(O + k + 4),
            end: self.u(O + k + 5),
        })
    }
    /// Source actor.
    pub fn source(&self) -> Option<ActorView<'a>> {
        self.actor(5)
    }
    /// Target actor.
    pub fn target(&self) -> Option<ActorView<'a>> {
        self.actor(11)
    }
    /// CAMEO code.
    pub fn code(&self) -> &'a str {
        self.s(O + 17).unwrap_or("")
    }
    /// CAMEO root.
    pub fn root(&self) -> &'a str {
        self.s(O + 18).unwrap_or("")
    }
    /// QuadClass.
    pub fn quad_class(&self) -> u8 {
        self.i(O + 19).unwrap_or(0).clamp(0, 255) as u8
    }
    /// Goldstein value.
    pub fn goldstein(&self) -> f32 {
        self.f(O + 20).unwrap_or(0.0) as f32
    }
    /// PLOVER category.
    pub fn plover(&self) -> Option<&'a str> {
        self.s(O + 21)
    }
    /// Event date as found.
    pub fn date(&self) -> Option<&'a str> {
        self.s(O + 23)
    }
    /// Precision of the date (`day`, `month`, `year`, `fuzzy`).
    pub fn date_precision(&self) -> Option<&'static str> {
        match self.s(O + 24)? {
            "day" => Some("day"),
            "month" => Some("month"),
            "year" => Some("year"),
            "fuzzy" => Some("fuzzy"),
            _ => None,
        }
    }
    /// The date's text.
    pub fn date_text(&self) -> Option<&'a str> {
        self.s(O + 25)
    }
    /// The event place.
    pub fn place(&self) -> Option<PlaceView<'a>> {
        Some(PlaceView { name: self.s(O + 26)?, country: self.s(O + 27), lat: self.f(O + 29), lon: self.f(O + 30) })
    }
    /// Coding rule.
    pub fn rule(&self) -> &'a str {
        self.s(O + 36).unwrap_or("")
    }
    /// Negated.
    pub fn negated(&self) -> bool {
        self.i(O + 37).unwrap_or(0) != 0
    }
    /// Modality (`asserted`, `planned`, `possible`).
    pub fn modality(&self) -> &'static str {
        crate::db::parse_modality(self.s(O + 38).unwrap_or("")).as_str()
    }
}

impl Store {
    /// Aborts statements of this connection that run longer than `limit` (None: no limit).
    /// An aborted statement fails with "interrupted".
    pub fn set_timeout(&self, limit: Option<Duration>) {
        match limit {
            None => self.conn().progress_handler(0, None::<fn() -> bool>),
            Some(d) => {
                let deadline = Instant::now() + d;
                self.conn().progress_handler(10_000, Some(move || Instant::now() > deadline));
            }
        }
    }

    /// A page of events matching `f`, newest first (by day, then id).
    pub fn events(&self, f: &Filter, limit: u32, offset: u32) -> Result<Vec<StoredEvent>> {
        let (sql, params) = page_sql(f, limit, offset)?;
        let mut v = self.read(&sql, &params, stored_event)?;
        // The page's order (NULL days last, as SQLite's DESC puts them), without making SQLite
        // sort whole rows.
        v.sort_unstable_by(|a, b| b.day.cmp(&a.day).then(b.id.cmp(&a.id)));
        Ok(v)
    }

    /// The page of [`Store::events`], each row handed to `visit` as borrowed values (no
    /// copies) and its results returned in page order.
    pub fn events_with<T>(&self, f: &Filter, limit: u32, offset: u32, mut visit: impl FnMut(&EventView<'_>) -> T) -> Result<Vec<T>> {
        let (sql, params) = page_sql(f, limit, offset)?;
        let mut v = self.read(&sql, &params, |r| {
            let view = EventView { r };
            Ok((view.day().map_or(0, day_key), view.id(), visit(&view)))
        })?;
        v.sort_unstable_by(|a, b| (b.0, b.1).cmp(&(a.0, a.1)));
        Ok(v.into_iter().map(|x| x.2).collect())
    }

    /// One event by id.
    pub fn event(&self, id: i64) -> Result<Option<StoredEvent>> {
        let sql = format!(
            "SELECT events.id, events.article, articles.id, articles.url, articles.title, articles.published, events.day,
                    CAST(substr(CAST(articles.text AS BLOB), events.ev_start + 1, events.ev_end - events.ev_start) AS TEXT), {EVENT_COLUMNS}
             FROM events JOIN articles ON articles.rowid = events.article WHERE events.id = ?1"
        );
        let mut v = self.read(&sql, &[Value::Integer(id)], stored_event)?;
        Ok(v.pop())
    }

    /// Number of events matching `f`.
    pub fn count(&self, f: &Filter) -> Result<i64> {
        let (w, params) = f.to_sql()?;
        let v = self.read(&format!("SELECT count(*) FROM events WHERE {w}"), &params, |r| r.get(0))?;
        Ok(v.first().copied().unwrap_or(0))
    }

    /// Event counts and mean Goldstein grouped by `by`, ordered by the keys (time groupings)
    /// or by count (others), at most `limit` groups.
    pub fn counts(&self, f: &Filter, by: &[GroupBy], limit: u32) -> Result<Vec<CountRow>> {
        if by.is_empty() || by.len() > 3 {
            return Err(Error::Invalid("counts: group by 1 to 3 keys".into()));
        }
        let (w, mut params) = f.to_sql()?;
        let keys: Vec<String> = by.iter().enumerate().map(|(i, g)| format!("{} AS k{i}", g.sql())).collect();
        let group: Vec<String> = (0..by.len()).map(|i| format!("k{i}")).collect();
        let timely = matches!(by[0], GroupBy::Day | GroupBy::Week | GroupBy::Month | GroupBy::Year);
        let order = if timely { group.join(", ") } else { format!("count(*) DESC, {}", group.join(", ")) };
        params.push(Value::Integer(limit.clamp(1, 100_000) as i64));
        let sql = format!(
            "SELECT {}, count(*), avg(events.goldstein) FROM events WHERE {w} GROUP BY {} ORDER BY {order} LIMIT ?{}",
            keys.join(", "),
            group.join(", "),
            params.len()
        );
        let n = by.len();
        self.read(&sql, &params, move |r| {
            let mut keys = Vec::with_capacity(n);
            for i in 0..n {
                keys.push(r.get::<_, Option<String>>(i)?.unwrap_or_default());
            }
            Ok(CountRow { keys, count: r.get(n)?, goldstein: r.get::<_, Option<f64>>(n + 1)?.unwrap_or(0.0) })
        })
    }

    /// The dyads (source, target) with most events, with mean Goldstein.
    pub fn dyads(&self, f: &Filter, limit: u32) -> Result<Vec<CountRow>> {
        let (w, mut params) = f.to_sql()?;
        params.push(Value::Integer(limit.clamp(1, 1000) as i64));
        let sql = format!(
            "SELECT events.src_code, events.tgt_code, count(*), avg(events.goldstein) FROM events
             WHERE {w} AND events.src_code IS NOT NULL AND events.tgt_code IS NOT NULL
             GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT ?{}",
            params.len()
        );
        self.read(&sql, &params, |r| {
            Ok(CountRow { keys: vec![r.get(0)?, r.get(1)?], count: r.get(2)?, goldstein: r.get::<_, Option<f64>>(3)?.unwrap_or(0.0) })
        })
    }

    /// Actor codes (as source or target) with event counts, optionally by code prefix.
    pub fn actors(&self, prefix: Option<&str>, limit: u32) -> Result<Vec<CountRow>> {
        let mut params = Vec::new();
        let cond = |col: &str, params: &mut Vec<Value>| -> String {
            match prefix.map(str::trim).filter(|p| !p.is_empty()) {
                None => format!("{col} IS NOT NULL"),
                Some(p) => {
                    let mut s = Vec::new();
                    code_match(col, &format!("{}*", p.trim_end_matches('*')), &mut s, params);
                    s.remove(0)
                }
            }
        };
        let a = cond("src_code", &mut params);
        let b = cond("tgt_code", &mut params);
        params.push(Value::Integer(limit.clamp(1, 1000) as i64));
        let sql = format!(
            "SELECT code, sum(n), sum(g) / sum(n) FROM (
               SELECT src_code AS code, count(*) AS n, sum(goldstein) AS g FROM events WHERE {a} GROUP BY src_code
               UNION ALL
               SELECT tgt_code, count(*), sum(goldstein) FROM events WHERE {b} GROUP BY tgt_code)
             GROUP BY code ORDER BY 2 DESC, 1 LIMIT ?{}",
            params.len()
        );
        self.read(&sql, &params, |r| {
            Ok(CountRow { keys: vec![r.get(0)?], count: r.get(1)?, goldstein: r.get::<_, Option<f64>>(2)?.unwrap_or(0.0) })
        })
    }

    /// Event places with counts (for the map).
    pub fn places(&self, f: &Filter, limit: u32) -> Result<Vec<PlaceCount>> {
        let (w, mut params) = f.to_sql()?;
        params.push(Value::Integer(limit.clamp(1, 5000) as i64));
        let sql = format!(
            "SELECT events.place_name, events.place_country, events.lat, events.lon, count(*), avg(events.goldstein) FROM events
             WHERE {w} AND events.lat IS NOT NULL AND events.lon IS NOT NULL
             GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC, 1 LIMIT ?{}",
            params.len()
        );
        self.read(&sql, &params, |r| {
            Ok(PlaceCount {
                name: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                country: r.get(1)?,
                lat: r.get(2)?,
                lon: r.get(3)?,
                count: r.get(4)?,
                goldstein: r.get::<_, Option<f64>>(5)?.unwrap_or(0.0),
            })
        })
    }

    /// Runs a read statement with bound parameters and maps its rows.
    fn read<T>(&self, sql: &str, params: &[Value], f: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>) -> Result<Vec<T>> {
        let mut st = self.conn().prepare_cached(sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(params.iter()), f)?;
        let v = rows.collect::<rusqlite::Result<Vec<T>>>().map_err(|e| match e {
            rusqlite::Error::SqliteFailure(ref f, _) if f.code == rusqlite::ErrorCode::OperationInterrupted => Error::Timeout,
            e => Error::Sql(e),
        })?;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::tests::synthetic_doc;

    fn store() -> (Store, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("dateline-query-test-{}-{:?}", std::process::id(), std::thread::current().id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("q.db");
        let _ = std::fs::remove_file(&path);
        let s = Store::open(&path).unwrap();
        s.begin().unwrap();
        for i in 0..5 {
            let mut d = synthetic_doc(&format!("art{i}"), 4);
            if i == 4 {
                d.article.text = format!("{} Robert'); DROP TABLE events;-- \"\u{0}", d.article.text);
                for e in &mut d.events {
                    e.source.as_mut().unwrap().code = "RUSGOV".into();
                    e.date = Some("2021-05-02".into());
                }
            }
            s.insert_doc(&d).unwrap();
        }
        s.commit().unwrap();
        (s, dir)
    }

    #[test]
    fn filters_select_the_right_events() {
        let (s, dir) = store();
        let n = |f: Filter| s.count(&f).unwrap();
        assert_eq!(n(Filter::default()), 20);
        assert_eq!(n(Filter { source: Some("RUSGOV".into()), ..Default::default() }), 4);
        assert_eq!(n(Filter { source: Some("RUS*".into()), ..Default::default() }), 4);
        assert_eq!(n(Filter { actor: Some("LIL*".into()), ..Default::default() }), 20);
        assert_eq!(n(Filter { dyad: Some("ATLGOV,LILGOV".into()), ..Default::default() }), 16);
        assert_eq!(n(Filter { dyad: Some("LILGOV,ATLGOV".into()), undirected: Some(true), ..Default::default() }), 16);
        assert_eq!(n(Filter { root: Some("19".into()), ..Default::default() }), 10);
        assert_eq!(n(Filter { code: Some("04*".into()), ..Default::default() }), 10);
        assert_eq!(n(Filter { quad: Some(4), ..Default::default() }), 10);
        assert_eq!(n(Filter { gmin: Some(0.0), gmax: Some(5.0), ..Default::default() }), 10);
        assert_eq!(n(Filter { from: Some("2021-04-01".into()), to: Some("2021-05-31".into()), ..Default::default() }), 4);
        assert_eq!(n(Filter { country: Some("ru".into()), ..Default::default() }), 20);
        assert_eq!(n(Filter { place: Some("ruritania".into()), ..Default::default() }), 20);
        assert_eq!(n(Filter { near: Some("50.5,20.5,100".into()), ..Default::default() }), 20);
        assert_eq!(n(Filter { near: Some("10,20,100".into()), ..Default::default() }), 0);
        assert_eq!(n(Filter { q: Some("story art3".into()), ..Default::default() }), 4);
        assert_eq!(n(Filter { article: Some("art2".into()), ..Default::default() }), 4);
        // Pages (the either-actor one a UNION of two index scans) agree with the counts and
        // are in (day, id) order, newest first.
        let mut self_dyad = synthetic_doc("self", 2);
        for e in &mut self_dyad.events {
            e.target.as_mut().unwrap().code = "ATLGOV".into();
        }
        s.begin().unwrap();
        s.insert_doc(&self_dyad).unwrap();
        s.commit().unwrap();
        for f in [
            Filter::default(),
            Filter { actor: Some("ATLGOV".into()), ..Default::default() },
            Filter { actor: Some("ATL*".into()), quad: Some(1), ..Default::default() },
            Filter { actor: Some("LILGOV".into()), from: Some("2021-03-01".into()), ..Default::default() },
            Filter { source: Some("RUSGOV".into()), ..Default::default() },
            Filter { target: Some("ATLGOV".into()), ..Default::default() },
        ] {
            let page = s.events(&f, 1000, 0).unwrap();
            assert_eq!(page.len() as i64, s.count(&f).unwrap(), "{f:?}");
            assert!(page.windows(2).all(|w| (&w[0].day, w[0].id) > (&w[1].day, w[1].id)), "{f:?}");
            let ids = s.events_with(&f, 1000, 0, |v| v.id()).unwrap();
            assert_eq!(ids, page.iter().map(|e| e.id).collect::<Vec<_>>());
            let tail = s.events(&f, 3, 2).unwrap();
            assert_eq!(tail.iter().map(|e| e.id).collect::<Vec<_>>(), page.iter().skip(2).take(3).map(|e| e.id).collect::<Vec<_>>());
        }
        assert_eq!(n(Filter { actor: Some("ATLGOV".into()), ..Default::default() }), 18, "an event with source = target counts once");
        s.begin().unwrap();
        s.conn().execute("DELETE FROM events WHERE article = (SELECT rowid FROM articles WHERE id = 'self')", []).unwrap();
        s.commit().unwrap();
        let page = s.events(&Filter::default(), 3, 0).unwrap();
        assert_eq!(page.len(), 3);
        assert_eq!(page[0].day.as_deref(), Some("2021-05-02"), "newest first");
        assert!(page[0].evidence_text.starts_with("Atlantis"));
        let by = s.counts(&Filter::default(), &[GroupBy::Day, GroupBy::Quad], 100).unwrap();
        assert_eq!(by.len(), 4);
        assert_eq!(by.iter().map(|r| r.count).sum::<i64>(), 20);
        let wk = s.counts(&Filter::default(), &[GroupBy::Week], 100).unwrap();
        assert_eq!(wk[0].keys[0], "2021-03-01", "2021-03-01 is a Monday");
        let d = s.dyads(&Filter::default(), 10).unwrap();
        assert_eq!(d[0].keys, vec!["ATLGOV".to_string(), "LILGOV".into()]);
        assert_eq!(d[0].count, 16);
        let a = s.actors(Some("RU"), 10).unwrap();
        assert_eq!(a.len(), 1);
        let p = s.places(&Filter::default(), 10).unwrap();
        assert_eq!(p[0].count, 20);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn hostile_inputs_stay_data() {
        let (s, dir) = store();
        let hostile = [
            "' OR 1=1 --", "\"; DROP TABLE events; --", "RUS*' OR '1'='1", "%", "_", "*", "NEAR(a b)", "a OR b",
            "\u{0}", "') UNION SELECT sql FROM sqlite_master --", "text:*", "\"unterminated", "^x", "{a b}:c",
        ];
        for h in hostile {
            let h = h.to_string();
            for f in [
                Filter { actor: Some(h.clone()), ..Default::default() },
                Filter { source: Some(h.clone()), ..Default::default() },
                Filter { code: Some(h.clone()), ..Default::default() },
                Filter { root: Some(h.clone()), ..Default::default() },
                Filter { country: Some(h.clone()), ..Default::default() },
                Filter { place: Some(h.clone()), ..Default::default() },
                Filter { article: Some(h.clone()), ..Default::default() },
                Filter { q: Some(h.clone()), ..Default::default() },
            ] {
                let c = s.count(&f).unwrap();
                // Nothing but a bare `*` prefix (any code) may match everything.
                assert!(c == 0 || h == "*" || (f.q.is_some() && c <= 4), "{f:?} matched {c}");
            }
            // Values that must be dates or numbers are rejected with a message, never run.
            assert!(s.count(&Filter { from: Some(h.clone()), ..Default::default() }).is_err());
            assert!(s.count(&Filter { near: Some(h.clone()), ..Default::default() }).is_err());
            assert!(s.count(&Filter { dyad: Some(h.clone()), ..Default::default() }).map_or(true, |c| c == 0 || h == "*"));
        }
        // The hostile article text is found as text, and the tables are intact.
        assert_eq!(s.count(&Filter { q: Some("DROP TABLE events".into()), ..Default::default() }).unwrap(), 4);
        assert_eq!(s.stats().unwrap().events, 20);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn timeouts_interrupt_long_queries() {
        let (s, dir) = store();
        s.set_timeout(Some(Duration::from_millis(0)));
        std::thread::sleep(Duration::from_millis(2));
        let r = s.read("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 100000000) SELECT count(*) FROM c", &[], |r| r.get::<_, i64>(0));
        assert!(matches!(r, Err(Error::Timeout)), "{r:?}");
        s.set_timeout(None);
        std::fs::remove_dir_all(&dir).ok();
    }
}
