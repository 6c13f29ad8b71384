//! Medians over runs: every figure the report shows is one.

use crate::{
    feeds::FanOut,
    run::{Latency, ServerRun},
    wrk::Load,
};
use std::time::Duration;

/// The middle value (the upper one of an even count), or `None` for no values.
pub fn median<T: Copy + PartialOrd>(mut values: Vec<T>) -> Option<T> {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    values.get(values.len() / 2).copied()
}

/// The median of readings that may have failed: unknown if any run lacks one, never
/// smaller for it.
pub fn median_of_readings(readings: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    readings
        .into_iter()
        .collect::<Option<Vec<f64>>>()
        .and_then(median)
}

/// Medians over runs of one fan-out size.
pub struct FanOutMedian {
    /// Measured on a server free to use every core.
    pub unpinned: bool,
    pub requested: usize,
    pub connected: usize,
    pub events_per_stream_second: f64,
    pub worst_gap: Duration,
    pub server_rss_kib: Option<f64>,
    pub rss_per_feed_kib: Option<f64>,
    pub server_cpu: Option<Duration>,
}

/// One median per fan-out size, in the order the runs measured them.
pub fn fan_out_medians(runs: &[ServerRun]) -> Vec<FanOutMedian> {
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
pub fn unpinned_median(runs: &[ServerRun]) -> Option<FanOutMedian> {
    let fan_outs = runs
        .iter()
        .map(|r| r.unpinned.as_ref())
        .collect::<Option<Vec<&FanOut>>>()?;
    median_of(&fan_outs, true)
}

fn median_of(fan_outs: &[&FanOut], unpinned: bool) -> Option<FanOutMedian> {
    let first = fan_outs.first()?;
    let of = |f: fn(&FanOut) -> f64| median(fan_outs.iter().map(|&r| f(r)).collect());
    let reading =
        |f: fn(&FanOut) -> Option<f64>| median_of_readings(fan_outs.iter().map(|&r| f(r)));
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
pub fn load_median(runs: &[ServerRun], pick: fn(&Latency) -> Load) -> Option<Load> {
    let loads: Vec<Load> = runs
        .iter()
        .filter_map(|r| r.latency.as_ref())
        .map(pick)
        .collect();
    median_load(&loads)
}

/// Each figure's median over `loads`, and their errors together.
pub fn median_load(loads: &[Load]) -> Option<Load> {
    Some(Load {
        requests_per_second: median(loads.iter().map(|l| l.requests_per_second).collect())?,
        p50: median(loads.iter().map(|l| l.p50).collect())?,
        p99: median(loads.iter().map(|l| l.p99).collect())?,
        errors: loads.iter().map(|l| l.errors).sum(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_or_the_upper_middle() {
        assert_eq!(median(vec![3, 1, 2]), Some(2));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(3));
        assert_eq!(median::<u32>(vec![]), None);
        assert_eq!(median_of_readings([Some(1.0), None]), None);
        assert_eq!(
            median_of_readings([Some(1.0), Some(5.0), Some(2.0)]),
            Some(2.0)
        );
    }
}
