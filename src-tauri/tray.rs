//! The tray icon: Show/Hide Window, Toggle Feed and Quit, and a left click that shows or
//! hides the window.
//!
//! On Linux it is a StatusNotifierItem over D-Bus (KSNI, the `tray-icon` crate's `ksni`
//! feature), which reports clicks where libappindicator reports none. Toggle Feed and Quit
//! are the app menu's own items (same ids), so `menu::handle` answers them: Toggle Feed goes
//! through the server, as from the menu. Without a tray host (no StatusNotifierWatcher on the
//! session bus, or no bus), one log line says so, and there is no tray; nothing else changes.
//!
//! With the setting *Keep running in the tray when the window is closed*, which the page
//! offers only where there is a tray, closing the window hides it; Quit, from the menu or the
//! tray, still quits.

use crate::menu::Action;
use datastar_ui::AppState;
use std::sync::atomic::{AtomicBool, Ordering};
use tauri::{
    AppHandle, Manager, Runtime, WebviewWindow, WindowEvent,
    menu::{MenuBuilder, MenuEvent, MenuItemBuilder},
    tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent},
};

/// Set by Quit, so that closing the window then ends the app even when it would otherwise
/// stay in the tray.
#[derive(Default)]
pub struct Quitting(pub AtomicBool);

/// The tray's own item; the others are the app menu's.
const SHOW_HIDE: &str = "tray-show-hide";

/// Puts the icon in the tray, if the desktop has one, and tells the server whether it did.
pub fn start<R: Runtime>(app: &AppHandle<R>, server: &AppState) {
    match build(app) {
        Ok(()) => server.set_tray(true),
        Err(err) => tracing::warn!(%err, "no tray icon: the desktop has no tray host"),
    }
}

/// Closing the window hides it instead, while the app has a tray and the user chose to keep
/// running there, unless the user asked to quit.
pub fn keep_running_on_close<R: Runtime>(window: &WebviewWindow<R>, server: AppState) {
    let app = window.app_handle().clone();
    let hidden = window.clone();
    window.on_window_event(move |event| {
        let WindowEvent::CloseRequested { api, .. } = event else {
            return;
        };
        let quitting = app.state::<Quitting>().0.load(Ordering::Relaxed);
        if server.has_tray() && server.store().preferences().keep_in_tray && !quitting {
            api.prevent_close();
            tracing::info!("the window is closed; the app keeps running in the tray");
            if let Err(err) = hidden.hide() {
                tracing::warn!(%err, "cannot hide the window");
            }
        }
    });
}

fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let item = |id: &str, label: &str| MenuItemBuilder::with_id(id, label).build(app);
    let menu = MenuBuilder::new(app)
        .item(&item(SHOW_HIDE, "Show/Hide Window")?)
        .item(&item(Action::ToggleFeed.id(), Action::ToggleFeed.label())?)
        .separator()
        .item(&item(Action::Quit.id(), Action::Quit.label())?)
        .build()?;
    // The icon's clicks and its own item are answered by the app-wide handlers below, which
    // exist before the icon does: a handler given to the builder is attached only after the
    // icon has registered with the tray host, and an early click would be lost.
    let mut tray = TrayIconBuilder::with_id("main")
        .tooltip(crate::APP_NAME)
        .menu(&menu)
        .show_menu_on_left_click(false);
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

/// The app-wide tray handler: a left click shows or hides the window.
pub fn on_icon_event<R: Runtime>(app: &AppHandle<R>, event: TrayIconEvent) {
    if let TrayIconEvent::Click {
        button: MouseButton::Left,
        button_state: MouseButtonState::Up,
        ..
    } = event
    {
        show_or_hide(app);
    }
}

/// Answers the tray's own menu item; `false` for any other, which the app menu's handler
/// answers (Toggle Feed, Quit).
pub fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: &MenuEvent) -> bool {
    let ours = event.id() == SHOW_HIDE;
    if ours {
        show_or_hide(app);
    }
    ours
}

/// Hides the window if it shows, or brings it back.
fn show_or_hide<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window(crate::main_window::LABEL) else {
        return;
    };
    if window.is_visible().unwrap_or(false) {
        if let Err(err) = window.hide() {
            tracing::warn!(%err, "cannot hide the window");
        }
    } else {
        crate::main_window::bring_to_front(app);
    }
}
