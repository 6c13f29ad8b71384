//! Benchmarks datastar-desktop side by side with the seed demo, in one run.
//!
//! `bench full` is the real measurement (minutes; `make bench`). `bench smoke` runs every
//! part for a few seconds with tiny loads and checks the results are sane, so that CI
//! notices when the benchmark itself breaks (`make bench-smoke`). Results go to stdout and
//! to `.bench/results-<mode>.md`; `full` also rewrites the results block of BENCHMARKS.md.
//!
//! The modules:
//!
//! - `servers`: the servers under test (ours, the seed, a bare axum floor), started and
//!   signed in;
//! - `cpus`: which cores the servers and the load generators are pinned to;
//! - `wrk`, `latency`, `feeds`: the roundtrip's throughput, the first event, the fan-out;
//! - `desktop`: the app's cold start, memory, idle CPU and soak, beside the engine's floor;
//! - `live_reload`: from saving a page file to seeing the change;
//! - `stats`: medians over runs;
//! - `report`: the Markdown report, its targets, its sanity checks and the docs block.
//!
//! Reading processes (memory, CPU time, children) goes through `ui_scenarios::process`, the
//! one `/proc` reader the tests use too.

mod cpus;
mod desktop;
mod feeds;
mod flood;
mod latency;
mod live_reload;
mod report;
mod run;
mod saves;
mod servers;
mod stats;
mod wrk;

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use cpus::{Cpus, Role};
use feeds::FanOut;
use report::Report;
use run::{Latency, ServerRun};
use servers::Server;
use std::{
    path::{Path, PathBuf},
    time::Duration,
};
use ui_scenarios::process;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    Smoke,
    Full,
    /// Only our server's fan-out, at `--streams` sizes: for profiling memory per feed.
    Feeds,
    /// Only live reload's edit-to-visible latency, 10 edits of each kind.
    LiveReload,
    /// Only the desktop app and its engine floor, as in `full`.
    Desktop,
    /// Only the desktop app's cold start and MiniBrowser's, with a token soak and idle time:
    /// for working on the start.
    ColdStart,
    /// Only the tokenless flood of held heads, as in `full`.
    Flood,
    /// Only `/get` (ours, the bare axum floor, the seed) and the saves, as in `full`.
    Roundtrip,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Self::Smoke => "smoke",
            Self::Full => "full",
            Self::Feeds => "feeds",
            Self::LiveReload => "live-reload",
            Self::Desktop => "desktop",
            Self::ColdStart => "cold-start",
            Self::Flood => "flood",
            Self::Roundtrip => "roundtrip",
        }
    }
}

#[derive(Debug, Parser)]
#[command(about)]
struct Args {
    mode: Mode,
    /// Repetitions; the report shows medians. Default: 3 for full, 1 for smoke.
    #[arg(long)]
    runs: Option<usize>,
    /// Skip the desktop app (for machines without an X display).
    #[arg(long)]
    skip_desktop: bool,
    /// Fan-out sizes for `feeds` mode.
    #[arg(long, value_delimiter = ',', default_value = "15000")]
    streams: Vec<usize>,
}

/// How hard each mode pushes.
struct Plan {
    runs: usize,
    load_duration: Duration,
    feed_sizes_ours: Vec<usize>,
    feed_sizes_seed: Vec<usize>,
    hold: Duration,
    ramp_limit: Duration,
    first_event_tries: usize,
    desktop: desktop::Plan,
    live_reload_rounds: usize,
    /// Also measure this fan-out on a server free to use every core, as users run it.
    unpinned_streams: Option<usize>,
    /// Held near-limit heads, and the open-file limit the server runs under for them.
    flood: Option<(usize, u64)>,
    /// Saves of the page's state, one after another, on a fresh store.
    saves: Option<usize>,
}

