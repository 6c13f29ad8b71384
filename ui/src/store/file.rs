//! Opening the store's file: only in a directory of the user's, one server at a time, and
//! a damaged file moved aside rather than lost.

use super::{
    FILE_NAME, Opened, PageState, Preferences, StoreError, migrations, page_row, preferences,
};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// SQLite's write-ahead log and its index, beside the file.
pub(super) const WAL: &str = "state.sqlite3-wal";
pub(super) const SHM: &str = "state.sqlite3-shm";
/// Locked for as long as a server uses the directory.
const LOCK: &str = "state.lock";

pub(super) fn open_read_only(dir: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        dir.join(FILE_NAME),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
}

/// What a store holds: the page's state and the preferences.
pub(super) type Contents = (PageState, Preferences);

/// The store's file, open, and how it was found.
pub(super) struct OpenFile {
    pub(super) connection: Connection,
    pub(super) contents: Contents,
    pub(super) opened: Opened,
    /// The directory's lock, held by this server.
    pub(super) lock: std::fs::File,
}

/// Opens (or creates) the file in `dir`, moving a damaged one aside first.
///
/// The directory must be the user's alone, and so must the file and its journals, checked
/// before anything opens them: in a directory that another user could write, they could
/// have planted a link to a file of the user's, or a file of their own. Root is held to the
/// same rule. Once the directory passes, no one else can swap the file between this check
/// and SQLite's open.
pub(super) fn open_file(dir: &Path) -> Result<OpenFile, StoreError> {
    use crate::private_files::{open_private_file, users_own_dir, users_own_file};
    let directory = |source| StoreError::Directory {
        dir: dir.to_owned(),
        source,
    };
    create_private_dir(dir).map_err(directory)?;
    let dir = &users_own_dir(dir)?;
    crate::private_files::private_dir(dir).map_err(directory)?;
    let path = dir.join(FILE_NAME);
    for file in [LOCK, FILE_NAME, WAL, SHM] {
        users_own_file(&dir.join(file))?;
    }
    let lock = open_private_file(&dir.join(LOCK))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(StoreError::InUse {
                dir: dir.to_owned(),
            });
        }
        Err(std::fs::TryLockError::Error(err)) => return Err(directory(err)),
    }
    let existed = path.exists();
    open_private_file(&path)?;
    for journal in [WAL, SHM] {
        if dir.join(journal).exists() {
            open_private_file(&dir.join(journal))?;
        }
    }
    let (connection, contents, opened) = match connect(&path) {
        Ok((connection, contents)) => {
            let opened = if existed {
                Opened::Existing
            } else {
                Opened::Fresh
            };
            (connection, contents, opened)
        }
        Err(err) if is_damage(&err) => {
            let moved_to = move_aside(&path)?;
            let (connection, contents) = connect(&path)?;
            (connection, contents, Opened::MovedAside(moved_to))
        }
        Err(err) => return Err(err),
    };
    Ok(OpenFile {
        connection,
        contents,
        opened,
        lock,
    })
}

/// `dir` and its missing parents, the new ones 0700; an existing one is left as it is, to
/// be checked.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Connects, checks, migrates and reads what the store holds.
fn connect(path: &Path) -> Result<(Connection, Contents), StoreError> {
    let mut connection = Connection::open(path)?;
    // Waits rather than fails while a reader (`Store::peek`, a tool) holds SQLite's lock.
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    let check: String = connection.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
    if check != "ok" {
        return Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            Some(check),
        )));
    }
    let found: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let found = usize::try_from(found).unwrap_or(usize::MAX);
    let known = migrations::count();
    if found > known {
        return Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found,
            known,
        });
    }
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    // One row, rewritten: checkpoints keep the log short, and this keeps its file short too.
    connection.pragma_update(None, "journal_size_limit", 1024 * 1024)?;
    migrations::run(&mut connection)?;
    let state = page_row::read(&connection)?.unwrap_or_default();
    let preferences = preferences::read(&connection)?;
    Ok((connection, (state, preferences)))
}

/// A file that is not a database, or a corrupt one.
fn is_damage(err: &StoreError) -> bool {
    matches!(
        err,
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(failure, _))
            if matches!(
                failure.code,
                rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt
            )
    )
}

/// Renames the damaged file (and its journal, if any) to `<name>.damaged-<UTC time>`,
/// beside it: the user's data is never deleted.
fn move_aside(path: &Path) -> Result<PathBuf, StoreError> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let aside = |file: &Path| {
        let mut name = file.as_os_str().to_owned();
        name.push(format!(".damaged-{stamp}"));
        PathBuf::from(name)
    };
    let moved = aside(path);
    std::fs::rename(path, &moved).map_err(|source| StoreError::MoveAside {
        path: path.to_owned(),
        source,
    })?;
    for journal in ["-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(journal);
        let file = PathBuf::from(file);
        if file.exists() {
            let _ = std::fs::rename(&file, aside(&file));
        }
    }
    Ok(moved)
}
