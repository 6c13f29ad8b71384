use super::*;

fn state(input: &str) -> PageState {
    PageState {
        input: input.to_owned(),
        output: format!("Your input: {input}"),
        show: false,
        target: "2026-11-30 10:00:00".to_owned(),
    }
}

#[tokio::test]
async fn what_is_saved_is_there_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    let opened = store.opened().clone();
    assert_eq!(opened, Opened::Fresh);
    assert!(store.is_persistent() && store.notice().is_none());
    assert_eq!(store.state(), PageState::default());
    store.save(state("héllo")).await.unwrap();
    store.save_target("later".into()).await.unwrap();
    drop(store);
    // As a test or a tool reads another process's store.
    assert_eq!(
        Store::peek(dir.path()).unwrap(),
        Some(PageState {
            target: "later".into(),
            ..state("héllo")
        })
    );

    let again = Store::open(dir.path());
    let opened = again.opened().clone();
    assert_eq!(opened, Opened::Existing);
    assert_eq!(
        again.state(),
        PageState {
            target: "later".into(),
            ..state("héllo")
        }
    );
}

#[tokio::test]
async fn a_missing_data_directory_is_made_and_kept() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("new/data");
    let store = Store::open(&dir);
    assert!(store.is_persistent(), "{:?}", store.notice());
    store.save(state("kept")).await.unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
    drop(store);
    assert_eq!(Store::open(&dir).state(), state("kept"));
}

#[tokio::test]
async fn another_directory_starts_empty() {
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    Store::open(one.path()).save(state("one")).await.unwrap();
    assert_eq!(Store::open(two.path()).state(), PageState::default());
}

#[test]
fn the_file_is_in_write_ahead_mode_and_private() {
    let dir = tempfile::tempdir().unwrap();
    let _store = Store::open(dir.path());
    let connection = Connection::open(dir.path().join(FILE_NAME)).unwrap();
    let mode: String = connection
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(dir.path()), 0o700);
        assert_eq!(mode(&dir.path().join(FILE_NAME)), 0o600);
    }
}

#[test]
fn a_file_that_is_not_a_database_is_moved_aside_not_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    std::fs::write(&path, "not a database, but the user's file all the same").unwrap();
    let store = Store::open(dir.path());
    let opened = store.opened().clone();
    let Opened::MovedAside(moved) = opened else {
        panic!("{opened:?}");
    };
    assert_eq!(moved.parent(), Some(dir.path()), "beside the original");
    assert!(
        moved
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("state.sqlite3.damaged-")
    );
    assert_eq!(
        std::fs::read_to_string(&moved).unwrap(),
        "not a database, but the user's file all the same"
    );
    assert!(store.is_persistent(), "a fresh file took its place");
    assert!(store.notice().unwrap().contains("damaged"));
}

#[tokio::test]
async fn a_corrupt_database_is_moved_aside_not_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    {
        let store = Store::open(dir.path());
        store
            .save(state("x".repeat(20_000).as_str()))
            .await
            .unwrap();
    }
    // Checkpointed into the main file, then a page in the middle of it overwritten.
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "journal_mode", "DELETE")
        .unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 8192, "{} bytes", bytes.len());
    bytes[4096..8192].fill(0xA5);
    std::fs::write(&path, &bytes).unwrap();

    let store = Store::open(dir.path());
    let opened = store.opened().clone();
    let Opened::MovedAside(moved) = opened else {
        panic!("{opened:?}");
    };
    assert_eq!(std::fs::read(&moved).unwrap(), bytes, "kept byte for byte");
    assert_eq!(store.state(), PageState::default());
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    {
        let connection = Connection::open(&path).unwrap();
        connection
            .pragma_update(None, "user_version", migrations::count() as i64 + 1)
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let store = Store::open(dir.path());
    let opened = store.opened().clone();
    assert_eq!(opened, Opened::Fresh);
    assert!(!store.is_persistent(), "kept in memory");
    let notice = store.notice().unwrap();
    assert!(
        notice.contains("newer version") && notice.contains(FILE_NAME),
        "{notice}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before, "left as it was");
}

#[cfg(unix)]
#[tokio::test]
async fn an_unwritable_directory_keeps_the_state_in_memory_and_says_so() {
    // Under a file, no directory can be made, not even by root.
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("a-file"), "").unwrap();
    let store = Store::open(&home.path().join("a-file/data"));
    let opened = store.opened().clone();
    assert_eq!(opened, Opened::Fresh);
    assert!(!store.is_persistent());
    assert!(store.notice().unwrap().contains("will not be kept"));
    store.save(state("kept for this run")).await.unwrap();
    assert_eq!(store.state().input, "kept for this run");
}

