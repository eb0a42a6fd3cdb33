//! The user database: favourites, saved searches, chat, settings. Never deleted, never replaced by a
//! catalogue update: every schema change is an `upgrade_from` step, tested from a frozen copy of each
//! older version.

use super::Schema;
use crate::error::{Error, Result};
use rusqlite::Connection;

pub struct UserSchema;

impl Schema for UserSchema {
    const NAME: &'static str = "utilisateur";
    const VERSION: i64 = 3;
    fn upgrade_from(conn: &Connection, from: i64) -> Result<()> {
        match from {
            0 => conn.execute_batch(
                "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
            )?,
            // 1 → 2 is the favourites step (h-fav branch); empty here until the merge.
            1 => {}
            2 => conn.execute_batch(CHAT_V3)?,
            _ => {
                return Err(Error::Invalid(format!(
                    "pas de migration depuis la version {from}"
                )))
            }
        }
        Ok(())
    }
}

/// Step 2 → 3: the advisor chat (core::chat::store). Messages and outbox share one table: a local
/// echo is the message. Created whatever the build's features, so a database moves between builds.
const CHAT_V3: &str = "
CREATE TABLE chat_message (
    local_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    pos          INTEGER NOT NULL,
    event_id     TEXT UNIQUE,
    txn_id       TEXT UNIQUE,
    outgoing     INTEGER NOT NULL,
    sender       TEXT NOT NULL,
    sender_name  TEXT,
    body         TEXT NOT NULL,
    card         TEXT,
    ts           INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed', 'received')),
    read         INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL DEFAULT 0,
    error        TEXT
);
CREATE INDEX chat_message_pos ON chat_message(pos);
CREATE INDEX chat_message_outbox ON chat_message(pos) WHERE state = 'sending';
CREATE TABLE chat_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

/// Opens (creating or upgrading) the user database.
pub fn open(path: &std::path::Path) -> Result<Connection> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    super::open::<UserSchema>(path)
}

pub fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO setting(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

pub fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Version 0 is an empty file (a first start); its upgrade must give a working v1.
    #[test]
    fn upgrade_from_0_creates_settings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("user.db");
        std::fs::write(&path, b"").unwrap();
        let conn = open(&path).unwrap();
        assert_eq!(crate::db::user_version(&conn).unwrap(), UserSchema::VERSION);
        set_setting(&conn, "locale", "fr").unwrap();
        set_setting(&conn, "locale", "fr-FR").unwrap();
        assert_eq!(setting(&conn, "locale").unwrap().as_deref(), Some("fr-FR"));
        assert_eq!(setting(&conn, "absent").unwrap(), None);
    }

    #[test]
    fn user_data_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/user.db");
        set_setting(&open(&path).unwrap(), "k", "v").unwrap();
        assert_eq!(
            setting(&open(&path).unwrap(), "k").unwrap().as_deref(),
            Some("v")
        );
    }

    /// A frozen version-1 database (settings only) with data reaches the chat schema and keeps it.
    #[test]
    fn upgrade_from_frozen_v1_adds_chat_tables() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("user.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO setting VALUES ('locale', 'fr');
             PRAGMA user_version = 1;",
        )
        .unwrap();
        drop(conn);
        let conn = open(&path).unwrap();
        assert_eq!(setting(&conn, "locale").unwrap().as_deref(), Some("fr"));
        conn.execute(
            "INSERT INTO chat_message(pos, outgoing, sender, body, ts, state)
             VALUES (1, 1, '@a:b', 'x', 0, 'sending')",
            [],
        )
        .unwrap();
        assert!(conn
            .execute(
                "INSERT INTO chat_message(pos, outgoing, sender, body, ts, state)
                 VALUES (2, 1, '@a:b', 'x', 0, 'bogus')",
                [],
            )
            .is_err());
        conn.execute("INSERT INTO chat_state VALUES ('room_id', '!r')", [])
            .unwrap();
    }
}
