//! The hostile-client suite: everything a web page, a local process or a fuzzer might send.
//! Each gets a clear 4xx, and the server keeps serving.

use crate::util::{PAGE_SIGNALS, TestServer, raw_response, raw_status};
use datastar_ui::{Auth, CONTENT_SECURITY_POLICY, Config, Token};
use proptest::prelude::*;
use std::{net::SocketAddr, time::Duration};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    time::timeout,
};

fn head(path: &str, host: &str, extra: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n").into_bytes()
}

#[tokio::test]
async fn foreign_hosts_are_refused_as_misdirected() {
    let server = TestServer::start().await;
    let port = server.app.addr().port();
    let cookie = format!("Cookie: {}\r\n", server.session_cookie().unwrap());
    // Only the address we are bound to: `localhost` and `[::1]` name addresses that
    // another local user could hold.
    for host in [
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("{}:{}", server.app.addr().ip(), port.wrapping_add(1)),
        server.app.addr().ip().to_string(),
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let (status, body) =
            raw_response(server.app.addr(), &head(&server.path("/"), &host, &cookie))
                .await
                .unwrap();
        assert_eq!(status, 421, "Host: {host}");
        assert!(body.contains("unexpected Host header"), "{body}");
    }
    let own = server.app.addr().to_string();
    let status = raw_status(server.app.addr(), &head(&server.path("/"), &own, &cookie)).await;
    assert_eq!(status, Some(200), "Host: {own}");
}

/// `GET http://evil.example/ HTTP/1.1` with our own Host: a proxy would send it elsewhere,
/// so we answer neither.
#[tokio::test]
async fn an_absolute_target_naming_another_authority_is_refused() {
    let server = TestServer::start().await;
    let own = server.app.addr().to_string();
    let cookie = format!("Cookie: {}\r\n", server.session_cookie().unwrap());
    for target in [
        "http://evil.example/",
        "http://127.0.0.1:1/get?datastar=%7B%7D",
    ] {
        let (status, body) = raw_response(server.app.addr(), &head(target, &own, &cookie))
            .await
            .unwrap();
        assert_eq!(status, 400, "{target}");
        assert!(body.contains("send one address"), "{body}");
    }
    let same = format!("http://{own}{}", server.path("/"));
    let status = raw_status(server.app.addr(), &head(&same, &own, &cookie)).await;
    assert_eq!(status, Some(200), "{same} names our own address");
}

