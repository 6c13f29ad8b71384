//! Starting a WebDriver server and a browser session on it.

use crate::PrivateHome;
use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder, wd::Capabilities};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::{net::TcpListener, path::Path, process::Stdio, time::Duration};
use tokio::{
    net::TcpStream,
    process::{Child, Command},
};

/// A browser session and the driver process behind it; dropping it stops the driver and
/// the browser.
///
/// The browser (MiniBrowser, or the app under tauri-driver) is the driver's grandchild, and
/// stopping the driver does not stop it: a browser still shutting down when the next test
/// starts would show a second window with the app's title, or hold the store the next app
/// opens. So the session keeps the browser's pid: closing it waits for the browser to exit,
/// and dropping it kills the browser.
pub struct Session {
    pub client: Client,
    driver: Child,
    /// The browser's or the app's process, where it can be told (on Linux).
    browser: Option<u32>,
    /// The browser's or the app's home, kept until the session ends.
    home: PrivateHome,
}

/// How long a browser gets to exit once its session has closed: the app's own shutdown
/// (the window, then the server's streams) takes well under a second.
const BROWSER_EXIT: Duration = Duration::from_secs(10);

impl Session {
    fn new(client: Client, driver: Child, browser: &str, home: PrivateHome) -> Self {
        let browser = driver.id().and_then(|driver| started_by(driver, browser));
        Self {
            client,
            driver,
            browser,
            home,
        }
    }

    /// Ends the WebDriver session, which closes the browser or the app, and returns once it
    /// has exited; then stops the driver. A browser that outlives its session by
    /// [`BROWSER_EXIT`] is killed, and that is an error.
    pub async fn close(mut self) -> Result<()> {
        let closed = self
            .client
            .clone()
            .close()
            .await
            .context("closing the WebDriver session");
        let exited = match self.browser.take() {
            Some(pid) => {
                let exited = crate::wait_until(
                    BROWSER_EXIT,
                    "the browser to exit after its session closed",
                    async || Ok((!is_running(pid)).then_some(())),
                )
                .await;
                if exited.is_err() {
                    kill(pid);
                }
                exited
            }
            None => Ok(()),
        };
        // SIGTERM, unlike the SIGKILL of `kill_on_drop`, lets tauri-driver stop the
        // WebKitWebDriver it started.
        if let Some(pid) = self.driver.id() {
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await;
            let _ = tokio::time::timeout(Duration::from_secs(5), self.driver.wait()).await;
        }
        closed.and(exited)
    }

    /// The browser's or the app's process id (on Linux; elsewhere the tests do not run).
    pub fn pid(&self) -> Option<u32> {
        self.browser
    }

    /// The home the browser or the app runs in: its config, data and logs are here.
    pub fn home(&self) -> &PrivateHome {
        &self.home
    }

    /// Saves a PNG of the viewport under [`crate::screenshot_dir`], returning its path.
    pub async fn screenshot(&self, name: &str) -> Result<std::path::PathBuf> {
        let png = self.client.screenshot().await?;
        let dir = crate::screenshot_dir()?;
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }
}

impl Drop for Session {
    /// A test that fails leaves no browser behind for the next one: the driver dies with
    /// `kill_on_drop`, and its browser here.
    fn drop(&mut self) {
        if let Some(pid) = self.browser.take()
            && is_running(pid)
        {
            kill(pid);
        }
    }
}

/// WebKitGTK's own minimal browser, from Debian's `libwebkit2gtk-4.1-0`.
pub const MINI_BROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/// Headless Debian Chromium through chromedriver, opened at `url`.
///
/// The flags keep Chromium from reaching for the network (updates, sync, metrics), which a
/// closed machine refuses, and the fresh profile in a private home keeps runs independent.
pub async fn chromium(url: &str) -> Result<Session> {
    browser(Driver::Chromedriver, url, |home| {
        let profile = home.path().join("chromium-profile");
        json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--window-size=900,760",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        })
    })
    .await
}

/// [`MINI_BROWSER`] through WebKitWebDriver, opened at `url`: a WebKit browser, as a user of
/// the headless server may have. Needs an X display.
pub async fn minibrowser(url: &str) -> Result<Session> {
    require_display()?;
    browser(
        Driver::WebKitWebDriver,
        url,
        |_| json!({ "webkitgtk:browserOptions": mini_browser_options() }),
    )
    .await
}

/// WebKitWebDriver's options for [`MINI_BROWSER`], in its automation mode.
fn mini_browser_options() -> serde_json::Value {
    json!({ "binary": MINI_BROWSER, "args": ["--automation"] })
}

/// WebKitWebDriver, started in `home` with `env` for the browser it starts, and its port.
fn webkit_webdriver(home: &PrivateHome, env: &[(&str, &Path)]) -> Result<(Child, u16)> {
    let port = free_port()?;
    let child = spawn(
        "WebKitWebDriver",
        &[format!("--port={port}")],
        home,
        env,
        false,
    )?;
    Ok((child, port))
}

