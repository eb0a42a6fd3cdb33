//! Detail screens: a job sheet, a training with its actions and sessions, a place, an aid, a
//! certification; and the catalogue summary. Converted field by field from the core's sheets, which already
//! hold every label a screen shows (the rules that make them live in the core, once).

use crate::search::{Badge, Funding, TeachingMode};
use orientation_core::catalogue::import;
use orientation_core::catalogue::sheet as core_sheet;
use orientation_core::codes;

/// A link to another sheet of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CatalogueLink {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Appellation {
    pub code_ogr: String,
    pub title: String,
    pub short_title: String,
    pub principal: bool,
}

/// A titled list (skills of one category, work contexts of one type).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LabelledList {
    pub label: String,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct JobMobility {
    pub code_rome: String,
    pub title: String,
    /// 1 for the closest job.
    pub rank: i64,
}

/// Hiring projects (BMO 2024) of the job family closest to this job.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HiringFigures {
    pub fap: String,
    pub fap_label: String,
    /// How well the family's label matches the job's (0 to 1): the link is computed, not official, and the
    /// screen must say so.
    pub match_score: f64,
    pub planned_hires: i64,
    pub difficult: i64,
    pub seasonal: i64,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct JobSheet {
    pub code_rome: String,
    pub title: String,
    pub parent_rome: String,
    pub grand_domaine: Option<String>,
    pub domaine: Option<String>,
    pub definition: Option<String>,
    pub access: Option<String>,
    pub riasec_major: Option<String>,
    pub riasec_minor: Option<String>,
    /// "Réaliste (faire, manipuler, construire)", major first.
    pub riasec_labels: Vec<String>,
    pub regulated: bool,
    pub cadre: bool,
    /// Ecological, digital, demographic transitions the job is part of.
    pub transitions: Vec<String>,
    pub appellations: Vec<Appellation>,
    pub skills: Vec<LabelledList>,
    pub contexts: Vec<LabelledList>,
    pub mobilities: Vec<JobMobility>,
    pub interests: Vec<String>,
    pub hiring: Vec<HiringFigures>,
    pub certifications: Vec<CatalogueLink>,
    pub trainings: Vec<CatalogueLink>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PlaceKind {
    FranceTravail,
    MissionLocale,
    Lycee,
    TrainingBody,
    TrainingSite,
    RegistrationAddress,
    Commune,
    /// A university, a school of engineering or business…
    HigherEducation,
    Other,
}

impl PlaceKind {
    fn from_code(code: &str) -> PlaceKind {
        match code {
            "agence_france_travail" => PlaceKind::FranceTravail,
            "mission_locale" => PlaceKind::MissionLocale,
            "lycee" => PlaceKind::Lycee,
            "organisme" => PlaceKind::TrainingBody,
            "lieu_formation" => PlaceKind::TrainingSite,
            "adresse_inscription" => PlaceKind::RegistrationAddress,
            "commune" => PlaceKind::Commune,
            "etablissement_superieur" => PlaceKind::HigherEducation,
            _ => PlaceKind::Other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

/// One opening interval of a day, local time "HH:MM".
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OpeningPeriod {
    pub day: Weekday,
    pub opens: String,
    pub closes: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlaceSheet {
    pub id: String,
    pub kind: PlaceKind,
    /// "Agence France Travail", "Lycée"…
    pub kind_label: String,
    pub name: String,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub departement: Option<String>,
    pub region: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub details: Option<String>,
    /// `lat`/`lon` are only the commune's centre (no address in the source): say "à <commune>", draw no
    /// precise pin.
    pub at_commune_centre: bool,
    /// "public", "privé sous contrat", "privé hors contrat"… when the source says.
    pub status_label: Option<String>,
    /// To show wherever the establishment is: what "privé hors contrat" means for a family.
    pub status_warning: Option<String>,
    /// Empty when unknown, which is the case of every place today: none of the open data we import
    /// publishes opening hours. The screen then says "horaires non communiqués".
    pub opening_hours: Vec<OpeningPeriod>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrainingSession {
    pub id: String,
    /// Dates are "AAAA-MM-JJ".
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub registration_start: Option<String>,
    pub registration_end: Option<String>,
    /// What the source says of recruitment ("recrutement ouvert selon l'organisme"…).
    pub recruitment: Option<String>,
    /// Whether registration is open today, judged as the "inscriptions ouvertes" filter judges it.
    pub registration_open: bool,
    /// What to show: "inscriptions ouvertes jusqu'au 15/12/2026", "session passée"…
    pub registration_label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TrainingAction {
    pub id: String,
    pub teaching_mode: Option<TeachingMode>,
    pub teaching_mode_label: Option<String>,
    pub rhythm: Option<String>,
    pub hours_total: Option<i64>,
    pub price_eur: Option<f64>,
    /// Funders grouped as the filters group them; codes the grouping does not know are left out.
    pub funding: Vec<Funding>,
    /// Every funder by name ("Conseil régional", "OPCO"…).
    pub funder_names: Vec<String>,
    pub conditions: Option<String>,
    pub place: Option<PlaceSheet>,
    pub sessions: Vec<TrainingSession>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TrainingSheet {
    pub id: String,
    /// "lheo" (a training offer with sessions), "onisep" (a national programme), "lycee" (a lycée's offer),
    /// "parcoursup" (a higher-education offer of Parcoursup 2025), "master" (a master's degree, 2021 campaign).
    pub source: String,
    pub title: String,
    pub training_type: Option<String>,
    pub objective: Option<String>,
    pub content: Option<String>,
    pub level_entry: Option<String>,
    /// European level 1 to 8 and its label.
    pub level_exit: Option<i32>,
    pub level_exit_label: Option<String>,
    pub duration: Option<String>,
    pub certification: Option<CatalogueLink>,
    pub url: Option<String>,
    pub contact: Option<String>,
    pub organisme: Option<PlaceSheet>,
    pub actions: Vec<TrainingAction>,
    pub jobs: Vec<CatalogueLink>,
    /// The same badges as on the search result.
    pub badges: Vec<Badge>,
    /// The national programme a located offer teaches, when one was matched.
    pub programme: Option<CatalogueLink>,
    /// What the date of the source means for this offer, to show on the sheet.
    pub source_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AidSheet {
    pub id: String,
    pub label: String,
    pub institution: Option<String>,
    pub description: Option<String>,
    pub conditions: Option<String>,
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
    pub territory: Option<String>,
    pub amount: Option<f64>,
    pub unit: Option<String>,
    pub periodicity: Option<String>,
    /// "450 € par mois".
    pub amount_label: Option<String>,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CertificationSheet {
    pub id: String,
    pub title: String,
    pub certification_type: Option<String>,
    pub level_eu: Option<i32>,
    pub active: Option<bool>,
    pub certifier: Option<String>,
    pub source: String,
    pub jobs: Vec<CatalogueLink>,
    pub trainings: Vec<CatalogueLink>,
}

/// Any sheet, for a screen that opens an id without knowing its kind.
// Variants of very different sizes do not matter here: a sheet is built once per screen and serialised to
// cross the FFI.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Sheet {
    Job { sheet: JobSheet },
    Training { sheet: TrainingSheet },
    Place { sheet: PlaceSheet },
    Aid { sheet: AidSheet },
    Certification { sheet: CertificationSheet },
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SourceSummary {
    pub file: String,
    pub label: String,
    pub version: String,
    pub licence: String,
    pub rows_read: i64,
    pub rows_kept: i64,
    pub rows_skipped: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CatalogueCount {
    pub label: String,
    pub count: i64,
}

/// What the catalogue holds and where it comes from (an "about the data" screen; licences must be shown).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CatalogueInfo {
    /// Unix seconds.
    pub built_at: Option<i64>,
    pub counts: Vec<CatalogueCount>,
    pub sources: Vec<SourceSummary>,
    /// Rows of the open data left out at import (malformed).
    pub issues: i64,
}

/// The outcome of a catalogue build.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BuildReport {
    pub rows_read: i64,
    pub rows_kept: i64,
    pub rows_skipped: i64,
    pub sources: Vec<SourceSummary>,
}

fn i64_of(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn small(n: Option<i64>) -> Option<i32> {
    n.and_then(|v| i32::try_from(v).ok())
}

impl From<&import::SourceStats> for SourceSummary {
    fn from(s: &import::SourceStats) -> Self {
        SourceSummary {
            file: s.file.clone(),
            label: s.label.clone(),
            version: s.version.clone(),
            licence: s.licence.clone(),
            rows_read: i64_of(s.rows_read),
            rows_kept: i64_of(s.rows_kept),
            rows_skipped: i64_of(s.rows_skipped),
        }
    }
}

impl From<&import::Report> for BuildReport {
    fn from(r: &import::Report) -> Self {
        let sum = |f: fn(&import::SourceStats) -> u64| i64_of(r.sources.iter().map(f).sum());
        BuildReport {
            rows_read: sum(|s| s.rows_read),
            rows_kept: sum(|s| s.rows_kept),
            rows_skipped: sum(|s| s.rows_skipped),
            sources: r.sources.iter().map(SourceSummary::from).collect(),
        }
    }
}

impl From<core_sheet::Info> for CatalogueInfo {
    fn from(i: core_sheet::Info) -> Self {
        CatalogueInfo {
            built_at: i.built_at.and_then(|t| t.parse().ok()),
            counts: i
                .counts
                .into_iter()
                .map(|(label, count)| CatalogueCount { label, count })
                .collect(),
            sources: i.sources.iter().map(SourceSummary::from).collect(),
            issues: i64::try_from(i.issues.len()).unwrap_or(i64::MAX),
        }
    }
}

fn link(n: core_sheet::Named) -> CatalogueLink {
    CatalogueLink {
        id: n.id,
        title: n.title,
    }
}

fn links(v: Vec<core_sheet::Named>) -> Vec<CatalogueLink> {
    v.into_iter().map(link).collect()
}

fn lists(v: Vec<core_sheet::Group>) -> Vec<LabelledList> {
    v.into_iter()
        .map(|g| LabelledList {
            label: g.label,
            items: g.items,
        })
        .collect()
}

impl From<core_sheet::JobSheet> for JobSheet {
    fn from(j: core_sheet::JobSheet) -> Self {
        JobSheet {
            code_rome: j.code_rome,
            title: j.title,
            parent_rome: j.parent_rome,
            grand_domaine: j.grand_domaine,
            domaine: j.domaine,
            definition: j.definition,
            access: j.access,
            riasec_labels: j
                .riasec
                .iter()
                .map(|r| format!("{} ({})", r.name, r.meaning))
                .collect(),
            riasec_major: j.riasec_major,
            riasec_minor: j.riasec_minor,
            regulated: j.regulated,
            cadre: j.cadre,
            transitions: j.transitions,
            appellations: j
                .appellations
                .into_iter()
                .map(|a| Appellation {
                    code_ogr: a.code_ogr,
                    title: a.title,
                    short_title: a.short_title,
                    principal: a.principal,
                })
                .collect(),
            skills: lists(j.skills),
            contexts: lists(j.contexts),
            mobilities: j
                .mobilities
                .into_iter()
                .map(|m| JobMobility {
                    code_rome: m.code_rome,
                    title: m.title,
                    rank: m.rank,
                })
                .collect(),
            interests: j.interests,
            hiring: j
                .hiring
                .into_iter()
                .map(|h| HiringFigures {
                    fap: h.fap,
                    fap_label: h.fap_label,
                    match_score: h.match_score,
                    planned_hires: h.planned_hires,
                    difficult: h.difficult,
                    seasonal: h.seasonal,
                })
                .collect(),
            certifications: links(j.certifications),
            trainings: links(j.trainings),
        }
    }
}

impl From<core_sheet::PlaceSheet> for PlaceSheet {
    fn from(p: core_sheet::PlaceSheet) -> Self {
        PlaceSheet {
            id: p.id,
            kind: PlaceKind::from_code(&p.kind),
            kind_label: p.kind_label,
            name: p.name,
            address: p.address,
            postcode: p.postcode,
            city: p.city,
            departement: p.departement,
            region: p.region,
            lat: p.lat,
            lon: p.lon,
            phone: p.phone,
            email: p.email,
            url: p.url,
            details: p.details,
            at_commune_centre: p.at_commune_centre,
            status_label: p.status_label,
            status_warning: p.status_warning,
            opening_hours: Vec::new(),
        }
    }
}

fn session(s: core_sheet::SessionSheet) -> TrainingSession {
    TrainingSession {
        registration_open: s.registration.is_open(),
        registration_label: s.registration_label,
        id: s.id,
        start_date: s.start_date,
        end_date: s.end_date,
        registration_start: s.registration_start,
        registration_end: s.registration_end,
        recruitment: s.recruitment,
    }
}

fn funding_of(lheo_codes: &[String]) -> Vec<Funding> {
    let mut out: Vec<Funding> = Vec::new();
    for code in lheo_codes {
        if let Some(f) = codes::lheo_funder(code).and_then(|f| f.category) {
            let f = Funding::from(f);
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

impl From<core_sheet::TrainingSheet> for TrainingSheet {
    fn from(t: core_sheet::TrainingSheet) -> Self {
        let actions: Vec<TrainingAction> = t
            .actions
            .into_iter()
            .map(|a| TrainingAction {
                funding: funding_of(&a.funders),
                funder_names: a.funder_names,
                id: a.id,
                teaching_mode: a
                    .teaching_mode
                    .as_deref()
                    .and_then(codes::TeachingMode::from_code)
                    .map(TeachingMode::from),
                teaching_mode_label: a.teaching_mode_label,
                rhythm: a.rhythm,
                hours_total: a.hours_total,
                price_eur: a.price_eur,
                conditions: a.conditions,
                place: a.place.map(PlaceSheet::from),
                sessions: a.sessions.into_iter().map(session).collect(),
            })
            .collect();
        TrainingSheet {
            id: t.id,
            source: t.source,
            title: t.title,
            training_type: t.r#type,
            objective: t.objective,
            content: t.content,
            level_entry: t.level_entry,
            level_exit: small(t.level_exit).filter(|l| (1..=8).contains(l)),
            level_exit_label: t.level_exit_label,
            duration: t.duration,
            certification: t.certification.map(link),
            url: t.url,
            contact: t.contact,
            organisme: t.organisme.map(PlaceSheet::from),
            actions,
            jobs: links(t.jobs),
            badges: t.badges.into_iter().map(Badge::from).collect(),
            programme: t.programme.map(link),
            source_note: t.source_note,
        }
    }
}

impl From<core_sheet::AidSheet> for AidSheet {
    fn from(a: core_sheet::AidSheet) -> Self {
        AidSheet {
            id: a.id,
            label: a.label,
            institution: a.institution,
            description: a.description,
            conditions: a.conditions,
            age_min: a.age_min,
            age_max: a.age_max,
            territory: a.territory,
            amount: a.amount,
            amount_label: a.amount_label,
            unit: a.unit,
            periodicity: a.periodicity,
            link: a.link,
        }
    }
}

impl From<core_sheet::CertificationSheet> for CertificationSheet {
    fn from(c: core_sheet::CertificationSheet) -> Self {
        CertificationSheet {
            id: c.id,
            title: c.title,
            certification_type: c.r#type,
            level_eu: small(c.level_eu),
            active: c.active,
            certifier: c.certifier,
            source: c.source,
            jobs: links(c.jobs),
            trainings: links(c.trainings),
        }
    }
}

pub(crate) fn sheet(s: core_sheet::Sheet) -> Sheet {
    match s {
        core_sheet::Sheet::Job(j) => Sheet::Job {
            sheet: JobSheet::from(*j),
        },
        core_sheet::Sheet::Training(t) => Sheet::Training {
            sheet: TrainingSheet::from(*t),
        },
        core_sheet::Sheet::Place(p) => Sheet::Place {
            sheet: PlaceSheet::from(*p),
        },
        core_sheet::Sheet::Aid(a) => Sheet::Aid {
            sheet: AidSheet::from(*a),
        },
        core_sheet::Sheet::Certification(c) => Sheet::Certification {
            sheet: CertificationSheet::from(*c),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn funder_codes_become_categories_once_each() {
        // LHEO code-financeur: 10 the trainee, 5 a company, 02 the Région; 3 (European funds) has no
        // filter category and an unknown code none at all.
        let codes: Vec<String> = ["10", "5", "10", "02", "3", "zz"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            funding_of(&codes),
            [Funding::Personnel, Funding::Entreprise, Funding::Region]
        );
    }
}
