//! The package's download: to a private file, its signature checked as it arrives, and
//! bounded in size, in time and in pace, so that an update server cannot hold the updater.
//!
//! The plugin's own download keeps the package in memory, has only a stall timer, and
//! nothing bounds the whole: a server that sends a byte every 10 s holds it for ever.

use super::{
    https_only::{HttpsOnly, NotHttps},
    signature::{PackageSignature, SignatureError},
};
use std::{
    io::Write,
    path::Path,
    time::{Duration, Instant},
};
use tauri_plugin_updater::Update;

/// What a download may cost.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest package, on disk: ours is a few MiB.
    pub max_bytes: u64,
    /// The whole download, from the request to the last byte.
    pub deadline: Duration,
    /// Less than `min_bytes` in any `window` is too slow to wait for; nothing at all in
    /// that time is a stall.
    pub window: Duration,
    pub min_bytes: u64,
}

/// 10 minutes for at most 512 MiB, and at least 64 KiB in every 30 s: a slow link that
/// moves gets there, a server that drips is given up within 30 s of its last fair pace.
pub const LIMITS: Limits = Limits {
    max_bytes: 512 * 1024 * 1024,
    deadline: Duration::from_secs(10 * 60),
    window: Duration::from_secs(30),
    min_bytes: 64 * 1024,
};

/// How often the page hears how far a download has got.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);
/// How often the pace is judged while no bytes come.
const TICK: Duration = Duration::from_millis(500);

/// Why the package was not downloaded, in words for the page ("Update failed: …").
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error(transparent)]
    NotHttps(#[from] NotHttps),
    #[error("the download failed: {0}")]
    Network(reqwest::Error),
    #[error("the update server answered {0} for the package")]
    Status(reqwest::StatusCode),
    #[error("the download is larger than {} MiB", LIMITS.max_bytes / 1024 / 1024)]
    TooLarge,
    #[error("the download stalled: nothing in {} s", LIMITS.window.as_secs())]
    Stalled,
    #[error(
        "the download was too slow: less than {} KiB in {} s",
        LIMITS.min_bytes / 1024,
        LIMITS.window.as_secs()
    )]
    TooSlow,
    #[error("the download took longer than {} minutes", LIMITS.deadline.as_secs() / 60)]
    TooLong,
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error("cannot keep the package on disk: {0}")]
    Disk(std::io::Error),
}

/// A downloaded package whose signature holds, in a private temporary file (0600) that is
/// removed when this is dropped.
pub struct Package {
    file: tempfile::NamedTempFile,
}

impl Package {
    pub fn path(&self) -> &Path {
        self.file.path()
    }
}

/// Downloads `update`'s package, reporting `(received, total)` to `progress`. Dropping the
/// future stops the download and removes what it wrote: that is how Cancel works.
pub async fn download(
    rule: &HttpsOnly,
    signature: &PackageSignature,
    update: &Update,
    suffix: &str,
    mut progress: impl FnMut(u64, Option<u64>),
) -> Result<Package, DownloadError> {
    rule.check(&update.download_url)?;
    let mut verifier = signature.verifier()?;
    let mut file = tempfile::Builder::new()
        .prefix("update-")
        .suffix(suffix)
        .tempfile()
        .map_err(DownloadError::Disk)?;
    let mut pace = Pace::new(LIMITS, Instant::now());
    let client = rule.client().map_err(DownloadError::Network)?;
    let request = client
        .get(update.download_url.clone())
        .header(reqwest::header::ACCEPT, "application/octet-stream")
        .send();
    let mut response = tokio::time::timeout(LIMITS.window, request)
        .await
        .map_err(|_| DownloadError::Stalled)?
        .map_err(network)?;
    if !response.status().is_success() {
        return Err(DownloadError::Status(response.status()));
    }
    let total = response.content_length();
    if total.is_some_and(|total| total > LIMITS.max_bytes) {
        return Err(DownloadError::TooLarge);
    }
    let mut received = 0;
    let mut last_shown: Option<Instant> = None;
    progress(0, total);
    loop {
        match tokio::time::timeout(TICK, response.chunk()).await {
            Ok(Ok(Some(chunk))) => {
                received += chunk.len() as u64;
                if received > LIMITS.max_bytes {
                    return Err(DownloadError::TooLarge);
                }
                verifier.update(&chunk);
                file.write_all(&chunk).map_err(DownloadError::Disk)?;
                pace.record(chunk.len() as u64);
                if last_shown.is_none_or(|shown| shown.elapsed() >= PROGRESS_INTERVAL) {
                    last_shown = Some(Instant::now());
                    progress(received, total);
                }
            }
            Ok(Ok(None)) => break,
            Ok(Err(err)) => return Err(network(err)),
            Err(_no_bytes_this_tick) => {}
        }
        pace.judge(Instant::now())?;
    }
    progress(received, total);
    file.flush().map_err(DownloadError::Disk)?;
    verifier.finish(&update.version)?;
    Ok(Package { file })
}

