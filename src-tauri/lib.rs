//! The desktop shell: a Tauri window on the `datastar-ui` server, embedded in this process.
//!
//! The shell stays thin. It binds the server before any window exists, opens the window at
//! the server's URL, and stops the server when the last window closes. Every page and route
//! lives in `ui/`.

mod embedded_server;
mod fatal;
mod main_window;

use embedded_server::EmbeddedServer;
use std::{io::Write, process::ExitCode};

/// Runs the app until its window closes. Exits non-zero, after telling the user in a native
/// dialog, if the server cannot start: an empty window would explain nothing.
pub fn run() -> ExitCode {
    datastar_ui::logging::init("datastar_desktop=info,datastar_ui=info");

    let server = match EmbeddedServer::start() {
        Ok(server) => server,
        Err(err) => {
            fatal::show("Datastar Desktop could not start its local server", &err);
            return ExitCode::FAILURE;
        }
    };
    let launch_url = server.launch_url();
    announce(&server.base_url());

    let app = tauri::Builder::default()
        .setup(move |app| {
            main_window::open(app.handle(), &launch_url)?;
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(err) => {
            fatal::show("Datastar Desktop could not open its window", &err);
            return ExitCode::FAILURE;
        }
    };

    // `run_return` gives control back once the last window has closed, so the server
    // stops after the window, never under it.
    let event_loop_code = app.run_return(|_app, _event| {});
    let stopped_cleanly = server.stop();
    // Non-zero tells scripts and tests that shutdown cut open streams short.
    if event_loop_code == 0 && stopped_cleanly {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Prints the readiness line with the clean URL (no token), as the headless server does,
/// so that scripts know where the app serves without reading its log.
fn announce(base_url: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", datastar_ui::readiness::line(base_url));
    let _ = stdout.flush();
}
