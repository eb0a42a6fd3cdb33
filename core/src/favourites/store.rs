//! The favourites store over the user database: one writer connection behind a mutex (so the UI and a
//! background update never write at once in this process), a small pool of reader connections (WAL lets
//! them read while the writer writes), and `BEGIN IMMEDIATE` for every write, so a write waits for the
//! lock up front (busy timeout) instead of failing half-way with "database is locked" when another
//! process or store wrote meanwhile.

use super::items;
use super::{
    clean_note, clean_tag, now, Favourite, ItemKind, ItemRef, ListFilter, Snapshot, Status,
    MAX_TAGS,
};
use crate::catalogue::Catalogue;
use crate::db;
use crate::db::crypt::UserKey;
use crate::error::{Error, Refusal, Result};
use crate::search::Hit;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Readers kept open between calls; more are opened when threads read at once, then closed.
const POOL: usize = 4;

pub struct Store {
    path: PathBuf,
    key: UserKey,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

/// A poisoned lock only means another thread panicked while holding it; SQLite rolled its transaction
/// back, so the connection is still sound.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn not_found(item: &ItemRef) -> Error {
    not_favourite(&item.id)
}

fn not_favourite(id: &str) -> Error {
    Refusal::NotFavourite(crate::error::echo(id)).into()
}

/// Deletes the favourite of `item`; false when there was none.
fn delete(conn: &Connection, item: &ItemRef) -> Result<bool> {
    Ok(conn.execute(
        "DELETE FROM favourite WHERE kind = ?1 AND item_id = ?2",
        params![item.kind.as_str(), item.id],
    )? > 0)
}

fn no_status() -> Error {
    Refusal::StatusNotTraining.into()
}

/// What `add_with` sets besides adding.
#[derive(Debug, Clone, Default)]
pub struct Details<'a> {
    pub note: Option<&'a str>,
    pub status: Option<Status>,
    pub tags: &'a [&'a str],
}

/// Notes, statuses and tags are sealed (core::db::crypt): read through `unseal`, written through `seal`.
const FAV_COLS: &str = "f.id, f.kind, f.item_id, unseal('favourite.note', f.note),
    unseal('favourite.status', f.status), f.position, f.snapshot, f.created_at, f.updated_at,
    (SELECT group_concat(t, char(31)) FROM
        (SELECT unseal('favourite_tag.tag', tag) AS t FROM favourite_tag WHERE favourite = f.id
         ORDER BY t COLLATE NOCASE))";

/// The filter of `list` and `count`: status and tag compared once opened (sealed values differ each time).
const FILTER: &str = "(?1 IS NULL OR f.kind = ?1)
           AND (?2 IS NULL OR unseal('favourite.status', f.status) = ?2)
           AND (?3 IS NULL OR EXISTS (SELECT 1 FROM favourite_tag t WHERE t.favourite = f.id
                AND unseal('favourite_tag.tag', t.tag) = ?3 COLLATE NOCASE))";

fn favourite_from_row(r: &Row) -> rusqlite::Result<Favourite> {
    let kind: String = r.get(1)?;
    let item_id: String = r.get(2)?;
    let status: Option<String> = r.get(4)?;
    let snapshot: String = r.get(6)?;
    let tags: Option<String> = r.get(9)?;
    Ok(Favourite {
        id: r.get(0)?,
        kind: ItemKind::parse(&kind).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                rusqlite::types::Type::Text,
                "sorte de favori inconnue".into(),
            )
        })?,
        note: r.get(3)?,
        status: status
            .as_deref()
            .and_then(|s| Status::ALL.into_iter().find(|x| x.code() == s)),
        position: r.get(5)?,
        // An unreadable snapshot must not hide the favourite: show its id instead.
        snapshot: serde_json::from_str(&snapshot).unwrap_or_else(|_| Snapshot {
            title: item_id.clone(),
            ..Default::default()
        }),
        item_id,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
        tags: tags
            .map(|t| t.split('\u{1f}').map(str::to_string).collect())
            .unwrap_or_default(),
    })
}

pub(crate) fn get(conn: &Connection, item: &ItemRef) -> Result<Option<Favourite>> {
    Ok(conn
        .query_row(
            &format!("SELECT {FAV_COLS} FROM favourite f WHERE f.kind = ?1 AND f.item_id = ?2"),
            params![item.kind.as_str(), item.id],
            favourite_from_row,
        )
        .optional()?)
}

fn get_existing(conn: &Connection, item: &ItemRef) -> Result<Favourite> {
    get(conn, item)?.ok_or_else(|| not_found(item))
}

