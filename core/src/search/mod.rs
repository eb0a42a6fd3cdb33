//! Search over the catalogue: French text folding, query building, ranking, kind and distance filters.

// Query text comes from the user: a byte offset into it may fall inside a character. Tests slice their
// own fixed text and are left out. `clippy::indexing_slicing` is not denied here: the engine's hot loops
// index its own parallel arrays (`kind[d]`, `prior[d]`, postings ranges) by document numbers it built
// itself, and `.get()` on each would cost bounds handling in the innermost loop for no safety gained
// (the arrays are checked once, when the index is read: `Engine::read_from`). The modules that read
// user text alone (crate::text, filters, french, crate::territory) deny it at their top.
#![cfg_attr(not(test), deny(clippy::string_slice))]

pub mod doc;
pub mod domains;
pub mod engine;
pub mod expand;
pub mod filters;
pub mod french;
pub mod fuzzy;

use crate::codes::{self, Funding, TeachingMode};
use crate::dates;
use crate::error::InputError;
use crate::territory::Point;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Job,
    Training,
    Place,
    Aid,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Job => "job",
            Kind::Training => "training",
            Kind::Place => "place",
            Kind::Aid => "aid",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "job" => Some(Kind::Job),
            "training" => Some(Kind::Training),
            "place" => Some(Kind::Place),
            "aid" => Some(Kind::Aid),
            _ => None,
        }
    }

    /// As a person names it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Job => "métier",
            Kind::Training => "formation",
            Kind::Place => "lieu",
            Kind::Aid => "aide",
        }
    }

    /// Plural, for counts: "43 métiers".
    pub fn plural_label(self) -> &'static str {
        match self {
            Kind::Job => "métiers",
            Kind::Training => "formations",
            Kind::Place => "lieux",
            Kind::Aid => "aides",
        }
    }
}

/// Serialisable so a saved search can store it; fields missing from an older stored query take their
/// default, so adding a field never breaks saved searches.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Query {
    pub text: String,
    pub kind: Option<Kind>,
    pub near: Option<Point>,
    pub radius_km: f64,
    pub limit: usize,
    pub filters: filters::Filters,
    /// The date "registration open" is judged on (YYYYMMDD); today when None.
    pub today: Option<u32>,
    /// How the user named `near` ("Aix-en-Provence (13100)"), to say it back.
    pub near_label: Option<String>,
    /// The area codes of `near` (its commune, postcode, département, région: "com:13055", "dep:13"…),
    /// for aids limited to a territory. Empty: only national aids are certain to apply.
    pub near_areas: Vec<String>,
    /// Read a place among the words ("bts commerce lyon") and search near it (issue 10). False: the
    /// words are searched as typed (the shell's "search again without this place").
    pub read_place: bool,
}

impl Default for Query {
    fn default() -> Self {
        Query::new("")
    }
}

/// The largest page a face may ask for, and the widest radius: one call stays cheap whatever is sent.
pub const MAX_LIMIT: usize = 500;
pub const MAX_RADIUS_KM: u32 = 1000;

/// A radius someone chose: more than nothing and at most [`MAX_RADIUS_KM`] (metropolitan France is
/// about 1,000 km across). The one check of every radius, search and quiz alike.
pub fn checked_radius(km: f64) -> std::result::Result<f64, InputError> {
    (km.is_finite() && km > 0.0 && km <= f64::from(MAX_RADIUS_KM))
        .then_some(km)
        .ok_or(InputError::Radius { max: MAX_RADIUS_KM })
}
/// A pasted page of text is not a query: its beginning is searched.
pub const MAX_TEXT_CHARS: usize = 200;

/// A search as a face receives it, before any check: the CLI's arguments and the FFI's records fill it,
/// `validate` checks it once with the same messages for both.
#[derive(Debug, Clone, Default)]
pub struct QueryRequest {
    pub text: String,
    pub kind: Option<Kind>,
    /// Already resolved by the catalogue (a typed place needs its communes).
    pub near: Option<Point>,
    pub radius_km: Option<f64>,
    pub limit: Option<i64>,
    pub level_min: Option<u8>,
    pub level_max: Option<u8>,
    pub funding: Vec<Funding>,
    pub modes: Vec<TeachingMode>,
    /// As typed: "AAAA-MM-JJ" or "JJ/MM/AAAA".
    pub start_after: Option<String>,
    pub start_before: Option<String>,
    pub registration_open: bool,
    pub max_hours: Option<i64>,
    pub disability_access: bool,
    /// A ROME grand domaine letter, A to N.
    pub grand_domaine: Option<String>,
    /// Search the words as typed: no place is read among them (the removed chip of the shell).
    pub no_place_in_words: bool,
}

