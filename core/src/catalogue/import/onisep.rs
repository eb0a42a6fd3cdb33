//! Onisep Idéo: the national sheets of initial trainings (not located), and the general lycées' offer of
//! spécialités (1re) and options (2de), one training action per lycée, placed on the map.

use super::certifications::rncp_id;
use super::{CsvSpec, Ctx, FileInfo, Rec, Row};
use crate::error::Result;
use rusqlite::{params, OptionalExtension};
use std::collections::{HashMap, HashSet};

const FORMATIONS: FileInfo = FileInfo {
    path: "formations/onisep/ideo-formations_initiales_en_france_2022-04.csv.gz",
    label: "Onisep Idéo : formations initiales en France",
    version: "2022-04",
    licence: "non vérifiée",
};
const SPECIALITES: FileInfo = FileInfo {
    path: "formations/onisep/ideo-enseignements_de_specialite_de_premiere_generale_2026-03.csv.gz",
    label: "Onisep Idéo : enseignements de spécialité de 1re générale par lycée",
    version: "2026-03",
    licence: "non vérifiée",
};
const OPTIONS: FileInfo = FileInfo {
    path: "formations/onisep/ideo-enseignements_optionnels_de_seconde_generale_et_technologique_2026-03.csv.gz",
    label: "Onisep Idéo : enseignements optionnels de 2de GT par lycée",
    version: "2026-03",
    licence: "non vérifiée",
};

pub fn import(ctx: &mut Ctx) -> Result<()> {
    import_formations(ctx)?;
    import_lycees(ctx)?;
    Ok(())
}

/// The Onisep id closing a link such as `…/slug/FOR.6913`, when it has the expected prefix and digits.
fn onisep_id<'a>(url: &'a str, prefix: &str) -> Option<&'a str> {
    let last = url.trim().trim_end_matches('/').rsplit('/').next()?;
    let digits = last.strip_prefix(prefix)?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(last)
}

/// The European level of a sheet. The label ("niveau 7 (bac + 5)") is read first; the code is the old
/// French numbering (1 = bac + 5 … 5 = CAP) and only used when the label says nothing.
fn level_exit(code: &str, label: &str) -> std::result::Result<Option<i64>, String> {
    if let Some(rest) = label.trim().strip_prefix("niveau ") {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n @ 1..=8) = digits.parse::<i64>() {
            return Ok(Some(n));
        }
    }
    match code.trim() {
        "" | "0" => Ok(None),
        "1" => Ok(Some(7)),
        "2" => Ok(Some(6)),
        "3" => Ok(Some(5)),
        "4" => Ok(Some(4)),
        "5" => Ok(Some(3)),
        "8" => Ok(Some(8)),
        other => Err(format!("niveau RNCP « {other} » ({label}) inconnu")),
    }
}

