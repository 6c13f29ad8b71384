//! The desktop app's log on disk, so that a user can attach it to a bug report.
//!
//! Lines go to stderr as in the headless server, and also to `datastar-desktop.log` in the
//! platform's log directory (on Linux `~/.local/share/<identifier>/logs/`, where Tauri's
//! `app_log_dir` points). The file is capped at [`MAX_BYTES`]: past that it becomes
//! `datastar-desktop.log.1`, replacing the previous one, and a new file starts.

use datastar_ui::logging;
use std::{
    fs::{self, File, OpenOptions},
    io::{self, Write},
    path::{Path, PathBuf},
    sync::Mutex,
};
use tracing_subscriber::{Layer, layer::SubscriberExt, util::SubscriberInitExt};

/// Both files together stay under twice this.
pub const MAX_BYTES: u64 = 1024 * 1024;
const FILE_NAME: &str = "datastar-desktop.log";
const DEFAULT_FILTER: &str = "datastar_desktop=info,datastar_ui=info";

/// Installs logging to stderr and, if its directory can be written, to the log file.
/// Returns the file's path, or `None` (after saying why on stderr) when only stderr works.
pub fn init(identifier: &str) -> Option<PathBuf> {
    let dir = dirs::data_local_dir().map(|data| data.join(identifier).join("logs"));
    let file = dir
        .as_deref()
        .ok_or_else(|| io::Error::other("this system has no data directory"))
        .and_then(RotatingFile::open);
    let (file_layer, outcome) = match file {
        Ok(file) => {
            let path = file.path.clone();
            let layer = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(Mutex::new(file));
            (Some(layer), Ok(path))
        }
        Err(err) => (None, Err(err)),
    };
    tracing_subscriber::registry()
        .with(logging::env_filter(DEFAULT_FILTER))
        .with(logging::stderr_layer())
        .with(file_layer.map(|layer| layer.boxed()))
        .init();
    match outcome {
        Ok(path) => Some(path),
        Err(err) => {
            let dir = dir.map_or_else(|| "(none)".to_owned(), |dir| dir.display().to_string());
            tracing::warn!(%err, dir, "cannot write the log file; logging to stderr only");
            None
        }
    }
}

/// An append-only file that starts over, keeping one previous file, past [`MAX_BYTES`].
struct RotatingFile {
    path: PathBuf,
    file: File,
    written: u64,
}

impl RotatingFile {
    fn open(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        let path = dir.join(FILE_NAME);
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        let written = file.metadata()?.len();
        Ok(Self {
            path,
            file,
            written,
        })
    }

    fn rotate(&mut self) -> io::Result<()> {
        let mut previous = self.path.clone().into_os_string();
        previous.push(".1");
        fs::rename(&self.path, previous)?;
        self.file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written + buf.len() as u64 > MAX_BYTES && self.written > 0 {
            self.rotate()?;
        }
        let written = self.file.write(buf)?;
        self.written += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_starts_over_past_its_cap_keeping_one_previous_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = RotatingFile::open(dir.path()).unwrap();
        let line = vec![b'x'; 1000];
        let lines = (2 * MAX_BYTES / 1000) as usize + 10;
        for _ in 0..lines {
            file.write_all(&line).unwrap();
        }
        let current = fs::metadata(dir.path().join(FILE_NAME)).unwrap().len();
        let previous = fs::metadata(dir.path().join(format!("{FILE_NAME}.1")))
            .unwrap()
            .len();
        assert!(
            current <= MAX_BYTES && previous <= MAX_BYTES,
            "{current} {previous}"
        );
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            2,
            "one previous file only"
        );
    }

    fn size(path: PathBuf) -> Option<u64> {
        fs::metadata(path).ok().map(|meta| meta.len())
    }

    #[test]
    fn a_file_filled_to_exactly_its_cap_is_kept_and_the_next_byte_starts_a_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let (current, previous) = (
            dir.path().join(FILE_NAME),
            dir.path().join(format!("{FILE_NAME}.1")),
        );
        let mut file = RotatingFile::open(dir.path()).unwrap();
        let chunk = vec![b'x'; 1024];
        for _ in 0..MAX_BYTES / 1024 {
            file.write_all(&chunk).unwrap();
        }
        assert_eq!(size(current.clone()), Some(MAX_BYTES));
        assert_eq!(
            size(previous.clone()),
            None,
            "no new file at exactly the cap"
        );
        file.write_all(b"y").unwrap();
        assert_eq!(size(previous), Some(MAX_BYTES));
        assert_eq!(size(current), Some(1));
    }

    #[test]
    fn a_line_longer_than_the_cap_goes_whole_into_a_fresh_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = RotatingFile::open(dir.path()).unwrap();
        let long = vec![b'x'; MAX_BYTES as usize + 10];
        file.write_all(&long).unwrap();
        assert_eq!(size(dir.path().join(FILE_NAME)), Some(MAX_BYTES + 10));
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "an empty file is not kept as the previous one"
        );
    }

    #[test]
    fn the_cap_is_the_one_mib_the_readme_promises() {
        assert_eq!(MAX_BYTES, 1 << 20);
    }

    #[test]
    fn an_unwritable_directory_is_an_error_not_a_panic() {
        assert!(RotatingFile::open(Path::new("/proc/no-such-dir")).is_err());
    }
}
