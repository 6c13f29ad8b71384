//! Bringing the page back when WebKit's web process dies.
//!
//! WebKitGTK renders the page in a process of its own. When that process dies (a crash, or
//! the kernel's OOM killer), the window goes blank while the app and its server run on.
//! WebKit starts a new web process for the next load, so the window loads the page again.
//! An incognito window loses its session cookie with the old process, so the reload signs
//! in afresh, with a single-use launch URL the server issues for it. A renderer that keeps
//! dying is not looped on: the third death within a minute ends the app, with an
//! explanation.

use crate::embedded_server::EmbeddedServer;
use std::{
    cell::RefCell,
    collections::VecDeque,
    time::{Duration, Instant},
};
use tauri::{Manager, WebviewWindow};

/// How many deaths within [`CRASH_WINDOW`] make the app stop reloading.
pub const CRASHES_TO_GIVE_UP: usize = 3;
pub const CRASH_WINDOW: Duration = Duration::from_secs(60);

/// What to do about one more death of the renderer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Reload,
    GiveUp,
}

/// The renderer's recent deaths.
#[derive(Debug, Default)]
pub struct CrashHistory {
    recent: VecDeque<Instant>,
}

impl CrashHistory {
    /// Records a death at `at`, and says whether to reload once more.
    pub fn record(&mut self, at: Instant) -> Verdict {
        while self
            .recent
            .front()
            .is_some_and(|&earlier| at.duration_since(earlier) >= CRASH_WINDOW)
        {
            self.recent.pop_front();
        }
        self.recent.push_back(at);
        if self.recent.len() >= CRASHES_TO_GIVE_UP {
            Verdict::GiveUp
        } else {
            Verdict::Reload
        }
    }
}

/// Watches the window's page process from now on, where the platform can
/// ([`crate::platform::on_page_process_death`]).
pub fn watch(window: &WebviewWindow) -> tauri::Result<()> {
    let app = window.app_handle().clone();
    let history = RefCell::new(CrashHistory::default());
    let on_death = move || match history.borrow_mut().record(Instant::now()) {
        Verdict::Reload => {
            let server = app.try_state::<EmbeddedServer>()?;
            tracing::info!("reloading the page in a new web process");
            Some(server.issue_launch_url())
        }
        Verdict::GiveUp => {
            crate::fatal::end_app(
                &app,
                "stopped reloading its page, which keeps crashing",
                &format!(
                    "Its renderer stopped {CRASHES_TO_GIVE_UP} times within {} s. The log \
                     file (see Help → About) may say why.",
                    CRASH_WINDOW.as_secs()
                ),
            );
            None
        }
    };
    crate::platform::on_page_process_death(window, Box::new(on_death))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_third_death_within_a_minute_gives_up() {
        let start = Instant::now();
        let mut history = CrashHistory::default();
        assert_eq!(history.record(start), Verdict::Reload);
        assert_eq!(
            history.record(start + Duration::from_secs(30)),
            Verdict::Reload
        );
        assert_eq!(
            history.record(start + Duration::from_secs(59)),
            Verdict::GiveUp
        );
    }

    #[test]
    fn deaths_a_minute_apart_keep_reloading() {
        let start = Instant::now();
        let mut history = CrashHistory::default();
        for minute in 0..10 {
            let at = start + CRASH_WINDOW * minute + Duration::from_secs(1);
            assert_eq!(history.record(at), Verdict::Reload, "death {minute}");
            assert_eq!(history.record(at + Duration::from_secs(1)), Verdict::Reload);
        }
    }

    #[test]
    fn a_death_exactly_a_minute_old_no_longer_counts() {
        let start = Instant::now();
        let mut history = CrashHistory::default();
        history.record(start);
        history.record(start + Duration::from_secs(1));
        assert_eq!(history.record(start + CRASH_WINDOW), Verdict::Reload);
    }
}
