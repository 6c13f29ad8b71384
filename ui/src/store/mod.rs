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
//! - Migrations in `migrations`, numbered by SQLite's `user_version`.
//! - A damaged file is never deleted: it is moved aside with a timestamp, and the app starts
//!   afresh ([`Opened`]). A file from a newer version is left alone, and so is a directory the
//!   app cannot write: in both cases the state is kept in memory for this run only, and
//!   [`Store::notice`] says so, for the page.

mod migrations;

use crate::sync::lock;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

/// The file, in the data directory.
pub const FILE_NAME: &str = "state.sqlite3";
/// SQLite's write-ahead log and its index, beside the file.
const WAL: &str = "state.sqlite3-wal";
const SHM: &str = "state.sqlite3-shm";

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

/// Whether the app may look for updates on its own: the answer to the first launch's
/// question. No answer yet means the question is still to be asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateChecks {
    /// At every launch.
    Automatic,
    /// Only when asked (Help → Check for Updates…).
    NotNow,
}

impl UpdateChecks {
    fn as_str(self) -> &'static str {
        match self {
            Self::Automatic => "automatic",
            Self::NotNow => "not-now",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::Automatic, Self::NotNow]
            .into_iter()
            .find(|checks| checks.as_str() == text)
    }
}

/// What the app remembers beside the page: the user's answers, and what ran last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences {
    /// `None` until the user answers the question about updates.
    pub update_checks: Option<UpdateChecks>,
    /// The app version that last ran on this store, so that the first launch of a new one
    /// can say that it was updated.
    pub last_version: Option<String>,
}

