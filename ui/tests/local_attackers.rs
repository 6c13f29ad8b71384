//! The two attackers that share the machine: another web server visited in the same browser,
//! and another local user without the token. Each section is one thing that stops them.

use crate::util::{
    PAGE_SIGNALS, SseStream, TestServer, headless::Headless, no_redirects, raw_response,
    set_cookie_of, shipped, sign_in,
};
use datastar_ui::{Auth, Config, Token};
use std::time::Duration;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    time::{Instant, sleep, timeout},
};

// ---- The launch token and the session ----

#[tokio::test]
async fn a_launch_token_signs_in_once() {
    let server = TestServer::start_with(Config {
        auth: Auth::Token(Token::parse("once-only-0123456789abcdef0123456789").unwrap()),
        ..shipped()
    })
    .await;
    let url = server.url("/?token=once-only-0123456789abcdef0123456789");
    let client = no_redirects();
    let cookie = sign_in(&client, &url).await;

    let again = client.get(&url).send().await.unwrap();
    assert_eq!(again.status(), 401, "a used token signs no one in");
    assert!(set_cookie_of(&again).is_none());
    assert!(again.text().await.unwrap().contains("already used"));

    // The browser that signed in may open its launch URL again.
    let page = client
        .get(&url)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
}

/// Guessing in parallel is no faster: wrong guesses are answered one at a time, each later
/// than the one before. The real sign-in meanwhile goes straight through.
#[tokio::test]
async fn wrong_guesses_are_slowed_down_but_the_real_sign_in_is_not() {
    use datastar_ui::token_rules::{WRONG_GUESS_MAX, WRONG_GUESS_STEP};
    const GUESSES: u32 = 6;
    let server = TestServer::start_with(shipped()).await;
    let started = Instant::now();
    let guesses: Vec<_> = (0..GUESSES)
        .map(|guess| {
            let request = server
                .anonymous(&format!("/?token=guess-{guess:032}"))
                .send();
            tokio::spawn(async move { request.await.map(|response| response.status().as_u16()) })
        })
        .collect();
    // While they wait, the user signs in with the URL the server printed.
    let sign_in_started = Instant::now();
    sign_in(&no_redirects(), &server.app.issue_launch_url()).await;
    let sign_in_took = sign_in_started.elapsed();
    for guess in guesses {
        assert_eq!(guess.await.unwrap().unwrap(), 401);
    }
    let all_answered = started.elapsed();
    let waits: std::time::Duration = (1..=GUESSES)
        .map(|nth| (WRONG_GUESS_STEP * nth).min(WRONG_GUESS_MAX))
        .sum();
    assert!(
        all_answered >= waits,
        "{GUESSES} wrong guesses answered in {all_answered:?}, less than their {waits:?} of waits"
    );
    assert!(
        sign_in_took < Duration::from_secs(1),
        "the real sign-in took {sign_in_took:?} behind the guesses"
    );
}

#[tokio::test]
async fn a_session_ends_with_the_server_that_issued_it() {
    let first = TestServer::start().await;
    let addr = first.app.addr();
    let cookie = first.session_cookie().unwrap();
    first.stop().await;

    let restarted = TestServer::start_at(addr, shipped()).await;
    let response = restarted
        .anonymous("/")
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        401,
        "the old cookie, same name, same address"
    );
    assert!(response.text().await.unwrap().contains("session has ended"));
}

