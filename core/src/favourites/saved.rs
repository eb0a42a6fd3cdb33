//! Saved searches: a named query with its filters, replayed after each catalogue update (or on demand) to
//! tell the user what is new since they last looked — new results, new sessions of the trainings they
//! had seen, and sessions whose registration has opened. The shells turn that into notifications.

use super::{now, Store};
use crate::catalogue::Catalogue;
use crate::error::{Error, Refusal, Result};
use crate::search::engine::Engine;
use crate::search::filters::SessionInfo;
use crate::search::{Hit, Kind, Query};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

pub const MAX_NAME_CHARS: usize = 80;
const MAX_QUERY_CHARS: usize = 1_000;
/// How many results a check looks at, at least: a new training ranked 11th is still news.
const CHECK_POOL: usize = 100;

#[derive(Debug, Clone, Serialize)]
pub struct SavedSearch {
    pub id: i64,
    pub name: String,
    pub query: Query,
    /// Unix seconds.
    pub created_at: i64,
    /// When the user last looked (marked it seen); None if never since it was imported.
    pub seen_at: Option<i64>,
}

/// One session of a training in a saved search's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionNews {
    pub training_id: String,
    pub training_title: String,
    pub session_id: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub registration_open: bool,
}

/// What is new for one saved search since the user last looked.
#[derive(Debug, Clone, Serialize)]
pub struct SavedNews {
    pub search_id: i64,
    pub name: String,
    /// Results the user has never seen for this search.
    pub new_results: Vec<Hit>,
    /// New sessions of trainings the user had already seen.
    pub new_sessions: Vec<SessionNews>,
    /// Known sessions whose registration was closed when the user last looked and is open now.
    pub opened: Vec<SessionNews>,
}

impl SavedNews {
    pub fn is_empty(&self) -> bool {
        self.new_results.is_empty() && self.new_sessions.is_empty() && self.opened.is_empty()
    }
}

/// A saved search's results and their sessions, as the catalogue gives them now.
struct Observed {
    hits: Vec<Hit>,
    sessions: Vec<SessionNews>,
}

/// Checks a query read from the database or a document: a stored query is data from outside.
pub(crate) fn check_query(q: &Query) -> Result<()> {
    let bad = |what: &'static str| Err(Refusal::SearchQuery(what).into());
    if q.text.chars().count() > MAX_QUERY_CHARS {
        return bad("texte trop long");
    }
    if !(q.radius_km.is_finite() && q.radius_km > 0.0 && q.radius_km <= 20_000.0) {
        return bad("rayon invalide");
    }
    if let Some(p) = q.near {
        if !((-90.0..=90.0).contains(&p.lat) && (-180.0..=180.0).contains(&p.lon)) {
            return bad("position invalide");
        }
    }
    if q.limit == 0 || q.limit > 1_000 {
        return bad("nombre de résultats invalide (1 à 1000)");
    }
    Ok(())
}

pub(crate) fn clean_name(name: &str) -> Result<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(Refusal::SearchName {
            max: MAX_NAME_CHARS,
        }
        .into());
    }
    Ok(name)
}

fn observe(cat: &Catalogue, engine: &Engine, query: &Query, today: u32) -> Result<Observed> {
    let mut q = query.clone();
    q.limit = q.limit.max(CHECK_POOL);
    q.today = Some(today);
    let hits = engine.search_results(&q)?.hits;
    let mut st = cat.conn().prepare_cached(
        "SELECT s.id, s.start_date, s.end_date, s.registration_start, s.registration_end, s.recruitment
         FROM session s JOIN action a ON a.id = s.action_id WHERE a.training_id = ?1 ORDER BY s.id",
    )?;
    let mut sessions = Vec::new();
    for h in hits.iter().filter(|h| h.kind == Kind::Training) {
        let rows = st.query_map(params![h.id], |r| {
            let reg_start: Option<String> = r.get(3)?;
            let reg_end: Option<String> = r.get(4)?;
            let start: Option<String> = r.get(1)?;
            let info = SessionInfo::from_catalogue(
                start.as_deref(),
                reg_start.as_deref(),
                reg_end.as_deref(),
                r.get(5)?,
            );
            Ok(SessionNews {
                training_id: h.id.clone(),
                training_title: h.title.clone(),
                session_id: r.get(0)?,
                start,
                end: r.get(2)?,
                registration_open: info.open_on(today),
            })
        })?;
        for s in rows {
            sessions.push(s?);
        }
    }
    Ok(Observed { hits, sessions })
}

