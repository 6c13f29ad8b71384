//! What became of the desktop app's notifications, as the page says it: opened from one, or
//! not available. The shell reports it ([`crate::AppState::show_notifications`]); the server
//! keeps the latest for pages loaded later and patches `#notifications` in every open page.
//! The markup is `ui/assets/notifications.html`; the page's Notify Me button goes the other
//! way, as a [`NativeRequest`](crate::native_requests::NativeRequest).

use super::{
    page_events::PageEvents,
    templates::{NOTIFICATIONS, TemplateError, Templates},
};
use crate::sync::lock;
use datastar::prelude::PatchElements;
use serde::Serialize;
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum NotificationStatus {
    /// Nothing to say.
    #[default]
    Quiet,
    /// The user clicked a notification, which brought the window back.
    Opened,
    /// There is no notification server to show them (no session bus, no daemon).
    Unavailable { why: String },
}

impl NotificationStatus {
    /// `#notifications`, as one element.
    pub fn render(&self, templates: &Templates) -> Result<String, TemplateError> {
        templates.render(NOTIFICATIONS, serde_json::json!({ "notifications": self }))
    }
}

/// The status that pages loaded from now on show, and that open pages hear of as it changes.
#[derive(Debug, Default)]
pub struct NotificationLine {
    status: Mutex<NotificationStatus>,
}

impl NotificationLine {
    pub fn status(&self) -> NotificationStatus {
        lock(&self.status).clone()
    }

    /// Keeps `status`, and sends it, rendered from `templates`, to every page on `events`.
    pub fn show(&self, status: NotificationStatus, templates: &Templates, events: &PageEvents) {
        let line = status.render(templates);
        let mut current = lock(&self.status);
        *current = status;
        match line {
            Ok(line) => {
                events.send(PatchElements::new(line));
            }
            Err(err) => tracing::error!(%err, "cannot tell the page about notifications"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_says_what_the_page_shows() {
        let templates = Templates::with(&[]).unwrap();
        let render = |status: NotificationStatus| status.render(&templates).unwrap();
        assert_eq!(
            render(NotificationStatus::Quiet),
            r#"<p id="notifications" role="status"></p>"#
        );
        assert!(render(NotificationStatus::Opened).contains(">Opened from a notification.<"));
        let unavailable = render(NotificationStatus::Unavailable {
            why: "no <b>daemon</b>".into(),
        });
        assert!(
            unavailable
                .contains("Notifications are not available: no &lt;b&gt;daemon&lt;&#x2f;b&gt;."),
            "{unavailable}"
        );
    }
}
