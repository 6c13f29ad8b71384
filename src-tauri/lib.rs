//! The desktop shell: a Tauri window on the `datastar-ui` server, embedded in this process.
//!
//! The shell stays thin. It binds the server before any window exists, opens the window at
//! the server's URL, and stops the server when the last window closes. Every page and route
//! lives in `ui/`.

mod embedded_server;
mod fatal;
mod main_window;

use embedded_server::EmbeddedServer;
use std::process::ExitCode;
use tauri::RunEvent;
use tracing_subscriber::EnvFilter;

/// Runs the app until its window closes. Exits non-zero, after telling the user in a native
/// dialog, if the server cannot start: an empty window would explain nothing.
pub fn run() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "datastar_desktop=info,datastar_ui=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let server = match EmbeddedServer::start() {
        Ok(server) => server,
        Err(err) => {
            fatal::show("Datastar Desktop could not start its local server", &err);
            return ExitCode::FAILURE;
        }
    };
    let launch_url = server.launch_url();

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

    let mut server = Some(server);
    app.run(move |_app, event| {
        if let RunEvent::Exit = event
            && let Some(server) = server.take()
        {
            server.stop();
        }
    });
    ExitCode::SUCCESS
}
