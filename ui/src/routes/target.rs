//! Target HTML element: the server replaces `#target` with its local time.

use super::{OneEvent, one_event};
use chrono::Local;
use datastar::prelude::PatchElements;

/// How `#target` shows the time (chrono's `strftime` syntax): `2026-11-26 14:03:59`.
pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

pub async fn target() -> OneEvent {
    let now = Local::now().format(TIME_FORMAT);
    one_event(PatchElements::new(format!(
        r#"<div id="target"><b>{now}</b></div>"#
    )))
}
