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
pub mod saved_text;
mod scenarios;
pub mod state;
mod wait;

pub use drivers::Session;
pub use home::PrivateHome;
#[cfg(target_os = "linux")]
pub use process::soft_open_file_limit;
pub use scenarios::{Scenario, toggle_from_outside_hides_and_shows_feed};
pub use wait::wait_until;

use anyhow::{Context, Result};
use std::{path::PathBuf, sync::OnceLock};

/// Where UI tests save their screenshots: `ui-screenshots/` in the target directory, next to
/// other build output.
pub fn screenshot_dir() -> Result<PathBuf> {
    Ok(target_dir()?.join("ui-screenshots"))
}

/// The workspace's target directory, as cargo reports it: `target/` unless a
/// `CARGO_TARGET_DIR` or a cargo config shares one between projects.
pub fn target_dir() -> Result<PathBuf> {
    static TARGET_DIR: OnceLock<PathBuf> = OnceLock::new();
    if let Some(dir) = TARGET_DIR.get() {
        return Ok(dir.clone());
    }
    let output = std::process::Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()))
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .context("running cargo metadata")?;
    anyhow::ensure!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let dir = metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("no target_directory in cargo's metadata")?;
    Ok(TARGET_DIR.get_or_init(|| dir).clone())
}
