//! The `datastar-ui` server, running on Tauri's async runtime inside the app.

use datastar_ui::{AppState, Auth, Config, NativeRequests, Store, Token, loopback};
use std::time::Duration;
use tauri::async_runtime::{self, JoinHandle};
use tokio_util::sync::CancellationToken;

/// Overrides the port, which is otherwise any free one. For debugging, and for tests that
/// need the port taken.
pub const PORT_VARIABLE: &str = "DATASTAR_DESKTOP_PORT";

/// How long closing the window waits for open feeds and requests to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(1500);

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{PORT_VARIABLE}={0:?} is not a port number")]
    BadPort(String),
    #[error("cannot listen on a loopback address, port {port}: {source}")]
    Bind { port: u16, source: std::io::Error },
}

/// How the server ended when nobody asked it to.
#[derive(Debug, thiserror::Error)]
pub enum ServerDied {
    #[error("it failed: {0}")]
    Failed(std::io::Error),
    #[error("it panicked: {0}")]
    Panicked(String),
    #[error("it returned without being asked to stop")]
    Returned,
}

pub struct EmbeddedServer {
    app: AppState,
    shutdown: CancellationToken,
    /// Taken by [`EmbeddedServer::stop`].
    task: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl EmbeddedServer {
    /// Binds synchronously, so a failure is known before any window exists, then serves in
    /// the background. A fresh token each launch means only the window we open gets in; a
    /// loopback address of this launch's own keeps its cookie from other local servers.
    ///
    /// `on_death` runs (on the async runtime) if the server ends before [`Self::stop`]
    /// asks it to: a window on a dead server must not just sit there.
    pub fn start(
        store: Store,
        native: NativeRequests,
        on_death: impl FnOnce(ServerDied) + Send + 'static,
    ) -> Result<Self, StartError> {
        let port = match std::env::var(PORT_VARIABLE) {
            Ok(value) => value.parse().map_err(|_| StartError::BadPort(value))?,
            Err(_) => 0,
        };
        // The connection cap follows the open-file limit: raise it first.
        datastar_ui::raise_open_file_limit();
        let (addr, listener) = loopback::bind(port)
            .and_then(|listener| Ok((listener.local_addr()?, listener)))
            .map_err(|source| StartError::Bind { port, source })?;

        let app = AppState::new(
            addr,
            Config {
                auth: Auth::Token(Token::generate()),
                store,
                native: Some(native),
                ..Config::default()
            },
        );
        let shutdown = CancellationToken::new();
        let serving = async_runtime::spawn(serve(listener, app.clone(), shutdown.clone()));
        let task = async_runtime::spawn({
            let shutdown = shutdown.clone();
            async move {
                let died = match serving.await {
                    Ok(Ok(())) if shutdown.is_cancelled() => return,
                    Ok(Ok(())) => ServerDied::Returned,
                    Ok(Err(err)) => ServerDied::Failed(err),
                    Err(err) => ServerDied::Panicked(err.to_string()),
                };
                tracing::error!("the embedded server stopped: {died}");
                on_death(died);
            }
        });
        tracing::info!("serving on {}", app.origin());
        Ok(Self {
            app,
            shutdown,
            task: std::sync::Mutex::new(Some(task)),
        })
    }

    /// The server's state, for native code that shows the page something ([`crate::updates`]).
    pub fn state(&self) -> &AppState {
        &self.app
    }

    /// How native controls ask for what the page's buttons ask for, in the same queue.
    pub fn native_requests(&self) -> Option<&NativeRequests> {
        self.app.native()
    }

    /// Where the server listens; it opens nothing without the window's cookie.
    pub fn origin(&self) -> String {
        self.app.origin()
    }

    /// The URL the window opens first; it carries this launch's token.
    pub fn launch_url(&self) -> String {
        self.app.launch_url()
    }

    /// A URL that signs the window in once more, after its renderer died with its cookie.
    pub fn issue_launch_url(&self) -> String {
        self.app.issue_launch_url()
    }

    /// Ends open feeds and waits, up to [`SHUTDOWN_GRACE`], for the server to finish.
    /// Returns whether it finished in time.
    pub fn stop(&self) -> bool {
        self.shutdown.cancel();
        let Some(task) = self
            .task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
        else {
            return true;
        };
        // The timer must be created inside the runtime, hence the async block.
        let finished =
            async_runtime::block_on(async { tokio::time::timeout(SHUTDOWN_GRACE, task).await })
                .is_ok();
        if finished {
            tracing::info!("server stopped");
        } else {
            tracing::warn!("server did not stop within {SHUTDOWN_GRACE:?}; exiting anyway");
        }
        finished
    }
}

async fn serve(
    listener: std::net::TcpListener,
    app: AppState,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let serving = datastar_ui::serve(listener, app, shutdown.cancelled_owned());
    #[cfg(debug_assertions)]
    if let Some(after) = simulated_failure() {
        return tokio::select! {
            served = serving => served,
            () = tokio::time::sleep(after) => panic!("{FAILURE_VARIABLE} simulated a server failure"),
        };
    }
    serving.await
}

/// Debug builds only: makes the server panic this many milliseconds after it starts, so
/// that a test can check what the user sees when the server dies under the window.
#[cfg(debug_assertions)]
pub const FAILURE_VARIABLE: &str = "DATASTAR_DESKTOP_SIMULATE_SERVER_FAILURE_MS";

#[cfg(debug_assertions)]
fn simulated_failure() -> Option<Duration> {
    let ms = std::env::var(FAILURE_VARIABLE).ok()?.parse().ok()?;
    Some(Duration::from_millis(ms))
}