#[tokio::test]
async fn every_route_needs_the_session_cookie() {
    let server = TestServer::start().await;
    let other_cookie = format!("{}=not-the-secret", server.app.session_cookie().name());
    for path in [
        "/",
        "/get",
        "/target",
        "/feed",
        datastar_ui::DATASTAR_JS_PATH,
        "/nope",
    ] {
        let response = server
            .anonymous(path)
            .header("datastar-request", "true")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{path} without a cookie");
        assert!(response.text().await.unwrap().contains("not signed in"));

        let response = server
            .anonymous(path)
            .header("cookie", &other_cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{path} with a wrong cookie");
        assert!(response.text().await.unwrap().contains("session has ended"));
    }
}

#[tokio::test]
async fn the_launch_token_becomes_a_strict_http_only_cookie() {
    let token = Token::parse("launch-token-123-chosen-by-a-user").unwrap();
    let server = TestServer::start_with(Config {
        auth: Auth::Token(token),
        ..crate::util::shipped()
    })
    .await;

    let response = server
        .anonymous("/?token=launch-token-123-chosen-by-a-user")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], server.path("/"));
    assert_eq!(
        response.headers()["cache-control"],
        "no-store",
        "no cache may keep the answer that carries the session"
    );
    let cookie = response.cookies().next().expect("a session cookie");
    assert_eq!(cookie.name(), server.app.session_cookie().name());
    assert!(
        cookie.http_only() && cookie.same_site_strict(),
        "{cookie:?}"
    );
    assert_eq!(
        cookie.path(),
        Some(server.path("/").as_str()),
        "scoped to the secret base path"
    );
    assert_eq!(cookie.domain(), None, "host-only");
    assert!(
        cookie.max_age().is_none() && cookie.expires().is_none(),
        "gone with the session"
    );
    assert!(
        !cookie.secure(),
        "plain HTTP on loopback: a Secure cookie would never be sent"
    );
    let value = cookie.value();
    assert_ne!(
        value, "launch-token-123-chosen-by-a-user",
        "the cookie holds its own secret"
    );
    assert_eq!(value.len(), 48, "192 random bits, hex-encoded");

    let response = server
        .anonymous("/?token=launch-token-124-chosen-by-a-user")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn two_instances_use_different_cookie_names() {
    let (one, two) = (TestServer::start().await, TestServer::start().await);
    assert_ne!(
        one.app.session_cookie().name(),
        two.app.session_cookie().name()
    );
    // One instance's cookie does not open the other.
    let response = two
        .anonymous("/")
        .header("cookie", one.session_cookie().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn cross_site_requests_are_refused() {
    let server = TestServer::start().await;
    let own_origin = format!("http://{}", server.app.addr());
    for (header, value) in [
        ("origin", "http://evil.example"),
        ("origin", "null"),
        ("origin", "http://127.0.0.1:1"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let response = server
            .action("/get", PAGE_SIGNALS)
            .header(header, value)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{header}: {value}");
        assert!(response.text().await.unwrap().contains("cross-site"));
    }
    let response = server
        .action("/get", PAGE_SIGNALS)
        .header("origin", own_origin)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_no_cors() {
    let server = TestServer::start().await;
    for request in [
        server.get("/"),
        server.get("/nope"),
        server.anonymous("/"),
        server
            .action("/get", PAGE_SIGNALS)
            .header("origin", "http://evil.example"),
    ] {
        let response = request.send().await.unwrap();
        let headers = response.headers();
        assert_eq!(headers["content-security-policy"], CONTENT_SECURITY_POLICY);
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert_eq!(headers["cross-origin-resource-policy"], "same-origin");
        assert!(
            headers
                .keys()
                .all(|name| !name.as_str().starts_with("access-control-"))
        );
    }
}

/// A head for `target` of `bytes` bytes exactly, padded with harmless headers.
fn head_of(server: &TestServer, target: &str, bytes: usize) -> Vec<u8> {
    let host = server.app.addr().to_string();
    let cookie = format!("Cookie: {}\r\n", server.session_cookie().unwrap());
    let bare = head(target, &host, &cookie).len();
    let pad = |len: usize| format!("X-Pad: {}\r\n", "p".repeat(len - "X-Pad: \r\n".len()));
    let mut filler = String::new();
    let mut missing = bytes - bare;
    while missing > 0 {
        let line = missing.min(4096);
        // Never leave a remainder too short for a header line of its own.
        let line = if missing - line < 16 && missing > 4096 {
            line - 32
        } else {
            line
        };
        filler.push_str(&pad(line));
        missing -= line;
    }
    let request = head(target, &host, &format!("{cookie}{filler}"));
    assert_eq!(request.len(), bytes);
    request
}

/// The head limit is exact, and says what it is, whether the request names its target by
/// path (`GET /`) or in full (`GET http://host/`, which counts the authority too).
#[tokio::test]
async fn a_request_head_past_the_limit_gets_431_with_a_message() {
    let server = TestServer::start().await;
    let limit = datastar_ui::limits::MAX_HEAD_BYTES;
    for target in [server.path("/"), server.url("/")] {
        let at_limit = raw_status(server.app.addr(), &head_of(&server, &target, limit)).await;
        assert_eq!(
            at_limit,
            Some(200),
            "a head of exactly the limit, for {target}"
        );
        let (status, body) = raw_response(server.app.addr(), &head_of(&server, &target, limit + 1))
            .await
            .unwrap();
        assert_eq!(status, 431, "for {target}");
        assert!(body.contains(&format!("the limit is {limit}")), "{body}");
    }
}

/// Hyper's read buffer is capped too, so a huge head is refused by the transport before it
/// is parsed, and costs little memory: a bare 431, without our message.
#[tokio::test]
async fn a_huge_request_head_is_cut_off_by_the_transport() {
    let server = TestServer::start().await;
    let (status, body) = raw_response(
        server.app.addr(),
        &head_of(&server, &server.path("/"), 300 * 1024),
    )
    .await
    .unwrap();
    assert_eq!(status, 431);
    assert!(!body.contains("the limit is"), "{body}");
    assert_eq!(server.get("/").send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let server = TestServer::start_with(Config {
        header_read_timeout: Duration::from_millis(300),
        ..crate::util::shipped()
    })
    .await;
    let mut slow = TcpStream::connect(server.app.addr()).await.unwrap();
    slow.write_all(
        format!(
            "GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
            server.path("/")
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut rest = Vec::new();
    let closed = timeout(Duration::from_secs(3), slow.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the server still waits after 3 s");
    // Meanwhile everyone else is served.
    assert_eq!(server.get("/").send().await.unwrap().status(), 200);
}

/// Opens `count` feeds over raw sockets and waits for each one's first event.
async fn open_raw_feeds(server: &TestServer, count: usize) -> Vec<TcpStream> {
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nDatastar-Request: true\r\n\r\n",
        server.path("/feed?datastar=%7B%7D"),
        server.app.addr(),
        server.session_cookie().unwrap()
    );
    let mut feeds = Vec::with_capacity(count);
    for _ in 0..count {
        let mut stream = TcpStream::connect(server.app.addr()).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        feeds.push(stream);
    }
    for stream in &mut feeds {
        let first_event = async {
            let mut buffer = [0u8; 512];
            let mut seen = Vec::new();
            while !String::from_utf8_lossy(&seen).contains("datastar-patch-signals") {
                let n = stream.read(&mut buffer).await.unwrap();
                assert!(n > 0, "feed closed early");
                seen.extend_from_slice(&buffer[..n]);
            }
        };
        timeout(Duration::from_secs(10), first_event)
            .await
            .expect("every feed sends its first event within 10 s");
    }
    feeds
}

#[tokio::test]
async fn a_thousand_feeds_dropped_abruptly_are_all_gone_within_two_seconds() {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let server = TestServer::start().await;
    let feeds = open_raw_feeds(&server, 1_000).await;
    assert_eq!(server.app.live_feeds().count(), 1_000);

    for stream in feeds {
        // Linger 0: a reset, the most abrupt way for a client to vanish.
        let _ = stream.set_zero_linger();
        drop(stream);
    }
    let took = server.wait_for_live_feeds(0, Duration::from_secs(2)).await;
    eprintln!("1000 dropped feeds gone in {took:?}");
}

#[tokio::test]
async fn graceful_shutdown_with_a_thousand_open_feeds_takes_under_two_seconds() {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let server = TestServer::start().await;
    let _feeds = open_raw_feeds(&server, 1_000).await;
    let live = server.app.live_feeds().clone();
    assert_eq!(live.count(), 1_000);

    let took = server.stop().await;
    assert!(took < Duration::from_secs(2), "shutdown took {took:?}");
    assert_eq!(live.count(), 0);
}

/// Requests shaped like HTTP, with every part liable to be wrong.
/// `base` is the server's secret base path: most paths are under it, as the page's are.
fn hostile_request(
    addr: SocketAddr,
    cookie: String,
    base: String,
) -> impl Strategy<Value = Vec<u8>> {
    let method = prop_oneof![
        Just("GET".to_owned()),
        Just("HEAD".to_owned()),
        Just("POST".to_owned()),
        Just("QUERY".to_owned()),
        "[A-Z]{0,8}",
        "[ -~]{0,12}",
    ];
    let routes = prop_oneof![
        Just("/".to_owned()),
        Just("/get".to_owned()),
        Just("/target".to_owned()),
        Just("/feed".to_owned()),
        Just("/assets/style.css".to_owned()),
        "/[ -~]{0,40}",
    ];
    let path = prop_oneof![
        3 => routes.clone().prop_map(move |route| format!("{base}{route}")),
        1 => routes,
        1 => "[^\r\n]{0,40}",
    ];
    let signals = prop_oneof![
        Just(String::new()),
        Just("?datastar=%7B%22input%22%3A5%7D".to_owned()),
        Just("?datastar=%7Bbroken".to_owned()),
        Just("?datastar=%5B%5D&datastar=1".to_owned()),
        Just("?token=guess".to_owned()),
        "\\?datastar=[%0-9A-Fa-f{}\":,a-z]{0,60}",
        "\\?[ -~]{0,60}",
    ];
    let host = prop_oneof![
        Just(addr.to_string()),
        Just(format!("localhost:{}", addr.port())),
        Just("evil.example".to_owned()),
        "[ -~]{0,30}",
    ];
    let headers = proptest::collection::vec(
        prop_oneof![
            Just(format!("Cookie: {cookie}")),
            Just("Cookie: ;;==;".to_owned()),
            Just("Datastar-Request: true".to_owned()),
            Just("Origin: http://evil.example".to_owned()),
            Just("Sec-Fetch-Site: cross-site".to_owned()),
            Just("Content-Length: 5".to_owned()),
            Just("Transfer-Encoding: chunked".to_owned()),
            Just("If-None-Match: *".to_owned()),
            "[A-Za-z-]{1,20}: [ -~]{0,40}",
            "[^\r\n]{0,40}",
        ],
        0..6,
    );
    let well_formed = (method, path, signals, host, headers).prop_map(
        |(method, path, signals, host, headers)| {
            let mut request = format!("{method} {path}{signals} HTTP/1.1\r\nHost: {host}\r\n");
            for header in headers {
                request.push_str(&header);
                request.push_str("\r\n");
            }
            request.push_str("\r\n");
            request.into_bytes()
        },
    );
    prop_oneof![
        4 => well_formed,
        1 => proptest::collection::vec(any::<u8>(), 0..300),
    ]
}

#[test]
fn ten_thousand_malformed_requests_never_get_a_5xx_nor_leak_a_stream() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(TestServer::start());
    let (addr, cookie) = (server.app.addr(), server.session_cookie().unwrap());
    let base = server.app.base_path().to_owned();

    let config = ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(request in hostile_request(addr, cookie.clone(), base.clone()))| {
        let status = runtime.block_on(raw_status(addr, &request));
        prop_assert!(
            status.is_none_or(|status| status < 500),
            "{status:?} for {:?}", String::from_utf8_lossy(&request)
        );
    });

    runtime.block_on(async {
        assert_eq!(
            server.get("/").send().await.unwrap().status(),
            200,
            "still serving"
        );
        let events =
            crate::util::events_of(server.action("/get", PAGE_SIGNALS).send().await.unwrap()).await;
        assert_eq!(events.len(), 1);
        server.wait_for_live_feeds(0, Duration::from_secs(3)).await;
    });
}
