//! A real server on a free loopback port, a real HTTP client, and a small SSE parser.
#![allow(dead_code, unreachable_pub)] // Each test file uses a different part of this module.

pub mod headless;
pub mod sse;

use datastar_ui::{App, Auth, Config};
use reqwest::{RequestBuilder, header};
use std::{io, time::Duration};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

pub use sse::{SseEvent, SseStream};

/// The Datastar signals the page sends, as the `datastar` query parameter carries them.
pub const PAGE_SIGNALS: &str = r#"{"input":"","output":"","show":true}"#;

pub struct TestServer {
    pub app: App,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<io::Result<()>>,
}

impl TestServer {
    /// The server as the desktop app runs it: token auth on, default limits.
    pub async fn start() -> Self {
        Self::start_with(Config::default()).await
    }

    pub async fn start_with(config: Config) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let app = App::new(listener.local_addr().expect("local addr"), config);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(datastar_ui::serve(listener, app.clone(), async {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            app,
            client,
            stop: Some(stop),
            task,
        }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.app.addr())
    }

    /// `Cookie: name=token`, as the browser sends it after signing in.
    pub fn session_cookie(&self) -> Option<String> {
        match self.app.auth() {
            Auth::Token(token) => Some(format!(
                "{}={}",
                self.app.session_cookie().name(),
                token.reveal()
            )),
            Auth::Disabled => None,
        }
    }

    /// A signed-in GET, like a page load.
    pub fn get(&self, path_and_query: &str) -> RequestBuilder {
        let request = self.client.get(self.url(path_and_query));
        match self.session_cookie() {
            Some(cookie) => request.header(header::COOKIE, cookie),
            None => request,
        }
    }

    /// A signed-in GET as Datastar's `@get` sends it.
    pub fn action(&self, path: &str, signals: &str) -> RequestBuilder {
        self.get(path)
            .query(&[("datastar", signals)])
            .header("datastar-request", "true")
    }

    /// A GET with nothing added: no cookie, no Datastar header.
    pub fn anonymous(&self, path_and_query: &str) -> RequestBuilder {
        self.client.get(self.url(path_and_query))
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
pub async fn raw_status(addr: std::net::SocketAddr, request: &[u8]) -> Option<u16> {
    raw_response(addr, request).await.map(|(status, _)| status)
}

/// Like [`raw_status`], with the whole response as text. The client half-closes after
/// writing, so the server always ends the exchange.
pub async fn raw_response(addr: std::net::SocketAddr, request: &[u8]) -> Option<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    // The server may answer and close before it has read everything: that is fine.
    let _ = stream.write_all(request).await;
    let _ = stream.shutdown().await;
    let mut response = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response));
    assert!(
        read.await.is_ok(),
        "the server neither answered nor closed within 5 s"
    );
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()?;
    Some((status, text))
}
