//! Helpers for driving the real desktop app under an X server (Xvfb in CI).

pub mod x11;

use std::{path::Path, time::Duration};

/// The desktop binary cargo built for these tests.
pub fn desktop_app() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_datastar-desktop"))
}

/// Fails fast, with the fix, when there is no X server to open windows on.
pub fn require_display() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no X display: run under `xvfb-run -a` (`make test` does)"
    );
}

/// Time a cold debug build of the app gets to show its window.
pub const WINDOW_TIMEOUT: Duration = Duration::from_secs(30);
