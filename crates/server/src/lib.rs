//! HTTP JSON API and the web UI of `dateline serve`.
//!
//! Safety by construction:
//! - the database is opened read-only (`SQLITE_OPEN_READ_ONLY` + `query_only`), one
//!   long-lived connection per database worker thread (a fixed pool, see `api::State`);
//! - only GET routes exist; request bodies are capped at 1 KiB and URIs at 2 KiB;
//! - pages are capped ([`store::query::MAX_LIMIT`]), at most [`Config::max_concurrent`]
//!   queries run at once, and each is interrupted after [`Config::query_timeout`];
//! - every user value reaches SQLite as a bound parameter (see `store::query`);
//! - article text is sent as JSON and the page inserts it with `textContent` only, under a
//!   Content-Security-Policy that allows no inline script.

pub mod api;
pub mod loadgen;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Server settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The store file (opened read-only).
    pub db: PathBuf,
    /// Address to bind; loopback by default.
    pub addr: SocketAddr,
    /// Each SQL statement is interrupted after this long.
    pub query_timeout: Duration,
    /// Database worker threads, each with one read-only connection: the most queries
    /// running at once (others wait their turn).
    pub max_concurrent: usize,
    /// Tokio worker threads.
    pub threads: usize,
}

impl Config {
    /// Defaults for a store file: 127.0.0.1:8080, 2 s per query, 2×cores concurrent queries.
    pub fn new(db: PathBuf) -> Config {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Config {
            db,
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            query_timeout: Duration::from_secs(2),
            max_concurrent: (cores * 2).max(2),
            threads: cores.max(2),
        }
    }
}

/// Largest URI (path + query) accepted.
pub const MAX_URI: usize = 2048;

const INDEX_HTML: &str = include_str!("../web/index.html");
const APP_JS: &str = include_str!("../web/app.js");
const APP_CSS: &str = include_str!("../web/app.css");
const WORLD_JS: &str = include_str!("../web/world.js");

fn asset(ctype: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, ctype), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

async fn guard(req: Request<axum::body::Body>, next: Next) -> Response {
    let uri_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    let mut resp = if uri_len > MAX_URI {
        (StatusCode::URI_TOO_LONG, "URI too long").into_response()
    } else if req.method() != axum::http::Method::GET && req.method() != axum::http::Method::HEAD {
        (StatusCode::METHOD_NOT_ALLOWED, "read-only API: GET only").into_response()
    } else {
        next.run(req).await
    };
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    resp
}

/// The application: web page, assets, API and OpenAPI document.
pub fn router(cfg: &Config) -> Router {
    let state = Arc::new(api::State::new(cfg));
    Router::new()
        .route("/", get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }))
        .route("/app.js", get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }))
        .route("/world.js", get(|| async { asset("text/javascript; charset=utf-8", WORLD_JS) }))
        .route("/app.css", get(|| async { asset("text/css; charset=utf-8", APP_CSS) }))
        .route("/openapi.json", get(|| async { ([(header::CONTENT_TYPE, "application/json")], api::openapi()).into_response() }))
        .route("/api/stats", get(api::stats))
        .route("/api/events", get(api::events))
        .route("/api/events/{id}", get(api::event))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/actors", get(api::actors))
        .route("/api/dyads", get(api::dyads))
        .route("/api/series", get(api::series))
        .route("/api/counts", get(api::counts))
        .route("/api/places", get(api::places))
        .fallback(|| async { (StatusCode::NOT_FOUND, axum::Json(serde_json::json!({"error": "not found"}))) })
        .layer(DefaultBodyLimit::max(1024))
        .layer(middleware::from_fn(guard))
        .with_state(state)
}

fn runtime(threads: usize) -> std::io::Result<tokio::runtime::Runtime> {
    // Query results arrive from the database workers, outside the runtime, through its
    // global queue: look at it often so that finished queries are answered promptly.
    tokio::runtime::Builder::new_multi_thread().worker_threads(threads.max(1)).global_queue_interval(4).enable_io().enable_time().build()
}

/// Checks that the store opens read-only (so that errors show before binding).
pub fn check_db(cfg: &Config) -> Result<store::db::Stats, store::Error> {
    store::Store::open_readonly(&cfg.db)?.stats()
}

/// Serves until the process ends.
pub fn run(cfg: Config) -> std::io::Result<()> {
    let rt = runtime(cfg.threads)?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(cfg.addr).await?;
        axum::serve(listener, router(&cfg)).await
    })
}

/// A server running on its own threads (for benchmarks and tests).
pub struct Running {
    /// The bound address.
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    /// Stops the server and waits for it.
    pub fn stop(mut self) {
        self.shutdown();
    }
    fn shutdown(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Starts a server on `cfg.addr` (port 0 picks a free port) in a background thread.
pub fn spawn(cfg: Config) -> std::io::Result<Running> {
    let std_listener = std::net::TcpListener::bind(cfg.addr)?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = runtime(cfg.threads)?;
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(std_listener)?;
            axum::serve(listener, router(&cfg)).with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
        })
    });
    Ok(Running { addr, stop: Some(tx), thread: Some(thread) })
}
