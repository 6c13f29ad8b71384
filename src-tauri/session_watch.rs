//! The window keeps its session, whatever takes it away.
//!
//! The window is incognito, so its session cookie lives in WebKit's network process. When
//! that process dies, the cookie dies with it, and no event tells the shell. The server,
//! though, sees the page's next request arrive under the secret path without a valid
//! session, and says so the way the page's own buttons do: a
//! [`NativeRequest::SignInAgain`](datastar_ui::NativeRequest::SignInAgain). The window then
//! signs in afresh, with a single-use launch URL, as it does after a crash of the page's own
//! process ([`crate::renderer_recovery`]).
//!
//! Nothing else counts as signed out. A hidden page closes its feed (Datastar's `@get` does
//! while the document is hidden) but keeps its cookie, so a minimised window comes back as
//! the same page.

use crate::{embedded_server::EmbeddedServer, main_window};
use std::{
    sync::Mutex,
    time::{Duration, Instant},
};
use tauri::{AppHandle, Manager, Runtime, Url, WebviewWindow};

/// A lost cookie fails every request the old page still had in flight, each of which asks
/// for a sign-in. One answers them all: asks within this time of the last sign-in are the
/// same loss. Longer than a refused request takes to arrive, shorter than a user would
/// wait before wondering.
const SAME_LOSS_WITHIN: Duration = Duration::from_secs(2);

/// When the window last signed in afresh.
#[derive(Debug, Default)]
pub struct SessionWatch {
    last_sign_in: Mutex<Option<Instant>>,
}

impl SessionWatch {
    /// Whether an ask at `now` is a new loss, and if so, notes the sign-in it gets.
    fn is_new_loss(&self, now: Instant) -> bool {
        let mut last = self
            .last_sign_in
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.is_some_and(|last| now.duration_since(last) < SAME_LOSS_WITHIN) {
            return false;
        }
        *last = Some(now);
        true
    }
}

/// The server saw the window's page without its session: signs it in afresh.
pub fn page_signed_out<R: Runtime>(app: &AppHandle<R>) {
    if !app.state::<SessionWatch>().is_new_loss(Instant::now()) {
        return;
    }
    let (Some(window), Some(server)) = (
        app.get_webview_window(main_window::LABEL),
        app.try_state::<EmbeddedServer>(),
    ) else {
        return;
    };
    tracing::warn!("the page lost its session: signing in afresh");
    if let Err(err) = reload_signed_in(&window, &server) {
        tracing::warn!(%err, "cannot reload the page");
    }
}

/// Loads the page again with a fresh launch URL: a reload that works even when the cookie
/// is gone. View → Reload does the same.
pub fn reload_signed_in<R: Runtime>(
    window: &WebviewWindow<R>,
    server: &EmbeddedServer,
) -> tauri::Result<()> {
    let url: Url = server
        .issue_launch_url()
        .parse()
        .map_err(|_| tauri::Error::InvalidWebviewUrl("the embedded server's URL does not parse"))?;
    window.navigate(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_asks_of_one_loss_get_one_sign_in() {
        let watch = SessionWatch::default();
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        assert!(watch.is_new_loss(at(0)), "the first ask");
        assert!(!watch.is_new_loss(at(50)), "the old page's other requests");
        assert!(!watch.is_new_loss(at(1_999)));
        assert!(watch.is_new_loss(at(2_000)), "a loss of its own");
        assert!(!watch.is_new_loss(at(2_100)));
    }
}
