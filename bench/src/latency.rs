//! Time to first event: from opening a connection to reading the first complete SSE event.

use crate::servers::Server;
use anyhow::{Context, Result};
use std::time::Duration;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    time::Instant,
};

/// The median over `tries` fresh connections.
pub async fn time_to_first_event(server: &Server, path: &str, tries: usize) -> Result<Duration> {
    let request = server.raw_get(path);
    let mut samples = Vec::with_capacity(tries);
    for _ in 0..tries {
        let started = Instant::now();
        let mut stream = TcpStream::connect(server.addr).await?;
        stream.set_nodelay(true)?;
        stream.write_all(request.as_bytes()).await?;
        let mut seen = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            let n = stream.read(&mut buffer).await?;
            anyhow::ensure!(
                n > 0,
                "{} closed {path} before its first event",
                server.name
            );
            seen.extend_from_slice(&buffer[..n]);
            let text = String::from_utf8_lossy(&seen);
            if text
                .find("event:")
                .is_some_and(|at| text[at..].contains("\n\n"))
            {
                break;
            }
        }
        samples.push(started.elapsed());
    }
    crate::stats::median(samples).context("no samples")
}
