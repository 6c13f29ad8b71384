//! The web engine tuned for one local page: its defaults are a browser's, made for the whole
//! web. The values are the platform's ([`crate::platform::ENVIRONMENT_DEFAULTS`]); only what
//! measurably helps is there. On Linux, the web view's own settings (the cache model, the
//! page cache, WebGL, WebAudio, media) changed nothing measurable for this page, so they
//! stay at WebKit's defaults (BENCHMARKS.md has the figures).

/// Environment variables the engine reads as it starts, with the values the app ships. A
/// user who sets one keeps their value: `=0` turns a default off.
pub use crate::platform::ENVIRONMENT_DEFAULTS;

/// Sets each of [`ENVIRONMENT_DEFAULTS`] the user has not set. Must run before the app
/// starts any thread: it changes the process's environment.
pub fn apply_defaults() {
    for &(name, value) in ENVIRONMENT_DEFAULTS {
        if std::env::var_os(name).is_none() {
            // SAFETY: `run` calls this first, while the process has a single thread, so no
            // other thread can read the environment meanwhile.
            unsafe { std::env::set_var(name, value) };
        }
    }
}
