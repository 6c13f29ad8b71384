//! Target HTML element: the server replaces `#target` with its local time.

use super::{OneEvent, one_event};
use crate::{AppState, security::DatastarAction};
use axum::extract::State;
use chrono::Local;
use datastar::prelude::PatchElements;

/// How `#target` shows the time (chrono's `strftime` syntax): `2026-11-26 14:03:59`.
pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The server remembers what `#target` shows, so that the page shows it again after a
/// restart; a failed save costs only that, and is logged.
pub async fn target(_: DatastarAction, State(app): State<AppState>) -> OneEvent {
    let now = Local::now().format(TIME_FORMAT).to_string();
    if let Err(err) = app.store().save_target(now.clone()).await {
        tracing::warn!(%err, "cannot save what the target shows");
    }
    one_event(PatchElements::new(target_element(&now)))
}

/// `#target` showing `time`.
pub fn target_element(time: &str) -> String {
    if time.is_empty() {
        return r#"<div id="target"></div>"#.to_owned();
    }
    format!(
        r#"<div id="target"><b>{}</b></div>"#,
        crate::page::escape(time)
    )
}
