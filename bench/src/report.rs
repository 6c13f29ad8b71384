//! Medians over runs, the Markdown report, the targets and the smoke-mode sanity checks.

use crate::{
    desktop::{APP_COMM, Desktop, Footprint},
    feeds::FanOut,
    live_reload::LiveReload,
    wrk::Load,
};
use std::{fmt::Write, time::Duration};

pub struct ServerRun {
    /// `None` in `feeds` mode, which measures fan-out only.
    pub latency: Option<Latency>,
    pub fan_outs: Vec<FanOut>,
    /// One more fan-out, on a server free to use every core (the default configuration).
    pub unpinned: Option<FanOut>,
}

#[derive(Clone, Copy)]
pub struct Latency {
    pub get_c1: Load,
    pub get_c64: Load,
    pub first_feed: Duration,
    pub first_get: Duration,
}

/// The per-feed memory target: 12 KB (decimal) of server RSS per live feed.
const FEED_RSS_LIMIT_KIB: f64 = 12_000.0 / 1024.0;
/// The fan-out the feed target is measured at.
const FEED_TARGET_STREAMS: usize = 15_000;
/// The worst silence a feed may show at that fan-out.
const FEED_WORST_GAP_LIMIT: Duration = Duration::from_millis(1_500);
/// `/get` at 64 connections: at least this many times the seed's throughput...
const GET_RATIO_TARGET: f64 = 50.0;
/// ...with a p99 no worse than this.
const GET_P99_LIMIT: Duration = Duration::from_millis(2);
/// From saving a file under `ui/assets/` to the change showing in the open page.
const LIVE_RELOAD_LIMIT: Duration = Duration::from_millis(500);
/// From asking for the app to its first feed value in the window.
const COLD_START_LIMIT: Duration = Duration::from_millis(450);
/// The app's total PSS against WebKit's MiniBrowser on the same page, same settings.
const FLOOR_RATIO_LIMIT: f64 = 1.03;
/// CPU of the app's processes, idle with the feed running, in percent of one core.
const IDLE_CPU_LIMIT: f64 = 1.0;
/// Growth of the app's total PSS over the soak, after its warm-up: 10 MB (decimal).
const SOAK_GROWTH_LIMIT_KIB: f64 = 10_000_000.0 / 1024.0;

pub struct Report {
    /// `full`, `smoke` or `feeds`: what the report calls itself.
    mode: &'static str,
    hold: Duration,
    /// Which cores the servers and the load generators ran on.
    pinning: String,
    pub ours: Vec<ServerRun>,
    pub seed: Vec<ServerRun>,
    pub desktop: Vec<Desktop>,
    pub live_reload: Option<LiveReload>,
    pub binary_bytes: Option<u64>,
    pub deb_bytes: Option<u64>,
    /// Measurements that could not be taken; reported, and a failure of the run.
    pub failures: Vec<String>,
}

/// The two wrk loads: one connection, and 64.
type PickLoad = fn(&Latency) -> Load;
const LOADS: [(u32, PickLoad); 2] = [(1, |l| l.get_c1), (64, |l| l.get_c64)];

/// The middle value (the upper one of an even count), or `None` for no values.
pub fn median<T: Copy + PartialOrd>(mut values: Vec<T>) -> Option<T> {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    values.get(values.len() / 2).copied()
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1e3)
}

fn mib(kib: f64) -> String {
    format!("{:.1} MiB", kib / 1024.0)
}

/// Medians over runs of one fan-out size.
struct FanOutMedian {
    /// Measured on a server free to use every core.
    unpinned: bool,
    requested: usize,
    connected: usize,
    events_per_stream_second: f64,
    worst_gap: Duration,
    server_rss_kib: Option<f64>,
    rss_per_feed_kib: Option<f64>,
    server_cpu: Option<Duration>,
}

fn fan_out_medians(runs: &[ServerRun]) -> Vec<FanOutMedian> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    (0..first.fan_outs.len())
        .filter_map(|i| {
            let fan_outs: Vec<&FanOut> = runs.iter().map(|r| &r.fan_outs[i]).collect();
            median_of(&fan_outs, false)
        })
        .collect()
}

