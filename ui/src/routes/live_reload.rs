//! Debug builds only: the stream that carries edits of `ui/assets/` to the page.

use crate::{error::ApiError, security::DatastarAction, state::AppState};
use axum::{
    extract::State,
    response::{
        Sse,
        sse::{Event, KeepAlive},
    },
};
use futures_util::{Stream, StreamExt};
use std::convert::Infallible;

/// Ends with the server, like a feed, or graceful shutdown would wait for it forever.
pub async fn live_reload(
    _: DatastarAction,
    State(app): State<AppState>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let live = app
        .live_reload()
        .ok_or_else(|| ApiError::NotFound(crate::page::live_reload::LIVE_RELOAD_PATH.to_owned()))?;
    let shutdown = app.shutdown_token().clone().cancelled_owned();
    let page_app = app.clone();
    let edits = live
        .subscribe(move |templates| {
            super::page::render_page(&page_app, templates, super::page::Part::Body)
        })
        .map(|patch| Ok(patch.into()))
        .take_until(shutdown);
    Ok(Sse::new(edits).keep_alive(KeepAlive::new().interval(app.keep_alive())))
}
