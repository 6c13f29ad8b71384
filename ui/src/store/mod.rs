//! Where the page's state lives: on the server, in one SQLite file in the data directory.
//!
//! The page can keep nothing itself: each launch has a new origin, and the desktop window is
//! incognito. So the page reports its signals (debounced) to the server, which keeps them
//! here and renders the page from them, and tells the page's other tabs.
//!
//! - One row of [`PageState`], read once at start-up and then kept in memory, so that serving
//!   the page never touches the disk. A save writes through, on a blocking thread, and is
//!   acknowledged only once SQLite has committed it (`synchronous = FULL`): a `kill -9` right
//!   after loses nothing, nor does a power cut on a disk that honours `fsync`.
//! - Write-ahead logging, so that a reader never waits for a writer; SQLite's own locks keep
//!   two servers on one file from corrupting it.
//! - Migrations in [`migrations`], numbered by SQLite's `user_version`.
//! - A damaged file is never deleted: it is moved aside with a timestamp, and the app starts
//!   afresh ([`Opened`]). A file from a newer version is left alone, and so is a directory the
//!   app cannot write: in both cases the state is kept in memory for this run only, and
//!   [`Store::notice`] says so, for the page.

mod migrations;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex, PoisonError},
};

/// The file, in the data directory.
pub const FILE_NAME: &str = "state.sqlite3";

/// What the page shows, and so what comes back after a quit, a crash or a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageState {
    /// The text in the box, sent or not.
    pub input: String,
    /// The last answer of the state roundtrip.
    pub output: String,
    /// Whether the feed is shown.
    pub show: bool,
    /// What `#target` last showed: the server's time when it was asked.
    pub target: String,
}

impl Default for PageState {
    fn default() -> Self {
        Self {
            input: String::new(),
            output: String::new(),
            show: true,
            target: String::new(),
        }
    }
}

/// Why the store could not be used as it is on disk.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use the data directory {dir}: {source}")]
    Directory {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} was written by a newer version of this app (schema {found}, this one knows {known}); it is left as it is"
    )]
    NewerSchema {
        path: PathBuf,
        found: usize,
        known: usize,
    },
    #[error("cannot move the damaged {path} aside: {source}")]
    MoveAside {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("the store's writer stopped")]
    Writer,
}

/// How the file was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// No file yet, or in memory: the page starts empty.
    Fresh,
    /// The state the user left.
    Existing,
    /// The file was not a database, or was corrupt: it is now at this path, and the page
    /// starts empty.
    MovedAside(PathBuf),
}

/// The page's state, and where it is kept. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// `None` when the state lives in memory only.
    db: Option<Mutex<Connection>>,
    state: Mutex<PageState>,
    /// Why changes will not be kept, or what happened to the user's file: for the page.
    notice: Option<String>,
}

impl Store {
    /// State that lives as long as the process: for tests and benchmarks that want no file.
    pub fn in_memory() -> Self {
        Self::memory(None)
    }

    fn memory(notice: Option<String>) -> Self {
        Self {
            inner: Arc::new(Inner {
                db: None,
                state: Mutex::new(PageState::default()),
                notice,
            }),
        }
    }

    /// The store in `dir`, created if need be. Never fails: what cannot be used is said in
    /// the log and in [`Store::notice`], and the state is then kept in memory. Returns how
    /// the file was found.
    pub fn open(dir: &Path) -> (Self, Opened) {
        match open_file(dir) {
            Ok((connection, state, opened)) => {
                let notice = match &opened {
                    Opened::MovedAside(path) => {
                        tracing::warn!(moved_to = %path.display(), "the stored state was damaged; it was moved aside and the page starts afresh");
                        Some(format!(
                            "The saved state was damaged, so the page starts afresh. The old file is kept as {}.",
                            path.display()
                        ))
                    }
                    Opened::Fresh | Opened::Existing => None,
                };
                let store = Self {
                    inner: Arc::new(Inner {
                        db: Some(Mutex::new(connection)),
                        state: Mutex::new(state),
                        notice,
                    }),
                };
                (store, opened)
            }
            Err(err) => {
                tracing::warn!(%err, "keeping the page's state in memory for this run");
                let notice = format!("Changes will not be kept after this run: {err}.");
                (Self::memory(Some(notice)), Opened::Fresh)
            }
        }
    }

