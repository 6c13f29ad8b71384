//! Edit-to-visible latency of live reload: from saving a file under the assets directory of
//! a debug headless server to the change showing in headless Chromium.

use crate::stats::median;
use anyhow::{Context, Result};
use std::{path::Path, time::Duration};
use tokio::process::Command;
use ui_scenarios::{
    drivers,
    live_reload::{self, AssetsCopy},
};

/// Medians over `rounds` edits of each kind.
#[derive(Debug, Clone, Copy)]
pub struct LiveReload {
    pub rounds: usize,
    pub stylesheet: Duration,
    pub markup: Duration,
}

pub async fn measure(repo: &Path, rounds: usize) -> Result<LiveReload> {
    // Live reload exists in debug builds only.
    crate::build_headless(repo, false).await?;
    let assets = AssetsCopy::new()?;
    let mut command = Command::new(ui_scenarios::target_dir()?.join("debug/datastar-headless"));
    command
        .args(["--port", "0", "--in-memory"])
        .env(datastar_ui::ASSETS_DIR_VARIABLE, assets.path());
    let (_server, url) = crate::servers::spawn_until_ready(command).await?;

    let session = drivers::chromium(&url).await?;
    live_reload::prepare(&session.client).await?;
    let mut stylesheet = Vec::with_capacity(rounds);
    let mut markup = Vec::with_capacity(rounds);
    for round in 1..=rounds {
        let latency = live_reload::edit_both(&session.client, &assets, round as u32).await?;
        stylesheet.push(latency.stylesheet);
        markup.push(latency.markup);
    }
    session.close().await?;
    Ok(LiveReload {
        rounds,
        stylesheet: median(stylesheet).context("no stylesheet edits")?,
        markup: median(markup).context("no markup edits")?,
    })
}
