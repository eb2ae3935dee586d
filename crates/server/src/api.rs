//! JSON API handlers. Query strings are parsed by hand into [`store::Filter`] so that bad
//! values get a JSON error naming the parameter; the SQL lives in `store::query`.

use crate::Config;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use std::borrow::Cow;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use store::query::{ActorView, CountRow, EventView, GroupBy, StoredEvent};
use store::{Filter, Store};

/// A job for a database worker: runs with the worker's read-only connection (or the error
/// that opening it gave).
type Job = Box<dyn FnOnce(std::result::Result<&Store, &store::Error>) + Send>;

/// Shared server state: a fixed pool of database worker threads, each holding one
/// read-only connection for its whole life (warm page cache, cached prepared statements).
pub struct State {
    jobs: std::sync::Mutex<Option<std::sync::mpsc::Sender<Job>>>,
    timeout: Duration,
    permits: tokio::sync::Semaphore,
}

impl State {
    /// State for a config: starts `cfg.max_concurrent` worker threads.
    pub fn new(cfg: &Config) -> State {
        let workers = cfg.max_concurrent.max(1);
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = Arc::new(std::sync::Mutex::new(rx));
        for i in 0..workers {
            let rx = Arc::clone(&rx);
            let db: PathBuf = cfg.db.clone();
            let spawned = std::thread::Builder::new().name(format!("dateline-db-{i}")).spawn(move || {
                let store = Store::open_readonly(&db);
                loop {
                    // The lock is held only while waiting for the next job.
                    let job = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    // A panicking job must not take the worker with it (its caller gets an error).
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(store.as_ref())));
                }
            });
            if let Err(e) = spawned {
                eprintln!("dateline: serve: could not start a database worker: {e}");
            }
        }
        State { jobs: std::sync::Mutex::new(Some(tx)), timeout: cfg.query_timeout, permits: tokio::sync::Semaphore::new(workers) }
    }
}

impl Drop for State {
    fn drop(&mut self) {
        // Closing the queue ends the workers.
        if let Ok(mut j) = self.jobs.lock() {
            j.take();
        }
    }
}

type S = axum::extract::State<Arc<State>>;
type Params = Query<Vec<(String, String)>>;

/// An API error: status and message, sent as `{"error": "..."}`.
pub struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"error": self.1}))).into_response()
    }
}

impl From<store::Error> for ApiError {
    fn from(e: store::Error) -> Self {
        match e {
            store::Error::Invalid(m) => ApiError(StatusCode::BAD_REQUEST, m),
            store::Error::Timeout => ApiError(StatusCode::SERVICE_UNAVAILABLE, "query took too long; narrow the filters".into()),
            e => ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        }
    }
}

fn bad(m: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, m.into())
}

/// Runs `f` on a database worker with its read-only connection, a concurrency permit and
/// the per-query time limit.
async fn with_db<T: Send + 'static>(st: &Arc<State>, f: impl FnOnce(&Store) -> store::Result<T> + Send + 'static) -> Result<T, ApiError> {
    let _permit = st.permits.acquire().await.map_err(|_| ApiError(StatusCode::SERVICE_UNAVAILABLE, "shutting down".into()))?;
    let timeout = st.timeout;
    let (tx, rx) = tokio::sync::oneshot::channel::<store::Result<T>>();
    let job: Job = Box::new(move |store| {
        let r = match store {
            Err(e) => Err(store::Error::Invalid(e.to_string())),
            Ok(store) => {
                store.set_timeout(Some(timeout));
                let r = f(store);
                store.set_timeout(None);
                r
            }
        };
        let _ = tx.send(r);
    });
    let sent = st.jobs.lock().ok().and_then(|j| j.as_ref().map(|j| j.send(job).is_ok())).unwrap_or(false);
    if !sent {
        return Err(ApiError(StatusCode::SERVICE_UNAVAILABLE, "shutting down".into()));
    }
    let r = rx.await.map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "database worker failed".into()))?;
    Ok(r?)
}

