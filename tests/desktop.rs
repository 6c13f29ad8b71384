//! The desktop app's tests, in one binary: the real window through tauri-driver, the app's
//! life as a process (start, close, fail), and the installed app updating itself. All need
//! an X display; `make test` runs them under Xvfb, the updates last and on their own
//! (`make check-updates`).
//!
//! Linux only: they drive the window through tauri-driver and X, which Windows and macOS
//! would do differently (docs/platforms.md). Elsewhere this binary compiles to nothing.
#![cfg(target_os = "linux")]

mod support;

mod deep_link;
mod engine;
mod lifecycle;
mod log_file;
mod menu;
mod navigation;
mod notifications;
mod recovery;
mod self_update;
mod session_watch;
mod settings;
mod single_instance;
mod state;
mod tray;
mod window;
mod window_memory;
