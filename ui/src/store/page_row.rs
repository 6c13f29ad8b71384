//! The page's row: what the page shows, as one row of `page_state`.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

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

/// The page's row, each text clipped to the limit a save is held to (in characters, as
/// SQLite's `substr` counts them): a file that another program wrote, or an older version,
/// may hold more, and all of it would be sent with every page.
pub(super) fn read(connection: &Connection) -> rusqlite::Result<Option<PageState>> {
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

pub(super) fn write(connection: &Connection, state: &PageState) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT INTO page_state (id, input, output, show, target) VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET input = ?1, output = ?2, show = ?3, target = ?4",
        params![state.input, state.output, state.show, state.target],
    )?;
    Ok(())
}
