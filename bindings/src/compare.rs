//! Two to four trainings side by side, as the compare screen draws them: the typed columns (one per
//! training, for screens that lay them out themselves) and the rows of a ready-made table, one per
//! criterion, with a French label, one cell of text lines per training and the best cells marked.

use orientation_core::favourites::compare as core_compare;
use orientation_core::text_fr::{date as date_fr, period as span, range};

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CompareSession {
    pub id: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub registration_end: Option<String>,
    /// "inscriptions ouvertes", "inscriptions fermées"…
    pub registration: String,
    pub registration_open: bool,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ComparePlace {
    pub id: String,
    pub name: String,
    pub city: Option<String>,
    pub distance_km: Option<f64>,
}

/// A job the training leads to, with the BMO 2024 hiring figures of its job family (matched on labels by
/// Orientation, not an official link).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CompareJob {
    pub code_rome: String,
    pub title: String,
    pub bmo_family: Option<String>,
    pub planned_hires: Option<i64>,
    pub difficult_pct: Option<f64>,
}

/// One column of the comparison table.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CompareTraining {
    pub id: String,
    pub title: String,
    pub certification_id: Option<String>,
    pub certification_title: Option<String>,
    pub level: Option<i32>,
    pub level_label: Option<String>,
    pub duration: Option<String>,
    pub hours_min: Option<i64>,
    pub hours_max: Option<i64>,
    pub sessions: Vec<CompareSession>,
    pub next_start: Option<String>,
    pub registration_open: bool,
    pub places: Vec<ComparePlace>,
    pub nearest_km: Option<f64>,
    pub distance_learning: bool,
    pub teaching_modes: Vec<String>,
    pub price_min_eur: Option<f64>,
    pub price_max_eur: Option<f64>,
    pub funders: Vec<String>,
    pub jobs: Vec<CompareJob>,
    pub more_jobs: u32,
}

/// What a row compares, so a screen can give it an icon or leave it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CompareCriterion {
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
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CompareCell {
    pub lines: Vec<String>,
    /// The best of its row (earliest start, registration open, nearest place, lowest price); never set
    /// when every training is as good.
    pub best: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CompareRow {
    pub criterion: CompareCriterion,
    /// "Prochaine rentrée".
    pub label: String,
    /// One per training, in the order of `Comparison.trainings`.
    pub cells: Vec<CompareCell>,
}

/// The header of the table is the trainings' titles; then `rows`, top to bottom.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Comparison {
    pub trainings: Vec<CompareTraining>,
    pub rows: Vec<CompareRow>,
}

impl From<core_compare::TrainingColumn> for CompareTraining {
    fn from(t: core_compare::TrainingColumn) -> Self {
        CompareTraining {
            id: t.id,
            title: t.title,
            certification_id: t.certification.as_ref().map(|c| c.id.clone()),
            certification_title: t.certification.map(|c| c.title),
            level: t.level.and_then(|l| i32::try_from(l).ok()),
            level_label: t.level_label,
            duration: t.duration,
            hours_min: t.hours_min,
            hours_max: t.hours_max,
            sessions: t
                .sessions
                .into_iter()
                .map(|s| CompareSession {
                    id: s.id,
                    start: s.start,
                    end: s.end,
                    registration_end: s.registration_end,
                    registration: s.registration,
                    registration_open: s.registration_open,
                })
                .collect(),
            next_start: t.next_start,
            registration_open: t.registration_open,
            places: t
                .places
                .into_iter()
                .map(|p| ComparePlace {
                    id: p.id,
                    name: p.name,
                    city: p.city,
                    distance_km: p.distance_km,
                })
                .collect(),
            nearest_km: t.nearest_km,
            distance_learning: t.distance_learning,
            teaching_modes: t.teaching_modes,
            price_min_eur: t.price_min_eur,
            price_max_eur: t.price_max_eur,
            funders: t.funders,
            jobs: t
                .jobs
                .into_iter()
                .map(|j| CompareJob {
                    code_rome: j.code_rome,
                    title: j.title,
                    bmo_family: j.bmo_family,
                    planned_hires: j.planned_hires,
                    difficult_pct: j.difficult_pct,
                })
                .collect(),
            more_jobs: u32::try_from(t.more_jobs).unwrap_or(u32::MAX),
        }
    }
}

impl From<core_compare::Comparison> for Comparison {
    fn from(c: core_compare::Comparison) -> Self {
        let trainings: Vec<CompareTraining> = c.trainings.into_iter().map(Into::into).collect();
        let rows = rows(&trainings);
        Comparison { trainings, rows }
    }
}

const UNKNOWN: &str = "non précisé";

/// Decimal comma, as French readers expect ("3,5 km").
fn decimal(v: f64, digits: usize) -> String {
    format!("{v:.digits$}").replace('.', ",")
}

fn lines_or(lines: Vec<String>, empty: &str) -> Vec<String> {
    if lines.is_empty() {
        vec![empty.to_string()]
    } else {
        lines
    }
}

