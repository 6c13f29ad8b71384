//! The headless server's contract over HTTP, in tests that hold on every platform: no Unix
//! signal, no open-file limit, no `/proc`. `make test` runs them against this build;
//! `make check-platforms` runs the same ones against the Windows build, under Wine
//! (`DATASTAR_HEADLESS_COMMAND`, see `util::headless`).
//!
//! A clean stop is not among them: it is tested with SIGTERM (`headless_binary`), and Wine
//! cannot deliver a console's Ctrl+C to a program it did not start in a console.

use crate::util::headless::Headless;

/// A Datastar action, as the page sends it.
fn action(client: &reqwest::Client, url: String) -> reqwest::RequestBuilder {
    client.get(url).header("datastar-request", "true")
}

#[tokio::test]
async fn the_single_use_token_signs_in_once() {
    let server = Headless::spawn(&["--port", "0"]).await;
    let client = server.signed_in_client().await;
    let page = client
        .get(format!("{}/", server.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Send State Roundtrip"));
    let again = reqwest::get(&server.url).await.unwrap();
    assert_eq!(again.status(), 401, "a launch token works once");
}

/// A token file's token signs in; a file larger than a token can be is refused, with its
/// reason, before the server starts. Unix also requires the file to be 0600, regular and the
/// user's own (`headless_binary`); Windows has no modes, and a file in the user's profile is
/// private by its ACL, so there only its size is checked.
#[tokio::test]
async fn a_token_file_signs_in_and_an_oversized_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        let mut file = datastar_ui::private_files::private_file_options()
            .write(true)
            .create_new(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let token = "from-a-file-0123456789abcdef0123456789";
    let small = write("token", &format!("{token}\r\n"));
    let server = Headless::spawn(&["--port", "0", "--token-file", &small]).await;
    assert!(
        server.url.ends_with(&format!("/?token={token}")),
        "{}",
        server.url
    );
    let client = server.signed_in_client().await;
    let page = client.get(format!("{}/", server.base())).send().await;
    assert_eq!(page.unwrap().status(), 200);

    let large = write("large", &"0".repeat(4_097));
    let output = Headless::refused(&["--port", "0", "--token-file", &large]).await;
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no readiness line");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("4097 bytes long") && stderr.contains("at most 4096"),
        "{stderr}"
    );
}

#[tokio::test]
async fn the_roundtrip_the_target_and_the_feed_answer() {
    let server = Headless::spawn(&["--port", "0"]).await;
    let client = server.signed_in_client().await;
    let roundtrip = action(&client, format!("{}/get", server.base()))
        .query(&[("datastar", r#"{"input":"héllo"}"#)])
        .send()
        .await
        .unwrap();
    assert_eq!(roundtrip.status(), 200);
    let answer = roundtrip.text().await.unwrap();
    assert!(answer.contains("Your input: héllo, is 5 long."), "{answer}");

    let target = action(&client, format!("{}/target?datastar=%7B%7D", server.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(target.status(), 200);
    let target = target.text().await.unwrap();
    assert!(target.contains(r#"<div id="target">"#), "{target}");

    let mut feed = server.open_feed(&client).await;
    assert_eq!(feed.status(), 200);
    let first = feed.chunk().await.unwrap().expect("a first event");
    let first = String::from_utf8_lossy(&first);
    assert!(
        first.contains("datastar-patch-signals") && first.contains(r#""feed":"#),
        "{first}"
    );
}

#[tokio::test]
async fn another_host_and_another_site_are_refused() {
    let server = Headless::spawn(&["--port", "0"]).await;
    let client = server.signed_in_client().await;
    let page = format!("{}/", server.base());
    for (header, value, refused) in [
        ("host", "evil.example", 421),
        ("sec-fetch-site", "cross-site", 403),
    ] {
        let response = client
            .get(&page)
            .header(header, value)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), refused, "{header}: {value}");
    }
}

#[tokio::test]
async fn the_state_is_kept_in_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().expect("a UTF-8 path");
    let mut server = Headless::spawn(&["--port", "0", "--data-dir", data]).await;
    let client = server.signed_in_client().await;
    let saved = client
        .post(format!("{}/save", server.base()))
        .header("datastar-request", "true")
        .header("content-type", "application/json")
        .body(r#"{"input":"kept across a restart"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 204, "{}", saved.text().await.unwrap());
    // A save is acknowledged once committed: even a kill loses nothing.
    server.child.kill().await.unwrap();

    let server = Headless::spawn(&["--port", "0", "--data-dir", data]).await;
    let client = server.signed_in_client().await;
    let page = client
        .get(format!("{}/", server.base()))
        .send()
        .await
        .unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains(r#"value="kept across a restart""#), "{page}");
}
