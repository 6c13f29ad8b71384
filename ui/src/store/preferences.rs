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

/// The settings the page shows, as the user sets them there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Check for updates at every launch.
    pub automatic_updates: bool,
    /// Start the app when the user logs in.
    pub start_at_login: bool,
    /// Keep running in the tray when the window is closed. Only a page whose app has a tray
    /// offers it, and sends it.
    #[serde(default)]
    pub keep_in_tray: bool,
}

impl Preferences {
    /// The settings as the page shows them: updates are not checked until the user says so.
    pub fn settings(&self) -> Settings {
        Settings {
            automatic_updates: self.update_checks == Some(UpdateChecks::Automatic),
            start_at_login: self.start_at_login,
            keep_in_tray: self.keep_in_tray,
        }
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
    /// Whether the desktop app starts when the user logs in; the shell keeps the system's
    /// autostart entry in step with it.
    pub start_at_login: bool,
    /// Whether closing the window leaves the app running in the tray.
    pub keep_in_tray: bool,
}

pub(super) fn read(connection: &Connection) -> rusqlite::Result<Preferences> {
    let row = connection
        .query_row(
            "SELECT update_checks, last_version, start_at_login, keep_in_tray
             FROM preferences WHERE id = 1",
            [],
            |row| {
                Ok((
                    row.get::<_, Option<String>>(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                ))
            },
        )
        .optional()?;
    let Some((update_checks, last_version, start_at_login, keep_in_tray)) = row else {
        return Ok(Preferences::default());
    };
    Ok(Preferences {
        update_checks: update_checks.as_deref().and_then(UpdateChecks::parse),
        last_version,
        start_at_login,
        keep_in_tray,
    })
}

pub(super) fn write(connection: &Connection, preferences: &Preferences) -> rusqlite::Result<()> {
    let update_checks = preferences.update_checks.map(UpdateChecks::as_str);
    connection.execute(
        "INSERT INTO preferences (id, update_checks, last_version, start_at_login, keep_in_tray)
         VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET
            update_checks = ?1, last_version = ?2, start_at_login = ?3, keep_in_tray = ?4",
        params![
            update_checks,
            preferences.last_version,
            preferences.start_at_login,
            preferences.keep_in_tray
        ],
    )?;
    Ok(())
}
