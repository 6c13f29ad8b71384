//! Telling the user, in a native dialog, why the app cannot run, and ending it non-zero.

use std::{
    fmt::Display,
    sync::atomic::{AtomicBool, Ordering},
};
use tauri::{AppHandle, Manager};

/// Whether the app ended because something failed, so that it exits non-zero.
#[derive(Debug, Default)]
pub struct Failed(AtomicBool);

impl Failed {
    pub fn happened(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Logs the error and shows it in a blocking native dialog. The app has no window yet (or
/// none that works), so a dialog is the only place the user will look. `what_happened`
/// follows the app's name: "could not start".
pub fn show(what_happened: &str, err: &dyn Display) {
    let summary = format!("{} {what_happened}", crate::APP_NAME);
    tracing::error!("{summary}: {err}");
    crate::platform::show_dialog(
        crate::platform::DialogLevel::Error,
        crate::APP_NAME,
        &format!("{summary}."),
        &err.to_string(),
    );
}

/// Shows the error, then ends the app, which exits non-zero. Must run on the main thread,
/// where GTK runs the dialog.
pub fn end_app(app: &AppHandle, what_happened: &str, err: &dyn Display) {
    show(what_happened, err);
    if let Some(failed) = app.try_state::<Failed>() {
        failed.0.store(true, Ordering::Relaxed);
    }
    app.exit(1);
}
