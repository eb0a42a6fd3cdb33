//! Filters on trainings (level, funding, teaching mode, dates, registration, duration, disability access)
//! and on jobs (grand domaine), and the per-document facts they are checked against.

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::codes::Recruitment;
use crate::text_fr;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionInfo {
    pub start: Option<u32>,
    pub registration_start: Option<u32>,
    pub registration_end: Option<u32>,
    /// LHEO état du recrutement: 1 open, 2 closed, 3 suspended.
    pub recruitment: Option<u8>,
}

/// Whether a session takes registrations on a given day, and what to tell the user. One rule for the
/// filter, the badge, the sheets and the compare table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Registration {
    /// Today lies in the registration period (or, with no period, the organisme says recruitment is open
    /// and the session has not started).
    Open { until: Option<u32> },
    /// The registration period is still to come.
    NotYetOpen { from: u32 },
    /// The period is over, or the organisme closed or suspended recruitment.
    Closed,
    /// The session has started (or started and is over) and nothing says it still admits.
    Past,
    /// Nothing is known: ask the organisme.
    Unknown,
}

impl Registration {
    pub fn is_open(self) -> bool {
        matches!(self, Registration::Open { .. })
    }

    /// The French words for it: "inscriptions ouvertes jusqu'au 22/05/2026", "session passée"…
    pub fn label(self) -> String {
        match self {
            Registration::Open { until: Some(d) } => {
                format!("inscriptions ouvertes jusqu'au {}", text_fr::date_number(d))
            }
            Registration::Open { until: None } => "inscriptions ouvertes".into(),
            Registration::NotYetOpen { from } => {
                format!("inscriptions à partir du {}", text_fr::date_number(from))
            }
            Registration::Closed => "inscriptions fermées".into(),
            Registration::Past => "session passée".into(),
            Registration::Unknown => "inscriptions : se renseigner auprès de l'organisme".into(),
        }
    }
}

impl SessionInfo {
    /// A session as the catalogue stores it: ISO dates ("2026-12-01"; a date that is no real day counts
    /// as unknown) and the LHEO recruitment code.
    pub fn from_catalogue(
        start: Option<&str>,
        registration_start: Option<&str>,
        registration_end: Option<&str>,
        recruitment: Option<i64>,
    ) -> SessionInfo {
        let day = |d: Option<&str>| d.and_then(crate::dates::iso_number);
        SessionInfo {
            start: day(start),
            registration_start: day(registration_start),
            registration_end: day(registration_end),
            recruitment: recruitment.and_then(|c| u8::try_from(c).ok()),
        }
    }

    /// The registration state on `today` (YYYYMMDD, Europe/Paris).
    pub fn registration(&self, today: u32) -> Registration {
        let recruitment = self
            .recruitment
            .and_then(|c| Recruitment::from_code(c.into()));
        if matches!(
            recruitment,
            Some(Recruitment::Closed | Recruitment::Suspended)
        ) {
            return if self.start.is_some_and(|s| s < today) {
                Registration::Past
            } else {
                Registration::Closed
            };
        }
        let started = self.start.is_some_and(|s| s < today);
        if self.registration_start.is_some() || self.registration_end.is_some() {
            if let Some(from) = self.registration_start.filter(|&f| today < f) {
                return Registration::NotYetOpen { from };
            }
            // A period with no end runs until the session starts.
            let end = self.registration_end.or(self.start);
            return match end {
                Some(e) if today > e => {
                    if started {
                        Registration::Past
                    } else {
                        Registration::Closed
                    }
                }
                // A period that runs past the start is the source saying the session still admits.
                until => Registration::Open { until },
            };
        }
        match (recruitment, started) {
            (_, true) => Registration::Past,
            (Some(Recruitment::Open), false) => Registration::Open { until: None },
            _ => Registration::Unknown,
        }
    }

    /// Registration is open on `today`.
    pub fn open_on(&self, today: u32) -> bool {
        self.registration(today).is_open()
    }
}

