//! The log file (`src-tauri/log_file.rs`), and the app's files, which are its user's alone.

use crate::support::{
    Home, TITLE, WINDOW_TIMEOUT, close, launch_and_measure, readiness_address, require_display,
    x11::Display,
};

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
