//! Favourites, saved searches and compare, as the shells see them. The store (user.db in the data
//! directory) is the core's; this file shapes its answers into records for the screens and maps the
//! core's validation errors onto the public error.

use crate::catalogue::Catalogue;
use crate::compare::Comparison;
use crate::error::{OrientationError, Result};
use crate::search::{Location, SearchPage, SearchQuery};
use orientation_core::favourites::compare as core_compare;
use orientation_core::favourites::saved::{SavedNews as CoreNews, SavedSearch as CoreSaved};
use orientation_core::favourites::{self as core_fav, Details, ItemRef, Store};
use orientation_core::territory::Point;
use std::path::PathBuf;
use std::sync::Arc;

/// What a favourite points at. A session is one dated run of a training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum FavouriteKind {
    Job,
    Training,
    Session,
    Place,
    Aid,
}

impl From<FavouriteKind> for core_fav::ItemKind {
    fn from(k: FavouriteKind) -> Self {
        match k {
            FavouriteKind::Job => core_fav::ItemKind::Job,
            FavouriteKind::Training => core_fav::ItemKind::Training,
            FavouriteKind::Session => core_fav::ItemKind::Session,
            FavouriteKind::Place => core_fav::ItemKind::Place,
            FavouriteKind::Aid => core_fav::ItemKind::Aid,
        }
    }
}

impl From<core_fav::ItemKind> for FavouriteKind {
    fn from(k: core_fav::ItemKind) -> Self {
        match k {
            core_fav::ItemKind::Job => FavouriteKind::Job,
            core_fav::ItemKind::Training => FavouriteKind::Training,
            core_fav::ItemKind::Session => FavouriteKind::Session,
            core_fav::ItemKind::Place => FavouriteKind::Place,
            core_fav::ItemKind::Aid => FavouriteKind::Aid,
        }
    }
}

impl From<crate::search::ItemKind> for FavouriteKind {
    fn from(k: crate::search::ItemKind) -> Self {
        match k {
            crate::search::ItemKind::Job => FavouriteKind::Job,
            crate::search::ItemKind::Training => FavouriteKind::Training,
            crate::search::ItemKind::Place => FavouriteKind::Place,
            crate::search::ItemKind::Aid => FavouriteKind::Aid,
        }
    }
}

/// Where the user is with a training (only trainings and sessions have one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ApplicationStatus {
    ToStudy,
    ToContact,
    Applied,
    Accepted,
    Refused,
}

impl From<ApplicationStatus> for core_fav::Status {
    fn from(s: ApplicationStatus) -> Self {
        match s {
            ApplicationStatus::ToStudy => core_fav::Status::ToStudy,
            ApplicationStatus::ToContact => core_fav::Status::ToContact,
            ApplicationStatus::Applied => core_fav::Status::Applied,
            ApplicationStatus::Accepted => core_fav::Status::Accepted,
            ApplicationStatus::Refused => core_fav::Status::Refused,
        }
    }
}

impl From<core_fav::Status> for ApplicationStatus {
    fn from(s: core_fav::Status) -> Self {
        match s {
            core_fav::Status::ToStudy => ApplicationStatus::ToStudy,
            core_fav::Status::ToContact => ApplicationStatus::ToContact,
            core_fav::Status::Applied => ApplicationStatus::Applied,
            core_fav::Status::Accepted => ApplicationStatus::Accepted,
            core_fav::Status::Refused => ApplicationStatus::Refused,
        }
    }
}

/// The French label of a status ("candidature envoyée"), for the chips.
#[uniffi::export]
pub fn application_status_label(status: ApplicationStatus) -> String {
    core_fav::Status::from(status).label().to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SessionDates {
    pub session_id: String,
    /// "AAAA-MM-JJ".
    pub start: Option<String>,
    pub end: Option<String>,
}

impl From<core_fav::SessionDates> for SessionDates {
    fn from(d: core_fav::SessionDates) -> Self {
        SessionDates {
            session_id: d.session_id,
            start: d.start,
            end: d.end,
        }
    }
}

/// How a favourite's item stands in today's catalogue, against what the user saw when adding it.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Availability {
    Offered,
    /// Title or place changed: what the catalogue says now.
    Updated {
        title: String,
        place: Option<String>,
    },
    /// Sessions added, removed or moved: the current ones.
    DatesChanged {
        dates: Vec<SessionDates>,
    },
    /// Gone from the catalogue: the favourite keeps what the user saw.
    NoLongerOffered,
}

impl From<core_fav::Availability> for Availability {
    fn from(a: core_fav::Availability) -> Self {
        match a {
            core_fav::Availability::Offered => Availability::Offered,
            core_fav::Availability::Updated { title, place } => {
                Availability::Updated { title, place }
            }
            core_fav::Availability::DatesChanged { dates } => Availability::DatesChanged {
                dates: dates.into_iter().map(Into::into).collect(),
            },
            core_fav::Availability::NoLongerOffered => Availability::NoLongerOffered,
        }
    }
}

