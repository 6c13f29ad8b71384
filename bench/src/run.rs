//! What one run of the benchmark measured on one server: the data that the medians
//! (`stats`) and the report (`report`) read. Its own module, below both, so that neither
//! imports the other's types.

use crate::{feeds::FanOut, wrk::Load};
use std::time::Duration;

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
    /// What the server wrote to storage while wrk loaded `/get` (`None`: not readable).
    pub get_disk_writes: Option<u64>,
}
