//! Builds the search documents and the FTS5 index from the catalogue tables, at the end of a build.

use crate::error::Result;
use rusqlite::{params, Transaction};

/// Longest body text indexed per document: beyond it, words add noise more than recall.
const MAX_BODY: usize = 4000;

fn truncate(text: String) -> String {
    if text.len() <= MAX_BODY {
        return text;
    }
    let mut end = MAX_BODY;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default().to_string()
}

/// A searchable document: what the engines index (title strongly, body weakly) and what a hit shows.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub kind: &'static str,
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub rome: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub distance_learning: bool,
    /// A static prior in [0, ~16] for jobs (see `job_priors`), 0 otherwise.
    pub prior: f64,
    pub body: String,
    /// For jobs: the ROME grand domaine letter.
    pub domain: Option<char>,
    /// For trainings: what the filters look at.
    pub training: Option<super::filters::TrainingInfo>,
    /// The document that names its group best (a job's fiche, rather than one of its appellations).
    pub head: bool,
}

/// Builds the search documents, the FTS5 index and our engine's index, at the end of a catalogue build.
pub fn build(tx: &Transaction) -> Result<usize> {
    let docs = collect(tx)?;
    write(tx, &docs)?;
    let engine = super::engine::Engine::build(&docs);
    tx.execute(
        "INSERT OR REPLACE INTO search_engine(id, data) VALUES (1, ?1)",
        params![engine.to_bytes()],
    )?;
    Ok(docs.len())
}

/// Reads every searchable document from the catalogue tables.
pub fn collect(tx: &rusqlite::Connection) -> Result<Vec<Doc>> {
    let mut docs: Vec<Doc> = Vec::new();
    {
        // Jobs: the fiche (title + what the job does), weighted by planned hires when known.
        let mut st = tx.prepare(
            "SELECT j.code_rome, j.title, coalesce(j.definition, ''),
                    coalesce((SELECT group_concat(s.label, ' ; ') FROM job_skill js JOIN skill s USING (code_ogr)
                              WHERE js.code_rome = j.code_rome AND s.rubrique = 1), ''),
                    coalesce((SELECT group_concat(w.label, ' ; ') FROM job_context jc JOIN work_context w USING (code_ogr)
                              WHERE jc.code_rome = j.code_rome), ''),
                    coalesce(d.label, '')
             FROM job j LEFT JOIN domaine d ON d.code = j.domaine",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Doc {
                kind: "job",
                id: r.get(0)?,
                title: r.get(1)?,
                subtitle: Some(r.get::<_, String>(5)?).filter(|s| !s.is_empty()),
                rome: Some(r.get(0)?),
                lat: None,
                lon: None,
                distance_learning: false,
                prior: 0.0,
                body: truncate(format!(
                    "{} {} {}",
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?
                )),
                head: true,
                ..Default::default()
            })
        })?;
        for d in rows {
            docs.push(d?);
        }
        // Appellations: every name of the job, masculine and feminine.
        let mut st = tx.prepare(
            "SELECT a.code_rome, a.title, a.short_title, j.title FROM appellation a JOIN job j USING (code_rome)
             WHERE a.title <> j.title",
        )?;
        let rows = st.query_map([], |r| {
            let (title, short): (String, String) = (r.get(1)?, r.get(2)?);
            let body = if short != title { short } else { String::new() };
            Ok(Doc {
                kind: "job",
                id: r.get(0)?,
                title,
                subtitle: Some(r.get(3)?),
                rome: Some(r.get(0)?),
                lat: None,
                lon: None,
                distance_learning: false,
                prior: 0.0,
                body,
                ..Default::default()
            })
        })?;
        for d in rows {
            docs.push(d?);
        }
        // Trainings, placed at their first located action.
        let mut st = tx.prepare(
            "SELECT t.id, t.title, coalesce(t.type, ''), coalesce(t.objective, ''), coalesce(t.content, ''),
                    coalesce(t.domains, ''),
                    (SELECT p.city FROM action a JOIN place p ON p.id = a.place_id WHERE a.training_id = t.id
                     AND p.lat IS NOT NULL ORDER BY a.id LIMIT 1),
                    (SELECT p.lat FROM action a JOIN place p ON p.id = a.place_id WHERE a.training_id = t.id
                     AND p.lat IS NOT NULL ORDER BY a.id LIMIT 1),
                    (SELECT p.lon FROM action a JOIN place p ON p.id = a.place_id WHERE a.training_id = t.id
                     AND p.lat IS NOT NULL ORDER BY a.id LIMIT 1),
                    EXISTS (SELECT 1 FROM action a WHERE a.training_id = t.id AND a.teaching_mode = 'distance')
             FROM training t",
        )?;
        let rows = st.query_map([], |r| {
            let kind: String = r.get(2)?;
            let city: Option<String> = r.get(6)?;
            let subtitle = match (kind.is_empty(), city) {
                (false, Some(c)) => Some(format!("{kind} · {c}")),
                (false, None) => Some(kind.clone()),
                (true, c) => c,
            };
            Ok(Doc {
                kind: "training",
                id: r.get(0)?,
                title: r.get(1)?,
                subtitle,
                rome: None,
                lat: r.get(7)?,
                lon: r.get(8)?,
                distance_learning: r.get(9)?,
                prior: 0.0,
                body: truncate(format!(
                    "{kind} {} {} {}",
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?
                )),
                ..Default::default()
            })
        })?;
        for d in rows {
            docs.push(d?);
        }
        // Places: structures and communes.
        let mut st = tx.prepare(
            "SELECT id, kind, name, coalesce(address, ''), coalesce(postcode, ''), coalesce(city, ''), lat, lon
             FROM place WHERE kind <> 'adresse_inscription'",
        )?;
        let rows = st.query_map([], |r| {
            let kind: String = r.get(1)?;
            let label = place_kind_label(&kind);
            let (address, postcode, city): (String, String, String) =
                (r.get(3)?, r.get(4)?, r.get(5)?);
            Ok(Doc {
                kind: "place",
                id: r.get(0)?,
                title: r.get(2)?,
                subtitle: Some(
                    format!("{label} · {postcode} {city}")
                        .trim_end_matches([' ', '·'])
                        .to_string(),
                ),
                rome: None,
                lat: r.get(6)?,
                lon: r.get(7)?,
                distance_learning: false,
                prior: 0.0,
                body: format!("{label} {address} {postcode} {city}"),
                ..Default::default()
            })
        })?;
        for d in rows {
            docs.push(d?);
        }
        // Aids.
        let mut st = tx.prepare(
            "SELECT a.id, a.label, coalesce(i.name, ''), coalesce(a.description, ''), coalesce(a.conditions, '')
             FROM aid a LEFT JOIN institution i ON i.slug = a.institution",
        )?;
        let rows = st.query_map([], |r| {
            let institution: String = r.get(2)?;
            Ok(Doc {
                kind: "aid",
                id: r.get(0)?,
                title: r.get(1)?,
                subtitle: Some(institution.clone()).filter(|s| !s.is_empty()),
                rome: None,
                lat: None,
                lon: None,
                distance_learning: false,
                prior: 0.0,
                body: truncate(format!(
                    "{institution} {} {}",
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?
                )),
                ..Default::default()
            })
        })?;
        for d in rows {
            docs.push(d?);
        }
    }
    add_facts(tx, &mut docs)?;
    Ok(docs)
}

