//! Parcoursup 2025: every post-bac formation as a located training offer at its establishment, linked to
//! the Onisep programme (or certification) it teaches, and so to its level and jobs.

use super::onisep::is_uai;
use super::programmes::{Label, Programmes};
use super::{CsvSpec, Ctx, FileInfo, Row, LICENCE_OUVERTE};
use crate::error::Result;
use crate::territory::{distance_km, CommuneGrid, Point};
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;

pub const PARCOURSUP: FileInfo = FileInfo {
    path: "formations/parcoursup/fr-esr-parcoursup-2025-light.csv.gz",
    label: "Parcoursup 2025 : formations de l'enseignement supérieur",
    version: "2025",
    licence: LICENCE_OUVERTE,
};

const COL_STATUS: &str = "Statut de l’etablissement de la filiere de formation (public, prive…)";
const COL_UAI: &str = "Code UAI de l etablissement";
const COL_NAME: &str = "etablissement";
const COL_REGION: &str = "Region de l’etablissement";
const COL_LABEL: &str = "Filiere de formation";
const COL_GPS: &str = "Coordonnées GPS de la formation";

/// An establishment's own point and one of its formations' points closer than this are the same place.
const SAME_PLACE_KM: f64 = 1.0;
/// A lycée the Onisep file places at its commune centre is the Parcoursup establishment of the same UAI
/// when the two points are this close: the Parcoursup point, more precise, then replaces the centre.
const SAME_TOWN_KM: f64 = 15.0;

/// The status codes of the `place.status` column, from the file's words.
pub(super) fn status_code(raw: &str) -> Option<&'static str> {
    let k = crate::text::fold(raw);
    Some(match k.trim() {
        "public" => "public",
        "prive sous contrat d association" | "prive sous contrat" => "prive_sous_contrat",
        "prive enseignement superieur" => "prive_enseignement_superieur",
        "prive hors contrat" => "prive_hors_contrat",
        "prive" => "prive",
        _ => return None,
    })
}

/// "47.4629, -0.54627" → a point; `Ok(None)` for an empty field.
fn gps(raw: &str) -> std::result::Result<Option<Point>, String> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let bad = || format!("coordonnées GPS illisibles « {raw} »");
    let (a, b) = raw.split_once(',').ok_or_else(bad)?;
    let lat: f64 = a.trim().parse().map_err(|_| bad())?;
    let lon: f64 = b.trim().parse().map_err(|_| bad())?;
    // (0, 0) is a geocoder's "unknown", in the Gulf of Guinea: no French establishment is there.
    if lat == 0.0 && lon == 0.0 {
        return Err(bad());
    }
    Point::checked(lat, lon).map(Some).map_err(|_| bad())
}

/// A name the uploader wrote without its dashes ("ESTA   ecole Superieure") gets them back.
pub(super) fn tidy_name(raw: &str) -> String {
    raw.split("   ")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" – ")
}

struct Formation {
    line: u64,
    status: Option<&'static str>,
    uai: String,
    name: String,
    region: Option<String>,
    label: Label,
    point: Option<Point>,
}

/// A commune centre as the grid holds it.
#[derive(Clone)]
pub(super) struct CommuneAt {
    pub insee: String,
    pub name: String,
    pub postcode: Option<String>,
    pub departement: Option<String>,
    pub region: Option<String>,
}

/// Every commune centre of the catalogue being built, for placing points.
pub(super) fn commune_grid(ctx: &Ctx) -> Result<CommuneGrid<CommuneAt>> {
    let mut st = ctx.tx.prepare(
        "SELECT insee, name, postcode, departement, region, lat, lon FROM place
         WHERE kind = 'commune' AND lat IS NOT NULL AND lon IS NOT NULL AND insee IS NOT NULL",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            Point {
                lat: r.get(5)?,
                lon: r.get(6)?,
            },
            CommuneAt {
                insee: r.get(0)?,
                name: r.get(1)?,
                postcode: r.get(2)?,
                departement: r.get(3)?,
                region: r.get(4)?,
            },
        ))
    })?;
    Ok(CommuneGrid::new(
        rows.collect::<rusqlite::Result<Vec<_>>>()?,
    ))
}