/// A running WebKitWebDriver, ready to start [`MINI_BROWSER`]. Split from [`minibrowser`] so
/// that a benchmark can time the browser's start, with the engine settings it is given, without
/// the driver's.
pub struct MiniBrowserDriver {
    child: Child,
    port: u16,
    home: PrivateHome,
}

impl MiniBrowserDriver {
    /// The driver in `home`, with `env` for the browser it starts (and its web processes).
    pub async fn start_in(home: PrivateHome, env: &[(&str, &Path)]) -> Result<Self> {
        require_display()?;
        let (child, port) = webkit_webdriver(&home, env)?;
        wait_for_driver(port).await?;
        Ok(Self { child, port, home })
    }

    /// Starts MiniBrowser and opens `url`; returns once the page's DOM is ready (the `eager`
    /// load strategy), so that a script can still watch what the page does next.
    ///
    /// About one navigation in eight, on this machine, WebKitWebDriver answers with an error
    /// that has no message while the page goes on loading. So an error counts only if the
    /// browser does not then reach `url`'s origin with its DOM ready.
    pub async fn open(self, url: &str) -> Result<Session> {
        let capabilities = capabilities(json!({
            "pageLoadStrategy": "eager",
            "webkitgtk:browserOptions": mini_browser_options(),
        }));
        let client = connect(self.port, capabilities).await?;
        if let Err(err) = client.goto(url).await {
            let origin = url::Url::parse(url)?.origin();
            crate::wait_until(
                Duration::from_secs(10),
                "MiniBrowser to load the page after its driver's error",
                async || {
                    let here = client.current_url().await?.origin() == origin;
                    let ready = client
                        .execute("return document.readyState !== 'loading';", vec![])
                        .await?
                        .as_bool()
                        == Some(true);
                    Ok((here && ready).then_some(()))
                },
            )
            .await
            .with_context(|| format!("opening {url}: {err:?}"))?;
        }
        Ok(Session::new(
            client,
            self.child,
            MINI_BROWSER_COMMAND,
            self.home,
        ))
    }
}

/// The WebDriver servers of the two browsers.
#[derive(Debug, Clone, Copy)]
enum Driver {
    Chromedriver,
    WebKitWebDriver,
}

impl Driver {
    /// The command name of the browser the driver starts (Debian's `chromium` wrapper
    /// `exec`s a binary of the same name).
    fn browser_command(self) -> &'static str {
        match self {
            Self::Chromedriver => "chromium",
            Self::WebKitWebDriver => MINI_BROWSER_COMMAND,
        }
    }
}

/// [`MINI_BROWSER`]'s command name.
const MINI_BROWSER_COMMAND: &str = "MiniBrowser";

/// The first process called `command` among `driver`'s descendants: the browser it started,
/// which outlives the driver.
#[cfg(target_os = "linux")]
fn started_by(driver: u32, command: &str) -> Option<u32> {
    let command = crate::process::command_name(command);
    crate::process::process_tree(driver)
        .into_iter()
        .find(|&pid| crate::process::comm(pid).as_deref() == Some(command))
}

#[cfg(not(target_os = "linux"))]
fn started_by(_driver: u32, _command: &str) -> Option<u32> {
    None
}

#[cfg(target_os = "linux")]
fn is_running(pid: u32) -> bool {
    crate::process::is_running(pid)
}

#[cfg(not(target_os = "linux"))]
fn is_running(_pid: u32) -> bool {
    false
}

/// SIGKILL, at once: only for a browser that has outlived its session or its test.
fn kill(pid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status();
}

/// Starts `driver` in a private home, opens a session with the capabilities `options` gives
/// for that home, and goes to `url`.
async fn browser(
    kind: Driver,
    url: &str,
    options: impl FnOnce(&PrivateHome) -> serde_json::Value,
) -> Result<Session> {
    let home = PrivateHome::new()?;
    let (driver, port) = match kind {
        // It picks a free port itself and says which: no port can be taken from under it.
        Driver::Chromedriver => {
            let mut child = spawn("chromedriver", &["--port=0".to_owned()], &home, &[], true)?;
            let port = announced_port(&mut child).await?;
            (child, port)
        }
        Driver::WebKitWebDriver => webkit_webdriver(&home, &[])?,
    };
    wait_for_driver(port).await?;
    let client = connect(port, capabilities(options(&home))).await?;
    client.goto(url).await?;
    Ok(Session::new(client, driver, kind.browser_command(), home))
}

fn require_display() -> Result<()> {
    if std::env::var_os("DISPLAY").is_none() {
        bail!("no X display: run under `xvfb-run -a` (make test does)");
    }
    Ok(())
}

/// The real Tauri window, through tauri-driver and WebKitWebDriver, in a private home. The
/// app opens its own URL, so the session starts on the page the user would see. Needs an X
/// display.
pub async fn tauri_app(application: &Path) -> Result<Session> {
    TauriDriver::start().await?.launch(application).await
}

