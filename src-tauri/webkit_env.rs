//! WebKitGTK tuned for one local page: its defaults are a browser's, made for the whole web.
//!
//! Only what measurably helps is here. The web view's own settings (the cache model, the
//! page cache, WebGL, WebAudio, media) changed nothing measurable for this page, so they stay
//! at WebKit's defaults (BENCHMARKS.md has the figures).

/// Environment variables WebKitGTK reads as it starts, with the values the app ships.
/// Measured under Xvfb (BENCHMARKS.md), software compositing and no DMA-BUF renderer cut
/// the web process's memory by about 40 % (172 to 103 MiB) and the app's idle CPU by about
/// 30 %, for a page that draws text and a few buttons. A user who sets one keeps their
/// value: `=0` turns a default off.
pub const ENVIRONMENT_DEFAULTS: [(&str, &str); 2] = [
    ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
];

/// Sets each of [`ENVIRONMENT_DEFAULTS`] the user has not set. Must run before the app
/// starts any thread: it changes the process's environment.
pub fn apply_environment_defaults() {
    for (name, value) in ENVIRONMENT_DEFAULTS {
        if std::env::var_os(name).is_none() {
            // SAFETY: `run` calls this first, while the process has a single thread, so no
            // other thread can read the environment meanwhile.
            unsafe { std::env::set_var(name, value) };
        }
    }
}
