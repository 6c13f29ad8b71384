//! The page's state in the real window: quit and relaunch, and the page is as it was left;
//! the renderer crashes, and what was typed is still there.

use crate::support::{WINDOW_TIMEOUT, desktop_app, identifier, require_display, x11::Display};
use anyhow::Result;
use std::time::Duration;
use ui_scenarios::{PrivateHome, drivers, state, wait_until};

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver; `make test` runs it"]
async fn quit_and_relaunch_and_the_page_is_as_it_was_left() -> Result<()> {
    require_display();
    let home = PrivateHome::new()?;
    let data = home.data_dir().join(identifier());
    let session = drivers::tauri_app_in(desktop_app(), home.clone()).await?;
    let left = state::leave_state(&session.client).await?;
    state::wait_until_stored(&data, &left).await?;
    session.close().await?;

    let session = drivers::tauri_app_in(desktop_app(), home.clone()).await?;
    state::state_is_back(&session.client, &left).await?;
    session.close().await
}

/// Saved text stays text in the real window: typed and pasted, back exactly after a reload
/// and a relaunch, with nothing run and the page still working.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver; `make test` runs it"]
async fn saved_text_stays_text_in_the_window() -> Result<()> {
    use ui_scenarios::saved_text;
    require_display();
    let home = PrivateHome::new()?;
    let data = home.data_dir().join(identifier());
    let session = drivers::tauri_app_in(desktop_app(), home.clone()).await?;
    let mut last = String::new();
    for (text, entry) in saved_text::all_entries() {
        saved_text::enter_and_send(&session.client, &data, &text, entry)
            .await
            .map_err(|err| err.context(format!("{entry:?}")))?;
        session.client.refresh().await?;
        saved_text::is_back_as_text(&session.client, &text).await?;
        last = text;
    }
    session.close().await?;

    let session = drivers::tauri_app_in(desktop_app(), home.clone()).await?;
    saved_text::is_back_as_text(&session.client, &last).await?;
    saved_text::page_works(&session.client, &data, &last).await?;
    session.close().await
}

/// A renderer crash loses nothing typed: the text was saved as it was typed, the page comes
/// back in a new renderer, and the store still holds the text it renders from (the test
/// above shows the page rendering it). WebKitWebDriver gives up on a crashed page, so after
/// the crash this test watches the window's pixels and reads the store.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver; `make test` runs it"]
async fn a_renderer_crash_loses_nothing_typed() -> Result<()> {
    use fantoccini::Locator;
    require_display();
    let display = Display::open()?;
    let home = PrivateHome::new()?;
    let data = home.data_dir().join(identifier());
    let session = drivers::tauri_app_in(desktop_app(), home.clone()).await?;
    let typed = "typed, never sent";
    session
        .client
        .find(Locator::Css("#input"))
        .await?
        .send_keys(typed)
        .await?;
    let stored_input = || {
        datastar_ui::Store::peek(&data)
            .ok()
            .flatten()
            .map(|state| state.input)
    };
    wait_until(
        Duration::from_secs(5),
        "the typing to be saved",
        async || Ok((stored_input().as_deref() == Some(typed)).then_some(())),
    )
    .await?;

    let app = session.pid().expect("the app's process");
    let window = display
        .wait_for_window(app, crate::support::TITLE, WINDOW_TIMEOUT)
        .await?;
    crate::recovery::kill(crate::recovery::web_process(app, None).await);
    anyhow::ensure!(
        crate::recovery::ticks_within(&display, window, Duration::from_secs(5)).await,
        "the page came back"
    );
    anyhow::ensure!(
        stored_input().as_deref() == Some(typed),
        "the store lost the text: {:?}",
        stored_input()
    );
    // WebKitWebDriver gave up its session with the crashed page, so closing the session
    // would not end the app: dropping it kills the app, so that its window outlives no test.
    drop(session);
    wait_until(WINDOW_TIMEOUT, "the app's window to go", async || {
        Ok(display
            .windows_of(app, crate::support::TITLE)?
            .is_empty()
            .then_some(()))
    })
    .await
}
