//! The settings, as the page's user sets them: kept, shown in the page's other tabs, and
//! handed to the desktop shell to apply (the autostart entry). Only a server with a native
//! side (the desktop app) has this route.

use super::page_signals::{Expected, PageSignals};
use crate::{
    error::ApiError, native_requests::NativeRequest, page::changes, security::DatastarAction,
    state::AppState, store::Settings,
};
use axum::{extract::State, http::StatusCode};
use serde::Deserialize;

/// The signals this route reads: both settings, and the tab that changed them.
#[derive(Debug, Deserialize)]
pub struct Signals {
    #[serde(flatten)]
    settings: Settings,
    tab: Option<String>,
}

impl Expected for Signals {
    const EXPECTED: &'static str = "`automaticUpdates` and `startAtLogin` as booleans";
}

pub async fn settings(
    _: DatastarAction,
    State(app): State<AppState>,
    PageSignals(Signals { settings, tab }): PageSignals<Signals>,
) -> Result<StatusCode, ApiError> {
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
