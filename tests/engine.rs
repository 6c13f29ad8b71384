//! WebKit starts with the app's memory-saving defaults, unless the user chose otherwise.

use crate::support::{Home, Launched, children_named, require_display, x11::Display};
use datastar_desktop::ENVIRONMENT_DEFAULTS;

/// The environment the window's web process started with.
fn environment_of(pid: u32) -> Vec<(String, String)> {
    let environ = std::fs::read(format!("/proc/{pid}/environ")).expect("/proc/PID/environ");
    environ
        .split(|&byte| byte == 0)
        .filter_map(|entry| {
            let (name, value) = std::str::from_utf8(entry).ok()?.split_once('=')?;
            Some((name.to_owned(), value.to_owned()))
        })
        .collect()
}

#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn the_web_process_gets_the_engine_defaults_and_the_users_own_values_win() {
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    let (overridden, _) = ENVIRONMENT_DEFAULTS[0];
    for users_value in [None, Some("0")] {
        let env: Vec<_> = users_value
            .map(|value| (overridden, value))
            .into_iter()
            .collect();
        let Launched { pid, .. } = home.launch(&display, &env).await;
        let web = *children_named(pid, "WebKitWebProcess")
            .first()
            .expect("the window's web process");
        let environment = environment_of(web);
        for (name, default) in ENVIRONMENT_DEFAULTS {
            let expected = match users_value {
                Some(value) if name == overridden => value,
                _ => default,
            };
            let actual = environment
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str());
            assert_eq!(
                actual,
                Some(expected),
                "{name} in the web process, with the user's value {users_value:?}"
            );
        }
    }
}