/// What a training offers, summed over its actions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainingInfo {
    /// European exit level 1–8.
    pub level: Option<u8>,
    pub funding: u8,
    pub modes: u8,
    pub hours: Option<u32>,
    pub disability_access: bool,
    pub sessions: Vec<SessionInfo>,
}

/// Serialisable for saved searches; a field missing from a stored filter set takes its default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filters {
    pub level_min: Option<u8>,
    pub level_max: Option<u8>,
    /// Any of these funding bits (0: any).
    pub funding: u8,
    /// Any of these teaching modes (0: any).
    pub modes: u8,
    /// A session starting in [start_after, start_before] (YYYYMMDD).
    pub start_after: Option<u32>,
    pub start_before: Option<u32>,
    pub registration_open: bool,
    pub max_hours: Option<u32>,
    pub disability_access: bool,
    /// Jobs of this grand domaine (ROME letter A–N).
    pub grand_domaine: Option<char>,
}

impl Filters {
    pub fn on_trainings(&self) -> bool {
        self.level_min.is_some()
            || self.level_max.is_some()
            || self.funding != 0
            || self.modes != 0
            || self.start_after.is_some()
            || self.start_before.is_some()
            || self.registration_open
            || self.max_hours.is_some()
            || self.disability_access
    }

    pub fn is_empty(&self) -> bool {
        !self.on_trainings() && self.grand_domaine.is_none()
    }

    pub fn accepts_training(&self, t: &TrainingInfo, today: u32) -> bool {
        let level_ok = match (t.level, self.level_min, self.level_max) {
            (_, None, None) => true,
            (None, _, _) => false,
            (Some(l), min, max) => min.is_none_or(|m| l >= m) && max.is_none_or(|m| l <= m),
        };
        let sessions_ok =
            if self.start_after.is_none() && self.start_before.is_none() && !self.registration_open
            {
                true
            } else {
                t.sessions.iter().any(|s| {
                    let start_ok = match (s.start, self.start_after, self.start_before) {
                        (_, None, None) => true,
                        (None, _, _) => false,
                        (Some(d), a, b) => a.is_none_or(|a| d >= a) && b.is_none_or(|b| d <= b),
                    };
                    start_ok && (!self.registration_open || s.open_on(today))
                })
            };
        level_ok
            && sessions_ok
            && (self.funding == 0 || t.funding & self.funding != 0)
            && (self.modes == 0 || t.modes & self.modes != 0)
            && self
                .max_hours
                .is_none_or(|m| t.hours.is_some_and(|h| h <= m))
            && (!self.disability_access || t.disability_access)
    }
}

