//! The window comes back where the user left it: size, position and maximised state, kept
//! by Tauri's window-state plugin in the platform's config directory.
//!
//! The plugin handles both damaged cases itself. An unreadable file is ignored, so the
//! window opens at its default size, centred. A saved place on no screen (a monitor since
//! unplugged) keeps its size but not its position, so the window stays where it opened:
//! centred on a screen that exists.

use datastar_ui::private_files::{private_dir, private_file};
use tauri::{AppHandle, Manager, Runtime, plugin::TauriPlugin};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// Everything but visibility: the window shows itself once its page has loaded.
const FLAGS: StateFlags = StateFlags::SIZE
    .union(StateFlags::POSITION)
    .union(StateFlags::MAXIMIZED);

/// Restores each window as it is created, and saves it as it closes.
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_window_state::Builder::new()
        .with_state_flags(FLAGS)
        .build()
}

/// Makes the plugin's directory private before the plugin first writes into it (it writes
/// only as the app exits), so that its file, whatever mode the plugin gives it, is out of
/// other users' reach.
pub fn prepare<R: Runtime>(app: &AppHandle<R>) {
    let Ok(dir) = app.path().app_config_dir() else {
        return;
    };
    if let Err(err) = private_dir(&dir) {
        tracing::warn!(%err, dir = %dir.display(), "cannot make the window state's directory private");
    }
}

/// Gives the file the plugin saved as the app exited the mode 0600.
pub fn protect_saved<R: Runtime>(app: &AppHandle<R>) {
    let Ok(dir) = app.path().app_config_dir() else {
        return;
    };
    let file = dir.join(app.filename());
    if let Err(err) = private_file(&file) {
        tracing::warn!(%err, file = %file.display(), "cannot make the window state private");
    }
}
