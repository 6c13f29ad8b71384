//! A private home for every process a test starts, so that no test reads or writes the
//! user's own config, data, cache or logs, or reaches their running app over their bus.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// A temporary `HOME` with its own XDG directories, removed when the last handle on it is
/// dropped. Clones share it: one app launched twice in one home finds what it left.
#[derive(Clone)]
pub struct PrivateHome {
    root: std::sync::Arc<tempfile::TempDir>,
}

/// The XDG variables a private home sets, beside `HOME`, and the directory each names
/// under it. `XDG_RUNTIME_DIR` must be private (0700), which a fresh temporary directory is.
const XDG_DIRS: [(&str, &str); 5] = [
    ("XDG_CONFIG_HOME", ".config"),
    ("XDG_DATA_HOME", ".local/share"),
    ("XDG_CACHE_HOME", ".cache"),
    ("XDG_STATE_HOME", ".local/state"),
    ("XDG_RUNTIME_DIR", "runtime"),
];

impl PrivateHome {
    pub fn new() -> std::io::Result<Self> {
        let root = tempfile::Builder::new().prefix("home-").tempdir()?;
        for (_, dir) in XDG_DIRS {
            std::fs::create_dir_all(root.path().join(dir))?;
        }
        Ok(Self {
            root: std::sync::Arc::new(root),
        })
    }

    pub fn path(&self) -> &Path {
        self.root.path()
    }

    pub fn config_dir(&self) -> PathBuf {
        self.root.path().join(".config")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.root.path().join(".local/share")
    }

    /// `HOME` and the XDG directories, pointing here.
    pub fn vars(&self) -> impl Iterator<Item = (&'static str, PathBuf)> + '_ {
        std::iter::once(("HOME", self.root.path().to_owned())).chain(
            XDG_DIRS
                .iter()
                .map(|&(name, dir)| (name, self.root.path().join(dir))),
        )
    }

    /// Points `command` at this home, with no D-Bus session bus (a test that wants one
    /// starts its own) and no accessibility bus, which would outlive the app. For tokio's
    /// `Command`, pass `command.as_std_mut()`.
    pub fn apply<'c>(&self, command: &'c mut Command) -> &'c mut Command {
        command
            .envs(self.vars())
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("NO_AT_BRIDGE", "1")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_directory_is_inside_the_home_and_exists() {
        let home = PrivateHome::new().unwrap();
        for (name, dir) in home.vars() {
            assert!(dir.starts_with(home.path()), "{name}");
            assert!(dir.is_dir(), "{name}");
        }
    }
}