/// A file from the first schema, as its version wrote it, opens with what it held.
#[test]
fn a_file_of_the_first_schema_migrates_with_its_state() {
    let dir = tempfile::tempdir().unwrap();
    let connection = Connection::open(dir.path().join(FILE_NAME)).unwrap();
    connection
        .execute_batch(include_str!("fixtures/schema-1.sql"))
        .unwrap();
    drop(connection);
    let store = Store::open(dir.path());
    let opened = store.opened().clone();
    assert_eq!(opened, Opened::Existing);
    assert_eq!(store.state().input, "typed before an upgrade");
    assert!(!store.state().show);
    assert_eq!(store.preferences(), Preferences::default(), "not asked yet");
}

/// A file from the second schema keeps its answer about updates, and starts with the app not
/// starting at login.
#[test]
fn a_file_of_the_second_schema_migrates_with_its_answers() {
    let dir = tempfile::tempdir().unwrap();
    let connection = Connection::open(dir.path().join(FILE_NAME)).unwrap();
    connection
        .execute_batch(include_str!("fixtures/schema-2.sql"))
        .unwrap();
    drop(connection);
    let store = Store::open(dir.path());
    assert_eq!(store.opened().clone(), Opened::Existing);
    assert_eq!(store.state().input, "typed before settings");
    let preferences = store.preferences();
    assert_eq!(preferences.update_checks, Some(UpdateChecks::NotNow));
    assert_eq!(preferences.last_version.as_deref(), Some("0.1.0"));
    assert!(!preferences.start_at_login && !preferences.keep_in_tray);
}

#[tokio::test]
async fn the_settings_are_kept_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    assert_eq!(store.preferences().settings(), Settings::default());
    let on = Settings {
        automatic_updates: true,
        start_at_login: true,
        keep_in_tray: true,
    };
    assert!(store.save_settings(on).await.unwrap());
    assert!(!store.save_settings(on).await.unwrap(), "nothing changed");
    drop(store);
    let store = Store::open(dir.path());
    assert_eq!(store.preferences().settings(), on);
    assert_eq!(
        store.preferences().update_checks,
        Some(UpdateChecks::Automatic)
    );
}

#[tokio::test]
async fn the_answers_are_kept_beside_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    store.save(state("kept")).await.unwrap();
    assert!(
        store
            .save_update_checks(UpdateChecks::Automatic)
            .await
            .unwrap()
    );
    assert!(
        !store
            .save_update_checks(UpdateChecks::Automatic)
            .await
            .unwrap()
    );
    store.save_last_version("0.1.0".into()).await.unwrap();
    drop(store);
    let again = Store::open(dir.path());
    assert_eq!(
        again.preferences(),
        Preferences {
            update_checks: Some(UpdateChecks::Automatic),
            last_version: Some("0.1.0".into()),
            start_at_login: false,
            keep_in_tray: false,
        }
    );
    assert_eq!(again.state().input, "kept", "the page's state is untouched");
    again
        .save_update_checks(UpdateChecks::NotNow)
        .await
        .unwrap();
    drop(again);
    assert_eq!(
        Store::open(dir.path()).preferences().update_checks,
        Some(UpdateChecks::NotNow)
    );
}

