//! The page's update panel: what the native updater is doing, as the server shows it.
//!
//! The desktop shell does the work (check, download, verify, install) and reports each step
//! as an [`UpdateStatus`] ([`crate::AppState::show_update`]); the server keeps the latest,
//! renders it into `GET /`, and sends it to every open page as a patch of `#updates`. The
//! page's buttons are Datastar actions that go back through the server as
//! [`NativeRequest`](super::native_requests::NativeRequest)s. No IPC either way.

use super::escape;

/// The element the panel replaces; `ui/assets/index.html` holds an empty one.
pub const PANEL_ID: &str = "updates";

/// The panel's buttons, each a Datastar action (`ui/src/routes/updates.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    Automatic,
    NotNow,
    Check,
    Install,
    Later,
}

impl Button {
    pub const ALL: [Self; 5] = [
        Self::Automatic,
        Self::NotNow,
        Self::Check,
        Self::Install,
        Self::Later,
    ];

    /// The action's path, relative to the page.
    pub const fn path(self) -> &'static str {
        match self {
            Self::Automatic => "updates/automatic",
            Self::NotNow => "updates/not-now",
            Self::Check => "updates/check",
            Self::Install => "updates/install",
            Self::Later => "updates/later",
        }
    }

    /// The button's element id, for tests and styles: `update-install`.
    pub fn id(self) -> String {
        self.path().replace("updates/", "update-")
    }

    fn render(self, label: &str) -> String {
        format!(
            r#"<button id="{}" type="button" data-on:click="@post('{}')">{label}</button>"#,
            self.id(),
            self.path()
        )
    }
}

/// One step of the update story, as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
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
    /// Whether an update is on offer, so that the install button means something.
    pub fn is_offer(&self) -> bool {
        matches!(self, Self::Available { .. })
    }

    /// The panel, as one element with the id `PANEL_ID`.
    pub fn render(&self) -> String {
        let check_again = || Button::Check.render("Check Again");
        let dismiss = || Button::Later.render("Dismiss");
        let (kind, body) = match self {
            Self::Hidden => return format!(r#"<section id="{PANEL_ID}" hidden></section>"#),
            Self::Question => (
                "question",
                format!(
                    "<p>Check for updates to this app? Nothing leaves your computer until you say so.</p>{}{}",
                    Button::Automatic.render("Check Automatically"),
                    Button::NotNow.render("Not Now"),
                ),
            ),
            Self::Checking => ("busy", "<p>Checking for updates…</p>".to_owned()),
            Self::UpToDate { version } => (
                "done",
                format!(
                    "<p>Version {} is the latest.</p>{}",
                    escape(version),
                    dismiss()
                ),
            ),
            Self::Unreachable { why } => (
                "failed",
                format!(
                    "<p>Could not reach the update server: {}.</p>{}{}",
                    escape(why),
                    check_again(),
                    dismiss()
                ),
            ),
            Self::Available { version, notes } => (
                "offer",
                format!(
                    r#"<p>Version {} is available.</p><div class="update-notes">{}</div>{}{}"#,
                    escape(version),
                    escape(notes),
                    Button::Install.render("Install and Restart"),
                    Button::Later.render("Later"),
                ),
            ),
            Self::Downloading { received, total } => {
                // Without a total, an indeterminate bar and the bytes so far.
                let (range, bytes) = match total {
                    Some(total) => (
                        format!(r#" value="{received}" max="{total}""#),
                        format!("{} of {}", mib(*received), mib(*total)),
                    ),
                    None => (String::new(), mib(*received)),
                };
                (
                    "busy",
                    format!(
                        r#"<p>Downloading the update…</p><progress id="update-progress"{range}></progress><p id="update-bytes">{bytes}</p>"#
                    ),
                )
            }
            Self::Installing => (
                "busy",
                "<p>Installing the update. Your system may ask for your password.</p>".to_owned(),
            ),
            Self::Restarting => ("busy", "<p>Restarting into the new version…</p>".to_owned()),
            Self::Failed { why } => (
                "failed",
                format!(
                    "<p>Update failed: {}.</p>{}{}",
                    escape(why),
                    check_again(),
                    dismiss()
                ),
            ),
            Self::NotInstalled { why } => (
                "failed",
                format!(
                    "<p>The update was not installed: {}. This version keeps running.</p>{}{}",
                    escape(why),
                    check_again(),
                    dismiss()
                ),
            ),
            Self::Updated { version } => (
                "done",
                format!(
                    "<p>Updated to version {}.</p>{}",
                    escape(version),
                    dismiss()
                ),
            ),
        };
        format!(
            r#"<section id="{PANEL_ID}" class="updates updates-{kind}" role="status" aria-label="Updates">{body}</section>"#
        )
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_is_one_panel_with_its_buttons() {
        let offer = UpdateStatus::Available {
            version: "0.2.0".into(),
            notes: "<script>alert(1)</script>".into(),
        }
        .render();
        assert!(offer.starts_with(r#"<section id="updates""#), "{offer}");
        assert!(offer.contains("Version 0.2.0 is available."));
        assert!(offer.contains("&lt;script&gt;"), "notes are text: {offer}");
        assert!(offer.contains(r#"data-on:click="@post('updates/install')">Install and Restart<"#));
        assert!(offer.contains(">Later<"));

        let question = UpdateStatus::Question.render();
        assert!(question.contains("@post('updates/automatic')\">Check Automatically<"));
        assert!(question.contains("@post('updates/not-now')\">Not Now<"));

        let progress = UpdateStatus::Downloading {
            received: 3 * 1024 * 1024,
            total: Some(6 * 1024 * 1024),
        }
        .render();
        assert!(
            progress.contains(r#"<progress id="update-progress" value="3145728" max="6291456">"#)
        );
        assert!(progress.contains("3.0 MiB of 6.0 MiB"));

        let failed = UpdateStatus::Failed {
            why: "bad <sig>".into(),
        }
        .render();
        assert!(
            failed.contains("Update failed: bad &lt;sig&gt;."),
            "{failed}"
        );
        assert_eq!(
            UpdateStatus::Hidden.render(),
            r#"<section id="updates" hidden></section>"#
        );
    }
}
