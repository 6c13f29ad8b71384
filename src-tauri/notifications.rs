//! Desktop notifications, asked for by the page and answered in it, with no IPC.
//!
//! Notify Me reaches the shell as [`NativeRequest::Notify`](datastar_ui::NativeRequest), through
//! the server. The notification plugin shows it, from Rust; a click on it (the server's
//! `default` action, over D-Bus on Linux) brings the window to the front, and the server tells
//! the page, which says *Opened from a notification*. Where there is no notification server
//! (no session bus, no daemon), one log line says so, and so does the page.

use datastar_ui::{AppState, NotificationStatus};
use tauri::{AppHandle, Runtime, plugin::Plugin};
use tauri_plugin_notification::NotificationExt;

pub fn plugin<R: Runtime>() -> impl Plugin<R> {
    tauri_plugin_notification::init()
}

/// Listens for clicks on this app's notifications, and finds out whether it can show any.
pub fn start<R: Runtime>(app: &AppHandle<R>, server: &AppState) {
    let (handle, on_click) = (app.clone(), server.clone());
    let listening = app.notification().on_action(move |_| {
        tracing::info!("a notification was clicked: bringing the window back");
        crate::main_window::bring_to_front(&handle);
        on_click.show_notifications(NotificationStatus::Opened);
    });
    if let Err(err) = listening {
        tracing::warn!(%err, "cannot listen for clicks on notifications");
    }
    let server = server.clone();
    tauri::async_runtime::spawn_blocking(move || {
        if let Some(why) = crate::platform::notifications_unavailable() {
            say_unavailable(&server, why);
        }
    });
}

/// Shows a notification with this app's name as its title and `body` under it.
pub fn notify<R: Runtime>(app: &AppHandle<R>, server: &AppState, body: &str) {
    if matches!(
        server.notification_status(),
        NotificationStatus::Unavailable { .. }
    ) {
        return;
    }
    if let Err(err) = app.notification().builder().body(body).show() {
        say_unavailable(server, err.to_string());
    }
}

fn say_unavailable(server: &AppState, why: String) {
    tracing::warn!("notifications are not available: {why}");
    server.show_notifications(NotificationStatus::Unavailable { why });
}
