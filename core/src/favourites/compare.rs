//! Two to four trainings side by side, on what a job seeker weighs: certification and level, duration and
//! hours, dates and registration, places and distance, teaching mode, price and funders, the jobs it leads
//! to and those jobs' BMO hiring figures.

use crate::catalogue::sheet::{Sheet, TrainingSheet};
use crate::catalogue::Catalogue;
use crate::codes::{self, TeachingMode};
use crate::dates::iso_number as date_number;
use crate::error::{Refusal, Result};
use crate::territory::{distance_km, Point};
use crate::text_fr::{self, date as date_fr, period, range};
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
    /// "inscriptions ouvertes jusqu'au …", "session passée"… (`filters::Registration`).
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

/// The trainings as columns, and the rows of the ready-made table every face shows.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub trainings: Vec<TrainingColumn>,
    pub rows: Vec<Row>,
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
    // Registration was judged when the sheet was read on `today`.
    let mut sessions = Vec::new();
    let mut places: Vec<PlaceColumn> = Vec::new();
    let mut modes = Vec::new();
    let mut funders = Vec::new();
    for a in &t.actions {
        if let Some(m) = a.teaching_mode.as_deref().and_then(TeachingMode::from_code) {
            push_unique(&mut modes, m.label());
        }
        for code in &a.funders {
            if let Some(f) = codes::lheo_funder(code).and_then(|f| f.category) {
                push_unique(&mut funders, f.label());
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
            sessions.push(SessionColumn {
                id: s.id.clone(),
                start: s.start_date.clone(),
                end: s.end_date.clone(),
                registration_end: s.registration_end.clone(),
                registration: s.registration_label.clone(),
                registration_open: s.registration.is_open(),
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
        level_label: t.level_exit_label,
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
        return Err(Refusal::CompareCount {
            min: MIN,
            max: MAX,
            given: ids.len(),
        }
        .into());
    }
    let mut trainings = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].iter().any(|x| x.trim() == id.trim()) {
            return Err(Refusal::CompareTwice(crate::error::echo(id)).into());
        }
        match cat.show_on(id, today)? {
            Sheet::Training(t) => trainings.push(column(cat, *t, from, today)?),
            _ => return Err(Refusal::CompareNotTraining(crate::error::echo(id)).into()),
        }
    }
    let rows = rows(&trainings);
    Ok(Comparison { trainings, rows })
}

/// What a row compares, so a screen can give it an icon or leave it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    Certification,
    Level,
    Duration,
    Sessions,
    NextStart,
    Registration,
    Places,
    TeachingMode,
    Price,
    Funders,
    Jobs,
    Hiring,
}

/// One cell: lines of French text (never empty: "non précisé" when the catalogue says nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub lines: Vec<String>,
    /// The best of its row (earliest start, registration open, nearest place, lowest price); never set
    /// when every training is as good.
    pub best: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub criterion: Criterion,
    /// "Prochaine rentrée".
    pub label: String,
    /// One per training, in the order of `Comparison.trainings`.
    pub cells: Vec<Cell>,
}

const UNKNOWN: &str = "non précisé";

fn lines_or(lines: Vec<String>, empty: &str) -> Vec<String> {
    if lines.is_empty() {
        vec![empty.to_string()]
    } else {
        lines
    }
}

/// Marks the cells whose value is the best of the row (`better(a, b)`: a beats b). A training the
/// catalogue says nothing about is never best, and a row where all are equally good marks none.
fn mark_best<T: Copy>(cells: &mut [Cell], values: &[Option<T>], better: impl Fn(T, T) -> bool) {
    let Some(top) = values
        .iter()
        .flatten()
        .copied()
        .reduce(|a, b| if better(b, a) { b } else { a })
    else {
        return;
    };
    let is_top = |v: &Option<T>| v.is_some_and(|v| !better(top, v));
    if values.iter().all(is_top) {
        return;
    }
    for (cell, v) in cells.iter_mut().zip(values) {
        cell.best = is_top(v);
    }
}

fn row(
    criterion: Criterion,
    label: &str,
    trainings: &[TrainingColumn],
    cell: impl Fn(&TrainingColumn) -> Vec<String>,
) -> Row {
    Row {
        criterion,
        label: label.to_string(),
        cells: trainings
            .iter()
            .map(|t| Cell {
                lines: cell(t),
                best: false,
            })
            .collect(),
    }
}