/// Why the store could not be used as it is on disk.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use the data directory {dir}: {source}")]
    Directory {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("the data directory is not this user's alone: {0}")]
    NotPrivate(#[from] crate::private_files::NotPrivate),
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
    preferences: Mutex<Preferences>,
    /// Why changes will not be kept, or what happened to the user's file: for the page.
    notice: Option<String>,
    /// Why the last write failed, until one succeeds (a full disk, say): for the page.
    failing: Mutex<Option<String>>,
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
                preferences: Mutex::new(Preferences::default()),
                notice,
                failing: Mutex::default(),
            }),
        }
    }

    /// The store in `dir`, created if need be. Never fails: what cannot be used is said in
    /// the log and in [`Store::notice`], and the state is then kept in memory. Returns how
    /// the file was found.
    pub fn open(dir: &Path) -> (Self, Opened) {
        match open_file(dir) {
            Ok((connection, (state, preferences), opened)) => {
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
                        preferences: Mutex::new(preferences),
                        notice,
                        failing: Mutex::default(),
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
        Ok(read(&open_read_only(dir)?)?)
    }

    /// The preferences in `dir`'s file, read as [`Store::peek`] reads the state.
    pub fn peek_preferences(dir: &Path) -> Result<Preferences, StoreError> {
        Ok(read_preferences(&open_read_only(dir)?)?)
    }

    /// The state, as last saved.
    pub fn state(&self) -> PageState {
        lock(&self.inner.state).clone()
    }

    /// The user's answers, as last saved.
    pub fn preferences(&self) -> Preferences {
        lock(&self.inner.preferences).clone()
    }

    /// What the page should tell the user about how its state was found, if anything.
    pub fn notice(&self) -> Option<&str> {
        self.inner.notice.as_deref()
    }

    /// What the page should tell the user about its saved state now: that saves are failing,
    /// while they are, else [`Store::notice`].
    pub fn current_notice(&self) -> Option<String> {
        lock(&self.inner.failing)
            .clone()
            .or_else(|| self.notice().map(str::to_owned))
    }

    /// Records whether the last save worked: `Err` with why it failed. Returns whether that
    /// changed what [`Store::current_notice`] says.
    pub fn record_save(&self, outcome: Result<(), &StoreError>) -> bool {
        let failing = outcome.err().map(|err| {
            format!(
                "Your changes are not being kept: the last save failed ({err}). They are kept again as soon as a save works."
            )
        });
        let mut current = lock(&self.inner.failing);
        let changed = current.is_some() != failing.is_some();
        *current = failing;
        changed
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

    /// Saves what a tab's user changed: the fields given, and only those.
    pub async fn save_edit(
        &self,
        input: Option<String>,
        show: Option<bool>,
    ) -> Result<bool, StoreError> {
        self.update(move |current| {
            if let Some(input) = input {
                current.input = input;
            }
            if let Some(show) = show {
                current.show = show;
            }
        })
        .await
    }

    /// Records the roundtrip's answer. The same answer again (the same input sent twice)
    /// costs no write, nor a trip to a blocking thread.
    pub async fn save_output(&self, output: String) -> Result<bool, StoreError> {
        if lock(&self.inner.state).output == output {
            return Ok(false);
        }
        self.update(move |current| current.output = output).await
    }

    /// Shows the feed if it was hidden, or hides it; returns whether it is now shown.
    pub async fn toggle_show(&self) -> Result<bool, StoreError> {
        self.update(|current| current.show = !current.show).await?;
        Ok(self.state().show)
    }

    /// Records what `#target` now shows.
    pub async fn save_target(&self, target: String) -> Result<bool, StoreError> {
        self.update(move |current| current.target = target).await
    }

    /// Records the user's answer to the question about updates.
    pub async fn save_update_checks(&self, checks: UpdateChecks) -> Result<bool, StoreError> {
        self.update_preferences(move |current| current.update_checks = Some(checks))
            .await
    }

    /// Records the app version that is running now.
    pub async fn save_last_version(&self, version: String) -> Result<bool, StoreError> {
        self.update_preferences(move |current| current.last_version = Some(version))
            .await
    }

    async fn update_preferences(
        &self,
        change: impl FnOnce(&mut Preferences) + Send + 'static,
    ) -> Result<bool, StoreError> {
        let inner = self.inner.clone();
        write_through(inner, |inner| &inner.preferences, change, write_preferences).await
    }

    async fn update(
        &self,
        change: impl FnOnce(&mut PageState) + Send + 'static,
    ) -> Result<bool, StoreError> {
        write_through(self.inner.clone(), |inner| &inner.state, change, write).await
    }
}

/// Applies `change` to the value `pick` finds and writes the result with `write` if it
/// changed anything, on a blocking thread: SQLite's commit waits for the disk, which must
/// never stall the async runtime. Returns whether anything changed.
async fn write_through<T: Clone + PartialEq + Send + 'static>(
    inner: Arc<Inner>,
    pick: fn(&Inner) -> &Mutex<T>,
    change: impl FnOnce(&mut T) + Send + 'static,
    write: fn(&Connection, &T) -> rusqlite::Result<()>,
) -> Result<bool, StoreError> {
    tokio::task::spawn_blocking(move || {
        // The connection's lock (or the value's, in memory) orders the writes; the value in
        // memory follows what was committed.
        let db = inner.db.as_ref().map(lock);
        let current = lock(pick(&inner)).clone();
        let mut next = current.clone();
        change(&mut next);
        if next == current {
            return Ok(false);
        }
        if let Some(db) = &db {
            write(db, &next)?;
        }
        *lock(pick(&inner)) = next;
        Ok(true)
    })
    .await
    .map_err(|_| StoreError::Writer)?
}

fn open_read_only(dir: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        dir.join(FILE_NAME),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
}

/// What a store holds: the page's state and the preferences.
type Contents = (PageState, Preferences);

/// Opens (or creates) the file in `dir`, moving a damaged one aside first.
///
/// The directory must be the user's alone, and so must the file and its journals, checked
/// before anything opens them: in a directory that another user could write, they could
/// have planted a link to a file of the user's, or a file of their own. Root is held to the
/// same rule. Once the directory passes, no one else can swap the file between this check
/// and SQLite's open.
fn open_file(dir: &Path) -> Result<(Connection, Contents, Opened), StoreError> {
    use crate::private_files::{open_private_file, users_own_dir, users_own_file};
    let directory = |source| StoreError::Directory {
        dir: dir.to_owned(),
        source,
    };
    create_private_dir(dir).map_err(directory)?;
    let dir = &users_own_dir(dir)?;
    crate::private_files::private_dir(dir).map_err(directory)?;
    let path = dir.join(FILE_NAME);
    for file in [FILE_NAME, WAL, SHM] {
        users_own_file(&dir.join(file))?;
    }
    let existed = path.exists();
    open_private_file(&path)?;
    for journal in [WAL, SHM] {
        if dir.join(journal).exists() {
            open_private_file(&dir.join(journal))?;
        }
    }
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
    let preferences = read_preferences(&connection)?;
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

/// The page's row, each text clipped to the limit a save is held to (in characters, as
/// SQLite's `substr` counts them): a file that another program wrote, or an older version,
/// may hold more, and all of it would be sent with every page.
fn read(connection: &Connection) -> rusqlite::Result<Option<PageState>> {
    use crate::limits::{MAX_INPUT_CHARS, MAX_OUTPUT_CHARS, MAX_TARGET_CHARS};
    connection
        .query_row(
            "SELECT substr(input, 1, ?1), substr(output, 1, ?2), show, substr(target, 1, ?3)
             FROM page_state WHERE id = 1",
            // SQLite's integers are i64; these limits are far below its range.
            [MAX_INPUT_CHARS, MAX_OUTPUT_CHARS, MAX_TARGET_CHARS].map(|limit| limit as i64),
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

fn read_preferences(connection: &Connection) -> rusqlite::Result<Preferences> {
    let row = connection
        .query_row(
            "SELECT update_checks, last_version FROM preferences WHERE id = 1",
            [],
            |row| Ok((row.get::<_, Option<String>>(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((update_checks, last_version)) = row else {
        return Ok(Preferences::default());
    };
    Ok(Preferences {
        update_checks: update_checks.as_deref().and_then(UpdateChecks::parse),
        last_version,
    })
}

fn write_preferences(connection: &Connection, preferences: &Preferences) -> rusqlite::Result<()> {
    let update_checks = preferences.update_checks.map(UpdateChecks::as_str);
    connection.execute(
        "INSERT INTO preferences (id, update_checks, last_version) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET update_checks = ?1, last_version = ?2",
        params![update_checks, preferences.last_version],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
