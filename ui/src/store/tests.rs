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
    let (store, opened) = Store::open(dir.path());
    assert_eq!(opened, Opened::Fresh);
    assert!(store.is_persistent() && store.notice().is_none());
    assert_eq!(store.state(), PageState::default());
    store.save(state("héllo")).await.unwrap();
    store.save_target("later".into()).await.unwrap();
    drop(store);

    let (again, opened) = Store::open(dir.path());
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
async fn another_directory_starts_empty() {
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    Store::open(one.path()).0.save(state("one")).await.unwrap();
    assert_eq!(Store::open(two.path()).0.state(), PageState::default());
}

#[test]
fn the_file_is_in_write_ahead_mode_and_private() {
    let dir = tempfile::tempdir().unwrap();
    let (_store, _) = Store::open(dir.path());
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
    let (store, opened) = Store::open(dir.path());
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
        let (store, _) = Store::open(dir.path());
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

    let (store, opened) = Store::open(dir.path());
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
    let (store, opened) = Store::open(dir.path());
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
    let (store, opened) = Store::open(&home.path().join("a-file/data"));
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
    let (store, opened) = Store::open(dir.path());
    assert_eq!(opened, Opened::Existing);
    assert_eq!(store.state().input, "typed before an upgrade");
    assert!(!store.state().show);
    assert_eq!(store.preferences(), Preferences::default(), "not asked yet");
}

#[tokio::test]
async fn the_answers_are_kept_beside_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path());
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
    let (again, _) = Store::open(dir.path());
    assert_eq!(
        again.preferences(),
        Preferences {
            update_checks: Some(UpdateChecks::Automatic),
            last_version: Some("0.1.0".into()),
        }
    );
    assert_eq!(again.state().input, "kept", "the page's state is untouched");
    again
        .save_update_checks(UpdateChecks::NotNow)
        .await
        .unwrap();
    drop(again);
    assert_eq!(
        Store::open(dir.path()).0.preferences().update_checks,
        Some(UpdateChecks::NotNow)
    );
}

#[tokio::test]
async fn two_servers_on_one_directory_do_not_corrupt_it() {
    let dir = tempfile::tempdir().unwrap();
    let (one, _) = Store::open(dir.path());
    let (two, _) = Store::open(dir.path());
    let writes = (0..50).map(|i| {
        let store = if i % 2 == 0 { one.clone() } else { two.clone() };
        tokio::spawn(async move { store.save(state(&format!("{i}"))).await })
    });
    for write in writes {
        write.await.unwrap().unwrap();
    }
    drop((one, two));
    let (again, opened) = Store::open(dir.path());
    assert_eq!(opened, Opened::Existing, "still a sound database");
    assert!(again.state().input.parse::<u32>().is_ok());
}
