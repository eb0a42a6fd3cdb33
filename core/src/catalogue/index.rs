//! Turns the catalogue tables into the search engine's documents, at the end of a build, and saves the
//! engine built from them with the catalogue.

use crate::error::Result;
use crate::search::doc::{Doc, Located};
use crate::search::engine::Engine;
use crate::territory;
use rusqlite::{params, Transaction};
use std::collections::HashMap;

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

/// Builds the search documents and the engine's index, at the end of a catalogue build.
pub fn build(tx: &Transaction, neighbours: crate::search::expand::Neighbours) -> Result<usize> {
    let docs = collect(tx)?;
    let mut engine = Engine::build(&docs);
    engine.set_neighbours(neighbours);
    tx.execute(
        "INSERT OR REPLACE INTO search_engine(id, data) VALUES (1, ?1)",
        params![engine.to_bytes()?],
    )?;
    tx.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('search_docs', ?1)",
        params![docs.len().to_string()],
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
            "SELECT a.code_rome, a.title, coalesce(a.short_title, a.title), j.title FROM appellation a JOIN job j USING (code_rome)
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
        // Trainings, at the place of their first action that has one (a located one first), named in the
        // subtitle: a result must say where it is taught.
        let points = place_points(tx)?;
        let mut st = tx.prepare(
            "SELECT t.id, t.title, coalesce(t.type, ''), coalesce(t.objective, ''), coalesce(t.content, ''),
                    coalesce(t.domains, ''), p.id, p.name, p.city, p.status,
                    EXISTS (SELECT 1 FROM action a WHERE a.training_id = t.id AND a.teaching_mode = 'distance')
             FROM training t
             LEFT JOIN place p ON p.id = (SELECT a.place_id FROM action a JOIN place q ON q.id = a.place_id
                                          WHERE a.training_id = t.id ORDER BY q.lat IS NULL, a.id LIMIT 1)",
        )?;
        let rows = st.query_map([], |r| {
            let kind: String = r.get(2)?;
            let place: Option<String> = r.get(6)?;
            let subtitle = training_subtitle(
                &kind,
                r.get::<_, Option<String>>(7)?.as_deref(),
                r.get::<_, Option<String>>(9)?.as_deref(),
                r.get::<_, Option<String>>(8)?.as_deref(),
            );
            Ok((
                place,
                Doc {
                    kind: "training",
                    id: r.get(0)?,
                    title: r.get(1)?,
                    subtitle,
                    rome: None,
                    distance_learning: r.get(10)?,
                    prior: 0.0,
                    body: truncate(format!(
                        "{kind} {} {} {}",
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?
                    )),
                    ..Default::default()
                },
            ))
        })?;
        for row in rows {
            let (place, mut d) = row?;
            if let Some(p) = place.as_ref().and_then(|id| points.get(id)) {
                d.lat = Some(p.lat);
                d.lon = Some(p.lon);
                d.located = p.located;
                d.place_name = p.name.clone();
            }
            docs.push(d);
        }
        // Places: structures and communes, each with the best point we have (see `place_points`).
        let mut st = tx.prepare(
            "SELECT id, kind, name, coalesce(address, ''), coalesce(postcode, ''), coalesce(city, ''), status
             FROM place WHERE kind <> 'adresse_inscription'",
        )?;
        let rows = st.query_map([], |r| {
            let kind: String = r.get(1)?;
            let status: Option<String> = r.get(6)?;
            let label = match status.as_deref() {
                Some(s) if crate::codes::status_needs_warning(s) => format!(
                    "{} ({})",
                    crate::codes::place_kind_label(&kind),
                    crate::codes::establishment_status_label(s).unwrap_or_default()
                ),
                _ => crate::codes::place_kind_label(&kind).to_string(),
            };
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
                distance_learning: false,
                prior: 0.0,
                body: format!("{label} {address} {postcode} {city}"),
                ..Default::default()
            })
        })?;
        for d in rows {
            let mut d = d?;
            if let Some(p) = points.get(&d.id) {
                d.lat = Some(p.lat);
                d.lon = Some(p.lon);
                d.located = p.located;
                d.place_name = p.name.clone();
            }
            docs.push(d);
        }
        // Aids.
        let mut st = tx.prepare(
            "SELECT a.id, a.label, coalesce(i.name, ''), coalesce(a.description, ''), coalesce(a.conditions, ''),
                    coalesce(a.areas, i.areas)
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
                areas: r.get(5)?,
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

/// What a training result says under its title: its type, where it is taught and in which town ("BTS · Lycée
/// Jean Perrin · Marseille"), and "(privé hors contrat)" after the establishment, so families know before
/// they open the sheet. One rule for search results and every other list of trainings.
pub(crate) fn training_subtitle(
    kind: &str,
    place: Option<&str>,
    status: Option<&str>,
    city: Option<&str>,
) -> Option<String> {
    let place = place.map(|n| match status {
        Some(s) if crate::codes::status_needs_warning(s) => format!(
            "{n} ({})",
            crate::codes::establishment_status_label(s).unwrap_or_default()
        ),
        _ => n.to_string(),
    });
    let text = [Some(kind.to_string()), place, city.map(str::to_string)]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    (!text.is_empty()).then_some(text)
}

/// A place's point for the search, and how precise it is.
struct PlacePoint {
    lat: f64,
    lon: f64,
    located: Located,
    /// The commune or département the point stands for, when it is not the place's own.
    name: Option<String>,
}

/// The best point of every place: its own coordinates; else (or when they are exactly its commune's
/// centre, as for the lycées the Onisep file places by commune) its commune's centre; else a commune
/// of its département named in its title ("Mission Locale de Marseille"); else its département's centre.
/// No place is left out of "near me" for lack of an address, and none claims a precision it lacks.
fn place_points(conn: &rusqlite::Connection) -> Result<HashMap<String, PlacePoint>> {
    let mut communes_of: HashMap<String, Vec<(String, String, f64, f64)>> = HashMap::new();
    let mut dept_sum: HashMap<String, (f64, f64, f64)> = HashMap::new();
    {
        let mut st = conn.prepare(
            "SELECT p.departement, p.name, p.lat, p.lon FROM place p
             WHERE p.kind = 'commune' AND p.lat IS NOT NULL AND p.departement IS NOT NULL",
        )?;
        let rows = st.query_map([], |r| r.try_into())?;
        for row in rows {
            let (dept, name, lat, lon): (String, String, f64, f64) = row?;
            let sum = dept_sum.entry(dept.clone()).or_default();
            *sum = (sum.0 + lat, sum.1 + lon, sum.2 + 1.0);
            communes_of.entry(dept).or_default().push((
                territory::commune_key(&name),
                name,
                lat,
                lon,
            ));
        }
    }
    let mut st = conn.prepare(
        "SELECT p.id, p.kind, p.name, p.lat, p.lon, p.departement, d.name,
                c.name, c.lat, c.lon
         FROM place p
         LEFT JOIN departement d ON d.code = p.departement
         LEFT JOIN place c ON c.id = 'commune:' || p.insee AND c.kind = 'commune'
         WHERE p.kind <> 'adresse_inscription'",
    )?;
    let mut out = HashMap::new();
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let kind: String = r.get(1)?;
        let title: String = r.get(2)?;
        let own = r.get::<_, Option<f64>>(3)?.zip(r.get::<_, Option<f64>>(4)?);
        let dept: Option<String> = r.get(5)?;
        let dept_name: Option<String> = r.get(6)?;
        let commune_name: Option<String> = r.get(7)?;
        let commune = r.get::<_, Option<f64>>(8)?.zip(r.get::<_, Option<f64>>(9)?);
        let at_centre =
            |(a, b): (f64, f64), (c, d): (f64, f64)| (a - c).abs() < 1e-6 && (b - d).abs() < 1e-6;
        let point = match (own, commune) {
            _ if kind == "commune" => own.map(|(lat, lon)| PlacePoint {
                lat,
                lon,
                located: Located::Exact,
                name: None,
            }),
            (Some(o), Some(c)) if at_centre(o, c) => Some(PlacePoint {
                lat: o.0,
                lon: o.1,
                located: Located::Commune,
                name: commune_name.clone(),
            }),
            (Some((lat, lon)), _) => Some(PlacePoint {
                lat,
                lon,
                located: Located::Exact,
                name: None,
            }),
            (None, Some((lat, lon))) => Some(PlacePoint {
                lat,
                lon,
                located: Located::Commune,
                name: commune_name.clone(),
            }),
            (None, None) => dept.as_ref().and_then(|d| {
                let key = format!(" {} ", territory::commune_key(&title));
                let named = communes_of.get(d).and_then(|list| {
                    list.iter()
                        .filter(|(k, ..)| k.len() >= 4 && key.contains(&format!(" {k} ")))
                        .max_by_key(|(k, ..)| k.len())
                });
                match named {
                    Some((_, name, lat, lon)) => Some(PlacePoint {
                        lat: *lat,
                        lon: *lon,
                        located: Located::Commune,
                        name: Some(name.clone()),
                    }),
                    None => dept_sum.get(d).map(|&(la, lo, n)| PlacePoint {
                        lat: la / n,
                        lon: lo / n,
                        located: Located::Departement,
                        name: dept_name.clone().or_else(|| Some(d.clone())),
                    }),
                }
            }),
        };
        if let Some(p) = point {
            out.insert(id, p);
        }
    }
    Ok(out)
}

