//! Target HTML element: the server replaces `#target` with its local time.

use super::sse::{OneEvent, one_event};
use chrono::Local;
use datastar::prelude::PatchElements;

pub async fn target() -> OneEvent {
    let now = Local::now().format("%Y-%m-%d %H:%M:%S");
    one_event(PatchElements::new(format!(
        r#"<div id="target"><b>{now}</b></div>"#
    )))
}
