//! The desktop app's log on disk, so that a user can attach it to a bug report.
//!
//! Lines go to stderr as in the headless server, and also to [`FILE_NAME`] under
//! [`log_dir`]. Once the file passes [`MAX_BYTES`] it becomes `datastar-desktop.log.1`,
//! replacing the previous one, and a new file starts. The rotation is `file-rotate`'s; this
//! module only chooses its limits and opens the file first, so that an unwritable directory
//! is a log line rather than the crate's panic.

use datastar_ui::logging;
use datastar_ui::private_files::{private_dir, private_file, private_file_options};
use file_rotate::{ContentLimit, FileRotate, compression::Compression, suffix::AppendCount};
use std::{
    fs::OpenOptions,
    io,
    path::{Path, PathBuf},
    sync::Mutex,
};
use tracing_subscriber::{Layer, layer::SubscriberExt, util::SubscriberInitExt};

/// A file rotates on the first write after it has passed this size. Lines are never split,
/// so a file ends at most one line past it.
pub const MAX_BYTES: usize = 1024 * 1024;
/// The log's name in [`log_dir`]; the previous file has `.1` appended.
pub const FILE_NAME: &str = "datastar-desktop.log";
const DEFAULT_FILTER: &str = "datastar_desktop=info,datastar_ui=info";

/// Where Tauri's path resolver puts the app's logs (`app.path().app_log_dir()`, tauri 2.12's
/// `path/desktop.rs`): `~/Library/Logs/<identifier>/` on macOS, [`log_dir_in`] the local data
/// directory elsewhere. Logging starts before the app exists, and with it that resolver, so
/// the rule is followed here from the bases it reads (`dirs`); once the app is up,
/// [`check_log_dir`] says so in the log if the two ever part.
pub fn log_dir(identifier: &str) -> Option<PathBuf> {
    if cfg!(target_os = "macos") {
        dirs::home_dir().map(|home| home.join("Library/Logs").join(identifier))
    } else {
        dirs::data_local_dir().map(|data| log_dir_in(&data, identifier))
    }
}

/// The log's directory under a local data directory, on Linux and Windows:
/// `<data>/<identifier>/logs/` (`~/.local/share/…`, `%LOCALAPPDATA%\…`).
pub fn log_dir_in(local_data: &Path, identifier: &str) -> PathBuf {
    local_data.join(identifier).join("logs")
}

/// Logs a warning if the log file is not in the directory Tauri's resolver gives the app's
/// logs (a Tauri that changed its rule, or `appDirectoriesOverride` in `tauri.conf.json`),
/// where a user following Tauri's documentation would look for it.
pub fn check_log_dir<R: tauri::Runtime>(app: &tauri::AppHandle<R>, log_file: Option<&Path>) {
    use tauri::Manager;
    let (Some(file), Ok(expected)) = (log_file, app.path().app_log_dir()) else {
        return;
    };
    if file.parent() != Some(expected.as_path()) {
        tracing::warn!(
            file = %file.display(),
            expected = %expected.display(),
            "the log file is not in the app's log directory"
        );
    }
}

/// Installs logging to stderr and, if its directory can be written, to the log file.
/// Returns the file's path, or `None` (after saying why on stderr) when only stderr works.
pub fn init(identifier: &str) -> Option<PathBuf> {
    let dir = log_dir(identifier);
    let file = dir
        .as_deref()
        .ok_or_else(|| io::Error::other("this system has no data directory"))
        .and_then(open);
    let (file_layer, outcome) = match file {
        Ok((path, file)) => {
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

/// The rotating log file in `dir`, created if need be. `file-rotate` panics when it cannot
/// create the directory and drops lines when it cannot open the file, so both are tried here
/// first, where a failure can still be reported.
///
/// Only `dir` is made private, and the parents it creates: on macOS its parent is the user's
/// `~/Library/Logs`, whose mode is not the app's to change. (On Linux and Windows the parent
/// is the data directory, which the store makes private.)
fn open(dir: &Path) -> io::Result<(PathBuf, FileRotate<AppendCount>)> {
    private_dir(dir)?;
    let path = dir.join(FILE_NAME);
    let options = append_options();
    options.open(&path)?;
    // Files an earlier version made open to others are closed too.
    private_file(&path)?;
    let mut previous = path.clone().into_os_string();
    previous.push(".1");
    private_file(Path::new(&previous))?;
    let file = FileRotate::new(
        &path,
        AppendCount::new(1),
        ContentLimit::BytesSurpassed(MAX_BYTES),
        Compression::None,
        Some(options),
    );
    Ok((path, file))
}

/// Appending, and creating files only their owner may read.
fn append_options() -> OpenOptions {
    let mut options = private_file_options();
    options.create(true).append(true);
    options
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::{fs, io::Write};

    fn size(path: PathBuf) -> Option<u64> {
        fs::metadata(path).ok().map(|meta| meta.len())
    }

    #[test]
    fn past_its_cap_the_file_starts_over_keeping_one_previous_file() {
        let dir = tempfile::tempdir().unwrap();
        let (current, mut file) = open(dir.path()).unwrap();
        let previous = dir.path().join(format!("{FILE_NAME}.1"));
        let line = vec![b'x'; 1024];
        for _ in 0..MAX_BYTES / 1024 {
            file.write_all(&line).unwrap();
        }
        assert_eq!(size(current.clone()), Some(MAX_BYTES as u64));
        file.write_all(b"one line past the cap\n").unwrap();
        assert_eq!(size(previous.clone()), None, "a line is never split");
        file.write_all(b"next\n").unwrap();
        assert_eq!(
            size(current.clone()),
            Some(5),
            "a new file once past the cap"
        );
        assert!(size(previous.clone()).unwrap() > MAX_BYTES as u64);

        for _ in 0..=MAX_BYTES / 1024 {
            file.write_all(&line).unwrap();
        }
        file.write_all(b"and again\n").unwrap();
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "one previous file only: {names:?}");
        #[cfg(unix)]
        for file in [current, previous] {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", file.display());
        }
    }

    #[test]
    fn the_log_lives_where_tauri_puts_an_apps_logs() {
        let identifier = "dev.example.App";
        let path = log_dir(identifier).expect("a log directory");
        #[cfg(target_os = "macos")]
        assert_eq!(
            path,
            dirs::home_dir()
                .unwrap()
                .join("Library/Logs/dev.example.App")
        );
        #[cfg(not(target_os = "macos"))]
        assert_eq!(
            path,
            dirs::data_local_dir().unwrap().join("dev.example.App/logs")
        );
    }

    #[test]
    fn the_log_lives_where_the_docs_say() {
        let docs = include_str!("../docs/desktop.md");
        let path = log_dir_in(
            Path::new("~/.local/share"),
            "dev.datastar-desktop.DatastarDesktop",
        );
        let documented = format!("`{}`", path.join(FILE_NAME).display());
        assert!(
            docs.contains(&documented),
            "docs/desktop.md names {documented}"
        );
        assert_eq!(MAX_BYTES, 1 << 20);
        assert!(docs.contains("1 MiB") && docs.contains(&format!("`{FILE_NAME}.1`")));
    }

    #[test]
    fn an_unwritable_directory_is_an_error_not_a_panic() {
        // Under a file, no directory can be made, not even by root.
        let home = tempfile::tempdir().unwrap();
        fs::write(home.path().join("a-file"), "").unwrap();
        assert!(open(&home.path().join("a-file/logs")).is_err());
    }
}
