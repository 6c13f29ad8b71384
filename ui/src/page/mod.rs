//! What the page is and what it hears: its embedded files, the live feeds, the events native
//! code sends it, and, in debug builds, its files served live from disk.

pub mod assets;
pub mod feeds;
#[cfg(debug_assertions)]
pub mod live_reload;
pub mod page_events;
pub(crate) mod subscription;
