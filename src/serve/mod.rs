//! `search serve`: the HTTP API and the search page, on a local index.
//!
//! ```text
//! index folder ──open_index──▶ Live (reopened on each new commit) ──▶ api handlers ──▶ JSON
//!                                                                    assets ──▶ the page at /
//! ```
//!
//! * [`api`] answers `/api/search`, `/api/articles/{id}`, `/api/facets` and
//!   `/api/health` with the same JSON documents the CLI prints.
//! * [`assets`] serves the page (HTML, CSS, JS) compiled into the binary: no
//!   file is read from disk, so no path can reach outside.
//! * [`Live`] holds the open index and swaps in a newly opened one (its
//!   searcher, facet files and company name list together) when the index
//!   folder's commit files change.
//!
//! Queries run on tokio's blocking pool with a time limit; a panic in one
//! request is answered with a JSON 500 and the server goes on.

pub mod api;
pub mod assets;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::SearchError;
use crate::index::{open_index, SearchIndex};

/// The address `search serve` listens on unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7700";
/// Longest request line accepted (path and query string), in bytes; longer is a 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Largest request body accepted, in bytes; larger is a 413 (the API only reads).
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// The Content-Security-Policy of every response: only the page's own script,
/// style and API; nothing inline, no frames, no other origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// How `search serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The index folder.
    pub index_dir: PathBuf,
    /// Where to listen (port 0: any free port).
    pub addr: SocketAddr,
    /// The one other origin allowed to call the API from a browser (CORS), if any.
    pub cors: Option<String>,
    /// Longest time one query may take before the request is answered with a 503.
    pub query_timeout: Duration,
    /// How often the index folder is checked for a new commit.
    pub reload_interval: Duration,
}

impl ServeOptions {
    /// Options for the index at `index_dir` on `addr`, the rest by default.
    pub fn new(index_dir: PathBuf, addr: SocketAddr) -> ServeOptions {
        ServeOptions {
            index_dir,
            addr,
            cors: None,
            query_timeout: Duration::from_secs(10),
            reload_interval: Duration::from_millis(200),
        }
    }
}

/// The index a server answers from: the last commit it could open, or why
/// the index cannot be used now (say it needs `--rebuild`).
pub struct Live {
    dir: PathBuf,
    current: RwLock<Result<Arc<SearchIndex>, String>>,
    /// What the commit files looked like when `current` was opened.
    seen: RwLock<Signature>,
}

/// Names, sizes and times of the files a commit or an index run changes:
/// tantivy's `meta.json` and search's own `search-*` files (metadata, name
/// list, facet files, which are written after the commit).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Signature(Vec<(String, u64, Option<SystemTime>)>);

impl Signature {
    fn read(dir: &Path) -> Signature {
        let mut files = Vec::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name != "meta.json" && !name.starts_with("search-") || name.ends_with(".tmp") {
                    continue;
                }
                if let Ok(meta) = entry.metadata() {
                    files.push((name, meta.len(), meta.modified().ok()));
                }
            }
        }
        files.sort();
        Signature(files)
    }
}

impl Live {
    /// Opens the index at `dir`; an error if there is none or it cannot be used.
    pub fn open(dir: &Path) -> Result<Live, SearchError> {
        let seen = Signature::read(dir);
        let index = hits_on_request_thread(open_index(dir)?);
        Ok(Live {
            dir: dir.to_path_buf(),
            current: RwLock::new(Ok(Arc::new(index))),
            seen: RwLock::new(seen),
        })
    }

    /// The index to answer a request from, or why there is none.
    pub fn index(&self) -> Result<Arc<SearchIndex>, String> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Opens the index again if its commit files changed since it was last
    /// opened; returns whether it did. Requests keep the index they started with.
    pub fn reload_if_changed(&self) -> bool {
        let now = Signature::read(&self.dir);
        if *self.seen.read().unwrap_or_else(|e| e.into_inner()) == now {
            return false;
        }
        let opened = open_index(&self.dir)
            .map(hits_on_request_thread)
            .map(Arc::new)
            .map_err(|e| e.to_string());
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = opened;
        *self.seen.write().unwrap_or_else(|e| e.into_inner()) = now;
        true
    }
}

/// The index as the server searches it. The segments of a query are
/// searched on the pool [`open_index`] gives the index's reader (one thread
/// per core, at most 4), shared by all requests: the executor set here is not
/// the reader's (its searchers keep the one the index had when the reader
/// was made), so it only reads the hits of a query on the request's own
/// thread. Searching every query on its own thread instead, with or without
/// a bound on how many run at once, measured no faster at 16 and 64 clients
/// on 200k articles and slower for one client (BENCHMARKS.md).
fn hits_on_request_thread(mut idx: SearchIndex) -> SearchIndex {
    idx.index.set_executor(tantivy::Executor::single_thread());
    idx
}

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The index.
    pub live: Arc<Live>,
    /// Time limit of one query.
    pub query_timeout: Duration,
}

/// The whole application: API, page, and the layers around them (limits,
/// security headers, compression, CORS if asked, panics caught).
pub fn router(state: AppState, cors: Option<&str>) -> Result<Router, SearchError> {
    let app = api::routes()
        .merge(assets::routes())
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(state);
    with_cors(with_layers(app), cors)
}

