//! The one way native code reaches the page: through the server, as Datastar events.
//!
//! The page holds an SSE stream on `/events` from the moment it loads. Whatever the desktop
//! shell (a menu item, a shortcut, a tray icon) or the headless binary wants the page to do,
//! it asks [`PageEvents`], and every open page receives it on that stream. The page never gets
//! Tauri IPC: this is the only path, and it is plain hypermedia.
//!
//! Two levels:
//! - [`PageCommand`]: named things the page knows how to do. Each is a signal patch that the
//!   page's markup reacts to (`data-on-signal-patch` in `ui/assets/index.html`). Adding a
//!   native control means one variant here and one attribute there.
//! - [`PageEvents::send`]: any `PatchElements` or `PatchSignals`, for anything else.

use datastar::prelude::{PatchElements, PatchSignals};
use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};
use tokio::sync::broadcast;

/// Something the page can be asked to do from outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageCommand {
    /// The same as the page's Toggle Feed button: hide the feed, or show it again.
    ToggleFeed,
}

impl PageCommand {
    /// The signal the page's markup watches for this command.
    pub const fn signal(self) -> &'static str {
        match self {
            Self::ToggleFeed => "toggleFeed",
        }
    }
}

/// One Datastar event for every open page.
#[derive(Debug, Clone)]
pub enum PageEvent {
    Elements(PatchElements),
    Signals(PatchSignals),
}

impl From<PatchElements> for PageEvent {
    fn from(patch: PatchElements) -> Self {
        Self::Elements(patch)
    }
}

impl From<PatchSignals> for PageEvent {
    fn from(patch: PatchSignals) -> Self {
        Self::Signals(patch)
    }
}

impl From<PageEvent> for axum::response::sse::Event {
    fn from(event: PageEvent) -> Self {
        match event {
            PageEvent::Elements(patch) => patch.into(),
            PageEvent::Signals(patch) => patch.into(),
        }
    }
}

/// An event, and the one page (by its tab id) that must not get it: the page it came from.
#[derive(Debug, Clone)]
pub(crate) struct Addressed {
    except: Option<Arc<str>>,
    event: PageEvent,
}

/// The handle: cheap to share (it lives in [`crate::AppState`]), safe from any thread.
#[derive(Debug)]
pub struct PageEvents {
    sender: broadcast::Sender<Addressed>,
    /// Each command patch carries a new number, so that the page sees a change every time.
    sequence: AtomicU64,
}

impl Default for PageEvents {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(32).0,
            sequence: AtomicU64::new(0),
        }
    }
}

impl PageEvents {
    /// Asks every open page to run `command`. Returns how many pages were listening.
    pub fn command(&self, command: PageCommand) -> usize {
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed) + 1;
        let patch = serde_json::json!({ command.signal(): sequence }).to_string();
        self.send(PatchSignals::new(patch))
    }

    /// Sends `event` to every open page. Returns how many pages were listening: 0 is not an
    /// error, only a page that has not loaded yet.
    pub fn send(&self, event: impl Into<PageEvent>) -> usize {
        self.send_except(None, event)
    }

    /// Sends `event` to every open page but the one whose tab id is `except`: a change the
    /// page made itself goes to its other tabs, and must not come back to disturb it.
    pub fn send_except(&self, except: Option<&str>, event: impl Into<PageEvent>) -> usize {
        let addressed = Addressed {
            except: except.map(Arc::from),
            event: event.into(),
        };
        self.sender.send(addressed).unwrap_or(0)
    }

    /// Every event from now on, for the page whose tab id is `tab`.
    pub(crate) fn subscribe(
        &self,
        tab: Option<String>,
    ) -> impl futures_util::Stream<Item = PageEvent> + use<> {
        use futures_util::StreamExt;
        crate::page::subscription::messages(self.sender.subscribe()).filter_map(move |message| {
            let for_us = message.except.is_none() || message.except.as_deref() != tab.as_deref();
            std::future::ready(for_us.then_some(message.event))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::{FutureExt, StreamExt};

    #[test]
    fn commands_reach_every_listener_with_a_new_number_each_time() {
        let events = PageEvents::default();
        assert_eq!(events.command(PageCommand::ToggleFeed), 0, "no page yet");
        let mut page = std::pin::pin!(events.subscribe(None));
        let mut next = || page.next().now_or_never().flatten().expect("an event");
        assert_eq!(events.command(PageCommand::ToggleFeed), 1);
        assert_eq!(events.command(PageCommand::ToggleFeed), 1);
        let data = |event: PageEvent| match event {
            PageEvent::Signals(patch) => patch.into_datastar_event().data,
            PageEvent::Elements(_) => unreachable!("a command is a signal patch"),
        };
        assert_eq!(data(next()), ["signals {\"toggleFeed\":2}"]);
        assert_eq!(data(next()), ["signals {\"toggleFeed\":3}"]);
    }
}
