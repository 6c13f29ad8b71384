//! The page's way to the native side: the mirror image of `PageEvents`.
//!
//! [`PageEvents`](crate::PageEvents) carries native → server → page. This carries
//! page → server → native: a Datastar action from the page, behind the same guards as every
//! other route, becomes a [`NativeRequest`] that the desktop shell reads from the receiving
//! end of [`NativeRequests::channel`]. So does the guard, on the page's behalf, when the page
//! comes back without its session. The page still never gets Tauri IPC, and the shell
//! learns only the few named things listed here, never anything the page makes up.
//!
//! The headless server has no native side (`Config::native` is `None`), and so none of the
//! routes that would send one.

use crate::error::ApiError;
use tokio::sync::mpsc;

/// Something the page asks of the native side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NativeRequest {
    /// Look for a newer version. `asked_by_user` is false for the automatic check, which
    /// stays silent when the update server cannot be reached.
    CheckForUpdates { asked_by_user: bool },
    /// Download, verify and install the update on offer, then restart.
    InstallUpdate,
    /// Stop the download under way; nothing is installed.
    CancelDownload,
    /// Put the update panel away, and stop any download under way.
    Dismiss,
    /// Show a desktop notification whose body is what the page's box held (Notify Me).
    Notify { body: String },
    /// The settings changed in the store: make the system match them (the autostart entry).
    ApplySettings,
    /// The page asked for something under the secret path without a valid session: its
    /// cookie is gone (WebKit's network process died with it), and the window must sign in
    /// afresh. Sent by the guard, not by a route.
    SignInAgain,
}

/// How many requests may wait for the shell: it reads them as they come, even while it
/// downloads, and a page that sends more than this before it has read them is told so.
const QUEUE: usize = 8;

/// The sending end, cheap to clone: the server's routes hold one, and so may native code
/// (a menu item) that wants its request served in the same order.
#[derive(Debug, Clone)]
pub struct NativeRequests {
    sender: mpsc::Sender<NativeRequest>,
}

impl NativeRequests {
    /// The sending end, and the receiving end that the native side reads.
    pub fn channel() -> (Self, mpsc::Receiver<NativeRequest>) {
        let (sender, receiver) = mpsc::channel(QUEUE);
        (Self { sender }, receiver)
    }

    /// Queues `request` for the native side, without waiting.
    pub fn send(&self, request: NativeRequest) -> Result<(), ApiError> {
        self.sender.try_send(request).map_err(|err| match err {
            mpsc::error::TrySendError::Full(_) => ApiError::NativeBusy,
            mpsc::error::TrySendError::Closed(_) => ApiError::NativeGone,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_arrive_in_order_and_a_full_or_closed_queue_is_an_answer() {
        let (requests, mut receiver) = NativeRequests::channel();
        requests.send(NativeRequest::InstallUpdate).unwrap();
        for _ in 1..QUEUE {
            requests
                .send(NativeRequest::CheckForUpdates {
                    asked_by_user: true,
                })
                .unwrap();
        }
        let full = requests.send(NativeRequest::InstallUpdate).unwrap_err();
        assert_eq!(full.status(), axum::http::StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(receiver.try_recv().unwrap(), NativeRequest::InstallUpdate);
        drop(receiver);
        let gone = requests.send(NativeRequest::InstallUpdate).unwrap_err();
        assert_eq!(gone.status(), axum::http::StatusCode::SERVICE_UNAVAILABLE);
    }
}
