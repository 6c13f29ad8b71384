//! The native menu. Its items act on the window, or on the page through the server: Toggle
//! Feed asks [`datastar_ui::PageEvents`], and the page hears it as a Datastar event. This
//! is the pattern for every native control; the page never gets Tauri IPC.

use crate::embedded_server::EmbeddedServer;
use std::sync::Mutex;
use tauri::{
    AppHandle, Manager, Runtime,
    menu::{Menu, MenuBuilder, MenuEvent, MenuItemBuilder, PredefinedMenuItem, SubmenuBuilder},
};

/// Every item, with its id, label and accelerator, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Settings,
    Quit,
    Reload,
    ZoomIn,
    ZoomOut,
    ActualSize,
    ToggleFeed,
    CheckForUpdates,
    About,
}

impl Action {
    const ALL: [Action; 9] = [
        Self::Settings,
        Self::Quit,
        Self::Reload,
        Self::ZoomIn,
        Self::ZoomOut,
        Self::ActualSize,
        Self::ToggleFeed,
        Self::CheckForUpdates,
        Self::About,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::Settings => "settings",
            Self::Quit => "quit",
            Self::Reload => "reload",
            Self::ZoomIn => "zoom-in",
            Self::ZoomOut => "zoom-out",
            Self::ActualSize => "actual-size",
            Self::ToggleFeed => "toggle-feed",
            Self::CheckForUpdates => "check-for-updates",
            Self::About => "about",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Settings => "Settings…",
            Self::Quit => "Quit",
            Self::Reload => "Reload",
            Self::ZoomIn => "Zoom In",
            Self::ZoomOut => "Zoom Out",
            Self::ActualSize => "Actual Size",
            Self::ToggleFeed => "Toggle Feed",
            Self::CheckForUpdates => "Check for Updates…",
            Self::About => crate::about::TITLE,
        }
    }

    pub fn accelerator(self) -> Option<&'static str> {
        match self {
            Self::Settings => Some("CmdOrCtrl+,"),
            Self::Quit => Some("CmdOrCtrl+Q"),
            Self::Reload => Some("CmdOrCtrl+R"),
            Self::ZoomIn => Some("CmdOrCtrl+="),
            Self::ZoomOut => Some("CmdOrCtrl+-"),
            Self::ActualSize => Some("CmdOrCtrl+0"),
            Self::ToggleFeed => Some("CmdOrCtrl+Shift+F"),
            // As in most desktop apps: an occasional action, found in the menu.
            Self::CheckForUpdates => None,
            Self::About => Some("F1"),
        }
    }

    fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.id() == id)
    }
}

/// Zoom steps, as browsers take them.
const ZOOM_STEP: f64 = 0.1;
const ZOOM_RANGE: (f64, f64) = (0.5, 3.0);

/// The page's zoom factor, which the webview does not report back.
#[derive(Debug)]
pub struct Zoom(Mutex<f64>);

impl Default for Zoom {
    fn default() -> Self {
        Self(Mutex::new(1.0))
    }
}

/// File → Settings…, Quit; View → Reload, zoom, Toggle Feed; Help → Check for Updates…, About.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let item = |action: Action| {
        let mut builder = MenuItemBuilder::with_id(action.id(), action.label());
        if let Some(accelerator) = action.accelerator() {
            builder = builder.accelerator(accelerator);
        }
        builder.build(app)
    };
    let file = SubmenuBuilder::new(app, "File")
        .item(&item(Action::Settings)?)
        .item(&PredefinedMenuItem::separator(app)?)
        .item(&item(Action::Quit)?)
        .build()?;
    let view = SubmenuBuilder::new(app, "View")
        .item(&item(Action::Reload)?)
        .item(&PredefinedMenuItem::separator(app)?)
        .item(&item(Action::ZoomIn)?)
        .item(&item(Action::ZoomOut)?)
        .item(&item(Action::ActualSize)?)
        .item(&PredefinedMenuItem::separator(app)?)
        .item(&item(Action::ToggleFeed)?)
        .build()?;
    let help = SubmenuBuilder::new(app, "Help")
        .item(&item(Action::CheckForUpdates)?)
        .item(&PredefinedMenuItem::separator(app)?)
        .item(&item(Action::About)?)
        .build()?;
    MenuBuilder::new(app).items(&[&file, &view, &help]).build()
}

