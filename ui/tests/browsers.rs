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
    // Dual-stack where the system has IPv6, so that `localhost` reaches it either way.
    let listener = match tokio::net::TcpListener::bind("[::]:0").await {
        Ok(listener) => listener,
        Err(_) => tokio::net::TcpListener::bind("0.0.0.0:0").await?,
    };
    let neighbour = Neighbour::start(listener, |_| "ok".to_owned())?;
    for host in ["127.0.0.1", "localhost"] {
        session
            .client
            .goto(&format!("http://{host}:{}/", neighbour.addr.port()))
            .await?;
    }
    let received: Vec<String> = neighbour
        .requests()
        .into_iter()
        .filter_map(|(_, cookie)| cookie)
        .collect();
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
    let page = format!(
        "<!doctype html><title>attack</title><script>
         document.cookie = '{cookie_name}=planted; path=/';
         for (let i = 0; i < {junk}; i++) document.cookie = 'junk' + i + '=x; path=/';
         fetch('/probe', {{credentials: 'include'}}).then(() => location.replace('/?again'));
         </script>"
    );
    let listener = tokio::net::TcpListener::bind((ip.as_str(), 0)).await?;
    let neighbour = Neighbour::start(listener, move |path| match path {
        "/" => page.clone(),
        "/?again" => "<!doctype html><title>done</title>".to_owned(),
        _ => "ok".to_owned(),
    })?;
    session
        .client
        .goto(&format!("http://{}/", neighbour.addr))
        .await?;
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

/// Each request's path, and its `Cookie` header if it had one.
type Requests = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// Another web server on this machine: it answers each path with `page(path)`, and keeps
/// the path and the `Cookie` header of every request it gets.
struct Neighbour {
    addr: std::net::SocketAddr,
    requests: Requests,
    _task: tokio::task::JoinHandle<()>,
}

impl Neighbour {
    fn start(
        listener: tokio::net::TcpListener,
        page: impl Fn(&str) -> String + Send + 'static,
    ) -> anyhow::Result<Self> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = listener.local_addr()?;
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
                    let body = page(&path);
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
            addr,
            requests,
            _task: task,
        })
    }

    fn requests(&self) -> Vec<(String, Option<String>)> {
        self.requests.lock().unwrap().clone()
    }
}

// ---- The page's state, kept by the server ----

/// Starts the headless server on `data_dir`.
async fn on_data_dir(data_dir: &std::path::Path) -> Headless {
    let dir = data_dir.to_str().expect("a UTF-8 path");
    Headless::spawn(&["--port", "0", "--data-dir", dir]).await
}

/// What the user left survives `kill -9` and a restart on the same data directory; another
/// data directory starts empty.
#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; `make test` runs it"]
async fn the_page_comes_back_as_left_after_kill_9_and_a_restart() -> anyhow::Result<()> {
    use ui_scenarios::state;
    let data = tempfile::tempdir()?;
    let mut server = on_data_dir(data.path()).await;
    let session = drivers::chromium(&server.url).await?;
    let left = state::leave_state(&session.client).await?;
    state::wait_until_stored(data.path(), &left).await?;
    server.child.kill().await?;

    let server = on_data_dir(data.path()).await;
    session.client.goto(&server.url).await?;
    state::state_is_back(&session.client, &left).await?;

    let elsewhere = tempfile::tempdir()?;
    let other = on_data_dir(elsewhere.path()).await;
    session.client.goto(&other.url).await?;
    state::page_is_empty(&session.client).await?;
    session.close().await
}