/// One favourite, ready for its row: what the user saw (title, subtitle, place, dates), their note,
/// status and tags, and how the item stands now.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Favourite {
    pub kind: FavouriteKind,
    /// The catalogue id: opens the sheet.
    pub item_id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub place: Option<String>,
    pub dates: Vec<SessionDates>,
    pub note: Option<String>,
    pub status: Option<ApplicationStatus>,
    pub tags: Vec<String>,
    /// 0 first, in the user's order.
    pub position: i64,
    /// Unix seconds.
    pub created_at: i64,
    pub availability: Availability,
    /// "toujours proposé", "dates modifiées", "n'est plus proposé"…
    pub availability_label: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct FavouriteFilter {
    #[uniffi(default = None)]
    pub kind: Option<FavouriteKind>,
    #[uniffi(default = None)]
    pub status: Option<ApplicationStatus>,
    #[uniffi(default = None)]
    pub tag: Option<String>,
}

/// What the user can give while adding a favourite (the "add with a note" sheet): set in the same
/// transaction as the add, so a refused detail adds nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct FavouriteDetails {
    #[uniffi(default = None)]
    pub note: Option<String>,
    /// Trainings and sessions only.
    #[uniffi(default = None)]
    pub status: Option<ApplicationStatus>,
    #[uniffi(default = [])]
    pub tags: Vec<String>,
}

/// An item of a page, to ask which are favourites.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ItemId {
    pub kind: FavouriteKind,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SavedSearch {
    pub id: i64,
    pub name: String,
    /// The words searched (the filters are kept with it and replayed by `run_saved_search`).
    pub text: String,
    pub created_at: i64,
    /// When the user last looked; none for a search imported and never opened since.
    pub seen_at: Option<i64>,
}

