//! The Markdown report: every section a run measured, its medians in tables, and the
//! headline figures that BENCHMARKS.md and the README quote.
//!
//! - `table`: one Markdown table helper for every section;
//! - `targets`: the targets, and whether the run met them;
//! - `sanity`: what would mean the benchmark itself is broken;
//! - `docs`: the block of BENCHMARKS.md the `full` benchmark rewrites;
//! - `plots`: the same results drawn as SVG, which BENCHMARKS.md shows.

pub mod docs;
pub mod plots;
mod sanity;
mod table;
mod targets;

use crate::{
    desktop::{APP_PROCESS, Desktop, Footprint},
    flood::Flood,
    live_reload::LiveReload,
    run::{Latency, ServerRun},
    saves::Saves,
    stats::{
        fan_out_medians, load_median, median, median_load, median_of_readings, unpinned_median,
    },
    wrk::Load,
};
use std::{fmt::Write, time::Duration};
use table::Table;
use ui_scenarios::process::{NETWORK_PROCESS, WEB_PROCESS, machine};

pub struct Report {
    /// `full`, `smoke` or `feeds`: what the report calls itself.
    mode: &'static str,
    hold: Duration,
    /// Which cores the servers and the load generators ran on.
    pinning: String,
    pub ours: Vec<ServerRun>,
    pub seed: Vec<ServerRun>,
    /// `/get` at 64 connections on the bare axum server, once per run, beside ours.
    pub bare_axum: Vec<Load>,
    pub desktop: Vec<Desktop>,
    pub live_reload: Option<LiveReload>,
    pub flood: Option<Flood>,
    pub saves: Option<Saves>,
    pub binary_bytes: Option<u64>,
    pub deb_bytes: Option<u64>,
    /// Measurements that could not be taken; reported, and a failure of the run.
    pub failures: Vec<String>,
}

/// The two wrk loads: one connection, and 64.
type PickLoad = fn(&Latency) -> Load;
const LOADS: [(u32, PickLoad); 2] = [(1, |l| l.get_c1), (64, |l| l.get_c64)];

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1e3)
}

fn mib(kib: f64) -> String {
    format!("{:.1} MiB", kib / 1024.0)
}

fn kib(kib: f64) -> String {
    format!("{kib:.2} KiB")
}

