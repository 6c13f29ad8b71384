//! Every route over real HTTP, and every way to call one wrongly.

use crate::util::{PAGE_SIGNALS, TestServer, events_of, shipped};
use chrono::{Local, NaiveDateTime};
use datastar_ui::{Config, NativeRequests, limits::MAX_QUERY_BYTES};
use std::collections::BTreeSet;

#[tokio::test]
async fn page_is_the_datastar_demo_with_its_own_assets() {
    let server = TestServer::start().await;
    let response = server.get("/").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let page = response.text().await.unwrap();

    for expected in [
        r#"data-signals:show__ifmissing="true""#,
        r#"<input id="tab" type="hidden" value=""#,
        r#"value="" data-bind:input"#,
        r#"data-on:click="@get('get')""#,
        r#"data-on:click="@get('target')""#,
        r#"data-on:click="$show = !$show; @post('save', {filterSignals: {include: /^(show|tab)$/}})""#,
        r#"data-bind:output></output>"#,
        r#"data-show="$show""#,
        r#"data-init="@get('feed')""#,
        ">Send State Roundtrip<",
        ">Target HTML Element<",
        ">Toggle Feed<",
        "Feed from server:",
        r#"<div id="target">"#,
        r#"<span id="feed" data-text="$feed">"#,
        r#"<label for="input">"#,
        &format!(
            r#"src="{}""#,
            datastar_ui::DATASTAR_JS_PATH.trim_start_matches('/')
        ),
        "@get('events'",
    ] {
        assert!(page.contains(expected), "the page lacks {expected}");
    }
    // No pre-1.0 syntax, which v1 silently ignores.
    for stale in ["data-on-click", "data-on-load", ".value"] {
        assert!(!page.contains(stale), "the page still has {stale}");
    }
    // Nothing from the network: the only absolute URLs are links, for a browser to open.
    for (at, _) in page.match_indices("://") {
        let before = &page[..at];
        assert!(
            before.ends_with(r#"<a href="https"#),
            "an absolute URL that is not a link: {}",
            &page[before.len().saturating_sub(40)..at + 20]
        );
    }
    // Every URL is relative to the page, so that it stays under the secret base path, where
    // the session cookie goes.
    for absolute in ["=\"/", "'/"] {
        assert!(
            !page.contains(absolute),
            "an absolute path ({absolute}) in the page"
        );
    }
}

/// Nothing is served outside the secret base path, even with the session cookie: the
/// browser would not send it there anyway.
#[tokio::test]
async fn nothing_is_served_outside_the_base_path() {
    let server = TestServer::start().await;
    let origin = server.app.origin();
    for path in ["", "get", "assets/style.css", "favicon.ico"] {
        let response = reqwest::Client::new()
            .get(format!("{origin}{path}"))
            .header("cookie", server.session_cookie().unwrap())
            .header("datastar-request", "true")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "/{path}");
    }
}

#[tokio::test]
async fn assets_have_their_types_and_validate_with_etags() {
    let server = TestServer::start().await;
    for (path, content_type, immutable) in [
        (
            datastar_ui::DATASTAR_JS_PATH,
            "text/javascript; charset=utf-8",
            true,
        ),
        ("/assets/style.css", "text/css; charset=utf-8", false),
        ("/assets/favicon.svg", "image/svg+xml", false),
    ] {
        let response = server.get(path).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], content_type, "{path}");
        let cache = response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(cache.contains("immutable"), immutable, "{path}: {cache}");
        let etag = response.headers()["etag"].clone();
        assert!(!response.bytes().await.unwrap().is_empty());

        let again = server
            .get(path)
            .header("if-none-match", etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path} revalidates");
        assert!(again.bytes().await.unwrap().is_empty());

        let stale = server
            .get(path)
            .header("if-none-match", "\"an-older-version\"")
            .send()
            .await
            .unwrap();
        assert_eq!(
            stale.status(),
            200,
            "{path} with a stale ETag is sent again"
        );
        assert!(!stale.bytes().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn served_client_is_the_audited_datastar_bundle() {
    let server = TestServer::start().await;
    let body = server
        .get("/assets/datastar-1.0.2.js")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.starts_with("// Datastar v1.0.2"), "{}", &body[..40]);
}