/// The layers around every route: request limits, compression, security
/// headers, and panics answered as JSON.
fn with_layers(app: Router) -> Router {
    app.layer(axum::middleware::from_fn(api::limit_request))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(CatchPanicLayer::custom(api::panic_response))
}

/// Adds CORS for `origin` if given.
fn with_cors(app: Router, cors: Option<&str>) -> Result<Router, SearchError> {
    let mut app = app;
    if let Some(origin) = cors {
        let origin = HeaderValue::from_str(origin)
            .ok()
            .filter(|_| origin.starts_with("http://") || origin.starts_with("https://"))
            .ok_or_else(|| {
                SearchError::BadArgument(format!(
                    "--cors `{origin}` is not an origin such as https://example.org"
                ))
            })?;
        app = app.layer(
            tower_http::cors::CorsLayer::new()
                .allow_origin(origin)
                .allow_methods([Method::GET, Method::HEAD]),
        );
    }
    Ok(app)
}

/// True if clients on other machines may reach `addr`.
pub fn is_public(addr: &SocketAddr) -> bool {
    !addr.ip().is_loopback()
}

/// Runs the server until Ctrl-C or SIGTERM; `ready` is called with the bound
/// address once it listens. Fails before listening if there is no usable index.
pub fn serve(opts: &ServeOptions, ready: impl FnOnce(SocketAddr)) -> Result<(), SearchError> {
    let live = Arc::new(Live::open(&opts.index_dir)?);
    let state = AppState {
        live: Arc::clone(&live),
        query_timeout: opts.query_timeout,
    };
    let app = router(state, opts.cors.as_deref())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("serve")
        .build()
        .map_err(|source| SearchError::Io {
            path: opts.index_dir.clone(),
            source,
        })?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(opts.addr)
            .await
            .map_err(|e| {
                SearchError::BadArgument(format!("cannot listen on {}: {e}", opts.addr))
            })?;
        let bound = listener.local_addr().map_err(|e| {
            SearchError::BadArgument(format!("cannot listen on {}: {e}", opts.addr))
        })?;
        // Watch the index folder for new commits.
        let watcher = {
            let live = Arc::clone(&live);
            let every = opts.reload_interval;
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(every).await;
                    let live = Arc::clone(&live);
                    let _ = tokio::task::spawn_blocking(move || live.reload_if_changed()).await;
                }
            })
        };
        let stop = shutdown_signal();
        ready(bound);
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await;
        watcher.abort();
        served.map_err(|e| SearchError::BadArgument(format!("the server failed: {e}")))
    })?;
    // In-flight blocking queries are not waited for past a short grace.
    runtime.shutdown_timeout(Duration::from_secs(2));
    Ok(())
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM. The handlers are installed
/// when this is called (inside the runtime), before the server says it is
/// ready, so a signal sent as soon as the URL is printed stops it cleanly.
#[cfg(unix)]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let interrupt = signal(SignalKind::interrupt());
    let terminate = signal(SignalKind::terminate());
    async move {
        match (interrupt, terminate) {
            (Ok(mut i), Ok(mut t)) => {
                tokio::select! {
                    _ = i.recv() => {},
                    _ = t.recv() => {},
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Answers `status` with `{"error": message}`.
pub(crate) fn json_error(
    status: StatusCode,
    message: impl Into<String>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    #[derive(serde::Serialize)]
    struct Body {
        error: String,
    }
    (
        status,
        axum::Json(Body {
            error: message.into(),
        }),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_private_anything_else_public() {
        assert!(!is_public(&"127.0.0.1:7700".parse().unwrap()));
        assert!(!is_public(&"[::1]:7700".parse().unwrap()));
        assert!(is_public(&"0.0.0.0:7700".parse().unwrap()));
        assert!(is_public(&"192.168.1.4:80".parse().unwrap()));
    }

    /// A handler that panics is answered with a JSON 500 that keeps the
    /// panic's text to itself, and the next request is answered.
    #[tokio::test]
    async fn a_panic_is_a_json_500_without_its_text() {
        use tower::ServiceExt;
        let app = with_layers(
            Router::new()
                .route(
                    "/boom",
                    axum::routing::get(|| async {
                        if std::hint::black_box(true) {
                            panic!("secret panic text");
                        }
                        "unreachable"
                    }),
                )
                .route("/fine", axum::routing::get(|| async { "fine" })),
        );
        let request = |path: &str| {
            axum::http::Request::builder()
                .uri(path)
                .body(axum::body::Body::empty())
                .unwrap()
        };
        let resp = app.clone().oneshot(request("/boom")).await.unwrap();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(resp.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let message = body["error"].as_str().unwrap();
        assert!(
            message.contains("still running") && !message.contains("secret"),
            "{message}"
        );
        let resp = app.oneshot(request("/fine")).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
    }

    #[test]
    fn signature_sees_only_commit_files() {
        let dir = tempfile::tempdir().unwrap();
        let before = Signature::read(dir.path());
        std::fs::write(dir.path().join("abc.store"), b"x").unwrap();
        std::fs::write(dir.path().join("search-meta.json.tmp"), b"x").unwrap();
        assert_eq!(Signature::read(dir.path()), before);
        std::fs::write(dir.path().join("meta.json"), b"{}").unwrap();
        assert_ne!(Signature::read(dir.path()), before);
    }
}