fn num<T: std::str::FromStr>(k: &str, v: &str) -> Result<T, ApiError> {
    v.trim().parse().map_err(|_| bad(format!("{k}: not a number: '{v}'")))
}

/// Parsed common query parameters.
struct Q {
    filter: Filter,
    limit: u32,
    offset: u32,
    by: Vec<GroupBy>,
    prefix: Option<String>,
}

fn parse(params: &[(String, String)], default_limit: u32) -> Result<Q, ApiError> {
    let mut f = Filter::default();
    let mut q = Q { filter: Filter::default(), limit: default_limit, offset: 0, by: Vec::new(), prefix: None };
    if params.len() > 32 {
        return Err(bad("too many parameters"));
    }
    for (k, v) in params {
        if v.len() > 256 {
            return Err(bad(format!("{k}: value too long")));
        }
        let s = Some(v.clone());
        match k.as_str() {
            "actor" => f.actor = s,
            "source" => f.source = s,
            "target" => f.target = s,
            "dyad" => f.dyad = s,
            "undirected" => f.undirected = Some(matches!(v.as_str(), "1" | "true" | "yes")),
            "code" => f.code = s,
            "root" => f.root = s,
            "quad" if v.is_empty() => {}
            "quad" => f.quad = Some(num(k, v)?),
            "gmin" if v.is_empty() => {}
            "gmin" => f.gmin = Some(num(k, v)?),
            "gmax" if v.is_empty() => {}
            "gmax" => f.gmax = Some(num(k, v)?),
            "from" => f.from = s,
            "to" => f.to = s,
            "country" => f.country = s,
            "place" => f.place = s,
            "near" => f.near = s,
            "q" => f.q = s,
            "article" => f.article = s,
            "limit" => q.limit = num::<u32>(k, v)?.clamp(1, store::query::MAX_LIMIT),
            "offset" => q.offset = num(k, v)?,
            "by" => {
                for p in v.split(',').take(3) {
                    q.by.push(GroupBy::parse(p)?);
                }
            }
            "prefix" => q.prefix = s,
            _ => return Err(bad(format!("unknown parameter '{k}'"))),
        }
    }
    if q.offset > store::query::MAX_OFFSET {
        return Err(bad(format!("offset: at most {}", store::query::MAX_OFFSET)));
    }
    q.filter = f;
    Ok(q)
}

/// One piece of marked-up text: `{text}` or `{text, mark, label}`.
#[derive(Serialize)]
pub struct Segment<'a> {
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    mark: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<Cow<'a, str>>,
}

/// Splits `text` into segments `{text, mark?, label?}` with the given marks (byte spans
/// relative to `text`); overlapping marks after the first are dropped.
pub fn segments<'a>(text: &'a str, mut marks: Vec<(usize, usize, &'static str, Cow<'a, str>)>) -> Vec<Segment<'a>> {
    marks.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out = Vec::new();
    let mut pos = 0;
    for (s, e, kind, label) in marks {
        if s < pos || e <= s || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        if s > pos {
            out.push(Segment { text: &text[pos..s], mark: None, label: None });
        }
        out.push(Segment { text: &text[s..e], mark: Some(kind), label: Some(label) });
        pos = e;
    }
    if pos < text.len() {
        out.push(Segment { text: &text[pos..], mark: None, label: None });
    }
    out
}

#[derive(Serialize)]
struct ActorOut<'a> {
    code: &'a str,
    country: Option<&'a str>,
    agent: Option<&'a str>,
    name: Option<&'a str>,
}

fn actor_out(a: &Option<model::EventActor>) -> Option<ActorOut<'_>> {
    a.as_ref().map(|a| ActorOut { code: &a.code, country: a.country.as_deref(), agent: a.agent.as_deref(), name: a.name.as_deref() })
}