/// The medians of the unpinned fan-out, if every run measured one.
fn unpinned_median(runs: &[ServerRun]) -> Option<FanOutMedian> {
    let fan_outs = runs
        .iter()
        .map(|r| r.unpinned.as_ref())
        .collect::<Option<Vec<&FanOut>>>()?;
    median_of(&fan_outs, true)
}

fn median_of(fan_outs: &[&FanOut], unpinned: bool) -> Option<FanOutMedian> {
    let first = fan_outs.first()?;
    let of = |f: fn(&FanOut) -> f64| median(fan_outs.iter().map(|&r| f(r)).collect());
    // A reading that failed in any run makes the median unknown, not smaller.
    let reading = |f: fn(&FanOut) -> Option<f64>| {
        fan_outs
            .iter()
            .map(|&r| f(r))
            .collect::<Option<Vec<f64>>>()
            .and_then(median)
    };
    Some(FanOutMedian {
        unpinned,
        requested: first.requested,
        connected: of(|f| f.connected as f64)? as usize,
        events_per_stream_second: of(|f| f.events_per_stream_second)?,
        worst_gap: Duration::from_secs_f64(of(|f| f.worst_gap.as_secs_f64())?),
        server_rss_kib: reading(|f| f.server_rss_kib.map(|kib| kib as f64)),
        rss_per_feed_kib: reading(|f| f.rss_per_feed_kib),
        server_cpu: reading(|f| f.server_cpu.map(|cpu| cpu.as_secs_f64()))
            .map(Duration::from_secs_f64),
    })
}

/// Each figure's median over runs, and the errors of all runs together.
fn load_median(runs: &[ServerRun], pick: PickLoad) -> Option<Load> {
    let loads: Vec<Load> = runs
        .iter()
        .filter_map(|r| r.latency.as_ref())
        .map(pick)
        .collect();
    Some(Load {
        requests_per_second: median(loads.iter().map(|l| l.requests_per_second).collect())?,
        p50: median(loads.iter().map(|l| l.p50).collect())?,
        p99: median(loads.iter().map(|l| l.p99).collect())?,
        errors: loads.iter().map(|l| l.errors).sum(),
    })
}

fn or_unknown<T>(value: Option<T>, show: impl Fn(T) -> String) -> String {
    value.map_or_else(|| "unknown".to_owned(), show)
}

impl Report {
    pub fn new(mode: &'static str, hold: Duration, pinning: String) -> Self {
        Self {
            mode,
            hold,
            pinning,
            ours: Vec::new(),
            seed: Vec::new(),
            desktop: Vec::new(),
            live_reload: None,
            binary_bytes: None,
            deb_bytes: None,
            failures: Vec::new(),
        }
    }

    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let runs = self.ours.len();
        let _ = writeln!(
            out,
            "# Benchmark results ({} mode, medians of {runs} run(s))\n",
            self.mode
        );
        let _ = writeln!(out, "Machine: {}\n", machine());
        let _ = writeln!(out, "Cores: {}\n", self.pinning);

