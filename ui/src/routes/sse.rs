//! A response made of exactly one Datastar event, as the action routes send.

use axum::response::{Sse, sse::Event};
use futures_util::stream::{self, Once};
use std::{convert::Infallible, future::Ready};

pub type OneEvent = Sse<Once<Ready<Result<Event, Infallible>>>>;

/// Wraps one `PatchElements` or `PatchSignals` in an SSE response that then closes,
/// so Datastar applies it and does not try to reconnect.
pub fn one_event(event: impl Into<Event>) -> OneEvent {
    Sse::new(stream::once(std::future::ready(Ok(event.into()))))
}
