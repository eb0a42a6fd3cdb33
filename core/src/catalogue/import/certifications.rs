//! Certifications: the RNCP 2021 export (France compétences, v1.4) and the Certif Info 2024 extract
//! (Réseau des Carif-Oref), merged into one `certification` table with their ROME v3 links.
//!
//! Ids: `RNCP{n}` for anything carrying an RNCP code, `RS{n}` for a Répertoire spécifique entry, and
//! `CI{Code_Diplome}` for a Certif Info diploma with neither. Certif Info rows that name an RNCP code absent
//! from the 2021 export (fiches registered since) still become `RNCP{n}`: the code is the public identifier
//! that Onisep and training offers use, so keying them by it is what lets those offers find their jobs.

use super::{CsvSpec, Ctx, FileInfo, Rec, Row};
use crate::error::Result;
use rusqlite::params;
use std::collections::{HashMap, HashSet};

const RNCP_INFO: FileInfo = FileInfo {
    path: "formations/rncp/rncp_info_v1.4_2021-03.csv.gz",
    label: "RNCP (France compétences) : fiches de certification",
    version: "v1.4 2021-03",
    licence: "non vérifiée",
};
const RNCP_CERTIFIERS: FileInfo = FileInfo {
    path: "formations/rncp/rncp_certificateurs_v1.4_2021-03.csv.gz",
    label: "RNCP (France compétences) : certificateurs",
    version: "v1.4 2021-03",
    licence: "non vérifiée",
};
const RNCP_ROME: FileInfo = FileInfo {
    path: "formations/rncp/rncp_rome_v1.4_2021-03.csv.gz",
    label: "RNCP (France compétences) : liens avec les métiers ROME",
    version: "v1.4 2021-03",
    licence: "non vérifiée",
};
const CERTIF_INFO: FileInfo = FileInfo {
    path: "formations/certifinfo/certifinfo_extract_2024.csv.gz",
    label: "Certif Info (Réseau des Carif-Oref) : extrait",
    version: "2024",
    licence: "non vérifiée",
};

const SOURCE_RNCP: &str = "RNCP 2021";
const SOURCE_CERTIF_INFO: &str = "Certif Info 2024";

/// Certif Info diplomas whose last session is before the extract's year are no longer delivered.
const CERTIF_INFO_YEAR: i64 = 2024;

pub fn import(ctx: &mut Ctx) -> Result<()> {
    let romes = known_romes(ctx)?;
    import_rncp_info(ctx)?;
    import_rncp_certifiers(ctx)?;
    import_rncp_rome(ctx, &romes)?;
    import_certif_info(ctx, &romes)?;
    Ok(())
}

/// The ROME codes a link may point to: v3 codes (`parent_rome`) and v4 codes alike.
pub(crate) fn known_romes(ctx: &Ctx) -> Result<HashSet<String>> {
    let mut stmt = ctx
        .tx
        .prepare("SELECT code_rome FROM job UNION SELECT parent_rome FROM job")?;
    let codes = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<HashSet<_>>>()?;
    Ok(codes)
}

/// Digits of a code written "RNCP1234", "rncp 1234", "1234" or "01234"; None when it is anything else.
fn code_number(raw: &str, prefix: &str) -> Option<u64> {
    let s = raw.trim();
    let digits = match s.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(prefix) => {
            s.get(prefix.len()..).unwrap_or_default().trim_start()
        }
        _ => s,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// "RNCP{n}" from any of the spellings the sources use.
pub(crate) fn rncp_id(raw: &str) -> Option<String> {
    code_number(raw, "RNCP").map(|n| format!("RNCP{n}"))
}

fn rs_id(raw: &str) -> Option<String> {
    code_number(raw, "RS").map(|n| format!("RS{n}"))
}

/// A European qualification level (1 to 8) from "niveau4", "Niveau 4", "4"...; Err when the text holds
/// something else, so the caller can report it.
fn level_eu(raw: &str) -> std::result::Result<Option<i64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    match digits.parse::<i64>() {
        Ok(n) if (1..=8).contains(&n) => Ok(Some(n)),
        _ => Err(format!("niveau européen illisible : « {raw} »")),
    }
}

/// Certif Info joins several bodies with a bare comma ("Université A,Université B") while names
/// themselves contain ", " ("Ministère du travail, de la santé"): only the bare comma separates.
fn split_bodies(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ',' && chars.peek().is_some_and(|n| !n.is_whitespace()) {
            out.push_str("; ");
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}

struct Cert<'a> {
    id: &'a str,
    title: &'a str,
    kind: Option<&'a str>,
    level_eu: Option<i64>,
    active: Option<bool>,
    certifier: Option<&'a str>,
    source: &'a str,
}

