//! The desktop app's cost, measured in its real window: where its cold start goes, its
//! memory (PSS) and idle CPU, each beside the engine's own floor (WebKitGTK's MiniBrowser on
//! the same page, with the same engine settings), and its memory over a soak.

use crate::servers::spawn_until_ready;
use anyhow::{Context, Result};
use fantoccini::Client;
use std::{
    path::Path,
    time::{Duration, SystemTime, UNIX_EPOCH},
};
use tokio::time::{Instant, sleep};
use ui_scenarios::{
    drivers::{MINI_BROWSER, MiniBrowserDriver, TauriDriver},
    process::{self, WEB_PROCESS, children_named, command_name, environment},
    wait_until,
};

/// The app's process, as the bundle installs it.
pub const APP_PROCESS: &str = "datastar-desktop";
/// The floor's process: [`MINI_BROWSER`]'s name.
pub const MINI_BROWSER_PROCESS: &str = "MiniBrowser";

#[derive(Debug, Clone)]
pub struct Desktop {
    /// From asking WebDriver to launch the app to the first feed value visible in `#feed`.
    pub start: ColdStart,
    /// The same, for MiniBrowser opening a running headless server's page: what the engine
    /// alone takes, which the app's start is held to. `None` where there is no MiniBrowser,
    /// or in a smoke run.
    pub floor_start: Option<Result<ColdStart, String>>,
    /// The app and its WebKit processes, idle with the feed running.
    pub app: Footprint,
    /// WebKit's MiniBrowser on the headless server's page, with the app's engine settings.
    pub floor: Option<Footprint>,
    pub soak: Option<Soak>,
}

/// A cold start to the first feed value, and its moments, since the launch request.
#[derive(Debug, Clone)]
pub struct ColdStart {
    pub to_first_feed: Duration,
    /// Its moments, from the same origin, in the order they happened.
    pub stages: Vec<(&'static str, Duration)>,
}

/// PSS by process, and CPU, of one process tree.
#[derive(Debug, Clone)]
pub struct Footprint {
    /// PSS in KiB by process name; `None` if any process's reading failed: a missing
    /// reading must never pass for a small one.
    pub pss_kib: Option<Vec<(String, u64)>>,
    /// CPU of the tree while idle, as a percentage of one core.
    pub idle_cpu_percent: f64,
}

/// Memory over many DOM patches, each a real request and patch in the window.
#[derive(Debug, Clone)]
pub struct Soak {
    pub patches: usize,
    /// Total PSS after the warm-up, then after each further round of patches.
    pub pss_kib: Vec<Option<u64>>,
    /// The app's open sockets before the soak and after it: the server's connections, and
    /// the tasks that serve them, back to their baseline.
    pub sockets: (usize, usize),
    pub took: Duration,
}

impl Footprint {
    /// Measures `root` and its descendants: PSS after `settle`, CPU over `idle_for`.
    async fn measure(root: u32, settle: Duration, idle_for: Duration) -> Self {
        sleep(settle).await;
        let tree = process::process_tree(root);
        let cpu = |tree: &[u32]| -> Duration {
            tree.iter().filter_map(|&pid| process::cpu_time(pid)).sum()
        };
        let cpu_before = cpu(&tree);
        sleep(idle_for).await;
        let idle_cpu_percent =
            cpu(&tree).saturating_sub(cpu_before).as_secs_f64() / idle_for.as_secs_f64() * 100.0;
        Self {
            pss_kib: pss_by_process(root),
            idle_cpu_percent,
        }
    }

    pub fn total_pss_kib(&self) -> Option<u64> {
        Some(self.pss_kib.as_ref()?.iter().map(|(_, kib)| kib).sum())
    }

