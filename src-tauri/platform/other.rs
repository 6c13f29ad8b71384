//! Windows (WebView2) and macOS (WKWebView): what they share is all they need so far.
//! Type-checked by `make check-platforms`, not yet run (README, "Other platforms").

use super::{DialogLevel, EnvironmentDefault, OnDeath};
use tauri::WebviewWindow;

/// The web engine, as About names it.
#[cfg(target_os = "windows")]
pub const ENGINE: &str = "WebView2";
#[cfg(target_os = "macos")]
pub const ENGINE: &str = "WKWebView";

/// Neither engine needs environment defaults for this page.
pub const ENVIRONMENT_DEFAULTS: &[EnvironmentDefault] = &[];

/// Not available on these platforms yet. The counterparts of WebKitGTK's hook are WebView2's
/// `ICoreWebView2::add_ProcessFailed` (through `with_webview` and
/// `controller().CoreWebView2()`), and `WKNavigationDelegate`'s
/// `webViewWebContentProcessDidTerminate:`, which wry, owning the delegate, does not forward.
/// Until one is wired, a crashed page stays blank until View → Reload.
pub fn on_page_process_death(_window: &WebviewWindow, _on_death: OnDeath) -> tauri::Result<()> {
    tracing::info!(
        "crash recovery is not available on {} yet",
        std::env::consts::OS
    );
    Ok(())
}

/// The single-instance plugin uses a named mutex on Windows and a local socket on macOS,
/// which always work.
pub fn single_instance_unavailable() -> Option<String> {
    None
}

/// Windows' toasts and macOS's notification centre are always there; whether the user
/// allows them is theirs to say, in the system's settings.
pub fn notifications_unavailable() -> Option<String> {
    None
}

/// A blocking message box through `rfd`: these toolkits need no care about which thread
/// owns them.
pub fn show_dialog(level: DialogLevel, title: &str, summary: &str, detail: &str) {
    let level = match level {
        DialogLevel::Info => rfd::MessageLevel::Info,
        DialogLevel::Error => rfd::MessageLevel::Error,
    };
    let _answer = rfd::MessageDialog::new()
        .set_level(level)
        .set_title(title)
        .set_description(format!("{summary}\n\n{detail}"))
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
}
