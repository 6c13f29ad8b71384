//! Native controls reach the page through the server: whatever asks `PageEvents`, every open
//! page hears on `/events`.

use crate::util::TestServer;
use datastar::prelude::PatchElements;
use datastar_ui::{PageEvents, changes};
use std::time::Duration;

async fn wait_for_listeners(events: &PageEvents) {
    // The stream subscribes when its response starts; a probe that reaches nobody is a no-op.
    for _ in 0..100 {
        if events.send(PatchElements::new(r#"<div id="probe"></div>"#)) > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the page's /events stream never subscribed");
}

#[tokio::test]
async fn a_toggle_from_outside_reaches_every_open_page_as_a_signal_patch() {
    let server = TestServer::start().await;
    let mut pages = Vec::new();
    for _ in 0..2 {
        let response = server.action("/events", "{}").send().await.unwrap();
        assert_eq!(response.status(), 200);
        pages.push(crate::util::SseStream::new(response));
    }
    let events = server.app.page_events();
    wait_for_listeners(events).await;
    for page in &mut pages {
        // Skip the probes sent while waiting for the second page.
        while page.next_event().await.expect("a probe").event != "datastar-patch-elements" {}
    }
    let shown = changes::toggle_feed(server.app.store(), events)
        .await
        .unwrap();
    assert!(!shown, "the feed starts shown");
    for page in &mut pages {
        let event = loop {
            let event = page.next_event().await.expect("the command");
            if event.event == "datastar-patch-signals" {
                break event;
            }
        };
        let patch: serde_json::Value =
            serde_json::from_str(&event.datastar_field("signals").unwrap()).unwrap();
        assert_eq!(patch, serde_json::json!({ "show": false }));
    }
}

#[tokio::test]
async fn the_events_stream_ends_with_the_server() {
    let server = TestServer::start().await;
    let mut page =
        crate::util::SseStream::new(server.action("/events", "{}").send().await.unwrap());
    wait_for_listeners(server.app.page_events()).await;
    server.stop().await;
    while page.next_event().await.is_some() {}
}

#[tokio::test]
async fn a_change_kept_while_the_page_loads_reaches_it() {
    let server = TestServer::start().await;
    let page = server.get("/").send().await.unwrap().text().await.unwrap();
    let (_, after) = page
        .split_once(r#"<input id="tab" type="hidden" value=""#)
        .expect("the page names its tab");
    let tab = &after[..after.find('"').expect("the tab id's end")];
    // A deep link, say, kept after the page was rendered and before its stream connected.
    changes::fill_and_answer(server.app.store(), server.app.page_events(), "late".into())
        .await
        .unwrap();
    let signals = serde_json::json!({ "tab": tab }).to_string();
    let mut stream =
        crate::util::SseStream::new(server.action("/events", &signals).send().await.unwrap());
    let event = stream.next_event().await.expect("the change");
    let patch: serde_json::Value =
        serde_json::from_str(&event.datastar_field("signals").unwrap()).unwrap();
    assert_eq!(
        patch,
        serde_json::json!({ "input": "late", "output": "Your input: late, is 4 long." })
    );
}