/// The favourite of `item`, added now with `snapshot` when it is not one yet; true when added.
fn get_or_add(conn: &Connection, item: &ItemRef, snapshot: &Snapshot) -> Result<(Favourite, bool)> {
    if let Some(existing) = get(conn, item)? {
        return Ok((existing, false));
    }
    let t = now();
    insert(
        conn,
        &NewFavourite {
            item,
            snapshot,
            note: None,
            status: None,
            tags: &[],
            created_at: t,
            updated_at: t,
        },
    )?;
    Ok((get_existing(conn, item)?, true))
}

fn row_id(conn: &Connection, item: &ItemRef) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM favourite WHERE kind = ?1 AND item_id = ?2",
        params![item.kind.as_str(), item.id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| not_found(item))
}

/// A favourite about to be inserted.
pub(crate) struct NewFavourite<'a> {
    pub item: &'a ItemRef,
    pub snapshot: &'a Snapshot,
    pub note: Option<&'a str>,
    pub status: Option<Status>,
    pub tags: &'a [String],
    pub created_at: i64,
    pub updated_at: i64,
}

/// Inserts a favourite at the end of the list; the caller has checked it is not there yet.
pub(crate) fn insert(conn: &Connection, new: &NewFavourite) -> Result<i64> {
    let NewFavourite {
        item,
        snapshot,
        note,
        status,
        tags,
        created_at,
        updated_at,
    } = *new;
    let snapshot = serde_json::to_string(snapshot).map_err(Error::Encode)?;
    conn.execute(
        "INSERT INTO favourite(kind, item_id, note, status, position, snapshot, created_at, updated_at)
         VALUES (?1, ?2, seal('favourite.note', ?3), seal('favourite.status', ?4),
                 (SELECT coalesce(max(position) + 1, 0) FROM favourite), ?5, ?6, ?7)",
        params![
            item.kind.as_str(),
            item.id,
            note,
            status.map(Status::code),
            snapshot,
            created_at,
            updated_at
        ],
    )?;
    let id = conn.last_insert_rowid();
    set_tags(conn, id, tags)?;
    Ok(id)
}

pub(crate) fn set_tags(conn: &Connection, id: i64, tags: &[String]) -> Result<()> {
    if tags.len() > MAX_TAGS {
        return Err(Refusal::TooManyTags { max: MAX_TAGS }.into());
    }
    conn.execute("DELETE FROM favourite_tag WHERE favourite = ?1", [id])?;
    let mut ins = conn.prepare_cached(
        "INSERT INTO favourite_tag(favourite, tag) VALUES (?1, seal('favourite_tag.tag', ?2))",
    )?;
    // Sealed tags never collide in the primary key: the same tag in any case is kept once here.
    let mut kept: Vec<String> = Vec::with_capacity(tags.len());
    for t in tags {
        let t = clean_tag(t)?;
        if !kept.iter().any(|k| k.eq_ignore_ascii_case(&t)) {
            ins.execute(params![id, t])?;
            kept.push(t);
        }
    }
    Ok(())
}

fn touch(conn: &Connection, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE favourite SET updated_at = ?2 WHERE id = ?1",
        params![id, now()],
    )?;
    Ok(())
}

