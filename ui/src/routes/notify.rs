//! Notify Me: the page asks the desktop app for a notification holding what its box holds.
//! Only a server with a native side (the desktop app) has this route; what becomes of the
//! notification comes back to the page in `#notifications`.

use super::page_signals::{Expected, INPUT_AS_TEXT, PageSignals};
use crate::{
    error::ApiError,
    limits::{MAX_INPUT_CHARS, check_chars},
    native_requests::NativeRequest,
    page::changes,
    security::DatastarAction,
    state::AppState,
};
use axum::{extract::State, http::StatusCode};
use serde::Deserialize;

/// The signals this route reads; every other signal on the page is ignored.
#[derive(Debug, Deserialize)]
pub struct Signals {
    #[serde(default)]
    input: String,
}

impl Expected for Signals {
    const EXPECTED: &'static str = INPUT_AS_TEXT;
}

pub async fn notify(
    _: DatastarAction,
    State(app): State<AppState>,
    PageSignals(Signals { input }): PageSignals<Signals>,
) -> Result<StatusCode, ApiError> {
    check_chars("input", &input, MAX_INPUT_CHARS)?;
    let native = app.native().ok_or(ApiError::NativeGone)?;
    native.send(NativeRequest::Notify {
        body: changes::page_text(input),
    })?;
    Ok(StatusCode::ACCEPTED)
}
