//! Notifications (`src-tauri/notifications.rs`) in the real window, against python3-dbusmock's
//! stand-in notification server on a private session bus: Notify Me sends what the box holds,
//! and a click on the notification makes the page say so. Without a server, the page says
//! notifications are not available.

use crate::support::{
    Home, SessionBus,
    dbus_mock::{gdbus, start_mock},
    desktop_app, require_display,
};
use anyhow::{Result, ensure};
use fantoccini::{Client, Locator};
use std::{path::Path, time::Duration};
use ui_scenarios::{PrivateHome, drivers::TauriDriver, wait_until};

const SERVER: &str = "org.freedesktop.Notifications";
const SERVER_PATH: &str = "/org/freedesktop/Notifications";
const REACTION: Duration = Duration::from_secs(10);

async fn text_of(client: &Client, selector: &str) -> Result<String> {
    Ok(client.find(Locator::Css(selector)).await?.text().await?)
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver, dbus-daemon and python3-dbusmock; `make test` runs it"]
async fn notify_me_sends_the_input_and_a_click_on_it_is_told_to_the_page() -> Result<()> {
    require_display();
    let private = PrivateHome::new()?;
    let bus = SessionBus::start(&Home::of(private.clone())).await;
    let calls = tempfile::tempdir()?;
    let log = calls.path().join("notifications.log");
    let _server = start_mock(&bus, "notification_daemon", SERVER, &log).await?;
    let session = bus.launch_app(private).await?;
    let client = &session.client;

    let input = client.find(Locator::Css("#input")).await?;
    input.send_keys("ping me").await?;
    client.find(Locator::Css("#notify")).await?.click().await?;
    // dbusmock logs `Notify "app" id "icon" "summary" "body" [actions] {hints} timeout`.
    wait_until(REACTION, "a notification holding the input", async || {
        let calls = std::fs::read_to_string(&log).unwrap_or_default();
        let notified = calls
            .lines()
            .any(|call| call.contains(" Notify ") && call.contains(r#" "ping me" ["default","#));
        Ok(notified.then_some(()))
    })
    .await?;
    ensure!(
        text_of(client, "#notifications").await?.is_empty(),
        "nothing said before a click"
    );

    // The server numbers its notifications from 1, and this is its first; a click on one is
    // its `default` action.
    let clicked = "[<uint32 1>, <'default'>]";
    gdbus(
        &bus,
        SERVER,
        SERVER_PATH,
        "org.freedesktop.DBus.Mock.EmitSignal",
        &[SERVER, "ActionInvoked", "us", clicked],
    )
    .await?;
    wait_until(
        REACTION,
        "the page to say it was opened from a notification",
        async || {
            Ok(
                (text_of(client, "#notifications").await? == "Opened from a notification.")
                    .then_some(()),
            )
        },
    )
    .await?;
    session.close().await?;
    drop(bus.daemon);
    Ok(())
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver; `make test` runs it"]
async fn without_a_notification_server_the_page_says_so() -> Result<()> {
    require_display();
    let session = TauriDriver::start_in(PrivateHome::new()?, &[])
        .await?
        .launch(desktop_app())
        .await?;
    wait_until(
        REACTION,
        "the page to say notifications are not available",
        async || {
            let said = text_of(&session.client, "#notifications").await?;
            Ok(said
                .starts_with("Notifications are not available: ")
                .then_some(()))
        },
    )
    .await?;
    session.close().await
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and dbus-daemon; `make test` runs it"]
async fn with_a_session_bus_but_no_notification_server_the_page_says_so() -> Result<()> {
    require_display();
    let private = PrivateHome::new()?;
    let bus = SessionBus::start(&Home::of(private.clone())).await;
    let session = bus.launch_app(private).await?;
    wait_until(
        REACTION,
        "the page to say no server is running",
        async || {
            let said = text_of(&session.client, "#notifications").await?;
            Ok(
                (said == "Notifications are not available: no notification server is running.")
                    .then_some(()),
            )
        },
    )
    .await?;
    session.close().await?;
    drop(bus.daemon);
    Ok(())
}

/// An automatic check that finds an update while the window is not focused (here, minimised)
/// notifies, as well as showing the offer in the page. The manifest comes from a server of the
/// test's own, through the debug builds' endpoint override; the check stops at the offer.
#[tokio::test]
#[ignore = "needs Xvfb, openbox, tauri-driver, WebKitWebDriver, dbus-daemon and python3-dbusmock; `make test` runs it"]
async fn an_update_found_while_the_window_is_unfocused_is_notified() -> Result<()> {
    use crate::support::{TITLE, WINDOW_TIMEOUT, window_manager::WindowManager, x11::Display};
    require_display();
    let display = Display::open()?;
    let _window_manager = WindowManager::start(&display).await?;
    let private = PrivateHome::new()?;
    let bus = SessionBus::start(&Home::of(private.clone())).await;
    let calls = tempfile::tempdir()?;
    let log = calls.path().join("notifications.log");
    let _server = start_mock(&bus, "notification_daemon", SERVER, &log).await?;

    let package =
        serde_json::json!({ "signature": "unused", "url": "http://127.0.0.1:9/unused.deb" });
    let manifest = serde_json::json!({
        "version": "99.0.0",
        "notes": "A test's release.",
        "platforms": { "linux-x86_64": package, "linux-x86_64-deb": package },
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}/latest.json", listener.local_addr()?);
    let releases = axum::Router::new().route(
        "/latest.json",
        axum::routing::get(move || async move { axum::Json(manifest) }),
    );
    tokio::spawn(async move { axum::serve(listener, releases).await });

    let env = [
        ("DBUS_SESSION_BUS_ADDRESS", Path::new(&bus.address)),
        (
            datastar_desktop::UPDATE_ENDPOINT_VARIABLE,
            Path::new(&endpoint),
        ),
    ];
    let session = TauriDriver::start_in(private, &env)
        .await?
        .launch(desktop_app())
        .await?;
    let client = &session.client;
    // The first launch's question; the answer "Check Automatically" checks at once, as an
    // automatic check does.
    wait_until(REACTION, "the question about updates", async || {
        Ok(client.find(Locator::Id("update-automatic")).await.ok())
    })
    .await?;
    let window = display.wait_for_title(TITLE, WINDOW_TIMEOUT).await?;
    display.minimize(window)?;
    wait_until(REACTION, "the window to be minimised", async || {
        Ok(display.is_minimized(window)?.then_some(()))
    })
    .await?;
    client
        .execute(
            "document.getElementById('update-automatic').click();",
            vec![],
        )
        .await?;
    wait_until(REACTION, "a notification of the update", async || {
        let calls = std::fs::read_to_string(&log).unwrap_or_default();
        let notified = calls.lines().any(|call| {
            call.contains(" Notify ") && call.contains(r#""Version 99.0.0 is available.""#)
        });
        Ok(notified.then_some(()))
    })
    .await?;
    session.close().await?;
    drop(bus.daemon);
    Ok(())
}
