//! Favourites, notes, saved searches and comparisons: the user's own data, kept in the user database
//! (`db::user`), which a catalogue update never replaces.
//!
//! A favourite stores the catalogue id and a snapshot of what the user saw, so when an update removes or
//! changes the item the favourite stays, shows the snapshot and says so (`Availability`). Everything goes
//! through a [`Store`]: one writer connection, a small pool of readers, immediate write transactions.

mod items;
mod store;

pub mod compare;
pub mod export;
pub mod saved;

#[cfg(test)]
mod tests;

pub use items::availability;
pub use store::{Details, Store};

use crate::error::{Refusal, Result};
use crate::search::Kind;
use serde::{Deserialize, Serialize};

/// What a favourite points at. A session is one dated run of a training (LHEO).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Job,
    Training,
    Session,
    Place,
    Aid,
}

impl ItemKind {
    pub const ALL: [ItemKind; 5] = [
        ItemKind::Job,
        ItemKind::Training,
        ItemKind::Session,
        ItemKind::Place,
        ItemKind::Aid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Job => "job",
            ItemKind::Training => "training",
            ItemKind::Session => "session",
            ItemKind::Place => "place",
            ItemKind::Aid => "aid",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Job => "métier",
            ItemKind::Training => "formation",
            ItemKind::Session => "session",
            ItemKind::Place => "lieu",
            ItemKind::Aid => "aide",
        }
    }

    /// Only what one applies to has an application status.
    pub fn has_status(self) -> bool {
        matches!(self, ItemKind::Training | ItemKind::Session)
    }
}

impl From<Kind> for ItemKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Job => ItemKind::Job,
            Kind::Training => ItemKind::Training,
            Kind::Place => ItemKind::Place,
            Kind::Aid => ItemKind::Aid,
        }
    }
}

/// Where the user is with a training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    #[serde(rename = "a_etudier")]
    ToStudy,
    #[serde(rename = "a_contacter")]
    ToContact,
    #[serde(rename = "candidature_envoyee")]
    Applied,
    #[serde(rename = "accepte")]
    Accepted,
    #[serde(rename = "refuse")]
    Refused,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::ToStudy,
        Status::ToContact,
        Status::Applied,
        Status::Accepted,
        Status::Refused,
    ];

    /// The stored and exported code.
    pub fn code(self) -> &'static str {
        match self {
            Status::ToStudy => "a_etudier",
            Status::ToContact => "a_contacter",
            Status::Applied => "candidature_envoyee",
            Status::Accepted => "accepte",
            Status::Refused => "refuse",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::ToStudy => "à étudier",
            Status::ToContact => "à contacter",
            Status::Applied => "candidature envoyée",
            Status::Accepted => "accepté",
            Status::Refused => "refusé",
        }
    }

    /// A code or a label as typed: "à contacter", "a contacter", "A_CONTACTER", "acceptée".
    pub fn parse(text: &str) -> Option<Status> {
        let folded = crate::text::fold(text.trim());
        let key: String = folded
            .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        // Feminine forms: "acceptée", "refusée", "candidature envoyé".
        let key = key.trim_end_matches('e');
        Status::ALL
            .into_iter()
            .find(|s| s.code().trim_end_matches('e') == key)
    }
}

/// A favourite's target: its kind and catalogue id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ItemRef {
    pub kind: ItemKind,
    pub id: String,
}

impl ItemRef {
    pub fn new(kind: ItemKind, id: impl Into<String>) -> Self {
        ItemRef {
            kind,
            id: id.into(),
        }
    }

    /// An id as a user typed or a shell passed it: trimmed, and a job's ROME code in capitals ("d1102 "
    /// is the job D1102), as the catalogue writes them. Every face builds its references with this.
    pub fn typed(kind: ItemKind, id: &str) -> Self {
        let id = id.trim();
        let id = if kind == ItemKind::Job {
            id.to_uppercase()
        } else {
            id.to_string()
        };
        ItemRef { kind, id }
    }
}

/// The dates of one session, as ISO dates.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SessionDates {
    pub session_id: String,
    pub start: Option<String>,
    pub end: Option<String>,
}

/// What the user saw when adding the favourite; shown when the catalogue no longer has the item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Snapshot {
    pub title: String,
    /// Training body, place kind, aid institution or job domain.
    pub subtitle: Option<String>,
    /// Where: town(s) of a training, a place's postcode and town.
    pub place: Option<String>,
    /// The sessions of a training (or the one session), sorted by id.
    pub dates: Vec<SessionDates>,
    /// For a session: its training.
    pub training_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Favourite {
    /// Local row id (not exported: the catalogue id and kind identify a favourite).
    pub id: i64,
    pub kind: ItemKind,
    pub item_id: String,
    pub note: Option<String>,
    pub status: Option<Status>,
    pub tags: Vec<String>,
    pub position: i64,
    pub snapshot: Snapshot,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
}

impl Favourite {
    pub fn item(&self) -> ItemRef {
        ItemRef::new(self.kind, self.item_id.clone())
    }
}

/// Which favourites to list or count; every set field must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListFilter {
    pub kind: Option<ItemKind>,
    pub status: Option<Status>,
    pub tag: Option<String>,
}

/// How a favourite's item stands in the current catalogue, against the snapshot taken when it was added.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Availability {
    /// Unchanged.
    Offered,
    /// Title, body or place changed; here is what the catalogue says now.
    Updated {
        title: String,
        place: Option<String>,
    },
    /// Sessions were added, removed or moved; here are the current ones.
    DatesChanged { dates: Vec<SessionDates> },
    /// The catalogue no longer has it: the snapshot is all there is.
    NoLongerOffered,
}

impl Availability {
    pub fn label(&self) -> &'static str {
        match self {
            Availability::Offered => "toujours proposé",
            Availability::Updated { .. } => "modifié depuis l'ajout",
            Availability::DatesChanged { .. } => "dates modifiées",
            Availability::NoLongerOffered => "n'est plus proposé",
        }
    }
}

/// Longest note kept; a longer one is refused rather than cut.
pub const MAX_NOTE_CHARS: usize = 10_000;
pub const MAX_TAG_CHARS: usize = 40;
pub const MAX_TAGS: usize = 20;
const MAX_ID_CHARS: usize = 200;

pub(crate) fn clean_note(note: Option<&str>) -> Result<Option<String>> {
    let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(Refusal::NoteTooLong {
            max: MAX_NOTE_CHARS,
        }
        .into());
    }
    Ok(Some(note.to_string()))
}

/// A tag as stored: trimmed, inner blanks collapsed; no control characters.
pub(crate) fn clean_tag(tag: &str) -> Result<String> {
    let tag = tag.split_whitespace().collect::<Vec<_>>().join(" ");
    if tag.is_empty() {
        return Err(Refusal::EmptyTag.into());
    }
    if tag.chars().count() > MAX_TAG_CHARS || tag.chars().any(char::is_control) {
        return Err(Refusal::BadTag { max: MAX_TAG_CHARS }.into());
    }
    Ok(tag)
}

pub(crate) fn check_item_id(id: &str) -> Result<()> {
    if id.trim().is_empty() || id.chars().count() > MAX_ID_CHARS || id.chars().any(char::is_control)
    {
        return Err(Refusal::BadItemId.into());
    }
    Ok(())
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
