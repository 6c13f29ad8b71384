//! The desktop app's cost: start-up, memory, idle CPU and size, measured in its real window.

use crate::procfs;
use anyhow::{Context, Result};
use fantoccini::Locator;
use std::{path::Path, time::Duration};
use tokio::time::{Instant, sleep};
use ui_scenarios::{drivers::TauriDriver, wait_until};

#[derive(Debug, Clone)]
pub struct Desktop {
    /// From asking WebDriver to launch the app to the first feed value visible in `#feed`.
    pub cold_start: Duration,
    /// PSS of the app and of its WebKit processes, idle with the feed running, by process
    /// name (`datastar-deskto`, `WebKitWebProces`, `WebKitNetworkPr`). `None` if any
    /// process's reading failed: a missing reading must never pass for a small one.
    pub pss_kib: Option<Vec<(String, u64)>>,
    /// CPU of that process tree while idle, as a percentage of one core.
    pub idle_cpu_percent: f64,
}

/// WebKit truncates nothing, but /proc does: command names are at most 15 bytes.
const APP_COMM: &str = "datastar-deskto";

pub async fn measure(binary: &Path, settle: Duration, idle_for: Duration) -> Result<Desktop> {
    let driver = TauriDriver::start().await?;
    let started = Instant::now();
    let session = driver.launch(binary).await?;
    wait_until(
        Duration::from_secs(30),
        "the first feed value",
        async || {
            let text = session
                .client
                .find(Locator::Css("#feed"))
                .await?
                .text()
                .await?;
            Ok((!text.is_empty()).then_some(()))
        },
    )
    .await?;
    let cold_start = started.elapsed();

    let app = procfs::find_process(APP_COMM).context("the app's process")?;
    sleep(settle).await;
    let tree = procfs::process_tree(app);
    let cpu =
        |tree: &[u32]| -> Duration { tree.iter().filter_map(|&pid| procfs::cpu_time(pid)).sum() };
    let cpu_before = cpu(&tree);
    sleep(idle_for).await;
    let idle_cpu_percent =
        cpu(&tree).saturating_sub(cpu_before).as_secs_f64() / idle_for.as_secs_f64() * 100.0;
    let pss_kib = tree
        .iter()
        .map(|&pid| Some((procfs::comm(pid)?, procfs::pss_kib(pid)?)))
        .collect::<Option<Vec<_>>>();

    session.close().await?;
    Ok(Desktop {
        cold_start,
        pss_kib,
        idle_cpu_percent,
    })
}

impl Desktop {
    /// Total PSS of the app's processes.
    pub fn total_pss_kib(&self) -> Option<u64> {
        Some(self.pss_kib.as_ref()?.iter().map(|(_, kib)| kib).sum())
    }

    /// PSS of the processes whose name starts with `prefix`.
    pub fn pss_of(&self, prefix: &str) -> Option<u64> {
        let processes = self.pss_kib.as_ref()?;
        Some(
            processes
                .iter()
                .filter(|(name, _)| name.starts_with(prefix))
                .map(|(_, kib)| kib)
                .sum(),
        )
    }
}