#[tokio::test]
async fn roundtrip_answers_with_one_patch_signals_event() {
    let server = TestServer::start().await;
    for (input, length) in [
        ("héllo", 5),
        ("日本", 2),
        ("👍", 1),
        ("", 0),
        ("it's \"quoted\"", 13),
    ] {
        let signals = serde_json::json!({ "input": input, "output": "", "show": true }).to_string();
        let response = server.action("/get", &signals).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let events = events_of(response).await;
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(events[0].event, "datastar-patch-signals");
        let patch: serde_json::Value =
            serde_json::from_str(&events[0].datastar_field("signals").unwrap()).unwrap();
        assert_eq!(
            patch,
            serde_json::json!({ "output": format!("Your input: {input}, is {length} long.") })
        );
    }
}

#[tokio::test]
async fn roundtrip_treats_a_missing_input_as_empty() {
    let server = TestServer::start().await;
    let events = events_of(
        server
            .action("/get", r#"{"show":true}"#)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        events[0].datastar_field("signals").as_deref(),
        Some(r#"{"output":"Your input: , is 0 long."}"#)
    );
}

#[tokio::test]
async fn target_patches_the_element_with_local_time() {
    let server = TestServer::start().await;
    let events = events_of(server.action("/target", PAGE_SIGNALS).send().await.unwrap()).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].event, "datastar-patch-elements");
    let elements = events[0].datastar_field("elements").unwrap();
    let time = elements
        .strip_prefix(r#"<div id="target"><b>"#)
        .and_then(|rest| rest.strip_suffix("</b></div>"))
        .unwrap_or_else(|| panic!("unexpected element {elements}"));
    let time = NaiveDateTime::parse_from_str(time, datastar_ui::TIME_FORMAT).unwrap();
    let skew = (Local::now().naive_local() - time).num_seconds().abs();
    assert!(skew <= 2, "{time} is {skew} s from now");
}

/// Each bad request gets its 4xx and a one-line message that names the problem.
#[tokio::test]
async fn bad_requests_get_a_clear_4xx() {
    let server = TestServer::start().await;
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (
            server.get("/get").header("datastar-request", "true"),
            400,
            "`datastar` query parameter",
        ),
        (
            server.action("/get", "{not json"),
            400,
            "must be JSON signals",
        ),
        (server.action("/get", "[1, 2]"), 400, "must be JSON signals"),
        (
            server.action("/get", r#"{"input": 5}"#),
            400,
            "must be JSON signals",
        ),
        (
            server.action("/get", r#"{"input": null}"#),
            400,
            "must be JSON signals",
        ),
        (
            server.get("/get").query(&[("datastar", PAGE_SIGNALS)]),
            400,
            "Datastar-Request",
        ),
        (server.get("/nope"), 404, "no such page"),
        (server.get("/get/extra"), 404, "no such page"),
    ];
    for (request, status, message) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status);
        let body = response.text().await.unwrap();
        assert!(
            body.contains(message),
            "{status}: {body:?} lacks {message:?}"
        );
        assert_eq!(body.trim_end().lines().count(), 1, "one line: {body:?}");
    }
}

/// `(method, path)` of each action SECURITY.md lists, written `` `GET get` `` between its
/// `datastar-only` markers.
fn listed_actions(security: &str) -> BTreeSet<(String, String)> {
    let (_, rest) = security
        .split_once("<!-- datastar-only -->")
        .expect("SECURITY.md's <!-- datastar-only --> list");
    let (list, _) = rest.split_once("<!-- /datastar-only -->").expect("its end");
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(|action| {
            let (method, path) = action.split_once(' ').expect("METHOD path");
            (method.to_owned(), path.to_owned())
        })
        .collect()
}