/// What is already known of an establishment by its UAI (an Onisep lycée, an ESR institution).
struct Known {
    name: String,
    point: Option<Point>,
    phone: Option<String>,
    url: Option<String>,
    kind: String,
}

fn known(ctx: &Ctx, id: &str) -> Result<Option<Known>> {
    Ok(ctx
        .tx
        .prepare_cached("SELECT name, lat, lon, phone, url, kind FROM place WHERE id = ?1")?
        .query_row([id], |r| {
            let point = r
                .get::<_, Option<f64>>(1)?
                .zip(r.get::<_, Option<f64>>(2)?)
                .map(|(lat, lon)| Point { lat, lon });
            Ok(Known {
                name: r.get(0)?,
                point,
                phone: r.get(3)?,
                url: r.get(4)?,
                kind: r.get(5)?,
            })
        })
        .optional()?)
}

/// A Parcoursup establishment that is not a lycée is a higher-education one.
fn kind_of(name: &str) -> &'static str {
    let first = crate::text::fold(name);
    let first = first.split_whitespace().next().unwrap_or("");
    match first {
        "lycee" | "lgt" | "lpo" | "lp" | "lt" | "lg" | "lgta" | "lpa" | "lycees" => "lycee",
        _ => "etablissement_superieur",
    }
}

pub fn import(ctx: &mut Ctx) -> Result<()> {
    let mut rows: Vec<Formation> = Vec::new();
    ctx.each_csv(&PARCOURSUP, CsvSpec::new(b',', 6), |_, r| {
        let uai = r.get(COL_UAI).to_ascii_uppercase();
        if uai.is_empty() {
            return Ok(Row::Skip("UAI absent".into()));
        }
        if !is_uai(&uai) {
            return Ok(Row::Skip(format!("UAI invalide « {} »", r.get(COL_UAI))));
        }
        let Some(label) = Label::parse(r.get(COL_LABEL)) else {
            return Ok(Row::Skip(format!("{uai} : intitulé de formation absent")));
        };
        let Some(name) = r.opt(COL_NAME) else {
            return Ok(Row::Skip(format!("{uai} : nom d'établissement absent")));
        };
        let point = match gps(r.get(COL_GPS)) {
            Ok(p) => p,
            Err(e) => return Ok(Row::Skip(format!("{uai} : {e}"))),
        };
        rows.push(Formation {
            line: r.line,
            status: status_code(r.get(COL_STATUS)),
            uai,
            name: tidy_name(name),
            region: r.opt(COL_REGION).map(str::to_string),
            label,
            point,
        });
        Ok(Row::Kept)
    })?;

    // An establishment's points, most used first: the first is its main site.
    let mut points_of: HashMap<String, Vec<(Point, usize)>> = HashMap::new();
    for f in &rows {
        if let Some(p) = f.point {
            let list = points_of.entry(f.uai.clone()).or_default();
            match list.iter_mut().find(|(q, _)| distance_km(*q, p) < 0.05) {
                Some((_, n)) => *n += 1,
                None => list.push((p, 1)),
            }
        }
    }
    for list in points_of.values_mut() {
        list.sort_by_key(|e| std::cmp::Reverse(e.1));
    }

    let communes = commune_grid(ctx)?;
    let programmes = Programmes::load(ctx.tx)?;
    // Place id of each (UAI, site index); created on first use.
    let mut placed: HashMap<(String, usize), String> = HashMap::new();
    let mut per_uai: HashMap<String, usize> = HashMap::new();
    let (mut linked, mut unlocated, mut moved) = (0u64, 0u64, 0u64);
    for f in &rows {
        let sites = points_of.get(&f.uai);
        let site = match (f.point, sites) {
            (Some(p), Some(list)) => list
                .iter()
                .position(|(q, _)| distance_km(*q, p) < 0.05)
                .map(|i| (i, p)),
            // No point of its own: its establishment's main site, when it has one.
            (None, Some(list)) => list.first().map(|(q, _)| {
                moved += 1;
                (0, *q)
            }),
            _ => None,
        };
        let place = match site {
            Some((i, p)) => match placed.get(&(f.uai.clone(), i)) {
                Some(id) => Some(id.clone()),
                None => {
                    let id = place_for(ctx, f, i, p, &communes)?;
                    placed.insert((f.uai.clone(), i), id.clone());
                    Some(id)
                }
            },
            None => {
                unlocated += 1;
                ctx.issue(
                    PARCOURSUP.path,
                    f.line,
                    format!(
                        "{} : sans coordonnées ni autre formation placée de l'établissement, gardée sans lieu",
                        f.uai
                    ),
                );
                None
            }
        };
        let n = per_uai.entry(f.uai.clone()).or_default();
        *n += 1;
        let id = format!("parcoursup:{}:{n}", f.uai);
        let link = programmes.link(&f.label);
        if link.is_some() {
            linked += 1;
        }
        let p = link.as_ref().map(|l| l.programme);
        let title = p.map_or_else(|| f.label.display(), |p| p.title.clone());
        let kind = match p.and_then(|p| p.kind.clone()) {
            Some(k) if p.is_some_and(|p| p.id.starts_with("onisep:")) => k,
            _ => f.label.kind.clone(),
        };
        // Parcoursup's own words stay on the sheet: the parcours and options a programme title drops.
        let content = p.map(|_| format!("Intitulé Parcoursup : {}", f.label.display()));
        let level = p.and_then(|p| p.level).or_else(|| f.label.level());
        let rncp = p.and_then(|p| p.rncp.clone());
        ctx.tx
            .prepare_cached(
                "INSERT INTO training(id, source, title, type, content, level_exit, rncp, programme,
                                      domains, organisme_id)
                 VALUES (?1, 'parcoursup', ?2, ?3, ?4, ?5, ?6, ?7,
                         (SELECT domains FROM training WHERE id = ?7), ?8)",
            )?
            .execute(params![
                id,
                title,
                kind,
                content,
                level,
                rncp,
                p.map(|p| p.id.as_str()).filter(|i| i.starts_with("onisep:")),
                place
            ])?;
        if let Some(rncp) = &rncp {
            ctx.link_jobs_through_certification(&id, rncp)?;
        }
        ctx.add_standing_action(&id, "presentiel", None, place.as_deref())?;
    }
    if moved > 0 {
        ctx.issue(
            PARCOURSUP.path,
            0,
            format!("{moved} formations sans coordonnées placées au site principal de leur établissement"),
        );
    }
    if unlocated > 0 {
        ctx.issue(
            PARCOURSUP.path,
            0,
            format!("{unlocated} formations gardées sans lieu"),
        );
    }
    ctx.tx.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('parcoursup_linked', ?1)",
        [format!("{linked}/{}", rows.len())],
    )?;
    Ok(())
}

