//! A real server on a free loopback port, a real HTTP client, and a small SSE parser.

pub mod headless;
pub mod sse;

use datastar_ui::{AppState, Auth, Config};
use reqwest::{RequestBuilder, cookie::CookieStore};
use std::{io, sync::Arc, time::Duration};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

pub use sse::{SseEvent, SseStream};

/// The Datastar signals the page sends, as the `datastar` query parameter carries them.
pub const PAGE_SIGNALS: &str = r#"{"input":"","output":"","show":true}"#;

/// The configuration release builds ship with: token auth on, default limits, and the
/// page's files embedded (debug builds would serve them live from `ui/assets/`).
pub fn shipped() -> Config {
    Config {
        #[cfg(debug_assertions)]
        live_reload: None,
        ..Config::default()
    }
}

pub struct TestServer {
    pub app: AppState,
    /// The signed-in client's cookies, as a browser keeps them.
    jar: Arc<reqwest::cookie::Jar>,
    /// Signed in with a real launch URL (when auth is on): it sends the session cookie.
    signed_in: reqwest::Client,
    /// No cookies, no Datastar header.
    anonymous: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<io::Result<()>>,
}

impl TestServer {
    /// The server as release builds ship it: token auth on, default limits.
    pub async fn start() -> Self {
        Self::start_with(shipped()).await
    }

    /// Starts the server on a loopback address of its own, as the apps do, and signs in
    /// with a launch token of its own, so that the configured one stays unused.
    pub async fn start_with(config: Config) -> Self {
        let listener = datastar_ui::loopback::bind(0)
            .and_then(TcpListener::from_std)
            .expect("bind");
        Self::serve(listener, config).await
    }

    /// On `addr` exactly, as a restarted server on the same address would be.
    #[cfg(target_os = "linux")]
    pub async fn start_at(addr: std::net::SocketAddr, config: Config) -> Self {
        Self::serve(TcpListener::bind(addr).await.expect("bind"), config).await
    }

    async fn serve(listener: TcpListener, config: Config) -> Self {
        let app = AppState::new(listener.local_addr().expect("local addr"), config);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(datastar_ui::serve(listener, app.clone(), async {
            let _ = stopped.await;
        }));
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let signed_in = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_provider(jar.clone())
            .build()
            .expect("client");
        if let Auth::Token(_) = app.auth() {
            sign_in(&signed_in, &app.issue_launch_url()).await;
        }
        Self {
            app,
            jar,
            signed_in,
            anonymous: no_redirects(),
            stop: Some(stop),
            task,
        }
    }

    /// The URL of `path_and_query` under the server's secret base path.
    pub fn url(&self, path_and_query: &str) -> String {
        self.app.url(path_and_query)
    }

