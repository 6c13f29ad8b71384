//! The UI scenarios, written once against WebDriver and run in two browsers: headless
//! Chromium against the headless server, and the real Tauri window through tauri-driver.
//!
//! A test starts a [`Session`] with one of the [`drivers`], then runs every [`Scenario`] on
//! it. The scenario names read like the user stories they check.

mod accessibility;
pub mod drivers;
pub mod live_edit;
mod scenarios;
mod wait;

pub use drivers::Session;
pub use scenarios::{Scenario, toggle_from_outside_hides_and_shows_feed};
pub use wait::wait_until;

use std::path::PathBuf;

/// The soft open-file limit of process `pid`, as the kernel reports it in `/proc/PID/limits`:
/// both servers raise theirs, and tests check that they did.
pub fn soft_open_file_limit(pid: u32) -> anyhow::Result<u64> {
    use anyhow::Context;
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits"))?;
    limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|soft| soft.parse().ok())
        .context("no soft open-file limit in /proc/PID/limits")
}

/// Where UI tests save their screenshots: `target/ui-screenshots/`, next to other build output.
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("ui-screenshots")
}
