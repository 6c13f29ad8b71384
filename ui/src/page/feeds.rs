//! Counting and capping live `/feed` streams.

use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The set of live feed streams, capped at a fixed size.
///
/// Each stream holds a `FeedPermit` for as long as its response body lives, so the
/// count falls exactly when hyper drops a stream: when the client goes away or the
/// server shuts down. Nothing needs to remember to decrement it.
#[derive(Debug, Clone)]
pub struct LiveFeeds {
    slots: Arc<Semaphore>,
    capacity: usize,
}

/// Proof that one live stream is counted; dropping it frees the slot.
#[derive(Debug)]
pub struct FeedPermit {
    _permit: OwnedSemaphorePermit,
}

impl LiveFeeds {
    pub fn new(capacity: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(capacity)),
            capacity,
        }
    }

    /// Claims a slot, or `None` when the server already carries `capacity` streams.
    pub fn try_open(&self) -> Option<FeedPermit> {
        let permit = Arc::clone(&self.slots).try_acquire_owned().ok()?;
        Some(FeedPermit { _permit: permit })
    }

    /// Streams live right now.
    pub fn count(&self) -> usize {
        self.capacity - self.slots.available_permits()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permits_count_streams_and_free_their_slot_on_drop() {
        let feeds = LiveFeeds::new(2);
        let first = feeds.try_open().expect("first slot");
        let second = feeds.try_open().expect("second slot");
        assert_eq!(feeds.count(), 2);
        assert!(feeds.try_open().is_none(), "a third stream exceeds the cap");

        drop(first);
        assert_eq!(feeds.count(), 1);
        assert!(feeds.try_open().is_some());
        drop(second);
    }
}
