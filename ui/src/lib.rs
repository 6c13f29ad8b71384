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
//! println!("Listening on {}", app.launch_url());
//! datastar_ui::serve(listener, app, async { let _ = tokio::signal::ctrl_c().await; }).await
//! # }
//! ```

mod app;
mod assets;
mod error;
mod feeds;
mod routes;
mod security;
mod server;

pub use app::{App, Config};
pub use error::ApiError;
pub use feeds::LiveFeeds;
pub use routes::router;
pub use security::{Auth, Token, TokenError};
pub use server::serve;

/// Limits that protect the server from oversized or abusive requests.
pub mod limits {
    use std::time::Duration;

    /// Longest `?query` we read. Hyper itself refuses URIs over 64 KiB with a bare 414;
    /// below that we answer 414 with a message.
    pub const MAX_QUERY_BYTES: usize = 48 * 1024;
    /// Longest roundtrip input, in Unicode scalar values.
    pub const MAX_INPUT_CHARS: usize = 10_000;
    /// Live `/feed` streams one server carries before it answers 503.
    pub const DEFAULT_MAX_FEEDS: usize = 10_000;
    /// Time a client gets to send a complete request head (slowloris defence).
    pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
}