/// `15000` as `15,000`, as the README writes it.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// When the moment `name` came in a cold start's `stages`, in seconds since the launch.
fn stage_at(stages: &[(&'static str, Duration)], name: &str) -> Option<f64> {
    stages
        .iter()
        .find(|(stage, _)| *stage == name)
        .map(|(_, at)| at.as_secs_f64())
}

fn or_unknown<T>(value: Option<T>, show: impl Fn(T) -> String) -> String {
    value.map_or_else(|| "unknown".to_owned(), show)
}

/// `title` as a heading of `level`, then `body`, as one section of the report.
fn section(out: &mut String, level: usize, title: &str, body: impl std::fmt::Display) {
    let _ = write!(out, "\n{} {title}\n\n{body}", "#".repeat(level));
}

impl Report {
    pub fn new(mode: &'static str, hold: Duration, pinning: String) -> Self {
        Self {
            mode,
            hold,
            pinning,
            ours: Vec::new(),
            seed: Vec::new(),
            bare_axum: Vec::new(),
            desktop: Vec::new(),
            live_reload: None,
            flood: None,
            saves: None,
            binary_bytes: None,
            deb_bytes: None,
            failures: Vec::new(),
        }
    }

    /// The whole report, as `.bench/results-<mode>.md` holds it.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# Benchmark results ({} mode, medians of {} run(s))\n",
            self.mode,
            self.ours.len()
        );
        self.write_results(&mut out, 2);
        out
    }

    /// Every measured section, with its headings at `level`.
    fn write_results(&self, out: &mut String, level: usize) {
        let _ = write!(out, "\nMachine: {}\n\nCores: {}\n", machine(), self.pinning);
        section(out, level, "Headline", self.headline());
        self.roundtrip(out, level);
        self.first_event(out, level);
        self.fan_out(out, level);
        self.desktop_markdown(out, level);
        if let Some(live) = self.live_reload {
            let mut table = Table::new(["edit", "save to visible"]);
            table.row(["`style.css`".into(), ms(live.stylesheet)]);
            table.row(["`index.html`".into(), ms(live.markup)]);
            let title = format!(
                "Live reload (debug headless server, headless Chromium, median of {})",
                live.rounds
            );
            section(out, level, &title, table);
        }
        if let Some(flood) = self.flood {
            let mut table = Table::new(["server RSS", "idle", "peak", "above idle", "after"]);
            table.row([
                "ours".into(),
                mib(flood.idle_kib as f64),
                mib(flood.peak_kib as f64),
                mib(flood.peak_kib.saturating_sub(flood.idle_kib) as f64),
                format!(
                    "{} ({:.1} s after the flood)",
                    mib(flood.after_kib as f64),
                    flood.given_back_in.as_secs_f64()
                ),
            ]);
            let title = format!(
                "Flood: {} held near-limit heads at an open-file limit of {}",
                thousands(flood.heads),
                thousands(flood.file_limit as usize)
            );
            section(out, level, &title, table);
        }
        if let Some(saves) = self.saves {
            let mut table =
                Table::new(["store", "saves", "per second", "p50", "p99", "size after"]);
            table.row([
                "SQLite, WAL, synchronous = FULL".into(),
                thousands(saves.count),
                format!("{:.0}", saves.per_second),
                ms(saves.p50),
                ms(saves.p99),
                mib(saves.store_bytes as f64 / 1024.0),
            ]);
            section(
                out,
                level,
                "Saves of the page's state, one after another",
                table,
            );
        }
        let floor_starts_lost = self.desktop.iter().enumerate().filter_map(|(run, d)| {
            let why = d.floor_start.as_ref()?.as_ref().err()?;
            Some(format!("desktop run {}: {why}", run + 1))
        });
        let not_measured: Vec<String> = self
            .failures
            .iter()
            .cloned()
            .chain(floor_starts_lost)
            .collect();
        if !not_measured.is_empty() {
            let list: String = not_measured.iter().map(|f| format!("- {f}\n")).collect();
            section(out, level, "Not measured", list);
        }
        let mut targets = Table::new(["target", "result"]);
        for (target, verdict) in self.targets() {
            targets.row([target, verdict]);
        }
        section(out, level, "Targets", targets);
    }

    /// The figures the README quotes, each under the name a test looks up.
    pub fn headline(&self) -> Table {
        let mut table = Table::new(["figure", "value"]);
        for (figure, value) in self.headline_figures() {
            table.row([figure.to_owned(), value]);
        }
        table
    }

    fn headline_figures(&self) -> Vec<(&'static str, String)> {
        let mut figures = Vec::new();
        let pick: PickLoad = |l| l.get_c64;
        if let (Some(ours), Some(seed)) =
            (load_median(&self.ours, pick), load_median(&self.seed, pick))
        {
            let ratio = ours.requests_per_second / seed.requests_per_second;
            figures.push((docs::GET_RATIO, format!("{ratio:.1}×")));
        }
        if let Some(widest) = fan_out_medians(&self.ours)
            .into_iter()
            .max_by_key(|f| f.requested)
        {
            figures.push((docs::FEEDS, thousands(widest.requested)));
            if let Some(per_feed) = widest.rss_per_feed_kib {
                figures.push((docs::RSS_PER_FEED, kib(per_feed)));
            }
        }
        if let Some(cold) = median(self.desktop.iter().map(|d| d.start.to_first_feed).collect()) {
            figures.push((
                docs::COLD_START,
                format!("{:.0} ms", cold.as_secs_f64() * 1e3),
            ));
        }
        figures
    }

    fn roundtrip(&self, out: &mut String, level: usize) {
        let mut table = Table::new([
            "server",
            "connections",
            "requests/s",
            "p50",
            "p99",
            "errors",
        ]);
        for (name, runs) in [("ours", &self.ours), ("seed", &self.seed)] {
            for (connections, pick) in LOADS {
                if let Some(load) = load_median(runs, pick) {
                    table.row([
                        name.into(),
                        connections.to_string(),
                        format!("{:.0}", load.requests_per_second),
                        ms(load.p50),
                        ms(load.p99),
                        load.errors.to_string(),
                    ]);
                }
            }
        }
        if let Some(load) = median_load(&self.bare_axum) {
            table.row([
                "bare axum".into(),
                "64".into(),
                format!("{:.0}", load.requests_per_second),
                ms(load.p50),
                ms(load.p99),
                load.errors.to_string(),
            ]);
        }
        let mut body = table.to_string();
        if let Some(ratio) = self.bare_axum_ratio() {
            let _ = write!(
                body,
                "\nThroughput at 64 connections: **{ratio:.2}×** a bare axum server answering \
                 `/get` alone (median of each run's ratio).\n",
            );
        }
        if let Some(bytes) = self.get_disk_writes() {
            let _ = write!(
                body,
                "\nWritten to disk by our server while loaded with `/get`: {bytes} bytes.\n"
            );
        }
        for (connections, pick) in LOADS {
            if let (Some(ours), Some(seed)) =
                (load_median(&self.ours, pick), load_median(&self.seed, pick))
            {
                let _ = write!(
                    body,
                    "\nThroughput ratio at {connections} connection(s): **{:.1}×** the seed.\n",
                    ours.requests_per_second / seed.requests_per_second
                );
            }
        }
        section(out, level, "Roundtrip: `GET /get` (wrk)", body);
    }

    /// Ours against the bare axum server at 64 connections: each run's ratio, then their
    /// median, so that a noisy moment weighs on both sides of one ratio alike.
    fn bare_axum_ratio(&self) -> Option<f64> {
        let ratios = self
            .ours
            .iter()
            .filter_map(|run| run.latency)
            .zip(&self.bare_axum)
            .map(|(ours, bare)| ours.get_c64.requests_per_second / bare.requests_per_second)
            .collect();
        median(ratios)
    }

    /// The most any run's server wrote to storage while loaded with `/get`.
    fn get_disk_writes(&self) -> Option<u64> {
        self.ours
            .iter()
            .filter_map(|run| run.latency)
            .map(|latency| latency.get_disk_writes)
            .collect::<Option<Vec<u64>>>()?
            .into_iter()
            .max()
    }

    fn first_event(&self, out: &mut String, level: usize) {
        let mut table = Table::new(["server", "`/feed`", "`/get`"]);
        for (name, runs) in [("ours", &self.ours), ("seed", &self.seed)] {
            let latencies = || runs.iter().filter_map(|r| r.latency);
            let feed = median(latencies().map(|l| l.first_feed).collect());
            let get = median(latencies().map(|l| l.first_get).collect());
            if let (Some(feed), Some(get)) = (feed, get) {
                table.row([name.into(), ms(feed), ms(get)]);
            }
        }
        section(out, level, "Time to first event (median)", table);
    }

    fn fan_out(&self, out: &mut String, level: usize) {
        let mut table = Table::new([
            "server",
            "N",
            "connected",
            "events/stream·s",
            "worst gap",
            "server RSS",
            "RSS per feed",
            "server CPU",
        ]);
        for (name, runs) in [("ours", &self.ours), ("seed", &self.seed)] {
            for f in fan_out_medians(runs)
                .into_iter()
                .chain(unpinned_median(runs))
            {
                let name = if f.unpinned { "ours, unpinned" } else { name };
                table.row([
                    name.into(),
                    f.requested.to_string(),
                    f.connected.to_string(),
                    format!("{:.3}", f.events_per_stream_second),
                    ms(f.worst_gap),
                    or_unknown(f.server_rss_kib, mib),
                    or_unknown(f.rss_per_feed_kib, kib),
                    or_unknown(f.server_cpu, |cpu| format!("{:.2} s", cpu.as_secs_f64())),
                ]);
            }
        }
        let title = format!("Feed fan-out: N streams held {} s", self.hold.as_secs());
        section(out, level, &title, table);
    }

    /// The median over desktop runs of `pick`, unknown if any run lacks it.
    fn desktop_median(&self, pick: impl Fn(&Desktop) -> Option<f64>) -> Option<f64> {
        median_of_readings(self.desktop.iter().map(pick))
    }

    fn desktop_markdown(&self, out: &mut String, level: usize) {
        if self.desktop.is_empty() {
            return;
        }
        let mut table = Table::new([
            "what",
            "PSS total",
            "main process",
            "web process",
            "network process",
            "idle CPU (feed running)",
        ]);
        type Pick = fn(&Desktop) -> Option<&Footprint>;
        let rows: [(&str, &str, Pick); 2] = [
            ("the app", APP_PROCESS, |d| Some(&d.app)),
            (
                "MiniBrowser, same page and settings (the floor)",
                "MiniBrowser",
                |d| d.floor.as_ref(),
            ),
        ];
        for (what, main, pick) in rows {
            let pss = |name: &str| self.desktop_median(|d| pick(d)?.pss_of(name).map(|k| k as f64));
            let total = self.desktop_median(|d| pick(d)?.total_pss_kib().map(|k| k as f64));
            let cpu = self.desktop_median(|d| pick(d).map(|fp| fp.idle_cpu_percent));
            table.row([
                what.into(),
                or_unknown(total, mib),
                or_unknown(pss(main), mib),
                or_unknown(pss(WEB_PROCESS), mib),
                or_unknown(pss(NETWORK_PROCESS), mib),
                or_unknown(cpu, |cpu| format!("{cpu:.2} % of a core")),
            ]);
        }
        let size = |bytes: Option<u64>| bytes.map_or("n/a".into(), |b| mib(b as f64 / 1024.0));
        let title = format!(
            "Desktop app (release, Xvfb, via tauri-driver; medians of {} run(s))",
            self.desktop.len()
        );
        let body = format!(
            "PSS counts each shared page once in all, where summed RSS counts it once per \
             process.\n\n{table}\nBinary {}, .deb {}.\n",
            size(self.binary_bytes),
            size(self.deb_bytes)
        );
        section(out, level, &title, body);
        self.cold_start(out, level + 1);
        self.soak(out, level + 1);
    }

    /// Each moment of the cold start, in the order the first run met them, at its median
    /// time since the launch request.
    fn cold_start_stages(&self) -> Vec<(&'static str, Duration)> {
        let Some(first) = self.desktop.first() else {
            return Vec::new();
        };
        first
            .start
            .stages
            .iter()
            .filter_map(|&(name, _)| {
                let at = self.desktop_median(|d| stage_at(&d.start.stages, name))?;
                Some((name, Duration::from_secs_f64(at)))
            })
            .collect()
    }

    /// The app's cold start against the floor's (MiniBrowser's), to the first feed value:
    /// the median of each run's ratio (the two are measured a minute apart, so a slow
    /// moment of the machine weighs on both), with the median of each.
    fn cold_starts(&self) -> Option<(f64, Duration, Duration)> {
        let ratio = self.desktop_median(|d| {
            let floor = d
                .floor_start
                .as_ref()?
                .as_ref()
                .ok()?
                .to_first_feed
                .as_secs_f64();
            (floor > 0.0).then(|| d.start.to_first_feed.as_secs_f64() / floor)
        })?;
        let app = median(self.desktop.iter().map(|d| d.start.to_first_feed).collect())?;
        let floor = median(
            self.desktop
                .iter()
                .filter_map(|d| Some(d.floor_start.as_ref()?.as_ref().ok()?.to_first_feed))
                .collect(),
        )?;
        Some((ratio, app, floor))
    }

    fn cold_start(&self, out: &mut String, level: usize) {
        let stages = self.cold_start_stages();
        if stages.is_empty() {
            return;
        }
        let mut table = Table::new([
            "moment",
            "since launch (median)",
            "step",
            "MiniBrowser, since launch",
        ]);
        let mut previous = Duration::ZERO;
        for (name, at) in stages {
            let floor = self
                .desktop_median(|d| stage_at(&d.floor_start.as_ref()?.as_ref().ok()?.stages, name));
            table.row([
                name.to_owned(),
                ms(at),
                format!("+{}", ms(at.saturating_sub(previous))),
                or_unknown(floor, |seconds| ms(Duration::from_secs_f64(seconds))),
            ]);
            previous = at;
        }
        let mut body = table.to_string();
        if let Some((ratio, app, floor)) = self.cold_starts() {
            body.push_str(&format!(
                "\nThe app's cold start is **{ratio:.2}×** MiniBrowser's (median of each run's \
                 ratio; medians {} against {}), which opens the page of a headless server \
                 already running.\n",
                ms(app),
                ms(floor)
            ));
        }
        let title = "Cold start: from the launch request to the first feed value";
        section(out, level, title, body);
    }

    fn soak(&self, out: &mut String, level: usize) {
        let Some(soak) = self.desktop.first().and_then(|d| d.soak.as_ref()) else {
            return;
        };
        let readings: Vec<String> = soak
            .pss_kib
            .iter()
            .map(|kib| or_unknown(kib.map(|k| k as f64), mib))
            .collect();
        let title = format!(
            "Soak: {} DOM patches (clicks on Target, each a request and a patch), first run",
            soak.patches
        );
        let body = format!(
            "Total PSS after the warm-up, then after each round: {}.\n\n\
             Took {:.1} s ({:.2} ms per patch). The app's open sockets: {} before, {} after.\n",
            readings.join(", "),
            soak.took.as_secs_f64(),
            soak.took.as_secs_f64() * 1e3 / soak.patches.max(1) as f64,
            soak.sockets.0,
            soak.sockets.1
        );
        section(out, level, &title, body);
    }

    /// Growth of total PSS from the end of the warm-up to the end of the soak, median.
    fn soak_growth_kib(&self) -> Option<f64> {
        self.desktop_median(|d| {
            let soak = d.soak.as_ref()?;
            let warm = (*soak.pss_kib.first()?)?;
            let end = (*soak.pss_kib.last()?)?;
            Some(end as f64 - warm as f64)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desktop::ColdStart;

    #[test]
    fn thousands_are_separated_by_commas() {
        assert_eq!(super::thousands(15_000), "15,000");
        assert_eq!(super::thousands(100), "100");
        assert_eq!(super::thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn the_cold_start_ratio_is_the_median_of_each_runs() {
        let ms = Duration::from_millis;
        let start = |at| ColdStart {
            to_first_feed: ms(at),
            stages: Vec::new(),
        };
        let run = |app, floor| Desktop {
            start: start(app),
            floor_start: Some(Ok(start(floor))),
            app: Footprint {
                pss_kib: None,
                idle_cpu_percent: 0.0,
            },
            floor: None,
            soak: None,
        };
        let mut report = Report::new("test", Duration::ZERO, String::new());
        // Each run's ratio: 0.5, 0.9 and 2/3. The medians of each (500 and 1000 ms) would
        // give 0.5, from two different runs.
        report.desktop = vec![run(500, 1000), run(900, 1000), run(400, 600)];
        let (ratio, app, floor) = report.cold_starts().unwrap();
        assert!((ratio - 2.0 / 3.0).abs() < 1e-9, "{ratio}");
        assert_eq!((app, floor), (ms(500), ms(1000)));
    }
}
