//! Open connections, capped below the open-file limit, so that a flood of connections that
//! never sign in cannot lock the signed-in page out.
//!
//! When the cap is reached, a new connection evicts the oldest one that has not signed in:
//! a flood only ever displaces itself. Signed-in connections are never evicted; if every
//! slot holds one, the newcomer is turned away instead.
//!
//! Connections that have not signed in also share a memory budget, [`ANONYMOUS_BUDGET`]:
//! what a stranger costs is what it has made the server hold, the bytes of a request head
//! not yet served on top of hyper's buffer for it, and not how many strangers there are. A
//! connection that has sent nothing yet costs next to nothing ([`WAITING_COST`]), so a burst
//! of honest clients that connect all at once, a reconnect storm, all fit, where a flood of
//! held heads soon fills the budget. Past it, a newcomer's bytes evict the oldest strangers.

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

/// What the connections that have not signed in may cost together, at most: a flood of held
/// near-limit heads, about 140 KiB each, then stays within the 64 MiB it may cost at any
/// open-file limit (BENCHMARKS.md, "Floods"; `ui/tests/local_attackers.rs`).
pub const ANONYMOUS_BUDGET: usize = 40 * 1024 * 1024;

/// What a connection costs before its first byte: its task and its socket's registration,
/// 1.4 KiB measured. The server hands a connection to hyper only once its client has sent
/// something, so none of hyper's buffer is held yet.
pub const WAITING_COST: usize = 2 * 1024;

/// What a connection costs once it has sent something, before what it sent: hyper's first
/// read buffer, 8 KiB, and its connection's state.
pub const READING_COST: usize = 12 * 1024;

/// What each byte a stranger sends costs: hyper's buffer grows by doubling, and holds up to
/// twice what it was sent. (Measured: 16,000 connections holding near-limit heads cost the
/// server 1.75 times a budget that charged each byte once.)
pub const COST_PER_BYTE: usize = 2;

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
    budget: usize,
    state: Mutex<State>,
    /// Woken each time an evicted connection has closed, and so given its descriptor back.
    released: tokio::sync::Notify,
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    /// Not signed in yet, oldest first: the ones a newcomer may evict.
    anonymous: BTreeMap<u64, Stranger>,
    /// What those cost together: the sum of their charges, against the budget.
    anonymous_bytes: usize,
    signed_in: usize,
    /// Evicted, but not closed yet: each still holds its descriptor.
    closing: usize,
    /// Evicted since the last [`Connections::take_flood`]: a flood has been turned away.
    evicted_since: u64,
}

/// A connection that has not signed in, and what it costs.
#[derive(Debug)]
struct Stranger {
    connection: Weak<Connection>,
    /// Bytes, against the budget: [`WAITING_COST`] until its first byte, then
    /// [`READING_COST`] and [`COST_PER_BYTE`] for every byte it has sent.
    charge: usize,
}

impl State {
    /// Takes the oldest anonymous connection out, with its charge. (Never upgraded here:
    /// under the lock, a last reference's drop would deadlock.)
    fn pop_oldest(&mut self) -> Option<Weak<Connection>> {
        let (_, oldest) = self.anonymous.pop_first()?;
        self.anonymous_bytes -= oldest.charge;
        Some(oldest.connection)
    }

    /// Takes `id` out of the anonymous connections, with its charge; whether it was there.
    fn remove(&mut self, id: u64) -> bool {
        let Some(stranger) = self.anonymous.remove(&id) else {
            return false;
        };
        self.anonymous_bytes -= stranger.charge;
        true
    }

    /// Takes out the oldest anonymous connections until the rest fit in `budget`.
    fn evict_over(&mut self, budget: usize, evicted: &mut Vec<Weak<Connection>>) {
        while self.anonymous_bytes > budget {
            match self.pop_oldest() {
                Some(oldest) => evicted.push(oldest),
                None => break,
            }
        }
    }
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
    /// `cap` connections in all; those not signed in within [`ANONYMOUS_BUDGET`].
    pub fn new(cap: usize) -> Arc<Self> {
        Self::with_budget(cap, ANONYMOUS_BUDGET)
    }

    fn with_budget(cap: usize, budget: usize) -> Arc<Self> {
        Arc::new(Self {
            cap,
            budget,
            state: Mutex::new(State::default()),
            released: tokio::sync::Notify::new(),
        })
    }

    /// A slot for a new connection, evicting the oldest anonymous ones if the cap is
    /// reached or the budget is spent; `None` if every slot is signed in.
    pub fn open(self: &Arc<Self>) -> Option<Arc<Connection>> {
        let mut state = self.lock();
        let mut evicted = Vec::new();
        if state.anonymous.len() + state.signed_in >= self.cap {
            evicted.push(state.pop_oldest()?);
        }
        let id = state.next_id;
        state.next_id += 1;
        let connection = Arc::new(Connection {
            id,
            signed_in: AtomicBool::new(false),
            evicted: AtomicBool::new(false),
            waker: AtomicWaker::new(),
            registry: Arc::clone(self),
        });
        state.anonymous.insert(
            id,
            Stranger {
                connection: Arc::downgrade(&connection),
                charge: WAITING_COST,
            },
        );
        state.anonymous_bytes += WAITING_COST;
        state.evict_over(self.budget, &mut evicted);
        // Outside the lock: if its task has just ended, this is the last reference, and
        // dropping it takes the lock again.
        drop(state);
        self.evict(evicted);
        Some(connection)
    }