/// The table's rows, top to bottom: the one table the CLI prints and the shells draw.
pub fn rows(trainings: &[TrainingColumn]) -> Vec<Row> {
    use Criterion as C;
    let mut rows = vec![
        row(C::Certification, "Certification", trainings, |t| {
            vec![match &t.certification {
                Some(c) if c.title != c.id => format!("{} ({})", c.title, c.id),
                Some(c) => c.id.clone(),
                None => "non certifiante ou non précisée".into(),
            }]
        }),
        row(C::Level, "Niveau de sortie", trainings, |t| {
            vec![t.level_label.clone().unwrap_or_else(|| UNKNOWN.into())]
        }),
        row(C::Duration, "Durée", trainings, |t| {
            let hours = range(t.hours_min, t.hours_max, |h| {
                format!("{} h", text_fr::integer(h))
            });
            vec![match (&t.duration, hours) {
                (Some(d), Some(h)) if !d.contains(&h) => format!("{d} ({h})"),
                (Some(d), _) => d.clone(),
                (None, Some(h)) => h,
                (None, None) => UNKNOWN.into(),
            }]
        }),
        row(C::Sessions, "Sessions", trainings, |t| {
            let lines = t
                .sessions
                .iter()
                .map(|s| {
                    format!(
                        "{} ({})",
                        period(s.start.as_deref(), s.end.as_deref()),
                        s.registration
                    )
                })
                .collect();
            lines_or(lines, "aucune session datée")
        }),
        row(C::NextStart, "Prochaine rentrée", trainings, |t| {
            vec![t
                .next_start
                .as_deref()
                .map(date_fr)
                .unwrap_or_else(|| "aucune à venir".into())]
        }),
        row(C::Registration, "Inscriptions", trainings, |t| {
            vec![if t.registration_open {
                "ouvertes".into()
            } else if t.sessions.is_empty() {
                "se renseigner auprès de l'organisme".into()
            } else {
                "pas ouvertes aujourd'hui".into()
            }]
        }),
        row(C::Places, "Lieux", trainings, |t| {
            let mut lines: Vec<String> = t
                .places
                .iter()
                .map(|p| {
                    let mut s = p.name.clone();
                    if let Some(city) = &p.city {
                        s.push_str(&format!(" ({city})"));
                    }
                    if let Some(d) = p.distance_km {
                        s.push_str(&format!(" — {}", text_fr::distance_km(d)));
                    }
                    s
                })
                .collect();
            if t.distance_learning {
                lines.push("à distance".into());
            }
            lines_or(lines, UNKNOWN)
        }),
        row(C::TeachingMode, "Modalité", trainings, |t| {
            lines_or(t.teaching_modes.clone(), UNKNOWN)
        }),
        row(C::Price, "Prix", trainings, |t| {
            vec![range(t.price_min_eur, t.price_max_eur, |v| {
                format!("{} €", text_fr::integer(v.round() as i64))
            })
            .unwrap_or_else(|| UNKNOWN.into())]
        }),
        row(C::Funders, "Financeurs", trainings, |t| {
            lines_or(t.funders.clone(), UNKNOWN)
        }),
        row(C::Jobs, "Métiers visés", trainings, |t| {
            let mut lines: Vec<String> = t
                .jobs
                .iter()
                .map(|j| format!("{} ({})", j.title, j.code_rome))
                .collect();
            if t.more_jobs > 0 {
                lines.push(format!("et {} autre(s)", t.more_jobs));
            }
            lines_or(lines, "non précisés")
        }),
        row(C::Hiring, "Embauches prévues (BMO 2024)", trainings, |t| {
            let lines = t
                .jobs
                .iter()
                .filter_map(|j| {
                    let n = j.planned_hires?;
                    let hard = j
                        .difficult_pct
                        .map(|p| format!(", dont {} % jugés difficiles", p.round() as i64))
                        .unwrap_or_default();
                    Some(format!(
                        "{} : {} projets{hard}",
                        j.title,
                        text_fr::integer(n)
                    ))
                })
                .collect();
            lines_or(lines, "pas de chiffres")
        }),
    ];
    for r in &mut rows {
        match r.criterion {
            C::NextStart => {
                let v: Vec<Option<&str>> =
                    trainings.iter().map(|t| t.next_start.as_deref()).collect();
                // ISO dates order as text.
                mark_best(&mut r.cells, &v, |a, b| a < b);
            }
            C::Registration => {
                let v: Vec<Option<bool>> = trainings
                    .iter()
                    .map(|t| Some(t.registration_open))
                    .collect();
                mark_best(&mut r.cells, &v, |a, b| a && !b);
            }
            C::Places => {
                let v: Vec<Option<f64>> = trainings.iter().map(|t| t.nearest_km).collect();
                mark_best(&mut r.cells, &v, |a, b| a < b);
            }
            C::Price => {
                let v: Vec<Option<f64>> = trainings.iter().map(|t| t.price_min_eur).collect();
                mark_best(&mut r.cells, &v, |a, b| a < b);
            }
            _ => {}
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::filters::Registration;

    fn training(id: &str) -> TrainingColumn {
        TrainingColumn {
            id: id.into(),
            title: format!("Formation {id}"),
            certification: None,
            level: None,
            level_label: None,
            duration: None,
            hours_min: None,
            hours_max: None,
            sessions: Vec::new(),
            next_start: None,
            registration_open: false,
            places: Vec::new(),
            nearest_km: None,
            distance_learning: false,
            teaching_modes: Vec::new(),
            price_min_eur: None,
            price_max_eur: None,
            funders: Vec::new(),
            jobs: Vec::new(),
            more_jobs: 0,
        }
    }

    fn row_of(rows: &[Row], c: Criterion) -> &Row {
        rows.iter().find(|r| r.criterion == c).unwrap()
    }

    fn best(r: &Row) -> Vec<bool> {
        r.cells.iter().map(|c| c.best).collect()
    }

    #[test]
    fn one_cell_per_training_in_every_row_and_never_an_empty_cell() {
        let ts = [training("a"), training("b"), training("c")];
        let rows = rows(&ts);
        assert_eq!(rows.len(), 12);
        for r in &rows {
            assert_eq!(r.cells.len(), 3, "{}", r.label);
            assert!(r.cells.iter().all(|c| !c.lines.is_empty()), "{}", r.label);
            assert_eq!(best(r), [false, false, false], "{}", r.label);
        }
        assert_eq!(
            row_of(&rows, Criterion::Price).cells[0].lines,
            ["non précisé"]
        );
    }

    #[test]
    fn the_earliest_start_the_nearest_place_and_the_lowest_price_are_best() {
        let mut a = training("a");
        let mut b = training("b");
        let mut c = training("c");
        a.next_start = Some("2026-03-02".into());
        b.next_start = Some("2026-01-15".into());
        a.nearest_km = Some(12.5);
        c.nearest_km = Some(3.0);
        b.price_min_eur = Some(2400.0);
        b.price_max_eur = Some(3100.0);
        c.price_min_eur = Some(900.0);
        b.registration_open = true;
        let rows = rows(&[a, b, c]);
        let next = row_of(&rows, Criterion::NextStart);
        assert_eq!(best(next), [false, true, false]);
        assert_eq!(next.cells[1].lines, ["15/01/2026"]);
        assert_eq!(next.cells[2].lines, ["aucune à venir"]);
        assert_eq!(best(row_of(&rows, Criterion::Places)), [false, false, true]);
        let price = row_of(&rows, Criterion::Price);
        assert_eq!(best(price), [false, false, true]);
        assert_eq!(price.cells[1].lines, ["2\u{202f}400 € à 3\u{202f}100 €"]);
        assert_eq!(
            best(row_of(&rows, Criterion::Registration)),
            [false, true, false]
        );
    }

    #[test]
    fn equally_good_trainings_mark_nothing_and_ties_mark_both() {
        let mut a = training("a");
        let mut b = training("b");
        a.registration_open = true;
        b.registration_open = true;
        a.price_min_eur = Some(500.0);
        b.price_min_eur = Some(500.0);
        let mut c = training("c");
        c.price_min_eur = Some(800.0);
        let rows2 = rows(&[a.clone(), b.clone()]);
        assert_eq!(
            best(row_of(&rows2, Criterion::Registration)),
            [false, false]
        );
        assert_eq!(best(row_of(&rows2, Criterion::Price)), [false, false]);
        let rows3 = rows(&[a, b, c]);
        assert_eq!(best(row_of(&rows3, Criterion::Price)), [true, true, false]);
    }

    #[test]
    fn places_sessions_and_jobs_read_as_french_lines() {
        let mut a = training("a");
        a.places.push(PlaceColumn {
            id: "p1".into(),
            name: "AFPA".into(),
            city: Some("Marseille".into()),
            distance_km: Some(3.5),
        });
        a.distance_learning = true;
        a.sessions.push(SessionColumn {
            id: "s1".into(),
            start: Some("2026-09-07".into()),
            end: Some("2027-06-30".into()),
            registration_end: None,
            registration: Registration::Open { until: None }.label(),
            registration_open: true,
        });
        a.jobs.push(JobColumn {
            code_rome: "D1102".into(),
            title: "Boulanger".into(),
            bmo_family: None,
            planned_hires: Some(18795),
            difficult_pct: Some(61.4),
        });
        a.more_jobs = 2;
        let rows = rows(&[a, training("b")]);
        assert_eq!(
            row_of(&rows, Criterion::Places).cells[0].lines,
            ["AFPA (Marseille) — 3,5 km", "à distance"]
        );
        assert_eq!(
            row_of(&rows, Criterion::Sessions).cells[0].lines,
            ["du 07/09/2026 au 30/06/2027 (inscriptions ouvertes)"]
        );
        assert_eq!(
            row_of(&rows, Criterion::Jobs).cells[0].lines,
            ["Boulanger (D1102)", "et 2 autre(s)"]
        );
        assert_eq!(
            row_of(&rows, Criterion::Hiring).cells[0].lines,
            ["Boulanger : 18\u{202f}795 projets, dont 61 % jugés difficiles"]
        );
        assert_eq!(
            row_of(&rows, Criterion::Hiring).cells[1].lines,
            ["pas de chiffres"]
        );
        assert_eq!(
            row_of(&rows, Criterion::Registration).cells[1].lines,
            ["se renseigner auprès de l'organisme"]
        );
    }
}
