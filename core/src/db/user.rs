//! The user database: favourites, saved searches, chat, settings. Never deleted, never replaced by a
//! catalogue update: every schema change is an `upgrade_from` step, tested from a frozen copy of each
//! older version.

use super::Schema;
use crate::error::{Error, Result};
use rusqlite::Connection;

pub struct UserSchema;

impl Schema for UserSchema {
    const NAME: &'static str = "utilisateur";
    const VERSION: i64 = 1;
    fn upgrade_from(conn: &Connection, from: i64) -> Result<()> {
        match from {
            0 => conn.execute_batch(
                "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
            )?,
            _ => {
                return Err(Error::Invalid(format!(
                    "pas de migration depuis la version {from}"
                )))
            }
        }
        Ok(())
    }
}

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
        assert_eq!(crate::db::user_version(&conn).unwrap(), 1);
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
}
