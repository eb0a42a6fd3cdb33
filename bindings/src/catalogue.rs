//! The catalogue as the shells see it: search (synchronous and interruptible) and the sheets.

use crate::error::{OrientationError, Result};
use crate::search::{self, Badge, BadgeKind, SearchPage, SearchQuery, TextRange};
use crate::sheets::{self, AidSheet, CatalogueInfo, CertificationSheet, JobSheet, PlaceSheet};
use crate::sheets::{Sheet, TrainingSheet};
use orientation_core::catalogue::Catalogue as CoreCatalogue;
use orientation_core::favourites::Store;
use orientation_core::search::engine::Engine;
use orientation_core::search::filters::{self, SessionInfo};
use orientation_core::search::Query;
use orientation_core::search::{geo, Kind};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// One opened catalogue. Every method may be called from any thread; `search` and the sheets read the
/// disk, so call them off the main thread.
///
/// Search as you type: run `search` on a worker thread, and when the next keystroke arrives call
/// `interrupt()` then search again. The interrupted call throws `OrientationError.Interrupted`.
#[derive(uniffi::Object)]
pub struct Catalogue {
    /// SQLite connections are not shareable between threads: one at a time, held only for the short
    /// reads around a search and for the sheets.
    db: Mutex<CoreCatalogue>,
    engine: Engine,
    /// ROME grand domaine letter → label, for the facets.
    domains: HashMap<String, String>,
    /// The user's favourites, to draw the stars on each page; none if the user database did not open
    /// (search still works).
    favourites: Option<Arc<Store>>,
}

impl Catalogue {
    pub(crate) fn open(core: CoreCatalogue, favourites: Option<Arc<Store>>) -> Result<Catalogue> {
        let start = std::time::Instant::now();
        let engine = core.engine()?;
        let domains = grand_domaines(&core)?;
        tracing::info!(
            docs = engine.len(),
            ms = start.elapsed().as_millis() as u64,
            "catalogue ouvert"
        );
        Ok(Catalogue {
            db: Mutex::new(core),
            engine,
            domains,
            favourites,
        })
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    pub(crate) fn db(&self) -> MutexGuard<'_, CoreCatalogue> {
        // A panic while reading leaves nothing half-written (the catalogue is read-only): carry on.
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn badges(&self, db: &CoreCatalogue, kind: Kind, id: &str, today: u32) -> Result<Vec<Badge>> {
        if kind != Kind::Training {
            return Ok(Vec::new());
        }
        let conn = db.conn();
        let mut st = conn.prepare_cached(
            "SELECT s.start_date, s.registration_start, s.registration_end, s.recruitment
             FROM session s JOIN action a ON a.id = s.action_id WHERE a.training_id = ?1",
        )?;
        let day = |d: Option<String>| d.as_deref().and_then(filters::date_number);
        let mut open = false;
        let mut rows = st.query([id])?;
        while let Some(r) = rows.next()? {
            let info = SessionInfo {
                start: day(r.get(0)?),
                registration_start: day(r.get(1)?),
                registration_end: day(r.get(2)?),
                recruitment: r
                    .get::<_, Option<i64>>(3)?
                    .and_then(|c| u8::try_from(c).ok()),
            };
            open |= info.open_on(today);
        }
        let distance: bool = conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM action WHERE training_id = ?1 AND teaching_mode = 'distance')",
            )?
            .query_row([id], |r| r.get(0))?;
        let mut badges = Vec::new();
        if open {
            badges.push(Badge::new(BadgeKind::RegistrationOpen));
        }
        if distance {
            badges.push(Badge::new(BadgeKind::DistanceLearning));
        }
        Ok(badges)
    }

    /// A search page for a query already checked: items with badges, highlights and stars, facets.
    pub(crate) fn page(&self, q: Query) -> Result<SearchPage> {
        let start = std::time::Instant::now();
        let results = self.engine.search_results(&q)?;
        let today = q.today.unwrap_or_else(filters::today);
        let stars = match &self.favourites {
            // A star is a nicety: a user database that fails to answer must not cost the page.
            Some(store) => store.stars(&results.hits).unwrap_or_else(|e| {
                tracing::warn!(error = %crate::error::OrientationError::from(e), "étoiles des favoris");
                vec![false; results.hits.len()]
            }),
            None => vec![false; results.hits.len()],
        };
        let db = self.db();
        let titles: Vec<&str> = results.hits.iter().map(|h| h.title.as_str()).collect();
        let highlights =
            search::highlights(|text| self.engine.matched_ranges(&q.text, text), &titles);
        let mut items = Vec::with_capacity(results.hits.len());
        for ((hit, highlights), star) in results.hits.into_iter().zip(highlights).zip(stars) {
            let badges = self.badges(&db, hit.kind, &hit.id, today)?;
            let mut item = search::item(hit, highlights, badges);
            item.is_favourite = star;
            items.push(item);
        }
        drop(db);
        // No query text in logs: it is the user's.
        tracing::debug!(
            results = items.len(),
            us = start.elapsed().as_micros() as u64,
            "recherche"
        );
        Ok(SearchPage {
            items,
            widened_to_km: results.widened_to_km,
            facets: search::facets(results.facets, |code| self.domains.get(code).cloned()),
        })
    }

    fn show(&self, id: &str) -> Result<Sheet> {
        let core = self.db().show(id)?;
        Ok(sheets::sheet(core, filters::today()))
    }
}

