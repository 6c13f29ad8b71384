//! What the page is and what it hears: its embedded files, the live feeds, the events native
//! code sends it, the update panel and the notifications' line, and, in debug builds, its
//! files served live from disk.

pub mod assets;
pub mod changes;
pub mod feeds;
#[cfg(debug_assertions)]
pub mod live_reload;
pub mod notifications;
pub mod page_events;
pub mod render;
pub(crate) mod subscription;
pub mod templates;
pub mod updates;
