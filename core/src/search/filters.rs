//! Filters on trainings (level, funding, teaching mode, dates, registration, duration, disability access)
//! and on jobs (grand domaine), and the per-document facts they are checked against.

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use serde::{Deserialize, Serialize};

/// Funding categories, as bits of a mask. Derived from LHEO `code-financeur` values.
pub const FUNDING: [(&str, u8); 8] = [
    ("Région", 1),
    ("France Travail", 2),
    ("CPF", 4),
    ("OPCO", 8),
    ("Agefiph", 16),
    ("État", 32),
    ("Entreprise", 64),
    ("Personnel", 128),
];

pub fn funding_bit(category: &str) -> u8 {
    FUNDING
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(category))
        .map(|(_, b)| *b)
        .unwrap_or(0)
}

/// Teaching modes, as bits of a mask.
pub const MODES: [(&str, u8); 3] = [("presentiel", 1), ("mixte", 2), ("distance", 4)];

pub fn mode_bit(mode: &str) -> u8 {
    MODES
        .iter()
        .find(|(name, _)| *name == mode)
        .map(|(_, b)| *b)
        .unwrap_or(0)
}

/// A level as people write it: European 1–8, or the older French V–I (V = CAP, IV = bac, III = bac+2,
/// II = bac+3/4, I = bac+5 and more).
pub fn parse_level(text: &str) -> Option<u8> {
    let t = text.trim().to_ascii_uppercase();
    let t = t.trim_start_matches("NIVEAU").trim();
    match t {
        "V" => Some(3),
        "IV" => Some(4),
        "III" => Some(5),
        "II" => Some(6),
        "I" => Some(7),
        _ => t.parse::<u8>().ok().filter(|l| (1..=8).contains(l)),
    }
}

/// A date as a comparable number YYYYMMDD, from ISO "YYYY-MM-DD".
pub fn date_number(iso: &str) -> Option<u32> {
    let digits: String = iso.chars().filter(char::is_ascii_digit).collect();
    (digits.len() == 8).then(|| digits.parse().ok()).flatten()
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionInfo {
    pub start: Option<u32>,
    pub registration_start: Option<u32>,
    pub registration_end: Option<u32>,
    /// LHEO état du recrutement: 1 open, 2 closed, 3 suspended.
    pub recruitment: Option<u8>,
}

impl SessionInfo {
    /// Registration is open on `today` when the source says so, or when today is in the registration
    /// period and the source says nothing against it.
    pub fn open_on(&self, today: u32) -> bool {
        match self.recruitment {
            Some(1) => self.registration_end.is_none_or(|end| today <= end),
            Some(_) => false,
            None => {
                self.registration_start.is_some_and(|s| s <= today)
                    && self.registration_end.is_some_and(|e| today <= e)
            }
        }
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
    pub kinds: Vec<(String, usize)>,
    pub grand_domaines: Vec<(String, usize)>,
    pub levels: Vec<(u8, usize)>,
    pub funding: Vec<(String, usize)>,
    pub modes: Vec<(String, usize)>,
}

/// Today as YYYYMMDD (UTC), for "registration open" when the caller gives no date.
pub fn today() -> u32 {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y * 10_000 + m * 100 + d) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_in_both_notations() {
        assert_eq!(parse_level("4"), Some(4));
        assert_eq!(parse_level("IV"), Some(4));
        assert_eq!(parse_level("niveau V"), Some(3));
        assert_eq!(parse_level("iii"), Some(5));
        assert_eq!(parse_level("9"), None);
        assert_eq!(parse_level("bac"), None);
    }

    #[test]
    fn today_is_a_plausible_date() {
        let t = today();
        assert!((2024_01_01..2100_01_01).contains(&t), "{t}");
        assert!((1..=12).contains(&(t / 100 % 100)));
    }

    fn training() -> TrainingInfo {
        TrainingInfo {
            level: Some(3),
            funding: funding_bit("Région") | funding_bit("CPF"),
            modes: mode_bit("presentiel"),
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
            funding: funding_bit("CPF"),
            ..Default::default()
        }));
        assert!(!ok(Filters {
            funding: funding_bit("OPCO") | funding_bit("Agefiph"),
            ..Default::default()
        }));
        assert!(ok(Filters {
            modes: mode_bit("presentiel") | mode_bit("distance"),
            ..Default::default()
        }));
        assert!(!ok(Filters {
            modes: mode_bit("distance"),
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