#[derive(Serialize)]
struct PlaceOut<'a> {
    name: &'a str,
    country: Option<&'a str>,
    lat: Option<f64>,
    lon: Option<f64>,
}

/// The API form of a stored event (fields in this order), borrowing from it.
#[derive(Serialize)]
pub struct EventOut<'a> {
    id: i64,
    article: &'a str,
    url: Option<&'a str>,
    title: Option<&'a str>,
    published: Option<&'a str>,
    day: Option<&'a str>,
    date: Option<&'a str>,
    date_precision: Option<&'static str>,
    date_text: Option<&'a str>,
    source: Option<ActorOut<'a>>,
    target: Option<ActorOut<'a>>,
    code: &'a str,
    root: &'a str,
    quad_class: u8,
    goldstein: f32,
    plover: Option<&'a str>,
    place: Option<PlaceOut<'a>>,
    rule: &'a str,
    negated: bool,
    modality: &'static str,
    evidence: Vec<Segment<'a>>,
}

/// The evidence sentence as segments with the source, predicate and target marked.
fn evidence<'a>(text: &'a str, base: usize, parts: [(Option<(usize, usize)>, &'static str, Option<&'a str>); 3]) -> Vec<Segment<'a>> {
    let mut marks = Vec::with_capacity(3);
    for (span, kind, label) in parts {
        if let Some((s, t)) = span {
            if let (Some(s), Some(t)) = (s.checked_sub(base), t.checked_sub(base)) {
                marks.push((s, t, kind, Cow::Borrowed(label.unwrap_or_default())));
            }
        }
    }
    segments(text, marks)
}

/// The API form of an event read in place (see `store::Store::events_with`).
pub fn event_view_out<'a>(v: &EventView<'a>) -> EventOut<'a> {
    let (src, tgt, code) = (v.source(), v.target(), v.code());
    let actor = |a: Option<ActorView<'a>>| a.map(|a| ActorOut { code: a.code, country: a.country, agent: a.agent, name: a.name });
    EventOut {
        id: v.id(),
        article: v.article(),
        url: v.url(),
        title: v.title(),
        published: v.published(),
        day: v.day(),
        date: v.date(),
        date_precision: v.date_precision(),
        date_text: v.date_text(),
        source: actor(src),
        target: actor(tgt),
        code,
        root: v.root(),
        quad_class: v.quad_class(),
        goldstein: v.goldstein(),
        plover: v.plover(),
        place: v.place().map(|p| PlaceOut { name: p.name, country: p.country, lat: p.lat, lon: p.lon }),
        rule: v.rule(),
        negated: v.negated(),
        modality: v.modality(),
        evidence: evidence(
            v.evidence_text(),
            v.evidence_start(),
            [
                (src.map(|a| (a.start, a.end)), "source", src.map(|a| a.code)),
                (Some(v.predicate()), "predicate", Some(code)),
                (tgt.map(|a| (a.start, a.end)), "target", tgt.map(|a| a.code)),
            ],
        ),
    }
}

/// The API form of a stored event, with its evidence sentence as marked segments.
pub fn event_out(se: &StoredEvent) -> EventOut<'_> {
    let e = &se.event;
    EventOut {
        id: se.id,
        article: &se.article,
        url: se.url.as_deref(),
        title: se.title.as_deref(),
        published: se.published.as_deref(),
        day: se.day.as_deref(),
        date: e.date.as_deref(),
        date_precision: e.date_precision.map(|p| p.as_str()),
        date_text: e.date_text.as_deref(),
        source: actor_out(&e.source),
        target: actor_out(&e.target),
        code: &e.code,
        root: &e.root,
        quad_class: e.quad_class,
        goldstein: e.goldstein,
        plover: e.plover.as_deref(),
        place: e.place.as_ref().map(|p| PlaceOut {
            name: &p.name,
            country: p.country.as_deref(),
            lat: p.lat.is_finite().then_some(p.lat),
            lon: p.lon.is_finite().then_some(p.lon),
        }),
        rule: &e.rule,
        negated: e.negated,
        modality: e.modality.as_str(),
        evidence: evidence(
            &se.evidence_text,
            e.evidence.start,
            [
                (e.source.as_ref().map(|a| (a.start, a.end)), "source", e.source.as_ref().map(|a| a.code.as_str())),
                (Some((e.predicate.start, e.predicate.end)), "predicate", Some(e.code.as_str())),
                (e.target.as_ref().map(|a| (a.start, a.end)), "target", e.target.as_ref().map(|a| a.code.as_str())),
            ],
        ),
    }
}

