//! The catalogue as the shells see it: search (synchronous and interruptible) and the sheets.

use crate::error::{OrientationError, Result};
use crate::search::{self, SearchPage, SearchQuery, TextRange};
use crate::sheets::{self, AidSheet, CatalogueInfo, CertificationSheet, JobSheet, PlaceSheet};
use crate::sheets::{Sheet, TrainingSheet};
use orientation_core::catalogue::Catalogue as CoreCatalogue;
use orientation_core::favourites::Store;
use orientation_core::search::engine::Engine;
use orientation_core::search::Query;
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
    domains: HashMap<char, String>,
    /// The user's favourites, to draw the stars on each page; none if the user database did not open
    /// (search still works).
    favourites: Option<Arc<Store>>,
    /// The day registration is judged on (`OrientationConfig.today`); None: today in Paris.
    today: Option<u32>,
}

impl Catalogue {
    pub(crate) fn open(
        core: CoreCatalogue,
        favourites: Option<Arc<Store>>,
        today: Option<u32>,
    ) -> Result<Catalogue> {
        let start = std::time::Instant::now();
        let engine = core.engine()?;
        let domains = core.grand_domaine_labels()?;
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
            today,
        })
    }

    /// The day registration is judged on.
    pub(crate) fn today(&self) -> u32 {
        self.today
            .unwrap_or_else(orientation_core::dates::today_number)
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    pub(crate) fn db(&self) -> MutexGuard<'_, CoreCatalogue> {
        // A panic while reading leaves nothing half-written (the catalogue is read-only): carry on.
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A search page for a query already checked: items with badges, highlights and stars, facets.
    pub(crate) fn page(&self, mut q: Query) -> Result<SearchPage> {
        let start = std::time::Instant::now();
        q.today = q.today.or(self.today);
        let results = self.engine.search_results(&q)?;
        let stars = match &self.favourites {
            // A star is a nicety: a user database that fails to answer must not cost the page.
            Some(store) => store.stars(&results.hits).unwrap_or_else(|e| {
                tracing::warn!(error = %crate::error::OrientationError::from(e), "étoiles des favoris");
                vec![false; results.hits.len()]
            }),
            None => vec![false; results.hits.len()],
        };
        let titles: Vec<&str> = results.hits.iter().map(|h| h.title.as_str()).collect();
        let highlights = search::highlights(
            |text| self.engine.matched_ranges(&results.searched, text),
            &titles,
        );
        let mut items = Vec::with_capacity(results.hits.len());
        for ((hit, highlights), star) in results.hits.into_iter().zip(highlights).zip(stars) {
            let mut item = search::item(hit, highlights);
            item.is_favourite = star;
            items.push(item);
        }
        // No query text in logs: it is the user's.
        tracing::debug!(
            results = items.len(),
            us = start.elapsed().as_micros() as u64,
            "recherche"
        );
        Ok(SearchPage {
            items,
            widened_to_km: results.widened_to_km,
            facets: search::facets(results.facets, |code| self.domains.get(&code).cloned()),
            near: results.near.map(search::NearPlace::from),
            intent: results.intent.map(search::SearchIntent::from),
            notice: results.notice,
        })
    }

    fn show(&self, id: &str) -> Result<Sheet> {
        let today = self
            .today
            .unwrap_or_else(orientation_core::dates::today_number);
        let core = self.db().show_on(id, today)?;
        Ok(sheets::sheet(core))
    }
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
        let q = query.to_core(|l| search::locate(&self.db(), l))?;
        self.page(q)
    }

    /// Why `search` would refuse this query, in the words the CLI uses ("date invalide « 2026-02-31 » : …");
    /// None when it is fine. Cheap: call it to show the reason next to the field.
    pub fn check_query(&self, query: SearchQuery) -> Option<String> {
        let checked = query.checked(|l| search::locate(&self.db(), l));
        checked.err().map(|e| e.to_string())
    }

    /// The communes a typed place may mean, to let the user choose when `search` threw `AmbiguousPlace`
    /// (several communes of that name); one entry when it is clear, none when unknown.
    pub fn places_named(&self, text: String) -> Result<Vec<PlaceChoice>> {
        match self.db().resolve_place(&text) {
            Ok(r) => Ok(r.commune.into_iter().map(PlaceChoice::from).collect()),
            Err(orientation_core::Error::AmbiguousPlace { candidates, .. }) => {
                Ok(candidates.into_iter().map(PlaceChoice::from).collect())
            }
            Err(orientation_core::Error::UnknownPlace(_)) => Ok(Vec::new()),
            Err(e) => Err(e.into()),
        }
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

/// A commune to choose from: typing `postcode` (or `label`) as the location chooses it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlaceChoice {
    /// "Saint-Denis (93, Seine-Saint-Denis)".
    pub label: String,
    pub name: String,
    pub departement: Option<String>,
    pub postcode: String,
    pub insee: String,
}

impl From<orientation_core::territory::PlaceChoice> for PlaceChoice {
    fn from(c: orientation_core::territory::PlaceChoice) -> Self {
        PlaceChoice {
            label: c.label(),
            name: c.name,
            departement: c.departement,
            postcode: c.postcode,
            insee: c.insee,
        }
    }
}
