//! The page's settings, as a user reaches them: Settings…, then a checkbox; and what the
//! server keeps of them, read from the store in the app's data directory.

use anyhow::Result;
use datastar_ui::{Settings, Store};
use fantoccini::{Client, Locator};
use std::{path::Path, time::Duration};
use ui_scenarios::wait_until;

/// Generous: a change is kept as soon as the server has the page's post.
const KEPT_WITHIN: Duration = Duration::from_secs(10);

/// Opens the settings and clicks the checkbox `id`.
pub async fn click_setting(client: &Client, id: &str) -> Result<()> {
    client
        .find(Locator::Id("settings-open"))
        .await?
        .click()
        .await?;
    client.find(Locator::Id(id)).await?.click().await?;
    Ok(())
}

/// Whether the checkbox `id` is checked in the page.
pub async fn is_checked(client: &Client, id: &str) -> Result<bool> {
    let checked = client.find(Locator::Id(id)).await?.prop("checked").await?;
    Ok(checked.as_deref() == Some("true"))
}

/// Waits until the store in `data` holds settings for which `kept` is true.
pub async fn wait_until_kept(
    data: &Path,
    what: &str,
    kept: impl Fn(Settings) -> bool,
) -> Result<()> {
    wait_until(KEPT_WITHIN, what, async || {
        let stored = Store::peek_preferences(data)
            .ok()
            .map(|preferences| preferences.settings());
        Ok(stored.filter(|settings| kept(*settings)).map(|_| ()))
    })
    .await
}
