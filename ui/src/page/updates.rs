//! The page's update panel: what the native updater is doing, as the server shows it.
//!
//! The desktop shell does the work (check, download, verify, install) and reports each step
//! as an [`UpdateStatus`] ([`crate::AppState::show_update`]); the server keeps the latest,
//! renders it into `GET /`, and sends it to every open page as a patch of `#updates`. The
//! panel's markup is `ui/assets/updates.html`. The page's buttons are Datastar actions that
//! go back through the server as [`NativeRequest`](crate::native_requests::NativeRequest)s.
//! No IPC either way.

use super::{
    page_events::PageEvents,
    templates::{TemplateError, Templates, UPDATES},
};
use crate::sync::lock;
use datastar::prelude::PatchElements;
use serde::Serialize;
use std::sync::Mutex;

/// The panel's buttons, each a Datastar action (`ui/src/routes/updates.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    Automatic,
    NotNow,
    Check,
    Install,
    /// Stops a download under way.
    Cancel,
    Later,
}

impl Button {
    pub const ALL: [Self; 6] = [
        Self::Automatic,
        Self::NotNow,
        Self::Check,
        Self::Install,
        Self::Cancel,
        Self::Later,
    ];

    /// The action's path, relative to the page.
    pub const fn path(self) -> &'static str {
        match self {
            Self::Automatic => "updates/automatic",
            Self::NotNow => "updates/not-now",
            Self::Check => "updates/check",
            Self::Install => "updates/install",
            Self::Cancel => "updates/cancel",
            Self::Later => "updates/later",
        }
    }

    /// The button's element id, for tests and styles: `update-install`. `updates.html`
    /// writes both from the name after `updates/`.
    pub fn id(self) -> String {
        self.path().replace("updates/", "update-")
    }
}

/// One step of the update story, as the user sees it. The panel's template reads it as
/// `status`, by its `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum UpdateStatus {
    /// Nothing to say.
    #[default]
    Hidden,
    /// The first launch's question: may the app look for updates?
    Question,
    Checking,
    UpToDate {
        version: String,
    },
    /// A check the user asked for could not reach the update server.
    Unreachable {
        why: String,
    },
    Available {
        version: String,
        notes: String,
    },
    /// Bytes received out of the total, if the server said it.
    Downloading {
        received: u64,
        total: Option<u64>,
    },
    /// Verified; the system installs it (and may ask for a password).
    Installing,
    Restarting,
    /// Refused: the installed app is untouched.
    Failed {
        why: String,
    },
    /// The install step did not run to the end (a refused password prompt).
    NotInstalled {
        why: String,
    },
    /// This launch is the first of a new version.
    Updated {
        version: String,
    },
}

impl UpdateStatus {
    /// The panel, as one element, `#updates`.
    pub fn render(&self, templates: &Templates) -> Result<String, TemplateError> {
        templates.render(UPDATES, self.panel())
    }

    /// What the panel's template reads.
    pub(crate) fn panel(&self) -> Panel<'_> {
        let (received, total) = match self {
            Self::Downloading { received, total } => (mib(*received), total.map(mib)),
            _ => (String::new(), None),
        };
        Panel {
            status: self,
            look: self.look(),
            received,
            total,
        }
    }

    /// The panel's class, which styles each kind of step alike.
    fn look(&self) -> &'static str {
        match self {
            Self::Hidden => "hidden",
            Self::Question => "question",
            Self::Checking | Self::Downloading { .. } | Self::Installing | Self::Restarting => {
                "busy"
            }
            Self::UpToDate { .. } | Self::Updated { .. } => "done",
            Self::Unreachable { .. } | Self::Failed { .. } | Self::NotInstalled { .. } => "failed",
            Self::Available { .. } => "offer",
        }
    }
}

/// The update panel as it stands: the step that pages loaded from now on show, and that
/// every open page hears of as it changes.
#[derive(Debug, Default)]
pub struct UpdatePanel {
    status: Mutex<UpdateStatus>,
}

