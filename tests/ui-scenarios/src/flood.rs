//! What another local user can throw at the server without a token, for the tests and the
//! benchmark alike: connections that each hold a request head just under the limit.

use std::{net::SocketAddr, sync::Arc};
use tokio::{io::AsyncWriteExt, net::TcpStream, sync::Semaphore};

/// Opens `count` connections to `addr`, `in_flight` at a time, and sends each a request head
/// of about `head_bytes` that never ends. Returns the connections the server has not closed
/// by then, for the caller to hold.
pub async fn held_heads(
    addr: SocketAddr,
    count: usize,
    in_flight: usize,
    head_bytes: usize,
) -> Vec<TcpStream> {
    let head = Arc::new(format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nX-Pad: {}",
        "p".repeat(head_bytes.saturating_sub(64))
    ));
    let slots = Arc::new(Semaphore::new(in_flight));
    let mut tasks = Vec::with_capacity(count);
    for _ in 0..count {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            break;
        };
        let head = head.clone();
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.ok()?;
            let _ = stream.write_all(head.as_bytes()).await;
            drop(permit);
            Some(stream)
        }));
    }
    let mut held = Vec::with_capacity(count);
    for task in tasks {
        if let Ok(Some(stream)) = task.await {
            held.push(stream);
        }
    }
    held
}

/// What a flood of held heads did to a server's memory (its resident set, in KiB, read from
/// `/proc`: Linux only).
#[cfg(target_os = "linux")]
#[derive(Debug, Clone, Copy)]
pub struct FloodMemory {
    pub idle_kib: u64,
    pub peak_kib: u64,
    /// Once the server had given back what it would, or when `give_back_within` ran out.
    pub after_kib: u64,
    /// How long after the flood `after_kib` was read.
    pub given_back_in: std::time::Duration,
}

#[cfg(target_os = "linux")]
impl FloodMemory {
    /// What the flood cost above idle, at its peak.
    pub fn cost_kib(&self) -> u64 {
        self.peak_kib.saturating_sub(self.idle_kib)
    }

    /// Whether the server came back to within `slack_kib` of idle.
    pub fn given_back(&self, slack_kib: u64) -> bool {
        self.after_kib <= self.idle_kib + slack_kib
    }
}

/// Connection attempts in flight at once during a flood.
pub const IN_FLIGHT: usize = 256;
/// Within this much of idle counts as given back: the server's trim does it in 1-2 s
/// (0.9-1.9 MiB above idle); without it, about 17 MiB is still held after 30 s.
pub const GIVEN_BACK_KIB: u64 = 8 * 1024;
/// How long a server gets to give its memory back after a flood.
pub const GIVE_BACK_WITHIN: std::time::Duration = std::time::Duration::from_secs(30);

/// Floods the server `pid`, listening on `addr`, with `heads` held request heads just under
/// the head limit, and measures its memory: idle before, the peak (sampled every 50 ms),
/// and after the connections are dropped, once within [`GIVEN_BACK_KIB`] of idle or after
/// [`GIVE_BACK_WITHIN`]. The test and the benchmark both measure a flood with this.
#[cfg(target_os = "linux")]
pub async fn memory_through_flood(
    pid: u32,
    addr: SocketAddr,
    heads: usize,
) -> anyhow::Result<FloodMemory> {
    use anyhow::Context;
    use std::{
        sync::atomic::{AtomicU64, Ordering},
        time::Duration,
    };
    use tokio::time::{Instant, sleep};
    /// The peak is read by sampling: ten samples after the last head is held, so that the
    /// reading is not the one taken before the server had read them all.
    const SAMPLE_EVERY: Duration = Duration::from_millis(50);
    const SAMPLES_AFTER_THE_FLOOD: Duration = Duration::from_millis(500);
    let rss = || crate::process::rss_kib(pid).context("the server's RSS");
    let idle_kib = rss()?;
    let peak = Arc::new(AtomicU64::new(idle_kib));
    let sampling = tokio::spawn({
        let peak = peak.clone();
        async move {
            loop {
                if let Some(now) = crate::process::rss_kib(pid) {
                    peak.fetch_max(now, Ordering::Relaxed);
                }
                sleep(SAMPLE_EVERY).await;
            }
        }
    });
    let head_bytes = datastar_ui::limits::MAX_HEAD_BYTES - 1_024;
    let held = held_heads(addr, heads, IN_FLIGHT, head_bytes).await;
    sleep(SAMPLES_AFTER_THE_FLOOD).await;
    let peak_kib = peak.load(Ordering::Relaxed);
    sampling.abort();
    drop(held);
    let flood_ended = Instant::now();
    let mut after_kib = rss()?;
    while after_kib > idle_kib + GIVEN_BACK_KIB && flood_ended.elapsed() < GIVE_BACK_WITHIN {
        sleep(Duration::from_millis(250)).await;
        after_kib = rss()?;
    }
    Ok(FloodMemory {
        idle_kib,
        peak_kib,
        after_kib,
        given_back_in: flood_ended.elapsed(),
    })
}
