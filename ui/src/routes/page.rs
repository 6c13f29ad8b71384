//! The page and the files it loads: embedded in release builds, live from disk in debug
//! builds (see [`crate::page::live_reload`]).

use crate::{
    ApiError, AppState,
    page::{
        assets::{DATASTAR_JS, PageFile},
        render::Page,
        templates::{TemplateError, Templates},
    },
};
use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};

/// The page, as the user left it: `ui/assets/index.html`, rendered with the stored state
/// ([`Page`]).
pub async fn index(State(app): State<AppState>) -> Result<Response, ApiError> {
    let page = render_page(&app, &app.templates(), Part::Whole).map_err(|err| {
        tracing::error!(%err, "cannot render the page");
        ApiError::Internal
    })?;
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

/// How much of the page to render.
#[derive(Debug, Clone, Copy)]
pub(super) enum Part {
    Whole,
    /// The `<body>` only, as live reload sends it.
    #[cfg_attr(
        not(debug_assertions),
        expect(dead_code, reason = "live reload is in debug builds only")
    )]
    Body,
}

/// The page for a new tab, from `templates`.
pub(super) fn render_page(
    app: &AppState,
    templates: &Templates,
    part: Part,
) -> Result<String, TemplateError> {
    // The tab listens before its state is read: a change kept meanwhile reaches it.
    let tab = app.page_events().open_tab();
    let store = app.store();
    let (state, notice, updates) = (store.state(), store.current_notice(), app.update_status());
    let page = Page {
        state: &state,
        tab: &tab,
        notice: notice.as_deref(),
        updates: &updates,
        notifications: &app.notification_status(),
        notify: app.native().is_some(),
        settings: store.preferences().settings(),
        tray: app.has_tray(),
        live_reload: live_reload_is_on(app),
    };
    match part {
        Part::Whole => page.render(templates),
        Part::Body => page.render_body(templates),
    }
}

#[cfg(debug_assertions)]
fn live_reload_is_on(app: &AppState) -> bool {
    app.live_reload().is_some()
}

#[cfg(not(debug_assertions))]
fn live_reload_is_on(_: &AppState) -> bool {
    false
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