impl From<&CoreSaved> for SavedSearch {
    fn from(s: &CoreSaved) -> Self {
        SavedSearch {
            id: s.id,
            name: s.name.clone(),
            text: s.query.text.clone(),
            created_at: s.created_at,
            seen_at: s.seen_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewResult {
    pub kind: crate::search::ItemKind,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SessionNews {
    pub training_id: String,
    pub training_title: String,
    pub session_id: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub registration_open: bool,
}

/// What is new for one saved search since the user last looked: the shells make a notification of it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SavedSearchNews {
    pub search_id: i64,
    pub name: String,
    pub new_results: Vec<NewResult>,
    /// New sessions of trainings the user had already seen.
    pub new_sessions: Vec<SessionNews>,
    /// Sessions whose registration has opened since.
    pub registrations_opened: Vec<SessionNews>,
}

impl From<CoreNews> for SavedSearchNews {
    fn from(n: CoreNews) -> Self {
        let sessions = |v: Vec<orientation_core::favourites::saved::SessionNews>| {
            v.into_iter()
                .map(|s| SessionNews {
                    training_id: s.training_id,
                    training_title: s.training_title,
                    session_id: s.session_id,
                    start: s.start,
                    end: s.end,
                    registration_open: s.registration_open,
                })
                .collect()
        };
        SavedSearchNews {
            search_id: n.search_id,
            name: n.name,
            new_results: n
                .new_results
                .into_iter()
                .map(|h| NewResult {
                    kind: h.kind.into(),
                    id: h.id,
                    title: h.title,
                })
                .collect(),
            new_sessions: sessions(n.new_sessions),
            registrations_opened: sessions(n.opened),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportSummary {
    pub favourites_added: u32,
    pub favourites_updated: u32,
    pub favourites_kept: u32,
    pub searches_added: u32,
    pub searches_kept: u32,
    /// The document's "Découvrir" profile replaced this one (none here, or older).
    pub profile_imported: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ExportSummary {
    pub favourites: u32,
    pub saved_searches: u32,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The favourites of the user, their saved searches, and the comparison of trainings. Every method may
/// be called from any thread (many readers, one writer at a time; a writer waits rather than failing);
/// they touch the disk: call them off the main thread.
#[derive(uniffi::Object)]
pub struct Favourites {
    store: Arc<Store>,
    catalogue: Box<dyn Fn() -> Result<Arc<Catalogue>> + Send + Sync>,
}

impl Favourites {
    pub(crate) fn new(
        store: Arc<Store>,
        catalogue: Box<dyn Fn() -> Result<Arc<Catalogue>> + Send + Sync>,
    ) -> Favourites {
        Favourites { store, catalogue }
    }

    fn favourite(&self, fav: core_fav::Favourite) -> Result<Favourite> {
        // Without a catalogue (not built yet) the snapshot is all there is: say "offered" rather than
        // "gone", the item may well be there once the catalogue is built.
        let availability = match (self.catalogue)() {
            Ok(cat) => core_fav::availability(&cat.db(), &fav)?,
            Err(OrientationError::CatalogueMissing) => core_fav::Availability::Offered,
            Err(e) => return Err(e),
        };
        let label = availability.label().to_string();
        Ok(Favourite {
            kind: fav.kind.into(),
            item_id: fav.item_id,
            title: fav.snapshot.title,
            subtitle: fav.snapshot.subtitle,
            place: fav.snapshot.place,
            dates: fav.snapshot.dates.into_iter().map(Into::into).collect(),
            note: fav.note,
            status: fav.status.map(Into::into),
            tags: fav.tags,
            position: fav.position,
            created_at: fav.created_at,
            availability: availability.into(),
            availability_label: label,
        })
    }

    fn saved(&self, id: i64) -> Result<CoreSaved> {
        self.store
            .saved_search(id)?
            .ok_or(OrientationError::UnknownId)
    }
}

fn item(kind: FavouriteKind, id: &str) -> ItemRef {
    ItemRef::typed(kind.into(), id)
}

#[uniffi::export]
impl Favourites {
    /// Adds a catalogue item (of `kind`, or whatever kind has this id) with a snapshot of how it looks
    /// now; adding it again changes nothing but the `details` given (note and status replaced, tags
    /// added). `UnknownId` when the catalogue has no such item; `InvalidInput` for a refused detail, and
    /// then nothing is added.
    #[uniffi::method(default(kind = None, details = None))]
    pub fn add(
        &self,
        id: String,
        kind: Option<FavouriteKind>,
        details: Option<FavouriteDetails>,
    ) -> Result<Favourite> {
        let cat = (self.catalogue)()?;
        let details = details.unwrap_or_default();
        let tags: Vec<&str> = details.tags.iter().map(String::as_str).collect();
        let core_details = Details {
            note: details.note.as_deref(),
            status: details.status.map(Into::into),
            tags: &tags,
        };
        let (fav, _) = self
            .store
            .add_with(&cat.db(), &id, kind.map(Into::into), &core_details)?;
        self.favourite(fav)
    }

    /// False when it was not a favourite.
    pub fn remove(&self, kind: FavouriteKind, id: String) -> Result<bool> {
        Ok(self.store.remove(&item(kind, &id))?)
    }

    /// Sets the note (none or blank removes it). `InvalidInput` above 10,000 characters.
    pub fn set_note(
        &self,
        kind: FavouriteKind,
        id: String,
        note: Option<String>,
    ) -> Result<Favourite> {
        let fav = self.store.set_note(&item(kind, &id), note.as_deref())?;
        self.favourite(fav)
    }

    /// Trainings and sessions only (`InvalidInput` otherwise); none clears it.
    pub fn set_status(
        &self,
        kind: FavouriteKind,
        id: String,
        status: Option<ApplicationStatus>,
    ) -> Result<Favourite> {
        let fav = self
            .store
            .set_status(&item(kind, &id), status.map(Into::into))?;
        self.favourite(fav)
    }

    pub fn add_tags(
        &self,
        kind: FavouriteKind,
        id: String,
        tags: Vec<String>,
    ) -> Result<Favourite> {
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        let fav = self.store.add_tags(&item(kind, &id), &tags)?;
        self.favourite(fav)
    }

    pub fn remove_tags(
        &self,
        kind: FavouriteKind,
        id: String,
        tags: Vec<String>,
    ) -> Result<Favourite> {
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        let fav = self.store.remove_tags(&item(kind, &id), &tags)?;
        self.favourite(fav)
    }

    /// Moves a favourite to `index` in the user's order (0 first; past the end: last).
    pub fn move_to(&self, kind: FavouriteKind, id: String, index: u32) -> Result<()> {
        self.store
            .move_to(&item(kind, &id), index as usize)
            .map_err(OrientationError::from)
    }

    /// In the user's order.
    pub fn list(&self, filter: FavouriteFilter) -> Result<Vec<Favourite>> {
        let filter = core_fav::ListFilter {
            kind: filter.kind.map(Into::into),
            status: filter.status.map(Into::into),
            tag: filter.tag,
        };
        self.store
            .list(&filter)?
            .into_iter()
            .map(|f| self.favourite(f))
            .collect()
    }

    pub fn is_favourite(&self, kind: FavouriteKind, id: String) -> Result<bool> {
        Ok(self.store.is_favourite(&item(kind, &id))?)
    }

    /// For each item, whether it is a favourite: one call for a whole page (search pages already carry
    /// `is_favourite`).
    pub fn are_favourites(&self, items: Vec<ItemId>) -> Result<Vec<bool>> {
        let refs: Vec<(core_fav::ItemKind, &str)> =
            items.iter().map(|i| (i.kind.into(), i.id.trim())).collect();
        Ok(self.store.contains_many(&refs)?)
    }

    /// The user has seen how the item changed: keep what the catalogue says now as the snapshot.
    pub fn acknowledge_change(&self, kind: FavouriteKind, id: String) -> Result<Favourite> {
        let cat = (self.catalogue)()?;
        let fav = self.store.refresh_snapshot(&cat.db(), &item(kind, &id))?;
        self.favourite(fav)
    }

    /// Saves a search under a name, what it finds now counting as seen. `InvalidInput` when the name is
    /// empty, longer than 80 characters or already taken.
    pub fn save_search(&self, name: String, query: SearchQuery) -> Result<SavedSearch> {
        let cat = (self.catalogue)()?;
        let q = query.to_core(|l| crate::search::locate(&cat.db(), l))?;
        let saved = self
            .store
            .save_search(&cat.db(), cat.engine(), &name, &q, cat.today())?;
        Ok((&saved).into())
    }

    /// By name.
    pub fn saved_searches(&self) -> Result<Vec<SavedSearch>> {
        Ok(self
            .store
            .saved_searches()?
            .iter()
            .map(Into::into)
            .collect())
    }

    pub fn remove_saved_search(&self, id: i64) -> Result<bool> {
        Ok(self.store.remove_saved_search(id)?)
    }

    /// Runs a saved search again, with its filters: the page it opens on.
    pub fn run_saved_search(&self, id: i64) -> Result<SearchPage> {
        let saved = self.saved(id)?;
        (self.catalogue)()?.page(saved.query)
    }

    /// What is new for every saved search since the user last looked (after a catalogue update, or on
    /// demand). Changes nothing: `mark_seen` when the user has looked.
    pub fn check_saved_searches(&self) -> Result<Vec<SavedSearchNews>> {
        let cat = (self.catalogue)()?;
        let news = self
            .store
            .check_saved_searches(&cat.db(), cat.engine(), cat.today())?;
        Ok(news.into_iter().map(Into::into).collect())
    }

    pub fn mark_seen(&self, id: i64) -> Result<()> {
        let saved = self.saved(id)?;
        let cat = (self.catalogue)()?;
        let db = cat.db();
        self.store
            .mark_seen(&db, cat.engine(), &saved, cat.today())
            .map_err(OrientationError::from)
    }

    /// Two to four trainings side by side, with distances from `from` when given. `InvalidInput` for
    /// fewer than 2, more than 4 or the same training twice; `UnknownId` for an id that is not a training.
    pub fn compare(&self, training_ids: Vec<String>, from: Option<Location>) -> Result<Comparison> {
        let cat = (self.catalogue)()?;
        let db = cat.db();
        let from = match from {
            None => None,
            Some(Location::Coordinates { lat, lon }) => {
                Some(Point::checked(lat, lon).map_err(orientation_core::Error::from)?)
            }
            Some(Location::Typed { text }) => Some(db.resolve_place(&text)?.point),
        };
        let ids: Vec<&str> = training_ids.iter().map(String::as_str).collect();
        let comparison = core_compare::compare(&db, &ids, from, cat.today())?;
        Ok(comparison.into())
    }

    /// Writes every favourite and saved search to `path` as a versioned document the user can keep, move
    /// to a new phone or send to an advisor (whole or not at all, synced to disk).
    pub fn export_to(&self, path: String) -> Result<ExportSummary> {
        let doc = self.store.export_document()?;
        let json = serde_json::to_string_pretty(&doc).map_err(|_| OrientationError::Internal)?;
        orientation_core::files::write_atomic(&PathBuf::from(path), json.as_bytes())?;
        Ok(ExportSummary {
            favourites: count(doc.favourites.len()),
            saved_searches: count(doc.saved_searches.len()),
        })
    }

    /// Reads a document written by `export_to` and merges it in. A truncated, malformed or newer-version
    /// document is refused whole (`InvalidExport`) and nothing changes.
    pub fn import_from(&self, path: String) -> Result<ImportSummary> {
        let bytes = std::fs::read(&path).map_err(|e| {
            tracing::warn!(kind = %e.kind(), "lecture de l'export impossible");
            OrientationError::Storage
        })?;
        let s = self.store.import_json(&bytes)?;
        Ok(ImportSummary {
            favourites_added: count(s.favourites_added),
            favourites_updated: count(s.favourites_updated),
            favourites_kept: count(s.favourites_kept),
            searches_added: count(s.searches_added),
            searches_kept: count(s.searches_kept),
            profile_imported: s.profile_imported,
        })
    }
}
