//! The demo in headless Chromium, against the headless server binary, clicking the real
//! buttons. The same scenarios run in the Tauri window (see the root `tests/`).

use crate::util::headless::Headless;
use ui_scenarios::{Scenario, drivers};

#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; `make test` runs it"]
async fn demo_works_in_headless_chromium() -> anyhow::Result<()> {
    // Opening the URL exactly as printed proves the token login works in a real browser.
    let server = Headless::spawn(&["--port", "0"]).await;
    let session = drivers::chromium(&server.url).await?;
    assert_eq!(
        session.client.current_url().await?.as_str(),
        format!("{}/", server.origin()),
        "the token is swapped for a cookie and leaves the address bar"
    );

    Scenario::run_all(&session.client).await?;
    // The headless binary's stand-in for the desktop menu: SIGUSR1, through PageEvents.
    ui_scenarios::toggle_from_outside_hides_and_shows_feed(&session.client, async || {
        server.signal("-USR1");
        Ok(())
    })
    .await?;

    let screenshot = session.screenshot("chromium").await?;
    eprintln!("screenshot: {}", screenshot.display());
    session.close().await
}

/// Debug builds serve `ui/assets/` live: edits show in the open page, without a reload.
#[cfg(debug_assertions)]
#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; `make test` runs it"]
async fn edits_to_the_page_show_live_in_headless_chromium() -> anyhow::Result<()> {
    use ui_scenarios::live_reload::{self, AssetsCopy};
    let assets = AssetsCopy::new()?;
    let server = Headless::spawn_with_env(
        &["--port", "0"],
        &[(datastar_ui::ASSETS_DIR_VARIABLE, assets.path())],
    )
    .await;
    let session = drivers::chromium(&server.url).await?;
    live_reload::prepare(&session.client).await?;
    let latency = live_reload::edit_both(&session.client, &assets, 1).await?;
    eprintln!("live edit: {latency:?}");
    live_reload::broken_edit_keeps_the_page(&session.client, &assets).await?;
    session.close().await
}

/// Another web server on this machine, visited in the same browser after signing in here,
/// gets no credential that works on ours. It listens on every address, the worst common
/// case, and is visited as users reach local servers: `127.0.0.1` and `localhost`.
#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; `make test` runs it"]
async fn another_local_server_gets_no_credential_that_works_here() -> anyhow::Result<()> {
    let server = Headless::spawn(&["--port", "0"]).await;
    let session = drivers::chromium(&server.url).await?;
    let neighbour = CookieRecorder::start().await?;
    for host in ["127.0.0.1", "localhost"] {
        session
            .client
            .goto(&format!("http://{host}:{}/", neighbour.port))
            .await?;
    }
    let received = neighbour.cookies();
    eprintln!("the neighbour received cookies: {received:?}");
    let client = reqwest::Client::new();
    for cookie in &received {
        let status = client
            .get(format!("{}/", server.origin()))
            .header("cookie", cookie)
            .send()
            .await?
            .status();
        anyhow::ensure!(
            status == 401,
            "a cookie the neighbour received opens our server: {cookie}"
        );
    }
    // And the browser itself is still signed in here.
    session
        .client
        .goto(&format!("{}/", server.origin()))
        .await?;
    Scenario::RoundtripCountsCharacters
        .run(&session.client)
        .await?;
    session.close().await
}

/// A web server that answers every request with "ok" and keeps the `Cookie` headers it got.
struct CookieRecorder {
    port: u16,
    cookies: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    _task: tokio::task::JoinHandle<()>,
}

impl CookieRecorder {
    async fn start() -> anyhow::Result<Self> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        // Dual-stack where the system has IPv6, so that `localhost` reaches it either way.
        let listener = match tokio::net::TcpListener::bind("[::]:0").await {
            Ok(listener) => listener,
            Err(_) => tokio::net::TcpListener::bind("0.0.0.0:0").await?,
        };
        let port = listener.local_addr()?.port();
        let cookies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let task = tokio::spawn({
            let cookies = cookies.clone();
            async move {
                while let Ok((mut stream, _)) = listener.accept().await {
                    let mut head = vec![0u8; 16 * 1024];
                    let n = stream.read(&mut head).await.unwrap_or(0);
                    let head = String::from_utf8_lossy(&head[..n]).into_owned();
                    let found = head.lines().filter_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("cookie")
                            .then(|| value.trim().to_owned())
                    });
                    cookies.lock().unwrap().extend(found);
                    let _ = stream
                        .write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                        )
                        .await;
                }
            }
        });
        Ok(Self {
            port,
            cookies,
            _task: task,
        })
    }

    fn cookies(&self) -> Vec<String> {
        self.cookies.lock().unwrap().clone()
    }
}