impl Plan {
    fn for_mode(mode: Mode, runs: Option<usize>, streams: Vec<usize>) -> Self {
        match mode {
            Mode::Smoke => Self {
                runs: runs.unwrap_or(1),
                load_duration: Duration::from_secs(1),
                feed_sizes_ours: vec![20],
                feed_sizes_seed: vec![20],
                hold: Duration::from_secs(2),
                ramp_limit: Duration::from_secs(10),
                first_event_tries: 5,
                desktop: desktop::Plan {
                    floor_start: false,
                    settle: Duration::from_secs(1),
                    idle_for: Duration::from_secs(2),
                    soak_warm_up: 200,
                    soak_round: 500,
                    soak_rounds: 2,
                },
                live_reload_rounds: 2,
                unpinned_streams: Some(20),
                flood: Some((1_000, 2_000)),
                saves: Some(200),
            },
            Mode::LiveReload => Self {
                runs: 0,
                flood: None,
                saves: None,
                ..Self::for_mode(Mode::Full, runs, Vec::new())
            },
            Mode::Desktop => Self {
                feed_sizes_ours: Vec::new(),
                flood: None,
                saves: None,
                ..Self::for_mode(Mode::Full, runs, Vec::new())
            },
            Mode::ColdStart => Self {
                desktop: desktop::Plan {
                    floor_start: true,
                    settle: Duration::ZERO,
                    idle_for: Duration::from_secs(1),
                    soak_warm_up: 1,
                    soak_round: 1,
                    soak_rounds: 1,
                },
                ..Self::for_mode(Mode::Desktop, runs, Vec::new())
            },
            Mode::Flood => Self {
                runs: 0,
                saves: None,
                ..Self::for_mode(Mode::Full, runs, Vec::new())
            },
            Mode::Roundtrip => Self {
                feed_sizes_ours: Vec::new(),
                feed_sizes_seed: Vec::new(),
                unpinned_streams: None,
                flood: None,
                ..Self::for_mode(Mode::Full, runs, Vec::new())
            },
            Mode::Feeds => Self {
                unpinned_streams: streams.iter().max().copied(),
                feed_sizes_ours: streams,
                feed_sizes_seed: Vec::new(),
                flood: None,
                saves: None,
                ..Self::for_mode(Mode::Full, runs, Vec::new())
            },
            Mode::Full => Self {
                runs: runs.unwrap_or(3),
                load_duration: Duration::from_secs(10),
                feed_sizes_ours: vec![100, 1_000, 10_000, 15_000],
                // The seed serves 40 feeds from its thread pool; past 1,000 it only queues.
                feed_sizes_seed: vec![100, 1_000],
                hold: Duration::from_secs(10),
                ramp_limit: Duration::from_secs(30),
                first_event_tries: 21,
                desktop: desktop::Plan {
                    floor_start: true,
                    settle: Duration::from_secs(3),
                    idle_for: Duration::from_secs(10),
                    soak_warm_up: 5_000,
                    soak_round: 5_000,
                    soak_rounds: 19,
                },
                live_reload_rounds: 10,
                unpinned_streams: Some(15_000),
                flood: Some((16_000, 20_000)),
                saves: Some(100_000),
            },
        }
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let plan = Plan::for_mode(args.mode, args.runs, args.streams.clone());
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()?;
    // 15,000 streams need 15,000 sockets here and as many in the server, which inherits this.
    rlimit::increase_nofile_limit(u64::MAX).context("raising the open-file limit")?;
    build_headless(&repo, true).await?;
    build(&repo, &["--release", "-p", "bench", "--bin", "bare-axum"]).await?;
    let seed_dir = servers::seed_dir(&repo);
    if seed_dir.is_none() {
        eprintln!("bench: no seed at ../shared/seed (set SEED_DIR): measuring ours only");
    }
    let venv = repo.join(".bench/seed-venv");
    let cpus = Cpus::detect().await;
    eprintln!("bench: {}", cpus.describe());
    // This process is the feed clients and the first-event client: load, like wrk.
    cpus.pin_this_process(Some(Role::Load)).await?;

    let mut report = Report::new(args.mode.name(), plan.hold, cpus.describe());
    for run in 1..=plan.runs {
        eprintln!("bench: run {run}/{}", plan.runs);
        if args.mode == Mode::Feeds {
            report.ours.push(fan_outs_only(&plan, &repo, &cpus).await?);
            continue;
        }
        if matches!(args.mode, Mode::Desktop | Mode::ColdStart) {
            break;
        }
        let mut ours = measure_server(&plan, &cpus, &plan.feed_sizes_ours, || {
            Server::ours(&repo, &cpus)
        })
        .await?;
        ours.unpinned = unpinned_fan_out(&plan, &repo).await?;
        report.ours.push(ours);
        report.bare_axum.push(bare_axum_get(&plan, &cpus).await?);
        if let Some(seed_dir) = &seed_dir {
            report.seed.push(
                measure_server(&plan, &cpus, &plan.feed_sizes_seed, || {
                    Server::seed(seed_dir, &venv, &cpus)
                })
                .await?,
            );
        }
    }

    if let Some((heads, file_limit)) = plan.flood {
        eprintln!("bench: ours: {heads} held heads at an open-file limit of {file_limit}");
        match flood::measure(&repo, &cpus, heads, file_limit).await {
            Ok(flood) => report.flood = Some(flood),
            Err(err) => report.failures.push(format!("flood: {err:#}")),
        }
    }
    if let Some(count) = plan.saves {
        eprintln!("bench: {count} saves of the page's state");
        match saves::measure(&repo, count).await {
            Ok(saves) => report.saves = Some(saves),
            Err(err) => report.failures.push(format!("saves: {err:#}")),
        }
    }
    cpus.pin_this_process(None).await?;
    if matches!(args.mode, Mode::Full | Mode::Smoke | Mode::LiveReload) {
        match live_reload::measure(&repo, plan.live_reload_rounds).await {
            Ok(live) => report.live_reload = Some(live),
            Err(err) => report.failures.push(format!("live reload: {err:#}")),
        }
    }
    let binary = ui_scenarios::target_dir()?.join("release/datastar-desktop");
    let no_desktop = matches!(
        args.mode,
        Mode::Feeds | Mode::LiveReload | Mode::Flood | Mode::Roundtrip
    );
    if args.skip_desktop || no_desktop {
        eprintln!("bench: --skip-desktop");
    } else if !binary.is_file() {
        bail!(
            "{} is missing: run `make bundle` first (or pass --skip-desktop)",
            binary.display()
        );
    } else {
        for run in 1..=plan.runs {
            eprintln!("bench: desktop run {run}/{}", plan.runs);
            // A failure here must not throw away minutes of server results.
            match desktop::measure(&binary, &plan.desktop).await {
                Ok(desktop) => report.desktop.push(desktop),
                Err(err) => report.failures.push(format!("desktop run {run}: {err:#}")),
            }
        }
        report.binary_bytes = std::fs::metadata(&binary).map(|m| m.len()).ok();
        report.deb_bytes = newest_deb()
            .and_then(|deb| std::fs::metadata(deb).ok())
            .map(|m| m.len());
    }

    let markdown = report.to_markdown();
    println!("{markdown}");
    let out = repo.join(format!(".bench/results-{}.md", args.mode.name()));
    std::fs::create_dir_all(out.parent().context("no parent")?)?;
    std::fs::write(&out, &markdown)?;
    eprintln!("bench: wrote {}", out.display());
    if args.mode == Mode::Full {
        let benchmarks = repo.join("BENCHMARKS.md");
        let today = chrono::Local::now().format("%Y-%m-%d").to_string();
        let plots = report::plots::write_plots(&repo.join(PLOTS_DIR), &report)?;
        eprintln!("bench: drew {} plots in {PLOTS_DIR}", plots.len());
        let links: Vec<String> = plots
            .iter()
            .filter_map(|plot| Some(plot.strip_prefix(&repo).ok()?.display().to_string()))
            .collect();
        report::docs::write_results(&benchmarks, &report, &today, &links)?;
        eprintln!("bench: updated the results in {}", benchmarks.display());
    }
    if args.mode == Mode::Smoke {
        // The plotting code is run on the smoke run's figures, so that it cannot rot, and
        // every plot BENCHMARKS.md shows is checked to be there and to parse.
        let mut plots = report::plots::write_plots(&repo.join(".bench/plots-smoke"), &report)?;
        let benchmarks = std::fs::read_to_string(repo.join("BENCHMARKS.md"))?;
        plots.extend(report::plots::linked(&benchmarks).map(|link| repo.join(link)));
        report::plots::check_plots(&plots)?;
    }

    let problems = report.sanity_problems(!matches!(
        args.mode,
        Mode::LiveReload | Mode::Desktop | Mode::ColdStart | Mode::Flood
    ));
    if !problems.is_empty() {
        bail!("the benchmark is broken:\n- {}", problems.join("\n- "));
    }
    Ok(())
}

/// Where `bench full` draws the plots BENCHMARKS.md shows, in the repository.
pub const PLOTS_DIR: &str = "bench/plots";

/// The roundtrip every server is loaded with: the page's signals, with `héllo` typed.
const GET_PATH: &str = "/get?datastar=%7B%22input%22%3A%22h%C3%A9llo%22%2C%22output%22%3A%22%22%2C%22show%22%3Atrue%7D";

/// Roundtrip and first-event latency on one instance, then each fan-out on a fresh one, so
/// that memory left over from a bigger run never flatters a smaller one.
async fn measure_server<F, Fut>(
    plan: &Plan,
    cpus: &Cpus,
    feed_sizes: &[usize],
    start: F,
) -> Result<ServerRun>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<Server>>,
{
    let server = start().await?;
    eprintln!("bench: {} on {}", server.name, server.addr);
    let url = server.url(GET_PATH);
    // The server keeps each new answer once: the first `/get` of this input writes it, and
    // the load that follows, the same input again, must write nothing.
    latency::time_to_first_event(&server, GET_PATH, 1).await?;
    let written_before = process::disk_write_bytes(server.pid());
    let get_c1 = wrk::measure(cpus, &url, &server.headers(), 1, plan.load_duration).await?;
    let get_c64 = wrk::measure(cpus, &url, &server.headers(), 64, plan.load_duration).await?;
    let get_disk_writes = written_before
        .zip(process::disk_write_bytes(server.pid()))
        .map(|(before, after)| after.saturating_sub(before));
    let first_feed =
        latency::time_to_first_event(&server, "/feed?datastar=%7B%7D", plan.first_event_tries)
            .await?;
    let first_get = latency::time_to_first_event(&server, GET_PATH, plan.first_event_tries).await?;
    let name = server.name;
    drop(server);

    let mut fan_outs = Vec::new();
    for &streams in feed_sizes {
        let server = start().await?;
        eprintln!("bench: {name}: {streams} feeds");
        fan_outs.push(feeds::measure(&server, streams, plan.hold, plan.ramp_limit).await?);
    }
    Ok(ServerRun {
        latency: Some(Latency {
            get_c1,
            get_c64,
            first_feed,
            first_get,
            get_disk_writes,
        }),
        fan_outs,
        unpinned: None,
    })
}

/// `/get` at 64 connections on the bare axum server, pinned as ours is: the floor.
async fn bare_axum_get(plan: &Plan, cpus: &Cpus) -> Result<wrk::Load> {
    let server = Server::bare(cpus).await?;
    eprintln!("bench: {} on {}", server.name, server.addr);
    wrk::measure(cpus, &server.url(GET_PATH), &[], 64, plan.load_duration).await
}

async fn fan_outs_only(plan: &Plan, repo: &Path, cpus: &Cpus) -> Result<ServerRun> {
    let mut fan_outs = Vec::new();
    for &streams in &plan.feed_sizes_ours {
        let server = Server::ours(repo, cpus).await?;
        fan_outs.push(feeds::measure(&server, streams, plan.hold, plan.ramp_limit).await?);
    }
    Ok(ServerRun {
        latency: None,
        fan_outs,
        unpinned: unpinned_fan_out(plan, repo).await?,
    })
}

/// The plan's unpinned fan-out, on a fresh server free to use every core.
async fn unpinned_fan_out(plan: &Plan, repo: &Path) -> Result<Option<FanOut>> {
    let Some(streams) = plan.unpinned_streams else {
        return Ok(None);
    };
    let server = Server::ours(repo, &Cpus::unpinned()).await?;
    eprintln!("bench: ours, unpinned: {streams} feeds");
    Ok(Some(
        feeds::measure(&server, streams, plan.hold, plan.ramp_limit).await?,
    ))
}

/// Builds the headless server: release for the measurements, debug for live reload (which
/// only debug builds have).
pub async fn build_headless(repo: &Path, release: bool) -> Result<()> {
    let profile: &[&str] = if release { &["--release"] } else { &[] };
    let target = ["-p", "datastar-ui", "--bin", "datastar-headless"];
    build(repo, &[profile, &target].concat()).await
}

/// `cargo build --locked --quiet` with `args`, in the repository.
async fn build(repo: &Path, args: &[&str]) -> Result<()> {
    let status = tokio::process::Command::new(env!("CARGO"))
        .args(["build", "--locked", "--quiet"])
        .args(args)
        .current_dir(repo)
        .status()
        .await?;
    if !status.success() {
        bail!("cargo build {} failed", args.join(" "));
    }
    Ok(())
}

/// A fresh directory beside the repository, removed when dropped: for the stores the
/// benchmark writes. Not in /tmp, which may be a tmpfs that never reaches a disk.
pub fn scratch_dir(repo: &Path) -> Result<tempfile::TempDir> {
    let bench_dir = repo.join(".bench");
    std::fs::create_dir_all(&bench_dir)?;
    Ok(tempfile::tempdir_in(bench_dir)?)
}

fn newest_deb() -> Option<PathBuf> {
    std::fs::read_dir(ui_scenarios::target_dir().ok()?.join("release/bundle/deb"))
        .ok()?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "deb"))
        .max_by_key(|entry| entry.metadata().and_then(|m| m.modified()).ok())
        .map(|entry| entry.path())
}
