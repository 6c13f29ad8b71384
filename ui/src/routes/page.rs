//! The page and the files it loads: embedded in release builds, live from disk in debug
//! builds (see [`crate::page::live_reload`]).

use crate::{
    AppState,
    page::{
        assets::{DATASTAR_JS, INDEX_HTML, PageFile},
        render,
    },
};
use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};

/// The page, as the user left it. Its signals, buttons and texts live in
/// `ui/assets/index.html`; the server puts the stored state into it ([`render`]).
pub async fn index(State(app): State<AppState>) -> Response {
    #[cfg(debug_assertions)]
    let page = match app.live_reload() {
        Some(live) => live.page(),
        None => INDEX_HTML.to_owned(),
    };
    #[cfg(not(debug_assertions))]
    let page = INDEX_HTML;
    let store = app.store();
    let page = render::render(
        &page,
        &store.state(),
        &render::new_tab_id(),
        store.notice(),
        &app.update_status(),
    );
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            // It holds the user's state: no cache may keep it.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        page,
    )
        .into_response()
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
