//! The one place where databases are opened: pragmas, `user_version` and migrations.

use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

pub mod crypt;
pub mod user;

/// Pragmas every connection gets. `temp_store=MEMORY` because Android has no usable temp dir.
fn apply_pragmas(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

/// A schema that knows how to create itself and upgrade from each older version, one step at a time.
pub trait Schema {
    const NAME: &'static str;
    const VERSION: i64;
    /// Page size of a new database; None keeps SQLite's default.
    const PAGE_SIZE: Option<u32> = None;
    /// Brings the database from `from` to `from + 1`. Version 0 is an empty file.
    fn upgrade_from(conn: &Connection, from: i64) -> Result<()>;
}

pub fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Runs every pending `upgrade_from` step, each in its own transaction with its version bump.
pub fn migrate<S: Schema>(conn: &mut Connection) -> Result<()> {
    let mut current = user_version(conn)?;
    if current > S::VERSION {
        return Err(Error::SchemaTooNew {
            what: S::NAME,
            found: current,
            known: S::VERSION,
        });
    }
    while current < S::VERSION {
        let tx = conn.transaction()?;
        S::upgrade_from(&tx, current)?;
        tx.pragma_update(None, "user_version", current + 1)?;
        tx.commit()?;
        current += 1;
    }
    Ok(())
}

/// Opens (creating if needed) a read-write database with our pragmas and schema.
pub fn open<S: Schema>(path: &Path) -> Result<Connection> {
    open_with::<S>(path, |_| Ok(()))
}

/// Like [`open`], with `prepare` run on the connection before the migrations (SQL functions they use).
pub fn open_with<S: Schema>(
    path: &Path,
    prepare: impl FnOnce(&mut Connection) -> Result<()>,
) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    if let Some(size) = S::PAGE_SIZE {
        // Only takes effect on a new, empty file, before WAL is turned on.
        if user_version(&conn)? == 0 {
            conn.pragma_update(None, "page_size", size)?;
        }
    }
    apply_pragmas(&conn)?;
    prepare(&mut conn)?;
    migrate::<S>(&mut conn)?;
    Ok(conn)
}

/// Opens an existing database read-only (searches, and readers beside a writer).
pub fn open_read_only(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Read through a memory map: the catalogue is read, never written, and large values (the saved search
    // index) come without a read() per page.
    conn.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TwoSteps;
    impl Schema for TwoSteps {
        const NAME: &'static str = "test";
        const VERSION: i64 = 2;
        fn upgrade_from(conn: &Connection, from: i64) -> Result<()> {
            match from {
                0 => conn.execute_batch("CREATE TABLE a(x);")?,
                1 => conn.execute_batch("ALTER TABLE a ADD COLUMN y;")?,
                _ => unreachable!("no step from {from}"),
            }
            Ok(())
        }
    }

    #[test]
    fn migrate_runs_each_step_once_and_sets_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = open::<TwoSteps>(&path).unwrap();
        assert_eq!(user_version(&conn).unwrap(), 2);
        conn.execute("INSERT INTO a(x, y) VALUES (1, 2)", [])
            .unwrap();
        drop(conn);
        // Reopening must not re-run steps (CREATE TABLE would fail).
        let conn = open::<TwoSteps>(&path).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM a", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        let wal: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(wal, "wal");
    }

    #[test]
    fn newer_database_is_refused_not_touched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 9).unwrap();
        drop(conn);
        let err = open::<TwoSteps>(&path).unwrap_err();
        assert!(matches!(err, Error::SchemaTooNew { found: 9, .. }), "{err}");
    }
}