fn network(err: reqwest::Error) -> DownloadError {
    match HttpsOnly::refused(&err) {
        Some(refused) => DownloadError::NotHttps(refused),
        None => DownloadError::Network(err),
    }
}

/// The download's pace, judged against [`Limits`] at each chunk and tick.
#[derive(Debug)]
struct Pace {
    limits: Limits,
    started: Instant,
    window_started: Instant,
    in_window: u64,
}

impl Pace {
    fn new(limits: Limits, now: Instant) -> Self {
        Self {
            limits,
            started: now,
            window_started: now,
            in_window: 0,
        }
    }

    fn record(&mut self, bytes: u64) {
        self.in_window += bytes;
    }

    /// At the end of each window, what it brought; at any time, the whole deadline.
    fn judge(&mut self, now: Instant) -> Result<(), DownloadError> {
        if now.duration_since(self.started) >= self.limits.deadline {
            return Err(DownloadError::TooLong);
        }
        if now.duration_since(self.window_started) >= self.limits.window {
            match self.in_window {
                0 => return Err(DownloadError::Stalled),
                bytes if bytes < self.limits.min_bytes => return Err(DownloadError::TooSlow),
                _ => (self.window_started, self.in_window) = (now, 0),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn a_steady_slow_download_is_waited_for() {
        let start = Instant::now();
        let mut pace = Pace::new(LIMITS, start);
        // 64 KiB in each 30 s, for 9 minutes: a poor link, but one that moves.
        for second in 1..9 * 60 {
            pace.record(LIMITS.min_bytes / 30 + 1);
            pace.judge(start + second * SECOND).unwrap();
        }
    }

    #[test]
    fn a_drip_is_given_up_at_the_end_of_its_window() {
        let start = Instant::now();
        let mut pace = Pace::new(LIMITS, start);
        for second in 1..30 {
            if second % 10 == 0 {
                pace.record(1);
            }
            pace.judge(start + second * SECOND).unwrap();
        }
        assert!(matches!(
            pace.judge(start + 30 * SECOND),
            Err(DownloadError::TooSlow)
        ));
    }

    #[test]
    fn silence_is_a_stall_and_the_whole_has_a_deadline() {
        let start = Instant::now();
        let mut silent = Pace::new(LIMITS, start);
        assert!(matches!(
            silent.judge(start + LIMITS.window),
            Err(DownloadError::Stalled)
        ));
        let mut long = Pace::new(LIMITS, start);
        long.record(u64::MAX / 2);
        assert!(matches!(
            long.judge(start + LIMITS.deadline),
            Err(DownloadError::TooLong)
        ));
    }

    #[test]
    fn each_refusal_says_its_limit() {
        assert_eq!(
            DownloadError::TooSlow.to_string(),
            "the download was too slow: less than 64 KiB in 30 s"
        );
        assert_eq!(
            DownloadError::TooLong.to_string(),
            "the download took longer than 10 minutes"
        );
        assert_eq!(
            DownloadError::TooLarge.to_string(),
            "the download is larger than 512 MiB"
        );
    }

    #[test]
    fn the_docs_state_these_limits() {
        let limits = [
            format!("{} MiB", LIMITS.max_bytes / 1024 / 1024),
            format!("less than {} KiB", LIMITS.min_bytes / 1024),
            format!("in {} s", LIMITS.window.as_secs()),
            format!("{} minutes", LIMITS.deadline.as_secs() / 60),
        ];
        for (name, doc) in [
            ("SECURITY.md", include_str!("../../SECURITY.md")),
            ("docs/updates.md", include_str!("../../docs/updates.md")),
        ] {
            let doc = doc.split_whitespace().collect::<Vec<_>>().join(" ");
            for limit in &limits {
                assert!(
                    doc.contains(limit.as_str()),
                    "{name} does not say {limit:?}"
                );
            }
        }
    }
}
