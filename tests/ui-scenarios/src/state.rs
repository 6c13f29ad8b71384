//! The page's state, left by a user and found again: the same steps in Chromium and in
//! the Tauri window.

use crate::{
    scenarios::{show_target, text_of},
    wait_until,
};
use anyhow::{Context, Result, ensure};
use fantoccini::{Client, Locator};
use std::{path::Path, time::Duration};

/// How long the page and the server get to show a change.
const REACTION: Duration = Duration::from_secs(5);

/// What the user left on the page.
#[derive(Debug, Clone)]
pub struct Left {
    /// In the box, the last part typed but never sent.
    pub input: String,
    pub output: String,
    /// The time `#target` showed.
    pub target: String,
}

/// Sends a roundtrip, asks for the target, hides the feed, then types more without sending.
pub async fn leave_state(client: &Client) -> Result<Left> {
    let input = client.find(Locator::Css("#input")).await?;
    input.clear().await?;
    input.send_keys("héllo").await?;
    client.find(Locator::Css("#send")).await?.click().await?;
    let output = "Your input: héllo, is 5 long.".to_owned();
    wait_until(REACTION, "the roundtrip's answer", async || {
        Ok((text_of(client, "#output").await? == output).then_some(()))
    })
    .await?;
    let target = show_target(client).await?;
    client.find(Locator::Css("#toggle")).await?.click().await?;
    input.send_keys(" and more").await?;
    Ok(Left {
        input: "héllo and more".to_owned(),
        output,
        target,
    })
}

/// Waits until the store in `data_dir` holds what [`leave_state`] left: the server has
/// acknowledged it, so it is on disk.
pub async fn wait_until_stored(data_dir: &Path, left: &Left) -> Result<()> {
    wait_until(REACTION, "the page's state to be stored", async || {
        let stored = datastar_ui::Store::peek(data_dir).ok().flatten();
        Ok(stored
            .filter(|state| {
                state.input == left.input
                    && state.output == left.output
                    && !state.show
                    && state.target == left.target
            })
            .map(|_| ()))
    })
    .await
}

/// Checks that the page shows what was left: the box, the answer, the target, the hidden feed.
pub async fn state_is_back(client: &Client, left: &Left) -> Result<()> {
    wait_until(REACTION, "the typed text to be back", async || {
        Ok((input_value(client).await? == left.input).then_some(()))
    })
    .await?;
    ensure!(
        text_of(client, "#output").await? == left.output,
        "the answer is back"
    );
    ensure!(
        text_of(client, "#target b").await? == left.target,
        "#target is back"
    );
    let shown = client
        .find(Locator::Css("#feed-panel"))
        .await?
        .is_displayed()
        .await?;
    ensure!(!shown, "the feed stays hidden");
    Ok(())
}

/// The page starts empty: nothing typed, no answer, no target.
pub async fn page_is_empty(client: &Client) -> Result<()> {
    let value = input_value(client).await?;
    ensure!(value.is_empty(), "the box holds {value:?}");
    ensure!(text_of(client, "#output").await?.is_empty(), "no answer");
    ensure!(
        client.find(Locator::Css("#target b")).await.is_err(),
        "#target shows nothing"
    );
    Ok(())
}

/// What the page says about its saved state, if anything.
pub async fn notice(client: &Client) -> Result<String> {
    text_of(client, "#store-notice")
        .await
        .context("the page's #store-notice")
}

/// The roundtrip's answer the page shows.
pub async fn answer(client: &Client) -> Result<String> {
    text_of(client, "#output").await
}

/// What the box holds now (its value, which typing changes, not its attribute).
pub async fn input_value(client: &Client) -> Result<String> {
    Ok(client
        .find(Locator::Css("#input"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}
