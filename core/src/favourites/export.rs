//! Export and import of all favourites and saved searches as one versioned JSON document, to move to a new
//! phone or share with an advisor. Import checks the whole document before writing anything, then writes
//! it in one transaction: a truncated, malformed or newer-version document changes nothing.

use super::saved::{self, SeenResult, SeenSession};
use super::store::{self, NewFavourite};
use super::{
    check_item_id, clean_note, clean_tag, ItemKind, ItemRef, ListFilter, Snapshot, Status, Store,
    MAX_TAGS,
};
use crate::error::{Error, Refusal, Result};
use crate::search::{Kind, Query};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What the document says it is, so a stray JSON file is not taken for an export.
pub const FORMAT: &str = "orientation-favoris";
/// The newest version this code reads and writes. Version 2 adds the quiz profile (`discover`); an export
/// without one is still written as version 1, so an older app reads it.
pub const VERSION: u64 = 2;
/// Far above any real list; a bigger file is not ours.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FavouriteRecord {
    pub kind: ItemKind,
    pub id: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub snapshot: Snapshot,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedSearchRecord {
    pub name: String,
    pub query: Query,
    pub created_at: i64,
    #[serde(default)]
    pub seen_at: Option<i64>,
    #[serde(default)]
    pub seen_results: Vec<SeenResult>,
    #[serde(default)]
    pub seen_sessions: Vec<SeenSession>,
}

/// The document. Favourites are in the user's order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    pub format: String,
    pub version: u64,
    pub exported_at: i64,
    pub favourites: Vec<FavouriteRecord>,
    pub saved_searches: Vec<SavedSearchRecord>,
    /// The "Découvrir" quiz profile (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discover: Option<crate::discover::Profile>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub favourites_added: usize,
    /// Already there, and the document's copy was more recent: note, status and tags taken from it.
    pub favourites_updated: usize,
    /// Already there and at least as recent here: kept as is.
    pub favourites_kept: usize,
    pub searches_added: usize,
    /// A saved search of the same name was already there: kept as is.
    pub searches_kept: usize,
    /// The document's quiz profile replaced this database's (none here, or older).
    pub profile_imported: bool,
}

fn invalid(what: impl std::fmt::Display) -> Error {
    Error::BadExport(what.to_string())
}

