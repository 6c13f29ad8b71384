//! One instance: launching the app again brings the running window to the front.
//!
//! Tauri's single-instance plugin does it over the D-Bus session bus on Linux, a named mutex
//! on Windows and a local socket on macOS. Without a bus (a bare Linux CI machine, some
//! containers) there is no guard to keep: the app runs on its own, and says so once in the
//! log.

use tauri::{Runtime, plugin::TauriPlugin};

/// The plugin, if it can work here; `None`, after one log line, if not.
pub fn guard<R: Runtime>() -> Option<TauriPlugin<R>> {
    if let Some(why) = crate::platform::single_instance_unavailable() {
        tracing::warn!("{why}: running without the single-instance guard");
        return None;
    }
    Some(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
        tracing::info!("another launch: bringing the window to the front");
        crate::main_window::bring_to_front(app);
    }))
}
