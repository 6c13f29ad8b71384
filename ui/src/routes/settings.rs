//! The settings, as the page's user sets them: kept, shown in the page's other tabs, and
//! handed to the desktop shell to apply (the autostart entry). Only a server with a native
//! side (the desktop app) has this route.

use crate::{
    error::ApiError, native_requests::NativeRequest, page::changes, security::DatastarAction,
    state::AppState, store::Settings,
};
use axum::{extract::State, http::StatusCode, response::Response};
use datastar::axum::ReadSignals;
use serde::Deserialize;

/// The signals this route reads: both settings, and the tab that changed them.
#[derive(Debug, Deserialize)]
pub struct Signals {
    #[serde(flatten)]
    settings: Settings,
    tab: Option<String>,
}

pub async fn settings(
    _: DatastarAction,
    State(app): State<AppState>,
    signals: Result<ReadSignals<Option<Signals>>, Response>,
) -> Result<StatusCode, ApiError> {
    let ReadSignals(signals) = signals.map_err(|_| ApiError::InvalidSignals)?;
    let Signals { settings, tab } = signals.ok_or(ApiError::MissingSignals)?;
    let changed = changes::keep_settings(app.store(), app.page_events(), tab.as_deref(), settings)
        .await
        .map_err(|err| {
            tracing::warn!(%err, "cannot keep the settings");
            ApiError::NotSaved
        })?;
    if changed {
        app.native()
            .ok_or(ApiError::NativeGone)?
            .send(NativeRequest::ApplySettings)?;
    }
    Ok(StatusCode::NO_CONTENT)
}