/// `(method, path)` of each action a template calls, written `@get('get'`.
fn called_actions(template: &str) -> BTreeSet<(String, String)> {
    let mut called = BTreeSet::new();
    for method in ["get", "post"] {
        for rest in template.split(&format!("@{method}('")).skip(1) {
            if let Some((path, _)) = rest.split_once('\'') {
                called.insert((method.to_uppercase(), path.to_owned()));
            }
        }
    }
    called
}

/// SECURITY.md's list of Datastar-only actions is what the page calls, and the router
/// refuses each without Datastar's header, on the desktop app's server (which has them all).
#[tokio::test]
async fn every_action_answers_datastar_only_as_security_md_lists() {
    let listed = listed_actions(include_str!("../../SECURITY.md"));
    let assets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let mut called = BTreeSet::new();
    for entry in std::fs::read_dir(assets).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "html") {
            called.extend(called_actions(&std::fs::read_to_string(path).unwrap()));
        }
    }
    assert_eq!(
        listed, called,
        "SECURITY.md's list against the page's templates"
    );

    let (native, _inbox) = NativeRequests::channel();
    let server = TestServer::start_with(Config {
        native: Some(native),
        ..shipped()
    })
    .await;
    for (method, path) in &listed {
        if path == "dev/reload" && !cfg!(debug_assertions) {
            continue;
        }
        let request = match method.as_str() {
            "GET" => server.get(&format!("/{path}")),
            _ => server.post(&format!("/{path}")).body(PAGE_SIGNALS),
        };
        let response = request
            .query(&[("datastar", PAGE_SIGNALS)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{method} {path}");
        let body = response.text().await.unwrap();
        assert!(body.contains("Datastar-Request"), "{method} {path}: {body}");
    }
}

#[test]
fn actions_are_read_from_both_spellings() {
    let security = "x <!-- datastar-only -->`GET get`, `POST updates/later`<!-- /datastar-only -->";
    let template = r#"data-init="@get('get', {a: 1})" data-on:click="@post('updates/later')""#;
    assert_eq!(listed_actions(security), called_actions(template));
    assert_eq!(listed_actions(security).len(), 2);
}

#[tokio::test]
async fn input_longer_than_the_limit_is_refused_with_413() {
    let server = TestServer::start().await;
    let input = "a".repeat(datastar_ui::limits::MAX_INPUT_CHARS + 1);
    let signals = serde_json::json!({ "input": input }).to_string();
    let response = server.action("/get", &signals).send().await.unwrap();
    assert_eq!(response.status(), 413);
    assert!(response.text().await.unwrap().contains("limit is 10000"));
}

#[tokio::test]
async fn other_methods_get_405() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    for method in [
        reqwest::Method::POST,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
    ] {
        for path in ["/", "/get", "/feed"] {
            let response = client
                .request(method.clone(), server.url(path))
                .header("cookie", server.session_cookie().unwrap())
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 405, "{method} {path}");
            assert!(
                response
                    .text()
                    .await
                    .unwrap()
                    .contains("not allowed on this route")
            );
        }
    }
}

/// A query of exactly the limit is read (and, not being signals, refused as such); one byte
/// more is refused before any handler runs.
#[tokio::test]
async fn the_query_limit_is_exact() {
    let server = TestServer::start().await;
    let query_of =
        |bytes: usize| format!("/get?datastar={}", "a".repeat(bytes - "datastar=".len()));
    let at_limit = server
        .get(&query_of(MAX_QUERY_BYTES))
        .header("datastar-request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(
        at_limit.status(),
        400,
        "a query of exactly the limit is read"
    );

    let over = server
        .get(&query_of(MAX_QUERY_BYTES + 1))
        .header("datastar-request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(over.status(), 414);
    let body = over.text().await.unwrap();
    assert!(
        body.contains(&format!("the limit is {MAX_QUERY_BYTES}")),
        "{body}"
    );
}
