//! The stream that carries [`crate::PageEvents`] to the page: native controls, through the
//! server, as Datastar events.

use crate::App;
use axum::{
    extract::State,
    response::{
        Sse,
        sse::{Event, KeepAlive},
    },
};
use futures_util::{Stream, StreamExt, stream};
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

/// Ends with the server, or graceful shutdown would wait for it forever.
pub async fn events(State(app): State<App>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let shutdown = app.shutdown_token().clone().cancelled_owned();
    let events = stream::unfold(app.page_events().subscribe(), |mut events| async move {
        loop {
            match events.recv().await {
                Ok(event) => return Some((Ok(event.into()), events)),
                // A page that fell behind skips what it missed rather than closing.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    })
    .take_until(shutdown);
    Sse::new(events).keep_alive(KeepAlive::new().interval(app.keep_alive()))
}
