//! Helpers for driving the real desktop app under an X server (Xvfb in CI).

pub mod window_manager;
pub mod x11;

use std::{path::Path, time::Duration};

/// The desktop binary cargo built for these tests.
pub fn desktop_app() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_datastar-desktop"))
}

/// Fails fast, with the fix, when there is no X server to open windows on.
pub fn require_display() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no X display: run under `xvfb-run -a` (`make test` does)"
    );
}

/// Time a cold debug build of the app gets to show its window.
pub const WINDOW_TIMEOUT: Duration = Duration::from_secs(30);

/// A home of its own for one test's launches: the window state (config) and the log file
/// (data) go here, not into the user's directories or another test's.
pub struct Home {
    pub config: tempfile::TempDir,
    pub data: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        Self {
            config: tempfile::tempdir().expect("a config dir"),
            data: tempfile::tempdir().expect("a data dir"),
        }
    }

    /// Where the app keeps its state under this home: `<config>/<identifier>/`.
    pub fn app_config_dir(&self) -> std::path::PathBuf {
        self.config.path().join(identifier())
    }

    pub fn log_file(&self) -> std::path::PathBuf {
        self.data
            .path()
            .join(identifier())
            .join("logs/datastar-desktop.log")
    }

    /// The app, with this home, stdout and stderr piped, and no D-Bus session bus unless
    /// the test passes one in `env`.
    pub fn command(&self, env: &[(&str, &str)]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(desktop_app());
        command
            .env("XDG_CONFIG_HOME", self.config.path())
            .env("XDG_DATA_HOME", self.data.path())
            .env("XDG_RUNTIME_DIR", self.data.path())
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            // No accessibility bus: these tests do not use it, and it outlives the app.
            .env("NO_AT_BRIDGE", "1");
        // The engine's settings are the app's to choose, unless a test passes its own.
        for (name, _) in datastar_desktop::ENVIRONMENT_DEFAULTS {
            command.env_remove(name);
        }
        command
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        command
    }
}

/// The app, started under a [`Home`], serving, with its window up.
pub struct Launched {
    pub app: tokio::process::Child,
    pub pid: u32,
    /// `host:port` from the readiness line.
    pub address: String,
    pub window: u32,
}

/// The title of the app's window (and of its dialogs).
pub const TITLE: &str = "Datastar Desktop";

impl Home {
    /// Starts the app with `env` and waits for its readiness line and its window.
    pub async fn launch(&self, display: &x11::Display, env: &[(&str, &str)]) -> Launched {
        let mut app = self.command(env).spawn().expect("start the desktop app");
        let pid = app.id().expect("a running app");
        let address = readiness_address(&mut app)
            .await
            .expect("the app prints its readiness line");
        let window = display
            .wait_for_window(pid, TITLE, WINDOW_TIMEOUT)
            .await
            .expect("the app's window");
        Launched {
            app,
            pid,
            address,
            window,
        }
    }
}

/// The app's identifier, read from `tauri.conf.json`, where Tauri reads it.
pub fn identifier() -> String {
    let config = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tauri.conf.json"))
        .expect("tauri.conf.json");
    let config: serde_json::Value = serde_json::from_str(&config).expect("JSON");
    config["identifier"]
        .as_str()
        .expect("an identifier")
        .to_owned()
}

/// The `host:port` in the first line the app prints, or `None` if it printed none.
pub async fn readiness_address(child: &mut tokio::process::Child) -> Option<String> {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let stdout = child.stdout.take()?;
    let line = tokio::time::timeout(WINDOW_TIMEOUT, BufReader::new(stdout).lines().next_line())
        .await
        .ok()?
        .ok()??;
    let url = datastar_ui::readiness::url_from_line(&line)?;
    Some(
        url.trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned(),
    )
}