/// [`tauri_app`] in `home`, so that a second launch finds what the first left there.
pub async fn tauri_app_in(application: &Path, home: PrivateHome) -> Result<Session> {
    TauriDriver::start_in(home, &[])
        .await?
        .launch(application)
        .await
}

/// [`tauri_app`] with extra environment variables for the app (tauri-driver passes its own
/// environment on).
pub async fn tauri_app_with_env(application: &Path, env: &[(&str, &Path)]) -> Result<Session> {
    TauriDriver::start_with_env(env)
        .await?
        .launch(application)
        .await
}

/// A running tauri-driver, ready to launch the app. Split from [`tauri_app`] so that a
/// benchmark can time the app's start without the driver's.
pub struct TauriDriver {
    child: Child,
    port: u16,
    home: PrivateHome,
}

impl TauriDriver {
    pub async fn start() -> Result<Self> {
        Self::start_with_env(&[]).await
    }

    pub async fn start_with_env(env: &[(&str, &Path)]) -> Result<Self> {
        Self::start_in(PrivateHome::new()?, env).await
    }

    pub async fn start_in(home: PrivateHome, env: &[(&str, &Path)]) -> Result<Self> {
        require_display()?;
        let port = free_port()?;
        let native_port = free_port()?;
        let child = spawn(
            "tauri-driver",
            &[
                format!("--port={port}"),
                format!("--native-port={native_port}"),
            ],
            &home,
            env,
            false,
        )?;
        // tauri-driver serves at once, but forwards to WebKitWebDriver, which it starts at
        // the same moment: a session requested before both listen fails.
        wait_for_driver(port).await?;
        wait_for_driver(native_port).await?;
        Ok(Self { child, port, home })
    }

    /// Starts `application` and returns once WebDriver controls its window.
    pub async fn launch(self, application: &Path) -> Result<Session> {
        self.launch_with_args(application, &[]).await
    }

    /// [`Self::launch`], with command-line arguments for the app (a deep link, say).
    pub async fn launch_with_args(self, application: &Path, args: &[&str]) -> Result<Session> {
        let capabilities = capabilities(json!({
            "tauri:options": { "application": application, "args": args },
        }));
        let client = connect(self.port, capabilities).await?;
        let command = application
            .file_name()
            .and_then(|name| name.to_str())
            .context("the application's file name")?;
        Ok(Session::new(client, self.child, command, self.home))
    }
}

fn capabilities(value: serde_json::Value) -> Capabilities {
    match value {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("capabilities are a JSON object literal"),
    }
}

async fn connect(port: u16, capabilities: Capabilities) -> Result<Client> {
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .context("starting a WebDriver session")
}

/// Starts a driver in `home`; the browser or app it starts inherits its environment. With
/// `read_stdout`, its output is piped for [`announced_port`].
fn spawn(
    program: &str,
    args: &[String],
    home: &PrivateHome,
    env: &[(&str, &Path)],
    read_stdout: bool,
) -> Result<Child> {
    let mut command = Command::new(program);
    home.apply(command.as_std_mut());
    command
        .args(args)
        .envs(env.iter().copied())
        .stdout(if read_stdout {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        // Not inherited: tauri-driver's own child (WebKitWebDriver) would hold the test's
        // output open after the test ends.
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| {
            format!("cannot start {program}: is it installed? (`make setup` installs it)")
        })
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The port chromedriver says it listens on: `ChromeDriver was started successfully on
/// port 38537.` The rest of its output is read and dropped, so that it never blocks on a
/// full pipe.
async fn announced_port(child: &mut Child) -> Result<u16> {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let stdout = child.stdout.take().context("chromedriver's stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let port = tokio::time::timeout(DRIVER_START, async {
        while let Some(line) = lines.next_line().await? {
            if let Some(port) = line
                .strip_prefix("ChromeDriver was started successfully on port ")
                .and_then(|rest| rest.trim_end_matches('.').parse().ok())
            {
                return Ok(port);
            }
        }
        bail!("chromedriver exited without saying which port it listens on")
    })
    .await
    .context("chromedriver did not say which port it listens on")??;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok(port)
}

/// How long a WebDriver server gets to start.
const DRIVER_START: Duration = Duration::from_secs(20);

/// Waits until a WebDriver server answers its `/status` on `port`. An open port is not
/// enough: a connection to a port nothing listens on can connect to itself, when the
/// kernel picks the same port for its source, and a port may be another process's.
async fn wait_for_driver(port: u16) -> Result<()> {
    crate::wait_until(DRIVER_START, "the WebDriver server to answer", async || {
        Ok(status_is_ok(port).await.then_some(()))
    })
    .await
}

async fn status_is_ok(port: u16) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)).await else {
        return false;
    };
    // HTTP/1.1: chromedriver closes an HTTP/1.0 request unanswered.
    let request =
        format!("GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    let mut head = [0; 12];
    stream.read_exact(&mut head).await.is_ok()
        && (head.starts_with(b"HTTP/1.1 200") || head.starts_with(b"HTTP/1.0 200"))
}
