//! The application state every route shares, built once per listening address.

use crate::{
    limits,
    native_requests::NativeRequests,
    page::notifications::{NotificationLine, NotificationStatus},
    page::page_events::PageEvents,
    page::updates::{UpdatePanel, UpdateStatus},
    page::{feeds::LiveFeeds, templates::Templates},
    security::{Auth, Policy, SessionCookie},
    store::Store,
    transport::connections::Connections,
};
use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};
use tokio_util::sync::CancellationToken;

/// How one server instance behaves. The defaults are what the desktop app ships with,
/// except for `auth`, which each caller chooses (see [`Auth`]).
#[derive(Debug, Clone)]
pub struct Config {
    pub auth: Auth,
    /// Concurrent `/feed` streams allowed before new ones get 503.
    pub max_feeds: usize,
    /// Time a client gets to send a complete request head before the connection is closed.
    pub header_read_timeout: Duration,
    /// Silence after which a feed sends an SSE comment, so that proxies and idle-connection
    /// reapers see a live stream even while the page has the feed hidden.
    pub keep_alive: Duration,
    /// Open connections allowed at once; past it, the oldest that has not signed in is
    /// closed. `None`: the process's open-file limit, less a reserve.
    pub max_connections: Option<usize>,
    /// Debug builds only: serve the page's files from this directory and push every edit
    /// to open pages (see [`crate::page::live_reload`]). `None` serves the embedded files.
    #[cfg(debug_assertions)]
    pub live_reload: Option<std::path::PathBuf>,
    /// Where the page's state is kept: a file in a data directory ([`Store::open`]), or
    /// memory ([`Store::in_memory`], the default).
    pub store: Store,
    /// The page's way to the native side ([`NativeRequests`]); `None`, the default, for a
    /// server with none (headless), which then serves no route that would use it.
    pub native: Option<NativeRequests>,
}

impl Default for Config {
    /// A fresh random token, so that forgetting to configure auth never means no auth.
    fn default() -> Self {
        Self {
            auth: Auth::Token(crate::security::Token::generate()),
            max_feeds: limits::DEFAULT_MAX_FEEDS,
            header_read_timeout: limits::HEADER_READ_TIMEOUT,
            keep_alive: limits::KEEP_ALIVE,
            max_connections: None,
            #[cfg(debug_assertions)]
            live_reload: crate::page::live_reload::default_dir(),
            store: Store::in_memory(),
            native: None,
        }
    }
}

/// One running server: its address, its policy, its live streams and its shutdown signal.
///
/// Cheap to clone; every clone sees the same state, so a test can keep one to watch
/// [`AppState::live_feeds`] while the server runs.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Who may come in: what the guard reads.
    policy: Arc<Policy>,
    feeds: LiveFeeds,
    header_read_timeout: Duration,
    keep_alive: Duration,
    connections: Arc<Connections>,
    page_events: PageEvents,
    store: Store,
    native: Option<NativeRequests>,
    /// The update panel as it stands, for pages loaded from now on.
    updates: UpdatePanel,
    /// What became of the desktop app's notifications, likewise.
    notifications: NotificationLine,
    /// Whether the desktop app has a tray icon, so that the settings offer to keep running in
    /// it.
    tray: AtomicBool,
    #[cfg(debug_assertions)]
    live_reload: Option<Arc<crate::page::live_reload::LiveReload>>,
    shutdown: CancellationToken,
}

impl AppState {
    /// `addr` is the address the listener actually bound (port 0 resolved), because the
    /// Host check and the session cookie's name both depend on the real port.
    pub fn new(addr: SocketAddr, config: Config) -> Self {
        Self {
            inner: Arc::new(Inner {
                policy: Arc::new(Policy::new(addr, config.auth, config.native.clone())),
                feeds: LiveFeeds::new(config.max_feeds),
                header_read_timeout: config.header_read_timeout,
                keep_alive: config.keep_alive,
                connections: Connections::new(
                    config
                        .max_connections
                        .unwrap_or_else(crate::transport::connections::default_cap),
                ),
                page_events: PageEvents::default(),
                store: config.store,
                native: config.native,
                updates: UpdatePanel::default(),
                notifications: NotificationLine::default(),
                tray: AtomicBool::new(false),
                #[cfg(debug_assertions)]
                live_reload: config
                    .live_reload
                    .map(crate::page::live_reload::LiveReload::start),
                shutdown: CancellationToken::new(),
            }),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.inner.policy.addr()
    }

    /// Who may come in: what the guard reads.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.inner.policy
    }

