//! Higher education from the ministry (MESR): the main institutions, as places with their phone number and
//! website, and the masters of the latest "Trouver mon master" campaign, as trainings at their institution.

use super::onisep::{is_uai, postcode, Communes};
use super::parcoursup::{status_code, tidy_name};
use super::programmes::{Label, Programmes};
use super::{CsvSpec, Ctx, FileInfo, Row, LICENCE_OUVERTE};
use crate::error::Result;
use crate::territory::departement_code;
use crate::territory::Point;
use rusqlite::params;

pub const ESTABLISHMENTS: FileInfo = FileInfo {
    path: "formations/esr/fr-esr-principaux-etablissements-enseignement-superieur.csv.gz",
    label: "MESR : principaux établissements d'enseignement supérieur",
    version: "2025-04",
    licence: LICENCE_OUVERTE,
};

pub const MASTERS: FileInfo = FileInfo {
    path: "formations/esr/fr-esr-tmm-mentions-de-master-2019-2021.csv.gz",
    label: "MESR : mentions de master (Trouver mon master, campagne 2021)",
    version: "2021",
    licence: LICENCE_OUVERTE,
};

/// The campaign imported: the file stacks 2019, 2020 and 2021, and only the latest describes today's offer
/// best (the sheets say which year it is).
pub const MASTER_CAMPAIGN: &str = "2021";

/// "48.84879, 2.34534" → a point.
fn point(raw: &str) -> Option<Point> {
    let (a, b) = raw.split_once(',')?;
    Point::checked(a.trim().parse().ok()?, b.trim().parse().ok()?).ok()
}

