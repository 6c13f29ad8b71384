//! What the user sees when part of the app dies under the window: a renderer crash brings
//! the page back, a renderer that keeps crashing, or a dead server, is explained in a
//! dialog and ends the app non-zero.
//!
//! WebKitWebDriver ends its session when the page crashes, so these tests watch the window
//! itself: the 1 Hz feed changes its pixels every second.

use crate::support::{Home, Launched, TITLE, WINDOW_TIMEOUT, require_display, x11::Display};
use std::time::Duration;
use tokio::{
    process::Child,
    time::{Instant, sleep, timeout},
};
use ui_scenarios::process::{WEB_PROCESS, children_named};

/// How often the tests look at the window.
const FRAME: Duration = Duration::from_millis(100);

/// Watches `window` for up to `within`, and says whether what it shows changed twice, at
/// least 800 ms apart: the feed ticking, rather than one repaint.
pub(crate) async fn ticks_within(display: &Display, window: u32, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    let mut last = display.pixels(window).ok();
    let mut first_change = None;
    while Instant::now() < deadline {
        sleep(FRAME).await;
        let now = display.pixels(window).ok();
        if now == last {
            continue;
        }
        last = now;
        match first_change {
            None => first_change = Some(Instant::now()),
            Some(first) if first.elapsed() >= Duration::from_millis(800) => return true,
            Some(_) => {}
        }
    }
    false
}

/// Waits for the app's web process, one that is not `previous`.
pub(crate) async fn web_process(app: u32, previous: Option<u32>) -> u32 {
    child_process(app, WEB_PROCESS, previous).await
}

/// Waits for the app's child process called `name`, one that is not `previous`.
pub(crate) async fn child_process(app: u32, name: &str, previous: Option<u32>) -> u32 {
    ui_scenarios::wait_until(WINDOW_TIMEOUT, &format!("a {name}"), async || {
        Ok(children_named(app, name)
            .into_iter()
            .find(|&pid| Some(pid) != previous))
    })
    .await
    .unwrap_or_else(|err| panic!("the app runs no {name}: {err}"))
}

pub(crate) fn kill(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success(), "kill -KILL {pid}: {status}");
}

/// Waits for a second window of the app under its title, which is the dialog, and checks
/// that the app waits for the user to read it.
async fn wait_for_dialog(display: &Display, app: &mut Child, main: u32) -> u32 {
    let pid = app.id().expect("a running app");
    let dialog = ui_scenarios::wait_until(WINDOW_TIMEOUT, "a dialog", async || {
        Ok(display
            .windows_of(pid, TITLE)?
            .into_iter()
            .find(|&window| window != main))
    })
    .await
    .expect("a dialog explains what happened");
    assert!(
        timeout(Duration::from_millis(500), app.wait())
            .await
            .is_err(),
        "the app waits for the user to read the dialog"
    );
    dialog
}

/// Closes the dialog as a user would, and returns the app's exit status.
async fn dismiss(display: &Display, app: &mut Child, dialog: u32) -> std::process::ExitStatus {
    display.request_close(dialog).unwrap();
    timeout(Duration::from_secs(5), app.wait())
        .await
        .expect("the app exits once the dialog is dismissed")
        .unwrap()
}

#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn a_crashed_renderer_brings_the_page_back_and_a_third_crash_in_a_minute_is_explained() {
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    let Launched {
        mut app,
        pid,
        address,
        window,
    } = home.launch(&display, &[]).await;
    // The way this test sees the feed must see it first, or it proves nothing later.
    assert!(
        ticks_within(&display, window, Duration::from_secs(5)).await,
        "the feed ticks before any crash"
    );

    let first = web_process(pid, None).await;
    kill(first);
    assert!(
        ticks_within(&display, window, Duration::from_secs(3)).await,
        "the feed ticks again within 3 s of the renderer's death"
    );
    assert!(
        tokio::net::TcpStream::connect(&address).await.is_ok(),
        "the server kept running"
    );

    // Two more deaths within the minute, each once the page is back: the app stops
    // reloading and says why.
    let second = web_process(pid, Some(first)).await;
    kill(second);
    assert!(
        ticks_within(&display, window, Duration::from_secs(3)).await,
        "the feed ticks again after the second death"
    );
    kill(web_process(pid, Some(second)).await);
    let dialog = wait_for_dialog(&display, &mut app, window).await;
    let status = dismiss(&display, &mut app, dialog).await;
    assert!(!status.success(), "{status}");
}

#[cfg(debug_assertions)]
#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn a_server_that_dies_under_the_window_is_explained_and_the_app_exits_nonzero() {
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    let Launched {
        mut app,
        address,
        window,
        ..
    } = home
        .launch(&display, &[(datastar_desktop::FAILURE_VARIABLE, "5000")])
        .await;

    let dialog = wait_for_dialog(&display, &mut app, window).await;
    assert!(
        tokio::net::TcpStream::connect(&address).await.is_err(),
        "the dialog speaks of a server that is really gone"
    );
    let status = dismiss(&display, &mut app, dialog).await;
    assert!(!status.success(), "{status}");
}
