//! What the tests and the benchmark read of a process from `/proc`: the app's WebKit
//! children, the environment they started with, and the open-file limit.

use anyhow::Context;

/// The soft open-file limit of process `pid`, as the kernel reports it in `/proc/PID/limits`:
/// both servers raise theirs, and tests check that they did.
pub fn soft_open_file_limit(pid: u32) -> anyhow::Result<u64> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits"))?;
    limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|soft| soft.parse().ok())
        .context("no soft open-file limit in /proc/PID/limits")
}

/// The pids of `parent`'s children called `name` (cut, as the kernel does, to 15 bytes).
pub fn children_named(parent: u32, name: &str) -> Vec<u32> {
    let name = &name[..name.len().min(15)];
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            // `PID (comm) state PPID …`; comm may hold spaces, so split after its `)`.
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                let Some((head, tail)) = stat.rsplit_once(')') else {
                    return false;
                };
                let mut fields = tail.split_whitespace();
                let (state, ppid) = (fields.next(), fields.next());
                head.split_once('(').is_some_and(|(_, comm)| comm == name)
                    && state != Some("Z")
                    && ppid == Some(&parent.to_string())
            })
        })
        .collect()
}

/// The environment process `pid` started with (empty if /proc cannot be read).
pub fn environment(pid: u32) -> Vec<(String, String)> {
    let Ok(environ) = std::fs::read(format!("/proc/{pid}/environ")) else {
        return Vec::new();
    };
    environ
        .split(|&byte| byte == 0)
        .filter_map(|entry| {
            let (name, value) = std::str::from_utf8(entry).ok()?.split_once('=')?;
            Some((name.to_owned(), value.to_owned()))
        })
        .collect()
}