/// Inserts a certification, or completes an existing one: its title and source stay, only empty fields
/// are filled, so the RNCP fiche keeps precedence over what Certif Info says about it.
fn upsert(ctx: &Ctx, c: &Cert) -> Result<()> {
    ctx.tx
        .prepare_cached(
            "INSERT INTO certification(id, title, type, level_eu, active, certifier, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(id) DO UPDATE SET
               type = COALESCE(certification.type, excluded.type),
               level_eu = COALESCE(certification.level_eu, excluded.level_eu),
               active = COALESCE(certification.active, excluded.active),
               certifier = COALESCE(certification.certifier, excluded.certifier)",
        )?
        .execute(params![
            c.id,
            c.title,
            c.kind,
            c.level_eu,
            c.active,
            c.certifier,
            c.source
        ])?;
    Ok(())
}

fn link_rome(ctx: &Ctx, cert_id: &str, rome: &str) -> Result<()> {
    ctx.tx
        .prepare_cached("INSERT OR IGNORE INTO certification_rome(cert_id, rome) VALUES (?1, ?2)")?
        .execute(params![cert_id, rome])?;
    Ok(())
}

fn import_rncp_info(ctx: &mut Ctx) -> Result<()> {
    ctx.each_csv(&RNCP_INFO, CsvSpec::new(b';', 11).multiline(), |ctx, r| {
        let id = match rncp_of(r.get("CodeRNCP"), None) {
            Ok(id) => id,
            Err(skip) => return Ok(skip),
        };
        let Some(title) = r.opt("intituleDiplome") else {
            return Ok(Row::Skip(format!("{id} : intitulé absent")));
        };
        let level = level_eu(r.get("NiveauEurope")).unwrap_or_else(|reason| {
            ctx.issue(RNCP_INFO.path, r.line, format!("{id} : {reason}"));
            None
        });
        let active = match r.get("ActiveInactive") {
            "ACTIVE" => Some(true),
            "INACTIVE" => Some(false),
            "" => None,
            other => {
                ctx.issue(
                    RNCP_INFO.path,
                    r.line,
                    format!("{id} : état « {other} » inconnu (ni ACTIVE ni INACTIVE)"),
                );
                None
            }
        };
        // A code repeated with another AncienneFiche/NouvelleFiche is the same fiche: upsert merges it.
        upsert(
            ctx,
            &Cert {
                id: &id,
                title,
                kind: r.opt("TypeCertif"),
                level_eu: level,
                active,
                certifier: None,
                source: SOURCE_RNCP,
            },
        )?;
        Ok(Row::Kept)
    })
}

/// The row's RNCP code, or the skip that says why not: absent or invalid, or (given the fiches read) one
/// the RNCP's own file does not have.
fn rncp_of(raw: &str, known: Option<&HashSet<String>>) -> std::result::Result<String, Row> {
    let Some(id) = rncp_id(raw) else {
        return Err(Row::Skip(format!(
            "code RNCP absent ou invalide : « {raw} »"
        )));
    };
    if known.is_some_and(|k| !k.contains(&id)) {
        return Err(Row::Skip(format!("{id} : certification inconnue du RNCP")));
    }
    Ok(id)
}

fn known_certifications(ctx: &Ctx) -> Result<HashSet<String>> {
    let mut stmt = ctx.tx.prepare("SELECT id FROM certification")?;
    let ids = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<HashSet<_>>>()?;
    Ok(ids)
}

fn import_rncp_certifiers(ctx: &mut Ctx) -> Result<()> {
    let known = known_certifications(ctx)?;
    // Several rows per fiche, in the file's order; joined once all are read.
    let mut certifiers: HashMap<String, Vec<String>> = HashMap::new();
    ctx.each_csv(&RNCP_CERTIFIERS, CsvSpec::new(b';', 3), |_, r| {
        let id = match rncp_of(r.get("CodeRNCP"), Some(&known)) {
            Ok(id) => id,
            Err(skip) => return Ok(skip),
        };
        let Some(name) = r.opt("Certificateur") else {
            return Ok(Row::Skip(format!("{id} : nom du certificateur absent")));
        };
        let names = certifiers.entry(id).or_default();
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
        Ok(Row::Kept)
    })?;
    let mut stmt = ctx
        .tx
        .prepare_cached("UPDATE certification SET certifier = ?2 WHERE id = ?1")?;
    for (id, names) in &certifiers {
        stmt.execute(params![id, names.join("; ")])?;
    }
    Ok(())
}

