//! `/get` throughput and latency, measured by wrk (Debian's `wrk`).

use crate::cpus::{Cpus, Role};
use anyhow::{Context, Result, bail};
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub requests_per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub errors: u64,
}

/// Runs wrk against `url` with `connections` open for `duration`, on the load cores.
pub async fn measure(
    cpus: &Cpus,
    url: &str,
    headers: &[String],
    connections: u32,
    duration: Duration,
) -> Result<Load> {
    let threads = connections.min(u32::try_from(cpus.load_cores()).unwrap_or(1));
    let mut command = cpus.command(Role::Load, "wrk");
    command
        .arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .arg("--latency");
    for header in headers {
        command.arg("-H").arg(header);
    }
    let output = command
        .arg(url)
        .output()
        .await
        .context("running wrk: is it installed?")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("wrk failed: {text}");
    }
    parse(&text).with_context(|| format!("unexpected wrk output:\n{text}"))
}

fn parse(text: &str) -> Option<Load> {
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(prefix))
            .map(str::trim)
    };
    let requests_per_second = field("Requests/sec:")?.parse().ok()?;
    let p50 = parse_duration(field("50%")?)?;
    let p99 = parse_duration(field("99%")?)?;
    // "Non-2xx or 3xx responses: N" and "Socket errors: connect A, read B, write C, timeout D"
    let non_2xx: u64 = field("Non-2xx or 3xx responses:")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let socket: u64 = field("Socket errors:")
        .map(|rest| {
            rest.split(',')
                .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    Some(Load {
        requests_per_second,
        p50,
        p99,
        errors: non_2xx + socket,
    })
}

fn parse_duration(value: &str) -> Option<Duration> {
    let split = value.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit {
        "us" => number / 1e6,
        "ms" => number / 1e3,
        "s" => number,
        "m" => number * 60.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_wrk_latency_output() {
        let text = "  Latency Distribution\n     50%  120.00us\n     75%  1.50ms\n     90%  2.00ms\n     99%    1.20s\n  Requests/sec:  12345.67\n  Socket errors: connect 0, read 2, write 0, timeout 1\n";
        let load = parse(text).unwrap();
        assert_eq!(load.requests_per_second, 12345.67);
        assert_eq!(load.p50, Duration::from_micros(120));
        assert_eq!(load.p99, Duration::from_millis(1200));
        assert_eq!(load.errors, 3);
    }
}
