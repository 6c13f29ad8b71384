//! Open connections, capped below the open-file limit, so that a flood of connections that
//! never sign in cannot lock the signed-in page out.
//!
//! When the cap is reached, a new connection evicts the oldest one that has not signed in:
//! a flood only ever displaces itself. Signed-in connections are never evicted; if every
//! slot holds one, the newcomer is turned away instead.
//!
//! Connections that have not signed in also have a memory budget: at most
//! [`MAX_ANONYMOUS`] of them, whatever the open-file limit, because each can hold a request
//! head of up to 64 KiB in hyper's buffer (about 88 KiB of memory in all). Past that, too, a
//! newcomer evicts the oldest of them.

use futures_util::task::AtomicWaker;
use pin_project_lite::pin_project;
use std::{
    collections::BTreeMap,
    future::Future,
    pin::Pin,
    sync::{
        Arc, Mutex, MutexGuard, Weak,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
};

/// File descriptors kept back from the cap: the listener, the log file, and in the desktop
/// app everything GTK and WebKit's helpers open.
pub const RESERVED_FILES: usize = 128;

/// Connections that have not signed in, at most: 512 near-limit heads cost about 44 MiB,
/// within the 64 MiB a flood may cost at any open-file limit.
pub const MAX_ANONYMOUS: usize = 512;

/// The cap for this process: its soft open-file limit, less [`RESERVED_FILES`].
pub fn default_cap() -> usize {
    usize::try_from(open_file_limit())
        .unwrap_or(usize::MAX)
        .saturating_sub(RESERVED_FILES)
        .max(1)
}

/// The soft open-file limit, where sockets are files (Unix).
#[cfg(unix)]
fn open_file_limit() -> u64 {
    rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |(soft, _hard)| soft)
}

/// Windows has no per-process limit on sockets like Unix's open-file limit (they are
/// kernel handles, about 16 million per process), so the cap is a fixed one, as high as the
/// largest fan-out the benchmark holds, with room to spare.
#[cfg(not(unix))]
fn open_file_limit() -> u64 {
    32_768
}

/// Raises this process's soft open-file limit to its hard limit, which needs no privilege:
/// every connection is a file, and a desktop's usual 1,024 would cap them far too low. On
/// Windows there is no such limit, and this does nothing.
pub fn raise_open_file_limit() {
    if let Err(err) = rlimit::increase_nofile_limit(u64::MAX) {
        tracing::warn!(%err, "cannot raise the open-file limit");
    }
}

#[derive(Debug)]
pub struct Connections {
    cap: usize,
    anonymous_cap: usize,
    state: Mutex<State>,
    /// Woken each time an evicted connection has closed, and so given its descriptor back.
    released: tokio::sync::Notify,
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    /// Not signed in yet, oldest first: the ones a newcomer may evict.
    anonymous: BTreeMap<u64, Weak<Connection>>,
    signed_in: usize,
    /// Evicted, but not closed yet: each still holds its descriptor.
    closing: usize,
    /// Evicted since the last [`Connections::take_flood`]: a flood has been turned away.
    evicted_since: u64,
}

/// One open connection's slot. Dropping it frees the slot.
///
/// Kept small, as a feed is a connection that lives for hours, thousands at a time: two
/// flags and a waker, where a cancellation token would cost a tree node and a future.
#[derive(Debug)]
pub struct Connection {
    id: u64,
    /// Counted among the signed-in connections (and so no longer in `anonymous`).
    signed_in: AtomicBool,
    evicted: AtomicBool,
    /// The connection's task, woken to end itself when evicted.
    waker: AtomicWaker,
    registry: Arc<Connections>,
}

impl Connections {
    /// `cap` connections in all, of which at most [`MAX_ANONYMOUS`] not signed in.
    pub fn new(cap: usize) -> Arc<Self> {
        Self::with_anonymous_cap(cap, MAX_ANONYMOUS.min(cap))
    }

    fn with_anonymous_cap(cap: usize, anonymous_cap: usize) -> Arc<Self> {
        Arc::new(Self {
            cap,
            anonymous_cap,
            state: Mutex::new(State::default()),
            released: tokio::sync::Notify::new(),
        })
    }

