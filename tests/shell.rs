//! What the native shell adds around the page: one instance, a remembered window, a menu
//! whose Toggle Feed travels through the server, About, and a log file.

use crate::support::{
    Home, Launched, TITLE, WINDOW_TIMEOUT, default_window, readiness_address, require_display,
    window_manager::WindowManager,
    x11::{Display, Geometry, keys},
};
use anyhow::{Context, Result};
use fantoccini::Client;
use std::time::Duration;
use tokio::{
    process::Child,
    time::{sleep, timeout},
};
use ui_scenarios::{Scenario, drivers, toggle_from_outside_hides_and_shows_feed, wait_until};

/// Closes the window as a user would, and checks the app then exits 0.
/// Closes the window, checks that the app exits cleanly, and returns what it wrote on stderr.
async fn close(display: &Display, app: &mut Child, window: u32) -> String {
    display.request_close(window).unwrap();
    let status = timeout(Duration::from_secs(5), app.wait())
        .await
        .expect("the app exits once its window closes")
        .unwrap();
    let mut stderr = String::new();
    if let Some(mut pipe) = app.stderr.take() {
        use tokio::io::AsyncReadExt;
        let _ = timeout(Duration::from_secs(2), pipe.read_to_string(&mut stderr)).await;
    }
    assert!(status.success(), "{status}; stderr: {stderr}");
    stderr
}

