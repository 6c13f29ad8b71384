//! Everything that differs by operating system, behind one small interface. The rest of the
//! shell is the same on every platform; this module picks the implementation.
//!
//! | what | Linux (WebKitGTK) | Windows (WebView2) | macOS (WKWebView) |
//! |---|---|---|---|
//! | the engine's environment defaults | software rendering, and no GL in GTK | none | none |
//! | a hook for the page process's death | `web-process-terminated` | not yet: `ProcessFailed` | not yet: `webViewWebContentProcessDidTerminate` |
//! | whether one-instance can work | a D-Bus session bus | always | always |
//! | whether notifications can work | a notification server on the session bus | always | always |
//! | native dialogs | GTK's own, on the main thread | `rfd` | `rfd` |
//!
//! Only Linux is built and tested by this project; the others are type-checked by
//! `make check-platforms` (README, "Other platforms").

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
use linux as native;

#[cfg(any(target_os = "windows", target_os = "macos"))]
mod other;
#[cfg(any(target_os = "windows", target_os = "macos"))]
use other as native;

pub use native::{
    ENGINE, ENVIRONMENT_DEFAULTS, notifications_unavailable, on_page_process_death, show_dialog,
    single_instance_unavailable,
};

/// An environment variable the web engine reads as it starts, and the value the app gives
/// it unless the user has set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvironmentDefault {
    pub name: &'static str,
    pub value: &'static str,
    /// Another default this one only makes sense beside: it is set only while that variable
    /// holds the app's value, whether the app or the user set it.
    pub only_with: Option<&'static str>,
}

/// A native dialog's icon and tone.
#[derive(Debug, Clone, Copy)]
pub enum DialogLevel {
    Info,
    Error,
}

/// What the shell does when the page's process dies: the URL to load in a new one, or
/// `None` to leave the window as it is (the app is ending).
pub type OnDeath = Box<dyn Fn() -> Option<String> + Send + 'static>;
