//! The user database: favourites, saved searches, chat, settings. Never deleted, never replaced by a
//! catalogue update: every schema change is an `upgrade_from` step, tested from a frozen copy of each
//! older version.

use super::crypt::{self, UserKey};
use super::Schema;
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension};

pub struct UserSchema;

impl Schema for UserSchema {
    const NAME: &'static str = "utilisateur";
    const VERSION: i64 = 5;
    fn upgrade_from(conn: &Connection, from: i64) -> Result<()> {
        match from {
            0 => conn.execute_batch(
                "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
            )?,
            1 => conn.execute_batch(include_str!("../favourites/user_v2.sql"))?,
            2 => conn.execute_batch(CHAT_V3)?,
            3 => conn.execute_batch(include_str!("../discover/user_v4.sql"))?,
            4 => conn.execute_batch(SEAL_V5)?,
            _ => {
                return Err(Error::Corrupt(format!(
                    "base personnelle en version {from} inconnue : pas de migration"
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

/// Step 4 → 5: the personal fields sealed in place (core::db::crypt), in this step's one transaction, and
/// the key's check value written. What orders, joins or is a catalogue id stays plain (docs/privacy.md).
const SEAL_V5: &str = "
UPDATE favourite SET note = seal('favourite.note', note), status = seal('favourite.status', status);
UPDATE favourite_tag SET tag = seal('favourite_tag.tag', tag);
UPDATE saved_search SET name = seal('saved_search.name', name), query = seal('saved_search.query', query);
UPDATE chat_message SET body = seal('chat_message.body', body), card = seal('chat_message.card', card);
UPDATE discover_answer SET answer = seal('discover_answer.answer', answer);
INSERT INTO setting(key, value) VALUES ('personal_key_check', seal('setting.personal_key_check', 'orientation'))
    ON CONFLICT(key) DO UPDATE SET value = excluded.value;
";

/// The first version whose personal fields are sealed.
const SEALED_VERSION: i64 = 5;
const KEY_CHECK: &str = "orientation";

/// Whether `key` opens the check value sealed with the database's key. A missing check counts as a
/// mismatch (nothing proves the key).
fn key_matches(conn: &Connection) -> Result<bool> {
    let opened = conn
        .query_row(
            "SELECT unseal('setting.personal_key_check', value) FROM setting WHERE key = 'personal_key_check'",
            [],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional();
    match opened {
        Ok(Some(Some(text))) => Ok(text == KEY_CHECK),
        Ok(_) => Ok(false),
        Err(e) if crypt::crypt_error(&e).is_some() => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Empties the personal tables (unreadable with this key) and seals a new check value, in one
/// transaction; settings are kept.
fn start_personal_data_afresh(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for table in PERSONAL_TABLES {
        tx.execute(&format!("DELETE FROM \"{table}\""), [])?;
    }
    tx.execute(
        "INSERT INTO setting(key, value) VALUES ('personal_key_check', seal('setting.personal_key_check', ?1))
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [KEY_CHECK],
    )?;
    tx.commit()?;
    Ok(())
}

/// Opens (creating or upgrading) the user database, its personal fields sealed with `key`.
///
/// A plain database of an older version is sealed in place (one transaction), then vacuumed so no page
/// keeps the old text. A database sealed with another key (the key was lost) has its personal tables
/// emptied and this open returns [`Error::PersonalDataReset`], once: the next open succeeds.
pub fn open(path: &std::path::Path, key: &UserKey) -> Result<Connection> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let mut sealing = false;
    let mut reset = false;
    let conn = super::open_with::<UserSchema>(path, |conn| {
        crypt::install(conn, key)?;
        // Freed space is zeroed: a deleted or rewritten personal field leaves no old text in the file.
        conn.pragma_update(None, "secure_delete", "ON")?;
        let version = super::user_version(conn)?;
        if version >= SEALED_VERSION {
            if !key_matches(conn)? {
                start_personal_data_afresh(conn)?;
                reset = true;
            }
        } else if version > 0 {
            sealing = true;
        }
        Ok(())
    })?;
    if sealing || reset {
        // The plain text of before may still lie in free pages and in the WAL: rewrite the file, then
        // empty the WAL. A reader elsewhere can keep the WAL busy; it is emptied at a later checkpoint.
        if sealing {
            conn.execute_batch("VACUUM")?;
        }
        let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    }
    if reset {
        return Err(Error::PersonalDataReset);
    }
    Ok(conn)
}

/// What "delete all my data" empties, children before parents, in one transaction. A module that adds a
/// table of the user's own data (chat history, ...) lists it here; a test fails while a table of the user
/// database is in neither this list nor `KEPT_TABLES`.
pub const PERSONAL_TABLES: &[&str] = &[
    "favourite_tag",
    "favourite",
    "saved_search_result",
    "saved_search_session",
    "saved_search",
    "chat_message",
    "chat_state",
    "discover_answer",
    "discover_profile",
];

/// Tables "delete all my data" keeps: app preferences, not the person's data.
pub const KEPT_TABLES: &[&str] = &["setting"];

/// Deletes every row of `PERSONAL_TABLES` in one transaction: all or nothing. `secure_delete` overwrites
/// the freed pages so the deleted notes cannot be read back from the file.
pub fn delete_all_my_data(conn: &mut Connection) -> Result<()> {
    conn.pragma_update(None, "secure_delete", "ON")?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for table in PERSONAL_TABLES {
        tx.execute(&format!("DELETE FROM \"{table}\""), [])?;
    }
    tx.commit()?;
    // Also drop the old pages from the WAL; a reader elsewhere may keep it busy, then it goes later.
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    Ok(())
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
mod tests;
