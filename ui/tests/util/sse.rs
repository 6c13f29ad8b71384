//! Parses `text/event-stream` into events, as a browser's SSE reader would.

use futures_util::StreamExt;
use std::{pin::Pin, time::Duration};

/// Longest wait for the next event (or the end) before a test fails: a feed ticks every
/// second, so a silent stream is a broken one, and a test must say so rather than hang.
const EVENT_DEADLINE: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field.
    pub event: String,
    /// Every `data:` line, in order, without the `data: ` prefix.
    pub data: Vec<String>,
}

impl SseEvent {
    /// The payload of the data lines that start with `key ` (Datastar's `elements …`,
    /// `signals …`), joined with newlines.
    pub fn datastar_field(&self, key: &str) -> Option<String> {
        let prefix = format!("{key} ");
        let lines: Vec<&str> = self
            .data
            .iter()
            .filter_map(|line| line.strip_prefix(&prefix))
            .collect();
        (!lines.is_empty()).then(|| lines.join("\n"))
    }
}

type Body = Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>;

pub struct SseStream {
    body: Body,
    buffer: String,
    /// Comment lines seen so far (`: …`), which is how keep-alives arrive.
    pub comments: usize,
}

impl SseStream {
    pub fn new(response: reqwest::Response) -> Self {
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("text/event-stream"),
            "an SSE response"
        );
        Self {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
            comments: 0,
        }
    }

    /// The next event, or `None` when the server ends the stream. Panics if neither comes
    /// within [`EVENT_DEADLINE`].
    pub async fn next_event(&mut self) -> Option<SseEvent> {
        tokio::time::timeout(EVENT_DEADLINE, self.next_event_unbounded())
            .await
            .unwrap_or_else(|_| {
                panic!("no SSE event and no end of stream within {EVENT_DEADLINE:?}")
            })
    }

    async fn next_event_unbounded(&mut self) -> Option<SseEvent> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(event) = self.parse_block(&block) {
                    return Some(event);
                }
                continue;
            }
            match self.body.next().await {
                Some(Ok(chunk)) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                Some(Err(_)) | None => return None,
            }
        }
    }

    fn parse_block(&mut self, block: &str) -> Option<SseEvent> {
        let mut event = None;
        let mut data = Vec::new();
        for line in block.lines() {
            if line.starts_with(':') {
                self.comments += 1;
            } else if let Some(value) = line.strip_prefix("event:") {
                event = Some(value.trim_start().to_owned());
            } else if let Some(value) = line.strip_prefix("data:") {
                data.push(value.strip_prefix(' ').unwrap_or(value).to_owned());
            }
        }
        Some(SseEvent {
            event: event?,
            data,
        })
    }
}
