//! One instance (`src-tauri/single_instance.rs`): a second launch hands over to the first
//! over D-Bus, and without a session bus each launch runs on its own.

use crate::support::{
    Home, Launched, SessionBus, TITLE, WINDOW_TIMEOUT, close, readiness_address, require_display,
    window_manager::WindowManager, x11::Display,
};
use std::time::Duration;
use tokio::time::timeout;
use ui_scenarios::wait_until;

#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn a_second_launch_brings_the_first_window_forward_and_exits() {
    require_display();
    let display = Display::open().unwrap();
    let _window_manager = WindowManager::start(&display).await.unwrap();
    let home = Home::new();
    let bus = SessionBus::start(&home).await;
    let env = [("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str())];
    let mut first = home.command(&env).spawn().unwrap();
    assert!(readiness_address(&mut first).await.is_some());
    let window = display
        .wait_for_window(first.id().unwrap(), TITLE, WINDOW_TIMEOUT)
        .await
        .unwrap();
    display.minimize(window).unwrap();
    wait_until(
        Duration::from_secs(5),
        "the window to minimise",
        async || Ok(display.is_minimized(window)?.then_some(())),
    )
    .await
    .unwrap();

    let mut second = home.command(&env).spawn().unwrap();
    let status = timeout(Duration::from_secs(2), second.wait())
        .await
        .expect("the second launch exits within 2 s")
        .unwrap();
    assert!(status.success(), "{status}");
    assert_eq!(
        readiness_address(&mut second).await,
        None,
        "no second server"
    );
    wait_until(
        Duration::from_secs(5),
        "the first window to come back, un-minimised and focused",
        async || {
            let back = !display.is_minimized(window)? && display.active_window()? == Some(window);
            Ok(back.then_some(()))
        },
    )
    .await
    .unwrap();
    assert_eq!(
        display.windows_titled(TITLE).unwrap().len(),
        1,
        "one window"
    );
    close(&display, &mut first, window).await;
    drop(bus.daemon);
}

#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn without_a_session_bus_each_launch_runs_on_its_own() {
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    let mut apps = Vec::new();
    for _ in 0..2 {
        // Each prints its readiness line: each starts its own server.
        let Launched { app, window, .. } = home.launch(&display, &[]).await;
        apps.push((app, window));
    }
    for (mut app, window) in apps {
        close(&display, &mut app, window).await;
    }
}