fn import_formations(ctx: &mut Ctx) -> Result<()> {
    let mut seen: HashMap<String, u64> = HashMap::new();
    ctx.each_csv(&FORMATIONS, CsvSpec::new(b';', 12), |ctx, r| {
        let url = r.get("lien site onisep.fr");
        let Some(for_id) = onisep_id(url, "FOR.") else {
            return Ok(Row::Skip(format!(
                "lien onisep.fr sans identifiant FOR.xxxx : « {url} »"
            )));
        };
        if let Some(first) = seen.get(for_id) {
            return Ok(Row::Skip(format!(
                "{for_id} déjà lu ligne {first} : doublon ignoré"
            )));
        }
        seen.insert(for_id.to_string(), r.line);
        let Some(title) = r.opt("libellé formation principal") else {
            return Ok(Row::Skip(format!("{for_id} : intitulé absent")));
        };
        let id = format!("onisep:{for_id}");
        let kind = match (r.opt("libellé type formation"), r.opt("sigle type formation")) {
            (Some(label), Some(sigle)) => Some(format!("{label} ({sigle})")),
            (label, sigle) => label.or(sigle).map(str::to_string),
        };
        let rncp = r.opt("code RNCP").and_then(|raw| {
            let id = rncp_id(raw);
            if id.is_none() {
                ctx.issue(
                    FORMATIONS.path,
                    r.line,
                    format!("{for_id} : code RNCP illisible « {raw} », ignoré"),
                );
            }
            id
        });
        let level_code = r.get("niveau RNCP");
        let level = level_exit(level_code, r.get("libellé niveau RNCP")).unwrap_or_else(|e| {
            ctx.issue(FORMATIONS.path, r.line, format!("{for_id} : {e}"));
            None
        });
        // Registered in the RNCP (a code, or a level) means the training leads to a certification;
        // "0" is Onisep's "non inscrit au RNCP"; nothing at all is "non renseigné".
        let certifying = match (rncp.is_some() || level.is_some(), level_code) {
            (true, _) => Some(true),
            (false, "0") => Some(false),
            _ => None,
        };
        let domains = r
            .get("domaine/sous-domaine")
            .split('|')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .collect::<Vec<_>>()
            .join(" | ");
        ctx.tx
            .prepare_cached(
                "INSERT INTO training(id, source, title, type, certifying, level_exit, duration, rncp,
                                      domains, url)
                 VALUES (?1, 'onisep', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                id,
                title,
                kind,
                certifying,
                level,
                r.opt("durée"),
                rncp,
                Some(domains).filter(|d| !d.is_empty()),
                url
            ])?;
        if let Some(rncp) = &rncp {
            let known = ctx
                .tx
                .prepare_cached("SELECT 1 FROM certification WHERE id = ?1")?
                .query_row([rncp], |_| Ok(()))
                .optional()?
                .is_some();
            if known {
                // The sheet's jobs are those of its certification.
                ctx.tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO training_rome(training_id, rome)
                         SELECT ?1, rome FROM certification_rome WHERE cert_id = ?2",
                    )?
                    .execute(params![id, rncp])?;
            } else {
                ctx.issue(
                    FORMATIONS.path,
                    r.line,
                    format!("{for_id} : {rncp} absent des certifications, aucun métier associé"),
                );
            }
        }
        Ok(Row::Kept)
    })
}

/// One lycée row, read and checked, waiting for every site of its UAI to be known.
struct LyceeRow {
    file: &'static str,
    line: u64,
    af: String,
    title: &'static str,
    kind: &'static str,
    content: Option<String>,
    ens: String,
    url: String,
    uai: Option<String>,
    name: String,
    address: Option<String>,
    postcode: Option<String>,
    city: Option<String>,
    departement: Option<String>,
    region: Option<String>,
    academie: Option<String>,
}

