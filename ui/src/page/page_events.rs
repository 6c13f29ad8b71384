//! The one way native code reaches the page: through the server, as Datastar events.
//!
//! The page holds an SSE stream on `/events` from the moment it loads. Whatever the desktop
//! shell (a menu item, a shortcut, a tray icon) or the headless binary wants the page to do,
//! it asks [`PageEvents`], and every open page receives it on that stream. The page never gets
//! Tauri IPC: this is the only path, and it is plain hypermedia.
//!
//! What it sends is plain Datastar: a `PatchElements` or a `PatchSignals` ([`PageEvents::send`]).
//! A change to the page's state goes through [`crate::changes`], which keeps it first, so that
//! every tab shows what the server holds.

use datastar::prelude::{PatchElements, PatchSignals};
use std::sync::Arc;
use tokio::sync::broadcast;

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
}

impl Default for PageEvents {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(32).0,
        }
    }
}

impl PageEvents {
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
    fn events_reach_every_listener_but_the_tab_they_came_from() {
        let events = PageEvents::default();
        let patch = || PatchSignals::new(r#"{"show":false}"#);
        assert_eq!(events.send(patch()), 0, "no page yet");
        let mut mine = std::pin::pin!(events.subscribe(Some("mine".into())));
        let mut other = std::pin::pin!(events.subscribe(None));
        assert_eq!(events.send_except(Some("mine"), patch()), 2);
        assert_eq!(events.send(patch()), 2);
        let data = |event: Option<PageEvent>| match event.expect("an event") {
            PageEvent::Signals(patch) => patch.into_datastar_event().data,
            PageEvent::Elements(_) => unreachable!("only signal patches were sent"),
        };
        assert_eq!(
            data(other.next().now_or_never().flatten()),
            ["signals {\"show\":false}"]
        );
        assert_eq!(
            data(other.next().now_or_never().flatten()),
            ["signals {\"show\":false}"]
        );
        // The first event `mine` hears is the second one sent.
        assert_eq!(
            data(mine.next().now_or_never().flatten()),
            ["signals {\"show\":false}"]
        );
        assert!(mine.next().now_or_never().is_none());
    }
}
