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
//! - Write-ahead logging, so that a reader never waits for a writer.
//! - One server per directory: each keeps the row in memory, so two on one file would each
//!   overwrite the other's saves with what it last knew. The store holds a lock on
//!   `state.lock` for its life, and a second server on the directory keeps its state in
//!   memory and says why ([`StoreError::InUse`]).
//! - Migrations in `migrations`, numbered by SQLite's `user_version`.
//! - Its jobs, by module: `file` opens the file (the directory's rules, the lock, damage),
//!   `page_row` and `preferences` read and write the two rows; this module keeps them in
//!   memory and writes through.
//! - A damaged file is never deleted: it is moved aside with a timestamp, and the app starts
//!   afresh ([`Opened`]). A file from a newer version is left alone, and so is a directory the
//!   app cannot write: in both cases the state is kept in memory for this run only, and
//!   [`Store::notice`] says so, for the page.

mod file;
mod migrations;
mod page_row;
mod preferences;

pub use page_row::PageState;
pub use preferences::{Preferences, Settings, UpdateChecks};

use crate::sync::lock;
use rusqlite::Connection;
use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

/// The file, in the data directory.
pub const FILE_NAME: &str = "state.sqlite3";

/// Why the store could not be used as it is on disk.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use the data directory {dir}: {source}")]
    Directory {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "another server is already using {dir}; each data directory serves one server at a time"
    )]
    InUse { dir: PathBuf },
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
    /// The directory's lock, held for as long as this store lives.
    _lock: Option<std::fs::File>,
    state: Mutex<PageState>,
    preferences: Mutex<Preferences>,
    /// Why changes will not be kept, or what happened to the user's file: for the page.
    notice: Option<String>,
    /// Why the last write failed, until one succeeds (a full disk, say): for the page.
    failing: Mutex<Option<String>>,
    /// How the file was found.
    opened: Opened,
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
                _lock: None,
                state: Mutex::new(PageState::default()),
                preferences: Mutex::new(Preferences::default()),
                notice,
                failing: Mutex::default(),
                opened: Opened::Fresh,
            }),
        }
    }

    /// The store in `dir`, created if need be. Never fails: what cannot be used is said in
    /// the log and in [`Store::notice`], and the state is then kept in memory.
    /// [`Store::opened`] says how the file was found.
    pub fn open(dir: &Path) -> Self {
        match file::open_file(dir) {
            Ok(file::OpenFile {
                connection,
                contents: (state, preferences),
                opened,
                lock,
            }) => {
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
                Self {
                    inner: Arc::new(Inner {
                        db: Some(Mutex::new(connection)),
                        _lock: Some(lock),
                        state: Mutex::new(state),
                        preferences: Mutex::new(preferences),
                        notice,
                        failing: Mutex::default(),
                        opened,
                    }),
                }
            }
            Err(err) => {
                tracing::warn!(%err, "keeping the page's state in memory for this run");
                let notice = format!("Changes will not be kept after this run: {err}.");
                Self::memory(Some(notice))
            }
        }
    }

    /// What the file in `dir` holds, read without opening it for writing, nor migrating or
    /// moving it: for tests and tools that look at a store another process keeps.
    pub fn peek(dir: &Path) -> Result<Option<PageState>, StoreError> {
        Ok(page_row::read(&file::open_read_only(dir)?)?)
    }

    /// The preferences in `dir`'s file, read as [`Store::peek`] reads the state.
    pub fn peek_preferences(dir: &Path) -> Result<Preferences, StoreError> {
        Ok(preferences::read(&file::open_read_only(dir)?)?)
    }

    /// How the file was found when the store opened: fresh (or in memory), as the user
    /// left it, or damaged and moved aside.
    pub fn opened(&self) -> &Opened {
        &self.inner.opened
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

    /// Records an input and its answer together, in one write: a roundtrip no tab typed (a
    /// deep link), which must never be kept half.
    pub async fn save_roundtrip(&self, input: String, output: String) -> Result<bool, StoreError> {
        self.update(move |current| {
            current.input = input;
            current.output = output;
        })
        .await
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

    /// Keeps the settings the page shows: whether updates are checked at every launch, and
    /// whether the app starts at login. Returns whether anything changed.
    pub async fn save_settings(&self, settings: Settings) -> Result<bool, StoreError> {
        self.update_preferences(move |current| {
            current.update_checks = Some(if settings.automatic_updates {
                UpdateChecks::Automatic
            } else {
                UpdateChecks::NotNow
            });
            current.start_at_login = settings.start_at_login;
            current.keep_in_tray = settings.keep_in_tray;
        })
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
        write_through(
            inner,
            |inner| &inner.preferences,
            change,
            preferences::write,
        )
        .await
    }

    async fn update(
        &self,
        change: impl FnOnce(&mut PageState) + Send + 'static,
    ) -> Result<bool, StoreError> {
        write_through(
            self.inner.clone(),
            |inner| &inner.state,
            change,
            page_row::write,
        )
        .await
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

#[cfg(test)]
mod tests;