/// Adds what the filters need: the grand domaine of jobs, and levels, funding, modes, hours, sessions of
/// trainings.
fn add_facts(conn: &rusqlite::Connection, docs: &mut [Doc]) -> Result<()> {
    use super::filters::{date_number, funding_bit, mode_bit, SessionInfo, TrainingInfo};
    use std::collections::HashMap;
    let priors = job_priors(conn)?;
    let mut domains: HashMap<String, char> = HashMap::new();
    let mut st =
        conn.prepare("SELECT code_rome, grand_domaine FROM job WHERE grand_domaine IS NOT NULL")?;
    for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (code, gd) = row?;
        if let Some(c) = gd.chars().next() {
            domains.insert(code, c);
        }
    }
    let mut trainings: HashMap<String, TrainingInfo> = HashMap::new();
    let mut st = conn.prepare("SELECT id, level_exit FROM training")?;
    for row in st.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?))
    })? {
        let (id, level) = row?;
        trainings.insert(
            id,
            TrainingInfo {
                level: level
                    .and_then(|l| u8::try_from(l).ok())
                    .filter(|l| (1..=8).contains(l)),
                ..Default::default()
            },
        );
    }
    let mut st = conn.prepare(
        "SELECT training_id, teaching_mode, funders, hours_total, disability_access FROM action",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<i64>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    for row in rows {
        let (id, mode, funders, hours, disability) = row?;
        let Some(t) = trainings.get_mut(&id) else {
            continue;
        };
        t.modes |= mode.as_deref().map(mode_bit).unwrap_or(0);
        for code in funders.unwrap_or_default().split(',') {
            t.funding |= crate::catalogue::import::funder_category(code.trim())
                .map(funding_bit)
                .unwrap_or(0);
        }
        if let Some(h) = hours.and_then(|h| u32::try_from(h).ok()).filter(|&h| h > 0) {
            t.hours = Some(t.hours.map_or(h, |old| old.min(h)));
        }
        t.disability_access |= disability.is_some_and(|d| !d.trim().is_empty());
    }
    let mut st = conn.prepare(
        "SELECT a.training_id, s.start_date, s.registration_start, s.registration_end, s.recruitment
         FROM session s JOIN action a ON a.id = s.action_id",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<i64>>(4)?,
        ))
    })?;
    for row in rows {
        let (id, start, reg_start, reg_end, recruitment) = row?;
        if let Some(t) = trainings.get_mut(&id) {
            t.sessions.push(SessionInfo {
                start: start.as_deref().and_then(date_number),
                registration_start: reg_start.as_deref().and_then(date_number),
                registration_end: reg_end.as_deref().and_then(date_number),
                recruitment: recruitment.and_then(|r| u8::try_from(r).ok()),
            });
        }
    }
    for d in docs.iter_mut() {
        match d.kind {
            "job" => {
                d.domain = d.rome.as_deref().and_then(|r| domains.get(r)).copied();
                d.prior = d
                    .rome
                    .as_deref()
                    .and_then(|r| priors.get(r))
                    .copied()
                    .unwrap_or(0.0);
            }
            "training" => d.training = trainings.remove(&d.id),
            _ => {}
        }
    }
    Ok(())
}