/// Adds what the filters need: the grand domaine of jobs, and levels, funding, modes, hours, sessions of
/// trainings.
fn add_facts(conn: &rusqlite::Connection, docs: &mut [Doc]) -> Result<()> {
    use crate::codes::{self, Funding, TeachingMode};
    use crate::search::filters::{SessionInfo, TrainingInfo};
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
    let rows = st.query_map([], |r| r.try_into())?;
    for row in rows {
        let (id, mode, funders, hours, disability): (
            String,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<String>,
        ) = row?;
        let Some(t) = trainings.get_mut(&id) else {
            continue;
        };
        t.modes |= mode
            .as_deref()
            .and_then(TeachingMode::from_code)
            .map_or(0, TeachingMode::bit);
        for code in funders.unwrap_or_default().split(',') {
            t.funding |= codes::lheo_funder(code)
                .and_then(|f| f.category)
                .map_or(0, Funding::bit);
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
    let rows = st.query_map([], |r| r.try_into())?;
    for row in rows {
        let (id, start, reg_start, reg_end, recruitment): (
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
        ) = row?;
        if let Some(t) = trainings.get_mut(&id) {
            t.sessions.push(SessionInfo::from_catalogue(
                start.as_deref(),
                reg_start.as_deref(),
                reg_end.as_deref(),
                recruitment,
            ));
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
