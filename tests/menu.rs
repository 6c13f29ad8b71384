//! The native menu (`src-tauri/menu.rs`), on the real window: its accelerators, and its
//! Toggle Feed and Settings…, which travel through the server.

use crate::support::{
    TITLE, WINDOW_TIMEOUT, require_display,
    x11::{Display, keys},
};
use anyhow::{Context, Result};
use fantoccini::Client;
use std::time::Duration;
use ui_scenarios::{Scenario, drivers, toggle_from_outside_hides_and_shows_feed, wait_until};

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver; `make test` runs it"]
async fn menu_accelerators_work_and_toggle_feed_goes_through_the_server() -> Result<()> {
    require_display();
    let display = Display::open()?;
    let session = drivers::tauri_app(crate::support::desktop_app()).await?;
    let client = &session.client;
    let window = display.wait_for_title(TITLE, WINDOW_TIMEOUT).await?;
    Scenario::FeedTicks.run(client).await?;

    // Ctrl+Shift+F: the menu asks the server, the server tells the page.
    toggle_from_outside_hides_and_shows_feed(client, async || {
        display.press(window, &[keys::CONTROL, keys::SHIFT, keys::F])
    })
    .await?;

    // Zoom: the page's CSS viewport narrows as it zooms in, and comes back at Actual Size.
    let width = async || -> Result<f64> {
        client
            .execute("return window.innerWidth;", vec![])
            .await?
            .as_f64()
            .context("a width")
    };
    let actual = width().await?;
    display.press(window, &[keys::CONTROL, keys::EQUAL])?;
    wait_for(client, "Zoom In to narrow the viewport", async || {
        Ok(width().await? < actual)
    })
    .await?;
    display.press(window, &[keys::CONTROL, keys::ZERO])?;
    wait_for(client, "Actual Size to restore it", async || {
        Ok(width().await? == actual)
    })
    .await?;
    display.press(window, &[keys::CONTROL, keys::MINUS])?;
    wait_for(client, "Zoom Out to widen it", async || {
        Ok(width().await? > actual)
    })
    .await?;
    display.press(window, &[keys::CONTROL, keys::ZERO])?;
    wait_for(client, "Actual Size to restore it", async || {
        Ok(width().await? == actual)
    })
    .await?;

    // Reload: a fresh page (the marker is gone), still signed in, its feed ticking again.
    client
        .execute("window.beforeReload = true;", vec![])
        .await?;
    display.press(window, &[keys::CONTROL, keys::R])?;
    wait_for(client, "Reload to load a fresh page", async || {
        Ok(client
            .execute(
                "return window.beforeReload === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await?
            .as_bool()
            == Some(true))
    })
    .await?;
    Scenario::FeedTicks.run(client).await?;

    // Ctrl+,: File → Settings…, which the server tells the page to open.
    let settings = client.find(fantoccini::Locator::Id("settings")).await?;
    anyhow::ensure!(!settings.is_displayed().await?, "the settings start closed");
    display.press(window, &[keys::CONTROL, keys::COMMA])?;
    wait_for(client, "Settings… to open the settings", async || {
        Ok(settings.is_displayed().await?)
    })
    .await?;

    // F1: Help → About, a native dialog.
    display.press(window, &[keys::F1])?;
    let about = display
        .wait_for_title(datastar_desktop::ABOUT_TITLE, Duration::from_secs(10))
        .await?;
    display.request_close(about)?;
    Scenario::FeedTicks.run(client).await?;
    session.close().await
}

async fn wait_for(
    _client: &Client,
    what: &str,
    mut check: impl AsyncFnMut() -> Result<bool>,
) -> Result<()> {
    wait_until(Duration::from_secs(5), what, async || {
        Ok(check().await?.then_some(()))
    })
    .await
}