fn grand_domaines(core: &CoreCatalogue) -> Result<HashMap<String, String>> {
    let mut st = core
        .conn()
        .prepare("SELECT code, label FROM grand_domaine")
        .map_err(orientation_core::Error::from)?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(orientation_core::Error::from)?;
    let mut out = HashMap::new();
    for row in rows {
        let (code, label) = row.map_err(orientation_core::Error::from)?;
        out.insert(code, label);
    }
    Ok(out)
}

impl From<rusqlite::Error> for OrientationError {
    fn from(e: rusqlite::Error) -> Self {
        OrientationError::from(orientation_core::Error::from(e))
    }
}

#[uniffi::export]
impl Catalogue {
    /// One page of results with facet counts. Throws `InvalidQuery` for a filter out of range,
    /// `UnknownPlace` when a typed location is not found, `Interrupted` when `interrupt()` was called
    /// meanwhile. An empty text with no filter gives an empty page; an empty text with a kind, a location
    /// or filters lists what they select.
    pub fn search(&self, query: SearchQuery) -> Result<SearchPage> {
        let q = query.to_core(|text| Ok(geo::resolve(self.db().conn(), text)?))?;
        self.page(q)
    }

    /// Stops the searches running at this moment (they throw `Interrupted`); later searches run normally.
    pub fn interrupt(&self) {
        self.engine.interrupt();
    }

    /// Where the words of `query` appear in `text` (a subtitle, a line of a sheet), in UTF-16 units.
    pub fn highlight(&self, query: String, text: String) -> Vec<TextRange> {
        search::utf16_ranges(&text, &self.engine.matched_ranges(&query, &text))
    }

    /// The sheet of any id: a ROME code, a training, a place, an aid or a certification.
    pub fn sheet(&self, id: String) -> Result<Sheet> {
        self.show(&id)
    }

    /// A job sheet by ROME code (`D1102`); `UnknownId` if the id is not a job.
    pub fn job(&self, code: String) -> Result<JobSheet> {
        match self.show(&code)? {
            Sheet::Job { sheet } => Ok(sheet),
            _ => Err(OrientationError::UnknownId),
        }
    }

    /// A training with its actions and sessions; `UnknownId` if the id is not a training.
    pub fn training(&self, id: String) -> Result<TrainingSheet> {
        match self.show(&id)? {
            Sheet::Training { sheet } => Ok(sheet),
            _ => Err(OrientationError::UnknownId),
        }
    }

    pub fn place(&self, id: String) -> Result<PlaceSheet> {
        match self.show(&id)? {
            Sheet::Place { sheet } => Ok(sheet),
            _ => Err(OrientationError::UnknownId),
        }
    }

    pub fn aid(&self, id: String) -> Result<AidSheet> {
        match self.show(&id)? {
            Sheet::Aid { sheet } => Ok(sheet),
            _ => Err(OrientationError::UnknownId),
        }
    }

    pub fn certification(&self, id: String) -> Result<CertificationSheet> {
        match self.show(&id)? {
            Sheet::Certification { sheet } => Ok(sheet),
            _ => Err(OrientationError::UnknownId),
        }
    }

    /// Counts, sources and licences of the catalogue.
    pub fn info(&self) -> Result<CatalogueInfo> {
        Ok(self.db().info()?.into())
    }
}
