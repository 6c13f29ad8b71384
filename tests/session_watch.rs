//! The window keeps its session (`src-tauri/session_watch.rs`): it signs in afresh when the
//! server sees its page come back without one, and only then. A page that is merely hidden
//! (a minimised window closes its feed) is the same page when it comes back.

use crate::{
    recovery::{child_process, kill, ticks_within},
    support::{
        Home, Launched, WINDOW_TIMEOUT, desktop_app, require_display,
        window_manager::WindowManager, x11::Display,
    },
};
use anyhow::{Result, ensure};
use std::time::Duration;
use tokio::time::timeout;
use ui_scenarios::{PrivateHome, Scenario, drivers, process::NETWORK_PROCESS, wait_until};

/// A window minimised, then restored, is the same page: not reloaded, not signed in again,
/// and its feed ticks again.
#[tokio::test]
#[ignore = "needs Xvfb, Openbox, tauri-driver and WebKitWebDriver; `make test` runs it"]
async fn a_minimised_window_is_the_same_page_when_restored() -> Result<()> {
    require_display();
    let display = Display::open()?;
    let _window_manager = WindowManager::start(&display).await?;
    let session = drivers::tauri_app_in(desktop_app(), PrivateHome::new()?).await?;
    let page = &session.client;
    Scenario::FeedTicks.run(page).await?;
    let loaded = time_origin(page).await?;
    let window = display
        .wait_for_title(datastar_desktop::APP_NAME, WINDOW_TIMEOUT)
        .await?;

    display.minimize(window)?;
    wait_until(WINDOW_TIMEOUT, "the window to minimise", async || {
        Ok(display.is_minimized(window)?.then_some(()))
    })
    .await?;
    wait_until(
        WINDOW_TIMEOUT,
        "the hidden page to close its feed",
        async || {
            Ok(page
                .execute("return document.visibilityState", vec![])
                .await?
                .as_str()
                .is_some_and(|state| state == "hidden")
                .then_some(()))
        },
    )
    .await?;
    // Hidden for as long as a user looks away: five times what a reload takes here, so
    // that a watch that counted the closed feed as a lost session has long acted.
    tokio::time::sleep(HIDDEN_FOR).await;
    display.activate(window)?;
    wait_until(WINDOW_TIMEOUT, "the window to come back", async || {
        Ok((!display.is_minimized(window)?).then_some(()))
    })
    .await?;
    Scenario::FeedTicks.run(page).await?;
    ensure!(
        time_origin(page).await? == loaded,
        "the page was loaded again after a minimise"
    );
    session.close().await
}

/// How long the window stays minimised; the issue that this test guards measured 4 s.
const HIDDEN_FOR: Duration = Duration::from_secs(5);

/// When the page's document was created: a reload makes a new one.
async fn time_origin(page: &fantoccini::Client) -> Result<f64> {
    let origin = page
        .execute("return performance.timeOrigin", vec![])
        .await?
        .as_f64();
    origin.ok_or_else(|| anyhow::anyhow!("no performance.timeOrigin"))
}

/// WebKit's network process holds the incognito window's cookie. When it dies, the page's
/// next request comes without it; the server sees that, and the window signs in afresh.
#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn a_lost_session_signs_in_afresh_when_the_network_process_dies() {
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    let Launched {
        mut app,
        pid,
        window,
        ..
    } = home.launch(&display, &[]).await;
    assert!(
        ticks_within(&display, window, Duration::from_secs(5)).await,
        "the feed ticks first"
    );
    kill(child_process(pid, NETWORK_PROCESS, None).await);
    // The feed's reconnection, refused, a reload, and a tick or two of the feed.
    assert!(
        ticks_within(&display, window, Duration::from_secs(5)).await,
        "the feed ticks again after the network process's death"
    );
    display.request_close(window).unwrap();
    let status = timeout(Duration::from_secs(5), app.wait())
        .await
        .expect("the app exits")
        .unwrap();
    assert!(status.success(), "{status}");
}
