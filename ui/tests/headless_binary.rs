//! The `datastar-headless` binary's contract: its first line, its flags, its exit.

use crate::util::{SseStream, headless::Headless};
use std::time::Duration;
use tokio::{io::AsyncReadExt, time::timeout};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

#[tokio::test]
async fn first_line_is_the_url_to_open_with_a_fresh_token() {
    let server = Headless::spawn(&["--port", "0"]).await;
    let (origin, token) = server
        .url
        .split_once("/?token=")
        .expect("a token in the URL");
    let host: std::net::SocketAddr = datastar_ui::readiness::authority(origin)
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        host.ip().is_loopback() && host.ip().to_string() != "127.0.0.1",
        "a loopback address of its own: {origin}"
    );
    assert!(
        token.len() >= 32 && token.chars().all(|c| c.is_ascii_hexdigit()),
        "{token}"
    );
    let other = Headless::spawn(&["--port", "0"]).await;
    assert!(
        !other.url.ends_with(token),
        "each launch draws its own token"
    );
}

#[tokio::test]
async fn the_printed_url_signs_a_browser_in() {
    let server = Headless::spawn(&[
        "--port",
        "0",
        "--token",
        "my-token-0123456789abcdef0123456789",
    ])
    .await;
    assert!(
        server
            .url
            .ends_with("/?token=my-token-0123456789abcdef0123456789"),
        "{}",
        server.url
    );
    let client = client();
    let page = client.get(&server.url).send().await.unwrap();
    assert_eq!(
        page.status(),
        200,
        "the redirect is followed, the cookie kept"
    );
    assert_eq!(page.url().as_str(), format!("{}/", server.base()));
    assert!(page.text().await.unwrap().contains("Send State Roundtrip"));
}

#[tokio::test]
async fn no_auth_warns_and_prints_a_plain_url() {
    let mut server = Headless::spawn(&["--port", "0", "--no-auth"]).await;
    assert_eq!(server.url, format!("{}/", server.base()));
    let page = reqwest::get(&server.url).await.unwrap();
    assert_eq!(page.status(), 200);

    server.terminate();
    let mut stderr = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    assert!(stderr.contains("--no-auth"), "a warning line: {stderr:?}");
}

#[tokio::test]
async fn sigterm_ends_open_feeds_and_exits_zero_within_two_seconds() {
    let mut server = Headless::spawn(&["--port", "0"]).await;
    let client = server.signed_in_client().await;
    let mut feed = SseStream::new(server.open_feed(&client).await);
    feed.next_event().await.expect("the feed is live");

    server.terminate();
    let status = timeout(Duration::from_secs(2), server.child.wait())
        .await
        .expect("exited within 2 s")
        .unwrap();
    assert!(status.success(), "{status}");
    let ended = timeout(Duration::from_secs(1), async {
        while feed.next_event().await.is_some() {}
    });
    assert!(ended.await.is_ok(), "the feed stream ended");
}

#[tokio::test]
async fn max_feeds_caps_live_feeds() {
    let server = Headless::spawn(&["--port", "0", "--max-feeds", "1"]).await;
    let client = server.signed_in_client().await;
    let first = server.open_feed(&client).await;
    assert_eq!(first.status(), 200);
    let second = server.open_feed(&client).await;
    assert_eq!(second.status(), 503);
    assert!(
        second
            .text()
            .await
            .unwrap()
            .contains("maximum of 1 live feeds")
    );
}

#[tokio::test]
async fn a_port_in_use_is_one_clear_error_line() {
    // Taken on every address, so no loopback address is left on that port.
    let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_datastar-headless"))
        .args(["--port", &port, "--in-memory"])
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no Listening line");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
    assert!(
        stderr.contains(&format!("cannot listen on a loopback address, port {port}")),
        "{stderr:?}"
    );
    assert!(
        stderr.to_lowercase().contains("address already in use"),
        "{stderr:?}"
    );
}

#[tokio::test]
async fn port_comes_from_the_environment_by_default() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_datastar-headless"))
        .env("PORT", port.to_string())
        .arg("--in-memory")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut stdout = child.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    while !first.ends_with('\n') && stdout.read(&mut byte).await.unwrap() == 1 {
        first.push(byte[0] as char);
    }
    let url = datastar_ui::readiness::url_from_line(&first);
    assert!(
        url.is_some_and(|url| url.starts_with("http://127.")
            && url.contains("?token=")
            && datastar_ui::readiness::authority(url)
                .is_some_and(|authority| authority.ends_with(&format!(":{port}")))),
        "{first}"
    );
}

