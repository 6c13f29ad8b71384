//! The navigation lock, in the real window: every way of leaving the page is refused, and
//! web links reach the default browser (a stub opener that records what it was asked).

use crate::support::{desktop_app, require_display};
use anyhow::{Context, Result, ensure};
use fantoccini::{Client, Locator};
use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::Duration,
};
use ui_scenarios::{Scenario, drivers, wait_until};

/// How long a refused navigation gets to (wrongly) happen before the test looks.
const SETTLE: Duration = Duration::from_millis(700);

/// One way a page can try to leave: a script that puts an element `#leave` in the page,
/// which the test clicks (a user's gesture, which `window.open` needs) to go to
/// `arguments[0]`.
struct Attempt {
    name: &'static str,
    script: &'static str,
    /// Whether the default browser gets the URL instead.
    opens_in_browser: bool,
}

/// Clicking a button that runs `action` (a function of the target URL).
macro_rules! button_that {
    ($action:literal) => {
        concat!(
            "document.getElementById('leave')?.remove();
             const to = arguments[0], b = document.createElement('button');
             b.id = 'leave'; b.textContent = 'leave'; document.body.append(b);
             b.onclick = () => { ",
            $action,
            " };"
        )
    };
}

const ATTEMPTS: [Attempt; 6] = [
    Attempt {
        name: "link",
        script: "document.getElementById('leave')?.remove();
                 const a = document.createElement('a'); a.id = 'leave'; a.href = arguments[0];
                 a.textContent = 'leave'; document.body.append(a);",
        opens_in_browser: true,
    },
    Attempt {
        name: "target-blank",
        script: "document.getElementById('leave')?.remove();
                 const a = document.createElement('a'); a.id = 'leave'; a.href = arguments[0];
                 a.target = '_blank'; a.textContent = 'leave'; document.body.append(a);",
        opens_in_browser: true,
    },
    Attempt {
        name: "location",
        script: button_that!("location.href = to;"),
        opens_in_browser: true,
    },
    Attempt {
        name: "window-open",
        script: button_that!("window.open(to);"),
        opens_in_browser: true,
    },
    Attempt {
        name: "form",
        script: button_that!(
            "const f = document.createElement('form'); f.action = to; f.method = 'post';
             document.body.append(f); f.submit();"
        ),
        // The page's CSP (`form-action 'self'`) stops it before the window sees it, and a
        // POST is not a link to hand to the browser.
        opens_in_browser: false,
    },
    Attempt {
        name: "refresh-redirect",
        script: button_that!(
            "const m = document.createElement('meta'); m.httpEquiv = 'refresh';
             m.content = '0;url=' + to; document.head.append(m);"
        ),
        opens_in_browser: true,
    },
];

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver; `make test` runs it"]
async fn the_window_stays_on_its_page_and_links_open_in_the_browser() -> Result<()> {
    require_display();
    let opener = StubOpener::new()?;
    let other = OtherLocalServer::start().await?;
    let session =
        drivers::tauri_app_with_env(desktop_app(), &[("PATH", opener.path_variable())]).await?;
    let client = &session.client;
    Scenario::FeedTicks.run(client).await?;
    let ours = origin_of(client).await?;

    for attempt in ATTEMPTS {
        let to = format!("{}/{}", other.origin, attempt.name);
        client
            .execute(attempt.script, vec![to.clone().into()])
            .await?;
        client
            .find(Locator::Css("#leave"))
            .await?
            .click()
            .await
            .with_context(|| format!("trying to leave by {}", attempt.name))?;
        if attempt.opens_in_browser {
            opener
                .wait_for(&to)
                .await
                .with_context(|| format!("the browser was not asked for {to}"))?;
        }
        still_on(client, &ours, attempt.name).await?;
    }

    // A scheme no browser should get is dropped, not opened.
    client
        .execute("location.href = 'file:///etc/hostname';", vec![])
        .await?;
    tokio::time::sleep(SETTLE).await;
    still_on(client, &ours, "file URL").await?;
    ensure!(
        !opener.asked()?.iter().any(|url| url.starts_with("file:")),
        "the opener was asked for a file URL: {:?}",
        opener.asked()?
    );

    // The page's own link to Datastar's site, clicked as a user would.
    client.find(Locator::Css("footer a")).await?.click().await?;
    opener.wait_for("https://data-star.dev/").await?;
    still_on(client, &ours, "footer link").await?;

    let reached = other.requests();
    ensure!(
        reached.is_empty(),
        "the other local server got requests: {reached:?}"
    );
    Scenario::FeedTicks.run(client).await?;
    session.close().await
}

/// Checks that the window still shows our page, alone.
async fn still_on(client: &Client, ours: &str, after: &str) -> Result<()> {
    tokio::time::sleep(SETTLE).await;
    let now = origin_of(client).await?;
    ensure!(
        now == ours,
        "after the {after} attempt the window shows {now}"
    );
    let windows = client.windows().await?;
    ensure!(
        windows.len() == 1,
        "after the {after} attempt there are {} windows",
        windows.len()
    );
    Ok(())
}

async fn origin_of(client: &Client) -> Result<String> {
    Ok(client.current_url().await?.origin().ascii_serialization())
}

/// An `xdg-open` that records each URL it is given, first on the app's `PATH`.
struct StubOpener {
    dir: tempfile::TempDir,
    path_variable: PathBuf,
}

impl StubOpener {
    fn new() -> Result<Self> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir()?;
        let script = dir.path().join("xdg-open");
        let log = dir.path().join("asked");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", log.display()),
        )?;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
        let path_variable = std::env::join_paths(std::iter::once(dir.path().to_owned()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))?
        .into();
        Ok(Self { dir, path_variable })
    }

    fn path_variable(&self) -> &Path {
        &self.path_variable
    }

    /// The URLs asked for so far, in order.
    fn asked(&self) -> Result<Vec<String>> {
        match std::fs::read_to_string(self.dir.path().join("asked")) {
            Ok(text) => Ok(text.lines().map(str::to_owned).collect()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(err) => Err(err.into()),
        }
    }

    async fn wait_for(&self, url: &str) -> Result<()> {
        let mut asked = Vec::new();
        wait_until(
            Duration::from_secs(5),
            "the opener to be asked",
            async || {
                asked = self.asked()?;
                Ok(asked.iter().any(|seen| seen == url).then_some(()))
            },
        )
        .await
        .with_context(|| format!("asked for {asked:?}, not {url}"))
    }
}

/// Another web server on loopback, as a user may run: it must never get a request from
/// the window, which would carry our cookie. (WebKit may open a connection ahead of a
/// navigation, to save time; an empty connection carries nothing.)
struct OtherLocalServer {
    origin: String,
    requests: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl OtherLocalServer {
    async fn start() -> Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let origin = format!("http://{}", listener.local_addr()?);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let task = tokio::spawn({
            let requests = requests.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    tokio::spawn(record_request(stream, requests.clone()));
                }
            }
        });
        Ok(Self {
            origin,
            requests,
            task,
        })
    }

    /// The first line of each request received.
    fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

async fn record_request(stream: tokio::net::TcpStream, requests: Arc<Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
        return;
    }
    requests
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(line.trim_end().to_owned());
    let _ = stream
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nother")
        .await;
}

impl Drop for OtherLocalServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
