//! Feed fan-out: N concurrent `/feed` streams held open, measured from both ends.
//!
//! The client is tokio tasks in this process, one per stream, doing nothing but counting
//! event headers, so it costs far less CPU than the server it measures.

use crate::servers::Server;
use anyhow::Result;
use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    sync::watch,
    time::{Instant, sleep, timeout},
};
use ui_scenarios::process;

#[derive(Debug, Clone, Copy)]
pub struct FanOut {
    pub requested: usize,
    /// Streams that delivered their first event before the measurement window opened.
    pub connected: usize,
    /// Events received per connected stream per second of the window; 1.0 is perfect.
    pub events_per_stream_second: f64,
    /// The longest silence any connected stream saw inside the window.
    pub worst_gap: Duration,
    /// Server RSS with every stream open, and its growth per stream over the idle server.
    /// `None` when /proc could not be read, which the sanity check reports: a missing
    /// reading must never pass for a small one.
    pub server_rss_kib: Option<u64>,
    pub rss_per_feed_kib: Option<f64>,
    /// Server CPU time spent during the window.
    pub server_cpu: Option<Duration>,
}

pub async fn measure(
    server: &Server,
    streams: usize,
    hold: Duration,
    ramp_limit: Duration,
) -> Result<FanOut> {
    let pid = server.pid();
    let idle_rss = process::rss_kib(pid);
    let request: Arc<str> = server
        .raw_get("/feed?datastar=%7B%22show%22%3Atrue%7D")
        .into();
    let marker: Arc<str> = format!("event: {}", server.feed_event).into();
    let connected = Arc::new(AtomicUsize::new(0));
    let (stop, stopped) = watch::channel(false);

    // All at once, as a reconnect storm comes (a server restarted under many tabs): no
    // pacing, no retry. Every stream is a stranger to the server until its request is read;
    // it must tell this burst from a flood by what the strangers cost, not by their number.
    let mut tasks = Vec::with_capacity(streams);
    for _ in 0..streams {
        let (request, marker, connected, stopped) = (
            request.clone(),
            marker.clone(),
            connected.clone(),
            stopped.clone(),
        );
        let addr = server.addr;
        tasks.push(tokio::spawn(async move {
            let Ok(Ok(mut stream)) =
                timeout(Duration::from_secs(10), TcpStream::connect(addr)).await
            else {
                return Vec::new();
            };
            if stream.write_all(request.as_bytes()).await.is_err() {
                return Vec::new();
            }
            read_events(&mut stream, &marker, &connected, stopped).await
        }));
    }

    let ramp_started = Instant::now();
    while connected.load(Ordering::Relaxed) < streams && ramp_started.elapsed() < ramp_limit {
        sleep(Duration::from_millis(50)).await;
    }
    let window_start = Instant::now();
    let connected_count = connected.load(Ordering::Relaxed);
    let cpu_before = process::cpu_time(pid);
    sleep(hold).await;
    let server_rss_kib = process::rss_kib(pid);
    let server_cpu = process::cpu_time(pid)
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    let window_end = Instant::now();
    let _ = stop.send(true);

    let mut events_in_window = 0usize;
    let mut worst_gap = Duration::ZERO;
    for task in tasks {
        let arrivals = task.await.unwrap_or_default();
        if arrivals.first().is_none_or(|first| *first > window_start) {
            continue; // not connected before the window: counted as not connected
        }
        let inside: Vec<Instant> = arrivals
            .into_iter()
            .filter(|t| (window_start..=window_end).contains(t))
            .collect();
        events_in_window += inside.len();
        let mut previous = window_start;
        for arrival in inside.iter().copied().chain([window_end]) {
            worst_gap = worst_gap.max(arrival - previous);
            previous = arrival;
        }
    }
    let seconds = (window_end - window_start).as_secs_f64();
    Ok(FanOut {
        requested: streams,
        connected: connected_count,
        events_per_stream_second: if connected_count == 0 {
            0.0
        } else {
            events_in_window as f64 / (connected_count as f64 * seconds)
        },
        worst_gap,
        server_rss_kib,
        rss_per_feed_kib: server_rss_kib
            .zip(idle_rss)
            .filter(|_| connected_count > 0)
            .map(|(busy, idle)| busy.saturating_sub(idle) as f64 / connected_count as f64),
        server_cpu,
    })
}

/// Reads until told to stop, returning when each event arrived.
async fn read_events(
    stream: &mut TcpStream,
    marker: &str,
    connected: &AtomicUsize,
    mut stopped: watch::Receiver<bool>,
) -> Vec<Instant> {
    let mut arrivals = Vec::new();
    let mut buffer = vec![0u8; 2048];
    // An event header may straddle two reads; keep the end of the previous one.
    let mut carry = Vec::new();
    loop {
        let read = tokio::select! {
            read = stream.read(&mut buffer) => read,
            _ = stopped.wait_for(|stop| *stop) => break,
        };
        let n = match read {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let now = Instant::now();
        carry.extend_from_slice(&buffer[..n]);
        let found = count(&carry, marker.as_bytes());
        if found > 0 && arrivals.is_empty() {
            connected.fetch_add(1, Ordering::Relaxed);
        }
        arrivals.extend(std::iter::repeat_n(now, found));
        let keep = carry.len().saturating_sub(marker.len() - 1);
        if found > 0 {
            carry.clear();
        } else {
            carry.drain(..keep);
        }
    }
    arrivals
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|window| *window == needle)
        .count()
}
