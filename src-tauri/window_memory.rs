//! The window comes back where the user left it: size, position and maximised state, kept
//! by Tauri's window-state plugin in the platform's config directory.
//!
//! The plugin handles both damaged cases itself. An unreadable file is ignored, so the
//! window opens at its default size, centred. A saved place on no screen (a monitor since
//! unplugged) keeps its size but not its position, so the window stays where it opened:
//! centred on a screen that exists.

use tauri::{Runtime, plugin::TauriPlugin};
use tauri_plugin_window_state::StateFlags;

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