// ---- The menu: its accelerators, pressed on the real window ----

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver; `make test` runs it"]
async fn menu_accelerators_work_and_toggle_feed_goes_through_the_server() -> Result<()> {
    require_display();
    let display = Display::open()?;
    let session = drivers::tauri_app(crate::support::desktop_app()).await?;
    let client = &session.client;
    let window = display.wait_for_title(TITLE, WINDOW_TIMEOUT).await?;
    Scenario::FeedTicks.run(client).await?;

    // Ctrl+Shift+F: the menu asks the server, the server tells the page.
    toggle_from_outside_hides_and_shows_feed(client, async || {
        display.press(window, &[keys::CONTROL, keys::SHIFT, keys::F])
    })
    .await?;

    // Zoom: the page's CSS viewport narrows as it zooms in, and comes back at Actual Size.
    let width = async || -> Result<f64> {
        client
            .execute("return window.innerWidth;", vec![])
            .await?
            .as_f64()
            .context("a width")
    };
    let actual = width().await?;
    display.press(window, &[keys::CONTROL, keys::EQUAL])?;
    wait_for(client, "Zoom In to narrow the viewport", async || {
        Ok(width().await? < actual)
    })
    .await?;
    display.press(window, &[keys::CONTROL, keys::ZERO])?;
    wait_for(client, "Actual Size to restore it", async || {
        Ok(width().await? == actual)
    })
    .await?;
    display.press(window, &[keys::CONTROL, keys::MINUS])?;
    wait_for(client, "Zoom Out to widen it", async || {
        Ok(width().await? > actual)
    })
    .await?;
    display.press(window, &[keys::CONTROL, keys::ZERO])?;
    wait_for(client, "Actual Size to restore it", async || {
        Ok(width().await? == actual)
    })
    .await?;

    // Reload: a fresh page (the marker is gone), still signed in, its feed ticking again.
    client
        .execute("window.beforeReload = true;", vec![])
        .await?;
    display.press(window, &[keys::CONTROL, keys::R])?;
    wait_for(client, "Reload to load a fresh page", async || {
        Ok(client
            .execute(
                "return window.beforeReload === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await?
            .as_bool()
            == Some(true))
    })
    .await?;
    Scenario::FeedTicks.run(client).await?;

    // F1: Help → About, a native dialog.
    display.press(window, &[keys::F1])?;
    let about = display
        .wait_for_title(datastar_desktop::ABOUT_TITLE, Duration::from_secs(10))
        .await?;
    display.request_close(about)?;
    Scenario::FeedTicks.run(client).await?;
    session.close().await
}

async fn wait_for(
    _client: &Client,
    what: &str,
    mut check: impl AsyncFnMut() -> Result<bool>,
) -> Result<()> {
    wait_until(Duration::from_secs(5), what, async || {
        Ok(check().await?.then_some(()))
    })
    .await
}

// ---- One instance ----

/// A private session bus, as a desktop session has, in the app's home: the services it
/// starts for the app (dconf, say) write there.
struct SessionBus {
    daemon: Child,
    address: String,
}

impl SessionBus {
    async fn start(home: &Home) -> Self {
        use tokio::io::{AsyncBufReadExt, BufReader};
        let mut daemon = tokio::process::Command::new("dbus-daemon");
        home.apply(daemon.as_std_mut());
        let mut daemon = daemon
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("dbus-daemon (Debian's dbus package; `make setup-test` installs it)");
        let stdout = daemon.stdout.take().unwrap();
        let address = BufReader::new(stdout)
            .lines()
            .next_line()
            .await
            .unwrap()
            .unwrap();
        Self { daemon, address }
    }
}

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

// ---- The remembered window ----

/// How long the app gets to hear of a move or a maximise from the X server before the test
/// closes it. The window-state plugin saves what tao last heard, which nothing outside the
/// app can observe; 300 ms is many times the few milliseconds it takes under Xvfb.
const APP_HEARS_OF_THE_CHANGE: Duration = Duration::from_millis(300);

/// Launches the app and reads its window's place once the window manager has stopped moving
/// it: two readings a frame apart that agree.
async fn launch_and_measure(home: &Home, display: &Display) -> (Child, u32, Geometry) {
    let Launched { app, window, .. } = home.launch(display, &[]).await;
    let mut last = display.geometry(window).unwrap();
    let geometry = wait_until(Duration::from_secs(5), "the window to settle", async || {
        sleep(Duration::from_millis(100)).await;
        let now = display.geometry(window)?;
        let settled = now == last;
        last = now;
        Ok(settled.then_some(now))
    })
    .await
    .unwrap();
    (app, window, geometry)
}

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

// ---- The log file ----

#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn the_log_goes_to_a_file_and_an_unwritable_one_is_not_fatal() {
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    let (mut app, window, _) = launch_and_measure(&home, &display).await;
    // The file holds the events the app logged on stderr (which is not a terminal, so has
    // no colours), each with its own timestamp; stderr may also carry GTK's own messages.
    let stderr = close(&display, &mut app, window).await;
    let log = std::fs::read_to_string(home.log_file()).expect("a log file");
    let without_time = |line: &str| line.split_once(' ').map(|(_, event)| event.to_owned());
    let logged: Vec<String> = stderr.lines().filter_map(without_time).collect();
    assert!(log.lines().count() > 0, "the run logged to the file");
    for line in log.lines() {
        let event = without_time(line).unwrap_or_default();
        assert!(
            logged.contains(&event),
            "{line:?} is not on stderr: {stderr}"
        );
    }

    // A log directory that is a file: no log file can exist, and the app runs anyway.
    let blocked = Home::new();
    let logs = blocked.log_file().parent().unwrap().to_owned();
    std::fs::create_dir_all(logs.parent().unwrap()).unwrap();
    std::fs::write(&logs, "").unwrap();
    let mut app = blocked.command(&[]).spawn().unwrap();
    assert!(readiness_address(&mut app).await.is_some());
    let window = display
        .wait_for_window(app.id().unwrap(), TITLE, WINDOW_TIMEOUT)
        .await
        .unwrap();
    close(&display, &mut app, window).await;
}

/// Another user on the machine reads nothing the app keeps: its directories are 0700 and its
/// files 0600, including one an earlier version left readable.
#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn the_apps_files_are_its_users_alone() {
    use std::os::unix::fs::PermissionsExt;
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    let logs = home.log_file().parent().unwrap().to_owned();
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(home.log_file(), "an earlier version's line\n").unwrap();
    for open in [&logs, logs.parent().unwrap()] {
        std::fs::set_permissions(open, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(home.log_file(), std::fs::Permissions::from_mode(0o644)).unwrap();

    let (mut app, window, _) = launch_and_measure(&home, &display).await;
    close(&display, &mut app, window).await;
    let mode = |path: &std::path::Path| {
        std::fs::metadata(path)
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
            .permissions()
            .mode()
            & 0o777
    };
    for dir in [&logs, logs.parent().unwrap(), &home.app_config_dir()] {
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
    }
    for file in [home.log_file(), home.window_state_file()] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

// ---- Quitting, and the open-file limit ----

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
