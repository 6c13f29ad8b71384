//! The window comes back where the user left it: size, position and maximised state, kept
//! by Tauri's window-state plugin in the platform's config directory.
//!
//! Two cases the plugin leaves to us. An unreadable file: the plugin silently starts over, and
//! we say so in the log. A saved place on no screen (a monitor since unplugged): the plugin
//! would keep the size and let the window land anywhere, so we restore nothing, and the
//! window opens at its default size, centred.

use tauri::{Manager, Runtime, WebviewWindow, plugin::TauriPlugin};
use tauri_plugin_window_state::{StateFlags, WindowExt};

/// Everything but visibility: the window shows itself once its page has loaded.
const FLAGS: StateFlags = StateFlags::SIZE
    .union(StateFlags::POSITION)
    .union(StateFlags::MAXIMIZED);

/// Saves the window's place as it closes. Restoring is ours ([`restore`]), so that a place
/// on no screen can be refused as a whole.
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_window_state::Builder::new()
        .with_state_flags(FLAGS)
        .skip_initial_state(crate::main_window::LABEL)
        .build()
}

/// The saved state file, under the platform's config directory.
fn saved_state_path<R: Runtime>(app: &tauri::AppHandle<R>) -> Option<std::path::PathBuf> {
    let dir = app.path().app_config_dir().ok()?;
    Some(dir.join(tauri_plugin_window_state::DEFAULT_FILENAME))
}

/// The saved place of window `label`, as the plugin wrote it: `(x, y, width, height)`.
/// `None` on the first launch, or, after a log line, when the file cannot be read (the
/// plugin quietly starts over then).
fn saved_rect<R: Runtime>(app: &tauri::AppHandle<R>, label: &str) -> Option<(i64, i64, i64, i64)> {
    let path = saved_state_path(app)?;
    let text = std::fs::read_to_string(&path).ok()?;
    let states = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text) {
        Ok(states) => states,
        Err(err) => {
            tracing::warn!(%err, path = %path.display(), "the saved window state is unreadable; opening at the default size");
            return None;
        }
    };
    let state = states.get(label)?;
    let field = |name: &str| state[name].as_i64();
    Some((field("x")?, field("y")?, field("width")?, field("height")?))
}

/// Puts the window back where it was, if that place is still on a screen. A place on no
/// screen (a monitor since unplugged) is skipped: the window keeps its default size, centred.
pub fn restore<R: Runtime>(window: &WebviewWindow<R>) -> tauri::Result<()> {
    let Some((x, y, width, height)) = saved_rect(window.app_handle(), window.label()) else {
        return Ok(()); // The first launch, or an unreadable file.
    };
    let on_a_screen = window.available_monitors()?.iter().any(|monitor| {
        let (origin, extent) = (monitor.position(), monitor.size());
        let (left, top) = (i64::from(origin.x), i64::from(origin.y));
        let (right, bottom) = (
            left + i64::from(extent.width),
            top + i64::from(extent.height),
        );
        x < right && x + width > left && y < bottom && y + height > top
    });
    if on_a_screen {
        window.restore_state(FLAGS)?;
    } else {
        tracing::warn!(
            x,
            y,
            "the saved window position is on no screen; opening at the default size"
        );
    }
    Ok(())
}
