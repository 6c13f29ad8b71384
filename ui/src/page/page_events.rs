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
//!
//! A tab listens from its render, not from the moment its stream connects: the page is
//! rendered with the stored state, and a change kept between that render and the stream's
//! request (a deep link handed over while the window loads) would otherwise reach the store
//! but never the tab. [`PageEvents::open_tab`] subscribes for the tab it names, and its
//! `/events` request takes that subscription over.

use datastar::prelude::{PatchElements, PatchSignals};
use std::{
    collections::VecDeque,
    sync::{Arc, Mutex, PoisonError},
};
use tokio::sync::broadcast;

/// How many rendered tabs may wait for their stream at once. A page fetched by something
/// that runs no script never connects; past this many, the oldest waiting tab is forgotten
/// and, should it connect after all, hears events from then on.
const MAX_OPENING_TABS: usize = 64;

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
    /// Tabs rendered whose stream has not connected yet, oldest first, each with what has
    /// been sent since its render.
    opening: Mutex<VecDeque<(Arc<str>, broadcast::Receiver<Addressed>)>>,
}

impl Default for PageEvents {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(32).0,
            opening: Mutex::default(),
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

    /// A new tab's id (128 random bits, hex-encoded), which listens from now on. Call it
    /// before reading the state the tab is rendered with, so that no change falls between.
    pub(crate) fn open_tab(&self) -> String {
        let tab = crate::random::hex::<16>();
        let mut opening = self.opening.lock().unwrap_or_else(PoisonError::into_inner);
        if opening.len() == MAX_OPENING_TABS {
            opening.pop_front();
        }
        opening.push_back((Arc::from(tab.as_str()), self.sender.subscribe()));
        tab
    }

    /// Every event for the page whose tab id is `tab`: since its render if it was opened by
    /// [`Self::open_tab`] and has not connected before, from now on otherwise.
    pub(crate) fn subscribe(
        &self,
        tab: Option<String>,
    ) -> impl futures_util::Stream<Item = PageEvent> + use<> {
        use futures_util::StreamExt;
        let receiver = tab
            .as_deref()
            .and_then(|tab| self.take_opening(tab))
            .unwrap_or_else(|| self.sender.subscribe());
        crate::page::subscription::messages(receiver).filter_map(move |message| {
            let for_us = message.except.is_none() || message.except.as_deref() != tab.as_deref();
            std::future::ready(for_us.then_some(message.event))
        })
    }

    /// The subscription [`Self::open_tab`] made for `tab`, once.
    fn take_opening(&self, tab: &str) -> Option<broadcast::Receiver<Addressed>> {
        let mut opening = self.opening.lock().unwrap_or_else(PoisonError::into_inner);
        let index = opening.iter().position(|(id, _)| &**id == tab)?;
        opening.remove(index).map(|(_, receiver)| receiver)
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

    fn next_signals(stream: impl futures_util::Stream<Item = PageEvent>) -> Option<String> {
        match std::pin::pin!(stream).next().now_or_never().flatten()? {
            PageEvent::Signals(patch) => Some(patch.into_datastar_event().data.join("")),
            PageEvent::Elements(_) => None,
        }
    }

    #[test]
    fn a_tab_hears_what_was_sent_between_its_render_and_its_stream() {
        let events = PageEvents::default();
        let tab = events.open_tab();
        assert_eq!(tab.len(), 32);
        assert_ne!(tab, events.open_tab());
        events.send(PatchSignals::new(r#"{"input":"from a link"}"#));
        assert_eq!(
            next_signals(events.subscribe(Some(tab.clone()))).as_deref(),
            Some(r#"signals {"input":"from a link"}"#)
        );
        // Its subscription is taken once: a second stream for the tab starts from now.
        assert_eq!(next_signals(events.subscribe(Some(tab))), None);
        assert_eq!(next_signals(events.subscribe(None)), None);
    }

    #[test]
    fn only_the_latest_tabs_wait_for_their_stream() {
        let events = PageEvents::default();
        let oldest = events.open_tab();
        let tabs: Vec<_> = (0..MAX_OPENING_TABS).map(|_| events.open_tab()).collect();
        events.send(PatchSignals::new(r#"{"show":false}"#));
        assert_eq!(next_signals(events.subscribe(Some(oldest))), None);
        for tab in tabs {
            assert!(next_signals(events.subscribe(Some(tab))).is_some());
        }
    }
}
