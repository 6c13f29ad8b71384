//! The store's schema, one migration at a time. SQLite's `user_version` says how many have
//! run, so a file from any earlier version is brought up to date when it is opened.
//!
//! To change the schema, add a migration at the end (never edit one that has shipped), and a
//! fixture of the schema before it under `fixtures/`, which a test migrates.

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

const MIGRATIONS: &[M<'static>] = &[
    // 1: the page's state, one row.
    M::up(
        "CREATE TABLE page_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            input TEXT NOT NULL,
            output TEXT NOT NULL,
            show INTEGER NOT NULL,
            target TEXT NOT NULL
        );",
    ),
    // 2: the user's answers beside the page, one row; NULL is "not asked yet".
    M::up(
        "CREATE TABLE preferences (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            update_checks TEXT CHECK (update_checks IN ('automatic', 'not-now')),
            last_version TEXT
        );",
    ),
    // 3: the desktop app's settings, "Start when I log in" and "Keep running in the tray",
    // off until the user turns them on.
    M::up(
        "ALTER TABLE preferences ADD COLUMN
            start_at_login INTEGER NOT NULL DEFAULT 0 CHECK (start_at_login IN (0, 1));
         ALTER TABLE preferences ADD COLUMN
            keep_in_tray INTEGER NOT NULL DEFAULT 0 CHECK (keep_in_tray IN (0, 1));",
    ),
];

/// How many migrations this version knows: a file with a higher `user_version` is newer.
pub fn count() -> usize {
    MIGRATIONS.len()
}

pub fn run(connection: &mut Connection) -> Result<(), rusqlite_migration::Error> {
    Migrations::from_slice(MIGRATIONS).to_latest(connection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrations_are_valid() {
        Migrations::from_slice(MIGRATIONS).validate().unwrap();
    }
}