pub fn import_establishments(ctx: &mut Ctx) -> Result<()> {
    ctx.each_csv(&ESTABLISHMENTS, CsvSpec::new(b';', 97), |ctx, r| {
        let raw_uai = r.get("uai - identifiant");
        let Some(name) = r.opt("libellé") else {
            return Ok(Row::Skip("nom de l'établissement absent".into()));
        };
        // An institution formed by a merger lists each former UAI ("0753607N;0942340H"): the first names it.
        let uai = raw_uai
            .split(';')
            .map(|u| u.trim().to_ascii_uppercase())
            .find(|u| is_uai(u));
        let id = if let Some(uai) = uai {
            format!("uai:{uai}")
        } else {
            ctx.issue(
                ESTABLISHMENTS.path,
                r.line,
                format!("{name} : UAI absent ou invalide « {raw_uai} », identifié par son identifiant interne"),
            );
            match r.opt("identifiant interne") {
                Some(internal) => format!("esr:{internal}"),
                None => return Ok(Row::Skip(format!("{name} : ni UAI ni identifiant"))),
            }
        };
        let spot = r.opt("géolocalisation").and_then(point);
        if spot.is_none() {
            ctx.issue(
                ESTABLISHMENTS.path,
                r.line,
                format!("{name} : géolocalisation absente ou illisible, placé à sa commune"),
            );
        }
        let dept = r
            .get("Code département")
            .strip_prefix('D')
            .and_then(departement_code);
        let insee = r.opt("Code commune");
        // Without a point of its own, the place stands at its commune's centre.
        let spot = spot.or_else(|| {
            let id = format!("commune:{}", insee?);
            ctx.tx
                .query_row("SELECT lat, lon FROM place WHERE id = ?1", [id], |row| {
                    Ok(Point {
                        lat: row.get(0)?,
                        lon: row.get(1)?,
                    })
                })
                .ok()
        });
        let status = status_code(r.get("secteur d'établissement"));
        let inserted = ctx
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO place(id, kind, name, address, postcode, city, insee, departement,
                                             region, lat, lon, phone, url, status, details)
                 VALUES (?1, 'etablissement_superieur', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?
            .execute(params![
                id,
                name,
                r.opt("Adresse"),
                r.opt("Code postal"),
                r.opt("Commune").or(r.opt("Localité")),
                insee,
                dept,
                r.opt("Région"),
                spot.map(|p| p.lat),
                spot.map(|p| p.lon),
                r.opt("Numéro de téléphone"),
                r.opt("site internet"),
                status,
                r.opt("type d'établissement"),
            ])?;
        if inserted == 0 {
            return Ok(Row::Skip(format!("{id} déjà connu : doublon ignoré")));
        }
        Ok(Row::Kept)
    })
}

pub fn import_masters(ctx: &mut Ctx) -> Result<()> {
    let communes = Communes::load(ctx)?;
    let programmes = Programmes::load(ctx.tx)?;
    let mut older = 0u64;
    ctx.each_csv(&MASTERS, CsvSpec::new(b';', 24), |ctx, r| {
        let year = r.get("Année de la campagne de recueil des informations");
        if year != MASTER_CAMPAIGN {
            older += 1;
            return Ok(Row::Ignore);
        }
        let uai = r.get("Code UAI de l’établissement accrédité").to_ascii_uppercase();
        if !is_uai(&uai) {
            return Ok(Row::Skip(format!("UAI absent ou invalide « {uai} »")));
        }
        let inm = r.get("Identifiant navette de la mention (INM) de master");
        if inm.is_empty() {
            return Ok(Row::Skip(format!("{uai} : identifiant de mention (INM) absent")));
        }
        let Some(mention) = r.opt("Intitulé de la mention de master") else {
            return Ok(Row::Skip(format!("{uai} {inm} : intitulé absent")));
        };
        if r.get("Mention ouverte ou non ouverte") == "0" {
            return Ok(Row::Skip(format!(
                "{uai} {inm} : mention « {mention} » non ouverte en {MASTER_CAMPAIGN}"
            )));
        }
        let place = format!("uai:{uai}");
        let known: bool = ctx
            .tx
            .prepare_cached("SELECT count(*) FROM place WHERE id = ?1")?
            .query_row([&place], |row| row.get::<_, i64>(0))?
            > 0;
        if !known {
            let code = postcode(r.get("Code postal de la ville de l’établissement accrédité"));
            let city = r.opt("Ville de l’établissement accrédité");
            let commune = communes.locate(code.as_deref(), city);
            if commune.is_none() {
                ctx.issue(
                    MASTERS.path,
                    r.line,
                    format!("{uai} : commune « {} » introuvable, établissement non placé", city.unwrap_or("")),
                );
            }
            let name = r
                .opt("Nom d’usage de l’établissement accrédité")
                .or(r.opt("Nom officiel (long) de l’établissement accrédité"))
                .map(tidy_name)
                .unwrap_or_else(|| uai.clone());
            ctx.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO place(id, kind, name, address, postcode, city, insee, lat, lon)
                     VALUES (?1, 'etablissement_superieur', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    place,
                    name,
                    r.opt("Adresse de l’établissement accrédité"),
                    code,
                    city,
                    commune.map(|c| c.insee.as_str()),
                    commune.and_then(|c| c.lat),
                    commune.and_then(|c| c.lon),
                ])?;
        }
        let id = format!("master:{uai}:{inm}");
        let label = Label {
            kind: "Master".into(),
            parts: vec![mention.to_string()],
        };
        let link = programmes.link(&label);
        let p = link.as_ref().map(|l| l.programme);
        let modes = r.get("Modalités d’enseignement de la mention");
        let work_study = modes.contains("Alternance") || modes.contains("Apprentissage");
        let distance = modes.contains("distance");
        let inserted = ctx
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO training(id, source, title, type, level_exit, rncp, programme, domains,
                                                url, organisme_id)
                 VALUES (?1, 'master', ?2, 'master', 7, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                id,
                format!("Master {mention}"),
                p.and_then(|p| p.rncp.clone()),
                p.map(|p| p.id.as_str()),
                r.opt("Domaine(s) de la mention de master").map(|d| d.replace('|', " | ")),
                r.opt("URL de la fiche relative à la mention sur le site internet de l’établissement"),
                place,
            ])?;
        if inserted == 0 {
            return Ok(Row::Skip(format!("{id} déjà lu : doublon ignoré")));
        }
        if let Some(rncp) = p.and_then(|p| p.rncp.as_deref()) {
            ctx.link_jobs_through_certification(&id, rncp)?;
        }
        ctx.add_standing_action(
            &id,
            if distance { "mixte" } else { "presentiel" },
            work_study.then_some("alternance possible"),
            Some(&place),
        )?;
        Ok(Row::Kept)
    })?;
    if older > 0 {
        ctx.issue(
            MASTERS.path,
            0,
            format!("{older} lignes des campagnes antérieures à {MASTER_CAMPAIGN} non importées"),
        );
    }
    Ok(())
}
