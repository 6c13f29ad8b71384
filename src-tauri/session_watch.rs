//! The window keeps its session, whatever takes it away.
//!
//! The window is incognito, so its session cookie lives in WebKit's network process. When
//! that process dies, the cookie dies with it, and every request the page makes after is
//! refused; no event tells the shell. What the server does see is the page's feed: the page
//! keeps it open for as long as it is signed in. So when the feed has closed and not come
//! back within [`LOST_AFTER`], the window signs in afresh, with a single-use launch URL, as it
//! does after a crash of the page's own process ([`crate::renderer_recovery`]).

use crate::embedded_server::EmbeddedServer;
use std::time::Duration;
use tauri::{Manager, Runtime, Url, WebviewWindow};
use tokio::time::{Instant, sleep};

/// How often the feed is looked at.
const CHECK_EVERY: Duration = Duration::from_millis(200);
/// How long the page may be without its feed before it counts as signed out: more than a
/// reload takes to reopen it (about half a second here), and within the two seconds after
/// which a user would wonder.
pub const LOST_AFTER: Duration = Duration::from_secs(1);

/// Watches the window's session for as long as the window lives.
pub fn watch(window: &WebviewWindow) {
    let window = window.clone();
    tauri::async_runtime::spawn(async move {
        let mut watch = Watch::default();
        loop {
            sleep(CHECK_EVERY).await;
            let Some(server) = window.app_handle().try_state::<EmbeddedServer>() else {
                return;
            };
            if watch.observe(server.live_feeds(), Instant::now()) {
                tracing::warn!("the page lost its session: signing in afresh");
                if let Err(err) = reload_signed_in(&window, &server) {
                    tracing::warn!(%err, "cannot reload the page");
                    return;
                }
            }
        }
    });
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

/// What has been seen of the feed: armed once the page has had one, so that a page still
/// loading is never taken for a lost one.
#[derive(Debug, Default)]
struct Watch {
    armed: bool,
    gone_since: Option<Instant>,
}

impl Watch {
    /// Records how many feeds are open at `now`; says whether to sign in afresh.
    fn observe(&mut self, feeds: usize, now: Instant) -> bool {
        if feeds > 0 {
            *self = Self {
                armed: true,
                gone_since: None,
            };
            return false;
        }
        if !self.armed {
            return false;
        }
        let gone_since = *self.gone_since.get_or_insert(now);
        if now.duration_since(gone_since) < LOST_AFTER {
            return false;
        }
        // Disarmed until the reloaded page has its feed.
        *self = Self::default();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_gone_for_the_whole_grace_period_means_a_lost_session() {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let mut watch = Watch::default();
        assert!(!watch.observe(0, at(0)), "a page still loading");
        assert!(!watch.observe(0, at(5_000)), "never had a feed: not armed");
        assert!(!watch.observe(1, at(5_100)));
        assert!(!watch.observe(0, at(5_200)));
        assert!(!watch.observe(0, at(6_199)), "just under the grace period");
        assert!(
            watch.observe(0, at(6_200)),
            "gone for the whole grace period"
        );
        assert!(!watch.observe(0, at(9_000)), "once, until the feed is back");
        assert!(!watch.observe(1, at(9_100)));
        assert!(!watch.observe(0, at(9_200)));
        assert!(!watch.observe(1, at(10_100)), "back in time: nothing to do");
        assert!(!watch.observe(0, at(10_200)));
        assert!(watch.observe(0, at(11_200)));
    }
}