/// Saved text stays text: every text that once broke the page or ran in it, and generated
/// ones, typed and pasted, come back exactly after a reload, and the last after a restart;
/// nothing runs, and the page keeps its feed and keeps saving.
#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; `make test` runs it"]
async fn saved_text_stays_text_in_chromium() -> anyhow::Result<()> {
    use ui_scenarios::saved_text;
    let data = tempfile::tempdir()?;
    let mut server = on_data_dir(data.path()).await;
    let session = drivers::chromium(&server.url).await?;
    let client = &session.client;
    let mut last = String::new();
    for (text, entry) in saved_text::all_entries() {
        saved_text::enter_and_send(client, data.path(), &text, entry)
            .await
            .map_err(|err| err.context(format!("{entry:?}")))?;
        client.refresh().await?;
        saved_text::is_back_as_text(client, &text).await?;
        last = text;
    }
    server.child.kill().await?;
    let server = on_data_dir(data.path()).await;
    client.goto(&server.url).await?;
    saved_text::is_back_as_text(client, &last).await?;
    saved_text::page_works(client, data.path(), &last).await?;
    session.close().await
}

/// Two tabs on one server: what one types shows in the other within a second, pushed by the
/// server, and the tab being typed in is not disturbed.
#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; `make test` runs it"]
async fn two_tabs_stay_in_step() -> anyhow::Result<()> {
    use fantoccini::Locator;
    let server = Headless::spawn(&["--port", "0"]).await;
    let session = drivers::chromium(&server.url).await?;
    let client = &session.client;
    let first = client.window().await?;
    let second = client.new_window(true).await?.handle;
    client.switch_to_window(second.clone()).await?;
    client.goto(&format!("{}/", server.base())).await?;
    let typed = "typed in the second tab";
    client
        .find(Locator::Css("#input"))
        .await?
        .send_keys(typed)
        .await?;

    client.switch_to_window(first).await?;
    let value = async || ui_scenarios::state::input_value(client).await;
    // The save waits for typing to pause (300 ms), then reaches the other tab.
    wait_until(
        Duration::from_secs(2),
        "the other tab to show it",
        async || Ok((value().await? == typed).then_some(())),
    )
    .await?;
    client.switch_to_window(second).await?;
    anyhow::ensure!(value().await? == typed, "the typing tab keeps its own text");
    session.close().await
}

/// One tab types for 20 s, in bursts, as a person does, while a second tab is open on the
/// same server. The typing tab never loses a character, the other tab ends with the same
/// text, and so does the store. A tab that posted back what it was sent would overwrite the
/// typing with an older text, pushed back into the tab being typed in.
#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; `make test` runs it"]
async fn typing_in_one_tab_while_another_is_open_loses_nothing() -> anyhow::Result<()> {
    use fantoccini::Locator;
    use ui_scenarios::state::input_value;
    /// How long the user types.
    const TYPING: Duration = Duration::from_secs(20);
    let data = tempfile::tempdir()?;
    let server = on_data_dir(data.path()).await;
    let session = drivers::chromium(&server.url).await?;
    let client = &session.client;
    let typing_tab = client.window().await?;
    let listening_tab = client.new_window(true).await?.handle;
    client.switch_to_window(listening_tab.clone()).await?;
    client.goto(&format!("{}/", server.base())).await?;
    client.switch_to_window(typing_tab).await?;

    let input = client.find(Locator::Css("#input")).await?;
    // The user's rhythm, from a fixed sequence so that a failure repeats: a key every
    // 50-150 ms, and after every few keys a pause of 250-400 ms, around the page's 300 ms
    // debounce, so that saves and their pushes interleave with typing.
    let mut seed: u32 = 7;
    let mut next = |range: u32| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (seed >> 16) % range
    };
    let mut typed = String::new();
    let started = std::time::Instant::now();
    while started.elapsed() < TYPING {
        let key = char::from(b'a' + next(26) as u8);
        input.send_keys(&key.to_string()).await?;
        typed.push(key);
        let pause = if next(6) == 0 {
            250 + next(151)
        } else {
            50 + next(101)
        };
        tokio::time::sleep(Duration::from_millis(pause.into())).await;
    }
    wait_until(
        Duration::from_secs(5),
        "the store to hold what was typed",
        async || {
            let stored = datastar_ui::Store::peek(data.path())?.map(|state| state.input);
            Ok((stored.as_deref() == Some(typed.as_str())).then_some(()))
        },
    )
    .await?;
    let shown = input_value(client).await?;
    anyhow::ensure!(
        shown == typed,
        "the typing tab lost characters: {shown:?}, not {typed:?}"
    );
    client.switch_to_window(listening_tab).await?;
    wait_until(
        Duration::from_secs(5),
        "the other tab to show it",
        async || Ok((input_value(client).await? == typed).then_some(())),
    )
    .await?;
    // Whether or not an echo happened to land late enough to lose a character in this run,
    // the tab nobody typed in must have posted nothing: every save is a user's act.
    let saves = client
        .execute(
            "return performance.getEntriesByType('resource')
                .filter(entry => new URL(entry.name).pathname.endsWith('/save')).length",
            vec![],
        )
        .await?;
    anyhow::ensure!(
        saves.as_u64() == Some(0),
        "the tab nobody typed in posted {saves} saves: it echoes what it was sent"
    );
    session.close().await
}

