//! Territories (communes, départements) and the places people go to for guidance: France Travail
//! agencies and Missions locales.

use super::text::title_case;
use super::{CsvSpec, Ctx, FileInfo, Rec, Row};
use crate::error::Result;
use crate::territory::{
    commune_key, departement_code, departement_of_insee, departement_of_postcode, distance_km,
    Point,
};
use crate::text::fold;
use rusqlite::params;
use std::collections::{BTreeMap, HashMap};

const COMMUNES: FileInfo = FileInfo {
    path: "geo/communes_codes_postaux_gps_2025.csv.gz",
    label: "Communes et codes postaux (La Poste) avec les centroïdes des communes",
    version: "2025",
    licence: "non vérifiée",
};

const DEPARTEMENTS: FileInfo = FileInfo {
    path: "geo/departements_academies_regions.csv",
    label: "Départements, académies et régions",
    version: "non datée",
    licence: "non vérifiée",
};

const AGENCES: FileInfo = FileInfo {
    path: "structures/pole_emploi_agences_2019-11.csv",
    label: "Agences France Travail (ex-Pôle emploi) géolocalisées",
    version: "2019-11",
    licence: "non vérifiée",
};

const MISSIONS_LOCALES: FileInfo = FileInfo {
    path: "structures/missions_locales_structures_milo_referentiel_2023.csv",
    label: "Missions locales (référentiel des structures i-milo)",
    version: "2023-09",
    licence: "non vérifiée",
};

/// Codes of the départements file that are not French départements, with the reason they are left out.
const NOT_DEPARTEMENTS: &[(&str, &str)] = &[
    ("130", "Andorre n'est pas un département français"),
    ("985", "ancien code de Mayotte, remplacé par 976"),
    ("990", "« Autre pays » n'est pas un département"),
];

fn is_insee(s: &str) -> bool {
    matches!(s.as_bytes(), [first, second, rest @ ..]
        if rest.len() == 3
            && first.is_ascii_digit()
            && (second.is_ascii_digit() || (matches!(second, b'A' | b'B') && *first == b'2'))
            && rest.iter().all(u8::is_ascii_digit))
}

fn is_postcode(s: &str) -> bool {
    s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit())
}

/// (lat min, lat max, lon min, lon max) boxes, generous by a few kilometres.
type Bounds = (f64, f64, f64, f64);
const METROPOLE: Bounds = (41.2, 51.2, -5.3, 9.7);
const GUADELOUPE: Bounds = (15.8, 16.6, -61.9, -60.9);
const ILES_DU_NORD: Bounds = (17.8, 18.2, -63.2, -62.7); // Saint-Martin, Saint-Barthélemy
const MARTINIQUE: Bounds = (14.3, 14.95, -61.3, -60.75);
const GUYANE: Bounds = (2.1, 5.85, -54.7, -51.5);
const REUNION: Bounds = (-21.45, -20.8, 55.15, 55.9);
const SAINT_PIERRE: Bounds = (46.7, 47.2, -56.5, -56.1);
const MAYOTTE: Bounds = (-13.1, -12.6, 44.9, 45.35);
const PACIFIQUE: Bounds = (-28.0, -8.0, -180.0, -134.0); // Polynésie, Wallis-et-Futuna
const CALEDONIE: Bounds = (-23.0, -19.5, 163.5, 168.5);
const CLIPPERTON: Bounds = (10.2, 10.4, -109.3, -109.1);
const ALL_FRANCE: &[Bounds] = &[
    METROPOLE,
    GUADELOUPE,
    ILES_DU_NORD,
    MARTINIQUE,
    GUYANE,
    REUNION,
    SAINT_PIERRE,
    MAYOTTE,
    PACIFIQUE,
    CALEDONIE,
    CLIPPERTON,
];

