//! The page and the files it loads: embedded in release builds, live from disk in debug
//! builds (see [`crate::live_assets`]).

use crate::{
    App,
    assets::{DATASTAR_JS, FAVICON_SVG, INDEX_HTML, STYLE_CSS},
};
use axum::{
    extract::State,
    http::HeaderMap,
    response::{Html, IntoResponse, Response},
};

/// The page. Its signals, buttons and texts live in `ui/assets/index.html`.
pub async fn index(State(app): State<App>) -> Response {
    #[cfg(debug_assertions)]
    if let Some(live) = app.live_assets() {
        return live.respond(crate::live_assets::LiveFile::Page);
    }
    let _ = app;
    Html(INDEX_HTML).into_response()
}

pub async fn style(State(app): State<App>, headers: HeaderMap) -> Response {
    #[cfg(debug_assertions)]
    if let Some(live) = app.live_assets() {
        return live.respond(crate::live_assets::LiveFile::Stylesheet);
    }
    let _ = app;
    STYLE_CSS.respond(&headers)
}

pub async fn favicon(State(app): State<App>, headers: HeaderMap) -> Response {
    #[cfg(debug_assertions)]
    if let Some(live) = app.live_assets() {
        return live.respond(crate::live_assets::LiveFile::Favicon);
    }
    let _ = app;
    FAVICON_SVG.respond(&headers)
}

pub async fn datastar(headers: HeaderMap) -> Response {
    DATASTAR_JS.respond(&headers)
}
