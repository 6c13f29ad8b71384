//! A tokenless flood against our server, as another local user could send it: connections
//! that each hold a request head just under the 64 KiB limit, at an open-file limit like a
//! desktop session's. What the server's memory does: before, at its peak, and after.

use crate::{cpus::Cpus, servers::Server};
use anyhow::Result;
use std::time::Duration;

/// How the server came through one flood.
#[derive(Debug, Clone, Copy)]
pub struct Flood {
    pub heads: usize,
    pub file_limit: u64,
    pub idle_kib: u64,
    pub peak_kib: u64,
    /// RSS once the server has given back what it will, and how long after the flood.
    pub after_kib: u64,
    pub given_back_in: Duration,
}

/// Within this much of idle counts as given back, as the test holds it.
pub const GIVEN_BACK_KIB: u64 = ui_scenarios::flood::GIVEN_BACK_KIB;

/// Starts our server at `file_limit` and measures it through a flood of `heads`
/// ([`ui_scenarios::flood::memory_through_flood`], which the test uses too).
pub async fn measure(
    repo: &std::path::Path,
    cpus: &Cpus,
    heads: usize,
    file_limit: u64,
) -> Result<Flood> {
    let server = Server::ours_with_file_limit(repo, cpus, file_limit).await?;
    let memory =
        ui_scenarios::flood::memory_through_flood(server.pid(), server.addr, heads).await?;
    Ok(Flood {
        heads,
        file_limit,
        idle_kib: memory.idle_kib,
        peak_kib: memory.peak_kib,
        after_kib: memory.after_kib,
        given_back_in: memory.given_back_in,
    })
}
