//! The Datastar demo server: the page, its three features and the Datastar client itself,
//! served by Axum over plain HTTP on loopback, with no network access at run time.
//!
//! Two thin callers use it the same way: the headless binary (`datastar-headless`) and the
//! Tauri desktop shell. Both bind a [`tokio::net::TcpListener`], build an [`AppState`] for the
//! address they got, open [`AppState::launch_url`] and hand both to [`serve`].
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use datastar_ui::{AppState, Config};
//!
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let app = AppState::new(listener.local_addr()?, Config::default());
//! println!("{}", datastar_ui::readiness::line(&app.launch_url()));
//! datastar_ui::serve(listener, app, async { let _ = tokio::signal::ctrl_c().await; }).await
//! # }
//! ```

//! The crate, by room, from the top down. A room imports only rooms below it, and code
//! imports a thing from the module that defines it, not through these re-exports:
//!
//! - `routes/`: one thin handler per route, [`router`], which puts them behind the guards,
//!   and [`serve`], which puts that on the transport;
//! - [`state`]: [`AppState`], what every route shares, built from a [`Config`];
//! - `security/`: the guards that let only our window in (Host, session, cross-site), which
//!   read only their own `Policy`; a request that proves itself sets the connection's
//!   [`sign_in_mark`];
//! - `page/`: what the page is and hears: its templates and embedded files, the live feeds,
//!   the events native code sends it ([`PageEvents`]), the update panel ([`UpdateStatus`]),
//!   the [`changes`] to its state that the server keeps and tells every tab, and, in debug
//!   builds, live reload;
//! - [`store`]: the page's state, in SQLite in the data directory;
//! - `transport/`: the listener's side, handed a service: the connection cap, the loopback
//!   address, and the [`readiness`] line;
//! - below them all: [`native_requests`] (what the page, and the guard on its behalf, ask of
//!   native code), [`limits`] (request sizes and timeouts), [`private_files`] (directories
//!   and files closed to other users), `random` (hex secrets and ids), [`sign_in_mark`], and [`error`](ApiError), every
//!   refusal with its status and message.

mod error;
pub mod limits;
pub mod logging;
pub mod native_requests;
mod page;
pub mod private_files;
mod random;
mod routes;
mod security;
pub mod sign_in_mark;
pub mod state;
pub mod store;
mod sync;
mod transport;

pub use error::ApiError;
pub use native_requests::{NativeRequest, NativeRequests};
#[cfg(debug_assertions)]
pub use page::live_reload;
pub use page::{
    assets::{DATASTAR_JS_PATH, DATASTAR_VERSION},
    changes,
    feeds::LiveFeeds,
    notifications::NotificationStatus,
    page_events::{PageEvent, PageEvents},
    updates::{Button as UpdateButton, UpdateStatus},
};
pub use routes::{TIME_FORMAT, router, serve};
pub use security::{
    Auth, CONTENT_SECURITY_POLICY, Protected, Token, TokenError, session_cookie_name, token_rules,
};
pub use state::{AppState, Config};
pub use store::{Opened, PageState, Preferences, Settings, Store, StoreError, UpdateChecks};
pub use transport::{
    connections::{self, raise_open_file_limit},
    loopback, readiness,
};

/// Points a debug build's live reload at a directory other than the source tree's
/// `ui/assets/` (tests use a copy). Release builds embed the files and ignore it.
pub const ASSETS_DIR_VARIABLE: &str = "DATASTAR_ASSETS_DIR";
