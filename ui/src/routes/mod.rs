//! The router: which path goes to which handler, and which guards stand in front; and the
//! server, whole: that router on the transport.

mod events;
mod feed;
#[cfg(debug_assertions)]
mod live_reload;
mod notify;
mod page;
mod page_signals;
mod roundtrip;
mod save;
mod settings;
mod target;
mod updates;

pub use target::TIME_FORMAT;

use crate::{
    error::ApiError,
    limits::MAX_SAVE_BYTES,
    page::updates::Button,
    security,
    state::AppState,
    transport::{self, server::Transport},
};
use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{Method, Uri},
    response::{Sse, sse::Event},
    routing::{get, post},
};

use futures_util::stream::{self, Once};
use std::{convert::Infallible, future::Ready};

/// Serves `app` on `listener` until `shutdown` completes, then shuts down gracefully:
/// it stops accepting, ends every open feed, lets in-flight responses finish and returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let transport = Transport {
        header_read_timeout: app.header_read_timeout(),
        connections: app.connections().clone(),
        stopping: app.shutdown_token().clone(),
    };
    transport::server::serve(listener, router(app), transport, shutdown).await
}

/// The whole application: the page, its assets, its Datastar actions and every guard.
///
/// [`serve`] puts it on the transport; a caller that brings its own transport
/// (a unit test with `tower::ServiceExt::oneshot`, another server) gets every guard too.
pub fn router(app: AppState) -> security::Protected {
    // Every route lives under the secret base path, which the session cookie is scoped to;
    // the page names them relative to itself.
    let base = app.base_path().to_owned();
    let at = |path: &str| format!("{base}{path}");
    let button = |button: Button| at(&format!("/{}", button.path()));
    // Actions answer Datastar's `fetch` only, never a plain navigation or a form post: each
    // handler takes a `DatastarAction`.
    let actions = Router::new()
        .route(&at("/get"), get(roundtrip::roundtrip))
        .route(&at("/target"), get(target::target))
        .route(&at("/feed"), get(feed::feed))
        .route(&at("/events"), get(events::events))
        // What the page's user changed, debounced (see `ui/assets/index.html`). The server
        // keeps its own answers itself: `get` and `target` write too.
        .route(
            &at("/save"),
            post(save::save).layer(DefaultBodyLimit::max(MAX_SAVE_BYTES)),
        );
    // The update panel's buttons, Notify Me and the settings, on a server with a native
    // side to hand them to.
    let actions = if app.native().is_some() {
        actions
            .route(
                &at("/notify"),
                post(notify::notify).layer(DefaultBodyLimit::max(MAX_SAVE_BYTES)),
            )
            .route(
                &at("/settings"),
                post(settings::settings).layer(DefaultBodyLimit::max(MAX_SAVE_BYTES)),
            )
            .route(&button(Button::Automatic), post(updates::automatic))
            .route(&button(Button::NotNow), post(updates::not_now))
            .route(&button(Button::Check), post(updates::check))
            .route(&button(Button::Install), post(updates::install))
            .route(&button(Button::Cancel), post(updates::cancel))
            .route(&button(Button::Later), post(updates::later))
    } else {
        actions
    };
    #[cfg(debug_assertions)]
    let actions = actions.route(
        &at(crate::page::live_reload::LIVE_RELOAD_PATH),
        get(live_reload::live_reload),
    );

    let pages = Router::new()
        .route(&at("/"), get(page::index))
        .route(&at("/assets/style.css"), get(page::style))
        .route(&at("/assets/favicon.svg"), get(page::favicon))
        .route(
            &at(crate::page::assets::DATASTAR_JS_PATH),
            get(page::datastar),
        );

    let routes = pages
        .merge(actions)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app.clone());

    security::protect(routes, app.policy().clone())
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::NotFound(uri.path().to_owned())
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::MethodNotAllowed(method.to_string())
}

/// A response made of exactly one Datastar event, as the action routes send.
type OneEvent = Sse<Once<Ready<Result<Event, Infallible>>>>;

/// Wraps one `PatchElements` or `PatchSignals` in an SSE response that then closes,
/// so Datastar applies it and does not try to reconnect.
fn one_event(event: impl Into<Event>) -> OneEvent {
    Sse::new(stream::once(std::future::ready(Ok(event.into()))))
}
