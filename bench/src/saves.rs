//! The store under the page's saves: how many per second, how long each waits for the disk,
//! and what the file weighs after many. Measured on the store itself, in this process, on a
//! fresh data directory beside the repository (not in /tmp, which may be a tmpfs that never
//! syncs): a save's cost is SQLite's commit, not HTTP's.

use anyhow::Result;
use datastar_ui::{PageState, Store};
use std::{
    path::Path,
    time::{Duration, Instant},
};

#[derive(Debug, Clone, Copy)]
pub struct Saves {
    pub count: usize,
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    /// The database and its write-ahead log, after the last save.
    pub store_bytes: u64,
}

pub async fn measure(repo: &Path, count: usize) -> Result<Saves> {
    let dir = crate::scratch_dir(repo)?;
    let store = Store::open(dir.path());
    anyhow::ensure!(store.is_persistent(), "{:?}", store.notice());
    let mut latencies = Vec::with_capacity(count);
    let started = Instant::now();
    for i in 0..count {
        let state = PageState {
            input: format!("typed {i}"),
            output: format!(
                "Your input: typed {i}, is {} long.",
                6 + i.to_string().len()
            ),
            show: i % 2 == 0,
            target: "2026-11-30 10:00:00".to_owned(),
        };
        let saving = Instant::now();
        store.save(state).await?;
        latencies.push(saving.elapsed());
    }
    let took = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    let store_bytes = ["", "-wal"]
        .iter()
        .filter_map(|suffix| {
            std::fs::metadata(
                dir.path()
                    .join(format!("{}{suffix}", datastar_ui::store::FILE_NAME)),
            )
            .ok()
        })
        .map(|meta| meta.len())
        .sum();
    Ok(Saves {
        count,
        per_second: count as f64 / took.as_secs_f64(),
        p50: at(0.5),
        p99: at(0.99),
        store_bytes,
    })
}
