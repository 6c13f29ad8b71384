//! The floor for `/get`: the same answer from a bare axum server, with nothing else.
//!
//! No sign-in, no guards, no store, no connection limits: only the route, Datastar's
//! signal reader and one `PatchSignals` event, on `axum::serve`. The benchmark runs it
//! pinned like ours, in the same run, and reports ours as a ratio of it: what our
//! hardening and our state cost on the hottest route.
//!
//! Prints `http://ADDRESS` on its first line, then serves until killed.

use axum::{
    Router,
    response::{Sse, sse::Event},
    routing::get,
};
use datastar::{axum::ReadSignals, prelude::PatchSignals};
use futures_util::stream;
use serde::Deserialize;
use std::{convert::Infallible, io::Write};

#[derive(Deserialize)]
struct Signals {
    #[serde(default)]
    input: String,
}

async fn roundtrip(
    ReadSignals(Signals { input }): ReadSignals<Signals>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let output = format!("Your input: {input}, is {} long.", input.chars().count());
    let patch = serde_json::json!({ "output": output }).to_string();
    Sse::new(stream::once(std::future::ready(Ok(PatchSignals::new(
        patch,
    )
    .into()))))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "http://{}", listener.local_addr()?)?;
    stdout.flush()?;
    axum::serve(listener, Router::new().route("/get", get(roundtrip))).await
}