/// What another local user could plant in a data directory, each refused before it is
/// opened: the state is kept in memory, the notice says why, and nothing outside the
/// directory changes.
#[cfg(unix)]
mod planted {
    use super::{
        file::{SHM, WAL},
        *,
    };
    use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};

    fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path).unwrap().mode() & 0o7777
    }

    fn refused(dir: &Path, says: &str) {
        let store = Store::open(dir);
        assert!(!store.is_persistent(), "{} was used", dir.display());
        let notice = store.notice().unwrap_or_default();
        assert!(notice.contains(says), "the notice says {notice:?}");
    }

    /// A file of the user's elsewhere, which a link in the data directory points at.
    fn users_notes(home: &Path) -> PathBuf {
        let notes = home.join("notes.txt");
        std::fs::write(&notes, "the user's notes").unwrap();
        std::fs::set_permissions(&notes, std::fs::Permissions::from_mode(0o644)).unwrap();
        notes
    }

    #[test]
    fn a_symlinked_file_or_journal_is_refused_and_its_target_left_alone() {
        let home = tempfile::tempdir().unwrap();
        let notes = users_notes(home.path());
        for name in [FILE_NAME, WAL, SHM] {
            let data = tempfile::tempdir().unwrap();
            symlink(&notes, data.path().join(name)).unwrap();
            refused(data.path(), "is a symbolic link");
            assert_eq!(mode(&notes), 0o644, "{name}");
            assert_eq!(std::fs::read_to_string(&notes).unwrap(), "the user's notes");
        }
        // A dangling link: nothing is created where it points.
        let data = tempfile::tempdir().unwrap();
        let nowhere = home.path().join("chosen-by-someone-else");
        symlink(&nowhere, data.path().join(FILE_NAME)).unwrap();
        refused(data.path(), "is a symbolic link");
        assert!(!nowhere.exists());
    }

    #[test]
    fn a_hard_linked_file_is_refused() {
        let elsewhere = tempfile::tempdir().unwrap();
        let theirs = elsewhere.path().join("theirs.sqlite3");
        std::fs::write(&theirs, "").unwrap();
        let data = tempfile::tempdir().unwrap();
        std::fs::hard_link(&theirs, data.path().join(FILE_NAME)).unwrap();
        refused(data.path(), "hard links");
        assert_eq!(
            std::fs::metadata(&theirs).unwrap().len(),
            0,
            "nothing written"
        );
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let data = tempfile::tempdir().unwrap();
        let made = std::process::Command::new("mkfifo")
            .args(["-m", "600"])
            .arg(data.path().join(FILE_NAME))
            .status()
            .unwrap();
        assert!(made.success());
        // Were it opened for reading, this would never return.
        refused(data.path(), "not a regular file");
    }

    #[test]
    fn a_directory_others_may_write_is_refused_and_left_as_it_is() {
        let parent = tempfile::tempdir().unwrap();
        let data = parent.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o777)).unwrap();
        refused(&data, "other users may write");
        assert_eq!(mode(&data), 0o777, "not chmod-ed into use");
        assert!(!data.join(FILE_NAME).exists());

        // Under a directory others may write, without the sticky bit.
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::set_permissions(parent.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        refused(&data, "may be changed by another user");
    }

    /// Root included: a root server does not take over another user's directory (one made
    /// first, in the shared temporary directory, by someone else).
    #[test]
    #[ignore = "needs root, to give files to another user"]
    fn another_users_directory_or_file_is_refused() {
        let nobody = Some(rustix::process::Uid::from_raw(65_534));
        let data = tempfile::tempdir().unwrap();
        let theirs = data.path().join("theirs");
        std::fs::create_dir(&theirs).unwrap();
        rustix::fs::chown(&theirs, nobody, None).unwrap();
        std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o755)).unwrap();
        refused(&theirs, "belongs to another user");
        assert_eq!(std::fs::metadata(&theirs).unwrap().uid(), 65_534);
        assert_eq!(mode(&theirs), 0o755, "not chmod-ed into use");
        assert!(!theirs.join(FILE_NAME).exists());

        let mine = tempfile::tempdir().unwrap();
        std::fs::write(mine.path().join(FILE_NAME), "").unwrap();
        rustix::fs::chown(mine.path().join(FILE_NAME), nobody, None).unwrap();
        refused(mine.path(), "belongs to another user");
    }
}

/// Each server keeps the row in memory: two on one directory would overwrite each other's
/// saves. The second is refused the directory, says why, and keeps its state in memory.
#[test]
fn a_second_server_on_the_directory_is_refused_until_the_first_has_gone() {
    let dir = tempfile::tempdir().unwrap();
    let first = Store::open(dir.path());
    assert!(first.is_persistent());
    let second = Store::open(dir.path());
    assert!(!second.is_persistent());
    let notice = second.notice().unwrap();
    assert!(
        notice.contains("another server is already using")
            && notice.contains("one server at a time"),
        "{notice}"
    );
    drop(first);
    let third = Store::open(dir.path());
    assert!(third.is_persistent(), "the lock goes with the server");
}
