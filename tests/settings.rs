//! Settings (`src-tauri/settings.rs`) in the real window: set in the page, kept by the server
//! across a restart, and applied: *Start when I log in* writes the autostart entry into the
//! private home, and removes it again.

use crate::support::{TITLE, desktop_app, require_display};
use anyhow::Result;
use fantoccini::{Client, Locator};
use std::{path::Path, time::Duration};
use ui_scenarios::{PrivateHome, drivers, wait_until};

const REACTION: Duration = Duration::from_secs(10);

async fn is_checked(client: &Client, id: &str) -> Result<bool> {
    let checked = client.find(Locator::Id(id)).await?.prop("checked").await?;
    Ok(checked.as_deref() == Some("true"))
}

async fn wait_for_entry(entry: &Path, present: bool) -> Result<()> {
    let what = if present {
        "the autostart entry to be written"
    } else {
        "the autostart entry to be removed"
    };
    wait_until(REACTION, what, async || {
        Ok((entry.exists() == present).then_some(()))
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver; `make test` runs it"]
async fn settings_are_kept_across_a_restart_and_start_at_login_is_applied() -> Result<()> {
    require_display();
    let home = PrivateHome::new()?;
    // The autostart plugin writes `~/.config/autostart/<product name>.desktop`.
    let entry = home.config_dir().join(format!("autostart/{TITLE}.desktop"));
    let session = drivers::tauri_app_in(desktop_app(), home.clone()).await?;
    let client = &session.client;
    assert!(!is_checked(client, "setting-login").await?, "off at first");
    assert!(
        client.find(Locator::Id("setting-tray")).await.is_err(),
        "no tray here (no session bus), so no tray setting"
    );
    client
        .find(Locator::Id("settings-open"))
        .await?
        .click()
        .await?;
    client
        .find(Locator::Id("setting-login"))
        .await?
        .click()
        .await?;
    wait_for_entry(&entry, true).await?;
    client
        .find(Locator::Id("setting-updates"))
        .await?
        .click()
        .await?;
    session.close().await?;

    let session = drivers::tauri_app_in(desktop_app(), home.clone()).await?;
    let client = &session.client;
    wait_until(REACTION, "both settings to come back on", async || {
        let on = is_checked(client, "setting-login").await?
            && is_checked(client, "setting-updates").await?;
        Ok(on.then_some(()))
    })
    .await?;
    assert!(entry.exists(), "the entry stays while the setting is on");
    client
        .find(Locator::Id("settings-open"))
        .await?
        .click()
        .await?;
    client
        .find(Locator::Id("setting-login"))
        .await?
        .click()
        .await?;
    wait_for_entry(&entry, false).await?;
    session.close().await
}
