//! The desktop shell: a Tauri window on the `datastar-ui` server, embedded in this process.
//!
//! The shell stays thin. The builder chain below reads top to bottom: plugins (one instance,
//! a remembered window), the menu, then `setup`, which binds the server and opens the window
//! at its URL. The server stops when the window closes. Every page and route lives in `ui/`;
//! native controls reach the page only through the server ([`datastar_ui::PageEvents`]).
//!
//! The modules, in the order a launch meets them:
//!
//! - `platform`: all that differs by operating system (WebKitGTK and GTK on Linux);
//! - `engine_env`: the web engine's environment defaults, set before any thread starts;
//! - `identifier_move`: the directories of the app's former identifier, moved to its own;
//! - `log_file`: logging to stderr and a size-capped file;
//! - `single_instance`: a second launch hands over to the first (over D-Bus, when there is one);
//! - `deep_link`: links in the app's own scheme, read and handed to the server;
//! - `window_memory`: the window comes back where it was left;
//! - `menu`: the native menu; its items act on the window, or on the page through the server;
//! - `embedded_server`: the `datastar-ui` server on a loopback address of its own;
//! - `main_window`: the one window, hidden until its page has loaded;
//! - `navigation`: the lock that keeps the window on its own origin;
//! - `renderer_recovery`: a crashed page process reloads the page, signed in afresh;
//! - `notifications`: desktop notifications from Notify Me, and their clicks, through the
//!   server;
//! - `settings`: the page's settings, kept by the server, applied to the system (autostart);
//! - `tray`: the tray icon and its menu, where the desktop has a tray host;
//! - `native_requests`: the page's requests of native code, through the server, each to the
//!   module that answers it;
//! - `session_watch`: a page that the server saw come back signed out is signed in afresh;
//! - `updates`: signed updates, asked for, offered and installed from the page;
//! - `about` and `fatal`: native dialogs, for About and for failures.

mod about;
mod deep_link;
mod embedded_server;
mod engine_env;
mod fatal;
mod identifier_move;
mod log_file;
mod main_window;
mod menu;
mod native_requests;
mod navigation;
mod notifications;
mod platform;
mod renderer_recovery;
mod session_watch;
mod settings;
mod single_instance;
mod tray;
mod updates;
mod window_memory;

use embedded_server::{EmbeddedServer, StartError};
use std::{io::Write, path::PathBuf, process::ExitCode};
use tauri::Manager;

pub use about::TITLE as ABOUT_TITLE;
#[cfg(debug_assertions)]
pub use embedded_server::FAILURE_VARIABLE;
pub use embedded_server::PORT_VARIABLE;
pub use engine_env::ENVIRONMENT_DEFAULTS;
pub use identifier_move::LEGACY_IDENTIFIER;
pub use log_file::{FILE_NAME as LOG_FILE_NAME, log_dir_in};
pub use updates::DOWNLOAD_LIMITS;
#[cfg(debug_assertions)]
pub use updates::ENDPOINT_VARIABLE as UPDATE_ENDPOINT_VARIABLE;

/// The app's name, as the user reads it in the window's title bar, About and every dialog.
/// `tauri.conf.json` gives the same name to the window and the packages; a test checks that
/// the two agree.
macro_rules! app_name {
    () => {
        "Datastar Desktop"
    };
}
pub(crate) use app_name;
pub const APP_NAME: &str = app_name!();

/// Where this run's log file is, if it could be written: About shows it.
pub(crate) struct LogFile(pub Option<PathBuf>);