/// Reads and checks a whole document, without touching any database.
pub fn parse(bytes: &[u8]) -> Result<Document> {
    if bytes.len() > MAX_BYTES {
        return Err(invalid("fichier trop gros pour un export de favoris"));
    }
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| match e.classify() {
            serde_json::error::Category::Eof => invalid("le document est tronqué"),
            _ => invalid(format!(
                "le document n'est pas du JSON valide (ligne {}, colonne {})",
                e.line(),
                e.column()
            )),
        })?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(invalid(
            "ce fichier n'est pas un export de favoris Orientation",
        ));
    }
    let version = value
        .get("version")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| invalid("version du document absente ou invalide"))?;
    if version > VERSION {
        return Err(invalid(format!(
            "document en version {version}, plus récente que celle que cette application sait lire \
             ({VERSION}) : mettez l'application à jour"
        )));
    }
    if version == 0 {
        return Err(invalid("version du document invalide (0)"));
    }
    let part = |key: &str| -> Result<Vec<serde_json::Value>> {
        match value.get(key) {
            Some(serde_json::Value::Array(items)) => Ok(items.clone()),
            _ => Err(invalid(format!(
                "la liste « {key} » manque ou n'est pas une liste"
            ))),
        }
    };
    let mut favourites = Vec::new();
    for (i, v) in part("favourites")?.into_iter().enumerate() {
        let rec: FavouriteRecord = serde_json::from_value(v)
            .map_err(|_| invalid(format!("favori n° {} : champ manquant ou invalide", i + 1)))?;
        check_favourite(&rec).map_err(|e| invalid(format!("favori n° {} : {e}", i + 1)))?;
        favourites.push(rec);
    }
    let mut seen = HashSet::new();
    for (i, f) in favourites.iter().enumerate() {
        if !seen.insert((f.kind, f.id.as_str())) {
            return Err(invalid(format!("favori n° {} en double", i + 1)));
        }
    }
    let mut saved_searches = Vec::new();
    let mut names = HashSet::new();
    for (i, v) in part("saved_searches")?.into_iter().enumerate() {
        let n = i + 1;
        let mut rec: SavedSearchRecord = serde_json::from_value(v).map_err(|_| {
            invalid(format!(
                "recherche enregistrée n° {n} : champ manquant ou invalide"
            ))
        })?;
        rec.name = saved::clean_name(&rec.name)
            .map_err(|e| invalid(format!("recherche enregistrée n° {n} : {e}")))?;
        rec.query.today = None;
        saved::check_query(&rec.query)
            .map_err(|e| invalid(format!("recherche enregistrée n° {n} : {e}")))?;
        if rec
            .seen_results
            .iter()
            .map(|r| r.id.as_str())
            .chain(rec.seen_sessions.iter().map(|s| s.id.as_str()))
            .any(|id| check_item_id(id).is_err())
        {
            return Err(invalid(format!(
                "recherche enregistrée n° {n} : identifiant vu invalide"
            )));
        }
        if !names.insert(rec.name.to_lowercase()) {
            return Err(invalid(format!("recherche enregistrée n° {n} en double")));
        }
        saved_searches.push(rec);
    }
    let discover = match value.get("discover") {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => {
            let p: crate::discover::Profile = serde_json::from_value(v.clone())
                .map_err(|_| invalid("profil du quiz : champ manquant ou invalide"))?;
            crate::discover::profile::check(&p).map_err(invalid)?;
            Some(p)
        }
    };
    let exported_at = value
        .get("exported_at")
        .and_then(|v| v.as_i64())
        .unwrap_or(0);
    Ok(Document {
        format: FORMAT.into(),
        version,
        exported_at,
        favourites,
        saved_searches,
        discover,
    })
}

fn check_favourite(rec: &FavouriteRecord) -> Result<()> {
    check_item_id(&rec.id)?;
    if rec.status.is_some() && !rec.kind.has_status() {
        return Err(Refusal::StatusNotTraining.into());
    }
    clean_note(rec.note.as_deref())?;
    if rec.tags.len() > MAX_TAGS {
        return Err(Refusal::TooManyTags { max: MAX_TAGS }.into());
    }
    for t in &rec.tags {
        clean_tag(t)?;
    }
    let s = &rec.snapshot;
    let texts = [Some(&s.title), s.subtitle.as_ref(), s.place.as_ref()];
    if texts.iter().flatten().any(|t| t.chars().count() > 2_000) || s.dates.len() > 1_000 {
        return Err(Refusal::SnapshotTooLong.into());
    }
    Ok(())
}

impl Store {
    /// The whole export document of this user database.
    pub fn export_document(&self) -> Result<Document> {
        self.read(|c| {
            let favourites = store::list(c, &ListFilter::default())?
                .into_iter()
                .map(|f| FavouriteRecord {
                    kind: f.kind,
                    id: f.item_id,
                    note: f.note,
                    status: f.status,
                    tags: f.tags,
                    snapshot: f.snapshot,
                    created_at: f.created_at,
                    updated_at: f.updated_at,
                })
                .collect();
            let mut saved_searches = Vec::new();
            for s in saved::all(c)? {
                let (results, sessions) = saved::seen_state(c, s.id)?;
                saved_searches.push(SavedSearchRecord {
                    name: s.name,
                    query: s.query,
                    created_at: s.created_at,
                    seen_at: s.seen_at,
                    seen_results: results
                        .into_iter()
                        .filter_map(|(kind, id)| {
                            Some(SeenResult {
                                kind: Kind::parse(&kind)?,
                                id,
                            })
                        })
                        .collect(),
                    seen_sessions: sessions
                        .into_iter()
                        .map(|(id, open)| SeenSession { id, open })
                        .collect(),
                });
            }
            let discover = crate::discover::profile::read(c)?;
            Ok(Document {
                format: FORMAT.into(),
                version: if discover.is_some() { VERSION } else { 1 },
                exported_at: super::now(),
                favourites,
                saved_searches,
                discover,
            })
        })
    }

