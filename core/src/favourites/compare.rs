//! Two to four trainings side by side, on what a job seeker weighs: certification and level, duration and
//! hours, dates and registration, places and distance, teaching mode, price and funders, the jobs it leads
//! to and those jobs' BMO hiring figures.

use crate::catalogue::sheet::{Sheet, TrainingSheet};
use crate::catalogue::Catalogue;
use crate::error::{Error, Result};
use crate::search::filters::{date_number, SessionInfo};
use crate::search::geo::{distance_km, Point};
use rusqlite::OptionalExtension;
use serde::Serialize;

pub const MIN: usize = 2;
pub const MAX: usize = 4;
/// Jobs per training whose hiring figures are looked up; the first are the closest matches.
const JOBS_WITH_HIRING: usize = 5;

#[derive(Debug, Clone, Serialize)]
pub struct Certification {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionColumn {
    pub id: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub registration_end: Option<String>,
    /// "inscriptions ouvertes", "inscriptions fermées"...
    pub registration: String,
    pub registration_open: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlaceColumn {
    pub id: String,
    pub name: String,
    pub city: Option<String>,
    /// From the user's position, when given and the place is located.
    pub distance_km: Option<f64>,
}

/// A job the training leads to, with the BMO 2024 hiring projects of its closest FAP job family.
#[derive(Debug, Clone, Serialize)]
pub struct JobColumn {
    pub code_rome: String,
    pub title: String,
    /// The BMO job family matched to this fiche (matched on labels by Orientation, not official).
    pub bmo_family: Option<String>,
    pub planned_hires: Option<i64>,
    /// Share of the projects the employers expect to be difficult, in %.
    pub difficult_pct: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrainingColumn {
    pub id: String,
    pub title: String,
    pub certification: Option<Certification>,
    /// European level 1–8.
    pub level: Option<i64>,
    pub level_label: Option<String>,
    pub duration: Option<String>,
    pub hours_min: Option<i64>,
    pub hours_max: Option<i64>,
    pub sessions: Vec<SessionColumn>,
    /// The earliest session start on or after today.
    pub next_start: Option<String>,
    pub registration_open: bool,
    pub places: Vec<PlaceColumn>,
    pub nearest_km: Option<f64>,
    pub distance_learning: bool,
    pub teaching_modes: Vec<String>,
    pub price_min_eur: Option<f64>,
    pub price_max_eur: Option<f64>,
    /// Funder families (Région, France Travail, CPF, OPCO...).
    pub funders: Vec<String>,
    pub jobs: Vec<JobColumn>,
    /// Jobs leading from this training beyond those listed.
    pub more_jobs: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub trainings: Vec<TrainingColumn>,
}

pub fn level_label(level: i64) -> Option<&'static str> {
    Some(match level {
        1 => "niveau 1 (savoirs de base)",
        2 => "niveau 2 (socle de compétences)",
        3 => "niveau 3 (CAP, BEP)",
        4 => "niveau 4 (bac)",
        5 => "niveau 5 (bac + 2)",
        6 => "niveau 6 (bac + 3 ou 4)",
        7 => "niveau 7 (bac + 5)",
        8 => "niveau 8 (doctorat)",
        _ => return None,
    })
}

fn mode_label(mode: &str) -> &str {
    match mode {
        "presentiel" => "en présentiel",
        "mixte" => "mixte (présentiel et à distance)",
        "distance" => "à distance",
        other => other,
    }
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

fn min_max<T: PartialOrd + Copy>(values: impl Iterator<Item = T>) -> (Option<T>, Option<T>) {
    values.fold((None, None), |(lo, hi), v| {
        (
            Some(lo.map_or(v, |l: T| if v < l { v } else { l })),
            Some(hi.map_or(v, |h: T| if v > h { v } else { h })),
        )
    })
}

fn column(
    cat: &Catalogue,
    t: TrainingSheet,
    from: Option<Point>,
    today: u32,
) -> Result<TrainingColumn> {
    let mut sessions = Vec::new();
    let mut places: Vec<PlaceColumn> = Vec::new();
    let mut modes = Vec::new();
    let mut funders = Vec::new();
    for a in &t.actions {
        if let Some(m) = &a.teaching_mode {
            push_unique(&mut modes, mode_label(m));
        }
        for code in &a.funders {
            if let Some(cat) = crate::catalogue::import::funder_category(code) {
                push_unique(&mut funders, cat);
            }
        }
        if let Some(p) = &a.place {
            if !places.iter().any(|x| x.id == p.id) {
                let distance = match (from, p.lat, p.lon) {
                    (Some(f), Some(lat), Some(lon)) => {
                        Some((distance_km(f, Point { lat, lon }) * 10.0).round() / 10.0)
                    }
                    _ => None,
                };
                places.push(PlaceColumn {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    city: p.city.clone(),
                    distance_km: distance,
                });
            }
        }
        for s in &a.sessions {
            // The sheet carries the recruitment state as a label; "open" is judged on the LHEO code.
            let recruitment: Option<i64> = cat
                .conn()
                .prepare_cached("SELECT recruitment FROM session WHERE id = ?1")?
                .query_row([&s.id], |r| r.get(0))
                .optional()?
                .flatten();
            let info = SessionInfo {
                start: s.start_date.as_deref().and_then(date_number),
                registration_start: s.registration_start.as_deref().and_then(date_number),
                registration_end: s.registration_end.as_deref().and_then(date_number),
                recruitment: recruitment.and_then(|c| u8::try_from(c).ok()),
            };
            let open = info.open_on(today);
            sessions.push(SessionColumn {
                id: s.id.clone(),
                start: s.start_date.clone(),
                end: s.end_date.clone(),
                registration_end: s.registration_end.clone(),
                registration: if open {
                    "inscriptions ouvertes".to_string()
                } else {
                    s.recruitment
                        .clone()
                        .unwrap_or_else(|| "état des inscriptions non précisé".to_string())
                },
                registration_open: open,
            });
        }
    }
    sessions.sort_by(|a, b| a.start.cmp(&b.start).then(a.id.cmp(&b.id)));
    let next_start = sessions
        .iter()
        .filter_map(|s| s.start.as_deref())
        .filter(|d| date_number(d).is_some_and(|n| n >= today))
        .min()
        .map(str::to_string);
    let (hours_min, hours_max) = min_max(t.actions.iter().filter_map(|a| a.hours_total));
    let (price_min_eur, price_max_eur) = min_max(t.actions.iter().filter_map(|a| a.price_eur));
    let nearest_km = places
        .iter()
        .filter_map(|p| p.distance_km)
        .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.min(d))));
    let mut jobs = Vec::new();
    for j in t.jobs.iter().take(JOBS_WITH_HIRING) {
        let hiring = match cat.show(&j.id)? {
            Sheet::Job(sheet) => sheet.hiring.into_iter().next(),
            _ => None,
        };
        jobs.push(JobColumn {
            code_rome: j.id.clone(),
            title: j.title.clone(),
            difficult_pct: hiring.as_ref().and_then(|h| {
                (h.planned_hires > 0)
                    .then(|| (h.difficult as f64 * 1000.0 / h.planned_hires as f64).round() / 10.0)
            }),
            bmo_family: hiring.as_ref().map(|h| h.fap_label.clone()),
            planned_hires: hiring.map(|h| h.planned_hires),
        });
    }
    Ok(TrainingColumn {
        registration_open: sessions.iter().any(|s| s.registration_open),
        distance_learning: t
            .actions
            .iter()
            .any(|a| a.teaching_mode.as_deref() == Some("distance")),
        more_jobs: t.jobs.len().saturating_sub(jobs.len()),
        id: t.id,
        title: t.title,
        certification: t.certification.map(|c| Certification {
            id: c.id,
            title: c.title,
        }),
        level_label: t.level_exit.and_then(level_label).map(str::to_string),
        level: t.level_exit,
        duration: t.duration,
        hours_min,
        hours_max,
        sessions,
        next_start,
        places,
        nearest_km,
        teaching_modes: modes,
        price_min_eur,
        price_max_eur,
        funders,
        jobs,
    })
}

/// Compares 2 to 4 trainings (ids as in the catalogue), with distances from `from` when given, and
/// registration judged on `today` (YYYYMMDD).
pub fn compare(
    cat: &Catalogue,
    ids: &[&str],
    from: Option<Point>,
    today: u32,
) -> Result<Comparison> {
    if !(MIN..=MAX).contains(&ids.len()) {
        return Err(Error::Invalid(format!(
            "comparer demande de {MIN} à {MAX} formations, pas {}",
            ids.len()
        )));
    }
    let mut trainings = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].iter().any(|x| x.trim() == id.trim()) {
            return Err(Error::Invalid(format!(
                "la formation « {} » est donnée deux fois",
                id.trim()
            )));
        }
        match cat.show(id)? {
            Sheet::Training(t) => trainings.push(column(cat, *t, from, today)?),
            _ => {
                return Err(Error::Invalid(format!(
                    "« {} » n'est pas une formation : seules les formations se comparent",
                    id.trim().chars().take(80).collect::<String>()
                )))
            }
        }
    }
    Ok(Comparison { trainings })
}
