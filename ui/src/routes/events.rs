//! The stream that carries [`crate::PageEvents`] to the page: native controls, through the
//! server, as Datastar events.

use crate::AppState;
use axum::{
    extract::State,
    response::{
        Sse,
        sse::{Event, KeepAlive},
    },
};
use futures_util::{Stream, StreamExt};
use std::convert::Infallible;

/// Ends with the server, or graceful shutdown would wait for it forever.
pub async fn events(
    State(app): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let shutdown = app.shutdown_token().clone().cancelled_owned();
    let events = app
        .page_events()
        .subscribe()
        .map(|event| Ok(event.into()))
        .take_until(shutdown);
    Sse::new(events).keep_alive(KeepAlive::new().interval(app.keep_alive()))
}
