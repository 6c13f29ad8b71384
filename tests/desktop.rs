//! The desktop app's tests, in one binary: the real window through tauri-driver, and the
//! app's life as a process (start, close, fail). All need an X display; `make test` runs
//! them under Xvfb.

mod support;

mod engine;
mod lifecycle;
mod navigation;
mod recovery;
mod shell;
mod state;
mod window;
