//! The navigation lock: the window only ever shows the embedded server's own origin.
//!
//! Anything else the page tries to load (a link, `location`, `window.open`, a form, a
//! redirect) would take our session cookie's window to a page we did not write, so the
//! window refuses it. Web and mail links go to the user's default browser instead, where
//! they belong; everything else is dropped with a log line.

use tauri::Url;

/// Where a navigation may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// Our own page: the window shows it.
    Window,
    /// A web or mail link: the default browser (or mail client) opens it.
    Browser,
    /// Anything else (`file:`, `data:`, `javascript:`, custom schemes): nowhere.
    Nowhere,
}

/// Decides where `to` goes when the window shows `ours`.
pub fn destination(ours: &Url, to: &Url) -> Destination {
    if to.origin() == ours.origin() {
        Destination::Window
    } else if matches!(to.scheme(), "http" | "https" | "mailto") {
        Destination::Browser
    } else {
        Destination::Nowhere
    }
}

/// The window's navigation handler: whether to let the window load `to`. Refused web and
/// mail links are handed to the desktop's opener.
pub fn allow_in_window(ours: &Url, to: &Url) -> bool {
    match destination(ours, to) {
        Destination::Window => true,
        Destination::Browser => {
            open_in_browser(to);
            false
        }
        Destination::Nowhere => {
            tracing::warn!(%to, "refused to navigate the window away from its page");
            false
        }
    }
}

/// The window's `window.open` and `target=_blank` handler: the app has one window, so a
/// new one never opens; a web or mail link still reaches the browser.
pub fn open_new_window(ours: &Url, to: &Url) {
    match destination(ours, to) {
        Destination::Browser => open_in_browser(to),
        Destination::Window | Destination::Nowhere => {
            tracing::warn!(%to, "refused to open a second window");
        }
    }
}

/// Asks the desktop's opener (`xdg-open` and friends) for `url`. Without one, the link
/// goes nowhere, and the log says why.
fn open_in_browser(url: &Url) {
    match tauri_plugin_opener::open_url(url.as_str(), None::<&str>) {
        Ok(()) => tracing::info!(%url, "opened a link in the default browser"),
        Err(err) => tracing::warn!(%url, %err, "cannot open a link in the default browser"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        s.parse().unwrap()
    }

    const OURS: &str = "http://127.4.5.6:41234/";

    #[test]
    fn our_own_origin_stays_in_the_window() {
        for to in [
            "http://127.4.5.6:41234/",
            "http://127.4.5.6:41234/?token=abc",
            "http://127.4.5.6:41234/assets/style.css#x",
        ] {
            assert_eq!(
                destination(&url(OURS), &url(to)),
                Destination::Window,
                "{to}"
            );
        }
    }

    #[test]
    fn other_web_origins_and_mail_go_to_the_browser() {
        for to in [
            "http://127.4.5.6:41235/",
            "http://127.0.0.1:41234/",
            "https://127.4.5.6:41234/",
            "https://data-star.dev/",
            "mailto:someone@example.com",
        ] {
            assert_eq!(
                destination(&url(OURS), &url(to)),
                Destination::Browser,
                "{to}"
            );
        }
    }

    #[test]
    fn other_schemes_go_nowhere() {
        for to in [
            "file:///etc/passwd",
            "data:text/html,<p>hi</p>",
            "javascript:alert(1)",
            "about:blank",
            "ftp://example.com/",
        ] {
            assert_eq!(
                destination(&url(OURS), &url(to)),
                Destination::Nowhere,
                "{to}"
            );
        }
    }
}
