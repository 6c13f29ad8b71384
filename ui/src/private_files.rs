//! The apps' own directories and files are private: 0700 directories and 0600 files, so
//! that another user on the machine reads nothing of the log, the window's place or the
//! page's state.
//!
//! Directories are created private; ones an earlier version made are made private again.
//! Files created with [`private_file_options`] get 0600; a file someone else creates (the
//! window-state plugin's) is closed to others by its directory, and given 0600 once written.
//!
//! A directory the app keeps files in must be the user's alone ([`users_own_dir`]), and so
//! must each file it opens there ([`users_own_file`]): otherwise another local user could
//! have planted a link to a file of the user's, or a file of their own that the user's app
//! would then read and write.

use std::{
    io,
    path::{Path, PathBuf},
};

/// Why a directory or a file is not the user's alone.
#[derive(Debug, thiserror::Error)]
pub enum NotPrivate {
    #[error("cannot check {path}: {source}")]
    Unreadable { path: PathBuf, source: io::Error },
    #[error("{path} belongs to another user (uid {owner})")]
    OtherOwner { path: PathBuf, owner: u32 },
    #[error("other users may write into {path} (mode {mode:o})")]
    OthersMayWrite { path: PathBuf, mode: u32 },
    #[error("{path} above it may be changed by another user (uid {owner}, mode {mode:o})")]
    OpenParent {
        path: PathBuf,
        owner: u32,
        mode: u32,
    },
    #[error("{path} is a symbolic link")]
    Symlink { path: PathBuf },
    #[error("{path} is not a regular file")]
    NotAFile { path: PathBuf },
    #[error("{path} has {links} names (hard links): another may be someone else's")]
    HardLinked { path: PathBuf, links: u64 },
}

/// `dir`, resolved, if no other user can put files in it or change it: it is this user's and
/// writable by no one else, and so is every directory above it, but for those that root owns
/// and those (such as `/tmp`) whose sticky bit keeps others from replacing what is ours.
/// Root is held to the same rule.
#[cfg(unix)]
pub fn users_own_dir(dir: &Path) -> Result<PathBuf, NotPrivate> {
    use std::os::unix::fs::MetadataExt;
    const WRITABLE_BY_OTHERS: u32 = 0o022;
    const STICKY: u32 = 0o1000;
    fn unreadable(path: &Path) -> impl FnOnce(io::Error) -> NotPrivate + '_ {
        move |source| NotPrivate::Unreadable {
            path: path.to_owned(),
            source,
        }
    }
    let dir = dir.canonicalize().map_err(unreadable(dir))?;
    let me = rustix::process::geteuid().as_raw();
    let own = std::fs::metadata(&dir).map_err(unreadable(&dir))?;
    if own.uid() != me {
        return Err(NotPrivate::OtherOwner {
            path: dir,
            owner: own.uid(),
        });
    }
    if own.mode() & WRITABLE_BY_OTHERS != 0 {
        return Err(NotPrivate::OthersMayWrite {
            path: dir,
            mode: own.mode() & 0o7777,
        });
    }
    for parent in dir.ancestors().skip(1) {
        let above = std::fs::metadata(parent).map_err(unreadable(parent))?;
        let owner_ok = above.uid() == me || above.uid() == 0;
        let mode_ok = above.mode() & WRITABLE_BY_OTHERS == 0 || above.mode() & STICKY != 0;
        if !(owner_ok && mode_ok) {
            return Err(NotPrivate::OpenParent {
                path: parent.to_owned(),
                owner: above.uid(),
                mode: above.mode() & 0o7777,
            });
        }
    }
    Ok(dir)
}

/// Elsewhere (Windows), a directory in the user's profile is private by its ACL. Resolved
/// without the `\\?\` prefix std's `canonicalize` gives, which the page would show.
#[cfg(not(unix))]
pub fn users_own_dir(dir: &Path) -> Result<PathBuf, NotPrivate> {
    dunce::canonicalize(dir).map_err(|source| NotPrivate::Unreadable {
        path: dir.to_owned(),
        source,
    })
}