/// Where a place of this département may lie; every French territory when the département is unknown.
fn territory(dept: Option<&str>) -> &'static [Bounds] {
    match dept {
        Some("971") => &[GUADELOUPE, ILES_DU_NORD],
        Some("977") | Some("978") => &[ILES_DU_NORD],
        Some("972") => &[MARTINIQUE],
        Some("973") => &[GUYANE],
        Some("974") => &[REUNION],
        Some("975") => &[SAINT_PIERRE],
        Some("976") => &[MAYOTTE],
        Some("986") | Some("987") => &[PACIFIQUE],
        Some("988") => &[CALEDONIE],
        Some("989") => &[CLIPPERTON],
        Some(d) if d.len() == 2 => &[METROPOLE],
        _ => ALL_FRANCE,
    }
}

fn inside(bounds: &[Bounds], lat: f64, lon: f64) -> bool {
    bounds
        .iter()
        .any(|&(a, b, c, d)| (a..=b).contains(&lat) && (c..=d).contains(&lon))
}

/// Parses a "lat"/"lon" pair. Ok(None) when both are empty; Err(reason) when present but unusable.
fn parse_coords(lat: &str, lon: &str) -> std::result::Result<Option<(f64, f64)>, String> {
    if lat.is_empty() && lon.is_empty() {
        return Ok(None);
    }
    let parse = |s: &str| {
        s.replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
    };
    match (parse(lat), parse(lon)) {
        (Some(la), Some(lo)) if (-90.0..=90.0).contains(&la) && (-180.0..=180.0).contains(&lo) => {
            Ok(Some((la, lo)))
        }
        _ => Err(format!(
            "coordonnées illisibles ou impossibles (« {lat} », « {lon} »)"
        )),
    }
}

/// What one INSEE commune becomes as a `place`: built from its first rows.
struct CommunePlace {
    name: String,
    postcode: String,
    departement: Option<String>,
    coords: Option<(f64, f64)>,
}

pub fn import_geo(ctx: &mut Ctx) -> Result<()> {
    import_departements(ctx)?;
    import_communes(ctx)
}

fn import_departements(ctx: &mut Ctx) -> Result<()> {
    let mut ins = ctx.tx.prepare_cached(
        "INSERT OR IGNORE INTO departement(code, name, region_code, region, academie)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    ctx.each_csv(&DEPARTEMENTS, CsvSpec::new(b';', 6), |_, r| {
        let raw = r.get("codeDepartement");
        if let Some((_, why)) = NOT_DEPARTEMENTS.iter().find(|(c, _)| *c == raw) {
            return Ok(Row::Skip(format!("code {raw} ignoré : {why}")));
        }
        if raw.is_empty() {
            // The file also lists académies and pseudo-académies ("Etranger") with no département.
            let what = r.get("libelleAcademie");
            return Ok(Row::Skip(format!(
                "ligne sans département (académie « {what} »)"
            )));
        }
        let Some(code) = departement_code(raw) else {
            return Ok(Row::Skip(format!(
                "code de département invalide : « {raw} »"
            )));
        };
        let Some(name) = r.opt("libelleDepartement") else {
            return Ok(Row::Skip("nom du département manquant".into()));
        };
        let n = ins.execute(params![
            code,
            name,
            r.opt("codeRegion"),
            r.opt("libelleRegion"),
            r.opt("libelleAcademie"),
        ])?;
        Ok(if n == 0 {
            Row::Skip(format!("département {code} en double"))
        } else {
            Row::Kept
        })
    })
}