pub(crate) fn list(conn: &Connection, filter: &ListFilter) -> Result<Vec<Favourite>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {FAV_COLS} FROM favourite f WHERE {FILTER} ORDER BY f.position, f.id"
    ))?;
    let tag = filter.tag.as_deref().map(str::trim);
    let rows = st.query_map(
        params![
            filter.kind.map(ItemKind::as_str),
            filter.status.map(Status::code),
            tag
        ],
        favourite_from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Opens (creating or upgrading) the user database at `path`, its personal fields sealed with `key`
    /// (see [`db::user::open`]: a key that is not the database's gives [`Error::PersonalDataReset`] once).
    pub fn open(path: &Path, key: &UserKey) -> Result<Store> {
        let writer = db::user::open(path, key)?;
        // Favourites are written at human pace: pay the fsync so a power cut loses none.
        writer.pragma_update(None, "synchronous", "FULL")?;
        Ok(Store {
            path: path.to_path_buf(),
            key: key.clone(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on a reader connection inside one read transaction (a consistent view).
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let pooled = lock(&self.readers).pop();
        let mut conn = match pooled {
            Some(c) => c,
            None => db::user::open(&self.path, &self.key)?,
        };
        let result = (|| {
            let tx = conn.transaction()?;
            let value = f(&tx)?;
            tx.finish()?;
            Ok(value)
        })();
        let mut pool = lock(&self.readers);
        if pool.len() < POOL {
            pool.push(conn);
        }
        result
    }

    /// Runs `f` in an immediate write transaction, committed when `f` succeeds, rolled back otherwise.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Adds the catalogue item `id` (of `kind`, or whatever kind has that id) with a snapshot of how it
    /// looks now. Returns the favourite and whether it is new (adding twice changes nothing).
    pub fn add(
        &self,
        cat: &Catalogue,
        id: &str,
        kind: Option<ItemKind>,
    ) -> Result<(Favourite, bool)> {
        self.add_with(cat, id, kind, &Details::default())
    }

    /// Adds like `add`, and sets the given note and status and adds the tags, all in one transaction
    /// (also on a favourite already there): an invalid detail adds nothing.
    pub fn add_with(
        &self,
        cat: &Catalogue,
        id: &str,
        kind: Option<ItemKind>,
        details: &Details,
    ) -> Result<(Favourite, bool)> {
        let (item, snapshot) = items::resolve(cat, id, kind)?;
        if details.status.is_some() && !item.kind.has_status() {
            return Err(no_status());
        }
        let note = clean_note(details.note)?;
        let tags: Vec<String> = details
            .tags
            .iter()
            .map(|t| clean_tag(t))
            .collect::<Result<_>>()?;
        self.write(|tx| {
            let (fav, new) = get_or_add(tx, &item, &snapshot)?;
            if note.is_some() || details.status.is_some() || !tags.is_empty() {
                let mut all = fav.tags.clone();
                for t in tags {
                    if !all.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
                        all.push(t);
                    }
                }
                set_tags(tx, fav.id, &all)?;
                tx.execute(
                    "UPDATE favourite SET note = coalesce(seal('favourite.note', ?2), note),
                         status = coalesce(seal('favourite.status', ?3), status),
                         updated_at = ?4 WHERE id = ?1",
                    params![fav.id, note, details.status.map(Status::code), now()],
                )?;
            }
            Ok((get_existing(tx, &item)?, new))
        })
    }

    /// Adds an item with a snapshot the caller took (a shell that has the item on screen).
    pub fn add_item(&self, item: &ItemRef, snapshot: &Snapshot) -> Result<(Favourite, bool)> {
        super::check_item_id(&item.id)?;
        self.write(|tx| get_or_add(tx, item, snapshot))
    }

    /// Removes a favourite and gives it back, for a face that says what it removed; refused
    /// (`NotFavourite`) when it was not one.
    pub fn take(&self, item: &ItemRef) -> Result<Favourite> {
        self.write(|tx| {
            let f = get_existing(tx, item)?;
            delete(tx, item)?;
            Ok(f)
        })
    }

    /// Removes a favourite; false when it was not one.
    pub fn remove(&self, item: &ItemRef) -> Result<bool> {
        self.write(|tx| delete(tx, item))
    }

    /// Sets (or with None or blank text, clears) the note.
    pub fn set_note(&self, item: &ItemRef, note: Option<&str>) -> Result<Favourite> {
        let note = clean_note(note)?;
        self.write(|tx| {
            let id = row_id(tx, item)?;
            tx.execute(
                "UPDATE favourite SET note = seal('favourite.note', ?2), updated_at = ?3 WHERE id = ?1",
                params![id, note, now()],
            )?;
            get_existing(tx, item)
        })
    }

    /// Sets or clears the status of a training or session.
    pub fn set_status(&self, item: &ItemRef, status: Option<Status>) -> Result<Favourite> {
        if !item.kind.has_status() && status.is_some() {
            return Err(no_status());
        }
        self.write(|tx| {
            let id = row_id(tx, item)?;
            tx.execute(
                "UPDATE favourite SET status = seal('favourite.status', ?2), updated_at = ?3 WHERE id = ?1",
                params![id, status.map(Status::code), now()],
            )?;
            get_existing(tx, item)
        })
    }

    /// Adds tags (already present ones, in any case, are kept once).
    pub fn add_tags(&self, item: &ItemRef, tags: &[&str]) -> Result<Favourite> {
        let cleaned: Vec<String> = tags.iter().map(|t| clean_tag(t)).collect::<Result<_>>()?;
        self.write(|tx| {
            let fav = get_existing(tx, item)?;
            let mut all = fav.tags.clone();
            for t in cleaned {
                if !all.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
                    all.push(t);
                }
            }
            set_tags(tx, fav.id, &all)?;
            touch(tx, fav.id)?;
            get_existing(tx, item)
        })
    }

    pub fn remove_tags(&self, item: &ItemRef, tags: &[&str]) -> Result<Favourite> {
        self.write(|tx| {
            let id = row_id(tx, item)?;
            let mut del = tx.prepare_cached(
                "DELETE FROM favourite_tag WHERE favourite = ?1
                    AND unseal('favourite_tag.tag', tag) = ?2 COLLATE NOCASE",
            )?;
            for t in tags {
                del.execute(params![
                    id,
                    t.split_whitespace().collect::<Vec<_>>().join(" ")
                ])?;
            }
            touch(tx, id)?;
            get_existing(tx, item)
        })
    }

    /// Moves a favourite to `index` (0 is first; past the end is last) in the user's order.
    pub fn move_to(&self, item: &ItemRef, index: usize) -> Result<()> {
        self.write(|tx| {
            let id = row_id(tx, item)?;
            let mut order: Vec<i64> = {
                let mut st = tx.prepare_cached("SELECT id FROM favourite ORDER BY position, id")?;
                let rows = st.query_map([], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            order.retain(|&x| x != id);
            order.insert(index.min(order.len()), id);
            let mut up = tx.prepare_cached(
                "UPDATE favourite SET position = ?2 WHERE id = ?1 AND position <> ?2",
            )?;
            for (pos, fid) in order.iter().enumerate() {
                up.execute(params![fid, pos as i64])?;
            }
            Ok(())
        })
    }

    pub fn get(&self, item: &ItemRef) -> Result<Option<Favourite>> {
        self.read(|c| get(c, item))
    }

    /// Every favourite with this catalogue id (a training and its only session may share one).
    pub fn find(&self, item_id: &str) -> Result<Vec<Favourite>> {
        let item_id = item_id.trim();
        self.read(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {FAV_COLS} FROM favourite f WHERE f.item_id = ?1 OR f.item_id = upper(?1)
                 ORDER BY f.position"
            ))?;
            let rows = st.query_map(params![item_id], favourite_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The one favourite with this catalogue id, for a face where the user gives an id without its kind:
    /// refused when no favourite has it (`NotFavourite`), or when several kinds do (a training and its
    /// only session), with those kinds so the face can ask which.
    pub fn find_one(&self, item_id: &str) -> Result<Favourite> {
        let mut found = self.find(item_id)?;
        match found.len() {
            0 => Err(not_favourite(item_id.trim())),
            1 => Ok(found.remove(0)),
            _ => Err(Refusal::AmbiguousFavourite {
                id: crate::error::echo(item_id.trim()),
                kinds: found.iter().map(|f| f.kind.as_str()).collect(),
            }
            .into()),
        }
    }

    /// Favourites in the user's order, filtered by kind, status and tag (tag case-insensitive).
    pub fn list(&self, filter: &ListFilter) -> Result<Vec<Favourite>> {
        self.read(|c| list(c, filter))
    }

    pub fn count(&self, filter: &ListFilter) -> Result<usize> {
        self.read(|c| {
            let n: i64 = c.query_row(
                &format!("SELECT count(*) FROM favourite f WHERE {FILTER}"),
                params![
                    filter.kind.map(ItemKind::as_str),
                    filter.status.map(Status::code),
                    filter.tag.as_deref().map(str::trim)
                ],
                |r| r.get(0),
            )?;
            Ok(n as usize)
        })
    }

    /// For each (kind, id), whether it is a favourite: one read for a whole page of results.
    pub fn contains_many(&self, items: &[(ItemKind, &str)]) -> Result<Vec<bool>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM favourite WHERE kind = ?1 AND item_id = ?2)",
            )?;
            items
                .iter()
                .map(|(k, id)| Ok(st.query_row(params![k.as_str(), id], |r| r.get(0))?))
                .collect()
        })
    }

    /// Which search results to draw a star on.
    pub fn stars(&self, hits: &[Hit]) -> Result<Vec<bool>> {
        let items: Vec<(ItemKind, &str)> = hits
            .iter()
            .map(|h| (ItemKind::from(h.kind), h.id.as_str()))
            .collect();
        self.contains_many(&items)
    }

    pub fn is_favourite(&self, item: &ItemRef) -> Result<bool> {
        Ok(self
            .contains_many(&[(item.kind, item.id.as_str())])?
            .first()
            .copied()
            .unwrap_or(false))
    }

    /// Takes a new snapshot of a favourite still in the catalogue (the user has seen the change); a
    /// favourite whose item is gone keeps its snapshot.
    pub fn refresh_snapshot(&self, cat: &Catalogue, item: &ItemRef) -> Result<Favourite> {
        let fresh = items::current(cat.conn(), item)?;
        self.write(|tx| {
            let id = row_id(tx, item)?;
            if let Some(snapshot) = fresh {
                let json = serde_json::to_string(&snapshot).map_err(Error::Encode)?;
                tx.execute(
                    "UPDATE favourite SET snapshot = ?2, updated_at = ?3 WHERE id = ?1",
                    params![id, json, now()],
                )?;
            }
            get_existing(tx, item)
        })
    }

    /// "Delete all my data": every table of `db::user::PERSONAL_TABLES`, in one transaction.
    pub fn delete_all_my_data(&self) -> Result<()> {
        let mut conn = lock(&self.writer);
        db::user::delete_all_my_data(&mut conn)
    }
}
