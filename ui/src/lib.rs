//! The Datastar demo server: the page, its three features and the Datastar client itself,
//! served by Axum over plain HTTP on loopback, with no network access at run time.
//!
//! Two thin callers use it the same way: the headless binary (`datastar-headless`) and the
//! Tauri desktop shell. Both bind a [`tokio::net::TcpListener`], build an [`App`] for the
//! address they got, open [`App::launch_url`] and hand both to [`serve`].
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use datastar_ui::{App, Config};
//!
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let app = App::new(listener.local_addr()?, Config::default());
//! println!("{}", datastar_ui::readiness::line(&app.launch_url()));
//! datastar_ui::serve(listener, app, async { let _ = tokio::signal::ctrl_c().await; }).await
//! # }
//! ```

mod app;
mod assets;
mod broadcast;
pub mod connections;
mod error;
mod feeds;
#[cfg(debug_assertions)]
pub mod live_assets;
pub mod logging;
pub mod loopback;
mod page_events;
pub mod readiness;
mod routes;
mod security;
mod server;

pub use app::{App, Config};
pub use assets::DATASTAR_VERSION;
pub use connections::raise_open_file_limit;
pub use error::ApiError;
pub use feeds::LiveFeeds;
pub use page_events::{Command, PageEvent, PageEvents};
pub use routes::{TIME_FORMAT, router};
pub use security::{Auth, CONTENT_SECURITY_POLICY, Token, TokenError};
pub use server::serve;

/// Points a debug build's live reload at a directory other than the source tree's
/// `ui/assets/` (tests use a copy). Release builds embed the files and ignore it.
pub const ASSETS_DIR_VARIABLE: &str = "DATASTAR_ASSETS_DIR";

/// Limits that protect the server from oversized or abusive requests.
pub mod limits {
    use std::time::Duration;

    /// Longest `?query` we read; longer gets 414 with a message.
    pub const MAX_QUERY_BYTES: usize = 48 * 1024;
    /// Longest request head (request line, headers and the blank line) we read; longer gets
    /// 431 with a message. Hyper's read buffer is capped at the same size, which bounds what
    /// a head can cost before it is parsed.
    pub const MAX_HEAD_BYTES: usize = 64 * 1024;
    /// Longest roundtrip input, in Unicode scalar values.
    pub const MAX_INPUT_CHARS: usize = 10_000;
    /// Live `/feed` streams one server carries before it answers 503.
    pub const DEFAULT_MAX_FEEDS: usize = 10_000;
    /// Time a client gets to send a complete request head (slowloris defence).
    pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
    /// Silence on a feed before it sends a keep-alive comment.
    pub const KEEP_ALIVE: Duration = Duration::from_secs(15);
}