/// The API form of a stored event as a JSON value.
pub fn event_json(se: &StoredEvent) -> Value {
    serde_json::to_value(event_out(se)).unwrap_or(Value::Null)
}

/// A JSON response from bytes serialized on a database worker.
fn json_bytes(body: Vec<u8>) -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn rows_json(rows: &[CountRow], names: &[&str]) -> Value {
    Value::Array(
        rows.iter()
            .map(|r| {
                let mut m = serde_json::Map::new();
                for (n, k) in names.iter().zip(&r.keys) {
                    m.insert((*n).to_string(), json!(k));
                }
                m.insert("count".into(), json!(r.count));
                m.insert("goldstein".into(), json!((r.goldstein * 100.0).round() / 100.0));
                Value::Object(m)
            })
            .collect(),
    )
}

/// `GET /api/stats`.
pub async fn stats(st: S) -> Result<Json<Value>, ApiError> {
    let s = with_db(&st.0, |s| s.stats()).await?;
    Ok(Json(json!({"articles": s.articles, "events": s.events})))
}

/// `GET /api/events`: a page of events, newest first.
pub async fn events(st: S, Query(p): Params) -> Result<Response, ApiError> {
    #[derive(Serialize)]
    struct Page {
        limit: u32,
        offset: u32,
        more: bool,
        events: Vec<()>,
    }
    let q = parse(&p, 50)?;
    let (limit, offset) = (q.limit, q.offset);
    let f = q.filter;
    // The page is serialized on the worker, straight from the rows SQLite holds.
    let body = with_db(&st.0, move |s| {
        let page = s.events_with(&f, limit + 1, offset, |v| serde_json::to_vec(&event_view_out(v)))?;
        let more = page.len() > limit as usize;
        let mut out = serde_json::to_vec(&Page { limit, offset, more, events: Vec::new() }).map_err(|e| store::Error::Invalid(e.to_string()))?;
        // `...,"events":[]}`: splice the events in before the closing `]}`.
        out.truncate(out.len() - 2);
        out.reserve(page.iter().map(|e| e.as_ref().map_or(0, |e| e.len() + 1)).sum::<usize>() + 2);
        for (i, e) in page.into_iter().take(limit as usize).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&e.map_err(|e| store::Error::Invalid(e.to_string()))?);
        }
        out.extend_from_slice(b"]}");
        Ok(out)
    })
    .await?;
    Ok(json_bytes(body))
}

/// `GET /api/events/{id}`.
pub async fn event(st: S, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let id: i64 = num("id", &id)?;
    match with_db(&st.0, move |s| s.event(id)).await? {
        Some(e) => Ok(Json(event_json(&e))),
        None => Err(ApiError(StatusCode::NOT_FOUND, format!("no event {id}"))),
    }
}

