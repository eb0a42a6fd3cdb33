//! Two to four trainings side by side, as the compare screen draws them: the typed columns (one per
//! training, for screens that lay them out themselves) and the rows of a ready-made table, one per
//! criterion, with a French label, one cell of text lines per training and the best cells marked.

use orientation_core::favourites::compare as core_compare;

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

impl From<core_compare::Criterion> for CompareCriterion {
    fn from(c: core_compare::Criterion) -> Self {
        use core_compare::Criterion as C;
        match c {
            C::Certification => CompareCriterion::Certification,
            C::Level => CompareCriterion::Level,
            C::Duration => CompareCriterion::Duration,
            C::Sessions => CompareCriterion::Sessions,
            C::NextStart => CompareCriterion::NextStart,
            C::Registration => CompareCriterion::Registration,
            C::Places => CompareCriterion::Places,
            C::TeachingMode => CompareCriterion::TeachingMode,
            C::Price => CompareCriterion::Price,
            C::Funders => CompareCriterion::Funders,
            C::Jobs => CompareCriterion::Jobs,
            C::Hiring => CompareCriterion::Hiring,
        }
    }
}

impl From<core_compare::Row> for CompareRow {
    fn from(r: core_compare::Row) -> Self {
        CompareRow {
            criterion: r.criterion.into(),
            label: r.label,
            cells: r
                .cells
                .into_iter()
                .map(|c| CompareCell {
                    lines: c.lines,
                    best: c.best,
                })
                .collect(),
        }
    }
}

/// The core builds the table (`favourites::compare::rows`); it is converted here as it is.
impl From<core_compare::Comparison> for Comparison {
    fn from(c: core_compare::Comparison) -> Self {
        Comparison {
            trainings: c.trainings.into_iter().map(Into::into).collect(),
            rows: c.rows.into_iter().map(Into::into).collect(),
        }
    }
}
