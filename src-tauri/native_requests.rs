//! The page's requests of the native side, each to the part of the shell that answers it.
//!
//! The server hands over every [`NativeRequest`] in one queue: the update panel's buttons,
//! Help → Check for Updates…, Notify Me, and the guard's word that the page came back signed
//! out. The
//! updates keep their own order in a queue of their own, so that a sign-in never waits for
//! a check.

use crate::{notifications, session_watch, settings, updates};
use datastar_ui::{AppState, NativeRequest};
use tauri::{AppHandle, Runtime};
use tokio::sync::mpsc::{self, Receiver};

/// As many as the server's own queue holds.
const UPDATES_QUEUE: usize = 8;

/// Reads the server's queue for as long as the server runs.
pub fn serve<R: Runtime>(
    app: &AppHandle<R>,
    server: AppState,
    mut requests: Receiver<NativeRequest>,
) {
    let (to_updates, updates_requests) = mpsc::channel(UPDATES_QUEUE);
    updates::start(app, server.clone(), updates_requests);
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        while let Some(request) = requests.recv().await {
            match request {
                NativeRequest::SignInAgain => session_watch::page_signed_out(&app),
                NativeRequest::Notify { body } => notifications::notify(&app, &server, &body),
                NativeRequest::ApplySettings => settings::apply(&app, &server),
                request => {
                    if let Err(unsent) = to_updates.send(request).await {
                        tracing::warn!(request = ?unsent.0, "the updater has stopped");
                    }
                }
            }
        }
    });
}