    /// PSS of the processes called `name`.
    pub fn pss_of(&self, name: &str) -> Option<u64> {
        let name = command_name(name);
        let processes = self.pss_kib.as_ref()?;
        Some(
            processes
                .iter()
                .filter(|(comm, _)| comm == name)
                .map(|(_, kib)| kib)
                .sum(),
        )
    }
}

fn pss_by_process(root: u32) -> Option<Vec<(String, u64)>> {
    process::process_tree(root)
        .iter()
        .map(|&pid| Some((process::comm(pid)?, process::pss_kib(pid)?)))
        .collect()
}

/// How the desktop part of a run is sized.
pub struct Plan {
    /// Whether to time MiniBrowser's cold start too. WebKitWebDriver loses about one
    /// MiniBrowser start in eight (below), so the test suite's smoke run leaves it out.
    pub floor_start: bool,
    pub settle: Duration,
    pub idle_for: Duration,
    /// Patches before the first reading, then per reading.
    pub soak_warm_up: usize,
    pub soak_round: usize,
    pub soak_rounds: usize,
}

pub async fn measure(binary: &Path, plan: &Plan) -> Result<Desktop> {
    let driver = TauriDriver::start().await?;
    let launched_at = SystemTime::now();
    let started = Instant::now();
    let session = driver.launch(binary).await.context("launching the app")?;
    let client = &session.client;
    let to_first_feed = first_feed_value(client, launched_at, started)
        .await
        .context("the app's first feed value")?;

    let app = session.pid().context("the app's process")?;
    let start = ColdStart {
        to_first_feed,
        stages: stages(client, app, launched_at, to_first_feed).await?,
    };
    let footprint = Footprint::measure(app, plan.settle, plan.idle_for).await;
    let engine_settings = engine_settings_of(app);
    let soak = soak(client, app, plan).await?;
    session.close().await?;

    let floor_start = if plan.floor_start && Path::new(MINI_BROWSER).is_file() {
        Some(mini_browser_cold_start_within(&engine_settings, FLOOR_START_LIMIT).await)
    } else {
        None
    };
    let floor = mini_browser_floor(&engine_settings, plan)
        .await
        .context("MiniBrowser's footprint")?;
    Ok(Desktop {
        start,
        floor_start,
        app: footprint,
        floor,
        soak: Some(soak),
    })
}

/// When the first feed value showed, since the launch request. The page itself notes the
/// moment, if it comes after WebDriver gets control; otherwise (it was already there) the
/// moment WebDriver saw it is the bound.
async fn first_feed_value(
    client: &Client,
    launched_at: SystemTime,
    started: Instant,
) -> Result<Duration> {
    let seen = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const feed = () => document.getElementById('feed');
             const now = () => performance.timeOrigin + performance.now();
             if (feed()?.textContent) { done(null); return; }
             new MutationObserver((_, observer) => {
                 if (feed()?.textContent) { observer.disconnect(); done(now()); }
             }).observe(document.body, { childList: true, subtree: true, characterData: true });",
            vec![],
        )
        .await?;
    Ok(match seen.as_f64() {
        Some(epoch_ms) => {
            let launched_ms = launched_at
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs_f64()
                * 1e3;
            Duration::from_secs_f64(((epoch_ms - launched_ms) / 1e3).max(0.0))
        }
        None => started.elapsed(),
    })
}

/// Where the cold start went: process starts from /proc, the page's own milestones from
/// the Navigation and Resource Timing APIs, all from the moment of the launch request.
async fn stages(
    client: &Client,
    app: u32,
    launched_at: SystemTime,
    cold_start: Duration,
) -> Result<Vec<(&'static str, Duration)>> {
    let epoch_ms = |at: SystemTime| {
        at.duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64()
            * 1e3
    };
    let origin_ms = epoch_ms(launched_at);
    let since_launch = |epoch: f64| Duration::from_secs_f64(((epoch - origin_ms) / 1e3).max(0.0));
    let page = client
        .execute(
            "const nav = performance.getEntriesByType('navigation')[0];
             const js = performance.getEntriesByType('resource')
                 .find(e => e.name.includes('/assets/datastar-'));
             return { origin: performance.timeOrigin, fetchStart: nav.fetchStart,
                      responseEnd: nav.responseEnd, script: js ? js.responseEnd : null,
                      domReady: nav.domContentLoadedEventEnd };",
            vec![],
        )
        .await?;
    let page_origin = page["origin"].as_f64().context("no timeOrigin")?;
    let at = |field: &str| {
        page[field]
            .as_f64()
            .map(|ms| since_launch(page_origin + ms))
    };

    let mut stages = Vec::new();
    for (name, pid) in [
        ("main process started", Some(app)),
        (
            "network process started",
            child_named(app, "WebKitNetworkProcess"),
        ),
        ("web process started", child_named(app, WEB_PROCESS)),
    ] {
        if let Some(started) = pid.and_then(process::started_at) {
            stages.push((name, since_launch(epoch_ms(started))));
        }
    }
    for (name, field) in [
        ("page requested (after sign-in redirect)", "fetchStart"),
        ("page received", "responseEnd"),
        ("Datastar client received", "script"),
        ("Datastar evaluated (DOMContentLoaded)", "domReady"),
    ] {
        if let Some(moment) = at(field) {
            stages.push((name, moment));
        }
    }
    stages.push(("first feed value seen", cold_start));
    stages.sort_by_key(|&(_, moment)| moment);
    Ok(stages)
}

