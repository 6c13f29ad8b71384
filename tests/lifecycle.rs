//! The desktop app's life: it opens, it closes cleanly, and it fails loudly.

use crate::support::{TITLE, WINDOW_TIMEOUT, desktop_app, require_display, x11::Display};
use std::{process::Stdio, time::Duration};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, BufReader},
    net::TcpStream,
    process::{Child, Command},
    time::{Instant, timeout},
};

fn launch(port: Option<u16>) -> Child {
    let mut command = Command::new(desktop_app());
    command
        .env("RUST_LOG", "datastar_desktop=info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(port) = port {
        command.env(datastar_desktop::PORT_VARIABLE, port.to_string());
    }
    command.spawn().expect("start the desktop app")
}

/// The `host:port` from the app's readiness line.
async fn serving_address(child: &mut Child) -> String {
    let stdout = child.stdout.take().expect("stdout");
    let line = timeout(WINDOW_TIMEOUT, BufReader::new(stdout).lines().next_line())
        .await
        .expect("a readiness line")
        .expect("readable stdout")
        .expect("a first line");
    let url = datastar_ui::readiness::url_from_line(&line)
        .unwrap_or_else(|| panic!("first line is {line:?}"));
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}

async fn stderr_of(child: &mut Child) -> String {
    let mut stderr = String::new();
    let mut pipe = child.stderr.take().expect("stderr");
    let _ = timeout(Duration::from_secs(2), pipe.read_to_string(&mut stderr)).await;
    stderr
}

#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn closing_the_window_stops_the_server_and_exits_zero_within_two_seconds() {
    require_display();
    let display = Display::open().unwrap();
    let mut app = launch(None);
    let pid = app.id().unwrap();
    let address = serving_address(&mut app).await;
    // The window maps itself only once its page (and so its feed) has loaded.
    let window = display
        .wait_for_window(pid, TITLE, WINDOW_TIMEOUT)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let closed_at = Instant::now();
    display.request_close(window).unwrap();
    let status = timeout(Duration::from_secs(2), app.wait())
        .await
        .expect("the app exits within 2 s of its window closing")
        .unwrap();
    let took = closed_at.elapsed();
    let stderr = stderr_of(&mut app).await;
    // Exit 0 means the server shut down gracefully, open feed included (see `run`).
    assert!(
        status.success(),
        "{status} after {took:?}; stderr: {stderr}"
    );
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
    // Taken on every address, so no loopback address is left on that port.
    let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let mut app = launch(Some(taken.local_addr().unwrap().port()));
    let pid = app.id().unwrap();

    let dialog = display
        .wait_for_window(pid, TITLE, WINDOW_TIMEOUT)
        .await
        .unwrap();
    assert!(
        timeout(Duration::from_millis(500), app.wait())
            .await
            .is_err(),
        "the app waits for the user to read the dialog"
    );
    display.request_close(dialog).unwrap();
    let status = timeout(Duration::from_secs(5), app.wait())
        .await
        .expect("the app exits once the dialog is dismissed")
        .unwrap();
    let stderr = stderr_of(&mut app).await;
    assert!(!status.success(), "{status}");
    assert!(
        stderr.contains("could not start its local server"),
        "{stderr}"
    );
    assert!(
        stderr.to_lowercase().contains("address already in use"),
        "{stderr}"
    );
}