impl QueryRequest {
    pub fn validate(self) -> Result<Query, InputError> {
        let mut q = Query::new(self.text.chars().take(MAX_TEXT_CHARS).collect::<String>());
        q.kind = self.kind;
        q.near = self.near;
        q.read_place = !self.no_place_in_words;
        if let Some(limit) = self.limit {
            q.limit = usize::try_from(limit)
                .ok()
                .filter(|l| (1..=MAX_LIMIT).contains(l))
                .ok_or(InputError::Limit { max: MAX_LIMIT })?;
        }
        if let Some(r) = self.radius_km {
            q.radius_km = checked_radius(r)?;
        }
        let f = &mut q.filters;
        for l in [self.level_min, self.level_max].into_iter().flatten() {
            codes::checked_level(l.into())?;
        }
        f.level_min = self.level_min;
        f.level_max = self.level_max;
        f.funding = Funding::mask(self.funding);
        f.modes = self.modes.iter().fold(0, |m, x| m | x.bit());
        f.start_after = self
            .start_after
            .as_deref()
            .map(dates::typed_number)
            .transpose()?;
        f.start_before = self
            .start_before
            .as_deref()
            .map(dates::typed_number)
            .transpose()?;
        f.registration_open = self.registration_open;
        f.max_hours = self
            .max_hours
            .map(|h| u32::try_from(h).map_err(|_| InputError::Hours))
            .transpose()?;
        f.disability_access = self.disability_access;
        f.grand_domaine = match self.grand_domaine.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => {
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if ('A'..='N').contains(&c.to_ascii_uppercase()) => {
                        Some(c.to_ascii_uppercase())
                    }
                    _ => return Err(InputError::Domain(crate::error::echo(text))),
                }
            }
        };
        Ok(q)
    }
}

impl Query {
    pub fn new(text: impl Into<String>) -> Self {
        Query {
            text: text.into(),
            kind: None,
            near: None,
            radius_km: 30.0,
            limit: 10,
            filters: filters::Filters::default(),
            today: None,
            near_label: None,
            near_areas: Vec::new(),
            read_place: true,
        }
    }
}

/// How the place searched around was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NearFrom {
    /// Given by the user (`--near`, the shell's location).
    Given,
    /// A postcode among the words ("formation cariste 13001").
    Postcode,
    /// A commune name among the words ("bts commerce lyon", "près de Rennes").
    Commune,
    /// A département number among the words ("cap cuisine 13").
    Departement,
}

/// The place a search ran around, as the page says it back (the shell's removable chip).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Near {
    /// "Marseille (13)", "Marseille (13001)", "Bouches-du-Rhône (13)".
    pub label: String,
    pub found_by: NearFrom,
    /// The words of the query read as the place ("pres de rennes"); none for a given place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<String>,
    /// "près de Marseille (13)".
    pub said: String,
    /// Area codes of the place (its commune, postcodes, département, région), for checks and aids.
    #[serde(skip)]
    pub areas: Vec<String>,
    #[serde(skip)]
    pub point: Option<Point>,
}

/// The kind the words ask for ("formation", "BTS" → trainings first): a boost, not a filter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Intent {
    pub kind: Kind,
    /// The words that said it, folded ("formation", "mission locale").
    pub words: String,
    /// "formations en premier".
    pub said: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    pub kind: Kind,
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// The job's ROME fiche code (for kind job); null for the other kinds.
    pub rome: Option<String>,
    pub score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    /// Where it is, in words, when the search is near a place: "3,4 km", or "à Marseille" for what is
    /// only placed at its commune's centre (no false precision).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub badges: Vec<Badge>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BadgeKind {
    /// A session of the training takes registrations today (`filters::Registration`).
    RegistrationOpen,
    /// The training can be followed at a distance.
    DistanceLearning,
}

/// A small label drawn on a result: `label` is the French text (colour is never the only signal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Badge {
    pub kind: BadgeKind,
    pub label: &'static str,
}

impl Badge {
    pub fn new(kind: BadgeKind) -> Badge {
        let label = match kind {
            BadgeKind::RegistrationOpen => "inscriptions ouvertes",
            BadgeKind::DistanceLearning => "à distance",
        };
        Badge { kind, label }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> QueryRequest {
        QueryRequest {
            text: "cariste".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_request_is_checked_once_with_real_dates() {
        let ok = QueryRequest {
            start_after: Some("01/12/2026".into()),
            start_before: Some("2026-12-31".into()),
            limit: Some(500),
            radius_km: Some(1000.0),
            ..request()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.filters.start_after, Some(2026_12_01));
        assert_eq!(ok.filters.start_before, Some(2026_12_31));
        for bad in ["2026-02-31", "2026-13-45", "01-12-2026"] {
            let r = QueryRequest {
                start_after: Some(bad.into()),
                ..request()
            }
            .validate();
            assert_eq!(r.unwrap_err(), InputError::Date(bad.into()));
        }
        for limit in [0, 501, -1] {
            let r = QueryRequest {
                limit: Some(limit),
                ..request()
            };
            assert_eq!(r.validate().unwrap_err(), InputError::Limit { max: 500 });
        }
        for radius in [0.0, -3.0, 1000.5, f64::NAN] {
            let r = QueryRequest {
                radius_km: Some(radius),
                ..request()
            };
            assert!(matches!(r.validate(), Err(InputError::Radius { .. })));
        }
        let r = QueryRequest {
            grand_domaine: Some("Z".into()),
            ..request()
        };
        assert!(matches!(r.validate(), Err(InputError::Domain(_))));
        let long = QueryRequest {
            text: "a".repeat(10_000),
            ..request()
        };
        assert_eq!(long.validate().unwrap().text.len(), MAX_TEXT_CHARS);
    }
}