/// How likely a job fiche is what someone means, before reading the query: the planned hires of its BMO
/// job family shared among the fiches matched to that family, and how many names (appellations) the fiche
/// has — a broad fiche such as "Infirmier en soins généraux" has many.
fn job_priors(conn: &rusqlite::Connection) -> Result<std::collections::HashMap<String, f64>> {
    use std::collections::HashMap;
    let mut hires: HashMap<String, f64> = HashMap::new();
    let mut st = conn.prepare("SELECT fap, coalesce(sum(hires), 0) FROM bmo GROUP BY fap")?;
    for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (fap, n) = row?;
        hires.insert(fap, n as f64);
    }
    let mut links: Vec<(String, String)> = Vec::new();
    let mut fiches_per_fap: HashMap<String, f64> = HashMap::new();
    let mut st = conn.prepare("SELECT code_rome, fap FROM job_fap")?;
    for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (rome, fap) = row?;
        *fiches_per_fap.entry(fap.clone()).or_default() += 1.0;
        links.push((rome, fap));
    }
    let mut share: HashMap<String, f64> = HashMap::new();
    for (rome, fap) in links {
        let h = hires.get(&fap).copied().unwrap_or(0.0)
            / fiches_per_fap.get(&fap).copied().unwrap_or(1.0);
        *share.entry(rome).or_default() += h;
    }
    let mut priors = HashMap::new();
    let mut st = conn.prepare("SELECT code_rome, (SELECT count(*) FROM appellation a WHERE a.code_rome = j.code_rome) FROM job j")?;
    for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (rome, names) = row?;
        let h = share.get(&rome).copied().unwrap_or(0.0);
        priors.insert(rome, h.ln_1p() + 1.5 * (names as f64).ln_1p());
    }
    Ok(priors)
}

/// Writes the documents and their FTS5 rows; document numbers follow the order of `docs`.
pub fn write(tx: &rusqlite::Connection, docs: &[Doc]) -> Result<()> {
    let mut ins_doc = tx.prepare(
        "INSERT INTO search_doc(doc, kind, id, title, subtitle, rome, lat, lon, distance_learning, prior)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut ins_fts =
        tx.prepare("INSERT INTO search_fts(rowid, title, body) VALUES (?1, ?2, ?3)")?;
    for (i, d) in docs.iter().enumerate() {
        let doc = i as i64 + 1;
        ins_doc.execute(params![
            doc,
            d.kind,
            d.id,
            d.title,
            d.subtitle,
            d.rome,
            d.lat,
            d.lon,
            d.distance_learning,
            d.prior
        ])?;
        ins_fts.execute(params![doc, d.title, d.body])?;
    }
    Ok(())
}

pub fn place_kind_label(kind: &str) -> &'static str {
    match kind {
        "agence_france_travail" => "Agence France Travail",
        "mission_locale" => "Mission locale",
        "lycee" => "Lycée",
        "organisme" => "Organisme de formation",
        "lieu_formation" => "Lieu de formation",
        "commune" => "Commune",
        "adresse_inscription" => "Adresse d'inscription",
        _ => "Lieu",
    }
}
