//! The demo in real browsers against the headless server binary: headless Chromium clicking
//! the real buttons (the same scenarios run in the Tauri window, see the root `tests/`), and
//! Chromium and WebKit's MiniBrowser visited by other local servers.

use crate::util::headless::Headless;
use std::{
    sync::{Arc, Mutex},
    time::Duration,
};
use ui_scenarios::{Scenario, Session, drivers, wait_until};

#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; `make test` runs it"]
async fn demo_works_in_headless_chromium() -> anyhow::Result<()> {
    // Opening the URL exactly as printed proves the token login works in a real browser.
    let server = Headless::spawn(&["--port", "0"]).await;
    let session = drivers::chromium(&server.url).await?;
    assert_eq!(
        session.client.current_url().await?.as_str(),
        format!("{}/", server.base()),
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
            .get(format!("{}/", server.base()))
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
    session.client.goto(&format!("{}/", server.base())).await?;
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

/// Another local user binds a port of their own on our address (`ss -ltn` shows it) and
/// gets the user to visit it once. Their page is same-site with ours, so its own requests,
/// its reload and its favicon would carry a cookie scoped to the host alone. Ours is scoped
/// to the server's secret base path, so the browser sends it none of them; and a cookie of
/// our name that page plants on `/`, with `junk` more, does not sign the user out.
async fn a_page_on_another_port_of_our_address_gets_nothing(
    server: &Headless,
    session: &Session,
    junk: usize,
) -> anyhow::Result<()> {
    let ip = datastar_ui::readiness::authority(server.origin())
        .and_then(|authority| authority.rsplit_once(':'))
        .map(|(ip, _)| ip.to_owned())
        .expect("our address");
    let cookie_name = server.cookie_name();
    let neighbour = Neighbour::start(&ip, &cookie_name, junk).await?;
    session.client.goto(&neighbour.url).await?;
    wait_until(
        Duration::from_secs(10),
        "the neighbour's page to fetch, reload and finish",
        async || Ok((session.client.title().await? == "done").then_some(())),
    )
    .await?;
    let seen = neighbour.requests();
    for path in ["/", "/probe", "/?again"] {
        anyhow::ensure!(
            seen.iter().any(|(seen, _)| seen == path),
            "the neighbour's page made no request for {path}: {seen:?}"
        );
    }
    let client = reqwest::Client::new();
    for (path, cookie) in seen
        .iter()
        .filter_map(|(path, cookie)| Some((path, cookie.as_ref()?)))
    {
        for pair in cookie.split(';').map(str::trim) {
            anyhow::ensure!(
                !pair.starts_with(&format!("{cookie_name}=")) || pair.ends_with("=planted"),
                "the neighbour got our session cookie with {path}: {pair}"
            );
        }
        let replayed = client
            .get(format!("{}/get?datastar=%7B%7D", server.base()))
            .header("cookie", cookie)
            .header("datastar-request", "true")
            .send()
            .await?
            .status();
        anyhow::ensure!(
            replayed == 401,
            "what the neighbour got opens our server: {cookie}"
        );
    }
    // The user, back on our page, is still signed in.
    session.client.goto(&format!("{}/", server.base())).await?;
    Scenario::RoundtripCountsCharacters
        .run(&session.client)
        .await
}

#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; `make test` runs it"]
async fn another_port_of_our_address_gets_nothing_in_chromium() -> anyhow::Result<()> {
    let server = Headless::spawn(&["--port", "0"]).await;
    let session = drivers::chromium(&server.url).await?;
    // No junk: Chromium keeps 180 cookies a host, so 200 push ours out (SECURITY.md).
    a_page_on_another_port_of_our_address_gets_nothing(&server, &session, 0).await?;
    session.close().await
}

#[tokio::test]
#[ignore = "needs Xvfb, WebKitWebDriver and MiniBrowser; `make test` runs it"]
async fn another_port_of_our_address_gets_nothing_in_a_webkit_browser() -> anyhow::Result<()> {
    let server = Headless::spawn(&["--port", "0"]).await;
    let session = drivers::minibrowser(&server.url).await?;
    a_page_on_another_port_of_our_address_gets_nothing(&server, &session, 200).await?;
    session.close().await
}

/// The other user's server: a page that plants cookies, fetches, and reloads itself once,
/// keeping the path and the `Cookie` header of every request it gets.
/// Each request's path, and its `Cookie` header if it had one.
type Requests = Arc<Mutex<Vec<(String, Option<String>)>>>;

struct Neighbour {
    url: String,
    requests: Requests,
    _task: tokio::task::JoinHandle<()>,
}

impl Neighbour {
    async fn start(ip: &str, cookie_name: &str, junk: usize) -> anyhow::Result<Self> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind((ip, 0)).await?;
        let url = format!("http://{}/", listener.local_addr()?);
        let page = format!(
            "<!doctype html><title>attack</title><script>
             document.cookie = '{cookie_name}=planted; path=/';
             for (let i = 0; i < {junk}; i++) document.cookie = 'junk' + i + '=x; path=/';
             fetch('/probe', {{credentials: 'include'}}).then(() => location.replace('/?again'));
             </script>"
        );
        let requests = Requests::default();
        let task = tokio::spawn({
            let requests = requests.clone();
            async move {
                while let Ok((mut stream, _)) = listener.accept().await {
                    let mut head = vec![0u8; 64 * 1024];
                    let n = stream.read(&mut head).await.unwrap_or(0);
                    let head = String::from_utf8_lossy(&head[..n]).into_owned();
                    let path = head.split(' ').nth(1).unwrap_or_default().to_owned();
                    let cookie = head.lines().find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("cookie")
                            .then(|| value.trim().to_owned())
                    });
                    let body = match path.as_str() {
                        "/" => page.clone(),
                        "/?again" => "<!doctype html><title>done</title>".to_owned(),
                        _ => "ok".to_owned(),
                    };
                    requests.lock().unwrap().push((path, cookie));
                    let response = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
                         Connection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                }
            }
        });
        Ok(Self {
            url,
            requests,
            _task: task,
        })
    }

    fn requests(&self) -> Vec<(String, Option<String>)> {
        self.requests.lock().unwrap().clone()
    }
}
