//! The page's state over HTTP: a save is kept, the other tabs hear of it, and a bad save is
//! refused with nothing stored.

use crate::util::{PAGE_SIGNALS, SseStream, TestServer};
use datastar_ui::PageState;
use std::time::Duration;

fn saved(input: &str, tab: &str) -> String {
    serde_json::json!({ "input": input, "show": false, "tab": tab }).to_string()
}

#[tokio::test]
async fn a_save_is_kept_and_the_page_comes_back_with_it() {
    let server = TestServer::start().await;
    let response = server
        .save(&saved("it's <kept>", "a"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(server.app.store().state().input, "it's <kept>");
    let page = server.get("/").send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    let page = page.text().await.unwrap();
    assert!(
        page.contains(r#"value="it&#x27;s &lt;kept&gt;" data-bind:input"#),
        "the page carries what was saved, as the box's text"
    );
    assert!(page.contains(r#"data-signals:show__ifmissing="false""#));
}

/// A save carries only what the user changed: the fields it leaves out stay as they were.
#[tokio::test]
async fn a_save_changes_only_what_it_names() {
    let server = TestServer::start().await;
    let save = |body: serde_json::Value| server.save(&body.to_string()).send();
    assert_eq!(
        save(serde_json::json!({ "input": "typed", "tab": "a" }))
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        save(serde_json::json!({ "show": false, "tab": "a" }))
            .await
            .unwrap()
            .status(),
        204
    );
    let state = server.app.store().state();
    assert_eq!((state.input.as_str(), state.show), ("typed", false));
    // An answer, a target or a tab's copy of them is the server's to keep, not a save's.
    save(serde_json::json!({ "output": "forged", "target": "forged", "tab": "a" }))
        .await
        .unwrap();
    assert_eq!(server.app.store().state(), state);
}

#[tokio::test]
async fn the_roundtrip_keeps_its_answer_and_the_target_is_remembered() {
    let server = TestServer::start().await;
    let response = server.action("/get", PAGE_SIGNALS).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        server.app.store().state().output,
        "Your input: , is 0 long.",
        "the server keeps the answer it sent"
    );
    server.action("/target", PAGE_SIGNALS).send().await.unwrap();
    let target = server.app.store().state().target;
    assert!(!target.is_empty());
    let page = server.get("/").send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!(r#"<div id="target"><b>{target}</b></div>"#)));
}

#[tokio::test]
async fn a_change_goes_to_the_other_tabs_and_not_back_to_its_own() {
    let server = TestServer::start().await;
    let events = |tab: &str| {
        server
            .action("/events", &serde_json::json!({ "tab": tab }).to_string())
            .send()
    };
    let mut own = SseStream::new(events("a").await.unwrap());
    let mut other = SseStream::new(events("b").await.unwrap());
    // The streams subscribe as their responses start: save until the other tab hears.
    let heard = tokio::time::timeout(Duration::from_secs(5), async {
        let mut round = 0;
        loop {
            round += 1;
            server
                .save(&saved(&format!("change {round}"), "a"))
                .send()
                .await
                .unwrap();
            if let Ok(Some(event)) =
                tokio::time::timeout(Duration::from_millis(200), other.next_event()).await
            {
                break event;
            }
        }
    })
    .await
    .expect("the other tab hears of the change");
    assert_eq!(heard.event, "datastar-patch-signals");
    assert!(
        heard.data.iter().any(|line| line.contains("\"input\"")),
        "{heard:?}"
    );
    let echoed = tokio::time::timeout(Duration::from_millis(500), own.next_event()).await;
    assert!(
        echoed.is_err(),
        "the tab that saved hears nothing back: {echoed:?}"
    );
}

#[tokio::test]
async fn a_bad_save_is_refused_and_nothing_is_stored() {
    let server = TestServer::start().await;
    let cases = [
        (server.save("{not json"), 400, "a JSON object of signals"),
        (server.save("[]"), 400, "a JSON object of signals"),
        (
            server.save(&saved(&"a".repeat(10_001), "a")),
            413,
            "input is 10001 characters long; the limit is 10000",
        ),
        (
            server.save(&saved("", &"t".repeat(65))),
            413,
            "tab is 65 characters long; the limit is 64",
        ),
        (
            server.save(&format!(r#"{{"input": "{}"}}"#, "a".repeat(70_000))),
            413,
            "larger than its limit",
        ),
        (
            server
                .post("/save")
                .header("content-type", "application/json")
                .body(saved("no Datastar header", "a")),
            400,
            "Datastar-Request",
        ),
        (
            server.action("/save", &saved("a GET", "a")),
            405,
            "not allowed",
        ),
    ];
    for (request, status, message) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "{message}");
        assert!(
            response.text().await.unwrap().contains(message),
            "{message}"
        );
    }
    assert_eq!(
        server.app.store().state(),
        PageState::default(),
        "nothing stored"
    );
}

/// A small disk of its own (tmpfs), unmounted when dropped.
struct SmallDisk(tempfile::TempDir);

impl SmallDisk {
    fn mount(size: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .status()
            .expect("mount");
        assert!(status.success(), "cannot mount a tmpfs: {status}");
        Self(dir)
    }

    /// Writes a file until the disk is full.
    fn fill(&self) -> std::path::PathBuf {
        use std::io::Write;
        let filler = self.0.path().join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        while file.write_all(&[0; 4096]).is_ok() {}
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

/// A full disk is said in every tab: the save is refused (503), `#store-notice` says that
/// changes are not being kept, and once space is freed the next save works and the notice
/// goes. Nothing already kept is lost.
#[tokio::test]
#[ignore = "needs root, to mount a small disk"]
async fn a_full_disk_is_said_in_the_page_until_saves_work_again() {
    let disk = SmallDisk::mount("256k");
    let store = datastar_ui::Store::open(disk.0.path());
    assert!(store.is_persistent(), "{:?}", store.notice());
    let server = TestServer::start_with(datastar_ui::Config {
        store,
        ..crate::util::shipped()
    })
    .await;
    let mut tab = SseStream::new(
        server
            .action("/events", r#"{"tab": "other"}"#)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(
        server
            .save(&saved("kept", "a"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );

    let filler = disk.fill();
    let big = "x".repeat(10_000);
    let response = server.save(&saved(&big, "a")).send().await.unwrap();
    assert_eq!(response.status(), 503);
    let notice = |event: &crate::util::SseEvent| {
        event.event == "datastar-patch-elements"
            && event.data.iter().any(|line| line.contains("store-notice"))
    };
    let mut next_notice = async || {
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                let event = tab.next_event().await.expect("the stream stays open");
                if notice(&event) {
                    break event;
                }
            }
        })
        .await
        .expect("a patch of #store-notice")
    };
    let said = next_notice().await;
    assert!(
        said.data.iter().any(|line| line.contains("not being kept")),
        "{said:?}"
    );
    let page = server.get("/").send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Your changes are not being kept"));
    assert_eq!(
        server.app.store().state().input,
        "kept",
        "nothing kept is lost"
    );

    std::fs::remove_file(filler).unwrap();
    assert_eq!(
        server
            .save(&saved(&big, "a"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let cleared = next_notice().await;
    assert!(
        !cleared
            .data
            .iter()
            .any(|line| line.contains("not being kept")),
        "{cleared:?}"
    );
    assert_eq!(server.app.store().state().input, big);
}
