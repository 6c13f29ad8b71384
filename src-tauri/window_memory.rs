//! The window comes back where the user left it: size, position and maximised state, kept
//! by Tauri's window-state plugin in the platform's config directory.
//!
//! Two cases the plugin leaves to us. An unreadable file: the plugin silently starts over, and
//! we say so in the log. A saved place on no screen (a monitor since unplugged): the plugin
//! keeps the size but lets the window land anywhere, so we return to the default, centred.

use tauri::{Manager, Runtime, WebviewWindow, plugin::TauriPlugin};
use tauri_plugin_window_state::StateFlags;

/// Everything but visibility: the window shows itself once its page has loaded.
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_window_state::Builder::new()
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
        .build()
}

/// Logs a saved state that cannot be read, before the plugin quietly ignores it.
pub fn check_saved_state<R: Runtime>(app: &tauri::AppHandle<R>) {
    let Ok(dir) = app.path().app_config_dir() else {
        return;
    };
    let path = dir.join(tauri_plugin_window_state::DEFAULT_FILENAME);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return; // No saved state yet: the first launch.
    };
    if let Err(err) = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text) {
        tracing::warn!(%err, path = %path.display(), "the saved window state is unreadable; opening at the default size");
    }
}

/// Puts a window that landed on no screen back to `default_size`, centred.
pub fn keep_on_screen<R: Runtime>(
    window: &WebviewWindow<R>,
    default_size: tauri::LogicalSize<f64>,
) -> tauri::Result<()> {
    let position = window.outer_position()?;
    let size = window.outer_size()?;
    let on_a_screen = window.available_monitors()?.iter().any(|monitor| {
        let (origin, extent) = (monitor.position(), monitor.size());
        let right = i64::from(origin.x) + i64::from(extent.width);
        let bottom = i64::from(origin.y) + i64::from(extent.height);
        i64::from(position.x) < right
            && i64::from(position.x) + i64::from(size.width) > i64::from(origin.x)
            && i64::from(position.y) < bottom
            && i64::from(position.y) + i64::from(size.height) > i64::from(origin.y)
    });
    if !on_a_screen {
        tracing::warn!(
            ?position,
            "the saved window position is on no screen; centring at the default size"
        );
        window.set_size(default_size)?;
        window.center()?;
    }
    Ok(())
}
