//! Keeps the load generators off the server's core.
//!
//! On a 2-core machine, a load generator that shares cores with the server steals the very
//! time slices whose absence shows up as tail latency. So the server under test gets CPU 0
//! and everything that makes load (wrk, and this process's own feed clients) gets the rest,
//! for both servers alike. `taskset` comes with util-linux, which every Debian and Ubuntu
//! system has; without it, or on one core, nothing is pinned and the report says so.

use std::{ffi::OsStr, io, process::Stdio};
use tokio::process::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Server,
    Load,
}

#[derive(Debug, Clone)]
pub struct Cpus {
    split: Option<Split>,
}

#[derive(Debug, Clone)]
struct Split {
    server: String,
    load: String,
    all: String,
    load_cores: usize,
}

impl Cpus {
    pub async fn detect() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let has_taskset = Command::new("taskset")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .await
            .is_ok_and(|status| status.success());
        let split = (cores >= 2 && has_taskset).then(|| Split {
            server: "0".to_owned(),
            load: cpu_list(1, cores - 1),
            all: cpu_list(0, cores - 1),
            load_cores: cores - 1,
        });
        Self { split }
    }

    /// No pinning: each process on every core, as users run the server.
    pub fn unpinned() -> Self {
        Self { split: None }
    }

    /// `program`, to be run on the cores of `role`.
    pub fn command(&self, role: Role, program: impl AsRef<OsStr>) -> Command {
        let Some(split) = &self.split else {
            return Command::new(program);
        };
        let mut command = Command::new("taskset");
        command
            .arg("--cpu-list")
            .arg(split.cpus(Some(role)))
            .arg(program);
        command
    }

    /// Moves every thread of this process onto the cores of `role`, or back onto all of
    /// them with `None` (for the desktop app, which is measured alone).
    pub async fn pin_this_process(&self, role: Option<Role>) -> io::Result<()> {
        let Some(split) = &self.split else {
            return Ok(());
        };
        let status = Command::new("taskset")
            .args(["--all-tasks", "--pid", "--cpu-list", split.cpus(role)])
            .arg(std::process::id().to_string())
            .stdout(Stdio::null())
            .status()
            .await?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!("taskset failed: {status}")))
        }
    }

    /// Cores a load generator may use: one wrk thread each, since more threads than cores
    /// only make wrk wait for itself, and that wait counts as the server's latency.
    pub fn load_cores(&self) -> usize {
        match &self.split {
            Some(split) => split.load_cores,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }

    /// One line for the report.
    pub fn describe(&self) -> String {
        match &self.split {
            Some(split) => format!(
                "server on CPU {}, load generators on CPU {}",
                split.server, split.load
            ),
            None => "not pinned (one core, or no `taskset`)".to_owned(),
        }
    }
}

impl Split {
    fn cpus(&self, role: Option<Role>) -> &str {
        match role {
            Some(Role::Server) => &self.server,
            Some(Role::Load) => &self.load,
            None => &self.all,
        }
    }
}

/// `taskset`'s notation for the cores `first..=last`.
fn cpu_list(first: usize, last: usize) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    }
}