/// `GET /api/articles/{id}`: the article text as segments with actors, times and places marked.
pub async fn article(st: S, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    if id.len() > 256 {
        return Err(bad("id too long"));
    }
    let idc = id.clone();
    let r = with_db(&st.0, move |s| {
        let Some(rowid) = s.article_rowid(&idc)? else { return Ok(None) };
        let doc = s.doc(rowid)?;
        let f = Filter { article: Some(idc.clone()), ..Default::default() };
        let evs = s.events(&f, 200, 0)?;
        Ok(doc.map(|d| (d, evs)))
    })
    .await?;
    let Some((doc, evs)) = r else { return Err(ApiError(StatusCode::NOT_FOUND, format!("no article '{id}'"))) };
    let a = &doc.article;
    let mut marks: Vec<(usize, usize, &'static str, Cow<'_, str>)> = Vec::new();
    for m in &doc.actors {
        marks.push((m.start, m.end, "actor", Cow::Borrowed(m.code.as_str())));
    }
    for t in &doc.times {
        marks.push((t.start, t.end, "time", Cow::Borrowed(t.value.as_str())));
    }
    for p in &doc.places {
        marks.push((p.start, p.end, "place", p.place.country.as_ref().map_or(Cow::Borrowed(p.place.name.as_str()), |c| Cow::Owned(format!("{} ({c})", p.place.name)))));
    }
    Ok(Json(json!({
        "id": a.id, "url": a.url, "title": a.title, "byline": a.byline,
        "published": a.published.map(|d| d.to_string()), "source": a.source,
        "segments": segments(&a.text, marks),
        "events": evs.iter().map(event_json).collect::<Vec<_>>(),
    })))
}

/// `GET /api/actors?prefix=`: actor codes by event count.
pub async fn actors(st: S, Query(p): Params) -> Result<Json<Value>, ApiError> {
    let q = parse(&p, 100)?;
    let (prefix, limit) = (q.prefix, q.limit);
    let rows = with_db(&st.0, move |s| s.actors(prefix.as_deref(), limit)).await?;
    Ok(Json(json!({"actors": rows_json(&rows, &["code"])})))
}

/// `GET /api/dyads`: (source, target) pairs by event count, with mean Goldstein.
pub async fn dyads(st: S, Query(p): Params) -> Result<Json<Value>, ApiError> {
    let q = parse(&p, 60)?;
    let (f, limit) = (q.filter, q.limit.min(500));
    let rows = with_db(&st.0, move |s| s.dyads(&f, limit)).await?;
    Ok(Json(json!({"dyads": rows_json(&rows, &["source", "target"])})))
}

/// `GET /api/series?by=day|week|month`: event counts per period and QuadClass (use `dyad=A,B`
/// for a dyad's time series).
pub async fn series(st: S, Query(p): Params) -> Result<Json<Value>, ApiError> {
    let q = parse(&p, 5000)?;
    let period = q.by.first().copied().unwrap_or(GroupBy::Day);
    if !matches!(period, GroupBy::Day | GroupBy::Week | GroupBy::Month | GroupBy::Year) {
        return Err(bad("series: by must be day, week, month or year"));
    }
    let (f, limit) = (q.filter, q.limit.max(1000));
    let rows = with_db(&st.0, move |s| s.counts(&f, &[period, GroupBy::Quad], limit * 4)).await?;
    Ok(Json(json!({"series": rows_json(&rows, &["period", "quad_class"])})))
}

/// `GET /api/counts?by=code[,day]`: grouped counts.
pub async fn counts(st: S, Query(p): Params) -> Result<Json<Value>, ApiError> {
    let q = parse(&p, 100)?;
    let by = if q.by.is_empty() { vec![GroupBy::Root] } else { q.by.clone() };
    let names: Vec<String> = p.iter().find(|(k, _)| k == "by").map(|(_, v)| v.split(',').take(3).map(str::to_string).collect()).unwrap_or_else(|| vec!["root".into()]);
    let (f, limit) = (q.filter, q.limit);
    let rows = with_db(&st.0, move |s| s.counts(&f, &by, limit)).await?;
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    Ok(Json(json!({"counts": rows_json(&rows, &names)})))
}

