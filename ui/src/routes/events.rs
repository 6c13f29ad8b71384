//! The stream that carries [`crate::PageEvents`] to the page: native controls, and the
//! changes the page's other tabs make, through the server, as Datastar events.

use crate::{AppState, security::DatastarAction};
use axum::{
    extract::State,
    response::{
        Response, Sse,
        sse::{Event, KeepAlive},
    },
};
use datastar::axum::ReadSignals;
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use std::convert::Infallible;

/// The one signal this route reads: which tab the stream belongs to.
#[derive(Debug, Default, Deserialize)]
pub struct Tab {
    #[serde(default)]
    tab: Option<String>,
}

/// Ends with the server, or graceful shutdown would wait for it forever.
pub async fn events(
    _: DatastarAction,
    State(app): State<AppState>,
    signals: Result<ReadSignals<Option<Tab>>, Response>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // A stream without a readable tab id gets every event: it only misses the echo filter.
    let tab = signals
        .ok()
        .and_then(|ReadSignals(signals)| signals)
        .unwrap_or_default()
        .tab;
    let shutdown = app.shutdown_token().clone().cancelled_owned();
    let events = app
        .page_events()
        .subscribe(tab)
        .map(|event| Ok(event.into()))
        .take_until(shutdown);
    Sse::new(events).keep_alive(KeepAlive::new().interval(app.keep_alive()))
}
