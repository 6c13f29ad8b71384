//! WebKit starts with the app's memory-saving defaults, unless the user chose otherwise.

use crate::support::{Home, Launched, WINDOW_TIMEOUT, close, require_display, x11::Display};
use datastar_desktop::ENVIRONMENT_DEFAULTS;
use ui_scenarios::process::{WEB_PROCESS, children_named, environment};

#[tokio::test]
#[ignore = "needs an X display; `make test` runs it under xvfb-run"]
async fn the_web_process_gets_the_engine_defaults_and_the_users_own_values_win() {
    require_display();
    let display = Display::open().unwrap();
    let home = Home::new();
    let overridden = ENVIRONMENT_DEFAULTS[0].name;
    for users_value in [None, Some("0")] {
        let env: Vec<_> = users_value
            .map(|value| (overridden, value))
            .into_iter()
            .collect();
        // Kept running until its web process is read: a killed app's children are no longer
        // its own.
        let Launched {
            mut app,
            pid,
            window,
            ..
        } = home.launch(&display, &env).await;
        // A web process may be replaced as the page loads: read one that is still there.
        let environment = ui_scenarios::wait_until(
            WINDOW_TIMEOUT,
            "a web process whose environment can be read",
            async || {
                Ok(children_named(pid, WEB_PROCESS)
                    .into_iter()
                    .map(environment)
                    .find(|environment| !environment.is_empty()))
            },
        )
        .await
        .expect("the window's web process");
        for default in ENVIRONMENT_DEFAULTS {
            let name = default.name;
            // A default that only makes sense beside the one the user turned off is off too.
            let expected = match users_value {
                Some(value) if name == overridden => Some(value),
                Some(_) if default.only_with == Some(overridden) => None,
                _ => Some(default.value),
            };
            let actual = environment
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str());
            assert_eq!(
                actual, expected,
                "{name} in the web process, with the user's value {users_value:?}"
            );
        }
        close(&display, &mut app, window).await;
    }
}