        let _ = writeln!(out, "## Roundtrip: `GET /get` (wrk)\n");
        let _ = writeln!(
            out,
            "| server | connections | requests/s | p50 | p99 | errors |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
        for (name, runs) in [("ours", &self.ours), ("seed", &self.seed)] {
            for (connections, pick) in LOADS {
                if let Some(load) = load_median(runs, pick) {
                    let _ = writeln!(
                        out,
                        "| {name} | {connections} | {:.0} | {} | {} | {} |",
                        load.requests_per_second,
                        ms(load.p50),
                        ms(load.p99),
                        load.errors
                    );
                }
            }
        }
        for (connections, pick) in LOADS {
            if let (Some(ours), Some(seed)) =
                (load_median(&self.ours, pick), load_median(&self.seed, pick))
            {
                let _ = writeln!(
                    out,
                    "\nThroughput ratio at {connections} connection(s): **{:.1}×** the seed.",
                    ours.requests_per_second / seed.requests_per_second
                );
            }
        }

        let _ = writeln!(out, "\n## Time to first event (median)\n");
        let _ = writeln!(out, "| server | `/feed` | `/get` |");
        let _ = writeln!(out, "|---|---:|---:|");
        for (name, runs) in [("ours", &self.ours), ("seed", &self.seed)] {
            if let (Some(feed), Some(get)) = (
                median(
                    runs.iter()
                        .filter_map(|r| r.latency)
                        .map(|l| l.first_feed)
                        .collect(),
                ),
                median(
                    runs.iter()
                        .filter_map(|r| r.latency)
                        .map(|l| l.first_get)
                        .collect(),
                ),
            ) {
                let _ = writeln!(out, "| {name} | {} | {} |", ms(feed), ms(get));
            }
        }

        let _ = writeln!(
            out,
            "\n## Feed fan-out: N streams held {} s\n",
            self.hold.as_secs()
        );
        let _ = writeln!(
            out,
            "| server | N | connected | events/stream·s | worst gap | server RSS | RSS per feed | server CPU |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
        for (name, runs) in [("ours", &self.ours), ("seed", &self.seed)] {
            for f in fan_out_medians(runs)
                .into_iter()
                .chain(unpinned_median(runs))
            {
                let name = if f.unpinned { "ours, unpinned" } else { name };
                let _ = writeln!(
                    out,
                    "| {name} | {} | {} | {:.3} | {} | {} | {} | {} |",
                    f.requested,
                    f.connected,
                    f.events_per_stream_second,
                    ms(f.worst_gap),
                    or_unknown(f.server_rss_kib, mib),
                    or_unknown(f.rss_per_feed_kib, |kib| format!("{kib:.2} KiB")),
                    or_unknown(f.server_cpu, |cpu| format!("{:.2} s", cpu.as_secs_f64()))
                );
            }
        }

        self.desktop_markdown(&mut out);

        if let Some(live) = self.live_reload {
            let _ = writeln!(
                out,
                "\n## Live reload (debug headless server, headless Chromium, median of {})\n",
                live.rounds
            );
            let _ = writeln!(out, "| edit | save to visible |");
            let _ = writeln!(out, "|---|---:|");
            let _ = writeln!(out, "| `style.css` | {} |", ms(live.stylesheet));
            let _ = writeln!(out, "| `index.html` | {} |", ms(live.markup));
        }

        if !self.failures.is_empty() {
            let _ = writeln!(out, "\n## Not measured\n");
            for failure in &self.failures {
                let _ = writeln!(out, "- {failure}");
            }
        }

        let _ = writeln!(out, "\n## Targets\n");
        for (target, verdict) in self.targets() {
            let _ = writeln!(out, "- {target}: {verdict}");
        }
        out
    }

    /// The median over desktop runs of `pick`, unknown if any run lacks it.
    fn desktop_median(&self, pick: impl Fn(&Desktop) -> Option<f64>) -> Option<f64> {
        self.desktop
            .iter()
            .map(pick)
            .collect::<Option<Vec<f64>>>()
            .and_then(median)
    }

    fn desktop_markdown(&self, out: &mut String) {
        if self.desktop.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\n## Desktop app (release, Xvfb, via tauri-driver; medians of {} run(s))\n",
            self.desktop.len()
        );
        let _ = writeln!(
            out,
            "PSS counts each shared page once in all, where summed RSS counts it once per process.\n"
        );
        let _ = writeln!(
            out,
            "| what | PSS total | main process | web process | network process | idle CPU (feed running) |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
        type Pick = fn(&Desktop) -> Option<&Footprint>;
        let rows: [(&str, &str, Pick); 2] = [
            ("the app", APP_COMM, |d| Some(&d.app)),
            (
                "MiniBrowser, same page and settings (the floor)",
                "MiniBrowser",
                |d| d.floor.as_ref(),
            ),
        ];
        for (what, main, pick) in rows {
            let kib = |f: fn(&Footprint, &str) -> Option<u64>, name: &str| {
                self.desktop_median(|d| pick(d).and_then(|fp| f(fp, name)).map(|k| k as f64))
            };
            let total = self.desktop_median(|d| pick(d)?.total_pss_kib().map(|k| k as f64));
            let cpu = self.desktop_median(|d| pick(d).map(|fp| fp.idle_cpu_percent));
            let _ = writeln!(
                out,
                "| {what} | {} | {} | {} | {} | {} |",
                or_unknown(total, mib),
                or_unknown(kib(Footprint::pss_of, main), mib),
                or_unknown(kib(Footprint::pss_of, "WebKitWebProces"), mib),
                or_unknown(kib(Footprint::pss_of, "WebKitNetworkPr"), mib),
                or_unknown(cpu, |cpu| format!("{cpu:.2} % of a core")),
            );
        }
        let size = |bytes: Option<u64>| bytes.map_or("n/a".into(), |b| mib(b as f64 / 1024.0));
        let _ = writeln!(
            out,
            "\nBinary {}, .deb {}.",
            size(self.binary_bytes),
            size(self.deb_bytes)
        );

        if let Some(first) = self.desktop.first() {
            let _ = writeln!(
                out,
                "\n### Cold start: from the launch request to the first feed value\n"
            );
            let _ = writeln!(out, "| moment | since launch (median) | step |");
            let _ = writeln!(out, "|---|---:|---:|");
            let mut previous = Duration::ZERO;
            for (name, _) in &first.stages {
                let at = self.desktop_median(|d| {
                    d.stages
                        .iter()
                        .find(|(stage, _)| stage == name)
                        .map(|(_, at)| at.as_secs_f64())
                });
                let Some(at) = at.map(Duration::from_secs_f64) else {
                    continue;
                };
                let _ = writeln!(
                    out,
                    "| {name} | {} | +{} |",
                    ms(at),
                    ms(at.saturating_sub(previous))
                );
                previous = at;
            }
        }

        if let Some(soak) = self.desktop.first().and_then(|d| d.soak.as_ref()) {
            let _ = writeln!(
                out,
                "\n### Soak: {} DOM patches (clicks on Target, each a request and a patch), first run\n",
                soak.patches
            );
            let readings: Vec<String> = soak
                .pss_kib
                .iter()
                .map(|kib| or_unknown(kib.map(|k| k as f64), mib))
                .collect();
            let _ = writeln!(
                out,
                "Total PSS after the warm-up, then after each round: {}.\n",
                readings.join(", ")
            );
            let _ = writeln!(
                out,
                "Took {:.1} s ({:.2} ms per patch). The app's open sockets: {} before, {} after.",
                soak.took.as_secs_f64(),
                soak.took.as_secs_f64() * 1e3 / soak.patches.max(1) as f64,
                soak.sockets.0,
                soak.sockets.1
            );
        }
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

    fn targets(&self) -> Vec<(String, String)> {
        let mut targets = Vec::new();
        let ours = fan_out_medians(&self.ours);
        if let Some(f) = ours.iter().find(|f| f.requested == FEED_TARGET_STREAMS) {
            let pass = f.connected >= FEED_TARGET_STREAMS
                && f.worst_gap <= FEED_WORST_GAP_LIMIT
                && f.rss_per_feed_kib
                    .is_some_and(|kib| kib <= FEED_RSS_LIMIT_KIB);
            targets.push((
                format!(
                    "{FEED_TARGET_STREAMS} feeds at 1 Hz, worst gap ≤ {}, ≤ {FEED_RSS_LIMIT_KIB:.2} KiB (12 KB) RSS per feed",
                    ms(FEED_WORST_GAP_LIMIT)
                ),
                format!(
                    "{} ({} connected, {:.3} events/stream·s, worst gap {}, {} per feed)",
                    verdict(pass),
                    f.connected,
                    f.events_per_stream_second,
                    ms(f.worst_gap),
                    or_unknown(f.rss_per_feed_kib, |kib| format!("{kib:.2} KiB")),
                ),
            ));
        }
        if let (Some(o), Some(s)) = (
            load_median(&self.ours, |l| l.get_c64),
            load_median(&self.seed, |l| l.get_c64),
        ) {
            let ratio = o.requests_per_second / s.requests_per_second;
            targets.push((
                format!(
                    "/get at 64 connections ≥ {GET_RATIO_TARGET}× the seed, p99 ≤ {}",
                    ms(GET_P99_LIMIT)
                ),
                format!(
                    "{} ({ratio:.1}×, p99 {})",
                    verdict(ratio >= GET_RATIO_TARGET && o.p99 <= GET_P99_LIMIT),
                    ms(o.p99)
                ),
            ));
        }
        if let Some(f) = unpinned_median(&self.ours) {
            targets.push((
                format!(
                    "{} feeds on a server using every core (the default), ≤ {FEED_RSS_LIMIT_KIB:.2} KiB (12 KB) RSS per feed",
                    f.requested
                ),
                format!(
                    "{} ({} per feed)",
                    verdict(f.rss_per_feed_kib.is_some_and(|kib| kib <= FEED_RSS_LIMIT_KIB)),
                    or_unknown(f.rss_per_feed_kib, |kib| format!("{kib:.2} KiB")),
                ),
            ));
        }
        if let Some(cold) = median(self.desktop.iter().map(|d| d.cold_start).collect()) {
            targets.push((
                format!(
                    "desktop cold start to first feed event ≤ {}",
                    ms(COLD_START_LIMIT)
                ),
                format!("{} ({})", verdict(cold <= COLD_START_LIMIT), ms(cold)),
            ));
        }
        let total = |d: &Desktop, pick: fn(&Desktop) -> Option<&Footprint>| {
            pick(d)?.total_pss_kib().map(|kib| kib as f64)
        };
        let app = self.desktop_median(|d| total(d, |d| Some(&d.app)));
        let floor = self.desktop_median(|d| total(d, |d| d.floor.as_ref()));
        if let (Some(app), Some(floor)) = (app, floor) {
            let ratio = app / floor;
            targets.push((
                format!("desktop total PSS ≤ {FLOOR_RATIO_LIMIT}× the engine floor (MiniBrowser)"),
                format!(
                    "{} ({ratio:.3}×: {} against {})",
                    verdict(ratio <= FLOOR_RATIO_LIMIT),
                    mib(app),
                    mib(floor)
                ),
            ));
        }
        if let Some(cpu) = self.desktop_median(|d| Some(d.app.idle_cpu_percent)) {
            targets.push((
                format!("desktop idle CPU with the feed running ≤ {IDLE_CPU_LIMIT} % of a core"),
                format!("{} ({cpu:.2} %)", verdict(cpu <= IDLE_CPU_LIMIT)),
            ));
        }
        if let Some(growth) = self.soak_growth_kib() {
            targets.push((
                format!(
                    "desktop PSS growth over the soak, after warm-up, ≤ {} (10 MB)",
                    mib(SOAK_GROWTH_LIMIT_KIB)
                ),
                format!(
                    "{} ({})",
                    verdict(growth <= SOAK_GROWTH_LIMIT_KIB),
                    mib(growth)
                ),
            ));
        }
        if let Some(live) = self.live_reload {
            let slowest = live.stylesheet.max(live.markup);
            targets.push((
                format!("live reload, save to visible ≤ {}", ms(LIVE_RELOAD_LIMIT)),
                format!(
                    "{} (stylesheet {}, markup {})",
                    verdict(slowest <= LIVE_RELOAD_LIMIT),
                    ms(live.stylesheet),
                    ms(live.markup)
                ),
            ));
        }
        targets
    }

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
        for d in &self.desktop {
            let footprints = [
                ("the app", Some(&d.app), APP_COMM),
                ("the floor", d.floor.as_ref(), "MiniBrowser"),
            ];
            for (what, footprint, main) in footprints {
                let Some(footprint) = footprint else {
                    problems.push(format!("desktop: no reading of {what}"));
                    continue;
                };
                if footprint.pss_of(main).is_none_or(|kib| kib == 0)
                    || footprint
                        .pss_of("WebKitWebProces")
                        .is_none_or(|kib| kib == 0)
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
        problems
    }
}

fn verdict(pass: bool) -> &'static str {
    if pass { "**met**" } else { "**missed**" }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| {
                l.strip_prefix("model name")?
                    .split(':')
                    .nth(1)
                    .map(|s| s.trim().to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{cores} cores, {cpu}, Linux {}", kernel.trim())
}
