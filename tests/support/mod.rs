//! Helpers for driving the real desktop app under an X server (Xvfb in CI).

pub mod dbus_mock;
pub mod settings;
pub mod window_manager;
pub mod x11;

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

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
pub struct Home(ui_scenarios::PrivateHome);

impl Home {
    pub fn new() -> Self {
        Self(ui_scenarios::PrivateHome::new().expect("a private home"))
    }

    /// This home for launches beside those of a driver started in `home`.
    pub fn of(home: ui_scenarios::PrivateHome) -> Self {
        Self(home)
    }

    /// Where the app keeps its window state under this home: `<config>/<identifier>/`.
    pub fn app_config_dir(&self) -> PathBuf {
        self.0.config_dir().join(identifier())
    }

    /// The window-state plugin's file, which tests damage on purpose.
    pub fn window_state_file(&self) -> PathBuf {
        self.app_config_dir()
            .join(tauri_plugin_window_state::DEFAULT_FILENAME)
    }

    pub fn log_file(&self) -> PathBuf {
        datastar_desktop::log_dir_in(&self.0.data_dir(), &identifier())
            .join(datastar_desktop::LOG_FILE_NAME)
    }

    /// `command` in this home, as the app runs in it: for the helpers a test starts beside
    /// the app, such as a session bus, whose own children (dconf, the accessibility bus)
    /// would otherwise write into the user's home.
    pub fn apply(&self, command: &mut std::process::Command) {
        self.0.apply(command);
    }

    /// The app, with this home, stdout and stderr piped, and no D-Bus session bus unless
    /// the test passes one in `env`.
    pub fn command(&self, env: &[(&str, &str)]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(desktop_app());
        self.0.apply(command.as_std_mut());
        // The engine's settings are the app's to choose, unless a test passes its own.
        for default in datastar_desktop::ENVIRONMENT_DEFAULTS {
            command.env_remove(default.name);
        }
        command
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        command
    }
}

/// A private session bus, as a desktop session has, in the app's home: the services it
/// starts for the app (dconf, say) write there.
pub struct SessionBus {
    pub daemon: tokio::process::Child,
    pub address: String,
}

impl SessionBus {
    pub async fn start(home: &Home) -> Self {
        use tokio::io::{AsyncBufReadExt, BufReader};
        let mut daemon = tokio::process::Command::new("dbus-daemon");
        home.apply(daemon.as_std_mut());
        let mut daemon = daemon
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("dbus-daemon (Debian's dbus package; `make setup-test` installs it)");
        let stdout = daemon.stdout.take().unwrap();
        let address = BufReader::new(stdout)
            .lines()
            .next_line()
            .await
            .unwrap()
            .unwrap();
        Self { daemon, address }
    }

    /// The desktop app, under tauri-driver in `home`, on this bus.
    pub async fn launch_app(
        &self,
        home: ui_scenarios::PrivateHome,
    ) -> anyhow::Result<ui_scenarios::Session> {
        let env = [("DBUS_SESSION_BUS_ADDRESS", Path::new(&self.address))];
        ui_scenarios::drivers::TauriDriver::start_in(home, &env)
            .await?
            .launch(desktop_app())
            .await
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
pub const TITLE: &str = datastar_desktop::APP_NAME;

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

/// `tauri.conf.json`, where Tauri reads the app's identity and its window.
fn config() -> serde_json::Value {
    serde_json::from_str(include_str!("../../tauri.conf.json")).expect("tauri.conf.json")
}

/// The app's own link scheme, the first in `tauri.conf.json`'s deep-link config.
pub fn link_scheme() -> String {
    config()["plugins"]["deep-link"]["desktop"]["schemes"][0]
        .as_str()
        .expect("a deep-link scheme in tauri.conf.json")
        .to_owned()
}

/// The app's identifier.
pub fn identifier() -> String {
    config()["identifier"]
        .as_str()
        .expect("an identifier")
        .to_owned()
}

/// The window as `tauri.conf.json` declares it, centred on `display`'s screen.
pub fn default_window(display: &x11::Display) -> x11::Geometry {
    let window = &config()["app"]["windows"][0];
    assert_eq!(window["center"], true, "the default window is centred");
    let size = |name: &str| window[name].as_u64().and_then(|n| u32::try_from(n).ok());
    let (width, height) = (
        size("width").expect("a width"),
        size("height").expect("a height"),
    );
    let (screen_width, screen_height) = display.screen;
    x11::Geometry {
        x: (i32::from(screen_width) - width as i32) / 2,
        y: (i32::from(screen_height) - height as i32) / 2,
        width,
        height,
    }
}

/// The `host:port` in the first line the app prints, or `None` if it printed none.
pub async fn readiness_address(child: &mut tokio::process::Child) -> Option<String> {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let stdout = child.stdout.take()?;
    let line = tokio::time::timeout(WINDOW_TIMEOUT, BufReader::new(stdout).lines().next_line())
        .await
        .ok()?
        .ok()??;
    datastar_ui::readiness::authority_from_line(&line).map(str::to_owned)
}

/// Closes the window, checks that the app exits cleanly, and returns what it wrote on stderr.
pub async fn close(display: &x11::Display, app: &mut tokio::process::Child, window: u32) -> String {
    display.request_close(window).unwrap();
    let status = tokio::time::timeout(Duration::from_secs(5), app.wait())
        .await
        .expect("the app exits once its window closes")
        .unwrap();
    let mut stderr = String::new();
    if let Some(mut pipe) = app.stderr.take() {
        use tokio::io::AsyncReadExt;
        let _ =
            tokio::time::timeout(Duration::from_secs(2), pipe.read_to_string(&mut stderr)).await;
    }
    assert!(status.success(), "{status}; stderr: {stderr}");
    stderr
}

/// Launches the app and reads its window's place once the window manager has stopped moving
/// it: two readings a frame apart that agree.
pub async fn launch_and_measure(
    home: &Home,
    display: &x11::Display,
) -> (tokio::process::Child, u32, x11::Geometry) {
    let Launched { app, window, .. } = home.launch(display, &[]).await;
    let mut last = display.geometry(window).unwrap();
    let geometry =
        ui_scenarios::wait_until(Duration::from_secs(5), "the window to settle", async || {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let now = display.geometry(window)?;
            let settled = now == last;
            last = now;
            Ok(settled.then_some(now))
        })
        .await
        .unwrap();
    (app, window, geometry)
}
