//! Settings (`src-tauri/settings.rs`) in the real window: set in the page, kept by the server
//! across a restart, and applied: *Start when I log in* writes the autostart entry into the
//! private home, and removes it again.

use crate::support::{
    TITLE, desktop_app, identifier, require_display,
    settings::{click_setting, is_checked, wait_until_kept},
};
use anyhow::Result;
use fantoccini::Locator;
use std::{path::Path, time::Duration};
use ui_scenarios::{PrivateHome, drivers, wait_until};

const REACTION: Duration = Duration::from_secs(10);

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
    let data = home.data_dir().join(identifier());
    // The autostart plugin writes `~/.config/autostart/<product name>.desktop`.
    let entry = home.config_dir().join(format!("autostart/{TITLE}.desktop"));
    let session = drivers::tauri_app_in(desktop_app(), home.clone()).await?;
    let client = &session.client;
    assert!(!is_checked(client, "setting-login").await?, "off at first");
    assert!(
        client.find(Locator::Id("setting-tray")).await.is_err(),
        "no tray here (no session bus), so no tray setting"
    );
    click_setting(client, "setting-login").await?;
    wait_for_entry(&entry, true).await?;
    click_setting(client, "setting-updates").await?;
    wait_until_kept(&data, "both settings to be kept", |kept| {
        kept.start_at_login && kept.automatic_updates
    })
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
    click_setting(client, "setting-login").await?;
    wait_for_entry(&entry, false).await?;
    session.close().await
}
