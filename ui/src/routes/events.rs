//! The stream that carries [`crate::PageEvents`] to the page: native controls, and the
//! changes the page's other tabs make, through the server, as Datastar events.

use crate::{security::DatastarAction, state::AppState};
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

/// The one signal this route, and `target`, read: which tab the request comes from.
#[derive(Debug, Default, Deserialize)]
pub struct Tab {
    #[serde(default)]
    tab: Option<String>,
}

impl Tab {
    /// The tab id of a request's signals; `None` if they hold none, or none can be read.
    pub fn of(signals: Result<ReadSignals<Option<Tab>>, Response>) -> Option<String> {
        signals
            .ok()
            .and_then(|ReadSignals(signals)| signals)
            .unwrap_or_default()
            .tab
    }
}

/// Ends with the server, or graceful shutdown would wait for it forever.
pub async fn events(
    _: DatastarAction,
    State(app): State<AppState>,
    signals: Result<ReadSignals<Option<Tab>>, Response>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // A stream without a readable tab id gets every event: it only misses the echo filter.
    let tab = Tab::of(signals);
    let shutdown = app.shutdown_token().clone().cancelled_owned();
    let events = app
        .page_events()
        .subscribe(tab)
        .map(|event| Ok(event.into()))
        .take_until(shutdown);
    Sse::new(events).keep_alive(KeepAlive::new().interval(app.keep_alive()))
}
