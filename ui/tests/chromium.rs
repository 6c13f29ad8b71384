//! The demo in headless Chromium, against the headless server binary, clicking the real
//! buttons. The same scenarios run in the Tauri window (see the root `tests/`).

mod support;

use support::headless::Headless;
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