/// Marks the cells whose value is the best of the row (`better(a, b)`: a beats b). A training the
/// catalogue says nothing about is never best, and a row where all are equally good marks none.
fn mark_best<T: Copy>(
    cells: &mut [CompareCell],
    values: &[Option<T>],
    better: impl Fn(T, T) -> bool,
) {
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
    criterion: CompareCriterion,
    label: &str,
    trainings: &[CompareTraining],
    cell: impl Fn(&CompareTraining) -> Vec<String>,
) -> CompareRow {
    CompareRow {
        criterion,
        label: label.to_string(),
        cells: trainings
            .iter()
            .map(|t| CompareCell {
                lines: cell(t),
                best: false,
            })
            .collect(),
    }
}

/// The table's rows, the same criteria as `orientation compare` prints.
pub(crate) fn rows(trainings: &[CompareTraining]) -> Vec<CompareRow> {
    use CompareCriterion as C;
    let mut rows = vec![
        row(C::Certification, "Certification", trainings, |t| {
            vec![match (&t.certification_id, &t.certification_title) {
                (Some(id), Some(title)) => format!("{title} ({id})"),
                (Some(x), None) | (None, Some(x)) => x.clone(),
                (None, None) => "non certifiante ou non précisée".into(),
            }]
        }),
        row(C::Level, "Niveau de sortie", trainings, |t| {
            vec![t.level_label.clone().unwrap_or_else(|| UNKNOWN.into())]
        }),
        row(C::Duration, "Durée", trainings, |t| {
            let hours = range(t.hours_min, t.hours_max, |h| format!("{h} h"));
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
                        span(s.start.as_deref(), s.end.as_deref()),
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
            } else {
                "fermées ou non précisées".into()
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
                        s.push_str(&format!(" — {} km", decimal(d, 1)));
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
                format!("{} €", decimal(v, 0))
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
                        .map(|p| format!(", dont {} % jugés difficiles", decimal(p, 0)))
                        .unwrap_or_default();
                    Some(format!("{} : {n} projets{hard}", j.title))
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

    fn training(id: &str) -> CompareTraining {
        CompareTraining {
            id: id.into(),
            title: format!("Formation {id}"),
            certification_id: None,
            certification_title: None,
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

    fn row_of(rows: &[CompareRow], c: CompareCriterion) -> &CompareRow {
        rows.iter().find(|r| r.criterion == c).unwrap()
    }

    fn best(r: &CompareRow) -> Vec<bool> {
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
            row_of(&rows, CompareCriterion::Price).cells[0].lines,
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
        let next = row_of(&rows, CompareCriterion::NextStart);
        assert_eq!(best(next), [false, true, false]);
        assert_eq!(next.cells[1].lines, ["15/01/2026"]);
        assert_eq!(next.cells[2].lines, ["aucune à venir"]);
        assert_eq!(
            best(row_of(&rows, CompareCriterion::Places)),
            [false, false, true]
        );
        let price = row_of(&rows, CompareCriterion::Price);
        assert_eq!(best(price), [false, false, true]);
        assert_eq!(price.cells[1].lines, ["2400 € à 3100 €"]);
        assert_eq!(
            best(row_of(&rows, CompareCriterion::Registration)),
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
            best(row_of(&rows2, CompareCriterion::Registration)),
            [false, false]
        );
        assert_eq!(
            best(row_of(&rows2, CompareCriterion::Price)),
            [false, false]
        );
        let rows3 = rows(&[a, b, c]);
        assert_eq!(
            best(row_of(&rows3, CompareCriterion::Price)),
            [true, true, false]
        );
    }

    #[test]
    fn places_sessions_and_jobs_read_as_french_lines() {
        let mut a = training("a");
        a.places.push(ComparePlace {
            id: "p1".into(),
            name: "AFPA".into(),
            city: Some("Marseille".into()),
            distance_km: Some(3.5),
        });
        a.distance_learning = true;
        a.sessions.push(CompareSession {
            id: "s1".into(),
            start: Some("2026-09-07".into()),
            end: Some("2027-06-30".into()),
            registration_end: None,
            registration: "inscriptions ouvertes".into(),
            registration_open: true,
        });
        a.jobs.push(CompareJob {
            code_rome: "D1102".into(),
            title: "Boulanger".into(),
            bmo_family: None,
            planned_hires: Some(120),
            difficult_pct: Some(61.4),
        });
        a.more_jobs = 2;
        let rows = rows(&[a, training("b")]);
        assert_eq!(
            row_of(&rows, CompareCriterion::Places).cells[0].lines,
            ["AFPA (Marseille) — 3,5 km", "à distance"]
        );
        assert_eq!(
            row_of(&rows, CompareCriterion::Sessions).cells[0].lines,
            ["du 07/09/2026 au 30/06/2027 (inscriptions ouvertes)"]
        );
        assert_eq!(
            row_of(&rows, CompareCriterion::Jobs).cells[0].lines,
            ["Boulanger (D1102)", "et 2 autre(s)"]
        );
        assert_eq!(
            row_of(&rows, CompareCriterion::Hiring).cells[0].lines,
            ["Boulanger : 120 projets, dont 61 % jugés difficiles"]
        );
        assert_eq!(
            row_of(&rows, CompareCriterion::Hiring).cells[1].lines,
            ["pas de chiffres"]
        );
    }
}