/// Counts of the results by kind and by the values the filters offer, for the shells' filter chips.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Facets {
    pub kinds: Vec<(super::Kind, usize)>,
    /// ROME grand domaine letters (labels: `Catalogue::grand_domaine_label`).
    pub grand_domaines: Vec<(char, usize)>,
    pub levels: Vec<(u8, usize)>,
    pub funding: Vec<(crate::codes::Funding, usize)>,
    pub modes: Vec<(crate::codes::TeachingMode, usize)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::codes::{Funding, TeachingMode};

    fn session(
        start: u32,
        reg: (Option<u32>, Option<u32>),
        recruitment: Option<u8>,
    ) -> SessionInfo {
        SessionInfo {
            start: Some(start),
            registration_start: reg.0,
            registration_end: reg.1,
            recruitment,
        }
    }

    #[test]
    fn registration_is_open_only_when_today_allows_it() {
        let today = 2026_12_01;
        // The sessions of 2017–2018 the source marks "open": past, not open.
        let old = session(2018_06_04, (None, Some(2018_05_22)), Some(1));
        assert_eq!(old.registration(today), Registration::Past);
        let old = session(2017_09_04, (None, None), Some(1));
        assert_eq!(old.registration(today), Registration::Past);
        // Open with no period: until the session starts.
        let next = session(2027_01_10, (None, None), Some(1));
        assert_eq!(next.registration(today), Registration::Open { until: None });
        // A period that covers today.
        let p = session(2027_01_10, (Some(2026_11_01), Some(2026_12_15)), None);
        assert_eq!(
            p.registration(today),
            Registration::Open {
                until: Some(2026_12_15)
            }
        );
        assert!(p.registration(2026_12_15).is_open());
        assert_eq!(p.registration(2026_12_16), Registration::Closed);
        assert_eq!(
            p.registration(2026_10_31),
            Registration::NotYetOpen { from: 2026_11_01 }
        );
        // A period that runs past the start: the session still admits.
        let late = session(2026_11_20, (Some(2026_10_01), Some(2026_12_20)), None);
        assert!(late.registration(today).is_open());
        // The organisme closed it: closed whatever the dates.
        let closed = session(2027_01_10, (Some(2026_11_01), Some(2026_12_15)), Some(2));
        assert_eq!(closed.registration(today), Registration::Closed);
        // Nothing known.
        let unknown = session(2027_01_10, (None, None), None);
        assert_eq!(unknown.registration(today), Registration::Unknown);
        assert_eq!(
            p.registration(today).label(),
            "inscriptions ouvertes jusqu'au 15/12/2026"
        );
    }

    fn training() -> TrainingInfo {
        TrainingInfo {
            level: Some(3),
            funding: Funding::Region.bit() | Funding::Cpf.bit(),
            modes: TeachingMode::Presentiel.bit(),
            hours: Some(400),
            disability_access: true,
            sessions: vec![
                SessionInfo {
                    start: Some(2026_12_01),
                    registration_start: Some(2026_10_01),
                    registration_end: Some(2026_11_30),
                    recruitment: None,
                },
                SessionInfo {
                    start: Some(2027_03_01),
                    recruitment: Some(2),
                    ..Default::default()
                },
            ],
        }
    }

    #[test]
    fn each_training_filter() {
        let t = training();
        let today = 2026_11_23;
        let ok = |f: Filters| f.accepts_training(&t, today);
        assert!(ok(Filters::default()));
        assert!(ok(Filters {
            level_min: Some(3),
            level_max: Some(4),
            ..Default::default()
        }));
        assert!(!ok(Filters {
            level_min: Some(4),
            ..Default::default()
        }));
        assert!(ok(Filters {
            funding: Funding::Cpf.bit(),
            ..Default::default()
        }));
        assert!(!ok(Filters {
            funding: Funding::Opco.bit() | Funding::Agefiph.bit(),
            ..Default::default()
        }));
        assert!(ok(Filters {
            modes: TeachingMode::Presentiel.bit() | TeachingMode::Distance.bit(),
            ..Default::default()
        }));
        assert!(!ok(Filters {
            modes: TeachingMode::Distance.bit(),
            ..Default::default()
        }));
        assert!(ok(Filters {
            start_after: Some(2026_12_01),
            start_before: Some(2026_12_31),
            ..Default::default()
        }));
        assert!(!ok(Filters {
            start_after: Some(2027_04_01),
            ..Default::default()
        }));
        assert!(ok(Filters {
            registration_open: true,
            ..Default::default()
        }));
        // The only open session starts in December: open registration + a March start finds nothing.
        assert!(!ok(Filters {
            registration_open: true,
            start_after: Some(2027_01_01),
            ..Default::default()
        }));
        assert!(!Filters {
            registration_open: true,
            ..Default::default()
        }
        .accepts_training(&t, 2026_12_15));
        assert!(ok(Filters {
            max_hours: Some(400),
            ..Default::default()
        }));
        assert!(!ok(Filters {
            max_hours: Some(399),
            ..Default::default()
        }));
        assert!(ok(Filters {
            disability_access: true,
            ..Default::default()
        }));
    }
}
