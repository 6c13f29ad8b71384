//! The one window: the server's page, configured in `tauri.conf.json`.

use crate::navigation;
use tauri::{
    AppHandle, Manager, Runtime, Url, WebviewUrl, WebviewWindowBuilder,
    webview::{NewWindowResponse, PageLoadEvent},
};

pub const LABEL: &str = "main";

/// Opens the window declared in `tauri.conf.json` (`"create": false`) at `url`.
///
/// The window starts hidden and shows itself once its first page has loaded, so the user
/// never sees a blank frame. It only ever shows our own origin ([`navigation`]), and reloads the
/// page if its renderer dies ([`crate::renderer_recovery`]).
pub fn open(app: &AppHandle, url: &str) -> tauri::Result<()> {
    let mut config = app
        .config()
        .app
        .windows
        .iter()
        .find(|window| window.label == LABEL)
        .cloned()
        .unwrap_or_default();
    config.label = LABEL.into();
    // WebKitGTK lets WebDriver drive only the automation-enabled web context, and wry gives
    // an incognito webview a fresh ephemeral context without automation. So under
    // tauri-driver (which sets this variable) the window keeps the default context; the
    // page, routes and IPC rules are identical either way.
    if std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true") {
        config.incognito = false;
    }
    let url: Url = url
        .parse()
        .map_err(|_| tauri::Error::InvalidWebviewUrl("the embedded server's URL does not parse"))?;
    config.url = WebviewUrl::External(url.clone());

    let window = WebviewWindowBuilder::from_config(app, &config)?
        .on_navigation({
            let ours = url.clone();
            move |to| navigation::allow_in_window(&ours, to)
        })
        .on_new_window(move |to, _features| {
            navigation::open_new_window(&url, &to);
            NewWindowResponse::Deny
        })
        // Only the first load shows the window. Later loads (View → Reload, a sign-in
        // afresh, a renderer's recovery) leave it as the user left it: hidden in the tray
        // stays hidden.
        .on_page_load({
            let first_load = std::sync::Once::new();
            move |window, payload| {
                if payload.event() == PageLoadEvent::Finished {
                    first_load.call_once(|| {
                        if let Err(err) = window.show() {
                            tracing::warn!(%err, "cannot show the window");
                        }
                    });
                }
            }
        })
        .build()?;
    crate::renderer_recovery::watch(&window)?;
    // Focus helps keyboard users start typing at once.
    let _ = window.set_focus();
    Ok(())
}

/// Shows the window, un-minimised and focused: a second launch, a click on a notification.
pub fn bring_to_front<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window(crate::main_window::LABEL) else {
        return;
    };
    let shown = window
        .unminimize()
        .and_then(|()| window.show())
        .and_then(|()| window.set_focus());
    if let Err(err) = shown {
        tracing::warn!(%err, "cannot bring the window to the front");
    }
}

/// Whether the window has the keyboard focus: an automatic update check notifies only a user
/// who is not looking at it.
pub fn is_focused<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.get_webview_window(LABEL)
        .and_then(|window| window.is_focused().ok())
        .unwrap_or(false)
}