fn import_communes(ctx: &mut Ctx) -> Result<()> {
    let mut ins = ctx.tx.prepare_cached(
        "INSERT OR IGNORE INTO commune(insee, name, postcode, lat, lon, departement)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut places: BTreeMap<String, CommunePlace> = BTreeMap::new();
    ctx.each_csv(&COMMUNES, CsvSpec::new(b',', 7), |ctx, r| {
        let insee = r.get("code_commune_insee").to_ascii_uppercase();
        let postcode = r.get("code_postal");
        let name = r.get("nom_commune");
        if !is_insee(&insee) {
            return Ok(Row::Skip(format!("code INSEE invalide : « {insee} »")));
        }
        if !is_postcode(postcode) {
            return Ok(Row::Skip(format!("code postal invalide : « {postcode} »")));
        }
        if name.is_empty() {
            return Ok(Row::Skip("nom de commune manquant".into()));
        }
        let coords = match parse_coords(r.get("latitude"), r.get("longitude")) {
            Ok(Some((la, lo))) if !inside(ALL_FRANCE, la, lo) => {
                ctx.issue(
                    COMMUNES.path,
                    r.line,
                    format!(
                        "coordonnées ({la}, {lo}) hors de France : commune gardée sans coordonnées"
                    ),
                );
                None
            }
            Ok(c) => c,
            Err(why) => {
                ctx.issue(
                    COMMUNES.path,
                    r.line,
                    format!("{why} : commune gardée sans coordonnées"),
                );
                None
            }
        };
        let dept = departement_of_insee(&insee);
        // Rows that repeat (insee, postcode, name) only differ by a locality line (ligne 5 or
        // acheminement); the commune itself is already stored, so they are kept without a new row.
        ins.execute(params![
            insee,
            name,
            postcode,
            coords.map(|c| c.0),
            coords.map(|c| c.1),
            dept,
        ])?;
        let place = places.entry(insee).or_insert_with(|| CommunePlace {
            name: title_case(name),
            postcode: postcode.to_string(),
            departement: dept,
            coords,
        });
        if postcode < place.postcode.as_str() {
            place.postcode = postcode.to_string();
        }
        // Arrondissements come as "MARSEILLE 01".."16" plus "MARSEILLE": the plain name is the commune's.
        if name.len() < place.name.len() {
            place.name = title_case(name);
        }
        if place.coords.is_none() {
            place.coords = coords;
        }
        Ok(Row::Kept)
    })?;
    let regions = region_names(ctx)?;
    let mut ins = ctx.tx.prepare_cached(
        "INSERT OR REPLACE INTO place(id, kind, name, postcode, city, insee, departement, region, lat, lon)
         VALUES (?1, 'commune', ?2, ?3, ?2, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (insee, p) in &places {
        let region = p.departement.as_ref().and_then(|d| regions.get(d));
        ins.execute(params![
            format!("commune:{insee}"),
            p.name,
            p.postcode,
            insee,
            p.departement,
            region,
            p.coords.map(|c| c.0),
            p.coords.map(|c| c.1),
        ])?;
    }
    Ok(())
}

/// Département code -> region name, from the `departement` table.
fn region_names(ctx: &Ctx) -> Result<HashMap<String, String>> {
    let mut stmt = ctx
        .tx
        .prepare("SELECT code, region FROM departement WHERE region IS NOT NULL")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A commune as loaded back from the catalogue, to place and check the agencies.
struct KnownCommune {
    departement: Option<String>,
    coords: Option<(f64, f64)>,
}

struct Communes {
    all: Vec<KnownCommune>,
    by_postcode: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
}

impl Communes {
    fn load(ctx: &Ctx) -> Result<Communes> {
        let mut stmt = ctx
            .tx
            .prepare("SELECT name, postcode, departement, lat, lon FROM commune")?;
        let mut rows = stmt.query([])?;
        let mut c = Communes {
            all: Vec::new(),
            by_postcode: HashMap::new(),
            by_name: HashMap::new(),
        };
        while let Some(r) = rows.next()? {
            let i = c.all.len();
            let name: String = r.get(0)?;
            let postcode: String = r.get(1)?;
            let lat: Option<f64> = r.get(3)?;
            let lon: Option<f64> = r.get(4)?;
            c.all.push(KnownCommune {
                departement: r.get(2)?,
                coords: lat.zip(lon),
            });
            c.by_postcode.entry(postcode).or_default().push(i);
            c.by_name.entry(commune_key(&name)).or_default().push(i);
        }
        Ok(c)
    }

    /// The communes an address most likely refers to: same postcode and name, else same postcode, else
    /// same name in the département the postcode points to (CEDEX postcodes are not in La Poste's list).
    fn find(&self, postcode: &str, city: &str) -> Vec<&KnownCommune> {
        let key = commune_key(city);
        let by_pc = self
            .by_postcode
            .get(postcode)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let same_name: Vec<usize> = by_pc
            .iter()
            .copied()
            .filter(|&i| self.by_name.get(&key).is_some_and(|v| v.contains(&i)))
            .collect();
        let picked: Vec<usize> = if !same_name.is_empty() {
            same_name
        } else if !by_pc.is_empty() {
            by_pc.to_vec()
        } else {
            let guess = departement_of_postcode(postcode);
            let corsica = postcode.starts_with("20");
            self.by_name
                .get(&key)
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .copied()
                .filter(|&i| {
                    let d = self.all.get(i).and_then(|c| c.departement.as_deref());
                    if corsica {
                        matches!(d, Some("2A") | Some("2B"))
                    } else {
                        d.is_some() && d == guess.as_deref()
                    }
                })
                .collect()
        };
        picked.into_iter().filter_map(|i| self.all.get(i)).collect()
    }
}

/// Farther than this from every commune of its postcode, a geocoded address is taken as wrong. Large
/// Guyane communes put real addresses 60 km from their centroid.
const MAX_KM_FROM_COMMUNE: f64 = 100.0;

fn site_type(code: &str) -> Option<&'static str> {
    match code {
        "ALE" => Some("agence locale"),
        "DDA" => Some("direction territoriale"),
        "DRA" => Some("direction régionale"),
        _ => None,
    }
}

pub fn import_structures(ctx: &mut Ctx) -> Result<()> {
    let communes = Communes::load(ctx)?;
    let regions = region_names(ctx)?;
    import_agences(ctx, &communes, &regions)?;
    import_missions_locales(ctx, &regions)
}

fn import_agences(
    ctx: &mut Ctx,
    communes: &Communes,
    regions: &HashMap<String, String>,
) -> Result<()> {
    let mut ins = ctx.tx.prepare_cached(
        "INSERT OR IGNORE INTO place(id, kind, name, address, postcode, city, departement, region,
                                     lat, lon, details)
         VALUES (?1, 'agence_france_travail', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    ctx.each_csv(&AGENCES, CsvSpec::new(b',', 13), |ctx, r| {
        let Some(reference) = r.opt("reference_pe") else {
            return Ok(Row::Skip("référence de l'agence manquante".into()));
        };
        let Some(name) = r.opt("nom") else {
            return Ok(Row::Skip(format!("agence {reference} sans nom")));
        };
        let postcode = r.get("code_postal");
        let city = r.get("commune");
        let postcode = if is_postcode(postcode) {
            Some(postcode)
        } else {
            ctx.issue(
                AGENCES.path,
                r.line,
                format!("code postal invalide : « {postcode} »"),
            );
            None
        };
        let found = postcode
            .map(|pc| communes.find(pc, city))
            .unwrap_or_default();
        let departement = found
            .iter()
            .find_map(|c| c.departement.clone())
            .or_else(|| postcode.and_then(departement_of_postcode));
        let region = departement
            .as_ref()
            .and_then(|d| regions.get(d).cloned())
            .or_else(|| r.opt("libelle_region").map(title_case));
        let coords = check_agency_coords(ctx, r, departement.as_deref(), &found);
        let address = [
            r.get("dc_complementadrsitephysique"),
            r.get("complement_adresse"),
            r.get("adresse"),
        ]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
        let mut details = Vec::new();
        match site_type(r.get("type_site")) {
            Some(t) => details.push(format!("Type : {t}")),
            None if !r.get("type_site").is_empty() => {
                details.push(format!("Type : {}", r.get("type_site")))
            }
            None => {}
        }
        if let Some(safir) = r.opt("code_safir") {
            details.push(format!("Code SAFIR : {safir}"));
        }
        details.push("Adresse de novembre 2019, à vérifier".into());
        let n = ins.execute(params![
            format!("ft:{reference}"),
            name,
            Some(address).filter(|a| !a.is_empty()),
            postcode,
            Some(city).filter(|c| !c.is_empty()).map(title_case),
            departement,
            region,
            coords.map(|c| c.0),
            coords.map(|c| c.1),
            details.join(" ; "),
        ])?;
        Ok(if n == 0 {
            Row::Skip(format!("référence {reference} en double"))
        } else {
            Row::Kept
        })
    })
}

/// The agency's coordinates when believable; otherwise None and the reason goes to the report. Checks:
/// readable, inside the territory of its département (a Saint-Pierre-et-Miquelon agency placed in
/// Martinique fails), and near a commune of its postcode (a Lille agency placed in the Sarthe fails).
fn check_agency_coords(
    ctx: &mut Ctx,
    r: &Rec,
    departement: Option<&str>,
    found: &[&KnownCommune],
) -> Option<(f64, f64)> {
    let (lat, lon) = match parse_coords(r.get("dn_latitude"), r.get("dn_longitude")) {
        Ok(Some(c)) => c,
        Ok(None) => return None,
        Err(why) => {
            ctx.issue(
                AGENCES.path,
                r.line,
                format!("{why} : agence gardée sans coordonnées"),
            );
            return None;
        }
    };
    if !inside(territory(departement), lat, lon) {
        let place = departement.map_or("en France".to_string(), |d| format!("du département {d}"));
        ctx.issue(
            AGENCES.path,
            r.line,
            format!("coordonnées ({lat}, {lon}) hors du territoire {place} : agence gardée sans coordonnées"),
        );
        return None;
    }
    let nearest = found
        .iter()
        .filter_map(|c| c.coords)
        .map(|(clat, clon)| {
            distance_km(
                Point {
                    lat: clat,
                    lon: clon,
                },
                Point { lat, lon },
            )
        })
        .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.min(d))));
    if let Some(km) = nearest.filter(|&km| km > MAX_KM_FROM_COMMUNE) {
        ctx.issue(
            AGENCES.path,
            r.line,
            format!(
                "coordonnées ({lat}, {lon}) à {km:.0} km de la commune {} ({}) : agence gardée sans coordonnées",
                r.get("commune"),
                r.get("code_postal")
            ),
        );
        return None;
    }
    Some((lat, lon))
}

/// Entries of the i-milo referential that are not a structure young people can go to.
fn technical_reason(id: &str, official: &str, usual: &str, dept: &str) -> Option<String> {
    let names = fold(&format!("{official} {usual}"));
    let words: Vec<&str> = names
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words
        .iter()
        .any(|w| matches!(*w, "temporaire" | "fusion" | "test"))
    {
        return Some(format!("entrée technique « {official} » ({id})"));
    }
    // "ML_SUE": a code instead of a name, and no département to attach it to.
    if usual.is_empty() && dept.is_empty() && !official.contains(' ') {
        return Some(format!(
            "entrée technique « {official} » ({id}) : ni nom usuel ni département"
        ));
    }
    None
}

fn import_missions_locales(ctx: &mut Ctx, regions: &HashMap<String, String>) -> Result<()> {
    let known_depts: HashMap<String, String> = {
        let mut stmt = ctx.tx.prepare("SELECT code, name FROM departement")?;
        let rows = stmt.query_map([], |r| r.try_into())?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut ins = ctx.tx.prepare_cached(
        "INSERT OR IGNORE INTO place(id, kind, name, departement, region, details)
         VALUES (?1, 'mission_locale', ?2, ?3, ?4, ?5)",
    )?;
    ctx.each_csv(&MISSIONS_LOCALES, CsvSpec::new(b',', 7), |ctx, r| {
        let Some(id) = r.opt("id") else {
            return Ok(Row::Skip("identifiant de structure manquant".into()));
        };
        let official = r.get("nom_officiel");
        let usual = r.get("nom_usuel");
        let raw_dept = r.get("code_departement");
        if let Some(why) = technical_reason(id, official, usual, raw_dept) {
            return Ok(Row::Skip(why));
        }
        // "38-ML ISERE DRAC VERCORS": the leading code repeats the département.
        let official_clean = match official.split_once('-') {
            Some((code, rest)) if departement_code(code).is_some() => rest.trim(),
            _ => official,
        };
        let name = if usual.is_empty() { official_clean } else { usual };
        if name.is_empty() {
            return Ok(Row::Skip(format!("structure {id} sans nom")));
        }
        let departement = departement_code(raw_dept);
        match &departement {
            Some(d) if !known_depts.contains_key(d) => ctx.issue(
                MISSIONS_LOCALES.path,
                r.line,
                format!("département {d} inconnu pour {id}"),
            ),
            None if !raw_dept.is_empty() => ctx.issue(
                MISSIONS_LOCALES.path,
                r.line,
                format!("code de département invalide « {raw_dept} » pour {id} : gardée sans département"),
            ),
            _ => {}
        }
        let region = departement
            .as_ref()
            .and_then(|d| regions.get(d).cloned())
            .or_else(|| {
                r.opt("nom_region")
                    .map(|s| s.trim_start_matches("Structure régionale").trim().to_string())
                    .filter(|s| !s.is_empty())
            });
        let details = (official_clean != name && !official_clean.is_empty())
            .then(|| format!("Nom officiel : {official_clean}"));
        let n = ins.execute(params![
            format!("ml:{id}"),
            name,
            departement,
            region,
            details
        ])?;
        Ok(if n == 0 {
            Row::Skip(format!("identifiant {id} en double"))
        } else {
            Row::Kept
        })
    })
}

/// The communes file writes names in capitals without accents or hyphens ("AIX EN PROVENCE"). Where
/// another source spells the same commune (same INSEE code: "Aix-en-Provence" as a lycée's or an
/// agency's city), the commune takes the most frequent such spelling; otherwise it keeps its own. Nothing
/// is guessed: a spelling is taken only when its letters fold to exactly the commune's.
pub fn spell_communes(ctx: &mut Ctx) -> Result<()> {
    let mut spellings: HashMap<(String, String), HashMap<String, usize>> = HashMap::new();
    {
        let mut st = ctx.tx.prepare(
            "SELECT city, insee FROM place
             WHERE kind <> 'commune' AND city IS NOT NULL AND insee IS NOT NULL",
        )?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (city, insee) = row?;
            let city = city.trim().to_string();
            let styled = city.chars().any(|c| c == '-' || !c.is_ascii())
                && city.chars().any(|c| c.is_lowercase());
            if styled {
                *spellings
                    .entry((insee, commune_key(&city)))
                    .or_default()
                    .entry(city)
                    .or_default() += 1;
            }
        }
    }
    let mut st = ctx.tx.prepare(
        "SELECT id, name, insee FROM place WHERE kind = 'commune' AND insee IS NOT NULL",
    )?;
    let communes: Vec<(String, String, String)> = st
        .query_map([], |r| r.try_into())?
        .collect::<rusqlite::Result<_>>()?;
    let mut upd = ctx
        .tx
        .prepare_cached("UPDATE place SET name = ?2, city = ?2 WHERE id = ?1")?;
    for (id, name, insee) in communes {
        let Some(variants) = spellings.get(&(insee, commune_key(&name))) else {
            continue;
        };
        if let Some((best, _)) = variants
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        {
            upd.execute(params![id, best])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
