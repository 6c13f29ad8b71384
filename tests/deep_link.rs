//! Deep links (`src-tauri/deep_link.rs`) in the real window: a link handed to the running app
//! by a second launch, and one the app is started with, fill the box and answer the roundtrip;
//! links the app does not know change nothing and stop nothing.

use crate::support::{Home, SessionBus, desktop_app, link_scheme, require_display};
use anyhow::{Context, Result, ensure};
use std::time::Duration;
use ui_scenarios::{PrivateHome, drivers::TauriDriver, state, wait_until};

/// The issue's own bound: the page shows what a link asked for within 5 s.
const SHOWN_WITHIN: Duration = Duration::from_secs(5);
/// A second launch hands its link over and exits: it starts no server and no window.
const HANDED_OVER_WITHIN: Duration = Duration::from_secs(10);

/// A second launch of the app with `link` as its only argument, which must exit 0.
async fn open_link(home: &Home, bus: &SessionBus, link: &str) -> Result<()> {
    let env = [("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str())];
    let mut second = home.command(&env).arg(link).spawn()?;
    let status = tokio::time::timeout(HANDED_OVER_WITHIN, second.wait())
        .await
        .with_context(|| format!("the launch with {:.80} to exit", link))??;
    ensure!(
        status.success(),
        "the launch with {link:.80} exited with {status}"
    );
    Ok(())
}

/// Waits for the page to show `input` in its box and the answer to it.
async fn page_shows(session: &ui_scenarios::Session, input: &str) -> Result<()> {
    let answer = format!("Your input: {input}, is {} long.", input.chars().count());
    wait_until(
        SHOWN_WITHIN,
        "the page to show the link's input and answer",
        async || {
            let shown = state::input_value(&session.client).await? == input
                && state::answer(&session.client).await? == answer;
            Ok(shown.then_some(()))
        },
    )
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and dbus-daemon; `make test` runs it"]
async fn a_link_opened_while_the_app_runs_fills_the_page_and_the_launch_exits() -> Result<()> {
    require_display();
    let private = PrivateHome::new()?;
    let home = Home::of(private.clone());
    let bus = SessionBus::start(&home).await;
    let session = bus.launch_app(private).await?;
    let scheme = link_scheme();
    let page = session.client.current_url().await?;

    open_link(
        &home,
        &bus,
        &format!("{scheme}://roundtrip?input=hello%20there"),
    )
    .await?;
    page_shows(&session, "hello there").await?;

    // Untrusted input from any local program: each is ignored, and the app goes on.
    // Longer than the app reads (120,256 bytes), shorter than Linux lets one argument be.
    let huge = "x".repeat(125_000);
    for ignored in [
        format!("{scheme}://settings?input=no"),
        format!("{scheme}://roundtrip?input=no&go=https://example.com"),
        format!("{scheme}://roundtrip?input={huge}"),
        format!("{scheme}://roundtrip?input=%FF%FE"),
        format!("{scheme}:"),
        "https://example.com/".to_owned(),
    ] {
        open_link(&home, &bus, &ignored).await?;
    }
    // Text, never code: what a link carries is shown as it is.
    let text = "<img src=x onerror=alert(1)> @get('/x') ${1}";
    let link = tauri::Url::parse_with_params(&format!("{scheme}://roundtrip"), [("input", text)])?;
    open_link(&home, &bus, link.as_str()).await?;
    page_shows(&session, text).await?;
    ensure!(
        session.client.current_url().await? == page,
        "the window stayed on its page"
    );
    session.close().await?;
    drop(bus.daemon);
    Ok(())
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver; `make test` runs it"]
async fn a_link_the_app_starts_with_is_on_its_first_page() -> Result<()> {
    require_display();
    let link = format!("{}://roundtrip?input=h%C3%A9llo", link_scheme());
    let session = TauriDriver::start_in(PrivateHome::new()?, &[])
        .await?
        .launch_with_args(desktop_app(), &[&link])
        .await?;
    page_shows(&session, "héllo").await?;
    session.close().await
}