/// A damaged store is moved aside, never deleted, and the page starts afresh and says so; a
/// store from a newer version, or a data directory the server cannot write, leaves the
/// file alone and keeps the state in memory, and the page says that too.
#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; `make test` runs it"]
async fn a_damaged_newer_or_unwritable_store_is_explained_in_the_page() -> anyhow::Result<()> {
    use datastar_ui::store::FILE_NAME;
    use ui_scenarios::state;
    let damaged = tempfile::tempdir()?;
    std::fs::write(damaged.path().join(FILE_NAME), "the user's bytes")?;
    let newer = tempfile::tempdir()?;
    {
        let connection = rusqlite::Connection::open(newer.path().join(FILE_NAME))?;
        connection.pragma_update(None, "user_version", 999)?;
    }
    let newer_bytes = std::fs::read(newer.path().join(FILE_NAME))?;
    // Under a file, no directory can be made, not even by root, as CI runs.
    let blocked = tempfile::tempdir()?;
    std::fs::write(blocked.path().join("a-file"), "")?;
    let unwritable = &blocked.path().join("a-file/data");

    for (dir, says) in [
        (damaged.path(), "damaged"),
        (newer.path(), "newer version"),
        (unwritable, "will not be kept"),
    ] {
        let server = on_data_dir(dir).await;
        let session = drivers::chromium(&server.url).await?;
        let notice = state::notice(&session.client).await?;
        anyhow::ensure!(
            notice.contains(says),
            "{}: the page says {notice:?}",
            dir.display()
        );
        session.close().await?;
    }
    let kept: Vec<_> = std::fs::read_dir(damaged.path())?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("state.sqlite3.damaged-"))
        .collect();
    anyhow::ensure!(kept.len() == 1, "the damaged file is kept beside: {kept:?}");
    anyhow::ensure!(
        std::fs::read(damaged.path().join(&kept[0]))? == b"the user's bytes",
        "byte for byte"
    );
    anyhow::ensure!(
        std::fs::read(newer.path().join(FILE_NAME))? == newer_bytes,
        "the newer file is left as it was"
    );
    Ok(())
}

/// Toggle Feed from outside the page (SIGUSR1 here, the menu in the desktop app) is kept too.
#[tokio::test]
#[ignore = "needs Debian's chromium and chromium-driver; `make test` runs it"]
async fn a_toggle_from_outside_is_kept() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let server = on_data_dir(data.path()).await;
    let session = drivers::chromium(&server.url).await?;
    Scenario::FeedTicks.run(&session.client).await?;
    // The page's /events stream is open once its feed ticks.
    server.signal("-USR1");
    ui_scenarios::wait_until(
        Duration::from_secs(5),
        "the hidden feed to be kept",
        async || {
            let shown = datastar_ui::Store::peek(data.path())
                .ok()
                .flatten()
                .map(|state| state.show);
            Ok((shown == Some(false)).then_some(()))
        },
    )
    .await?;
    session.close().await
}
