//! The tray (`src-tauri/tray.rs`) in the real window, against a stand-in StatusNotifierWatcher
//! on a private session bus (`support/status_notifier_watcher.py`): the icon registers, a
//! click on it (`Activate`) hides and shows the window, and its menu's Toggle Feed goes
//! through the server. With *Keep running in the tray*, closing the window hides it, and the
//! tray's Quit still quits. Without a tray host, the app runs as it does anyway, and the
//! settings do not offer the tray's.

use crate::support::{
    Home, SessionBus, TITLE,
    dbus_mock::{gdbus, start_mock},
    identifier, require_display,
    settings::{click_setting, wait_until_kept},
    x11::Display,
};
use anyhow::{Context, Result, ensure};
use fantoccini::Locator;
use std::time::Duration;
use ui_scenarios::{PrivateHome, wait_until};

const WATCHER: &str = "org.kde.StatusNotifierWatcher";
const ITEM_PATH: &str = "/StatusNotifierItem";
const MENU_PATH: &str = "/MenuBar";
const REACTION: Duration = Duration::from_secs(10);

/// The item's id in the menu layout `GetLayout` returned, as GVariant text: each item is
/// `<(ID, {'label': <'LABEL'>, ...}, [...])>`.
fn menu_item_id(layout: &str, label: &str) -> Option<u32> {
    let at = layout.find(&format!("'label': <'{label}'>"))?;
    let start = layout[..at].rfind("<(")? + 2;
    let digits: String = layout[start..]
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver, dbus-daemon and python3-dbusmock; `make test` runs it"]
async fn the_tray_shows_and_hides_the_window_and_toggles_the_feed() -> Result<()> {
    require_display();
    let display = Display::open()?;
    let private = PrivateHome::new()?;
    let data = private.data_dir().join(identifier());
    let bus = SessionBus::start(&Home::of(private.clone())).await;
    let calls = tempfile::tempdir()?;
    let log = calls.path().join("watcher.log");
    let template = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/status_notifier_watcher.py"
    );
    let _watcher = start_mock(&bus, template, WATCHER, &log).await?;
    let session = bus.launch_app(private).await?;

    // The item registers with the watcher under a bus name of its own.
    let item = wait_until(REACTION, "the tray icon to register", async || {
        let calls = std::fs::read_to_string(&log).unwrap_or_default();
        Ok(calls.lines().find_map(|call| {
            let (_, name) = call.split_once("RegisterStatusNotifierItem \"")?;
            Some(name.trim_end_matches('"').to_owned())
        }))
    })
    .await?;

    let app = session.pid().context("the app's process")?;
    let windows = || display.windows_of(app, TITLE);
    // The window shows once its page has loaded.
    wait_until(REACTION, "the window to show", async || {
        Ok((windows()?.len() == 1).then_some(()))
    })
    .await?;
    let click = || {
        gdbus(
            &bus,
            &item,
            ITEM_PATH,
            "org.kde.StatusNotifierItem.Activate",
            &["0", "0"],
        )
    };
    click().await?;
    wait_until(
        REACTION,
        "a click on the icon to hide the window",
        async || Ok(windows()?.is_empty().then_some(())),
    )
    .await?;
    click().await?;
    wait_until(REACTION, "a second click to show it again", async || {
        Ok((windows()?.len() == 1).then_some(()))
    })
    .await?;

    let feed = session.client.find(Locator::Css("#feed-panel")).await?;
    ensure!(feed.is_displayed().await?, "the feed shows at first");
    let layout = gdbus(
        &bus,
        &item,
        MENU_PATH,
        "com.canonical.dbusmenu.GetLayout",
        &["0", "-1", "[]"],
    )
    .await?;
    let item_of = |label: &str| {
        menu_item_id(&layout, label).with_context(|| format!("no {label} in {layout}"))
    };
    let (show_hide, toggle, quit) = (
        item_of("Show/Hide Window")?,
        item_of("Toggle Feed")?,
        item_of("Quit")?,
    );
    let choose = async |id: u32| {
        gdbus(
            &bus,
            &item,
            MENU_PATH,
            "com.canonical.dbusmenu.Event",
            &[&id.to_string(), "clicked", "<0>", "0"],
        )
        .await
    };
    choose(show_hide).await?;
    wait_until(
        REACTION,
        "the tray's Show/Hide Window to hide it",
        async || Ok(windows()?.is_empty().then_some(())),
    )
    .await?;
    choose(show_hide).await?;
    wait_until(REACTION, "and to show it again", async || {
        Ok((windows()?.len() == 1).then_some(()))
    })
    .await?;
    choose(toggle).await?;
    wait_until(
        REACTION,
        "the tray's Toggle Feed to hide the feed",
        async || Ok((!feed.is_displayed().await?).then_some(())),
    )
    .await?;

    // Kept running in the tray: closing the window hides it, and Quit still quits.
    let client = &session.client;
    click_setting(client, "setting-tray").await?;
    wait_until_kept(&data, "the tray's setting to be kept", |kept| {
        kept.keep_in_tray
    })
    .await?;
    let item_is_on_the_bus = async || {
        let owned = gdbus(
            &bus,
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &[&item],
        )
        .await?;
        Ok::<_, anyhow::Error>(owned == "(true,)")
    };
    let [window] = windows()?[..] else {
        anyhow::bail!("not one window");
    };
    display.request_close(window)?;
    wait_until(REACTION, "closing the window to hide it", async || {
        Ok(windows()?.is_empty().then_some(()))
    })
    .await?;
    ensure!(item_is_on_the_bus().await?, "the app runs on, in the tray");
    click().await?;
    wait_until(REACTION, "the tray to bring the window back", async || {
        Ok((windows()?.len() == 1).then_some(()))
    })
    .await?;
    choose(quit).await?;
    wait_until(REACTION, "the tray's Quit to end the app", async || {
        Ok((!item_is_on_the_bus().await?).then_some(()))
    })
    .await?;
    // The app has gone, and WebDriver's session with it.
    let _ = session.close().await;
    drop(bus.daemon);
    Ok(())
}

#[test]
fn a_menu_item_id_is_read_from_its_layout() {
    let layout = "(uint32 3, (0, {'children-display': <'submenu'>}, [<(1, {'label': <'Show/Hide Window'>}, @av [])>, <(2, {'label': <'Toggle Feed'>}, @av [])>]))";
    assert_eq!(menu_item_id(layout, "Toggle Feed"), Some(2));
    assert_eq!(menu_item_id(layout, "Show/Hide Window"), Some(1));
    assert_eq!(menu_item_id(layout, "Nope"), None);
}

/// A desktop without a tray host: no tray, no tray setting, and the window closes as ever.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and dbus-daemon; `make test` runs it"]
async fn without_a_tray_host_there_is_no_tray_and_nothing_else_changes() -> Result<()> {
    use ui_scenarios::Scenario;
    require_display();
    let private = PrivateHome::new()?;
    let bus = SessionBus::start(&Home::of(private.clone())).await;
    let session = bus.launch_app(private).await?;
    let client = &session.client;
    Scenario::FeedTicks.run(client).await?;
    client
        .find(Locator::Id("settings-open"))
        .await?
        .click()
        .await?;
    ensure!(
        client
            .find(Locator::Id("setting-login"))
            .await?
            .is_displayed()
            .await?,
        "the settings open"
    );
    ensure!(
        client.find(Locator::Id("setting-tray")).await.is_err(),
        "no tray, so no tray setting"
    );
    session.close().await?;
    drop(bus.daemon);
    Ok(())
}