    /// The export document as pretty JSON text.
    pub fn export_json(&self) -> Result<String> {
        serde_json::to_string_pretty(&self.export_document()?).map_err(Error::Encode)
    }

    /// Imports a document into this database, merging: new favourites go to the end of the list in the
    /// document's order; one already here takes the document's note, status and tags only when the
    /// document's copy is more recent; a saved search whose name is taken is kept as it is here. The
    /// document is checked whole first and written in one transaction: on any error nothing changes.
    pub fn import_json(&self, bytes: &[u8]) -> Result<ImportSummary> {
        let doc = parse(bytes)?;
        self.write(|tx| {
            let mut sum = ImportSummary::default();
            for f in &doc.favourites {
                let item = ItemRef::new(f.kind, f.id.clone());
                let note = clean_note(f.note.as_deref())?;
                let tags: Vec<String> = f.tags.iter().map(|t| clean_tag(t)).collect::<Result<_>>()?;
                match store::get(tx, &item)? {
                    None => {
                        store::insert(
                            tx,
                            &NewFavourite {
                                item: &item,
                                snapshot: &f.snapshot,
                                note: note.as_deref(),
                                status: f.status,
                                tags: &tags,
                                created_at: f.created_at,
                                updated_at: f.updated_at,
                            },
                        )?;
                        sum.favourites_added += 1;
                    }
                    Some(here) if f.updated_at > here.updated_at => {
                        tx.execute(
                            "UPDATE favourite SET note = seal('favourite.note', ?2),
                                 status = seal('favourite.status', ?3), updated_at = ?4 WHERE id = ?1",
                            params![here.id, note, f.status.map(Status::code), f.updated_at],
                        )?;
                        store::set_tags(tx, here.id, &tags)?;
                        sum.favourites_updated += 1;
                    }
                    Some(_) => sum.favourites_kept += 1,
                }
            }
            for s in &doc.saved_searches {
                let taken: Option<i64> = tx
                    .query_row(
                        "SELECT id FROM saved_search WHERE unseal('saved_search.name', name) = ?1 COLLATE NOCASE",
                        [&s.name],
                        |r| r.get(0),
                    )
                    .optional()?;
                if taken.is_some() {
                    sum.searches_kept += 1;
                    continue;
                }
                let query = serde_json::to_string(&s.query).map_err(Error::Encode)?;
                tx.execute(
                    "INSERT INTO saved_search(name, query, created_at, seen_at)
                     VALUES (seal('saved_search.name', ?1), seal('saved_search.query', ?2), ?3, ?4)",
                    params![s.name, query, s.created_at, s.seen_at],
                )?;
                let id = tx.last_insert_rowid();
                let mut ins = tx.prepare_cached(
                    "INSERT OR IGNORE INTO saved_search_result(search, kind, item_id) VALUES (?1, ?2, ?3)",
                )?;
                for r in &s.seen_results {
                    ins.execute(params![id, r.kind.as_str(), r.id])?;
                }
                let mut ins = tx.prepare_cached(
                    "INSERT OR REPLACE INTO saved_search_session(search, session_id, open) VALUES (?1, ?2, ?3)",
                )?;
                for r in &s.seen_sessions {
                    ins.execute(params![id, r.id, r.open])?;
                }
                sum.searches_added += 1;
            }
            if let Some(p) = &doc.discover {
                let here = crate::discover::profile::read(tx)?;
                if here.is_none_or(|h| p.updated_at > h.updated_at) {
                    crate::discover::profile::write(tx, p)?;
                    sum.profile_imported = true;
                }
            }
            Ok(sum)
        })
    }
}