/// Number of an `ENS.1234` id, to order a UAI's sites.
fn ens_number(ens: &str) -> u64 {
    ens.strip_prefix("ENS.")
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

/// A UAI as the education ministry writes it: seven digits and a capital letter ("0492433D").
pub(super) fn is_uai(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 8
        && b.iter().take(7).all(u8::is_ascii_digit)
        && b.get(7).is_some_and(u8::is_ascii_uppercase)
}

/// Postcodes lose their leading zero in these files ("8200" for Sedan).
pub(super) fn postcode(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match raw.len() {
        5 => Some(raw.to_string()),
        4 => Some(format!("0{raw}")),
        _ => None,
    }
}

fn read_lycees(
    ctx: &mut Ctx,
    info: &'static FileInfo,
    title: &'static str,
    kind: &'static str,
    rows: &mut Vec<LyceeRow>,
    seen: &mut HashMap<String, (&'static str, u64)>,
) -> Result<()> {
    ctx.each_csv(info, CsvSpec::new(b';', 14), |ctx, r: &Rec| {
        let af = r.get("Identifiant action de formation");
        if onisep_id(af, "AF.") != Some(af) {
            return Ok(Row::Skip(format!(
                "identifiant d'action de formation invalide : « {af} »"
            )));
        }
        if let Some((file, line)) = seen.get(af) {
            return Ok(Row::Skip(format!(
                "{af} déjà lu ({file}, ligne {line}) : doublon ignoré"
            )));
        }
        let url = r.get("Identifiant et fiche onisep lieu de cours");
        let Some(ens) = onisep_id(url, "ENS.") else {
            return Ok(Row::Skip(format!(
                "{af} : fiche Onisep du lycée sans identifiant ENS.xxxx : « {url} »"
            )));
        };
        let Some(name) = r.opt("Libellé lieu de cours") else {
            return Ok(Row::Skip(format!("{af} : nom du lycée absent")));
        };
        let raw_uai = r.get("UAI lieu de cours");
        let uai = if is_uai(raw_uai) {
            Some(raw_uai.to_string())
        } else {
            ctx.issue(
                info.path,
                r.line,
                format!("{af} : UAI absent ou invalide « {raw_uai} », lycée identifié par sa fiche {ens}"),
            );
            None
        };
        let raw_postcode = r.get("Code postal lieu de cours");
        let code = postcode(raw_postcode);
        if code.is_none() {
            ctx.issue(
                info.path,
                r.line,
                format!("{af} : code postal invalide « {raw_postcode} »"),
            );
        }
        // The column holding the list is named after the class, so it is read by position.
        let content = Some(r.at(1)).filter(|c| !c.is_empty());
        if content.is_none() {
            ctx.issue(
                info.path,
                r.line,
                format!("{af} : liste des enseignements vide"),
            );
        }
        let address = match (r.opt("Adresse lieu de cours"), r.opt("Boîte postale lieu de cours")) {
            (Some(a), Some(bp)) => Some(format!("{a}, {bp}")),
            (a, bp) => a.or(bp).map(str::to_string),
        };
        seen.insert(af.to_string(), (info.path, r.line));
        rows.push(LyceeRow {
            file: info.path,
            line: r.line,
            af: af.to_string(),
            title,
            kind,
            content: content.map(str::to_string),
            ens: ens.to_string(),
            url: url.to_string(),
            uai,
            name: name.to_string(),
            address,
            postcode: code,
            city: r.opt("Commune lieu de cours").map(str::to_string),
            departement: r.opt("Département lieu de cours").map(str::to_string),
            region: r.opt("Région lieu de cours").map(str::to_string),
            academie: r.opt("Académie lieu de cours").map(str::to_string),
        });
        Ok(Row::Kept)
    })
}

fn import_lycees(ctx: &mut Ctx) -> Result<()> {
    let mut rows = Vec::new();
    let mut seen = HashMap::new();
    read_lycees(
        ctx,
        &SPECIALITES,
        "Enseignements de spécialité de 1re générale",
        "classe de 1re générale",
        &mut rows,
        &mut seen,
    )?;
    read_lycees(
        ctx,
        &OPTIONS,
        "Enseignements optionnels de 2de GT",
        "classe de 2de générale et technologique",
        &mut rows,
        &mut seen,
    )?;

    // A UAI is one establishment, but a few have annexes in other towns, each with its own Onisep
    // sheet. The main site (the oldest sheet, lowest ENS number) is `uai:{UAI}` so other sources can
    // join on the UAI; each annex is `uai:{UAI}:{ENS}` so it keeps its own address on the map.
    let mut main_site: HashMap<&str, u64> = HashMap::new();
    for row in &rows {
        if let Some(uai) = &row.uai {
            let n = main_site.entry(uai).or_insert(u64::MAX);
            *n = (*n).min(ens_number(&row.ens));
        }
    }
    let place_id = |row: &LyceeRow| match &row.uai {
        Some(uai) if main_site.get(uai.as_str()) == Some(&ens_number(&row.ens)) => {
            format!("uai:{uai}")
        }
        Some(uai) => format!("uai:{uai}:{}", row.ens),
        None => format!("onisep:{}", row.ens),
    };

    let communes = Communes::load(ctx)?;
    let mut placed: HashSet<String> = HashSet::new();
    for row in &rows {
        let place = place_id(row);
        if placed.insert(place.clone()) {
            let commune = communes.locate(row.postcode.as_deref(), row.city.as_deref());
            let spot = commune.and_then(|c| c.lat.zip(c.lon));
            if spot.is_none() {
                let why = if commune.is_some() {
                    "connue mais sans coordonnées"
                } else {
                    "introuvable"
                };
                ctx.issue(
                    row.file,
                    row.line,
                    format!(
                        "lycée {} non placé sur la carte : commune « {} » ({}) {why}",
                        row.name,
                        row.city.as_deref().unwrap_or(""),
                        row.postcode.as_deref().unwrap_or("sans code postal")
                    ),
                );
            }
            ctx.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO place(id, kind, name, address, postcode, city, insee,
                                                 departement, region, lat, lon, url, details)
                     VALUES (?1, 'lycee', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )?
                .execute(params![
                    place,
                    row.name,
                    row.address,
                    row.postcode,
                    row.city,
                    commune.map(|c| c.insee.as_str()),
                    row.departement,
                    row.region,
                    spot.map(|(lat, _)| lat),
                    spot.map(|(_, lon)| lon),
                    row.url,
                    row.academie.as_ref().map(|a| format!("Académie : {a}")),
                ])?;
        }
        let training = format!("onisep:{}", row.af);
        ctx.tx
            .prepare_cached(
                "INSERT INTO training(id, source, title, type, content, url, organisme_id)
                 VALUES (?1, 'lycee', ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                training,
                row.title,
                row.kind,
                row.content,
                row.url,
                place
            ])?;
        ctx.tx
            .prepare_cached(
                "INSERT INTO action(id, training_id, teaching_mode, place_id)
                 VALUES (?1, ?2, 'presentiel', ?3)",
            )?
            .execute(params![format!("{training}:action"), training, place])?;
    }
    Ok(())
}

/// The key two spellings of a commune share: the catalogue's commune key, without a leading article
/// ("LE MONT DORE" and "MONT DORE") nor spaces ("TERRASSON LA VILLEDIEU" and "TERRASSON LAVILLEDIEU").
fn address_key(name: &str) -> String {
    let name = crate::territory::commune_key(name);
    let mut rest = name.as_str();
    for article in ["LE ", "LA ", "LES ", "L "] {
        if let Some(r) = rest.strip_prefix(article) {
            rest = r;
            break;
        }
    }
    rest.replace(' ', "")
}

pub(super) struct Commune {
    pub insee: String,
    key: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// The `commune` table, indexed by postcode, for placing addresses.
pub(super) struct Communes {
    by_postcode: HashMap<String, Vec<Commune>>,
}

/// The département part of a postcode: three digits overseas (971… 988), two elsewhere.
fn postcode_area(code: &str) -> &str {
    let len = if code.starts_with("97") || code.starts_with("98") {
        3
    } else {
        2
    };
    code.get(..len).unwrap_or(code)
}

impl Communes {
    pub(super) fn load(ctx: &Ctx) -> Result<Communes> {
        let mut stmt = ctx.tx.prepare(
            "SELECT insee, name, postcode, lat, lon FROM commune ORDER BY postcode, insee, name",
        )?;
        let mut by_postcode: HashMap<String, Vec<Commune>> = HashMap::new();
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(2)?,
                Commune {
                    insee: r.get(0)?,
                    key: address_key(&r.get::<_, String>(1)?),
                    lat: r.get(3)?,
                    lon: r.get(4)?,
                },
            ))
        })?;
        for row in rows {
            let (postcode, commune) = row?;
            by_postcode.entry(postcode).or_default().push(commune);
        }
        Ok(Communes { by_postcode })
    }

    /// Finds the commune of an address: same postcode and name; else the first commune of that
    /// postcode. A CEDEX postcode belongs to no commune: then the commune of that name (or its first
    /// arrondissement, "LYON 01" for "Lyon") in the same département; else, overseas where CEDEX codes
    /// do not follow the département's (97825 for Le Port, La Réunion), the only commune of that name
    /// in the same 97/98 zone.
    pub(super) fn locate(&self, postcode: Option<&str>, city: Option<&str>) -> Option<&Commune> {
        let postcode = postcode?;
        let key = city.map(address_key).unwrap_or_default();
        if let Some(list) = self.by_postcode.get(postcode) {
            return list
                .iter()
                .find(|c| !key.is_empty() && c.key == key)
                .or_else(|| list.first());
        }
        if key.is_empty() {
            return None;
        }
        let named = |prefix: &str| {
            let mut found: Vec<(&String, &Commune)> = self
                .by_postcode
                .iter()
                .filter(|(code, _)| code.starts_with(prefix))
                .flat_map(|(code, list)| list.iter().map(move |c| (code, c)))
                .filter(|(_, c)| {
                    c.key
                        .strip_prefix(key.as_str())
                        .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit()))
                })
                .collect();
            // Lowest postcode first so that the choice is the same every build (LYON before LYON 01).
            found.sort_by(|a, b| (a.0, &a.1.insee).cmp(&(b.0, &b.1.insee)));
            found
        };
        if let Some((_, c)) = named(postcode_area(postcode)).first() {
            return Some(c);
        }
        let zone = postcode.get(..2).filter(|z| *z == "97" || *z == "98")?;
        let found = named(zone);
        let first = found.first()?.1;
        found
            .iter()
            .all(|(_, c)| c.insee == first.insee)
            .then_some(first)
    }
}

#[cfg(test)]
mod tests;