    /// What the file in `dir` holds, read without opening it for writing, nor migrating or
    /// moving it: for tests and tools that look at a store another process keeps.
    pub fn peek(dir: &Path) -> Result<Option<PageState>, StoreError> {
        let connection = Connection::open_with_flags(
            dir.join(FILE_NAME),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        Ok(read(&connection)?)
    }

    /// The state, as last saved.
    pub fn state(&self) -> PageState {
        lock(&self.inner.state).clone()
    }

    /// What the page should tell the user about its saved state, if anything.
    pub fn notice(&self) -> Option<&str> {
        self.inner.notice.as_deref()
    }

    /// Whether changes reach the disk.
    pub fn is_persistent(&self) -> bool {
        self.inner.db.is_some()
    }

    /// Saves `state`, returning once it is committed to disk (or, in memory, at once).
    /// Returns whether anything changed.
    pub async fn save(&self, state: PageState) -> Result<bool, StoreError> {
        self.update(move |current| *current = state).await
    }

    /// Saves what the page reports of itself, keeping `target`, which only the server sets.
    pub async fn save_signals(
        &self,
        input: String,
        output: String,
        show: bool,
    ) -> Result<bool, StoreError> {
        self.update(move |current| {
            current.input = input;
            current.output = output;
            current.show = show;
        })
        .await
    }

    /// Records what `#target` now shows.
    pub async fn save_target(&self, target: String) -> Result<bool, StoreError> {
        self.update(move |current| current.target = target).await
    }

    /// Applies `change` to the state and writes the result if it changed anything, on a
    /// blocking thread: SQLite's commit waits for the disk, which must never stall the async
    /// runtime. Returns whether anything changed.
    async fn update(
        &self,
        change: impl FnOnce(&mut PageState) + Send + 'static,
    ) -> Result<bool, StoreError> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            // The connection's lock (or the state's, in memory) orders the writes; the state
            // in memory follows what was committed.
            let db = inner.db.as_ref().map(lock);
            let current = lock(&inner.state).clone();
            let mut next = current.clone();
            change(&mut next);
            if next == current {
                return Ok(false);
            }
            if let Some(db) = &db {
                write(db, &next)?;
            }
            *lock(&inner.state) = next;
            Ok(true)
        })
        .await
        .map_err(|_| StoreError::Writer)?
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A write either commits or not, and the state is replaced whole: a panic leaves it whole.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Opens (or creates) the file in `dir`, moving a damaged one aside first.
fn open_file(dir: &Path) -> Result<(Connection, PageState, Opened), StoreError> {
    crate::private_files::private_dir(dir).map_err(|source| StoreError::Directory {
        dir: dir.to_owned(),
        source,
    })?;
    let path = dir.join(FILE_NAME);
    let existed = path.exists();
    match connect(&path) {
        Ok((connection, state)) => {
            let opened = if existed {
                Opened::Existing
            } else {
                Opened::Fresh
            };
            Ok((connection, state, opened))
        }
        Err(err) if is_damage(&err) => {
            let moved_to = move_aside(&path)?;
            let (connection, state) = connect(&path)?;
            Ok((connection, state, Opened::MovedAside(moved_to)))
        }
        Err(err) => Err(err),
    }
}

/// Connects, checks, migrates and reads the state.
fn connect(path: &Path) -> Result<(Connection, PageState), StoreError> {
    let mut connection = Connection::open(path)?;
    // Its directory already keeps it from others; this is belt and braces.
    if let Err(err) = crate::private_files::private_file(path) {
        tracing::debug!(%err, path = %path.display(), "cannot make the store private");
    }
    // Waits rather than fails when another server on the same file holds the lock.
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
    let state = read(&connection)?.unwrap_or_default();
    Ok((connection, state))
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

fn read(connection: &Connection) -> rusqlite::Result<Option<PageState>> {
    connection
        .query_row(
            "SELECT input, output, show, target FROM page_state WHERE id = 1",
            [],
            |row| {
                Ok(PageState {
                    input: row.get(0)?,
                    output: row.get(1)?,
                    show: row.get(2)?,
                    target: row.get(3)?,
                })
            },
        )
        .optional()
}

fn write(connection: &Connection, state: &PageState) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT INTO page_state (id, input, output, show, target) VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET input = ?1, output = ?2, show = ?3, target = ?4",
        params![state.input, state.output, state.show, state.target],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
