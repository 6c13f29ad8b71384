//! The page and the files it loads: embedded in release builds, live from disk in debug
//! builds (see [`crate::page::live_reload`]).

use crate::{
    ApiError, AppState,
    page::{
        assets::{DATASTAR_JS, PageFile},
        render,
    },
};
use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};

/// The page, as the user left it: `ui/assets/index.html`, rendered with the stored state
/// ([`render`]).
pub async fn index(State(app): State<AppState>) -> Result<Response, ApiError> {
    let page = render_page(&app, &app.templates()).map_err(|err| {
        tracing::error!(%err, "cannot render the page");
        ApiError::Internal
    })?;
    #[cfg(debug_assertions)]
    let page = match app.live_reload() {
        Some(_) => crate::page::live_reload::with_hook(&page),
        None => page,
    };
    Ok((
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
        .into_response())
}

/// The page for a new tab, from `templates`.
pub(super) fn render_page(
    app: &AppState,
    templates: &crate::page::templates::Templates,
) -> Result<String, crate::page::templates::TemplateError> {
    let store = app.store();
    render::render(
        templates,
        &store.state(),
        &render::new_tab_id(),
        store.current_notice().as_deref(),
        &app.update_status(),
    )
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
