//! Debug builds: the page's files are served from disk, and edits reach open pages as
//! Datastar events. Release builds have none of this (`scripts/check-release.sh`).

use crate::util::{SseStream, TestServer, shipped};
use datastar_ui::{Config, live_reload::LIVE_RELOAD_PATH};
use std::path::Path;

fn copy_of_assets() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    for entry in std::fs::read_dir(source).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

async fn live_server(dir: &Path) -> TestServer {
    TestServer::start_with(Config {
        live_reload: Some(dir.to_owned()),
        ..shipped()
    })
    .await
}

async fn open_edits(server: &TestServer) -> SseStream {
    let response = server.action(LIVE_RELOAD_PATH, "{}").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let mut edits = SseStream::new(response);
    let connected = edits.next_event().await.expect("the connected marker");
    assert!(
        connected
            .datastar_field("elements")
            .is_some_and(|html| html.contains("data-connected"))
    );
    edits
}

#[tokio::test]
async fn the_page_comes_from_disk_with_the_live_reload_hook() {
    let dir = copy_of_assets();
    let server = live_server(dir.path()).await;
    let page = server.get("/").send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    let page = page.text().await.unwrap();
    assert!(
        page.contains(&format!(
            "@get('{}'",
            LIVE_RELOAD_PATH.trim_start_matches('/')
        )),
        "{page}"
    );

    std::fs::write(dir.path().join("style.css"), "h1 { color: red }").unwrap();
    let css = server.get("/assets/style.css").send().await.unwrap();
    assert_eq!(css.text().await.unwrap(), "h1 { color: red }");
}

#[tokio::test]
async fn a_stylesheet_edit_re_points_the_link() {
    let dir = copy_of_assets();
    let server = live_server(dir.path()).await;
    let mut edits = open_edits(&server).await;
    std::fs::write(dir.path().join("style.css"), "h1 { color: red }").unwrap();
    let edit = edits.next_event().await.expect("an edit");
    assert_eq!(edit.event, "datastar-patch-elements");
    assert!(
        edit.datastar_field("selector")
            .is_some_and(|selector| selector.contains("link")),
        "{edit:?}"
    );
    assert!(
        edit.datastar_field("elements")
            .is_some_and(|html| html.contains(r#"href="assets/style.css?v=1""#)),
        "{edit:?}"
    );
}

#[tokio::test]
async fn a_markup_edit_sends_the_new_body_and_a_broken_one_keeps_the_last_good_page() {
    let dir = copy_of_assets();
    let server = live_server(dir.path()).await;
    let mut edits = open_edits(&server).await;
    let index = dir.path().join("index.html");
    let page = std::fs::read_to_string(&index).unwrap();
    let edited = page.replacen("</main>", r#"<p id="probe">new</p></main>"#, 1);
    std::fs::write(&index, &edited).unwrap();
    let edit = edits.next_event().await.expect("an edit");
    let body = edit.datastar_field("elements").unwrap();
    assert!(
        body.starts_with("<body") && body.contains(r#"<p id="probe">new</p>"#),
        "{body}"
    );

    std::fs::write(&index, &edited[..edited.len() / 2]).unwrap();
    let edit = edits.next_event().await.expect("an error");
    let error = edit.datastar_field("elements").unwrap();
    assert!(
        error.contains(r#"id="live-reload-error""#) && error.contains("index.html"),
        "{error}"
    );
    let served = server.get("/").send().await.unwrap().text().await.unwrap();
    assert!(
        served.contains(r#"<p id="probe">new</p>"#),
        "the last good page"
    );
}

#[tokio::test]
async fn the_embedded_page_has_no_hook() {
    let server = TestServer::start().await;
    let page = server.get("/").send().await.unwrap().text().await.unwrap();
    assert!(!page.contains(LIVE_RELOAD_PATH));
    let response = server.action(LIVE_RELOAD_PATH, "{}").send().await.unwrap();
    assert_eq!(response.status(), 404);
}
