//! The UI scenarios, written once against WebDriver and run in two browsers: headless
//! Chromium against the headless server, and the real Tauri window through tauri-driver.
//!
//! A test starts a [`Session`] with one of the [`drivers`], then runs every [`Scenario`] on
//! it. The scenario names read like the user stories they check.

mod accessibility;
pub mod drivers;
pub mod flood;
mod home;
pub mod live_reload;
#[cfg(target_os = "linux")]
pub mod process;
mod scenarios;
pub mod state;
mod wait;

pub use drivers::Session;
pub use home::PrivateHome;
#[cfg(target_os = "linux")]
pub use process::soft_open_file_limit;
pub use scenarios::{Scenario, toggle_from_outside_hides_and_shows_feed};
pub use wait::wait_until;

use std::path::PathBuf;

/// Where UI tests save their screenshots: `target/ui-screenshots/`, next to other build output.
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("ui-screenshots")
}
