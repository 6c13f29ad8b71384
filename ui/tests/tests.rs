//! The server's integration tests, in one binary (one link step, one shared `util`).
//!
//! Each module is a user of the server: a browser in `chromium`, a Datastar page in
//! `routes` and `feed`, an operator in `headless_binary`, attackers in `hostile` (any single
//! request) and `local_attackers` (other local servers and users, many connections).

mod util;

mod chromium;
mod feed;
mod headless_binary;
mod hostile;
#[cfg(debug_assertions)]
mod live_reload;
mod local_attackers;
mod page_events;
mod routes;
