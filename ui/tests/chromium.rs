//! The demo in headless Chromium, against the headless server binary, clicking the real
//! buttons. The same scenarios run in the Tauri window (see the root `tests/`).

use crate::util::headless::Headless;
use ui_scenarios::{Scenario, drivers};

#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; `make test` runs it"]
async fn demo_works_in_headless_chromium() -> anyhow::Result<()> {
    // Opening the URL exactly as printed proves the token login works in a real browser.
    let server = Headless::spawn(&["--port", "0"]).await;
    let session = drivers::chromium(&server.url).await?;
    assert_eq!(
        session.client.current_url().await?.as_str(),
        format!("{}/", server.origin()),
        "the token is swapped for a cookie and leaves the address bar"
    );

    Scenario::run_all(&session.client).await?;

    let screenshot = session.screenshot("chromium").await?;
    eprintln!("screenshot: {}", screenshot.display());
    session.close().await
}

/// Debug builds serve `ui/assets/` live: edits show in the open page, without a reload.
#[cfg(debug_assertions)]
#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; `make test` runs it"]
async fn edits_to_the_page_show_live_in_headless_chromium() -> anyhow::Result<()> {
    use ui_scenarios::live_edit::{self, AssetsCopy};
    let assets = AssetsCopy::new()?;
    let server = Headless::spawn_with_env(
        &["--port", "0"],
        &[(datastar_ui::ASSETS_DIR_VARIABLE, assets.path())],
    )
    .await;
    let session = drivers::chromium(&server.url).await?;
    live_edit::prepare(&session.client).await?;
    let latency = live_edit::edit_both(&session.client, &assets, 1).await?;
    eprintln!("live edit: {latency:?}");
    live_edit::broken_edit_keeps_the_page(&session.client, &assets).await?;
    session.close().await
}
