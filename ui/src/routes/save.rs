//! The page reports its state: the signals it would need back after a quit, a crash or a
//! restart. The server keeps them ([`crate::Store`]) and tells the page's other tabs.

use crate::{
    ApiError, AppState,
    limits::{MAX_INPUT_CHARS, MAX_SAVE_BYTES},
    security::DatastarAction,
};
use axum::{
    body::Bytes,
    extract::{State, rejection::BytesRejection},
    http::StatusCode,
};
use datastar::prelude::PatchSignals;
use serde::Deserialize;

/// The longest answer worth keeping: the roundtrip's sentence around the longest input.
const MAX_OUTPUT_CHARS: usize = MAX_INPUT_CHARS + 64;
/// The longest tab id: the server makes them 32 characters long.
const MAX_TAB_CHARS: usize = 64;

/// The signals a save carries; the page's others (the feed's command counter) are ignored.
#[derive(Debug, Deserialize)]
pub struct Saved {
    #[serde(default)]
    input: String,
    #[serde(default)]
    output: String,
    #[serde(default = "shown")]
    show: bool,
    #[serde(default)]
    tab: String,
}

fn shown() -> bool {
    true
}

/// Answers 204 once the state is on disk. A save too large, or not signals, is refused
/// before anything is stored.
///
/// `@post` sends the signals as a JSON body. It is read here rather than with `ReadSignals`,
/// whose rejection would turn a body over [`MAX_SAVE_BYTES`] into a plain 400.
pub async fn save(
    _: DatastarAction,
    State(app): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::SaveTooLarge(MAX_SAVE_BYTES)
        } else {
            ApiError::InvalidSignals
        }
    })?;
    let Saved {
        input,
        output,
        show,
        tab,
    } = serde_json::from_slice(&body).map_err(|_| ApiError::InvalidSignals)?;
    for (text, limit) in [
        (&input, MAX_INPUT_CHARS),
        (&output, MAX_OUTPUT_CHARS),
        (&tab, MAX_TAB_CHARS),
    ] {
        let chars = text.chars().count();
        if chars > limit {
            return Err(ApiError::InputTooLong { chars, limit });
        }
    }
    let patch = serde_json::json!({ "input": input, "output": output, "show": show });
    let changed = app
        .store()
        .save_signals(input, output, show)
        .await
        .map_err(|err| {
            tracing::warn!(%err, "cannot save the page's state");
            ApiError::NotSaved
        })?;
    if changed {
        app.page_events()
            .send_except(Some(&tab), PatchSignals::new(patch.to_string()));
    }
    Ok(StatusCode::NO_CONTENT)
}