fn child_named(parent: u32, name: &str) -> Option<u32> {
    children_named(parent, name).first().copied()
}

/// The `WEBKIT_*` and `GDK_*` variables the app's web process runs with: the engine's and
/// its toolkit's settings, which the floor must share, read from the app rather than retyped.
fn engine_settings_of(app: u32) -> Vec<(String, String)> {
    child_named(app, WEB_PROCESS)
        .map(environment)
        .unwrap_or_default()
        .into_iter()
        .filter(|(name, _)| name.starts_with("WEBKIT_") || name.starts_with("GDK_"))
        .collect()
}

/// Clicks *Target HTML Element* in the page, round after round, each click a request and
/// a DOM patch, waiting for each request to finish before the next click. The loop runs in the page,
/// so WebDriver's round trips do not slow it.
async fn soak(client: &Client, app: u32, plan: &Plan) -> Result<Soak> {
    // Datastar announces each request's end with a `datastar-fetch` event of type
    // `finished`, whether or not the patch changed the DOM (within one second it does not).
    const CLICKS: &str = "
        const [count, done] = [arguments[0], arguments[arguments.length - 1]];
        const button = document.getElementById('target-button');
        let left = count;
        const next = event => {
            if (event.detail.el !== button || event.detail.type !== 'finished') return;
            if (--left > 0) { button.click(); return; }
            document.removeEventListener('datastar-fetch', next);
            done(count);
        };
        document.addEventListener('datastar-fetch', next);
        button.click();";
    client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(600)),
            None,
            None,
        ))
        .await?;
    let sockets_before = process::sockets(app);
    let started = Instant::now();
    let mut pss_kib = Vec::new();
    for round in 0..=plan.soak_rounds {
        let count = if round == 0 {
            plan.soak_warm_up
        } else {
            plan.soak_round
        };
        client
            .execute_async(CLICKS, vec![count.into()])
            .await
            .with_context(|| format!("soak round {round}"))?;
        pss_kib.push(pss_by_process(app).map(|by| by.iter().map(|(_, kib)| kib).sum()));
    }
    let took = started.elapsed();
    // Give closed requests a moment to be reaped before counting what is left.
    sleep(Duration::from_secs(1)).await;
    Ok(Soak {
        patches: plan.soak_warm_up + plan.soak_round * plan.soak_rounds,
        pss_kib,
        sockets: (sockets_before, process::sockets(app)),
        took,
    })
}

/// How long MiniBrowser's cold start may take before the run gives up on it.
const FLOOR_START_LIMIT: Duration = Duration::from_secs(60);

