//! The router: which path goes to which handler, and which guards stand in front.

mod assets;
mod feed;
mod page;
mod roundtrip;
mod sse;
mod target;

use crate::{ApiError, App, security};
use axum::{Router, http::Method, http::Uri, middleware, routing::get};

/// The whole application: the page, its assets, the three Datastar actions and every guard.
///
/// Tests call this directly; [`crate::serve`] is only the transport around it.
pub fn router(app: App) -> Router {
    // Actions answer Datastar's `fetch` only, never a plain navigation or a form post.
    let actions = Router::new()
        .route("/get", get(roundtrip::roundtrip))
        .route("/target", get(target::target))
        .route("/feed", get(feed::feed))
        .route_layer(middleware::from_fn(security::require_datastar_request));

    let pages = Router::new()
        .route("/", get(page::index))
        .route("/assets/style.css", get(assets::style))
        .route("/assets/favicon.svg", get(assets::favicon))
        .route(crate::assets::DATASTAR_JS_PATH, get(assets::datastar));

    let routes = pages
        .merge(actions)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app.clone());

    security::protect(routes, app)
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::NotFound(uri.path().to_owned())
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::MethodNotAllowed(method.to_string())
}
