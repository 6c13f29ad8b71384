//! The app's directories follow it to a new identifier.
//!
//! The identifier names the directories the app keeps: the page's state, the log and the
//! window's place (`~/.local/share/<identifier>/` and `~/.config/<identifier>/` on Linux).
//! Releases up to 0.1.0 used [`LEGACY_IDENTIFIER`], which Tauri warns about on macOS, where
//! `.app` is a bundle's extension. So that an update keeps what the user had, each of those
//! directories is moved to the new name once, at the first launch under it, before anything
//! opens either one.
//!
//! A move is one `rename`, so it never copies and never deletes. A directory that cannot be
//! moved as a whole, or that is not plainly the user's own (a symlink, a file, another user's
//! directory, one the user cannot read), is left exactly where it is: the app starts afresh
//! beside it, and the log says why.

use std::{
    io,
    path::{Path, PathBuf},
};

/// The identifier of releases up to 0.1.0.
pub const LEGACY_IDENTIFIER: &str = "dev.datastar-desktop.app";

/// What happened to one old directory; logged once logging has started.
#[derive(Debug)]
pub enum Outcome {
    Moved {
        from: PathBuf,
        to: PathBuf,
    },
    /// The new directory exists already: the old one is left for the user to look at.
    BothExist {
        old: PathBuf,
        new: PathBuf,
    },
    NotMoved {
        old: PathBuf,
        reason: io::Error,
    },
}

impl Outcome {
    pub fn log(&self) {
        match self {
            Self::Moved { from, to } => tracing::info!(
                from = %from.display(),
                to = %to.display(),
                "moved this app's directory from its former identifier"
            ),
            Self::BothExist { old, new } => tracing::warn!(
                old = %old.display(),
                new = %new.display(),
                "a directory of this app's former identifier is left as it is: the new one exists"
            ),
            Self::NotMoved { old, reason } => tracing::warn!(
                old = %old.display(),
                %reason,
                "a directory of this app's former identifier is left as it is; starting afresh"
            ),
        }
    }
}

/// Moves the directories of [`LEGACY_IDENTIFIER`] to `identifier`, in each of the platform's
/// base directories that Tauri puts an app's directory in (data, local data, config). It
/// runs before the app exists, and with it Tauri's path resolver, so the bases come from
/// `dirs`, the crate that resolver itself reads them from.
pub fn move_legacy_dirs(identifier: &str) -> Vec<Outcome> {
    let mut bases: Vec<PathBuf> = [dirs::data_dir(), dirs::data_local_dir(), dirs::config_dir()]
        .into_iter()
        .flatten()
        .collect();
    // On Linux, data and local data are the same directory.
    bases.dedup();
    bases
        .iter()
        .filter_map(|base| move_legacy_dir(base, identifier))
        .collect()
}

/// Moves `base/LEGACY_IDENTIFIER` to `base/identifier`; `None` when there is nothing to move.
pub fn move_legacy_dir(base: &Path, identifier: &str) -> Option<Outcome> {
    if identifier == LEGACY_IDENTIFIER {
        return None;
    }
    let old = base.join(LEGACY_IDENTIFIER);
    let new = base.join(identifier);
    let metadata = match std::fs::symlink_metadata(&old) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return None,
        Err(reason) => return Some(Outcome::NotMoved { old, reason }),
    };
    if let Err(reason) = the_users_own_directory(&old, &metadata) {
        return Some(Outcome::NotMoved { old, reason });
    }
    if std::fs::symlink_metadata(&new).is_ok() {
        return Some(Outcome::BothExist { old, new });
    }
    match std::fs::rename(&old, &new) {
        Ok(()) => Some(Outcome::Moved { from: old, to: new }),
        Err(reason) => Some(Outcome::NotMoved { old, reason }),
    }
}

