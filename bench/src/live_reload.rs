//! Edit-to-visible latency of live reload: from saving a file under the assets directory of
//! a debug headless server to the change showing in headless Chromium.

use crate::report::median;
use anyhow::{Context, Result, bail};
use std::{path::Path, process::Stdio, time::Duration};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::Command,
};
use ui_scenarios::{
    drivers,
    live_edit::{self, AssetsCopy},
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
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--locked",
            "--quiet",
            "-p",
            "datastar-ui",
            "--bin",
            "datastar-headless",
        ])
        .current_dir(repo)
        .status()
        .await?;
    if !status.success() {
        bail!("building the debug headless server failed");
    }
    let assets = AssetsCopy::new()?;
    let mut server = Command::new(repo.join("target/debug/datastar-headless"))
        .args(["--port", "0"])
        .env(datastar_ui::ASSETS_DIR_VARIABLE, assets.path())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting the debug headless server")?;
    let stdout = server.stdout.take().context("stdout")?;
    let first = BufReader::new(stdout)
        .lines()
        .next_line()
        .await?
        .context("no first line")?;
    let url = datastar_ui::readiness::url_from_line(&first)
        .with_context(|| format!("unexpected first line {first:?}"))?;

    let session = drivers::chromium(url).await?;
    live_edit::prepare(&session.client).await?;
    let mut stylesheet = Vec::with_capacity(rounds);
    let mut markup = Vec::with_capacity(rounds);
    for round in 1..=rounds {
        let latency = live_edit::edit_both(&session.client, &assets, round as u32).await?;
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