/// A campus abroad (Parcoursup lists French schools' campuses in London or Casablanca): on the map, in no
/// commune of ours.
fn no_commune_issue(ctx: &mut Ctx, f: &Formation, p: Point) {
    ctx.issue(
        PARCOURSUP.path,
        f.line,
        format!(
            "{} : aucune commune à moins de {} km du point {:.4}, {:.4} (site à l'étranger ?)",
            f.uai,
            crate::territory::NEAREST_COMMUNE_KM,
            p.lat,
            p.lon
        ),
    );
}

/// The place of one site of an establishment: the known place of its UAI when it is that site, else a
/// place of its own, named like the establishment, at its nearest commune.
fn place_for(
    ctx: &mut Ctx,
    f: &Formation,
    site: usize,
    p: Point,
    communes: &CommuneGrid<CommuneAt>,
) -> Result<String> {
    let main = format!("uai:{}", f.uai);
    let known = known(ctx, &main)?;
    if let Some(k) = &known {
        let same = match k.point {
            Some(q) if k.kind == "lycee" => distance_km(q, p) < SAME_TOWN_KM && site == 0,
            Some(q) => distance_km(q, p) < SAME_PLACE_KM,
            None => site == 0,
        };
        if same {
            // The Parcoursup point is the formation's own; the lycée file only had its commune, and
            // sometimes not even that.
            let precise = k.kind == "lycee" || k.point.is_none();
            let commune = communes.nearest(p).map(|(c, _)| c);
            ctx.tx
                .prepare_cached(
                    "UPDATE place SET status = coalesce(status, ?2),
                                      lat = CASE WHEN ?5 THEN ?3 ELSE lat END,
                                      lon = CASE WHEN ?5 THEN ?4 ELSE lon END,
                                      insee = coalesce(insee, ?6),
                                      city = coalesce(city, ?7),
                                      departement = CASE WHEN insee IS NULL THEN ?8 ELSE departement END
                     WHERE id = ?1",
                )?
                .execute(params![
                    main,
                    f.status,
                    p.lat,
                    p.lon,
                    precise,
                    commune.map(|c| c.insee.as_str()),
                    commune.map(|c| c.name.as_str()),
                    commune.and_then(|c| c.departement.as_deref()),
                ])?;
            if commune.is_none() {
                no_commune_issue(ctx, f, p);
            }
            return Ok(main);
        }
    }
    let id = if known.is_none() && site == 0 {
        main.clone()
    } else {
        format!("uai:{}:site{}", f.uai, site + 1)
    };
    let commune = communes.nearest(p).map(|(c, _)| c);
    if commune.is_none() {
        no_commune_issue(ctx, f, p);
    }
    let name = known.as_ref().map_or(f.name.as_str(), |k| k.name.as_str());
    let kind = known.as_ref().map_or_else(
        || kind_of(&f.name),
        |k| {
            if k.kind == "lycee" {
                "lycee"
            } else {
                "etablissement_superieur"
            }
        },
    );
    ctx.tx
        .prepare_cached(
            "INSERT OR IGNORE INTO place(id, kind, name, postcode, city, insee, departement, region,
                                         lat, lon, phone, url, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            id,
            kind,
            name,
            commune.and_then(|c| c.postcode.clone()),
            commune.map(|c| c.name.clone()),
            commune.map(|c| c.insee.clone()),
            commune.and_then(|c| c.departement.clone()),
            commune.and_then(|c| c.region.clone()).or_else(|| f.region.clone()),
            p.lat,
            p.lon,
            known.as_ref().and_then(|k| k.phone.clone()),
            known.as_ref().and_then(|k| k.url.clone()),
            f.status,
        ])?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::catalogue::import::source::DirSource;

    const HEADER: &str = "\"Statut de l’etablissement de la filiere de formation (public, prive…)\",Code UAI de l etablissement,etablissement,Region de l’etablissement,Filiere de formation,Coordonnées GPS de la formation\n";

    #[test]
    fn broken_rows_are_skipped_and_reported_and_sites_share_places() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let file = format!(
            "{HEADER}\
             Public,0130001A,Lycee Un,Provence Alpes Cote d Azur,BTS   Services   Comptabilite et gestion,\"43.30, 5.40\"\n\
             Public,0130001A,Lycee Un,Provence Alpes Cote d Azur,BTS   Services   Tourisme,\"43.30, 5.40\"\n\
             Public,0130001A,Lycee Un,Provence Alpes Cote d Azur,BTS   Production   Electrotechnique,\n\
             Prive hors contrat,0130002B,Ecole Deux   Campus,Provence Alpes Cote d Azur,Formation Bac + 3   Bachelor gestion,\"43.52, 5.44\"\n\
             Prive hors contrat,0130002B,Ecole Deux   Campus,Provence Alpes Cote d Azur,Formation Bac + 3   Bachelor vente,\"43.30, 5.40\"\n\
             Public,,Sans UAI,PACA,BTS   Services   Tourisme,\"43.30, 5.40\"\n\
             Public,0130003C,Mauvais point,PACA,BTS   Services   Tourisme,\"43.30\"\n\
             Public,0130004D,Sans intitule,PACA,   ,\"43.30, 5.40\"\n\
             Public,0130005E,Seul sans point,PACA,Licence   Droit,\n\
             Public,0130006F,Tronquee\n"
        );
        write_gz(&data, PARCOURSUP.path, file.as_bytes());
        let mut conn = open_db(dir.path());
        let tx = conn.transaction().unwrap();
        tx.execute_batch(
            "INSERT INTO place(id, kind, name, postcode, city, insee, departement, lat, lon) VALUES
               ('commune:13055', 'commune', 'Marseille', '13001', 'Marseille', '13055', '13', 43.296, 5.37),
               ('commune:13001', 'commune', 'Aix-en-Provence', '13100', 'Aix-en-Provence', '13001', '13', 43.53, 5.45),
               ('uai:0130001A', 'lycee', 'Lycée Un', '13001', 'Marseille', '13055', '13', 43.296, 5.37);",
        )
        .unwrap();
        let source = DirSource(data);
        let mut ctx = Ctx::new(&tx, &source);
        import(&mut ctx).unwrap();
        let report = ctx.report;
        let s = stats(&report, PARCOURSUP.path);
        assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (10, 6, 4));
        let issues = issues_of(&report, PARCOURSUP.path);
        assert!(issues.contains(&(7, "UAI absent")), "{issues:?}");
        assert!(issues.contains(&(8, "0130003C : coordonnées GPS illisibles « 43.30 »")));
        assert!(issues.contains(&(9, "0130004D : intitulé de formation absent")));
        assert!(issues
            .iter()
            .any(|(l, r)| *l == 11 && r.contains("colonnes au lieu de 6")));
        assert!(issues
            .iter()
            .any(|(l, r)| *l == 10 && r.contains("sans coordonnées ni autre formation placée")));
        assert!(issues.contains(&(
            0,
            "1 formations sans coordonnées placées au site principal de leur établissement"
        )));
        let place_of = |id: &str| -> Option<String> {
            tx.query_row(
                "SELECT place_id FROM action WHERE training_id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
        };
        // The known lycée is the same place, now at the formation's own point; the row without GPS
        // joins its establishment's site.
        assert_eq!(
            place_of("parcoursup:0130001A:1").as_deref(),
            Some("uai:0130001A")
        );
        assert_eq!(
            place_of("parcoursup:0130001A:3").as_deref(),
            Some("uai:0130001A")
        );
        let (lat, status): (f64, String) = tx
            .query_row(
                "SELECT lat, status FROM place WHERE id = 'uai:0130001A'",
                [],
                |r| r.try_into(),
            )
            .unwrap();
        assert_eq!((lat, status.as_str()), (43.30, "public"));
        // Two points of one establishment: two places, each at its nearest commune, marked hors contrat.
        let main = place_of("parcoursup:0130002B:1").unwrap();
        let other = place_of("parcoursup:0130002B:2").unwrap();
        assert_ne!(main, other);
        let site = |id: &str| -> (String, String, String) {
            tx.query_row(
                "SELECT name, city, status FROM place WHERE id = ?1",
                [id],
                |r| r.try_into(),
            )
            .unwrap()
        };
        assert_eq!(
            site(&main),
            (
                "Ecole Deux – Campus".into(),
                "Aix-en-Provence".into(),
                "prive_hors_contrat".into()
            )
        );
        assert_eq!(site(&other).1, "Marseille");
        assert_eq!(place_of("parcoursup:0130005E:1"), None);
    }

    #[test]
    fn fields_are_read_and_checked() {
        assert_eq!(
            gps("47.4629, -0.54627").unwrap(),
            Some(Point {
                lat: 47.4629,
                lon: -0.54627
            })
        );
        assert_eq!(gps(" ").unwrap(), None);
        assert!(gps("47.4629").is_err());
        assert!(gps("0, 0").is_err());
        assert!(gps("147.1, 2.0").is_err());
        assert!(is_uai("0492433D"));
        assert!(!is_uai("049243D"));
        assert!(!is_uai(""));
        assert_eq!(
            status_code("Prive hors contrat"),
            Some("prive_hors_contrat")
        );
        assert_eq!(status_code("Public"), Some("public"));
        assert_eq!(status_code("??"), None);
        assert_eq!(
            tidy_name("ESTA   ecole Superieure des Technologies"),
            "ESTA – ecole Superieure des Technologies"
        );
        assert_eq!(kind_of("Lycee Saint Louis"), "lycee");
        assert_eq!(kind_of("Universite de Rennes"), "etablissement_superieur");
    }
}