/// `GET /api/places`: event places with counts.
pub async fn places(st: S, Query(p): Params) -> Result<Json<Value>, ApiError> {
    let q = parse(&p, 500)?;
    let (f, limit) = (q.filter, q.limit);
    let rows = with_db(&st.0, move |s| s.places(&f, limit)).await?;
    Ok(Json(json!({"places": rows.iter().map(|p| json!({"name": p.name, "country": p.country, "lat": p.lat, "lon": p.lon,
        "count": p.count, "goldstein": (p.goldstein * 100.0).round() / 100.0})).collect::<Vec<_>>()})))
}

/// The OpenAPI 3 document of this API.
pub fn openapi() -> String {
    let filter_params: Vec<Value> = [
        ("actor", "Source or target actor code; `RUS*` matches a prefix"),
        ("source", "Source actor code or prefix (`*`)"),
        ("target", "Target actor code or prefix (`*`)"),
        ("dyad", "SOURCE,TARGET"),
        ("undirected", "With dyad: both directions (true/false)"),
        ("code", "CAMEO event code or prefix (`04*`)"),
        ("root", "CAMEO root code (`04`)"),
        ("quad", "QuadClass 1-4"),
        ("gmin", "Minimum Goldstein value"),
        ("gmax", "Maximum Goldstein value"),
        ("from", "First day YYYY-MM-DD"),
        ("to", "Last day YYYY-MM-DD"),
        ("country", "ISO 3166-1 alpha-2 country of the event place"),
        ("place", "Place name (exact, case-insensitive)"),
        ("near", "LAT,LON,KM: events within KM of a point"),
        ("q", "Full-text search over article title and text"),
        ("article", "Article id"),
    ]
    .iter()
    .map(|(n, d)| json!({"name": n, "in": "query", "required": false, "description": d, "schema": {"type": "string"}}))
    .collect();
    let mut paging = filter_params.clone();
    paging.push(json!({"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": store::query::MAX_LIMIT}}));
    paging.push(json!({"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": store::query::MAX_OFFSET}}));
    let mut by = filter_params.clone();
    by.push(json!({"name": "by", "in": "query", "description": "Up to 3 of day, week, month, year, code, root, quad, source, target, country", "schema": {"type": "string"}}));
    by.push(json!({"name": "limit", "in": "query", "schema": {"type": "integer"}}));
    let ok = |d: &str| json!({"200": {"description": d, "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"description": "invalid parameter"}, "503": {"description": "query timed out"}});
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "dateline event store API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Read-only access to coded political events (CAMEO), their evidence and articles."},
        "paths": {
            "/api/stats": {"get": {"summary": "Article and event counts", "responses": ok("counts")}},
            "/api/events": {"get": {"summary": "Events matching filters, newest first, paged", "parameters": paging, "responses": ok("{limit, offset, more, events: [event]}")}},
            "/api/events/{id}": {"get": {"summary": "One event with its evidence sentence as marked segments",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": ok("event")}},
            "/api/articles/{id}": {"get": {"summary": "One article as text segments with actors, times and places marked, and its events",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": ok("article")}},
            "/api/actors": {"get": {"summary": "Actor codes by event count",
                "parameters": [{"name": "prefix", "in": "query", "schema": {"type": "string"}}, {"name": "limit", "in": "query", "schema": {"type": "integer"}}], "responses": ok("{actors}")}},
            "/api/dyads": {"get": {"summary": "Source-target pairs by event count with mean Goldstein", "parameters": by.clone(), "responses": ok("{dyads}")}},
            "/api/series": {"get": {"summary": "Events per period (by=day|week|month|year) and QuadClass; with dyad= a dyad time series", "parameters": by.clone(), "responses": ok("{series}")}},
            "/api/counts": {"get": {"summary": "Event counts grouped by the keys in by", "parameters": by.clone(), "responses": ok("{counts}")}},
            "/api/places": {"get": {"summary": "Event places with counts", "parameters": paging.clone(), "responses": ok("{places}")}},
        }
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
