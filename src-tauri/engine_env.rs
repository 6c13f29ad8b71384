//! The web engine tuned for one local page: its defaults are a browser's, made for the whole
//! web. The values are the platform's ([`crate::platform::ENVIRONMENT_DEFAULTS`]); only what
//! measurably helps is there. On Linux, the web view's own settings (the cache model, the
//! page cache, WebGL, WebAudio, media) changed nothing measurable for this page, so they
//! stay at WebKit's defaults (BENCHMARKS.md has the figures).

use std::ffi::OsString;

/// Environment variables the engine reads as it starts, with the values the app ships. A
/// user who sets one keeps their value: `=0` turns a default off.
pub use crate::platform::{ENVIRONMENT_DEFAULTS, EnvironmentDefault};

/// Sets each of [`ENVIRONMENT_DEFAULTS`] that [`to_set`] picks. Must run before the app
/// starts any thread: it changes the process's environment.
pub fn apply_defaults() {
    for (name, value) in to_set(ENVIRONMENT_DEFAULTS, |name| std::env::var_os(name)) {
        // SAFETY: `run` calls this first, while the process has a single thread, so no
        // other thread can read the environment meanwhile.
        unsafe { std::env::set_var(name, value) };
    }
}

/// The defaults to set, given the user's environment (`users`): each one the user has not
/// set, except one whose companion ([`EnvironmentDefault::only_with`]) will not hold the
/// app's value.
fn to_set(
    defaults: &'static [EnvironmentDefault],
    users: impl Fn(&str) -> Option<OsString>,
) -> Vec<(&'static str, &'static str)> {
    let holds_apps_value = |name: &str| {
        defaults
            .iter()
            .find(|default| default.name == name)
            .is_some_and(|default| {
                users(name).is_none_or(|value| value.as_os_str() == default.value)
            })
    };
    defaults
        .iter()
        .filter(|default| users(default.name).is_none())
        .filter(|default| default.only_with.is_none_or(holds_apps_value))
        .map(|default| (default.name, default.value))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULTS: &[EnvironmentDefault] = &[
        EnvironmentDefault {
            name: "ENGINE_SOFTWARE",
            value: "1",
            only_with: None,
        },
        EnvironmentDefault {
            name: "TOOLKIT_GL",
            value: "disable",
            only_with: Some("ENGINE_SOFTWARE"),
        },
    ];

    fn to_set_with(users: &[(&str, &str)]) -> Vec<(&'static str, &'static str)> {
        to_set(DEFAULTS, |name| {
            users
                .iter()
                .find(|(set, _)| *set == name)
                .map(|(_, value)| value.into())
        })
    }

    #[test]
    fn every_default_is_set_when_the_user_set_none() {
        assert_eq!(
            to_set_with(&[]),
            [("ENGINE_SOFTWARE", "1"), ("TOOLKIT_GL", "disable")]
        );
    }

    #[test]
    fn the_users_own_value_is_kept() {
        assert_eq!(
            to_set_with(&[("TOOLKIT_GL", "")]),
            [("ENGINE_SOFTWARE", "1")]
        );
    }

    #[test]
    fn a_default_follows_its_companion_turned_off_by_the_user() {
        assert_eq!(to_set_with(&[("ENGINE_SOFTWARE", "0")]), []);
    }

    #[test]
    fn a_default_stays_when_the_user_chose_its_companions_value() {
        assert_eq!(
            to_set_with(&[("ENGINE_SOFTWARE", "1")]),
            [("TOOLKIT_GL", "disable")]
        );
    }
}
