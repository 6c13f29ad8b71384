//! Windows: WebView2. Written to compile, not yet built or run by this project (README,
//! "Other platforms").

use super::{DialogLevel, OnDeath};
use tauri::WebviewWindow;

/// The web engine, as About names it.
pub const ENGINE: &str = "WebView2";

/// WebView2 needs no environment defaults for this page.
pub const ENVIRONMENT_DEFAULTS: &[(&str, &str)] = &[];

/// Not available on this platform yet. The counterpart of WebKitGTK's hook is WebView2's
/// `ICoreWebView2::add_ProcessFailed`, reached through `with_webview` and
/// `controller().CoreWebView2()`; until it is wired, a crashed page stays blank, and the
/// user reloads it with View → Reload.
pub fn on_page_process_death(_window: &WebviewWindow, _on_death: OnDeath) -> tauri::Result<()> {
    tracing::info!("crash recovery is not available on Windows yet");
    Ok(())
}

/// The single-instance plugin uses a named mutex here, which always works.
pub fn single_instance_unavailable() -> Option<String> {
    None
}

/// A native message box, blocking until the user closes it.
pub fn show_dialog(level: DialogLevel, title: &str, summary: &str, detail: &str) {
    super::rfd_dialog(level, title, summary, detail);
}