/// Runs the app until its window closes. Exits non-zero, after telling the user in a native
/// dialog, if the server cannot start or dies, or the page keeps crashing: a window that
/// does not work would explain nothing.
pub fn run() -> ExitCode {
    engine_env::apply_defaults();
    let context = tauri::generate_context!();
    // Before anything opens the directories the identifier names, and said once the log is up.
    let moves = identifier_move::move_legacy_dirs(&context.config().identifier);
    let log_file = log_file::init(&context.config().identifier);
    moves.iter().for_each(identifier_move::Outcome::log);
    let mut builder = tauri::Builder::default();
    // First, so that a second launch hands over to the first before starting anything.
    if let Some(guard) = single_instance::guard() {
        builder = builder.plugin(guard);
    }
    let app = builder
        .plugin(deep_link::plugin())
        .plugin(notifications::plugin())
        .plugin(settings::plugin())
        .plugin(window_memory::plugin())
        .plugin(updates::plugin())
        .manage(LogFile(log_file))
        .manage(fatal::Failed::default())
        .manage(menu::Zoom::default())
        .manage(updates::RestartAfterExit::default())
        .manage(session_watch::SessionWatch::default())
        .manage(tray::Quitting::default())
        .menu(menu::build)
        .on_menu_event(|app, event| {
            if !tray::on_menu_event(app, &event) {
                menu::handle(app, event);
            }
        })
        .on_tray_icon_event(tray::on_icon_event)
        .setup(|app| {
            window_memory::prepare(app.handle());
            // Tauri turns an error from here into a panic, so each failure is told to the
            // user here, and ends the app, which then exits non-zero.
            if let Err(failure) = start(app.handle()) {
                fatal::end_app(app.handle(), failure.summary(), &failure);
            }
            Ok(())
        })
        .build(context);
    let app = match app {
        Ok(app) => app,
        Err(err) => {
            fatal::show("could not start", &err);
            return ExitCode::FAILURE;
        }
    };

    // `run_return` gives control back once the last window has closed, so the server
    // stops after the window, never under it.
    let handle = app.handle().clone();
    let event_loop_code = app.run_return(|_app, _event| {});
    // The window-state plugin has saved the window as the app exited.
    window_memory::protect_saved(&handle);
    let stopped_cleanly = handle
        .try_state::<EmbeddedServer>()
        .is_none_or(|server| server.stop());
    let failed = handle
        .try_state::<fatal::Failed>()
        .is_some_and(|failed| failed.happened());
    if handle
        .state::<updates::RestartAfterExit>()
        .0
        .load(std::sync::atomic::Ordering::Relaxed)
    {
        // Into the version just installed, with the same arguments; this process ends here.
        tauri::process::restart(&handle.env());
    }
    // Non-zero tells scripts and tests that something failed, or that shutdown cut open
    // streams short.
    if event_loop_code == 0 && stopped_cleanly && !failed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Why the app could not start, in the words the user reads first.
#[derive(Debug, thiserror::Error)]
enum StartFailure {
    #[error(transparent)]
    Server(#[from] StartError),
    #[error(transparent)]
    Window(#[from] tauri::Error),
}

impl StartFailure {
    fn summary(&self) -> &'static str {
        match self {
            Self::Server(_) => "could not start its local server",
            Self::Window(_) => "could not open its window",
        }
    }
}

/// Binds the server (now that no other instance runs), then opens the window on it.
fn start(app: &tauri::AppHandle) -> Result<(), StartFailure> {
    log_file::check_log_dir(app, app.state::<LogFile>().0.as_deref());
    // The page's way to the native side: the updates' buttons, through the server.
    let (native, native_requests) = datastar_ui::NativeRequests::channel();
    let server = EmbeddedServer::start(page_store(app), native, {
        let app = app.clone();
        move |died| {
            let handle = app.clone();
            let shown = app.run_on_main_thread(move || {
                fatal::end_app(&handle, "lost its local server", &died);
            });
            if let Err(err) = shown {
                tracing::error!(%err, "cannot tell the user that the server stopped");
            }
        }
    })?;
    announce(&server.origin());
    let launch_url = server.launch_url();
    let state = server.state().clone();
    app.manage(server);
    notifications::start(app, &state);
    settings::apply(app, &state);
    native_requests::serve(app, state.clone(), native_requests);
    // The link this launch was started with, and the tray, before the window opens: so that
    // its page holds the link, and knows whether to offer the tray's setting.
    deep_link::follow_links(app, &state);
    tray::start(app, &state);
    main_window::open(app, &launch_url)?;
    if let Some(window) = app.get_webview_window(main_window::LABEL) {
        tray::keep_running_on_close(&window, state);
    }
    Ok(())
}

/// The page's state, in the app's data directory (`~/.local/share/<identifier>/` on Linux),
/// beside the log. Without one, in memory, and the page says so.
fn page_store(app: &tauri::AppHandle) -> datastar_ui::Store {
    match app.path().app_data_dir() {
        Ok(dir) => datastar_ui::Store::open(&dir),
        Err(err) => {
            tracing::warn!(%err, "no data directory: keeping the page's state in memory");
            datastar_ui::Store::in_memory()
        }
    }
}

/// Prints the readiness line with where the app serves (no token, no path), so that scripts
/// know it without reading the log.
fn announce(origin: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", datastar_ui::readiness::line(origin));
    let _ = stdout.flush();
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_name_is_the_one_in_tauri_conf_json() {
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        assert_eq!(config["productName"], super::APP_NAME);
        assert_eq!(config["app"]["windows"][0]["title"], super::APP_NAME);
    }
}