    /// `path_and_query` under the base path, as a raw request's target names it.
    pub fn path(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.app.base_path())
    }

    /// `name=secret`, as the signed-in client sends it; `None` without auth.
    pub fn session_cookie(&self) -> Option<String> {
        let url = self.url("/").parse().expect("a URL");
        let cookie = self.jar.cookies(&url)?;
        Some(cookie.to_str().ok()?.to_owned())
    }

    /// A signed-in GET, like a page load.
    pub fn get(&self, path_and_query: &str) -> RequestBuilder {
        self.signed_in.get(self.url(path_and_query))
    }

    /// A signed-in GET as Datastar's `@get` sends it.
    pub fn action(&self, path: &str, signals: &str) -> RequestBuilder {
        self.get(path)
            .query(&[("datastar", signals)])
            .header("datastar-request", "true")
    }

    /// A signed-in POST, without the Datastar header.
    pub fn post(&self, path: &str) -> RequestBuilder {
        self.signed_in.post(self.url(path))
    }

    /// A Datastar `@post`: the signals as a JSON body.
    pub fn post_action(&self, path: &str, signals: &str) -> RequestBuilder {
        self.post(path)
            .header("datastar-request", "true")
            .header("content-type", "application/json")
            .body(signals.to_owned())
    }

    /// A save, as Datastar's `@post('save')` sends it.
    pub fn save(&self, signals: &str) -> RequestBuilder {
        self.post_action("/save", signals)
    }

    /// A GET with nothing added: no cookie, no Datastar header.
    pub fn anonymous(&self, path_and_query: &str) -> RequestBuilder {
        self.anonymous.get(self.url(path_and_query))
    }

    /// Opens `/feed` and returns its event stream.
    pub async fn open_feed(&self) -> SseStream {
        let response = self
            .action("/feed", PAGE_SIGNALS)
            .send()
            .await
            .expect("feed request");
        assert_eq!(response.status(), 200, "feed status");
        SseStream::new(response)
    }

    /// Shuts the server down and returns how long graceful shutdown took.
    pub async fn stop(mut self) -> Duration {
        let started = tokio::time::Instant::now();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(10), &mut self.task)
            .await
            .expect("graceful shutdown finished")
            .expect("server task")
            .expect("serve");
        started.elapsed()
    }

    /// Waits, up to `timeout`, for the live feed count to reach `expected`.
    pub async fn wait_for_live_feeds(&self, expected: usize, timeout: Duration) -> Duration {
        let started = tokio::time::Instant::now();
        loop {
            let live = self.app.live_feeds().count();
            if live == expected {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < timeout,
                "{live} live feeds after {timeout:?}, expected {expected}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Opens a launch URL and returns the `name=value` of the cookie it sets.
pub async fn sign_in(client: &reqwest::Client, launch_url: &str) -> String {
    let response = client.get(launch_url).send().await.expect("sign in");
    assert_eq!(response.status(), 303, "a launch URL signs in");
    set_cookie_of(&response).expect("a session cookie")
}

/// `name=value` of the cookie a response sets, as the client's cookie parser reads it.
pub fn set_cookie_of(response: &reqwest::Response) -> Option<String> {
    let cookie = response.cookies().next()?;
    Some(format!("{}={}", cookie.name(), cookie.value()))
}

/// A client that follows no redirects and keeps no cookies, to see each answer as it is.
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Reads a whole (finite) SSE response into events.
pub async fn events_of(response: reqwest::Response) -> Vec<SseEvent> {
    let mut stream = SseStream::new(response);
    let mut events = Vec::new();
    while let Some(event) = stream.next_event().await {
        events.push(event);
    }
    events
}

/// Sends raw bytes as a request and returns the status code the server answers, if any.
/// For requests no well-behaved client would send: huge URIs, broken heads, wrong Hosts.
///
/// Reads only the response head: a request that happens to be a valid `/feed` streams
/// forever, and must not hold the test up.
pub async fn raw_status(addr: std::net::SocketAddr, request: &[u8]) -> Option<u16> {
    let head = exchange(addr, request, |received| {
        received.windows(4).any(|w| w == b"\r\n\r\n")
    })
    .await;
    status_of(&head)
}

/// Like [`raw_status`], with the whole response as text, for requests that end.
pub async fn raw_response(addr: std::net::SocketAddr, request: &[u8]) -> Option<(u16, String)> {
    let response = exchange(addr, request, |_| false).await;
    Some((
        status_of(&response)?,
        String::from_utf8_lossy(&response).into_owned(),
    ))
}

/// Writes `request`, half-closes, and reads until `enough` says so or the server closes.
async fn exchange(
    addr: std::net::SocketAddr,
    request: &[u8],
    enough: impl Fn(&[u8]) -> bool,
) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut received = Vec::new();
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
        return received;
    };
    // The server may answer and close before it has read everything: that is fine.
    let _ = stream.write_all(request).await;
    let _ = stream.shutdown().await;
    let read = tokio::time::timeout(Duration::from_secs(5), async {
        let mut buffer = [0u8; 4096];
        while !enough(&received) {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the server neither answered nor closed within 5 s"
    );
    received
}

fn status_of(response: &[u8]) -> Option<u16> {
    let code = response.strip_prefix(b"HTTP/1.1 ")?.get(..3)?;
    std::str::from_utf8(code).ok()?.parse().ok()
}