fn import_rncp_rome(ctx: &mut Ctx, romes: &HashSet<String>) -> Result<()> {
    let known = known_certifications(ctx)?;
    ctx.each_csv(&RNCP_ROME, CsvSpec::new(b';', 4), |ctx, r| {
        let id = match rncp_of(r.get("CodeRNCP"), Some(&known)) {
            Ok(id) => id,
            Err(skip) => return Ok(skip),
        };
        let rome = r.get("Rome");
        if !romes.contains(rome) {
            return Ok(Row::Skip(format!("{id} : code ROME inconnu « {rome} »")));
        }
        link_rome(ctx, &id, rome)?;
        Ok(Row::Kept)
    })
}

/// Whether a Certif Info diploma can still be obtained, from its state and its last session.
fn certif_info_active(r: &Rec) -> std::result::Result<Option<bool>, String> {
    // 0 = publiée, 11 = habilitation: live entries (archived or erroneous ones are not in the extract).
    // 4 = formation préparatoire, non certifiante: there is no registration whose validity could lapse.
    let live = match r.get("Etat") {
        "0" | "11" => true,
        "4" => return Ok(None),
        other => return Err(format!("état « {other} » inconnu")),
    };
    let ended = r
        .get("Annee_Derniere_Session")
        .parse::<i64>()
        .is_ok_and(|year| year < CERTIF_INFO_YEAR);
    Ok(Some(live && !ended))
}

fn import_certif_info(ctx: &mut Ctx, romes: &HashSet<String>) -> Result<()> {
    ctx.each_csv(&CERTIF_INFO, CsvSpec::new(b';', 37), |ctx, r| {
        let code = r.get("Code_Diplome");
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Row::Skip(format!(
                "Code_Diplome absent ou invalide : « {code} »"
            )));
        }
        let Some(title) = r.opt("Libelle_Diplome") else {
            return Ok(Row::Skip(format!("diplôme {code} : intitulé absent")));
        };
        let mut id = None;
        if let Some(raw) = r.opt("Code_RNCP") {
            id = rncp_id(raw);
            if id.is_none() {
                ctx.issue(
                    CERTIF_INFO.path,
                    r.line,
                    format!("diplôme {code} : code RNCP illisible « {raw} », ignoré"),
                );
            }
        }
        if id.is_none() {
            if let Some(raw) = r.opt("Code_RS") {
                id = rs_id(raw);
                if id.is_none() {
                    ctx.issue(
                        CERTIF_INFO.path,
                        r.line,
                        format!("diplôme {code} : code RS illisible « {raw} », ignoré"),
                    );
                }
            }
        }
        let id = id.unwrap_or_else(|| format!("CI{code}"));
        let level = level_eu(r.get("Code_Niveau_Europeen")).unwrap_or_else(|reason| {
            ctx.issue(
                CERTIF_INFO.path,
                r.line,
                format!("diplôme {code} : {reason}"),
            );
            None
        });
        let active = certif_info_active(r).unwrap_or_else(|reason| {
            ctx.issue(
                CERTIF_INFO.path,
                r.line,
                format!("diplôme {code} : {reason}"),
            );
            None
        });
        let certifier = r
            .opt("certificateur")
            .or_else(|| r.opt("valideur"))
            .map(split_bodies);
        // Rows repeating a Code_Diplome (one per linked Onisep sheet) land on the same id and only add
        // what the first one lacked.
        upsert(
            ctx,
            &Cert {
                id: &id,
                title,
                kind: r.opt("Libelle_Type_Diplome"),
                level_eu: level,
                active,
                certifier: certifier.as_deref(),
                source: SOURCE_CERTIF_INFO,
            },
        )?;
        for i in 1..=5 {
            let Some(rome) = r.opt(&format!("Code_Rome_{i}")) else {
                continue;
            };
            if romes.contains(rome) {
                link_rome(ctx, &id, rome)?;
            } else {
                ctx.issue(
                    CERTIF_INFO.path,
                    r.line,
                    format!("diplôme {code} : code ROME inconnu « {rome} », lien ignoré"),
                );
            }
        }
        Ok(Row::Kept)
    })
}

/// Helpers shared by the importers' tests in this folder: real data, a fresh catalogue, broken copies.
#[cfg(test)]
mod tests;
