//! The page and the files it loads: embedded in release builds, live from disk in debug
//! builds (see [`crate::page::live_reload`]).

use crate::{
    AppState,
    page::assets::{DATASTAR_JS, PageFile},
};
use axum::{extract::State, http::HeaderMap, response::Response};

/// The page. Its signals, buttons and texts live in `ui/assets/index.html`.
pub async fn index(State(app): State<AppState>, headers: HeaderMap) -> Response {
    serve(&app, PageFile::Page, &headers)
}

pub async fn style(State(app): State<AppState>, headers: HeaderMap) -> Response {
    serve(&app, PageFile::Stylesheet, &headers)
}

pub async fn favicon(State(app): State<AppState>, headers: HeaderMap) -> Response {
    serve(&app, PageFile::Favicon, &headers)
}

pub async fn datastar(headers: HeaderMap) -> Response {
    DATASTAR_JS.respond(&headers)
}

/// The copy on disk when live reload is on, the embedded one otherwise.
fn serve(app: &AppState, file: PageFile, headers: &HeaderMap) -> Response {
    #[cfg(debug_assertions)]
    if let Some(live) = app.live_reload() {
        return live.respond(file);
    }
    #[cfg(not(debug_assertions))]
    let _ = app;
    file.respond(headers)
}