/// Records what `seen` shows as seen: results are added to what was seen (a result that drops out and
/// comes back is not news), sessions take their current registration state.
fn record_seen(conn: &Connection, search: i64, seen: &Observed) -> Result<()> {
    let mut ins = conn.prepare_cached(
        "INSERT OR IGNORE INTO saved_search_result(search, kind, item_id) VALUES (?1, ?2, ?3)",
    )?;
    for h in &seen.hits {
        ins.execute(params![search, h.kind.as_str(), h.id])?;
    }
    let mut ins = conn.prepare_cached(
        "INSERT INTO saved_search_session(search, session_id, open) VALUES (?1, ?2, ?3)
         ON CONFLICT(search, session_id) DO UPDATE SET open = excluded.open",
    )?;
    for s in &seen.sessions {
        ins.execute(params![search, s.session_id, s.registration_open])?;
    }
    conn.execute(
        "UPDATE saved_search SET seen_at = ?2 WHERE id = ?1",
        params![search, now()],
    )?;
    Ok(())
}

fn saved_from_row(r: &rusqlite::Row) -> rusqlite::Result<(i64, String, String, i64, Option<i64>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn parse_saved(row: (i64, String, String, i64, Option<i64>)) -> Result<SavedSearch> {
    let (id, name, query, created_at, seen_at) = row;
    let query: Query = serde_json::from_str(&query).map_err(|_| {
        Error::Corrupt(format!("la recherche enregistrée « {name} » est illisible"))
    })?;
    Ok(SavedSearch {
        id,
        name,
        query,
        created_at,
        seen_at,
    })
}

pub(crate) fn all(conn: &Connection) -> Result<Vec<SavedSearch>> {
    let mut st = conn.prepare_cached(
        "SELECT id, unseal('saved_search.name', name) AS n, unseal('saved_search.query', query),
                created_at, seen_at FROM saved_search ORDER BY n COLLATE NOCASE",
    )?;
    let rows: Vec<_> = st
        .query_map([], saved_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(parse_saved).collect()
}

/// The seen results and sessions of a saved search.
pub(crate) type SeenState = (Vec<(String, String)>, Vec<(String, bool)>);

pub(crate) fn seen_state(conn: &Connection, search: i64) -> Result<SeenState> {
    let mut st = conn.prepare_cached(
        "SELECT kind, item_id FROM saved_search_result WHERE search = ?1 ORDER BY kind, item_id",
    )?;
    let results = st
        .query_map([search], |r| r.try_into())?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = conn.prepare_cached(
        "SELECT session_id, open FROM saved_search_session WHERE search = ?1 ORDER BY session_id",
    )?;
    let sessions = st
        .query_map([search], |r| r.try_into())?
        .collect::<rusqlite::Result<_>>()?;
    Ok((results, sessions))
}

fn news(search: &SavedSearch, observed: Observed, seen: SeenState) -> SavedNews {
    let seen_results: HashSet<(String, String)> = seen.0.into_iter().collect();
    let seen_sessions: HashMap<String, bool> = seen.1.into_iter().collect();
    let is_seen = |h: &Hit| seen_results.contains(&(h.kind.as_str().to_string(), h.id.clone()));
    let known_trainings: HashSet<&str> = observed
        .hits
        .iter()
        .filter(|h| h.kind == Kind::Training && is_seen(h))
        .map(|h| h.id.as_str())
        .collect();
    let mut new_sessions = Vec::new();
    let mut opened = Vec::new();
    for s in &observed.sessions {
        // A new training's sessions come with it; they are not news on their own.
        if !known_trainings.contains(s.training_id.as_str()) {
            continue;
        }
        match seen_sessions.get(&s.session_id) {
            None => new_sessions.push(s.clone()),
            Some(false) if s.registration_open => opened.push(s.clone()),
            Some(_) => {}
        }
    }
    SavedNews {
        search_id: search.id,
        name: search.name.clone(),
        new_results: observed
            .hits
            .iter()
            .filter(|h| !is_seen(h))
            .cloned()
            .collect(),
        new_sessions,
        opened,
    }
}

impl Store {
    /// Saves `query` under `name`, with what it finds now marked as seen (only later changes are news).
    pub fn save_search(
        &self,
        cat: &Catalogue,
        engine: &Engine,
        name: &str,
        query: &Query,
        today: u32,
    ) -> Result<SavedSearch> {
        let name = clean_name(name)?;
        let mut query = query.clone();
        // "Registration open" is judged on the day of each check, never on the day it was saved.
        query.today = None;
        check_query(&query)?;
        let json = serde_json::to_string(&query).map_err(Error::Encode)?;
        let observed = observe(cat, engine, &query, today)?;
        let id = self.write(|tx| {
            let taken: Option<i64> = tx
                .query_row(
                    "SELECT id FROM saved_search WHERE unseal('saved_search.name', name) = ?1 COLLATE NOCASE",
                    [&name],
                    |r| r.get(0),
                )
                .optional()?;
            if taken.is_some() {
                return Err(Refusal::SearchNameTaken(name.clone()).into());
            }
            tx.execute(
                "INSERT INTO saved_search(name, query, created_at)
                 VALUES (seal('saved_search.name', ?1), seal('saved_search.query', ?2), ?3)",
                params![name, json, now()],
            )?;
            let id = tx.last_insert_rowid();
            record_seen(tx, id, &observed)?;
            Ok(id)
        })?;
        self.saved_search(id)?.ok_or(Error::Internal(
            "recherche enregistrée introuvable après écriture",
        ))
    }

    pub fn saved_search(&self, id: i64) -> Result<Option<SavedSearch>> {
        self.read(|c| {
            c.query_row(
                "SELECT id, unseal('saved_search.name', name), unseal('saved_search.query', query),
                        created_at, seen_at FROM saved_search WHERE id = ?1",
                [id],
                saved_from_row,
            )
            .optional()?
            .map(parse_saved)
            .transpose()
        })
    }

    /// Saved searches by name.
    pub fn saved_searches(&self) -> Result<Vec<SavedSearch>> {
        self.read(all)
    }

    pub fn find_saved_search(&self, name: &str) -> Result<Option<SavedSearch>> {
        let wanted = name.split_whitespace().collect::<Vec<_>>().join(" ");
        Ok(self
            .saved_searches()?
            .into_iter()
            .find(|s| s.name.to_lowercase() == wanted.to_lowercase()))
    }

    /// Removes a saved search by id; false when there was none.
    pub fn remove_saved_search(&self, id: i64) -> Result<bool> {
        self.write(|tx| Ok(tx.execute("DELETE FROM saved_search WHERE id = ?1", [id])? > 0))
    }

    /// What is new for one saved search since the user last looked; changes nothing.
    pub fn check_saved_search(
        &self,
        cat: &Catalogue,
        engine: &Engine,
        search: &SavedSearch,
        today: u32,
    ) -> Result<SavedNews> {
        let observed = observe(cat, engine, &search.query, today)?;
        let seen = self.read(|c| seen_state(c, search.id))?;
        Ok(news(search, observed, seen))
    }

    /// What is new for every saved search: call after each catalogue update, or when the user asks.
    pub fn check_saved_searches(
        &self,
        cat: &Catalogue,
        engine: &Engine,
        today: u32,
    ) -> Result<Vec<SavedNews>> {
        self.saved_searches()?
            .iter()
            .map(|s| self.check_saved_search(cat, engine, s, today))
            .collect()
    }

    /// The user has looked: what the search finds now is no longer news.
    pub fn mark_seen(
        &self,
        cat: &Catalogue,
        engine: &Engine,
        search: &SavedSearch,
        today: u32,
    ) -> Result<()> {
        let observed = observe(cat, engine, &search.query, today)?;
        self.write(|tx| {
            let exists: Option<i64> = tx
                .query_row(
                    "SELECT id FROM saved_search WHERE id = ?1",
                    [search.id],
                    |r| r.get(0),
                )
                .optional()?;
            if exists.is_none() {
                return Err(Refusal::SearchGone(search.name.clone()).into());
            }
            record_seen(tx, search.id, &observed)
        })
    }
}

/// A seen result, as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenResult {
    pub kind: Kind,
    pub id: String,
}

/// A seen session and whether its registration was open then, as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenSession {
    pub id: String,
    pub open: bool,
}