    /// `http://IP:PORT/`: where the server listens, which opens nothing by itself. The
    /// readiness line prints it.
    pub fn origin(&self) -> String {
        let addr = self.addr();
        // A wildcard bind is reachable on loopback, and a browser cannot open `0.0.0.0`.
        let ip = if addr.ip().is_unspecified() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            addr.ip()
        };
        format!("http://{}/", SocketAddr::new(ip, addr.port()))
    }

    /// `/s/<secret>`, the path every route lives under.
    pub fn base_path(&self) -> &str {
        self.inner.policy.base_path()
    }

    /// The URL of `path` (`/get`, `/assets/style.css`) under [`AppState::base_path`].
    pub fn url(&self, path: &str) -> String {
        format!(
            "{}{}{path}",
            self.origin().trim_end_matches('/'),
            self.base_path()
        )
    }

    /// The clean URL of the page, without any token: what the address bar shows after login.
    pub fn base_url(&self) -> String {
        self.url("/")
    }

    /// The URL to open first. With a token it carries `?token=…`, which the server swaps,
    /// once, for a session cookie, and redirects to [`AppState::base_url`].
    pub fn launch_url(&self) -> String {
        match self.auth() {
            Auth::Token(token) => self.url_with(token),
            Auth::Disabled => self.base_url(),
        }
    }

    /// A new URL that signs one more browser in, once: for a window that lost its session
    /// (a renderer that crashed out of an incognito session), or a second client.
    pub fn issue_launch_url(&self) -> String {
        match self.inner.policy.issue_token() {
            Some(token) => self.url_with(&token),
            None => self.base_url(),
        }
    }

    fn url_with(&self, token: &crate::security::Token) -> String {
        format!("{}?token={}", self.base_url(), token.reveal())
    }

    pub fn auth(&self) -> &Auth {
        self.inner.policy.auth()
    }

    /// The cookie that carries this server's session; its name depends on the port.
    pub fn session_cookie(&self) -> &SessionCookie {
        self.inner.policy.session_cookie()
    }

    /// The live `/feed` streams: their count falls as clients leave, which tests watch.
    pub fn live_feeds(&self) -> &LiveFeeds {
        &self.inner.feeds
    }

    pub(crate) fn header_read_timeout(&self) -> Duration {
        self.inner.header_read_timeout
    }

    /// Debug builds: the page's files served from disk and watched, if live reload is on.
    #[cfg(debug_assertions)]
    pub(crate) fn live_reload(&self) -> Option<&Arc<crate::page::live_reload::LiveReload>> {
        self.inner.live_reload.as_ref()
    }

    /// The page's templates: in debug builds with live reload, as they are on disk now.
    pub(crate) fn templates(&self) -> Arc<Templates> {
        #[cfg(debug_assertions)]
        if let Some(live) = self.live_reload() {
            return live.templates();
        }
        Templates::built_in()
    }

    /// The page's state, kept on the server.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// How native code (a menu, a shortcut) talks to every open page.
    pub fn page_events(&self) -> &PageEvents {
        &self.inner.page_events
    }

    /// How the page's actions reach the native side, if this server has one.
    pub fn native(&self) -> Option<&NativeRequests> {
        self.inner.native.as_ref()
    }

    /// The update panel as it stands.
    pub fn update_status(&self) -> UpdateStatus {
        self.inner.updates.status()
    }

    /// Shows `status` in the update panel of every open page, and of every page loaded
    /// from now on.
    pub fn show_update(&self, status: UpdateStatus) {
        self.inner
            .updates
            .show(status, &self.templates(), self.page_events());
    }

    /// Whether the desktop app has a tray icon, which the shell says once it has tried to
    /// make one.
    pub fn has_tray(&self) -> bool {
        self.inner.tray.load(Ordering::Relaxed)
    }

    pub fn set_tray(&self, present: bool) {
        self.inner.tray.store(present, Ordering::Relaxed);
    }

    /// What the page says about notifications, as it stands.
    pub fn notification_status(&self) -> NotificationStatus {
        self.inner.notifications.status()
    }

    /// Says `status` in `#notifications`, in every open page and every page loaded from now
    /// on.
    pub fn show_notifications(&self, status: NotificationStatus) {
        self.inner
            .notifications
            .show(status, &self.templates(), self.page_events());
    }

    /// The open connections and their cap: tests watch the count.
    pub fn connections(&self) -> &Arc<Connections> {
        &self.inner.connections
    }

    pub(crate) fn keep_alive(&self) -> Duration {
        self.inner.keep_alive
    }

    /// Cancelled when the server starts shutting down; endless streams end on it, or
    /// graceful shutdown would wait for them forever.
    pub(crate) fn shutdown_token(&self) -> &CancellationToken {
        &self.inner.shutdown
    }
}
