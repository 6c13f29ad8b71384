//! The desktop app's life: it opens, it closes cleanly, and it fails loudly.

use crate::support::{
    Home, Launched, TITLE, WINDOW_TIMEOUT, close, launch_and_measure, readiness_address,
    require_display,
    x11::{Display, keys},
};
use std::time::Duration;
use tokio::{
    net::TcpStream,
    time::{Instant, timeout},
};

/// How long the app must keep its error dialog up before the test closes it: long enough
/// that an app which exits on its own would already have.
const DIALOG_STAYS: Duration = Duration::from_millis(500);

#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn closing_the_window_stops_the_server_and_exits_zero_within_two_seconds() {
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    // The window maps itself only once its page (and so its feed) has loaded.
    let Launched {
        mut app,
        address,
        window,
        ..
    } = home.launch(&display, &[]).await;

    let closed_at = Instant::now();
    display.request_close(window).unwrap();
    let status = timeout(Duration::from_secs(2), app.wait())
        .await
        .expect("the app exits within 2 s of its window closing")
        .unwrap();
    // Exit 0 means the server shut down gracefully, open feed included (see `run`).
    assert!(status.success(), "{status} after {:?}", closed_at.elapsed());
    assert!(
        TcpStream::connect(&address).await.is_err(),
        "nothing listens on {address} any more"
    );
}

#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn a_server_that_cannot_start_shows_an_error_dialog_and_exits_nonzero() {
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    // Taken on every address, so no loopback address is left on that port.
    let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let mut app = home
        .command(&[(datastar_desktop::PORT_VARIABLE, &port)])
        .spawn()
        .unwrap();
    let pid = app.id().unwrap();

    let dialog = display
        .wait_for_window(pid, TITLE, WINDOW_TIMEOUT)
        .await
        .unwrap();
    assert!(
        timeout(DIALOG_STAYS, app.wait()).await.is_err(),
        "the app waits for the user to read the dialog"
    );
    display.request_close(dialog).unwrap();
    let status = timeout(Duration::from_secs(5), app.wait())
        .await
        .expect("the app exits once the dialog is dismissed")
        .unwrap();
    assert!(!status.success(), "{status}");
    assert_eq!(
        readiness_address(&mut app).await,
        None,
        "a server that never listened announces nothing"
    );
}

/// Ctrl+Q (File → Quit) closes the window and stops the server, as the close button does.
#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn ctrl_q_quits_cleanly() {
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    let (mut app, window, _) = launch_and_measure(&home, &display).await;
    display.press(window, &[keys::CONTROL, keys::Q]).unwrap();
    let status = timeout(Duration::from_secs(5), app.wait())
        .await
        .expect("Ctrl+Q ends the app")
        .unwrap();
    assert!(status.success(), "{status}");
}

/// Every connection is a file: the app raises its soft open-file limit to the hard one, as
/// the headless server does, so a desktop's usual 1,024 does not cap its connections.
#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn the_app_raises_its_open_file_limit() {
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    let mut command = home.command(&[]);
    // SAFETY: `setrlimit` is a single system call, safe between fork and exec.
    unsafe {
        command.pre_exec(|| rlimit::setrlimit(rlimit::Resource::NOFILE, 1_024, 4_096));
    }
    let mut app = command.spawn().unwrap();
    readiness_address(&mut app).await.expect("the app starts");
    let pid = app.id().unwrap();
    assert_eq!(ui_scenarios::soft_open_file_limit(pid).unwrap(), 4_096);
    let window = display
        .wait_for_window(pid, TITLE, WINDOW_TIMEOUT)
        .await
        .unwrap();
    close(&display, &mut app, window).await;
}