pub fn handle<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let Some(action) = Action::from_id(event.id().as_ref()) else {
        return;
    };
    tracing::debug!(?action, "menu");
    if let Err(err) = run(app, action) {
        tracing::warn!(%err, ?action, "the menu action failed");
    }
}

fn run<R: Runtime>(app: &AppHandle<R>, action: Action) -> tauri::Result<()> {
    let window = app.get_webview_window(crate::main_window::LABEL);
    match action {
        Action::Settings => {
            // The page opens its settings, in every tab, as the server tells it.
            let server = app.state::<EmbeddedServer>();
            datastar_ui::changes::open_settings(server.state().page_events());
            if let Some(window) = window {
                window.set_focus()?;
            }
        }
        Action::Quit => {
            // Closing the window ends the event loop, and then the server, as the close
            // button does; even while the app would keep running in the tray.
            app.state::<crate::tray::Quitting>()
                .0
                .store(true, std::sync::atomic::Ordering::Relaxed);
            match window {
                Some(window) => window.close()?,
                None => app.exit(0),
            }
        }
        Action::Reload => {
            // Signed in afresh, so that a reload works even when the session is gone.
            if let Some(window) = window {
                crate::session_watch::reload_signed_in(&window, &app.state::<EmbeddedServer>())?;
            }
        }
        Action::ZoomIn | Action::ZoomOut | Action::ActualSize => {
            let zoom = app.state::<Zoom>();
            let mut factor = zoom.0.lock().unwrap_or_else(|poison| poison.into_inner());
            *factor = match action {
                Action::ZoomIn => (*factor + ZOOM_STEP).min(ZOOM_RANGE.1),
                Action::ZoomOut => (*factor - ZOOM_STEP).max(ZOOM_RANGE.0),
                _ => 1.0,
            };
            if let Some(window) = window {
                window.set_zoom(*factor)?;
            }
        }
        Action::ToggleFeed => {
            // The server keeps the new state, then shows it in every tab.
            let server = app.state::<EmbeddedServer>().state().clone();
            tauri::async_runtime::spawn(async move {
                let toggled =
                    datastar_ui::changes::toggle_feed(server.store(), server.page_events()).await;
                if let Err(err) = toggled {
                    tracing::warn!(%err, "cannot toggle the feed");
                }
            });
        }
        Action::CheckForUpdates => {
            // In the same queue as the page's own buttons: the page shows what happens.
            let asked = datastar_ui::NativeRequest::CheckForUpdates {
                asked_by_user: true,
            };
            let server = app.state::<EmbeddedServer>();
            if let Some(Err(err)) = server.native_requests().map(|native| native.send(asked)) {
                tracing::warn!(%err, "cannot check for updates");
            }
        }
        Action::About => {
            // GTK is single-threaded: the dialog runs here, on the main thread, in a nested
            // main loop, so the window (and its feed) keeps running meanwhile.
            crate::about::show(app.state::<crate::LogFile>().0.as_deref());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_distinct_id_that_maps_back() {
        for action in Action::ALL {
            assert_eq!(Action::from_id(action.id()), Some(action));
        }
        assert_eq!(Action::from_id("nope"), None);
    }

    /// Users learn the menu from the table in docs/desktop.md: each item's label and keys
    /// are there, on one row.
    #[test]
    fn every_label_and_accelerator_is_the_one_the_docs_give() {
        let docs = include_str!("../docs/desktop.md");
        for action in Action::ALL {
            let label = action.label();
            // An item without keys says so in its row.
            let keys = action
                .accelerator()
                .map_or_else(|| "—".to_owned(), |keys| keys.replace("CmdOrCtrl", "Ctrl"));
            assert!(!label.is_empty(), "{action:?}");
            assert!(
                docs.lines()
                    .map(str::trim_start)
                    .any(|row| row.starts_with('|') && row.contains(label) && row.contains(&keys)),
                "docs/desktop.md's menu table has no row with {label:?} and {keys:?}"
            );
        }
    }
}
