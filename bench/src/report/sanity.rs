//! What would mean the benchmark itself is broken, whatever the machine's speed: smoke runs
//! check these, so that CI notices a benchmark that no longer measures anything.

use super::Report;
use crate::desktop::{APP_PROCESS, MINI_BROWSER_PROCESS};
use ui_scenarios::process::WEB_PROCESS;

impl Report {
    /// What would mean the benchmark itself is broken, whatever the machine's speed.
    /// `expect_server_runs` is false in modes that measure something else only.
    pub fn sanity_problems(&self, expect_server_runs: bool) -> Vec<String> {
        let mut problems = self.failures.clone();
        if expect_server_runs && self.ours.is_empty() {
            problems.push("no runs of our server".to_owned());
        }
        for (name, runs) in [("ours", &self.ours), ("seed", &self.seed)] {
            for latency in runs.iter().filter_map(|r| r.latency) {
                for load in [latency.get_c1, latency.get_c64] {
                    if load.requests_per_second <= 0.0 || load.errors > 0 {
                        problems.push(format!("{name}: /get load had {load:?}"));
                    }
                }
            }
        }
        for load in &self.bare_axum {
            if load.requests_per_second <= 0.0 || load.errors > 0 {
                problems.push(format!("bare axum: /get load had {load:?}"));
            }
        }
        if self.ours.iter().any(|run| run.latency.is_some())
            && (self.bare_axum.len() != self.ours.len() || self.get_disk_writes().is_none())
        {
            problems.push("ours: /get has no bare axum run or no disk reading beside it".into());
        }
        for run in &self.ours {
            for f in run.fan_outs.iter().chain(&run.unpinned) {
                if f.connected != f.requested || f.events_per_stream_second < 0.5 {
                    problems.push(format!("ours: fan-out {f:?}"));
                }
                let readings = [f.server_rss_kib.map(|kib| kib as f64), f.rss_per_feed_kib];
                if readings
                    .iter()
                    .any(|reading| reading.is_none_or(|value| value <= 0.0))
                {
                    problems.push(format!("ours: no memory reading for fan-out {f:?}"));
                }
                if f.server_cpu.is_none() {
                    problems.push(format!("ours: no CPU reading for fan-out {f:?}"));
                }
            }
        }
        let floor_starts: Vec<_> = self
            .desktop
            .iter()
            .filter_map(|d| d.floor_start.as_ref())
            .collect();
        if !floor_starts.is_empty() && floor_starts.iter().all(|start| start.is_err()) {
            problems.push("desktop: no run measured MiniBrowser's cold start".to_owned());
        }
        for d in &self.desktop {
            let footprints = [
                ("the app", Some(&d.app), APP_PROCESS),
                ("the floor", d.floor.as_ref(), MINI_BROWSER_PROCESS),
            ];
            for (what, footprint, main) in footprints {
                let Some(footprint) = footprint else {
                    problems.push(format!("desktop: no reading of {what}"));
                    continue;
                };
                if footprint.pss_of(main).is_none_or(|kib| kib == 0)
                    || footprint.pss_of(WEB_PROCESS).is_none_or(|kib| kib == 0)
                {
                    problems.push(format!(
                        "desktop: no PSS reading for {what}: {:?}",
                        footprint.pss_kib
                    ));
                }
            }
            let soak_read = d.soak.as_ref().is_some_and(|soak| {
                soak.pss_kib.len() >= 2 && soak.pss_kib.iter().all(|kib| kib.is_some_and(|k| k > 0))
            });
            if !soak_read {
                problems.push(format!(
                    "desktop: the soak has missing readings: {:?}",
                    d.soak
                ));
            }
        }
        if let Some(saves) = self.saves
            && !(saves.per_second > 0.0 && saves.store_bytes > 0)
        {
            problems.push(format!("saves: implausible readings {saves:?}"));
        }
        if let Some(flood) = self.flood
            && (flood.idle_kib == 0 || flood.peak_kib < flood.idle_kib)
        {
            problems.push(format!("flood: implausible readings {flood:?}"));
        }
        problems
    }
}