impl UpdatePanel {
    pub fn status(&self) -> UpdateStatus {
        lock(&self.status).clone()
    }

    /// Keeps `status`, and sends it, rendered from `templates`, to every page on `events`.
    pub fn show(&self, status: UpdateStatus, templates: &Templates, events: &PageEvents) {
        let panel = status.render(templates);
        // Sent under the lock, so that pages hear the steps in the order they are kept.
        let mut current = lock(&self.status);
        *current = status;
        match panel {
            Ok(panel) => {
                events.send(PatchElements::new(panel));
            }
            Err(err) => tracing::error!(%err, "cannot show the update panel"),
        }
    }
}

/// The update panel's template context.
#[derive(Debug, Serialize)]
pub(crate) struct Panel<'a> {
    status: &'a UpdateStatus,
    look: &'static str,
    /// The download's progress, in MiB, as the panel words it.
    received: String,
    total: Option<String>,
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_button_in_the_panel_is_a_route() {
        let (_, template) = crate::page::templates::EMBEDDED
            .into_iter()
            .find(|(name, _)| *name == UPDATES)
            .unwrap();
        let posted: Vec<&str> = template
            .match_indices("@post('")
            .map(|(at, _)| {
                let path = &template[at + "@post('".len()..];
                &path[..path.find('\'').unwrap()]
            })
            .collect();
        for path in &posted {
            assert!(
                Button::ALL.iter().any(|button| button.path() == *path),
                "updates.html posts to a route that does not exist: {path}"
            );
        }
        for button in Button::ALL {
            assert!(
                posted.contains(&button.path()),
                "no {} button in updates.html",
                button.path()
            );
            assert!(template.contains(&format!(
                r#"<button id="{}" type="button" data-on:click="@post('{}')">"#,
                button.id(),
                button.path()
            )));
        }
    }

    #[test]
    fn every_status_is_one_panel_with_its_buttons() {
        let templates = Templates::built_in();
        let render = |status: UpdateStatus| status.render(&templates).unwrap();
        let offer = render(UpdateStatus::Available {
            version: "0.2.0".into(),
            notes: "<script>alert(1)</script>".into(),
        });
        assert!(offer.starts_with(r#"<section id="updates""#), "{offer}");
        assert!(offer.contains("Version 0.2.0 is available."));
        assert!(offer.contains("&lt;script&gt;"), "notes are text: {offer}");
        assert!(
            offer.contains(r#"data-on:click="@post('updates/install')">Install and Restart<"#),
            "{offer}"
        );
        assert!(offer.contains(">Later<"));

        let question = render(UpdateStatus::Question);
        assert!(question.contains("@post('updates/automatic')\">Check Automatically<"));
        assert!(question.contains("@post('updates/not-now')\">Not Now<"));

        let progress = render(UpdateStatus::Downloading {
            received: 3 * 1024 * 1024,
            total: Some(6 * 1024 * 1024),
        });
        assert!(
            progress.contains(r#"<progress id="update-progress" value="3145728" max="6291456">"#)
        );
        assert!(progress.contains("3.0 MiB of 6.0 MiB"));
        assert!(
            progress.contains(r#"data-on:click="@post('updates/cancel')">Cancel<"#),
            "a download can be stopped: {progress}"
        );

        let failed = render(UpdateStatus::Failed {
            why: "bad <sig>".into(),
        });
        assert!(
            failed.contains("Update failed: bad &lt;sig&gt;."),
            "{failed}"
        );
        assert_eq!(
            render(UpdateStatus::Hidden),
            r#"<section id="updates" hidden></section>"#
        );
        let unknown = render(UpdateStatus::Downloading {
            received: 1024 * 1024,
            total: None,
        });
        assert!(
            unknown.contains(
                r#"<progress id="update-progress"></progress><p id="update-bytes">1.0 MiB</p>"#
            ),
            "{unknown}"
        );
    }
}