/// Checks `file`, if it exists, without opening it (so that a FIFO cannot block): a regular
/// file, not a symbolic link, this user's, with one name only. A file with a second name
/// (a hard link) may have it in another user's directory, where they read what is written.
#[cfg(unix)]
pub fn users_own_file(file: &Path) -> Result<(), NotPrivate> {
    use std::os::unix::fs::MetadataExt;
    let path = || file.to_owned();
    let meta = match std::fs::symlink_metadata(file) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(NotPrivate::Unreadable {
                path: path(),
                source,
            });
        }
    };
    if meta.file_type().is_symlink() {
        return Err(NotPrivate::Symlink { path: path() });
    }
    if !meta.is_file() {
        return Err(NotPrivate::NotAFile { path: path() });
    }
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        return Err(NotPrivate::OtherOwner {
            path: path(),
            owner: meta.uid(),
        });
    }
    if meta.nlink() > 1 {
        return Err(NotPrivate::HardLinked {
            path: path(),
            links: meta.nlink(),
        });
    }
    Ok(())
}

/// Elsewhere (Windows), files in a private directory are private by its ACL.
#[cfg(not(unix))]
pub fn users_own_file(file: &Path) -> Result<(), NotPrivate> {
    let _ = file;
    Ok(())
}

/// `dir` and its missing parents, created if need be; `dir` itself made 0700.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

/// Opens `file` (creating it 0600 if it is missing), checks it again on the open file, and
/// makes it 0600 through that file, not its path: never through a link, and never blocking
/// on a FIFO.
pub fn open_private_file(file: &Path) -> Result<std::fs::File, NotPrivate> {
    let unreadable = |source| NotPrivate::Unreadable {
        path: file.to_owned(),
        source,
    };
    let mut options = private_file_options();
    options.read(true).write(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        options.custom_flags(flags.bits() as i32);
    }
    let opened = options.open(file).map_err(unreadable)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = opened.metadata().map_err(unreadable)?;
        if !meta.is_file() {
            return Err(NotPrivate::NotAFile {
                path: file.to_owned(),
            });
        }
        if meta.nlink() > 1 {
            return Err(NotPrivate::HardLinked {
                path: file.to_owned(),
                links: meta.nlink(),
            });
        }
        opened
            .set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(unreadable)?;
    }
    Ok(opened)
}

/// Makes `file` 0600, if it exists.
pub fn private_file(file: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(())
    }
}

/// Options that create a file as 0600.
pub fn private_file_options() -> std::fs::OpenOptions {
    #[allow(unused_mut)]
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn directories_and_files_are_the_users_alone() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);

        // One made open by an earlier version is closed again.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);

        let file = dir.join("f");
        private_file_options()
            .create(true)
            .append(true)
            .open(&file)
            .unwrap();
        assert_eq!(mode(&file), 0o600);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        private_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        private_file(&dir.join("missing")).unwrap();
    }
}

/// Windows has no Unix modes: a directory in the user's profile is private by its ACL, so
/// what is checked there is that the directory is made, and that it resolves.
#[cfg(all(test, not(unix)))]
mod tests {
    use super::*;

    #[test]
    fn a_private_directory_is_made_and_resolved_and_its_files_opened() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        private_dir(&dir).unwrap();
        let resolved = users_own_dir(&dir).unwrap();
        assert!(
            !resolved.to_string_lossy().starts_with(r"\\?\"),
            "{resolved:?}"
        );
        assert!(
            resolved.ends_with("a/b") && resolved.is_dir(),
            "{resolved:?}"
        );
        assert!(matches!(
            users_own_dir(&root.path().join("missing")),
            Err(NotPrivate::Unreadable { .. })
        ));
        let file = dir.join("state");
        drop(open_private_file(&file).unwrap());
        users_own_file(&file).unwrap();
        private_file(&file).unwrap();
        assert!(file.is_file());
    }
}
