//! Linux: WebKitGTK and GTK. Every call into either is in this file.

use super::{DialogLevel, EnvironmentDefault, OnDeath};
use gtk::prelude::{DialogExt, GtkWindowExt, MessageDialogExt, WidgetExtManual};
use tauri::WebviewWindow;
use webkit2gtk::WebViewExt;

/// The web engine, as About names it.
pub const ENGINE: &str = "WebKitGTK";

/// WebKitGTK's environment defaults for one local page of text and buttons. Measured under
/// Xvfb (BENCHMARKS.md), software compositing and no DMA-BUF renderer cut the web process's
/// memory by about 40 % (172 to 103 MiB) and the app's idle CPU by about 30 %.
///
/// With compositing off, nothing in the window draws with OpenGL, yet GTK still sets its GL
/// up in every process it starts in (the app and its web process): it loads Mesa and probes
/// the display's GL visuals, about a tenth of a second of each start on the machines
/// measured. `GDK_GL=disable` skips that, but only while compositing stays off: WebKit's
/// accelerated compositing draws through GTK's GL, so a user who turns it back on gets GTK's
/// GL back too.
pub const ENVIRONMENT_DEFAULTS: &[EnvironmentDefault] = &[
    EnvironmentDefault {
        name: COMPOSITING_OFF,
        value: "1",
        only_with: None,
    },
    EnvironmentDefault {
        name: "WEBKIT_DISABLE_DMABUF_RENDERER",
        value: "1",
        only_with: None,
    },
    EnvironmentDefault {
        name: "GDK_GL",
        value: "disable",
        only_with: Some(COMPOSITING_OFF),
    },
];

const COMPOSITING_OFF: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Calls `on_death` each time WebKit's web process for `window` dies (a crash, or the OOM
/// killer), and loads the URL it returns. WebKit starts a new web process for that load.
pub fn on_page_process_death(window: &WebviewWindow, on_death: OnDeath) -> tauri::Result<()> {
    window.with_webview(move |webview| {
        webview
            .inner()
            .connect_web_process_terminated(move |view, reason| {
                tracing::error!(?reason, "the page's web process died");
                if let Some(url) = on_death() {
                    view.load_uri(&url);
                }
            });
    })
}

/// Tauri's single-instance plugin works over the D-Bus session bus here; without one (a
/// bare CI machine, some containers) there is no guard to keep. Says why, if so.
pub fn single_instance_unavailable() -> Option<String> {
    zbus::blocking::Connection::session()
        .err()
        .map(|err| format!("no D-Bus session bus: {err}"))
}

/// Notifications go to the desktop's notification server, `org.freedesktop.Notifications`
/// on the session bus, running or started on demand. Says why they cannot, if so.
pub fn notifications_unavailable() -> Option<String> {
    const SERVER: &str = "org.freedesktop.Notifications";
    let connection = match zbus::blocking::Connection::session() {
        Ok(connection) => connection,
        Err(err) => return Some(format!("no D-Bus session bus ({err})")),
    };
    let found = zbus::blocking::fdo::DBusProxy::new(&connection).and_then(|bus| {
        let name = zbus::names::BusName::try_from(SERVER)?;
        Ok(bus.name_has_owner(name)?
            || bus
                .list_activatable_names()?
                .iter()
                .any(|activatable| activatable.as_str() == SERVER))
    });
    match found {
        Ok(true) => None,
        Ok(false) => Some("no notification server is running".into()),
        Err(err) => Some(format!("cannot ask the session bus ({err})")),
    }
}

/// Shows `summary` and `detail` under `title`, and returns once the user closes it. If GTK
/// cannot start (no display), the caller's log line is all there is.
///
/// Tauri runs GTK on the main thread, and GTK is single-threaded: a dialog library that
/// brings its own GTK thread shows nothing once Tauri's event loop owns GTK. So dialogs are
/// GTK's own, run modally in a nested main loop, which keeps the window (and its feed)
/// alive. Call it on the main thread.
pub fn show_dialog(level: DialogLevel, title: &str, summary: &str, detail: &str) {
    if !gtk::is_initialized_main_thread() && gtk::init().is_err() {
        return;
    }
    let kind = match level {
        DialogLevel::Info => gtk::MessageType::Info,
        DialogLevel::Error => gtk::MessageType::Error,
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
