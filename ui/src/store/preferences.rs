//! What the app remembers beside the page, as one row of `preferences`.

use rusqlite::{Connection, OptionalExtension, params};

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

pub(super) fn read(connection: &Connection) -> rusqlite::Result<Preferences> {
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

pub(super) fn write(connection: &Connection, preferences: &Preferences) -> rusqlite::Result<()> {
    let update_checks = preferences.update_checks.map(UpdateChecks::as_str);
    connection.execute(
        "INSERT INTO preferences (id, update_checks, last_version) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET update_checks = ?1, last_version = ?2",
        params![update_checks, preferences.last_version],
    )?;
    Ok(())
}
