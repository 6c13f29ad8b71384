//! A tokenless flood against our server, as another local user could send it: connections
//! that each hold a request head just under the 64 KiB limit, at an open-file limit like a
//! desktop session's. What the server's memory does: before, at its peak, and after.

use crate::{cpus::Cpus, servers::Server};
use anyhow::{Context, Result};
use std::time::Duration;
use tokio::time::{Instant, sleep};
use ui_scenarios::process;

/// How the server came through one flood.
#[derive(Debug, Clone, Copy)]
pub struct Flood {
    pub heads: usize,
    pub file_limit: u64,
    pub idle_kib: u64,
    pub peak_kib: u64,
    /// RSS once the server has given back what it will, and how long after the flood.
    pub after_kib: u64,
    pub given_back_in: Duration,
}

/// Connection attempts in flight at once.
const IN_FLIGHT: usize = 256;
/// How long the server gets to give its memory back.
const GIVE_BACK_WITHIN: Duration = Duration::from_secs(30);
/// Within this much of idle counts as given back.
pub const GIVEN_BACK_KIB: u64 = 32 * 1024;

pub async fn measure(
    repo: &std::path::Path,
    cpus: &Cpus,
    heads: usize,
    file_limit: u64,
) -> Result<Flood> {
    let server = Server::ours_with_file_limit(repo, cpus, file_limit).await?;
    let pid = server.pid();
    let rss = || process::rss_kib(pid).context("the server's RSS");
    let idle_kib = rss()?;
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(idle_kib));
    let sampling = tokio::spawn({
        let peak = peak.clone();
        async move {
            loop {
                if let Some(now) = process::rss_kib(pid) {
                    peak.fetch_max(now, std::sync::atomic::Ordering::Relaxed);
                }
                sleep(Duration::from_millis(50)).await;
            }
        }
    });
    let head_bytes = datastar_ui::limits::MAX_HEAD_BYTES - 1_024;
    let held = ui_scenarios::flood::held_heads(server.addr, heads, IN_FLIGHT, head_bytes).await;
    sleep(Duration::from_millis(500)).await;
    let peak_kib = peak.load(std::sync::atomic::Ordering::Relaxed);
    drop(held);
    let flood_ended = Instant::now();
    let mut after_kib = rss()?;
    while after_kib > idle_kib + GIVEN_BACK_KIB && flood_ended.elapsed() < GIVE_BACK_WITHIN {
        sleep(Duration::from_millis(250)).await;
        after_kib = rss()?;
    }
    sampling.abort();
    Ok(Flood {
        heads,
        file_limit,
        idle_kib,
        peak_kib,
        after_kib,
        given_back_in: flood_ended.elapsed(),
    })
}