    /// Tells each of `evicted`, no longer in `anonymous`, to end, and counts those still
    /// open among the closing. Called without the lock, which a last reference's drop takes.
    fn evict(&self, evicted: Vec<Weak<Connection>>) {
        for oldest in evicted {
            let Some(oldest) = oldest.upgrade() else {
                continue;
            };
            let mut state = self.lock();
            state.closing += 1;
            state.evicted_since += 1;
            drop(state);
            oldest.evicted.store(true, Ordering::Release);
            oldest.waker.wake();
        }
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
        if state.remove(self.id) {
            state.signed_in += 1;
            self.signed_in.store(true, Ordering::Release);
        }
    }

    /// Charges `bytes` just read to this connection, if it has not signed in, and evicts the
    /// oldest strangers (this one among them, if it is the oldest) past the budget.
    pub fn charge_read(&self, bytes: usize) {
        if bytes == 0 || self.is_signed_in() {
            return;
        }
        let registry = &self.registry;
        let mut state = registry.lock();
        let Some(stranger) = state.anonymous.get_mut(&self.id) else {
            return;
        };
        let first_bytes = if stranger.charge == WAITING_COST {
            READING_COST - WAITING_COST
        } else {
            0
        };
        let charge = first_bytes + COST_PER_BYTE * bytes;
        stranger.charge += charge;
        state.anonymous_bytes += charge;
        let mut evicted = Vec::new();
        state.evict_over(registry.budget, &mut evicted);
        drop(state);
        registry.evict(evicted);
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
            state.remove(self.id);
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

    fn anonymous_bytes(connections: &Connections) -> usize {
        connections.lock().anonymous_bytes
    }

    /// A reconnect storm: thousands of clients connected at once, none of which has sent its
    /// request yet. They cost next to nothing, and all of them stay.
    #[test]
    fn a_burst_of_silent_connections_fits_the_budget() {
        let connections = Connections::new(100_000);
        let burst: Vec<_> = (0..15_000).map(|_| connections.open().unwrap()).collect();
        assert!(burst.iter().all(|connection| !connection.is_evicted()));
        assert_eq!(anonymous_bytes(&connections), 15_000 * WAITING_COST);
        drop(burst);
        assert_eq!(anonymous_bytes(&connections), 0);
    }

    #[test]
    fn what_a_stranger_sends_is_charged_until_it_signs_in() {
        let charged = |bytes| READING_COST + COST_PER_BYTE * bytes;
        let connections = Connections::with_budget(100, 2 * charged(500) + WAITING_COST);
        let signed_in = connections.open().unwrap();
        signed_in.mark_signed_in();
        signed_in.charge_read(10_000);
        assert_eq!(anonymous_bytes(&connections), 0, "signed in: never charged");

        let first = connections.open().unwrap();
        first.charge_read(300);
        first.charge_read(200);
        assert_eq!(anonymous_bytes(&connections), charged(500));
        let second = connections.open().unwrap();
        second.charge_read(500);
        let third = connections.open().unwrap();
        assert!(!first.is_evicted(), "exactly at the budget");
        third.charge_read(1);
        assert!(first.is_evicted(), "the oldest stranger goes first");
        assert!(!second.is_evicted() && !third.is_evicted() && !signed_in.is_evicted());
        assert_eq!(anonymous_bytes(&connections), charged(500) + charged(1));

        second.mark_signed_in();
        assert_eq!(anonymous_bytes(&connections), charged(1));
        drop(third);
        assert_eq!(anonymous_bytes(&connections), 0);
    }

    #[test]
    fn held_heads_fill_the_budget_and_the_oldest_make_room() {
        let connections = Connections::new(100_000);
        let head = crate::limits::MAX_HEAD_BYTES;
        let held: Vec<_> = (0..2_000)
            .map(|_| {
                let connection = connections.open().unwrap();
                connection.charge_read(head);
                connection
            })
            .collect();
        let kept = held
            .iter()
            .filter(|connection| !connection.is_evicted())
            .count();
        assert_eq!(
            kept,
            ANONYMOUS_BUDGET / (READING_COST + COST_PER_BYTE * head)
        );
        assert!(anonymous_bytes(&connections) <= ANONYMOUS_BUDGET);
        assert!(!held.last().unwrap().is_evicted(), "the newest stays");
    }

    #[test]
    fn a_flood_counts_as_ended_once_its_connections_are_gone() {
        let connections = Connections::with_budget(100, WAITING_COST);
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
