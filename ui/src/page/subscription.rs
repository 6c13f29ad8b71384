//! One page's view of a channel that every open page listens to.

use futures_util::{Stream, stream};
use tokio::sync::broadcast::{self, error::RecvError};

/// Each message from now on, as a stream that ends when the channel closes. A page that falls
/// behind skips what it missed, rather than losing its stream: what comes next supersedes it.
pub(crate) fn messages<T: Clone + Send + 'static>(
    receiver: broadcast::Receiver<T>,
) -> impl Stream<Item = T> + Send + 'static {
    stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(message) => return Some((message, receiver)),
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    })
}
