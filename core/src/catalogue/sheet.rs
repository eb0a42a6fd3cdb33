//! Full sheets for `show`: a job with everything that hangs off it, a training with its sessions, a place,
//! an aid, a certification; and the catalogue summary for `catalogue info`.

use super::store::Catalogue;
use crate::codes;
use crate::dates;
use crate::error::{Error, Result};
use crate::search::filters::{Registration, SessionInfo};
use crate::search::{Badge, BadgeKind};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Sheet {
    Job(Box<JobSheet>),
    Training(Box<TrainingSheet>),
    Place(Box<PlaceSheet>),
    Aid(Box<AidSheet>),
    Certification(Box<CertificationSheet>),
}

#[derive(Debug, Serialize)]
pub struct Named {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub struct Appellation {
    pub code_ogr: String,
    pub title: String,
    pub short_title: String,
    pub principal: bool,
}

#[derive(Debug, Serialize)]
pub struct Group {
    pub label: String,
    pub items: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Mobility {
    pub code_rome: String,
    pub title: String,
    pub rank: i64,
}

#[derive(Debug, Serialize)]
pub struct Hiring {
    pub fap: String,
    pub fap_label: String,
    /// Share of the ROME title's words found in the FAP label (the link is computed, not official).
    pub match_score: f64,
    pub planned_hires: i64,
    pub difficult: i64,
    pub seasonal: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Riasec {
    pub letter: String,
    /// "Réaliste".
    pub name: String,
    /// "faire, manipuler, construire".
    pub meaning: String,
}

#[derive(Debug, Serialize)]
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
    /// The RIASEC letters with their names: major first, then minor.
    pub riasec: Vec<Riasec>,
    pub regulated: bool,
    pub cadre: bool,
    /// The ROME transition flags that say something, as sentences.
    pub transitions: Vec<String>,
    pub appellations: Vec<Appellation>,
    /// Savoir-faire, savoir-être professionnels and savoirs, grouped by rubrique then category.
    pub skills: Vec<Group>,
    pub contexts: Vec<Group>,
    pub mobilities: Vec<Mobility>,
    pub interests: Vec<String>,
    pub hiring: Vec<Hiring>,
    pub certifications: Vec<Named>,
    /// The national programmes and the dated offers that lead to the job; located offers are in `near`.
    pub trainings: Vec<Named>,
    /// "Se former près de chez moi": the nearest located trainings that lead to the job, when the sheet
    /// was asked near a place (`Catalogue::show_near`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near: Option<NearTrainings>,
}

/// Trainings near a place for a job sheet.
#[derive(Debug, Serialize)]
pub struct NearTrainings {
    /// "Autour de Marseille (13)", as the place was understood.
    pub place: String,
    pub radius_km: f64,
    /// Set when too few lay within the asked radius and it was widened to this.
    pub widened_to_km: Option<f64>,
    pub trainings: Vec<crate::discover::NearTraining>,
}

#[derive(Debug, Serialize)]
pub struct PlaceSheet {
    pub id: String,
    /// The place's kind code (the sheet's own "kind" is "place").
    #[serde(rename = "place_kind")]
    pub kind: String,
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
    /// The point is only the commune's centre (the source gives no address): no precise position.
    pub at_commune_centre: bool,
    /// Public, private under contract, private without contract (`codes::establishment_status_label`).
    pub status: Option<String>,
    pub status_label: Option<String>,
    /// Said wherever the establishment is shown: what a private school without State contract means.
    pub status_warning: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SessionSheet {
    pub id: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub registration_start: Option<String>,
    pub registration_end: Option<String>,
    /// What the source says of recruitment (LHEO `etat-recrutement`), in words.
    pub recruitment: Option<String>,
    pub recruitment_code: Option<i64>,
    /// Whether registration is open on the day the sheet was read (Europe/Paris), and its words.
    pub registration: Registration,
    pub registration_label: String,
}

#[derive(Debug, Serialize)]
pub struct ActionSheet {
    pub id: String,
    pub teaching_mode: Option<String>,
    pub teaching_mode_label: Option<String>,
    pub rhythm: Option<String>,
    pub hours_total: Option<i64>,
    pub price_eur: Option<f64>,
    /// LHEO `code-financeur` codes, and their names in the same order.
    pub funders: Vec<String>,
    pub funder_names: Vec<String>,
    pub conditions: Option<String>,
    pub place: Option<PlaceSheet>,
    pub sessions: Vec<SessionSheet>,
}

#[derive(Debug, Serialize)]
pub struct TrainingSheet {
    pub id: String,
    pub source: String,
    pub title: String,
    pub r#type: Option<String>,
    pub objective: Option<String>,
    pub content: Option<String>,
    pub level_entry: Option<String>,
    pub level_exit: Option<i64>,
    pub level_exit_label: Option<String>,
    pub duration: Option<String>,
    pub certification: Option<Named>,
    pub url: Option<String>,
    pub contact: Option<String>,
    pub organisme: Option<PlaceSheet>,
    pub actions: Vec<ActionSheet>,
    pub jobs: Vec<Named>,
    /// The same badges as on search results, judged on the day the sheet was read.
    pub badges: Vec<Badge>,
    /// The Onisep national sheet a located offer teaches (Parcoursup, masters), when one was matched.
    pub programme: Option<Named>,
    /// What the source's date means for this offer ("campagne 2021 de Trouver mon master").
    pub source_note: Option<String>,
}

#[derive(Debug, Serialize)]
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

#[derive(Debug, Serialize)]
pub struct CertificationSheet {
    pub id: String,
    pub title: String,
    pub r#type: Option<String>,
    pub level_eu: Option<i64>,
    pub active: Option<bool>,
    pub certifier: Option<String>,
    pub source: String,
    pub jobs: Vec<Named>,
    pub trainings: Vec<Named>,
}

fn named(conn: &Connection, sql: &str, id: &str) -> Result<Vec<Named>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map(params![id], |r| {
        Ok(Named {
            id: r.get(0)?,
            title: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Groups (group label, item) rows that arrive sorted by group.
fn grouped(conn: &Connection, sql: &str, id: &str) -> Result<Vec<Group>> {
    let mut st = conn.prepare_cached(sql)?;
    let mut rows = st.query(params![id])?;
    let mut out: Vec<Group> = Vec::new();
    while let Some(r) = rows.next()? {
        let (label, item): (String, String) = (r.get(0)?, r.get(1)?);
        match out.last_mut() {
            Some(g) if g.label == label => g.items.push(item),
            _ => out.push(Group {
                label,
                items: vec![item],
            }),
        }
    }
    Ok(out)
}

fn job_sheet(conn: &Connection, code: &str) -> Result<Option<JobSheet>> {
    let base = conn
        .query_row(
            "SELECT j.code_rome, j.title, j.parent_rome, g.label, d.label, j.definition, j.access,
                    j.riasec_major, j.riasec_minor, j.regulated, j.cadre,
                    j.transition_eco, j.transition_num, j.transition_demo
             FROM job j LEFT JOIN grand_domaine g ON g.code = j.grand_domaine
             LEFT JOIN domaine d ON d.code = j.domaine WHERE j.code_rome = ?1",
            params![code],
            |r| {
                let mut transitions = Vec::new();
                for (i, kind) in [(11, "eco"), (12, "num"), (13, "demo")] {
                    let value: Option<String> = r.get(i)?;
                    if let Some(sentence) = value
                        .as_deref()
                        .and_then(|v| codes::transition_sentence(kind, v))
                    {
                        transitions.push(sentence.to_string());
                    }
                }
                let major: Option<String> = r.get(7)?;
                let minor: Option<String> = r.get(8)?;
                let riasec = [major.as_deref(), minor.as_deref()]
                    .into_iter()
                    .flatten()
                    .filter_map(|l| {
                        codes::riasec(l).map(|(name, what)| Riasec {
                            letter: l.trim().to_ascii_uppercase(),
                            name: name.to_string(),
                            meaning: what.to_string(),
                        })
                    })
                    .collect();
                Ok(JobSheet {
                    code_rome: r.get(0)?,
                    title: r.get(1)?,
                    parent_rome: r.get(2)?,
                    grand_domaine: r.get(3)?,
                    domaine: r.get(4)?,
                    definition: r.get(5)?,
                    access: r.get(6)?,
                    riasec_major: major,
                    riasec_minor: minor,
                    riasec,
                    regulated: r.get(9)?,
                    cadre: r.get(10)?,
                    transitions,
                    appellations: Vec::new(),
                    skills: Vec::new(),
                    contexts: Vec::new(),
                    mobilities: Vec::new(),
                    interests: Vec::new(),
                    hiring: Vec::new(),
                    certifications: Vec::new(),
                    trainings: Vec::new(),
                    near: None,
                })
            },
        )
        .optional()?;
    let Some(mut sheet) = base else {
        return Ok(None);
    };
    let mut st = conn.prepare_cached(
        "SELECT code_ogr, title, coalesce(short_title, title), principal FROM appellation WHERE code_rome = ?1
         ORDER BY principal DESC, title",
    )?;
    sheet.appellations = st
        .query_map(params![code], |r| {
            Ok(Appellation {
                code_ogr: r.get(0)?,
                title: r.get(1)?,
                short_title: r.get(2)?,
                principal: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    sheet.skills = grouped(
        conn,
        "SELECT CASE s.rubrique WHEN 1 THEN 'Savoir-faire' WHEN 2 THEN 'Savoir-être professionnels' ELSE 'Savoirs' END
                || CASE WHEN s.category IS NULL OR s.category = ''
                          OR lower(s.category) IN ('savoir-faire', 'savoir-être professionnel', 'savoir-être professionnels', 'savoirs')
                        THEN '' ELSE ' — ' || s.category END,
                s.label || CASE WHEN js.core THEN ' (cœur de métier)' ELSE '' END
         FROM job_skill js JOIN skill s USING (code_ogr) WHERE js.code_rome = ?1
         ORDER BY s.rubrique, s.category, js.core DESC, s.label",
        code,
    )?;
    sheet.contexts = grouped(
        conn,
        "SELECT coalesce(w.type_label, 'Contexte'), w.label FROM job_context jc JOIN work_context w USING (code_ogr)
         WHERE jc.code_rome = ?1 ORDER BY w.type_code, w.label",
        code,
    )?;
    let mut st = conn.prepare_cached(
        "SELECT m.target_rome, j.title, m.rank FROM job_mobility m JOIN job j ON j.code_rome = m.target_rome
         WHERE m.code_rome = ?1 ORDER BY m.rank, m.target_rome",
    )?;
    sheet.mobilities = st
        .query_map(params![code], |r| {
            Ok(Mobility {
                code_rome: r.get(0)?,
                title: r.get(1)?,
                rank: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = conn.prepare_cached(
        "SELECT i.label FROM job_interest ji JOIN interest i USING (code) WHERE ji.code_rome = ?1
         ORDER BY ji.principal DESC, i.code",
    )?;
    sheet.interests = st
        .query_map(params![code], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = conn.prepare_cached(
        "SELECT f.fap, coalesce(max(b.fap_label), f.fap), f.score, coalesce(sum(b.hires), 0),
                coalesce(sum(b.difficult), 0), coalesce(sum(b.seasonal), 0)
         FROM job_fap f LEFT JOIN bmo b ON b.fap = f.fap WHERE f.code_rome = ?1
         GROUP BY f.fap ORDER BY f.score DESC",
    )?;
    sheet.hiring = st
        .query_map(params![code], |r| {
            Ok(Hiring {
                fap: r.get(0)?,
                fap_label: r.get(1)?,
                match_score: r.get(2)?,
                planned_hires: r.get(3)?,
                difficult: r.get(4)?,
                seasonal: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let parent = sheet.parent_rome.clone();
    sheet.certifications = named(
        conn,
        // Several certifications share a title ("Boulanger": CAP, titre, mention): the title says which.
        "SELECT c.id, c.title
                || coalesce(' — ' || nullif(c.type, ''), '')
                || coalesce(', niveau ' || c.level_eu, '')
                || coalesce(' — ' || nullif(c.certifier, ''), '')
                || CASE WHEN c.active = 0 THEN ' (plus délivrée)' ELSE '' END
         FROM certification_rome cr JOIN certification c ON c.id = cr.cert_id
         WHERE cr.rome = ?1 ORDER BY c.active DESC, c.level_eu, c.title LIMIT 200",
        &parent,
    )?;
    sheet.trainings = named(
        conn,
        "SELECT t.id, t.title FROM training_rome tr JOIN training t ON t.id = tr.training_id
         WHERE tr.rome = ?1 AND t.source NOT IN ('parcoursup', 'master', 'lycee')
         ORDER BY t.source = 'lheo' DESC, t.title LIMIT 200",
        &parent,
    )?;
    Ok(Some(sheet))
}

fn place_from_row(r: &Row, at: usize) -> rusqlite::Result<PlaceSheet> {
    let kind: String = r.get(at + 1)?;
    let at_commune_centre = kind != "commune" && r.get::<_, bool>(at + 14)?;
    let status: Option<String> = r.get(at + 15)?;
    Ok(PlaceSheet {
        at_commune_centre,
        id: r.get(at)?,
        kind_label: crate::codes::place_kind_label(&kind).to_string(),
        kind,
        name: r.get(at + 2)?,
        address: r.get(at + 3)?,
        postcode: r.get(at + 4)?,
        city: r.get(at + 5)?,
        departement: r.get(at + 6)?,
        region: r.get(at + 7)?,
        lat: r.get(at + 8)?,
        lon: r.get(at + 9)?,
        phone: r.get(at + 10)?,
        email: r.get(at + 11)?,
        url: r.get(at + 12)?,
        details: r.get(at + 13)?,
        status_label: status
            .as_deref()
            .and_then(crate::codes::establishment_status_label)
            .map(str::to_string),
        status_warning: status
            .as_deref()
            .is_some_and(crate::codes::status_needs_warning)
            .then(|| crate::codes::PRIVATE_NO_CONTRACT_WARNING.to_string()),
        status,
    })
}

const PLACE_COLS: &str =
    "p.id, p.kind, p.name, p.address, p.postcode, p.city, p.departement, p.region, p.lat, p.lon, p.phone, p.email, p.url, p.details,
     coalesce((SELECT abs(c.lat - p.lat) < 1e-6 AND abs(c.lon - p.lon) < 1e-6 FROM place c
               WHERE c.id = 'commune:' || p.insee), 0), p.status";

fn place_sheet(conn: &Connection, id: &str) -> Result<Option<PlaceSheet>> {
    Ok(conn
        .query_row(
            &format!("SELECT {PLACE_COLS} FROM place p WHERE p.id = ?1"),
            params![id],
            |r| place_from_row(r, 0),
        )
        .optional()?)
}

fn training_sheet(conn: &Connection, id: &str, today: u32) -> Result<Option<TrainingSheet>> {
    let base = conn
        .query_row(
            "SELECT t.id, t.source, t.title, t.type, t.objective, t.content, t.level_entry, t.level_exit,
                    t.duration, t.rncp, c.title, t.url, t.contact, t.organisme_id, t.programme, pr.title
             FROM training t LEFT JOIN certification c ON c.id = coalesce(t.rncp, t.rs)
             LEFT JOIN training pr ON pr.id = t.programme WHERE t.id = ?1",
            params![id],
            |r| {
                let cert = match (r.get::<_, Option<String>>(9)?, r.get::<_, Option<String>>(10)?) {
                    (Some(id), Some(title)) => Some(Named { id, title }),
                    (Some(id), None) => Some(Named {
                        title: id.clone(),
                        id,
                    }),
                    _ => None,
                };
                Ok((
                    TrainingSheet {
                        id: r.get(0)?,
                        source: r.get(1)?,
                        title: r.get(2)?,
                        r#type: r.get(3)?,
                        objective: r.get(4)?,
                        content: r.get(5)?,
                        level_entry: r.get(6)?,
                        level_exit: r.get(7)?,
                        level_exit_label: r
                            .get::<_, Option<i64>>(7)?
                            .and_then(|l| codes::checked_level(l).ok())
                            .map(codes::level_label),
                        duration: r.get(8)?,
                        certification: cert,
                        url: r.get(11)?,
                        contact: r.get(12)?,
                        organisme: None,
                        actions: Vec::new(),
                        jobs: Vec::new(),
                        badges: Vec::new(),
                        programme: match (
                            r.get::<_, Option<String>>(14)?,
                            r.get::<_, Option<String>>(15)?,
                        ) {
                            (Some(id), Some(title)) => Some(Named { id, title }),
                            _ => None,
                        },
                        source_note: codes::training_source_note(&r.get::<_, String>(1)?)
                            .map(str::to_string),
                    },
                    r.get::<_, Option<String>>(13)?,
                ))
            },
        )
        .optional()?;
    let Some((mut sheet, organisme)) = base else {
        return Ok(None);
    };
    if let Some(org) = organisme {
        sheet.organisme = place_sheet(conn, &org)?;
    }
    let mut st = conn.prepare_cached(
        "SELECT a.id, a.teaching_mode, a.rhythm, a.hours_total, a.price_eur, a.funders, a.conditions, a.place_id
         FROM action a WHERE a.training_id = ?1 ORDER BY a.id",
    )?;
    let actions: Vec<(ActionSheet, Option<String>)> = st
        .query_map(params![id], |r| {
            let funders: Vec<String> = r
                .get::<_, Option<String>>(5)?
                .unwrap_or_default()
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.trim().to_string())
                .collect();
            let mode: Option<String> = r.get(1)?;
            Ok((
                ActionSheet {
                    id: r.get(0)?,
                    teaching_mode_label: mode
                        .as_deref()
                        .and_then(codes::TeachingMode::from_code)
                        .map(|m| m.label().to_string()),
                    teaching_mode: mode,
                    rhythm: r.get(2)?,
                    hours_total: r.get(3)?,
                    price_eur: r.get(4)?,
                    funder_names: funders
                        .iter()
                        .map(|c| {
                            codes::lheo_funder(c)
                                .map_or_else(|| format!("financeur {c}"), |f| f.name.to_string())
                        })
                        .collect(),
                    funders,
                    conditions: r.get(6)?,
                    place: None,
                    sessions: Vec::new(),
                },
                r.get(7)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = conn.prepare_cached(
        "SELECT id, start_date, end_date, registration_start, registration_end, recruitment
         FROM session WHERE action_id = ?1 ORDER BY start_date, id",
    )?;
    for (mut action, place) in actions {
        if let Some(p) = place {
            action.place = place_sheet(conn, &p)?;
        }
        action.sessions = st
            .query_map(params![action.id], |r| {
                let code: Option<i64> = r.get(5)?;
                let (start, end): (Option<String>, Option<String>) = (r.get(1)?, r.get(2)?);
                let (reg_start, reg_end): (Option<String>, Option<String>) = (r.get(3)?, r.get(4)?);
                let registration = SessionInfo::from_catalogue(
                    start.as_deref(),
                    reg_start.as_deref(),
                    reg_end.as_deref(),
                    code,
                )
                .registration(today);
                Ok(SessionSheet {
                    id: r.get(0)?,
                    start_date: start,
                    end_date: end,
                    registration_start: reg_start,
                    registration_end: reg_end,
                    recruitment: code
                        .and_then(codes::Recruitment::from_code)
                        .map(|c| c.label().to_string()),
                    recruitment_code: code,
                    registration_label: registration.label(),
                    registration,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        sheet.actions.push(action);
    }
    if sheet
        .actions
        .iter()
        .any(|a| a.sessions.iter().any(|s| s.registration.is_open()))
    {
        sheet.badges.push(Badge::new(BadgeKind::RegistrationOpen));
    }
    if sheet
        .actions
        .iter()
        .any(|a| a.teaching_mode.as_deref() == Some(codes::TeachingMode::Distance.code()))
    {
        sheet.badges.push(Badge::new(BadgeKind::DistanceLearning));
    }
    sheet.jobs = named(
        conn,
        "SELECT DISTINCT j.code_rome, j.title FROM training_rome tr
         JOIN job j ON j.parent_rome = tr.rome OR j.code_rome = tr.rome
         WHERE tr.training_id = ?1 ORDER BY j.code_rome",
        id,
    )?;
    Ok(Some(sheet))
}

fn aid_sheet(conn: &Connection, id: &str) -> Result<Option<AidSheet>> {
    Ok(conn
        .query_row(
            "SELECT a.id, a.label, coalesce(i.name, a.institution), a.description, a.conditions, a.age_min,
                    a.age_max, a.territory, a.amount, a.unit, a.periodicity, a.link
             FROM aid a LEFT JOIN institution i ON i.slug = a.institution WHERE a.id = ?1",
            params![id],
            |r| {
                Ok(AidSheet {
                    id: r.get(0)?,
                    label: r.get(1)?,
                    institution: r.get(2)?,
                    description: r.get(3)?,
                    conditions: r.get(4)?,
                    age_min: r.get(5)?,
                    age_max: r.get(6)?,
                    territory: r.get(7)?,
                    amount: r.get(8)?,
                    unit: r.get(9)?,
                    periodicity: r.get(10)?,
                    amount_label: r.get::<_, Option<f64>>(8)?.map(|a| {
                        codes::aid_amount(
                            a,
                            r.get::<_, Option<String>>(9).ok().flatten().as_deref(),
                            r.get::<_, Option<String>>(10).ok().flatten().as_deref(),
                        )
                    }),
                    link: r.get(11)?,
                })
            },
        )
        .optional()?)
}

fn certification_sheet(conn: &Connection, id: &str) -> Result<Option<CertificationSheet>> {
    let base = conn
        .query_row(
            "SELECT id, title, type, level_eu, active, certifier, source FROM certification WHERE id = ?1",
            params![id],
            |r| {
                Ok(CertificationSheet {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    r#type: r.get(2)?,
                    level_eu: r.get(3)?,
                    active: r.get(4)?,
                    certifier: r.get(5)?,
                    source: r.get(6)?,
                    jobs: Vec::new(),
                    trainings: Vec::new(),
                })
            },
        )
        .optional()?;
    let Some(mut sheet) = base else {
        return Ok(None);
    };
    sheet.jobs = named(
        conn,
        "SELECT DISTINCT j.code_rome, j.title FROM certification_rome cr
         JOIN job j ON j.parent_rome = cr.rome OR j.code_rome = cr.rome
         WHERE cr.cert_id = ?1 ORDER BY j.code_rome",
        id,
    )?;
    sheet.trainings = named(
        conn,
        "SELECT id, title FROM training WHERE rncp = ?1 OR rs = ?1 ORDER BY title LIMIT 200",
        id,
    )?;
    Ok(Some(sheet))
}

impl Catalogue {
    /// The sheet of any catalogue id: a ROME code, a certification (RNCP…, RS…, CI…), a training, a place or
    /// an aid.
    /// The sheet of an id, with registration judged today (Europe/Paris).
    pub fn show(&self, id: &str) -> Result<Sheet> {
        self.show_on(id, dates::today_number())
    }

    /// The sheet of an id, with registration judged on `today` (YYYYMMDD).
    pub fn show_on(&self, id: &str, today: u32) -> Result<Sheet> {
        let conn = self.conn();
        let id = id.trim();
        if let Some(s) = job_sheet(conn, &id.to_uppercase())? {
            return Ok(Sheet::Job(Box::new(s)));
        }
        if let Some(s) = certification_sheet(conn, &id.to_uppercase())? {
            return Ok(Sheet::Certification(Box::new(s)));
        }
        if let Some(s) = training_sheet(conn, id, today)? {
            return Ok(Sheet::Training(Box::new(s)));
        }
        if let Some(s) = place_sheet(conn, id)? {
            return Ok(Sheet::Place(Box::new(s)));
        }
        if let Some(s) = aid_sheet(conn, id)? {
            return Ok(Sheet::Aid(Box::new(s)));
        }
        Err(Error::UnknownId(crate::error::echo(id)))
    }

    /// The sheet of an id; a job sheet also lists the nearest located trainings that lead to it, within
    /// `radius_km` of the place (widened when fewer than five lie inside, as search does).
    pub fn show_near(
        &self,
        id: &str,
        today: u32,
        near: &crate::territory::Resolved,
        radius_km: f64,
    ) -> Result<Sheet> {
        let mut sheet = self.show_on(id, today)?;
        if let Sheet::Job(job) = &mut sheet {
            let quiz = crate::discover::Quiz::load(self)?;
            let (trainings, widened_to_km) =
                quiz.trainings_near_widening(&job.code_rome, near.point, radius_km, 10)?;
            job.near = Some(NearTrainings {
                place: near.label.clone(),
                radius_km,
                widened_to_km,
                trainings,
            });
        }
        Ok(sheet)
    }

    /// Counts per kind, sources and import report, for `catalogue info`.
    pub fn info(&self) -> Result<Info> {
        let conn = self.conn();
        let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
        let counts = vec![
            ("Fiches métiers (ROME)", count("SELECT count(*) FROM job")?),
            ("Appellations", count("SELECT count(*) FROM appellation")?),
            (
                "Compétences et savoirs",
                count("SELECT count(*) FROM skill")?,
            ),
            (
                "Contextes de travail",
                count("SELECT count(*) FROM work_context")?,
            ),
            (
                "Mobilités entre métiers",
                count("SELECT count(*) FROM job_mobility")?,
            ),
            ("Centres d'intérêt", count("SELECT count(*) FROM interest")?),
            (
                "Certifications",
                count("SELECT count(*) FROM certification")?,
            ),
            ("Formations", count("SELECT count(*) FROM training")?),
            (
                "  dont offres LHEO",
                count("SELECT count(*) FROM training WHERE source = 'lheo'")?,
            ),
            (
                "  dont fiches Onisep",
                count("SELECT count(*) FROM training WHERE source = 'onisep'")?,
            ),
            (
                "  dont offres en lycée",
                count("SELECT count(*) FROM training WHERE source = 'lycee'")?,
            ),
            (
                "  dont formations Parcoursup",
                count("SELECT count(*) FROM training WHERE source = 'parcoursup'")?,
            ),
            (
                "    reliées à un programme ou un diplôme",
                count(
                    "SELECT count(*) FROM training WHERE source = 'parcoursup'
                     AND (programme IS NOT NULL OR rncp IS NOT NULL)",
                )?,
            ),
            (
                "  dont masters (campagne 2021)",
                count("SELECT count(*) FROM training WHERE source = 'master'")?,
            ),
            (
                "Actions de formation",
                count("SELECT count(*) FROM action")?,
            ),
            ("Sessions", count("SELECT count(*) FROM session")?),
            (
                "Agences France Travail",
                count("SELECT count(*) FROM place WHERE kind = 'agence_france_travail'")?,
            ),
            (
                "Missions locales",
                count("SELECT count(*) FROM place WHERE kind = 'mission_locale'")?,
            ),
            (
                "Lycées",
                count("SELECT count(*) FROM place WHERE kind = 'lycee'")?,
            ),
            (
                "Établissements d'enseignement supérieur",
                count("SELECT count(*) FROM place WHERE kind = 'etablissement_superieur'")?,
            ),
            (
                "Établissements privés hors contrat",
                count("SELECT count(*) FROM place WHERE status = 'prive_hors_contrat'")?,
            ),
            (
                "Organismes et lieux de formation",
                count("SELECT count(*) FROM place WHERE kind IN ('organisme', 'lieu_formation')")?,
            ),
            (
                "Communes",
                count("SELECT count(*) FROM place WHERE kind = 'commune'")?,
            ),
            (
                "Codes postaux × communes",
                count("SELECT count(*) FROM commune")?,
            ),
            ("Départements", count("SELECT count(*) FROM departement")?),
            ("Aides", count("SELECT count(*) FROM aid")?),
            ("Institutions", count("SELECT count(*) FROM institution")?),
            (
                "BMO 2024 (métiers FAP, chiffres nationaux)",
                count("SELECT count(*) FROM bmo")?,
            ),
            (
                "Taux de chômage (département × année)",
                count("SELECT count(*) FROM unemployment")?,
            ),
            (
                "Documents de recherche",
                count("SELECT coalesce(CAST(max(value) AS INTEGER), 0) FROM meta WHERE key = 'search_docs'")?,
            ),
        ]
        .into_iter()
        .map(|(label, n)| (label.to_string(), n))
        .collect();
        let mut st = conn.prepare(
            "SELECT file, label, version, licence, rows_read, rows_kept, rows_skipped FROM source ORDER BY rowid",
        )?;
        let sources = st
            .query_map([], |r| {
                Ok(super::import::SourceStats {
                    file: r.get(0)?,
                    label: r.get(1)?,
                    version: r.get(2)?,
                    licence: r.get(3)?,
                    rows_read: r.get::<_, i64>(4)? as u64,
                    rows_kept: r.get::<_, i64>(5)? as u64,
                    rows_skipped: r.get::<_, i64>(6)? as u64,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = conn.prepare("SELECT file, line, reason FROM import_issue ORDER BY rowid")?;
        let issues = st
            .query_map([], |r| {
                Ok(super::import::Issue {
                    file: r.get(0)?,
                    line: r.get::<_, i64>(1)? as u64,
                    reason: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let built_at = conn
            .query_row("SELECT value FROM meta WHERE key = 'built_at'", [], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(Info {
            path: self.path().display().to_string(),
            built_at,
            counts,
            sources,
            issues,
        })
    }
}

#[derive(Debug, Serialize)]
pub struct Info {
    pub path: String,
    pub built_at: Option<String>,
    pub counts: Vec<(String, i64)>,
    pub sources: Vec<super::import::SourceStats>,
    pub issues: Vec<super::import::Issue>,
}
