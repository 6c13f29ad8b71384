//! A window manager (Openbox, from Debian's packages) for the tests that need one: Xvfb has
//! none, and without one nothing maximises or minimises a window.

use super::x11::Display;
use anyhow::{Context, Result};
use std::time::Duration;

/// Openbox on the test's display, in a home of its own (it writes a log under
/// `~/.cache`), stopped on drop.
pub struct WindowManager {
    child: std::process::Child,
    _home: ui_scenarios::PrivateHome,
}

impl WindowManager {
    pub async fn start(display: &Display) -> Result<Self> {
        let home = ui_scenarios::PrivateHome::new()?;
        let mut openbox = std::process::Command::new("openbox");
        home.apply(&mut openbox);
        let child = openbox
            .arg("--sm-disable")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .context("cannot start openbox (`scripts/setup.sh test` installs it)")?;
        let manager = Self { child, _home: home };
        ui_scenarios::wait_until(
            Duration::from_secs(10),
            "openbox to manage the display",
            async || Ok(display.has_window_manager()?.then_some(())),
        )
        .await?;
        Ok(manager)
    }
}

impl Drop for WindowManager {
    /// SIGTERM, so that Openbox gives the windows back to the root before the next test.
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}
