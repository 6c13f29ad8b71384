//! Target HTML element: the server replaces `#target` with its local time, keeps it, and
//! shows it in every tab.

use super::{OneEvent, events::Tab, one_event};
use crate::{error::ApiError, page::templates::TARGET, security::DatastarAction, state::AppState};
use axum::{extract::State, response::Response};
use chrono::Local;
use datastar::{axum::ReadSignals, prelude::PatchElements};

/// How `#target` shows the time (chrono's `strftime` syntax): `2026-11-26 14:03:59`.
pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The server remembers what `#target` shows, so that the page shows it again after a
/// restart; a failed save costs only that, and is logged.
pub async fn target(
    _: DatastarAction,
    State(app): State<AppState>,
    signals: Result<ReadSignals<Option<Tab>>, Response>,
) -> Result<OneEvent, ApiError> {
    // Which tab asked, so that the others hear of it.
    let tab = Tab::of(signals);
    let time = Local::now().format(TIME_FORMAT).to_string();
    let element = app
        .templates()
        .render(TARGET, serde_json::json!({ "time": time }))
        .map_err(|err| {
            tracing::error!(%err, "cannot render #target");
            ApiError::Internal
        })?;
    match app.store().save_target(time).await {
        Ok(true) => {
            app.page_events()
                .send_except(tab.as_deref(), PatchElements::new(element.clone()));
        }
        Ok(false) => {}
        Err(err) => tracing::warn!(%err, "cannot save what the target shows"),
    }
    Ok(one_event(PatchElements::new(element)))
}
