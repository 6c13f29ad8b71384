//! What the tests and the benchmark read of a process, through the `procfs` crate: the
//! app's WebKit children and the environment they started with, open-file limits and
//! sockets, memory and CPU time, and the machine they run on.

use anyhow::Context;
use procfs::{
    CpuInfo, Current, Uptime,
    process::{LimitValue, Process},
};
use std::time::{Duration, SystemTime};

/// WebKitGTK's page process, which renders the window's page.
pub const WEB_PROCESS: &str = "WebKitWebProcess";
/// WebKitGTK's network process, which holds the session's cookies.
pub const NETWORK_PROCESS: &str = "WebKitNetworkProcess";

/// The kernel keeps a command name to 15 bytes; `name` as `/proc` shows it.
pub fn command_name(name: &str) -> &str {
    &name[..name.len().min(15)]
}

fn process(pid: u32) -> Option<Process> {
    Process::new(i32::try_from(pid).ok()?).ok()
}

/// The soft open-file limit of process `pid`: both servers raise theirs, and tests check
/// that they did.
pub fn soft_open_file_limit(pid: u32) -> anyhow::Result<u64> {
    let limits = process(pid).context("no such process")?.limits()?;
    match limits.max_open_files.soft_limit {
        LimitValue::Value(limit) => Ok(limit),
        LimitValue::Unlimited => anyhow::bail!("an unlimited open-file limit"),
    }
}

/// Every live process, once: pid, parent and command name.
fn living() -> Vec<(u32, u32, String)> {
    procfs::process::all_processes()
        .into_iter()
        .flatten()
        .filter_map(|process| process.ok()?.stat().ok())
        .filter(|stat| stat.state != 'Z')
        .filter_map(|stat| {
            Some((
                u32::try_from(stat.pid).ok()?,
                u32::try_from(stat.ppid).ok()?,
                stat.comm,
            ))
        })
        .collect()
}

/// The pids of `parent`'s children called `name`.
pub fn children_named(parent: u32, name: &str) -> Vec<u32> {
    let name = command_name(name);
    living()
        .into_iter()
        .filter(|(_, ppid, comm)| *ppid == parent && comm == name)
        .map(|(pid, _, _)| pid)
        .collect()
}

/// `pid` and all its descendants (the app and its WebKit processes), from one reading of
/// the process table.
pub fn process_tree(pid: u32) -> Vec<u32> {
    let living = living();
    let mut tree = vec![pid];
    let mut index = 0;
    while index < tree.len() {
        let parent = tree[index];
        tree.extend(
            living
                .iter()
                .filter(|(_, ppid, _)| *ppid == parent)
                .map(|(child, _, _)| *child),
        );
        index += 1;
    }
    tree
}

/// Whether `pid` runs: it exists and has not exited (a zombie waiting for its parent to reap
/// it has).
pub fn is_running(pid: u32) -> bool {
    process(pid)
        .and_then(|process| process.stat().ok())
        .is_some_and(|stat| stat.state != 'Z')
}

/// The newest process called `name`.
pub fn find_process(name: &str) -> Option<u32> {
    processes_named(name).into_iter().max()
}

/// Every process called `name`.
pub fn processes_named(name: &str) -> Vec<u32> {
    let name = command_name(name);
    let Ok(all) = procfs::process::all_processes() else {
        return Vec::new();
    };
    all.filter_map(|process| process.ok()?.stat().ok())
        .filter(|stat| stat.comm == name)
        .filter_map(|stat| u32::try_from(stat.pid).ok())
        .collect()
}

/// The environment process `pid` started with (empty if it cannot be read).
pub fn environment(pid: u32) -> Vec<(String, String)> {
    let Some(environ) = process(pid).and_then(|process| process.environ().ok()) else {
        return Vec::new();
    };
    environ
        .into_iter()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
        .collect()
}

/// The command name of `pid`.
pub fn comm(pid: u32) -> Option<String> {
    Some(process(pid)?.stat().ok()?.comm)
}

/// Resident memory of one process, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    process(pid)?.status().ok()?.vmrss
}

/// Proportional set size of one process, in KiB: its private memory plus its share of each
/// page it shares. Summed over processes, PSS counts a shared library once in all, where
/// summed RSS counts it once per process.
pub fn pss_kib(pid: u32) -> Option<u64> {
    let rollup = process(pid)?.smaps_rollup().ok()?;
    let pss = rollup
        .memory_map_rollup
        .iter()
        .filter_map(|map| map.extension.map.get("Pss"))
        .sum::<u64>();
    Some(pss / 1024)
}

/// User plus system CPU time one process has used so far.
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = process(pid)?.stat().ok()?;
    Some(ticks(stat.utime + stat.stime))
}

fn ticks(count: u64) -> Duration {
    Duration::from_secs_f64(count as f64 / procfs::ticks_per_second() as f64)
}

/// When `pid` started, to the clock tick: its age from the system's uptime and its start
/// time, both counted from boot (the boot time itself is kept only to the second).
pub fn started_at(pid: u32) -> Option<SystemTime> {
    let started = ticks(process(pid)?.stat().ok()?.starttime);
    let uptime = Duration::from_secs_f64(Uptime::current().ok()?.uptime);
    SystemTime::now().checked_sub(uptime.saturating_sub(started))
}

/// The executable `pid` runs.
pub fn executable(pid: u32) -> Option<std::path::PathBuf> {
    process(pid)?.exe().ok()
}

/// Bytes `pid` has caused to be written to storage so far, counted when it dirties the page
/// cache, before any flush: a write that has not reached the disk yet counts already.
pub fn disk_write_bytes(pid: u32) -> Option<u64> {
    Some(process(pid)?.io().ok()?.write_bytes)
}

/// How many sockets `pid` holds open.
pub fn sockets(pid: u32) -> usize {
    let Some(fds) = process(pid).and_then(|process| process.fd().ok()) else {
        return 0;
    };
    fds.flatten()
        .filter(|fd| matches!(fd.target, procfs::process::FDTarget::Socket(_)))
        .count()
}

/// The machine, for a benchmark report: cores, CPU model and kernel.
pub fn machine() -> String {
    let cpu = CpuInfo::current()
        .ok()
        .and_then(|info| info.model_name(0).map(str::to_owned))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = procfs::sys::kernel::Version::current().map_or_else(
        |_| "unknown".into(),
        |v| format!("{}.{}.{}", v.major, v.minor, v.patch),
    );
    format!("{cores} cores, {cpu}, Linux {kernel}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let me = std::process::id();
        assert!(rss_kib(me).unwrap() > 0);
        assert!(pss_kib(me).unwrap() > 0);
        assert!(soft_open_file_limit(me).unwrap() > 0);
        assert!(started_at(me).unwrap() <= SystemTime::now());
        assert!(environment(me).iter().any(|(name, _)| name == "PATH"));
        assert!(cpu_time(me).is_some());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        assert!(sockets(me) >= 1);
        drop(listener);
        assert!(machine().contains("Linux"));

        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        assert_eq!(children_named(me, "sleep"), vec![child.id()]);
        assert!(process_tree(me).contains(&child.id()));
        assert_eq!(comm(child.id()).as_deref(), Some("sleep"));
        child.kill().unwrap();
        child.wait().unwrap();
    }

    #[test]
    fn command_names_are_cut_as_the_kernel_cuts_them() {
        assert_eq!(command_name(WEB_PROCESS), "WebKitWebProces");
        assert_eq!(command_name("short"), "short");
    }
}
