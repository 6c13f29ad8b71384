//! The targets the project set itself, and whether a run met each.

use super::{Report, mib, ms, or_unknown};
use crate::{
    desktop::{Desktop, Footprint},
    stats::{fan_out_medians, load_median, median, unpinned_median},
};
use std::time::Duration;

/// The per-feed memory target: 12 KB (decimal) of server RSS per live feed.
pub const FEED_RSS_LIMIT_KIB: f64 = 12_000.0 / 1024.0;
/// The fan-out the feed target is measured at.
pub const FEED_TARGET_STREAMS: usize = 15_000;
/// The worst silence a feed may show at that fan-out.
pub const FEED_WORST_GAP_LIMIT: Duration = Duration::from_millis(1_500);
/// `/get` at 64 connections: at least this many times the seed's throughput...
pub const GET_RATIO_TARGET: f64 = 50.0;
/// ...with a p99 no worse than this.
pub const GET_P99_LIMIT: Duration = Duration::from_millis(2);
/// `/get` at 64 connections: at least this share of a bare axum server's throughput.
pub const BARE_AXUM_RATIO_TARGET: f64 = 0.8;
/// From saving a file under `ui/assets/` to the change showing in the open page.
pub const LIVE_RELOAD_LIMIT: Duration = Duration::from_millis(500);
/// From asking for the app to its first feed value in the window.
pub const COLD_START_LIMIT: Duration = Duration::from_millis(450);
/// The app's cold start against MiniBrowser's on the same page, same settings: the app knows
/// its page before WebKit starts, so it can be quicker than a browser that is told it.
pub const COLD_START_FLOOR_RATIO_LIMIT: f64 = 0.90;
/// The app's total PSS against WebKit's MiniBrowser on the same page, same settings.
pub const FLOOR_RATIO_LIMIT: f64 = 1.03;
/// CPU of the app's processes, idle with the feed running, in percent of one core.
pub const IDLE_CPU_LIMIT: f64 = 1.0;
/// What the store's files may weigh after many saves of its one state.
pub const STORE_LIMIT_BYTES: f64 = 2.0 * 1024.0 * 1024.0;
/// What a tokenless flood of held heads may cost the server above idle, at any open-file
/// limit (SECURITY.md).
pub const FLOOD_BUDGET_KIB: f64 = 64.0 * 1024.0;
/// Growth of the app's total PSS over the soak, after its warm-up: 10 MB (decimal).
pub const SOAK_GROWTH_LIMIT_KIB: f64 = 10_000_000.0 / 1024.0;

impl Report {
    pub fn targets(&self) -> Vec<(String, String)> {
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
        if let (Some(ratio), Some(written)) = (self.bare_axum_ratio(), self.get_disk_writes()) {
            targets.push((
                format!(
                    "/get at 64 connections ≥ {BARE_AXUM_RATIO_TARGET}× a bare axum server, with no disk write"
                ),
                format!(
                    "{} ({ratio:.2}×, {written} bytes written)",
                    verdict(ratio >= BARE_AXUM_RATIO_TARGET && written == 0)
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
        if let Some(cold) = median(self.desktop.iter().map(|d| d.start.to_first_feed).collect()) {
            targets.push((
                format!(
                    "desktop cold start to first feed event ≤ {}",
                    ms(COLD_START_LIMIT)
                ),
                format!("{} ({})", verdict(cold <= COLD_START_LIMIT), ms(cold)),
            ));
        }
        if let Some((ratio, app, floor)) = self.cold_starts() {
            targets.push((
                format!(
                    "desktop cold start ≤ {COLD_START_FLOOR_RATIO_LIMIT:.2}× the engine floor's \
                     (MiniBrowser)"
                ),
                format!(
                    "{} ({ratio:.2}×: {} against {})",
                    verdict(ratio <= COLD_START_FLOOR_RATIO_LIMIT),
                    ms(app),
                    ms(floor)
                ),
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
        if let Some(flood) = self.flood {
            let above = flood.peak_kib.saturating_sub(flood.idle_kib) as f64;
            targets.push((
                format!(
                    "{} held heads cost ≤ {} above idle",
                    flood.heads,
                    mib(FLOOD_BUDGET_KIB)
                ),
                format!("{} ({})", verdict(above <= FLOOD_BUDGET_KIB), mib(above)),
            ));
            let kept = flood.after_kib.saturating_sub(flood.idle_kib) as f64;
            targets.push((
                format!(
                    "after the flood, RSS within {} of idle within 30 s",
                    mib(crate::flood::GIVEN_BACK_KIB as f64)
                ),
                format!(
                    "{} ({} above idle after {:.1} s)",
                    verdict(kept <= crate::flood::GIVEN_BACK_KIB as f64),
                    mib(kept),
                    flood.given_back_in.as_secs_f64()
                ),
            ));
        }
        if let Some(saves) = self.saves {
            let bytes = saves.store_bytes as f64;
            targets.push((
                format!(
                    "the store after {} saves ≤ {} (one state, a checkpointed log)",
                    saves.count,
                    mib(STORE_LIMIT_BYTES / 1024.0)
                ),
                format!(
                    "{} ({})",
                    verdict(bytes <= STORE_LIMIT_BYTES),
                    mib(bytes / 1024.0)
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
}

fn verdict(pass: bool) -> &'static str {
    if pass { "**met**" } else { "**missed**" }
}
