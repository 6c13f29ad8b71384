//! The feed stream: its pace, its values, and its end.

use crate::util::TestServer;
use datastar_ui::Config;
use std::{collections::HashSet, time::Duration};
use tokio::time::{Instant, timeout};

#[tokio::test]
async fn feed_sends_a_new_hex_value_every_second_starting_at_once() {
    let server = TestServer::start().await;
    let started = Instant::now();
    let mut feed = server.open_feed().await;

    let mut values = Vec::new();
    let mut arrivals = Vec::new();
    while values.len() < 3 {
        let event = timeout(Duration::from_millis(2_500), feed.next_event())
            .await
            .expect("events keep coming")
            .expect("the stream stays open");
        arrivals.push(started.elapsed());
        assert_eq!(event.event, "datastar-patch-signals");
        let signals = event.datastar_field("signals").unwrap();
        let signals: serde_json::Value = serde_json::from_str(&signals).unwrap();
        let value = signals["feed"]
            .as_str()
            .unwrap_or_else(|| panic!("unexpected signals {signals}"))
            .to_owned();
        assert_eq!(value.len(), 16, "{value}");
        assert!(
            value.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')),
            "{value}"
        );
        values.push(value);
    }
    assert!(
        arrivals[0] < Duration::from_millis(500),
        "first value at once: {arrivals:?}"
    );
    assert!(
        arrivals[1] - arrivals[0] >= Duration::from_millis(900),
        "the second value waits for the tick: {arrivals:?}"
    );
    assert!(
        arrivals[2] <= Duration::from_millis(2_500),
        "three values by 2.5 s: {arrivals:?}"
    );
    assert_eq!(
        values.iter().collect::<HashSet<_>>().len(),
        3,
        "distinct: {values:?}"
    );
}

#[tokio::test]
async fn feed_stream_ends_when_its_client_goes_away() {
    let server = TestServer::start().await;
    let mut feeds = Vec::new();
    for _ in 0..3 {
        let mut feed = server.open_feed().await;
        feed.next_event().await.expect("first event");
        feeds.push(feed);
    }
    assert_eq!(server.app.live_feeds().count(), 3);

    feeds.pop();
    server.wait_for_live_feeds(2, Duration::from_secs(3)).await;
    feeds.clear();
    server.wait_for_live_feeds(0, Duration::from_secs(3)).await;
}

#[tokio::test]
async fn shutdown_ends_open_feeds_and_returns() {
    let server = TestServer::start().await;
    let mut feed = server.open_feed().await;
    feed.next_event().await.expect("first event");

    let live_feeds = server.app.live_feeds().clone();
    let took = server.stop().await;
    assert!(
        took < Duration::from_secs(2),
        "graceful shutdown took {took:?}"
    );
    assert_eq!(live_feeds.count(), 0);
    // The client sees a clean end of stream, not a hang.
    let rest = timeout(Duration::from_secs(2), async {
        while feed.next_event().await.is_some() {}
    })
    .await;
    assert!(rest.is_ok(), "the stream ended");
}

#[tokio::test]
async fn feeds_past_the_cap_get_503_with_a_message() {
    let server = TestServer::start_with(Config {
        max_feeds: 2,
        ..crate::util::shipped()
    })
    .await;
    let _first = server.open_feed().await;
    let _second = server.open_feed().await;
    let response = server
        .action("/feed", crate::util::PAGE_SIGNALS)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("maximum of 2 live feeds")
    );
}

/// A feed with nothing to say still sends SSE comments, so the connection never looks idle.
#[tokio::test]
async fn a_quiet_feed_sends_keep_alive_comments() {
    let server = TestServer::start_with(Config {
        keep_alive: Duration::from_millis(100),
        ..crate::util::shipped()
    })
    .await;
    let mut feed = server.open_feed().await;
    feed.next_event().await.expect("first value");
    feed.next_event()
        .await
        .expect("second value, a second later");
    // About one per 100 ms of the second between two values: not none, and not a flood.
    assert!(
        (3..=15).contains(&feed.comments),
        "{} keep-alive comments in a second of silence",
        feed.comments
    );
}