    /// A slot for a new connection, evicting the oldest anonymous one if either cap is
    /// reached; `None` if every slot is signed in.
    pub fn open(self: &Arc<Self>) -> Option<Arc<Connection>> {
        let mut state = self.lock();
        let full = state.anonymous.len() + state.signed_in >= self.cap
            || state.anonymous.len() >= self.anonymous_cap;
        let evicted = if full {
            Some(state.anonymous.pop_first()?.1)
        } else {
            None
        };
        let id = state.next_id;
        state.next_id += 1;
        let connection = Arc::new(Connection {
            id,
            signed_in: AtomicBool::new(false),
            evicted: AtomicBool::new(false),
            waker: AtomicWaker::new(),
            registry: Arc::clone(self),
        });
        state.anonymous.insert(id, Arc::downgrade(&connection));
        // Outside the lock: if its task has just ended, this is the last reference, and
        // dropping it takes the lock again.
        drop(state);
        if let Some(oldest) = evicted.and_then(|oldest| oldest.upgrade()) {
            let mut state = self.lock();
            state.closing += 1;
            state.evicted_since += 1;
            drop(state);
            oldest.evicted.store(true, Ordering::Release);
            oldest.waker.wake();
        }
        Some(connection)
    }

    /// Waits, up to `limit`, until every evicted connection has closed. The accept loop
    /// calls it before accepting more, so that descriptors are given back as fast as they
    /// are taken, and the process never runs out of them at the cap.
    pub async fn evictions_closed(&self, limit: std::time::Duration) {
        let _ = tokio::time::timeout(limit, async {
            loop {
                let released = self.released.notified();
                if self.lock().closing == 0 {
                    return;
                }
                released.await;
            }
        })
        .await;
    }

    /// Whether a flood has been turned away since the last call, and has now ended: no more
    /// connections that have not signed in are left than a browser opens. Resets.
    pub fn take_flood(&self) -> bool {
        /// A browser opens up to six connections to a host; a few more is still no flood.
        const AFTER_A_FLOOD: usize = 16;
        let mut state = self.lock();
        let ended = state.evicted_since > 0 && state.anonymous.len() < AFTER_A_FLOOD;
        if ended {
            state.evicted_since = 0;
        }
        ended
    }

    /// Open connections right now.
    pub fn count(&self) -> usize {
        let state = self.lock();
        state.anonymous.len() + state.signed_in
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update below leaves the state whole, so a panic elsewhere cannot corrupt it.
        crate::sync::lock(&self.state)
    }
}

impl Connection {
    /// From now on this connection is never evicted (unless it already was).
    pub fn mark_signed_in(&self) {
        if self.is_signed_in() {
            return;
        }
        let mut state = self.registry.lock();
        if state.anonymous.remove(&self.id).is_some() {
            state.signed_in += 1;
            self.signed_in.store(true, Ordering::Release);
        }
    }

    /// Whether this connection has signed in (and so needs no more marking).
    pub fn is_signed_in(&self) -> bool {
        self.signed_in.load(Ordering::Acquire)
    }

    /// Runs `connection` until it ends or a newcomer evicts it, holding this slot meanwhile.
    pub fn evictable<F: Future>(self: Arc<Self>, connection: F) -> Evictable<F> {
        Evictable {
            connection,
            slot: self,
        }
    }

    fn is_evicted(&self) -> bool {
        self.evicted.load(Ordering::Acquire)
    }
}

pin_project! {
    /// A connection's future that ends early when its slot is evicted.
    ///
    /// A struct rather than an `async` block with `select!`: the block would hold the
    /// connection twice (as a captured variable and as the awaited future), and a feed is a
    /// connection that lives for hours, thousands at a time.
    pub struct Evictable<F> {
        #[pin]
        connection: F,
        slot: Arc<Connection>,
    }
}

