//! The server's integration tests, in one binary (one link step, one shared `util`).
//!
//! Each module is a user of the server: a browser in `browsers`, a Datastar page in
//! `routes` and `feed`, an operator in `headless_binary`, attackers in `hostile` (any single
//! request) and `local_attackers` (other local servers and users, many connections).

//!
//! The suites that drive the headless binary with Unix signals, open-file limits and
//! `/proc` (`browsers`, `headless_binary`, `local_attackers`) build on Linux only; the
//! others are portable, and run on Windows and macOS in `.github/workflows/ci.yml`.
//! `portable` drives the binary over HTTP alone, and `make check-platforms` runs it against
//! the Windows build under Wine.

mod util;

#[cfg(target_os = "linux")]
mod browsers;
mod feed;
#[cfg(target_os = "linux")]
mod headless_binary;
mod hostile;
#[cfg(debug_assertions)]
mod live_reload;
#[cfg(target_os = "linux")]
mod local_attackers;
mod page_events;
mod portable;
mod routes;
mod state;
mod updates;