/// Echoing the request's path after sign-in would send the browser, and its new cookie, to
/// any host: `//other-host/x` is a URL on `other-host`.
#[tokio::test]
async fn signing_in_always_redirects_to_the_page() {
    let server = TestServer::start().await;
    let addr = server.app.addr();
    for path in [
        "//other-host/x",
        "///other-host/x",
        "/\\other-host/x",
        "/get",
    ] {
        let launch = server.app.issue_launch_url();
        let query = launch.split_once('?').unwrap().1;
        let request =
            format!("GET {path}?{query} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        let (status, response) = raw_response(addr, request.as_bytes()).await.unwrap();
        // Hyper may refuse the stranger paths outright; what matters is where a 303 points.
        if status == 303 {
            let page = format!("\r\nlocation: {}\r\n", server.path("/"));
            assert!(response.contains(&page), "{path}: {response}");
        } else {
            assert_eq!(status, 400, "{path}: {response}");
        }
    }
}

/// A server on another port of our address can set a cookie of our name (browsers ignore
/// ports), on a longer path, so that browsers send it first. It must not sign the user out.
#[tokio::test]
async fn a_decoy_cookie_of_our_name_does_not_sign_the_user_out() {
    let server = TestServer::start().await;
    let name = server.app.session_cookie().name().to_owned();
    let real = server.session_cookie().unwrap();
    let response = server
        .anonymous("/")
        .header("cookie", format!("{name}=decoy; {real}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

// ---- Another web server in the same browser ----

/// The URL we print names the one address we hold, never `localhost` or `[::1]`, which
/// another local user could bind on our port to catch the sign-in URL.
#[tokio::test]
async fn the_sign_in_url_names_only_the_address_we_hold() {
    // We hold only our own address: anyone can take `127.0.0.1` on our port, as the
    // impostor below does. The flood tests beside this one hold thousands of client sockets
    // for many seconds, and one of their ephemeral ports on 127.0.0.1 can be ours: then a
    // server on another port is tried, so that the impostor's bind shows what it means to.
    let mut tries = 0;
    let (server, _impostor) = loop {
        let server = TestServer::start().await;
        let port = server.app.addr().port();
        match std::net::TcpListener::bind(("127.0.0.1", port)) {
            Ok(impostor) => break (server, impostor),
            Err(err) => {
                tries += 1;
                assert!(
                    tries < 10,
                    "127.0.0.1:{port} is not free for anyone to take: {err}"
                );
                server.stop().await;
            }
        }
    };
    let addr = server.app.addr();
    assert!(addr.ip().is_loopback() && addr.ip().to_string() != "127.0.0.1");
    let url = server.app.launch_url();
    assert!(
        url.starts_with(&format!("http://{addr}{}?token=", server.path("/"))),
        "{url}"
    );
    // So we never send anyone there, and a request that names it (or `[::1]`) is refused.
    for host in ["127.0.0.1", "[::1]"] {
        let status = crate::util::raw_status(
            addr,
            format!(
                "GET / HTTP/1.1\r\nHost: {host}:{}\r\nConnection: close\r\n\r\n",
                addr.port()
            )
            .as_bytes(),
        )
        .await;
        assert_eq!(status, Some(421), "Host: {host}");
    }
}

// ---- Headers a proxy and the server could read differently ----

#[tokio::test]
async fn duplicated_security_headers_are_refused() {
    let server = TestServer::start().await;
    let addr = server.app.addr();
    let cookie = server.session_cookie().unwrap();
    for (header, value) in [
        ("Host", addr.to_string()),
        ("Origin", format!("http://{addr}")),
        ("Sec-Fetch-Site", "same-origin".to_owned()),
        ("Datastar-Request", "true".to_owned()),
    ] {
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\
             Datastar-Request: true\r\n{header}: {value}\r\nConnection: close\r\n\r\n",
            server.path("/get?datastar=%7B%7D")
        );
        let request = if header == "Host" || header == "Datastar-Request" {
            request
        } else {
            request.replace(
                "Connection: close",
                &format!("{header}: {value}\r\nConnection: close"),
            )
        };
        let (status, body) = raw_response(addr, request.as_bytes()).await.unwrap();
        assert_eq!(status, 400, "{header} twice: {body}");
        assert!(body.contains("more than once"), "{body}");
    }
}

#[tokio::test]
async fn sec_fetch_site_must_be_exactly_what_browsers_send() {
    let server = TestServer::start().await;
    for value in ["Same-Origin", "SAME-ORIGIN", "cross-site", "same-site"] {
        let response = server
            .action("/get", PAGE_SIGNALS)
            .header("sec-fetch-site", value)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "Sec-Fetch-Site: {value:?}");
    }
}

// ---- Another local user, without the token ----

/// A refused client gets its answer, then the connection closes: it cannot hold sockets
/// open by being refused over and over on keep-alive.
#[tokio::test]
async fn refusals_close_their_connection() {
    let server = TestServer::start().await;
    let addr = server.app.addr();
    for (request, status) in [
        (format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n"), "401"),
        (
            "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n".to_owned(),
            "421",
        ),
        (
            format!("GET / HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://evil.example\r\n\r\n"),
            "403",
        ),
    ] {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        timeout(Duration::from_secs(2), stream.read_to_end(&mut response))
            .await
            .expect("the server closes the connection")
            .unwrap();
        let response = String::from_utf8_lossy(&response);
        assert!(
            response.starts_with(&format!("HTTP/1.1 {status}")),
            "{response}"
        );
    }
}

/// Every connection is a file: the server raises its soft open-file limit to the hard one,
/// or a desktop's usual 1,024 would cap its connections far below what it can hold.
#[tokio::test]
async fn the_server_raises_its_open_file_limit() {
    let server = Headless::spawn_with_file_limit(&["--port", "0"], 1_024, 4_096).await;
    assert_eq!(server.soft_file_limit(), 4_096);
}

/// Connections that never sign in have a memory budget, not just a descriptor cap: 16,000
/// connections, each holding a request head just under the 64 KiB limit, against a server
/// allowed 20,000 open files, cost it at most about 64 MiB, and it gives the memory back
/// once they are gone.
#[tokio::test]
async fn a_flood_of_held_heads_costs_bounded_memory_and_gives_it_back() {
    const FILE_LIMIT: u64 = 20_000;
    const HEADS: usize = 16_000;
    const BUDGET_KIB: u64 = 64 * 1024;
    datastar_ui::raise_open_file_limit();
    let server = Headless::spawn_with_file_limit(&["--port", "0"], FILE_LIMIT, FILE_LIMIT).await;
    let addr = server.addr();
    let memory = ui_scenarios::flood::memory_through_flood(server.pid(), addr, HEADS)
        .await
        .unwrap();
    eprintln!("server RSS through the flood: {memory:?}");
    assert!(
        memory.cost_kib() <= BUDGET_KIB,
        "{HEADS} held heads cost {} KiB above idle",
        memory.cost_kib()
    );
    assert!(
        memory.given_back(ui_scenarios::flood::GIVEN_BACK_KIB),
        "the server kept its memory: {memory:?}"
    );
    let status = reqwest::get(format!("{}/", server.base()))
        .await
        .unwrap()
        .status();
    assert_eq!(status, 401, "still serving, and refusing a stranger");
}

/// A burst is not a flood: a reconnect storm (a server restarted under many tabs, a laptop
/// waking up) connects all at once, and every connection is a stranger until its request
/// is read. Here 1,500 connections, three times what a count of strangers used to allow,
/// are all open before any sends its request; then each asks for its feed, with the
/// signed-in cookie, and every one of them gets it. (`bench` does the same with 15,000.)
#[tokio::test]
async fn an_unpaced_burst_of_signed_in_feeds_all_connect() {
    const FILE_LIMIT: u64 = 2_048;
    const BURST: usize = 1_500;
    datastar_ui::raise_open_file_limit();
    let server = Headless::spawn_with_file_limit(&["--port", "0"], FILE_LIMIT, FILE_LIMIT).await;
    let addr = server.addr();
    let cookie = sign_in(&no_redirects(), &server.url).await;
    let path = server.base().strip_prefix(server.origin()).unwrap();
    let request = format!(
        "GET {path}/feed?datastar=%7B%7D HTTP/1.1\r\nHost: {addr}\r\n\
         Datastar-Request: true\r\nCookie: {cookie}\r\n\r\n"
    );

    let mut streams = Vec::with_capacity(BURST);
    for _ in 0..BURST {
        streams.push(TcpStream::connect(addr).await.expect("connect"));
    }
    let feeds: Vec<_> = streams
        .into_iter()
        .map(|mut stream| {
            let request = request.clone();
            tokio::spawn(async move {
                stream.write_all(request.as_bytes()).await.ok()?;
                let mut head = Vec::new();
                let mut buffer = [0u8; 4096];
                while !String::from_utf8_lossy(&head).contains("event: datastar-patch") {
                    let n = stream.read(&mut buffer).await.ok()?;
                    if n == 0 {
                        return None;
                    }
                    head.extend_from_slice(&buffer[..n]);
                }
                Some(stream)
            })
        })
        .collect();
    let mut live = Vec::with_capacity(BURST);
    for feed in feeds {
        let answered = timeout(Duration::from_secs(30), feed).await;
        live.extend(answered.ok().and_then(Result::ok).flatten());
    }
    assert_eq!(live.len(), BURST, "feeds that got their first event");
}

/// `send`'s answer, sent again, at once, if its connection failed before one came.
///
/// A fresh connection is a stranger until its request is read, and a flood can push it out
/// first: that cannot be told from the flood itself. Datastar retries an action whose
/// connection failed (`retry: 'auto'`, after a second); the flood test retries once, at
/// once, and must still have its answer within its bound. A sign-in whose request the
/// server had read is not hidden by the retry: its token is used up, and the retry gets 401.
async fn retried_if_dropped<F>(send: impl Fn() -> F) -> reqwest::Result<reqwest::Response>
where
    F: std::future::Future<Output = reqwest::Result<reqwest::Response>>,
{
    match send().await {
        Err(err) if !err.is_timeout() => send().await,
        answered => answered,
    }
}

/// The server caps its connections below its open-file limit and, when full, closes the
/// oldest that never signed in, so a flood only ever displaces itself. Under a flood of
/// held connections, held partial heads and bare connects at once, each fresh `/get` (a new
/// connection every time) answers within a second, and signing in, which is two of them
/// (the launch URL, then the page it redirects to), within two.
#[tokio::test]
async fn a_tokenless_flood_does_not_lock_the_page_out() {
    // The flood's connections start over about two seconds (their pauses are 0.5 to 2.5 s),
    // so the signed-in client is measured only once all of them are in play.
    const FLOOD_BUILDS_UP: Duration = Duration::from_secs(2);
    const FILE_LIMIT: u64 = 1_024;
    const FLOOD: usize = 1_500;
    const SLOW_HEADS: usize = 200;
    const CONNECT_FLOODERS: usize = 4;
    datastar_ui::raise_open_file_limit();
    let server = Headless::spawn_with_file_limit(&["--port", "0"], FILE_LIMIT, FILE_LIMIT).await;
    let addr = server.addr();

    let flooding = tokio_util::sync::CancellationToken::new();
    // One process connecting and hanging up as fast as it can, beside the held connections.
    for _ in 0..CONNECT_FLOODERS {
        let stop = flooding.clone();
        tokio::spawn(async move {
            while !stop.is_cancelled() {
                if TcpStream::connect(addr).await.is_err() {
                    tokio::task::yield_now().await;
                }
            }
        });
    }
    let mut attackers = Vec::new();
    for index in 0..FLOOD + SLOW_HEADS {
        let stop = flooding.clone();
        attackers.push(tokio::spawn(async move {
            let slow = index >= FLOOD;
            while !stop.is_cancelled() {
                let Ok(mut stream) = TcpStream::connect(addr).await else {
                    sleep(Duration::from_millis(50)).await;
                    continue;
                };
                // Hold the connection a while, as keep-alive does, then ask again.
                let pause = Duration::from_millis(500 + (index as u64 * 7) % 2_000);
                let request = if slow {
                    format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ")
                } else {
                    format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n")
                };
                tokio::select! {
                    () = stop.cancelled() => break,
                    () = sleep(pause) => {}
                }
                let _ = stream.write_all(request.as_bytes()).await;
                let mut sink = [0u8; 1024];
                let _ = timeout(Duration::from_secs(3), async {
                    while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                })
                .await;
            }
        }));
    }

    sleep(FLOOD_BUILDS_UP).await;
    // Signing in, in the thick of it; then its feed, as the page opens it.
    let signed_in = reqwest::Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let sign_in_started = Instant::now();
    let signed = timeout(
        Duration::from_secs(2),
        retried_if_dropped(|| signed_in.get(&server.url).send()),
    )
    .await;
    let sign_in_took = sign_in_started.elapsed();
    match signed {
        Ok(Ok(page)) => assert_eq!(page.status(), 200, "signing in during the flood"),
        Ok(Err(err)) => panic!("signing in during the flood failed: {err}"),
        Err(_) => panic!("signing in during the flood took more than 2 s"),
    }
    let mut feed = SseStream::new(server.open_feed(&signed_in).await);
    feed.next_event().await.expect("the feed is live");
    let flood_until = Instant::now() + Duration::from_secs(4);
    let mut answers = Vec::new();
    let get = || {
        signed_in
            .get(format!("{}/get", server.base()))
            .query(&[("datastar", PAGE_SIGNALS)])
            .header("datastar-request", "true")
            .send()
    };
    while Instant::now() < flood_until {
        let started = Instant::now();
        let answer = timeout(Duration::from_secs(1), retried_if_dropped(get)).await;
        let status = match answer {
            Ok(Ok(response)) => Some(response.status().as_u16()),
            _ => None,
        };
        answers.push((status, started.elapsed()));
        sleep(Duration::from_millis(200)).await;
    }
    let mut ticks = 0;
    let ticking = timeout(Duration::from_millis(2_500), async {
        while ticks < 2 && feed.next_event().await.is_some() {
            ticks += 1;
        }
    })
    .await;
    flooding.cancel();
    for attacker in attackers {
        let _ = attacker.await;
    }

    eprintln!("sign-in during the flood: {sign_in_took:?}; fresh /get: {answers:?}");
    assert!(
        answers.iter().all(|(status, _)| *status == Some(200)),
        "each fresh /get answers 200 within 1 s: {answers:?}"
    );
    assert!(
        ticking.is_ok() && ticks == 2,
        "the feed kept ticking ({ticks} events)"
    );
}
