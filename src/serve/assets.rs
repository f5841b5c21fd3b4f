//! The search page, compiled into the binary: plain HTML, CSS and JavaScript
//! with no external resource, served only under the fixed names below (no
//! file is read from disk, so no request can reach another file).

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use super::AppState;

/// The page's HTML.
pub const INDEX_HTML: &str = include_str!("assets/index.html");
/// The page's script.
pub const APP_JS: &str = include_str!("assets/app.js");
/// The page's style sheet.
pub const STYLE_CSS: &str = include_str!("assets/style.css");
/// The page's icon.
pub const FAVICON_SVG: &str = include_str!("assets/favicon.svg");

/// Each asset: its path, its media type and its content.
pub const ASSETS: &[(&str, &str, &str)] = &[
    ("/", "text/html; charset=utf-8", INDEX_HTML),
    ("/app.js", "text/javascript; charset=utf-8", APP_JS),
    ("/style.css", "text/css; charset=utf-8", STYLE_CSS),
    ("/favicon.svg", "image/svg+xml", FAVICON_SVG),
];

/// The routes of the embedded files.
pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for &(path, media_type, body) in ASSETS {
        router = router.route(
            path,
            get(move || async move {
                (
                    [
                        (header::CONTENT_TYPE, media_type),
                        // Revalidated each time: a new binary serves a new page.
                        (header::CACHE_CONTROL, "no-cache"),
                    ],
                    body,
                )
                    .into_response()
            }),
        );
    }
    router
}
