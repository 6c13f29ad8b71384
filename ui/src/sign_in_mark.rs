//! How the guard tells the transport that a connection has signed in, with neither room
//! importing the other.
//!
//! The transport caps open connections and evicts the oldest that has not signed in
//! (`transport::connections`). It puts a [`SignInMark`] in each request of a connection not
//! yet signed in; the guard (`security`) sets it once a request proves itself, and from then
//! on that connection is never evicted.

use std::sync::Arc;

/// Set once, by the guard, on a request that proved itself.
#[derive(Clone)]
pub struct SignInMark(Arc<dyn Fn() + Send + Sync>);

impl SignInMark {
    /// A mark that runs `mark` when set.
    pub fn new(mark: impl Fn() + Send + Sync + 'static) -> Self {
        Self(Arc::new(mark))
    }

    pub fn set(&self) {
        (self.0)();
    }
}

impl std::fmt::Debug for SignInMark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignInMark")
    }
}