/// [`mini_browser_cold_start`], or why it was not measured. About one start in eight,
/// WebKitWebDriver never answers a command of the session (the page has loaded, and its
/// streams are open); the run then notes it and goes on, and the browser is stopped.
async fn mini_browser_cold_start_within(
    engine_settings: &[(String, String)],
    limit: Duration,
) -> Result<ColdStart, String> {
    let home = match ui_scenarios::PrivateHome::new() {
        Ok(home) => home,
        Err(err) => return Err(format!("MiniBrowser's cold start: a home for it: {err}")),
    };
    let measured = mini_browser_cold_start(engine_settings, &home);
    let why = match tokio::time::timeout(limit, measured).await {
        Ok(Ok(start)) => return Ok(start),
        Ok(Err(err)) => format!("{err:#}"),
        Err(_) => format!("no answer from WebKitWebDriver in {} s", limit.as_secs()),
    };
    // Its driver died with the session; the browser, its child, would outlive it.
    for browser in browsers_in(&home) {
        let _ = tokio::process::Command::new("kill")
            .args(["-KILL", &browser.to_string()])
            .status()
            .await;
    }
    Err(format!("MiniBrowser's cold start: {why}"))
}

/// The MiniBrowser processes started in `home`: this run's, never another's.
fn browsers_in(home: &ui_scenarios::PrivateHome) -> Vec<u32> {
    let home = home.path().to_string_lossy();
    process::processes_named(MINI_BROWSER_PROCESS)
        .into_iter()
        .filter(|&pid| {
            environment(pid)
                .iter()
                .any(|(name, value)| name == "HOME" && *value == home)
        })
        .collect()
}

/// MiniBrowser's cold start on a fresh headless server's launch URL, through WebKitWebDriver
/// as the app's is through tauri-driver, and timed the same way: from the session request to
/// the first feed value, which the page notes. The server is up before the clock starts, so
/// the floor does not pay for it; the app does.
async fn mini_browser_cold_start(
    engine_settings: &[(String, String)],
    home: &ui_scenarios::PrivateHome,
) -> Result<ColdStart> {
    let (_server, launch_url) = headless_server().await?;
    let env: Vec<(&str, &Path)> = engine_settings
        .iter()
        .map(|(name, value)| (name.as_str(), Path::new(value)))
        .collect();
    let driver = MiniBrowserDriver::start_in(home.clone(), &env).await?;
    let launched_at = SystemTime::now();
    let started = Instant::now();
    let session = driver.open(&launch_url).await.context("opening the page")?;
    let to_first_feed = first_feed_value(&session.client, launched_at, started)
        .await
        .context("the first feed value")?;
    let browser = browsers_in(home)
        .into_iter()
        .max()
        .context("MiniBrowser's process")?;
    let stages = stages(&session.client, browser, launched_at, to_first_feed).await?;
    session.close().await?;
    Ok(ColdStart {
        to_first_feed,
        stages,
    })
}

/// A release headless server with its state in memory, and its launch URL.
async fn headless_server() -> Result<(tokio::process::Child, String)> {
    let mut server =
        tokio::process::Command::new(ui_scenarios::target_dir()?.join("release/datastar-headless"));
    server.args(["--port", "0", "--in-memory"]);
    spawn_until_ready(server).await
}

/// MiniBrowser on a fresh headless server's launch URL, measured as the app was.
async fn mini_browser_floor(
    engine_settings: &[(String, String)],
    plan: &Plan,
) -> Result<Option<Footprint>> {
    if !Path::new(MINI_BROWSER).is_file() {
        eprintln!("bench: no {MINI_BROWSER}: no engine floor");
        return Ok(None);
    }
    let (_server, launch_url) = headless_server().await?;
    // In a home of its own, as the app under tauri-driver is: neither writes the user's files.
    let home = ui_scenarios::PrivateHome::new()?;
    let mut browser = tokio::process::Command::new(MINI_BROWSER);
    home.apply(browser.as_std_mut());
    let mut browser = browser
        .arg(&launch_url)
        .envs(engine_settings.iter().map(|(k, v)| (k, v)))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("starting MiniBrowser")?;
    let pid = browser.id().context("MiniBrowser's pid")?;
    // The page is up once its web process exists and has had the app's settle time.
    wait_until(
        Duration::from_secs(30),
        "MiniBrowser's web process",
        async || Ok(child_named(pid, WEB_PROCESS).map(|_| ())),
    )
    .await?;
    sleep(Duration::from_secs(2)).await;
    let footprint = Footprint::measure(pid, plan.settle, plan.idle_for).await;
    let _ = browser.kill().await;
    Ok(Some(footprint))
}