#[tokio::test]
async fn the_token_can_come_from_the_environment() {
    let server = Headless::spawn_with_env(
        &["--port", "0"],
        &[(
            "DATASTAR_TOKEN",
            std::path::Path::new("from-the-environment-0123456789abcdef"),
        )],
    )
    .await;
    assert!(
        server
            .url
            .ends_with("/?token=from-the-environment-0123456789abcdef"),
        "{}",
        server.url
    );
}

#[tokio::test]
async fn the_token_can_come_from_a_file_only_its_owner_reads() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "from-a-file-0123456789abcdef0123456789\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let path = file.to_str().unwrap();
    let server = Headless::spawn(&["--port", "0", "--token-file", path]).await;
    assert!(
        server
            .url
            .ends_with("/?token=from-a-file-0123456789abcdef0123456789"),
        "{}",
        server.url
    );

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_datastar-headless"))
        .args(["--port", "0", "--in-memory", "--token-file", path])
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("other users may read it") && stderr.contains("chmod 600"),
        "{stderr}"
    );
}

/// Each bad token file is refused with its reason, at once, and before the port is taken: the
/// port given here is held by the test, so a late check would fail on the port instead.
#[tokio::test]
async fn a_token_file_must_be_small_regular_private_and_the_users_own() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let held = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    let refusal = async |path: &std::path::Path| refused_token_file(&port, path).await;

    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::set_permissions(&fifo, std::fs::Permissions::from_mode(0o600)).unwrap();
    let stderr = refusal(&fifo).await;
    assert!(stderr.contains("not a regular file"), "{stderr}");

    let huge = dir.path().join("huge");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(300 << 20).unwrap();
    std::fs::set_permissions(&huge, std::fs::Permissions::from_mode(0o600)).unwrap();
    let stderr = refusal(&huge).await;
    assert!(stderr.contains("bytes long"), "{stderr}");
}

/// Another user's file, mode 600: only root can make one, as CI runs.
#[tokio::test]
#[ignore = "needs root, to give a file to another user; `make test` runs it in CI"]
async fn a_token_file_of_another_user_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    assert!(
        rustix::process::geteuid().is_root(),
        "needs root, to give a file to another user"
    );
    let dir = tempfile::tempdir().unwrap();
    let held = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    let theirs = dir.path().join("theirs");
    std::fs::write(&theirs, format!("{}\n", "t".repeat(32))).unwrap();
    std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::chown(&theirs, Some(65_534), Some(65_534)).unwrap();
    let stderr = refused_token_file(&port, &theirs).await;
    assert!(stderr.contains("belongs to another user"), "{stderr}");
}

/// The headless server's stderr as it refuses the token file at `path`, at once, with the
/// port `port` held by the test.
async fn refused_token_file(port: &str, path: &std::path::Path) -> String {
    let output = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio::process::Command::new(env!("CARGO_BIN_EXE_datastar-headless"))
            .args(["--port", port, "--in-memory", "--token-file"])
            .arg(path)
            .output(),
    )
    .await
    .expect("an answer at once, even for a FIFO")
    .unwrap();
    assert!(!output.status.success());
    String::from_utf8(output.stderr).unwrap()
}

#[tokio::test]
async fn a_chosen_token_under_128_bits_is_refused() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_datastar-headless"))
        .args(["--port", "0", "--in-memory", "--token", "1234"])
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no readiness line");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("at least 32"), "{stderr}");
}

#[tokio::test]
async fn help_warns_that_a_token_flag_shows_in_ps() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_datastar-headless"))
        .arg("--help")
        .output()
        .await
        .unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(
        help.contains("`ps`") && help.contains("DATASTAR_TOKEN"),
        "{help}"
    );
}

/// docs/headless.md shows the flags as `--help` prints them, pasted by this test, never
/// retyped: a flag added, renamed or reworded fails here until the chapter shows it.
#[tokio::test]
async fn the_docs_show_the_help_as_printed() {
    const START: &str = "<!-- help: datastar-headless --help -->\n```text\n";
    const END: &str = "```\n<!-- end help -->";
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_datastar-headless"))
        .arg("--help")
        // What clap shows of the environment's values.
        .env_remove("PORT")
        .env_remove("DATASTAR_DATA_DIR")
        .output()
        .await
        .unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/headless.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let start = doc.find(START).expect("the help block's opening marker") + START.len();
    let end = start
        + doc[start..]
            .find(END)
            .expect("the help block's closing marker");
    if doc[start..end] == help {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, format!("{}{help}{}", &doc[..start], &doc[end..])).unwrap();
        return;
    }
    panic!(
        "{} does not show what --help prints; `UPDATE_DOCS=1 cargo test -p datastar-ui \
         --test integration the_docs_show_the_help` pastes it:\n{help}",
        path.display()
    );
}

