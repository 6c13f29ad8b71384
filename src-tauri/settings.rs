//! The settings the page sets, applied: the server keeps them (`preferences`), and the shell
//! makes the system match them. *Start when I log in* is an autostart entry, written and
//! removed by the autostart plugin (`~/.config/autostart/<name>.desktop` on Linux).
//! *Check for updates automatically* needs nothing here: the updates read it at each launch.

use datastar_ui::AppState;
use tauri::{AppHandle, Runtime, plugin::Plugin};
use tauri_plugin_autostart::{MacosLauncher, ManagerExt};

pub fn plugin<R: Runtime>() -> impl Plugin<R> {
    // A login item on macOS, as a launch agent; no arguments.
    tauri_plugin_autostart::init(MacosLauncher::LaunchAgent, None)
}

/// Makes the autostart entry match the stored setting: at launch (an entry the user removed
/// by hand comes back only if the setting is on), and after each change in the page.
pub fn apply<R: Runtime>(app: &AppHandle<R>, server: &AppState) {
    let wanted = server.store().preferences().start_at_login;
    let autostart = app.autolaunch();
    let done = match autostart.is_enabled() {
        Ok(enabled) if enabled == wanted => Ok(()),
        Ok(_) if wanted => autostart.enable(),
        Ok(_) => autostart.disable(),
        Err(err) => Err(err),
    };
    match done {
        Ok(()) => tracing::debug!(start_at_login = wanted, "autostart entry in step"),
        Err(err) => {
            tracing::warn!(%err, start_at_login = wanted, "cannot change the autostart entry")
        }
    }
}