impl<F: Future> Future for Evictable<F> {
    /// `None` when the connection was evicted.
    type Output = Option<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        // Registered before the check, so that an eviction in between still wakes us.
        this.slot.waker.register(cx.waker());
        if this.slot.is_evicted() {
            return Poll::Ready(None);
        }
        this.connection.poll(cx).map(Some)
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        let mut state = self.registry.lock();
        if self.is_signed_in() {
            state.signed_in -= 1;
        } else {
            state.anonymous.remove(&self.id);
        }
        if self.is_evicted() {
            state.closing -= 1;
            drop(state);
            self.registry.released.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where sockets are files (Unix), the cap is the open-file limit, raised to its hard
    /// limit, less the files the process keeps for itself. Windows has no such limit, and the
    /// cap is a fixed one: raising a limit that does not exist is not an error there.
    #[test]
    fn the_cap_follows_the_open_file_limit_where_there_is_one() {
        raise_open_file_limit();
        #[cfg(unix)]
        let limit = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap().0;
        #[cfg(not(unix))]
        let limit = 32_768;
        assert_eq!(
            default_cap(),
            usize::try_from(limit).unwrap_or(usize::MAX) - RESERVED_FILES
        );
    }

    #[test]
    fn a_full_house_evicts_the_oldest_anonymous_connection() {
        let connections = Connections::new(3);
        let first = connections.open().unwrap();
        let second = connections.open().unwrap();
        let third = connections.open().unwrap();
        first.mark_signed_in();
        assert_eq!(connections.count(), 3);

        let fourth = connections.open().expect("evicts the oldest anonymous one");
        assert!(!first.is_evicted(), "signed in: never evicted");
        assert!(second.is_evicted());
        assert!(!third.is_evicted());
        drop(second);
        assert_eq!(connections.count(), 3);

        third.mark_signed_in();
        fourth.mark_signed_in();
        assert!(connections.open().is_none(), "every slot is signed in");
        drop(first);
        assert_eq!(connections.count(), 2);
        assert!(connections.open().is_some());
    }

    #[tokio::test]
    async fn an_evicted_connection_ends_at_once_and_a_finished_one_gives_its_output() {
        let connections = Connections::new(1);
        let first = connections.open().unwrap();
        let serving = tokio::spawn(first.evictable(std::future::pending::<()>()));
        tokio::task::yield_now().await;
        let _second = connections.open().unwrap();
        let ended = tokio::time::timeout(std::time::Duration::from_secs(1), serving)
            .await
            .expect("eviction wakes the connection")
            .unwrap();
        assert_eq!(ended, None, "evicted");

        let third = Connections::new(1).open().unwrap();
        assert_eq!(third.evictable(async { 7 }).await, Some(7));
    }

    #[test]
    fn anonymous_connections_have_their_own_smaller_cap() {
        let connections = Connections::with_anonymous_cap(10, 2);
        let signed_in = connections.open().unwrap();
        signed_in.mark_signed_in();
        let first = connections.open().unwrap();
        let second = connections.open().unwrap();
        let third = connections.open().expect("evicts the oldest anonymous one");
        assert!(first.is_evicted() && !second.is_evicted() && !third.is_evicted());
        assert!(!signed_in.is_evicted());
        assert_eq!(Connections::new(100_000).anonymous_cap, MAX_ANONYMOUS);
        assert_eq!(Connections::new(3).anonymous_cap, 3);
    }

    #[test]
    fn a_flood_counts_as_ended_once_its_connections_are_gone() {
        let connections = Connections::with_anonymous_cap(100, 1);
        assert!(!connections.take_flood(), "no flood yet");
        let first = connections.open().unwrap();
        let flood: Vec<_> = (0..20).map(|_| connections.open().unwrap()).collect();
        assert!(first.is_evicted());
        drop(first);
        assert!(
            connections.take_flood(),
            "evictions, and few strangers left"
        );
        assert!(!connections.take_flood(), "once");
        drop(flood);
    }

    #[tokio::test]
    async fn the_accept_loop_waits_for_evicted_connections_to_close() {
        let connections = Connections::new(1);
        let first = connections.open().unwrap();
        let _second = connections.open().unwrap();
        assert!(first.is_evicted());
        let waiting = tokio::spawn({
            let connections = connections.clone();
            async move {
                connections
                    .evictions_closed(std::time::Duration::from_secs(5))
                    .await
            }
        });
        tokio::task::yield_now().await;
        assert!(
            !waiting.is_finished(),
            "the evicted one still holds its descriptor"
        );
        drop(first);
        tokio::time::timeout(std::time::Duration::from_secs(1), waiting)
            .await
            .expect("woken once it has closed")
            .unwrap();
        // Nothing evicted: no wait at all.
        tokio::time::timeout(
            std::time::Duration::from_millis(10),
            connections.evictions_closed(std::time::Duration::from_secs(5)),
        )
        .await
        .expect("at once");
    }

    #[test]
    fn an_evicted_connection_that_signs_in_late_is_not_counted_twice() {
        let connections = Connections::new(1);
        let first = connections.open().unwrap();
        let second = connections.open().unwrap();
        first.mark_signed_in();
        drop(first);
        assert_eq!(connections.count(), 1);
        drop(second);
        assert_eq!(connections.count(), 0);
    }
}
