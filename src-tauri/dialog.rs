//! Native message dialogs, straight from GTK on the main thread.
//!
//! Tauri runs GTK on the main thread, and GTK is single-threaded: a dialog library that
//! brings its own GTK thread shows nothing once Tauri's event loop owns GTK. So dialogs are
//! GTK's own, run modally in a nested main loop, which keeps the window (and its feed) alive.

use gtk::prelude::{DialogExt, GtkWindowExt, MessageDialogExt, WidgetExtManual};

#[derive(Debug, Clone, Copy)]
pub enum Level {
    Info,
    Error,
}

/// Shows `summary` and `detail` under `title`, and returns once the user closes it.
/// If GTK cannot start (no display), the caller's log line is all there is.
pub fn show(level: Level, title: &str, summary: &str, detail: &str) {
    if !gtk::is_initialized_main_thread() && gtk::init().is_err() {
        return;
    }
    let kind = match level {
        Level::Info => gtk::MessageType::Info,
        Level::Error => gtk::MessageType::Error,
    };
    let dialog = gtk::MessageDialog::new(
        None::<&gtk::Window>,
        gtk::DialogFlags::MODAL,
        kind,
        gtk::ButtonsType::Ok,
        summary,
    );
    dialog.set_title(title);
    dialog.set_secondary_text(Some(detail));
    dialog.run();
    // SAFETY: nothing else holds this dialog; destroying it is how GTK frees a toplevel.
    unsafe { dialog.destroy() };
}
