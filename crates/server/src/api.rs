//! JSON API handlers. Query strings are parsed by hand into [`store::Filter`] so that bad
//! values get a JSON error naming the parameter; the SQL lives in `store::query`.

use crate::Config;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use store::query::{CountRow, GroupBy, StoredEvent};
use store::{Filter, Store};

/// Shared server state.
pub struct State {
    db: PathBuf,
    timeout: Duration,
    permits: tokio::sync::Semaphore,
}

impl State {
    /// State for a config.
    pub fn new(cfg: &Config) -> State {
        State { db: cfg.db.clone(), timeout: cfg.query_timeout, permits: tokio::sync::Semaphore::new(cfg.max_concurrent.max(1)) }
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

thread_local! {
    /// One read-only connection per blocking worker thread.
    static CONN: RefCell<Option<(PathBuf, Store)>> = const { RefCell::new(None) };
}

/// Runs `f` on a blocking thread with a read-only connection, a concurrency permit and the
/// per-query time limit.
async fn with_db<T: Send + 'static>(st: &Arc<State>, f: impl FnOnce(&Store) -> store::Result<T> + Send + 'static) -> Result<T, ApiError> {
    let _permit = st.permits.acquire().await.map_err(|_| ApiError(StatusCode::SERVICE_UNAVAILABLE, "shutting down".into()))?;
    let db = st.db.clone();
    let timeout = st.timeout;
    let r = tokio::task::spawn_blocking(move || {
        CONN.with(|c| {
            let mut c = c.borrow_mut();
            if c.as_ref().map(|(p, _)| p != &db).unwrap_or(true) {
                *c = Some((db.clone(), Store::open_readonly(&db)?));
            }
            let store = &c.as_ref().expect("opened above").1;
            store.set_timeout(Some(timeout));
            let r = f(store);
            store.set_timeout(None);
            r
        })
    })
    .await
    .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("worker failed: {e}")))?;
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

/// Splits `text` into segments `{text, mark?, label?}` with the given marks (byte spans
/// relative to `text`); overlapping marks after the first are dropped.
pub fn segments(text: &str, mut marks: Vec<(usize, usize, &'static str, String)>) -> Vec<Value> {
    marks.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out = Vec::new();
    let mut pos = 0;
    for (s, e, kind, label) in marks {
        if s < pos || e <= s || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        if s > pos {
            out.push(json!({"text": &text[pos..s]}));
        }
        out.push(json!({"text": &text[s..e], "mark": kind, "label": label}));
        pos = e;
    }
    if pos < text.len() {
        out.push(json!({"text": &text[pos..]}));
    }
    out
}

fn actor_json(a: &Option<model::EventActor>) -> Value {
    match a {
        None => Value::Null,
        Some(a) => json!({"code": a.code, "country": a.country, "agent": a.agent, "name": a.name}),
    }
}

/// The API form of a stored event, with its evidence sentence as marked segments.
pub fn event_json(se: &StoredEvent) -> Value {
    let e = &se.event;
    let base = e.evidence.start;
    let rel = |s: usize, t: usize| (s.checked_sub(base), t.checked_sub(base));
    let mut marks = Vec::new();
    for (span, kind, label) in [
        (e.source.as_ref().map(|a| (a.start, a.end)), "source", e.source.as_ref().map(|a| a.code.clone())),
        (Some((e.predicate.start, e.predicate.end)), "predicate", Some(e.code.clone())),
        (e.target.as_ref().map(|a| (a.start, a.end)), "target", e.target.as_ref().map(|a| a.code.clone())),
    ] {
        if let Some((s, t)) = span {
            if let (Some(s), Some(t)) = rel(s, t) {
                marks.push((s, t, kind, label.unwrap_or_default()));
            }
        }
    }
    json!({
        "id": se.id, "article": se.article, "url": se.url, "title": se.title, "published": se.published,
        "day": se.day, "date": e.date, "date_precision": e.date_precision.map(|p| p.as_str()), "date_text": e.date_text,
        "source": actor_json(&e.source), "target": actor_json(&e.target),
        "code": e.code, "root": e.root, "quad_class": e.quad_class, "goldstein": e.goldstein, "plover": e.plover,
        "place": e.place.as_ref().map(|p| json!({"name": p.name, "country": p.country,
            "lat": p.lat.is_finite().then_some(p.lat), "lon": p.lon.is_finite().then_some(p.lon)})),
        "rule": e.rule, "negated": e.negated, "modality": e.modality.as_str(),
        "evidence": segments(&se.evidence_text, marks),
    })
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
pub async fn events(st: S, Query(p): Params) -> Result<Json<Value>, ApiError> {
    let q = parse(&p, 50)?;
    let (limit, offset) = (q.limit, q.offset);
    let f = q.filter;
    let page = with_db(&st.0, move |s| s.events(&f, limit + 1, offset)).await?;
    let more = page.len() > limit as usize;
    let ev: Vec<Value> = page.iter().take(limit as usize).map(event_json).collect();
    Ok(Json(json!({"limit": limit, "offset": offset, "more": more, "events": ev})))
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
    let mut marks: Vec<(usize, usize, &'static str, String)> = Vec::new();
    for m in &doc.actors {
        marks.push((m.start, m.end, "actor", m.code.clone()));
    }
    for t in &doc.times {
        marks.push((t.start, t.end, "time", t.value.clone()));
    }
    for p in &doc.places {
        marks.push((p.start, p.end, "place", p.place.country.clone().map_or(p.place.name.clone(), |c| format!("{} ({c})", p.place.name))));
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
