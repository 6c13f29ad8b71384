//! The remembered window (`src-tauri/window_memory.rs`): it comes back where, and as, it
//! was left, and a saved place that cannot be used is not.

use crate::support::{
    Home, close, default_window, launch_and_measure, require_display,
    window_manager::WindowManager,
    x11::{Display, Geometry},
};
use std::time::Duration;
use tokio::time::sleep;
use ui_scenarios::wait_until;

/// How long the app gets to hear of a move or a maximise from the X server before the test
/// closes it. The window-state plugin saves what tao last heard, which nothing outside the
/// app can observe; 300 ms is many times the few milliseconds it takes under Xvfb.
const APP_HEARS_OF_THE_CHANGE: Duration = Duration::from_millis(300);

#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn the_window_comes_back_where_it_was_left() {
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    let (mut app, window, first) = launch_and_measure(&home, &display).await;
    assert_eq!(
        first,
        default_window(&display),
        "a first launch opens the default window"
    );

    let moved = Geometry {
        x: 40,
        y: 30,
        width: 700,
        height: 560,
    };
    display.move_resize(window, moved).unwrap();
    wait_until(Duration::from_secs(5), "the move to take", async || {
        Ok((display.geometry(window)? == moved).then_some(()))
    })
    .await
    .unwrap();
    sleep(APP_HEARS_OF_THE_CHANGE).await;
    close(&display, &mut app, window).await;

    let (mut app, window, again) = launch_and_measure(&home, &display).await;
    assert_eq!(
        again, moved,
        "the next launch opens where the last one closed"
    );
    close(&display, &mut app, window).await;
}

#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn a_maximised_window_comes_back_maximised() {
    require_display();
    let display = Display::open().unwrap();
    let _window_manager = WindowManager::start(&display).await.unwrap();
    let home = Home::new();
    let (mut app, window, _) = launch_and_measure(&home, &display).await;
    assert!(
        !display.is_maximized(window).unwrap(),
        "a first launch is not maximised"
    );
    display.maximize(window).unwrap();
    wait_until(
        Duration::from_secs(5),
        "the window to maximise",
        async || Ok(display.is_maximized(window)?.then_some(())),
    )
    .await
    .unwrap();
    sleep(APP_HEARS_OF_THE_CHANGE).await;
    close(&display, &mut app, window).await;

    let (mut app, window, _) = launch_and_measure(&home, &display).await;
    wait_until(
        Duration::from_secs(5),
        "the window to open maximised",
        async || Ok(display.is_maximized(window)?.then_some(())),
    )
    .await
    .unwrap();
    close(&display, &mut app, window).await;
}

#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn an_unreadable_saved_window_opens_at_the_default() {
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    std::fs::create_dir_all(home.app_config_dir()).unwrap();
    std::fs::write(home.window_state_file(), "{ not json").unwrap();
    let (mut app, window, geometry) = launch_and_measure(&home, &display).await;
    assert_eq!(geometry, default_window(&display));
    close(&display, &mut app, window).await;
}

#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn a_window_saved_on_no_screen_opens_centred_on_the_screen() {
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    std::fs::create_dir_all(home.app_config_dir()).unwrap();
    // A place on a monitor since unplugged, as the window-state plugin saves it.
    let off_screen = serde_json::json!({ "main": {
        "width": 500, "height": 400, "x": 20000, "y": 20000, "prev_x": 20000, "prev_y": 20000,
        "maximized": false, "visible": true, "decorated": true, "fullscreen": false,
    }});
    std::fs::write(home.window_state_file(), off_screen.to_string()).unwrap();
    let (mut app, window, geometry) = launch_and_measure(&home, &display).await;
    assert_eq!(
        (geometry.x, geometry.y),
        (default_window(&display).x, default_window(&display).y),
        "the default place, not the saved one: {geometry:?}"
    );
    close(&display, &mut app, window).await;
}