/// `kill -USR1` is the headless binary's Toggle Feed: the server keeps it, and it goes
/// through `PageEvents` to every page's `/events` stream, as the desktop menu's does.
#[tokio::test]
async fn sigusr1_toggles_the_feed_in_every_open_page() {
    let server = Headless::spawn(&["--port", "0"]).await;
    let client = server.signed_in_client().await;
    let events = client
        .get(format!("{}/events?datastar=%7B%7D", server.base()))
        .header("datastar-request", "true")
        .send()
        .await
        .unwrap();
    let mut events = SseStream::new(events);
    // The stream subscribes as its response starts; signal until the page hears one.
    let signal = r#""show":false"#;
    let heard = timeout(Duration::from_secs(5), async {
        loop {
            server.signal("-USR1");
            match timeout(Duration::from_millis(300), events.next_event()).await {
                Ok(Some(event)) => break event,
                Ok(None) => panic!("the stream ended: SIGUSR1 stopped the server"),
                Err(_) => continue,
            }
        }
    })
    .await
    .expect("the page hears the toggle");
    assert_eq!(heard.event, "datastar-patch-signals");
    assert!(
        heard
            .datastar_field("signals")
            .is_some_and(|patch| patch.contains(signal)),
        "{heard:?}"
    );
}

/// The page of a server on `data_dir`, signed in.
async fn page_on(data_dir: &std::path::Path) -> String {
    let dir = data_dir.to_str().expect("a UTF-8 path");
    let server = Headless::spawn(&["--port", "0", "--data-dir", dir]).await;
    let client = server.signed_in_client().await;
    let page = client
        .get(format!("{}/", server.base()))
        .send()
        .await
        .unwrap();
    page.text().await.unwrap()
}

/// What another local user could plant in a data directory (a link to a file of the
/// user's, a hard link to a file of theirs, a FIFO) is refused before it is opened: the
/// server starts as it always does, keeps the state in memory, says why in the page, and
/// nothing outside the directory changes.
#[cfg(unix)]
#[tokio::test]
async fn a_planted_data_directory_is_refused_and_the_page_says_why() {
    use datastar_ui::store::FILE_NAME;
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let notes = home.path().join("notes.txt");
    std::fs::write(&notes, "the user's notes").unwrap();
    std::fs::set_permissions(&notes, std::fs::Permissions::from_mode(0o644)).unwrap();

    let linked = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(&notes, linked.path().join(FILE_NAME)).unwrap();
    let hard = tempfile::tempdir().unwrap();
    let theirs = home.path().join("theirs.sqlite3");
    std::fs::write(&theirs, "").unwrap();
    std::fs::hard_link(&theirs, hard.path().join(FILE_NAME)).unwrap();
    let fifo = tempfile::tempdir().unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        fifo.path().join(FILE_NAME),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();

    for (dir, says) in [
        (linked.path(), "is a symbolic link"),
        (hard.path(), "hard links"),
        (fifo.path(), "is not a regular file"),
    ] {
        let page = page_on(dir).await;
        assert!(
            page.contains("Changes will not be kept after this run") && page.contains(says),
            "{}: the page does not say {says:?}",
            dir.display()
        );
    }
    let mode = std::fs::metadata(&notes).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "the user's notes");
    assert_eq!(std::fs::metadata(&theirs).unwrap().len(), 0);
}

/// A directory another user made first (in the shared temporary directory, say) is refused
/// by a root server too, and left as it was.
#[cfg(unix)]
#[tokio::test]
#[ignore = "needs root, to give a directory to another user"]
async fn another_users_data_directory_is_refused_even_by_root() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let parent = tempfile::tempdir().unwrap();
    let theirs = parent.path().join("made-by-nobody");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o777)).unwrap();
    rustix::fs::chown(&theirs, Some(rustix::process::Uid::from_raw(65_534)), None).unwrap();
    let page = page_on(&theirs).await;
    assert!(
        page.contains("belongs to another user"),
        "the page does not say why"
    );
    let meta = std::fs::metadata(&theirs).unwrap();
    assert_eq!((meta.uid(), meta.mode() & 0o777), (65_534, 0o777));
    assert_eq!(
        std::fs::read_dir(&theirs).unwrap().count(),
        0,
        "nothing created in it"
    );
}