/// A real directory (not a symlink), owned by this user, whose entries this user can read:
/// moved, it must work as the app's own, or the move would only hide it.
fn the_users_own_directory(dir: &Path, metadata: &std::fs::Metadata) -> io::Result<()> {
    if !metadata.is_dir() {
        return Err(io::Error::other("not a directory"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let me = rustix::process::geteuid().as_raw();
        if metadata.uid() != me {
            return Err(io::Error::other(format!(
                "owned by uid {}, not by this user ({me})",
                metadata.uid()
            )));
        }
    }
    std::fs::read_dir(dir).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    const NEW: &str = "dev.example.New";

    #[test]
    fn the_old_directory_becomes_the_new_one_with_everything_in_it() {
        let base = tempfile::tempdir().unwrap();
        let old = base.path().join(LEGACY_IDENTIFIER);
        fs::create_dir_all(old.join("logs")).unwrap();
        fs::write(old.join("state.sqlite3"), "kept").unwrap();

        let outcome = move_legacy_dir(base.path(), NEW);
        assert!(
            matches!(outcome, Some(Outcome::Moved { .. })),
            "{outcome:?}"
        );
        let new = base.path().join(NEW);
        assert_eq!(
            fs::read_to_string(new.join("state.sqlite3")).unwrap(),
            "kept"
        );
        assert!(new.join("logs").is_dir());
        assert!(!old.exists());
        // Once only: the next launch finds nothing to move.
        assert!(move_legacy_dir(base.path(), NEW).is_none());
    }

    #[test]
    fn nothing_to_move_and_the_same_name_are_no_moves() {
        let base = tempfile::tempdir().unwrap();
        assert!(move_legacy_dir(base.path(), NEW).is_none());
        fs::create_dir(base.path().join(LEGACY_IDENTIFIER)).unwrap();
        assert!(move_legacy_dir(base.path(), LEGACY_IDENTIFIER).is_none());
        assert!(base.path().join(LEGACY_IDENTIFIER).is_dir());
    }

    #[test]
    fn an_existing_new_directory_is_never_replaced() {
        let base = tempfile::tempdir().unwrap();
        let (old, new) = (base.path().join(LEGACY_IDENTIFIER), base.path().join(NEW));
        fs::create_dir(&old).unwrap();
        fs::write(old.join("state.sqlite3"), "old").unwrap();
        fs::create_dir(&new).unwrap();
        fs::write(new.join("state.sqlite3"), "new").unwrap();

        let outcome = move_legacy_dir(base.path(), NEW);
        assert!(
            matches!(outcome, Some(Outcome::BothExist { .. })),
            "{outcome:?}"
        );
        assert_eq!(
            fs::read_to_string(old.join("state.sqlite3")).unwrap(),
            "old"
        );
        assert_eq!(
            fs::read_to_string(new.join("state.sqlite3")).unwrap(),
            "new"
        );
    }

    #[test]
    fn what_is_not_plainly_a_directory_is_left_where_it_is() {
        let base = tempfile::tempdir().unwrap();
        let old = base.path().join(LEGACY_IDENTIFIER);
        fs::write(&old, "a file").unwrap();
        let outcome = move_legacy_dir(base.path(), NEW);
        assert!(
            matches!(outcome, Some(Outcome::NotMoved { .. })),
            "{outcome:?}"
        );
        assert_eq!(fs::read_to_string(&old).unwrap(), "a file");
        assert!(!base.path().join(NEW).exists());

        #[cfg(unix)]
        {
            // A symlink to a directory elsewhere is not followed, or moved.
            let elsewhere = tempfile::tempdir().unwrap();
            fs::remove_file(&old).unwrap();
            std::os::unix::fs::symlink(elsewhere.path(), &old).unwrap();
            let outcome = move_legacy_dir(base.path(), NEW);
            assert!(
                matches!(outcome, Some(Outcome::NotMoved { .. })),
                "{outcome:?}"
            );
            assert!(fs::symlink_metadata(&old).unwrap().is_symlink());
            assert!(!base.path().join(NEW).exists());
        }
    }

    /// A directory this user cannot read: another user's (made so by root), or, run as
    /// another user, one without read permission.
    #[cfg(unix)]
    #[test]
    fn a_directory_this_user_cannot_read_is_left_where_it_is() {
        use std::os::unix::fs::PermissionsExt;
        let base = tempfile::tempdir().unwrap();
        let old = base.path().join(LEGACY_IDENTIFIER);
        fs::create_dir(&old).unwrap();
        fs::write(old.join("state.sqlite3"), "theirs").unwrap();
        if rustix::process::geteuid().is_root() {
            let nobody = rustix::process::Uid::from_raw(65534);
            rustix::fs::chown(&old, Some(nobody), None).unwrap();
        } else {
            fs::set_permissions(&old, fs::Permissions::from_mode(0o300)).unwrap();
        }

        let outcome = move_legacy_dir(base.path(), NEW);
        assert!(
            matches!(outcome, Some(Outcome::NotMoved { .. })),
            "{outcome:?}"
        );
        fs::set_permissions(&old, fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(
            fs::read_to_string(old.join("state.sqlite3")).unwrap(),
            "theirs"
        );
        assert!(!base.path().join(NEW).exists());
    }
}
