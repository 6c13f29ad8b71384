//! Telling the user, in a native dialog, why the app cannot run.

use std::fmt::Display;

/// Logs the error and shows it in a blocking native dialog. The app has no window yet (or
/// none that works), so a dialog is the only place the user will look.
pub fn show(summary: &str, err: &dyn Display) {
    tracing::error!("{summary}: {err}");
    crate::dialog::show(
        crate::dialog::Level::Error,
        "Datastar Desktop",
        &format!("{summary}."),
        &err.to_string(),
    );
}
