//! LHEO training offers (Carif-Oref "Intercarif" and Onisep exports, LHEO 2.2 and 2.3):
//! `<formation>` → `training`, `<action>` → `action`, `<session>` → `session`, with `place` rows for the
//! responsible organisme, the training sites and the registration addresses.
//!
//! Ids come from the source's `numero` attributes ("lheo:{numero}"), so they survive rebuilds. Places are
//! keyed by their organisme (SIRET, else its numero) plus a slug of their address, and written with
//! INSERT OR IGNORE so a site shared by several actions is written once.
//!
//! The code dictionaries used below (levels, teaching modes, funders, recruitment states) are those of
//! the official LHEO 2.3.0 definition (`lheo-gml.xml`, dictionaries `dict-niveaux`,
//! `dict-modalites-enseignement`, `dict-financeurs`, `dict-etat-recrutement`), which extend 2.2's.

mod fields;
mod tree;

use super::{Ctx, FileInfo, Row};
use crate::error::Result;
use crate::territory;
use fields::Bound;
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::HashSet;
use tree::{Event, Node};

const NS_22: &str = "http://www.lheo.org/2.2";
const NS_23: &str = "http://lheo.gouv.fr/2.3";

const LICENCE_INTERCARIF: &str =
    "non vérifiée (export Intercarif publié par le Carif-Oref, copie du dépôt StartupsPoleEmploi/trefle sous AGPL-3.0)";

pub const ONISEP_BTS_NRC: FileInfo = FileInfo {
    path: "formations/lheo/samples/onisep_bts_nrc_lycee_kerneuzec_lheo22.xml",
    label: "Offre LHEO 2.2 (Onisep) : BTS NRC au lycée Kerneuzec, Quimperlé",
    version: "2015",
    licence: "non vérifiée (exemple du dépôt officiel lheo/lheo-schema, sans licence)",
};
pub const CENTRE_PLAQUISTE: FileInfo = FileInfo {
    path: "formations/lheo/samples/intercarif_centre_val_de_loire_titre_pro_plaquiste_lheo22.xml",
    label:
        "Offre LHEO 2.2 (Carif Centre-Val de Loire) : titre professionnel plaquiste, AFPA Veigné",
    version: "2017",
    licence: LICENCE_INTERCARIF,
};
pub const OCCITANIE_DAEU: FileInfo = FileInfo {
    path: "formations/lheo/samples/intercarif_occitanie_daeu_lheo22.xml",
    label: "Offre LHEO 2.2 (Carif Occitanie) : DAEU A, université Toulouse Jean Jaurès",
    version: "2018",
    licence: LICENCE_INTERCARIF,
};
pub const POEC_PAIE: FileInfo = FileInfo {
    path: "formations/lheo/samples/intercarif_poec_gestionnaire_paie_lheo22.xml",
    label: "Offre LHEO 2.2 (Intercarif) : POEC gestionnaire de paie, Openclassrooms",
    version: "2018",
    licence: LICENCE_INTERCARIF,
};
pub const NORMANDIE_BOULANGER: FileInfo = FileInfo {
    path: "formations/lheo/samples/intercarif_normandie_paysan_boulanger_lheo22.xml",
    label: "Offre LHEO 2.2 (Intercarif, Normandie) : découvrir l'activité de paysan-boulanger",
    version: "2018",
    licence: LICENCE_INTERCARIF,
};

pub const FILES: [&FileInfo; 5] = [
    &ONISEP_BTS_NRC,
    &CENTRE_PLAQUISTE,
    &OCCITANIE_DAEU,
    &POEC_PAIE,
    &NORMANDIE_BOULANGER,
];

/// `dict-niveaux`: code → (readable label, European level 1–8).
/// Codes 11–18 are the European levels 1–8 themselves. Codes 2–8 are the pre-2019 French levels; the
/// correspondence is that of décret n° 2019-14 (V → 3, IV → 4, III → 5, II → 6, I → 7 and 8, taken as 7,
/// its lower bound). Levels VI and V bis have no European equivalent, and 0 ("information non
/// communiquée") and 1 ("sans niveau spécifique") are not levels.
const LEVELS: &[(&str, Option<&str>, Option<i64>)] = &[
    ("0", None, None),
    ("1", Some("Sans niveau spécifique"), None),
    ("2", Some("Niveau VI (illettrisme, analphabétisme)"), None),
    ("3", Some("Niveau V bis (préqualification)"), None),
    ("4", Some("Niveau 3 (CAP, BEP) – ancien niveau V"), Some(3)),
    (
        "5",
        Some("Niveau 4 (baccalauréat, BP, BT) – ancien niveau IV"),
        Some(4),
    ),
    (
        "6",
        Some("Niveau 5 (BTS, DUT) – ancien niveau III"),
        Some(5),
    ),
    (
        "7",
        Some("Niveau 6 (licence, maîtrise) – ancien niveau II"),
        Some(6),
    ),
    (
        "8",
        Some("Niveau 7 ou 8 (master, doctorat) – ancien niveau I"),
        Some(7),
    ),
    (
        "11",
        Some("Niveau 1 (maîtrise des savoirs de base)"),
        Some(1),
    ),
    (
        "12",
        Some("Niveau 2 (activités simples, contexte structuré)"),
        Some(2),
    ),
    ("13", Some("Niveau 3 (CAP, BEP)"), Some(3)),
    ("14", Some("Niveau 4 (baccalauréat)"), Some(4)),
    ("15", Some("Niveau 5 (BTS, DUT, bac+2)"), Some(5)),
    ("16", Some("Niveau 6 (licence, bac+3)"), Some(6)),
    ("17", Some("Niveau 7 (master, bac+5)"), Some(7)),
    ("18", Some("Niveau 8 (doctorat)"), Some(8)),
];

fn level(code: &str) -> Option<(Option<&'static str>, Option<i64>)> {
    LEVELS
        .iter()
        .find(|(c, _, _)| *c == code.trim())
        .map(|(_, label, eu)| (*label, *eu))
}

/// Where a Region drops its Carif-Oref LHEO exports (`.xml` or `.xml.gz`): every file there is imported
/// after the samples.
pub const EXPORTS_DIR: &str = "formations/lheo/exports";

pub fn import(ctx: &mut Ctx) -> Result<()> {
    let refs = Refs::load(ctx.tx)?;
    for info in FILES {
        import_file(ctx, info, &refs)?;
    }
    for path in ctx.source.list(EXPORTS_DIR) {
        if !(path.ends_with(".xml") || path.ends_with(".xml.gz")) {
            continue;
        }
        // The report keeps `&'static str` file names, as the other sources are constants; an export's
        // name lives as long as the program, once per build that finds one.
        let path: &'static str = Box::leak(path.into_boxed_str());
        let info = FileInfo {
            path,
            label: "Offre LHEO de la Région (export Carif-Oref)",
            version: "—",
            licence: LICENCE_INTERCARIF,
        };
        import_file(ctx, &info, &refs)?;
    }
    Ok(())
}

/// What the importer checks links against, loaded once.
struct Refs {
    /// ROME codes: both v4 fiche codes and their v3 parents, as sources cite v3 codes.
    rome: HashSet<String>,
}

impl Refs {
    fn load(tx: &Transaction) -> Result<Refs> {
        let mut stmt = tx.prepare("SELECT code_rome, parent_rome FROM job")?;
        let mut rome = HashSet::new();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            rome.insert(row.get::<_, String>(0)?);
            rome.insert(row.get::<_, String>(1)?);
        }
        Ok(Refs { rome })
    }
}

/// Issues met while reading one formation: (line, reason).
type Notes = Vec<(u64, String)>;

fn import_file(ctx: &mut Ctx, info: &FileInfo, refs: &Refs) -> Result<()> {
    let input = ctx.source.open(info.path)?;
    let mut rows = 0u64;
    tree::parse_stream(input, |event| {
        match event {
            Event::Root {
                name,
                namespace,
                line,
            } => {
                if name != "lheo" {
                    ctx.issue(
                        info.path,
                        line,
                        format!(
                            "élément racine <{name}> au lieu de <lheo> : fichier lu quand même"
                        ),
                    );
                }
                match namespace.as_deref() {
                    Some(NS_22) | Some(NS_23) => {}
                    Some(other) => ctx.issue(
                        info.path,
                        line,
                        format!("espace de noms « {other} » inattendu (LHEO 2.2 ou 2.3 attendu) : fichier lu quand même"),
                    ),
                    None => ctx.issue(
                        info.path,
                        line,
                        "pas d'espace de noms LHEO sur l'élément racine : fichier lu quand même",
                    ),
                }
            }
            Event::Formation { node, warnings } => {
                rows += 1;
                for (line, reason) in warnings {
                    ctx.issue(info.path, line, reason);
                }
                let mut notes = Notes::new();
                let row = import_formation(ctx.tx, refs, &node, &mut notes)?;
                for (line, reason) in notes {
                    ctx.issue(info.path, line, reason);
                }
                ctx.count(info, node.line, row);
            }
            Event::Broken {
                line,
                reason,
                in_formation,
            } => {
                if in_formation {
                    rows += 1;
                    ctx.count(info, line, Row::Skip(reason));
                } else {
                    ctx.issue(info.path, line, reason);
                }
            }
        }
        Ok(())
    })?;
    if rows == 0 {
        ctx.issue(
            info.path,
            1,
            "aucune formation (<formation>) dans le fichier",
        );
    }
    Ok(())
}

fn import_formation(tx: &Transaction, refs: &Refs, f: &Node, notes: &mut Notes) -> Result<Row> {
    let Some(numero) = f.attr("numero") else {
        return Ok(Row::Skip(
            "formation sans attribut numero : pas d'identifiant stable possible, ignorée".into(),
        ));
    };
    let id = format!("lheo:{numero}");
    let Some(title) = f
        .value_at(&["intitule-formation"])
        .and_then(fields::one_line)
    else {
        return Ok(Row::Skip(format!(
            "formation {numero} sans intitulé (intitule-formation), ignorée"
        )));
    };
    if tx
        .prepare_cached("SELECT 1 FROM training WHERE id = ?1")?
        .exists([&id])?
    {
        return Ok(Row::Skip(format!(
            "formation {numero} déjà importée (numéro en double), ignorée"
        )));
    }

    let organisme = f.child("organisme-formation-responsable");
    let org_place = match organisme {
        Some(o) => organisme_place(tx, o, notes)?,
        None => None,
    };
    if org_place.is_none() {
        notes.push((
            organisme.map_or(f.line, |o| o.line),
            format!("formation {numero} : organisme responsable sans SIRET ni numéro, formation gardée sans organisme"),
        ));
    }
    if let Some(p) = &org_place {
        insert_place(tx, p)?;
    }
    let owner = Owner {
        id: org_place
            .as_ref()
            .map_or_else(|| id.clone(), |p| p.id.clone()),
        name: org_place.as_ref().map(|p| p.name.clone()),
    };

    let domaine = f.child("domaine-formation");
    let mut rncp = Vec::new();
    let mut rs = Vec::new();
    for cert in f.all("certification") {
        for (tag, prefix, out) in [("code-RNCP", "RNCP", &mut rncp), ("code-RS", "RS", &mut rs)] {
            if let Some(node) = cert.child(tag) {
                if let Some(raw) = node.value() {
                    match cert_code(raw, prefix) {
                        Some(code) if !out.contains(&code) => out.push(code),
                        Some(_) => {}
                        None => {
                            notes.push((node.line, format!("{tag} « {raw} » mal formé, ignoré")))
                        }
                    }
                }
            }
        }
    }
    let level_entry = f.child("code-niveau-entree").and_then(|n| {
        let code = n.value()?;
        match level(code) {
            Some((label, _)) => label,
            None => {
                notes.push((
                    n.line,
                    format!("code-niveau-entree « {code} » inconnu du dictionnaire LHEO"),
                ));
                None
            }
        }
    });
    let mut level_exit = f.child("code-niveau-sortie").and_then(|n| {
        let code = n.value()?;
        match level(code) {
            Some((_, eu)) => eu,
            None => {
                notes.push((
                    n.line,
                    format!("code-niveau-sortie « {code} » inconnu du dictionnaire LHEO"),
                ));
                None
            }
        }
    });
    if level_exit.is_none() {
        // The certification's own level, when the certifications importer knows it.
        let mut stmt = tx.prepare_cached("SELECT level_eu FROM certification WHERE id = ?1")?;
        for code in rncp.iter().chain(&rs) {
            level_exit = stmt
                .query_row([code], |r| r.get::<_, Option<i64>>(0))
                .optional()?
                .flatten();
            if level_exit.is_some() {
                break;
            }
        }
    }
    let certifying = f.child("certifiante").and_then(|n| match n.value() {
        Some("0") => Some(0),
        Some("1") => Some(1),
        Some(other) => {
            notes.push((n.line, format!("certifiante « {other} » au lieu de 0 ou 1")));
            None
        }
        None => None,
    });
    let objective = {
        let objectif = f
            .value_at(&["objectif-formation"])
            .and_then(fields::plain_text);
        let resultats = f
            .value_at(&["resultats-attendus"])
            .and_then(fields::plain_text);
        match (objectif, resultats) {
            (Some(o), Some(r)) if o != r => Some(format!("{o}\n\nRésultats attendus : {r}")),
            (Some(o), _) => Some(o),
            (None, Some(r)) => Some(format!("Résultats attendus : {r}")),
            (None, None) => None,
        }
    };
    let content = f
        .value_at(&["contenu-formation"])
        .and_then(fields::plain_text);
    let formacodes = domaine
        .map(|d| formacodes(d, notes))
        .filter(|s| !s.is_empty());
    let nsf = domaine
        .map(|d| {
            let mut codes: Vec<String> = Vec::new();
            for n in d.all("code-NSF") {
                let Some(code) = n.value() else { continue };
                let ok = code.len() >= 3
                    && code.len() <= 4
                    && code.bytes().take(3).all(|b| b.is_ascii_digit())
                    && code.bytes().skip(3).all(|b| b.is_ascii_alphabetic());
                if !ok {
                    notes.push((n.line, format!("code NSF « {code} » mal formé, ignoré")));
                } else if !codes.iter().any(|c| c == code) {
                    codes.push(code.to_string());
                }
            }
            codes.join(",")
        })
        .filter(|s| !s.is_empty());
    let url = f.attr("href").and_then(fields::url).or_else(|| {
        f.value_at(&["url-formation", "urlweb"])
            .and_then(fields::url)
    });

    tx.prepare_cached(
        "INSERT INTO training(id, source, title, objective, content, certifying, level_entry, level_exit,
                              duration, rncp, rs, formacodes, nsf, url, organisme_id, contact)
         VALUES (?1, 'lheo', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        id,
        title,
        objective,
        content,
        certifying,
        level_entry,
        level_exit,
        duration(f),
        Some(rncp.join(",")).filter(|s| !s.is_empty()),
        Some(rs.join(",")).filter(|s| !s.is_empty()),
        formacodes,
        nsf,
        url,
        org_place.as_ref().map(|p| &p.id),
        contact(f),
    ])?;

    if let Some(d) = domaine {
        let mut link = tx.prepare_cached(
            "INSERT OR IGNORE INTO training_rome(training_id, rome) VALUES (?1, ?2)",
        )?;
        for n in d.all("code-ROME") {
            let Some(raw) = n.value() else { continue };
            let code = raw.to_ascii_uppercase();
            let well_formed = matches!(code.as_bytes(), [letter, digits @ ..]
                if digits.len() == 4
                    && letter.is_ascii_uppercase()
                    && digits.iter().all(u8::is_ascii_digit));
            if !well_formed {
                notes.push((
                    n.line,
                    format!("code ROME « {raw} » mal formé : lien ignoré"),
                ));
            } else if !refs.rome.contains(&code) {
                notes.push((
                    n.line,
                    format!("code ROME « {code} » inconnu du référentiel ROME : lien ignoré"),
                ));
            } else {
                link.execute(params![id, code])?;
            }
        }
    }

    for action in f.all("action") {
        import_action(tx, &id, &owner, action, notes)?;
    }
    Ok(Row::Kept)
}

/// Whose places these are: the organisme's place id (or the training id when there is none) prefixes
/// the ids of the sites, and its name stands in for a site that has none.
struct Owner {
    id: String,
    name: Option<String>,
}

fn import_action(
    tx: &Transaction,
    training_id: &str,
    owner: &Owner,
    a: &Node,
    notes: &mut Notes,
) -> Result<()> {
    let Some(numero) = a.attr("numero") else {
        notes.push((
            a.line,
            format!("action sans attribut numero dans la formation {training_id} : ignorée avec ses sessions (pas d'identifiant stable)"),
        ));
        return Ok(());
    };
    let id = format!("lheo:{numero}");

    let mut place_id = None;
    for lieu in a.all("lieu-de-formation") {
        let Some(coords) = lieu.child("coordonnees") else {
            continue;
        };
        let name = coords
            .value_at(&["nom"])
            .and_then(fields::one_line)
            .or_else(|| coords.value_at(&["ligne"]).and_then(first_line));
        if let Some(place) = build_place(
            tx,
            "lieu_formation",
            "lieu",
            owner,
            name,
            coords.child("adresse"),
            Some(coords),
            notes,
        )? {
            insert_place(tx, &place)?;
            place_id = Some(place.id);
            break;
        }
    }

    let teaching = a.child("modalites-enseignement").and_then(|n| {
        let code = n.value()?;
        let mode =
            crate::codes::TeachingMode::from_lheo(code).map(crate::codes::TeachingMode::code);
        if mode.is_none() {
            notes.push((
                n.line,
                format!("modalites-enseignement « {code} » inconnu (0, 1 ou 2 attendu)"),
            ));
        }
        mode
    });
    let hours = |tag: &str, notes: &mut Notes| -> Option<i64> {
        let n = a.child(tag)?;
        let raw = n.value()?;
        match fields::number(raw) {
            Some(h) => Some(h.round() as i64),
            None => {
                notes.push((n.line, format!("{tag} « {raw} » illisible, laissé vide")));
                None
            }
        }
    };
    let hours_center = hours("nombre-heures-centre", notes);
    let hours_company = hours("nombre-heures-entreprise", notes);
    let hours_total = hours("nombre-heures-total", notes)
        .or_else(|| a.value_at(&["duree-indicative"]).and_then(fields::hours_in))
        .or(match (hours_center, hours_company) {
            (None, None) => None,
            (c, e) => Some(c.unwrap_or(0) + e.unwrap_or(0)),
        });
    let price = a.child("prix-total-TTC").and_then(|n| {
        let raw = n.value()?;
        let p = fields::number(raw);
        if p.is_none() {
            notes.push((
                n.line,
                format!("prix-total-TTC « {raw} » illisible, laissé vide"),
            ));
        }
        p
    });
    let mut funders: Vec<String> = Vec::new();
    for fin in a.all("organisme-financeur") {
        let Some(n) = fin.child("code-financeur") else {
            continue;
        };
        let Some(code) = n.value() else { continue };
        match crate::codes::lheo_funder(code) {
            Some(f) if !funders.iter().any(|c| c == f.code) => funders.push(f.code.to_string()),
            Some(_) => {}
            None => notes.push((
                n.line,
                format!("code-financeur « {code} » inconnu du dictionnaire LHEO, ignoré"),
            )),
        }
    }

    let inserted = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO action(id, training_id, teaching_mode, rhythm, hours_total, hours_center,
                                          hours_company, price_eur, funders, disability_access, conditions, place_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            id,
            training_id,
            teaching,
            a.value_at(&["rythme-formation"]).and_then(fields::one_line),
            hours_total,
            hours_center,
            hours_company,
            price,
            Some(funders.join(",")).filter(|s| !s.is_empty()),
            a.value_at(&["acces-handicapes"]).and_then(fields::plain_text),
            a.value_at(&["conditions-specifiques"]).and_then(fields::plain_text),
            place_id,
        ])?;
    if inserted == 0 {
        notes.push((
            a.line,
            format!("action {numero} déjà importée (numéro en double) : ignorée avec ses sessions"),
        ));
        return Ok(());
    }

    for s in a.all("session") {
        import_session(tx, &id, owner, place_id.as_deref(), s, notes)?;
    }
    Ok(())
}

fn import_session(
    tx: &Transaction,
    action_id: &str,
    owner: &Owner,
    action_place: Option<&str>,
    s: &Node,
    notes: &mut Notes,
) -> Result<()> {
    let label = s
        .attr("numero")
        .map_or_else(|| format!("de l'action {action_id}"), |n| n.to_string());
    let date = |path: &[&str], bound: Bound, what: &str, notes: &mut Notes| -> Option<String> {
        let n = s.at(path)?;
        let raw = n.text.trim();
        if raw.is_empty() {
            return None;
        }
        match fields::lheo_date(raw, bound) {
            Ok(d) => Some(d),
            Err(reason) => {
                notes.push((
                    n.line,
                    format!("session {label} : {what} : {reason}, laissée vide"),
                ));
                None
            }
        }
    };
    if s.child("periode").is_none() {
        notes.push((s.line, format!("session {label} sans période (periode)")));
    }
    let start = date(&["periode", "debut"], Bound::Start, "date de début", notes);
    let end = date(&["periode", "fin"], Bound::End, "date de fin", notes);
    let reg_start = date(
        &["periode-inscription", "periode", "debut"],
        Bound::Start,
        "début des inscriptions",
        notes,
    );
    let reg_end = date(
        &["periode-inscription", "periode", "fin"],
        Bound::End,
        "fin des inscriptions",
        notes,
    );
    let id = match s.attr("numero") {
        Some(n) => format!("lheo:{n}"),
        None => format!("{action_id}:{}", start.as_deref().unwrap_or("sans-date")),
    };
    let recruitment = s.child("etat-recrutement").and_then(|n| {
        let code = n.value()?;
        match code {
            "1" | "2" | "3" => code.parse::<i64>().ok(),
            _ => {
                notes.push((
                    n.line,
                    format!("etat-recrutement « {code} » inconnu (1, 2 ou 3 attendu)"),
                ));
                None
            }
        }
    });

    let mut place_id = action_place.map(str::to_string);
    if let Some(adresse) = s.at(&["adresse-inscription", "adresse"]) {
        let name = adresse
            .value_at(&["denomination"])
            .and_then(fields::one_line)
            .or_else(|| adresse.value_at(&["ligne"]).and_then(first_line))
            .filter(|l| !l.starts_with(|c: char| c.is_ascii_digit()));
        if let Some(place) = build_place(
            tx,
            "adresse_inscription",
            "inscription",
            owner,
            name,
            Some(adresse),
            None,
            notes,
        )? {
            insert_place(tx, &place)?;
            place_id = Some(place.id);
        }
    }

    let inserted = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO session(id, action_id, start_date, end_date, registration_start,
                                           registration_end, recruitment, place_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            id,
            action_id,
            start,
            end,
            reg_start,
            reg_end,
            recruitment,
            place_id
        ])?;
    if inserted == 0 {
        notes.push((
            s.line,
            format!("session {id} déjà importée (numéro en double), ignorée"),
        ));
    }
    Ok(())
}

/// "RNCP474", "474", " rncp 474 " → "RNCP474"; None when not a number.
fn cert_code(raw: &str, prefix: &str) -> Option<String> {
    let upper = raw.trim().to_ascii_uppercase();
    let digits = upper.strip_prefix(prefix).unwrap_or(&upper).trim();
    let digits = digits.trim_start_matches('0');
    (!digits.is_empty() && digits.len() <= 7 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{prefix}{digits}"))
}

/// The formation's Formacodes, the principal one first.
fn formacodes(domaine: &Node, notes: &mut Notes) -> String {
    let mut codes: Vec<(bool, String)> = Vec::new();
    for n in domaine.all("code-FORMACODE") {
        let Some(code) = n.value() else { continue };
        if code.len() != 5 || !code.bytes().all(|b| b.is_ascii_digit()) {
            notes.push((
                n.line,
                format!("code FORMACODE « {code} » mal formé, ignoré"),
            ));
        } else if !codes.iter().any(|(_, c)| c == code) {
            codes.push((n.attr("tag") == Some("principal"), code.to_string()));
        }
    }
    codes.sort_by_key(|(principal, _)| !principal);
    codes
        .into_iter()
        .map(|(_, c)| c)
        .collect::<Vec<_>>()
        .join(",")
}

/// The duration as the source words it (`duree-indicative` of the actions), else their total hours.
fn duration(f: &Node) -> Option<String> {
    let mut texts: Vec<String> = Vec::new();
    for a in f.all("action") {
        if let Some(d) = a.value_at(&["duree-indicative"]).and_then(fields::one_line) {
            if !texts.contains(&d) {
                texts.push(d);
            }
        }
    }
    if texts.is_empty() {
        for a in f.all("action") {
            if let Some(h) = a
                .value_at(&["nombre-heures-total"])
                .and_then(fields::number)
            {
                let d = format!("{} heures", h.round() as i64);
                if !texts.contains(&d) {
                    texts.push(d);
                }
            }
        }
    }
    Some(texts.join(" ; ")).filter(|s| !s.is_empty())
}

/// The training's contact(s) as one short text per contact: name, phones, email.
fn contact(f: &Node) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    for cf in f.all("contact-formation") {
        let Some(c) = cf.child("coordonnees") else {
            continue;
        };
        let name: Vec<&str> = ["civilite", "prenom", "nom"]
            .iter()
            .filter_map(|t| c.value_at(&[t]))
            .collect();
        let mut parts: Vec<String> = Vec::new();
        if !name.is_empty() {
            parts.push(name.join(" "));
        }
        for phone in ["telfixe", "portable"] {
            if let Some(p) = c.child(phone) {
                parts.extend(p.all("numtel").filter_map(Node::value).map(str::to_string));
            }
        }
        if let Some(mail) = c.value_at(&["courriel"]) {
            parts.push(mail.to_string());
        }
        let text = parts.join(", ");
        if !text.is_empty() && !out.contains(&text) {
            out.push(text);
        }
    }
    Some(out.join("\n")).filter(|s| !s.is_empty())
}

fn first_line(text: &str) -> Option<String> {
    text.lines().find_map(fields::one_line)
}

/// A `place` row.
#[derive(Debug)]
struct Place {
    id: String,
    kind: &'static str,
    name: String,
    address: Option<String>,
    postcode: Option<String>,
    city: Option<String>,
    insee: Option<String>,
    departement: Option<String>,
    region: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    phone: Option<String>,
    email: Option<String>,
    url: Option<String>,
    details: Option<String>,
}

fn insert_place(tx: &Transaction, p: &Place) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO place(id, kind, name, address, postcode, city, insee, departement, region,
                                     lat, lon, phone, email, url, details)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        p.id,
        p.kind,
        p.name,
        p.address,
        p.postcode,
        p.city,
        p.insee,
        p.departement,
        p.region,
        p.lat,
        p.lon,
        p.phone,
        p.email,
        p.url,
        p.details
    ])?;
    Ok(())
}

fn organisme_place(tx: &Transaction, o: &Node, notes: &mut Notes) -> Result<Option<Place>> {
    let siret = o.at(&["SIRET-organisme-formation", "SIRET"]).and_then(|n| {
        let raw = n.value()?;
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let valid = digits.len() == 14
            && digits.bytes().all(|b| b.is_ascii_digit())
            && digits.bytes().any(|b| b != b'0' && b != b'9');
        if !valid {
            notes.push((
                n.line,
                format!("SIRET « {raw} » invalide (14 chiffres attendus)"),
            ));
        }
        valid.then_some(digits)
    });
    let Some(key) = siret.or_else(|| o.attr("numero").map(str::to_string)) else {
        return Ok(None);
    };
    let id = format!("org:{key}");
    let nom = o.value_at(&["nom-organisme"]).and_then(fields::one_line);
    let raison = o.value_at(&["raison-sociale"]).and_then(fields::one_line);
    let name = nom
        .clone()
        .or_else(|| raison.clone())
        .unwrap_or_else(|| "Organisme de formation".to_string());
    let details = raison
        .filter(|r| nom.as_ref().is_some_and(|n| !n.eq_ignore_ascii_case(r)))
        .map(|r| format!("Raison sociale : {r}"));
    let coords = o.at(&["coordonnees-organisme", "coordonnees"]);
    let addr = Addr::read(coords.and_then(|c| c.child("adresse")));
    let mut place = place_at(tx, id, "organisme", name, addr, coords, notes)?;
    place.details = details;
    Ok(Some(place))
}

/// A site of the owner (training site or registration address), None when the element says nothing
/// that could locate it.
#[allow(clippy::too_many_arguments)]
fn build_place(
    tx: &Transaction,
    kind: &'static str,
    id_part: &str,
    owner: &Owner,
    name: Option<String>,
    address: Option<&Node>,
    coords: Option<&Node>,
    notes: &mut Notes,
) -> Result<Option<Place>> {
    let addr = Addr::read(address);
    let mut key_parts: Vec<&str> = addr.lines.iter().map(String::as_str).collect();
    if key_parts.is_empty() {
        key_parts.extend(name.as_deref());
    }
    key_parts.extend(addr.postcode.as_deref().or(addr.city.as_deref()));
    key_parts.extend(addr.insee.as_deref());
    let key = fields::slug(&key_parts);
    if key.is_empty() {
        return Ok(None);
    }
    let id = format!("{}:{id_part}:{key}", owner.id);
    let name = name
        .or_else(|| owner.name.clone())
        .or_else(|| addr.city.clone())
        .unwrap_or_else(|| "Lieu de formation".to_string());
    Ok(Some(place_at(tx, id, kind, name, addr, coords, notes)?))
}

/// What an LHEO `adresse` says, cleaned: placeholders ("-", "00000") dropped, multi-line `ligne` texts split.
#[derive(Default)]
struct Addr<'a> {
    lines: Vec<String>,
    postcode: Option<String>,
    insee: Option<String>,
    city: Option<String>,
    departement: Option<String>,
    geo: Option<&'a Node>,
}

impl<'a> Addr<'a> {
    fn read(address: Option<&'a Node>) -> Addr<'a> {
        let Some(a) = address else {
            return Addr::default();
        };
        let postcode = a
            .value_at(&["codepostal"])
            .and_then(|c| fields::commune_code(c, false));
        let insee = a
            .value_at(&["code-INSEE-commune"])
            .and_then(|c| fields::commune_code(c, true));
        let departement = a
            .value_at(&["departement"])
            .and_then(territory::departement_code)
            .or_else(|| insee.as_deref().and_then(territory::departement_of_insee))
            .or_else(|| {
                postcode
                    .as_deref()
                    .and_then(territory::departement_of_postcode)
            });
        Addr {
            lines: a
                .all("ligne")
                .filter_map(Node::value)
                .flat_map(|l| l.lines().filter_map(fields::one_line).collect::<Vec<_>>())
                .collect(),
            postcode,
            insee,
            city: a.value_at(&["ville"]).and_then(fields::one_line),
            departement,
            geo: a.child("geolocalisation"),
        }
    }
}

/// Fills a place from an LHEO `adresse` and `coordonnees`: coordinates from `geolocalisation`, else from
/// the commune (INSEE code, then postcode); the region from the département.
fn place_at(
    tx: &Transaction,
    id: String,
    kind: &'static str,
    name: String,
    addr: Addr,
    coords: Option<&Node>,
    notes: &mut Notes,
) -> Result<Place> {
    let Addr {
        lines,
        postcode,
        insee,
        city,
        departement,
        geo,
    } = addr;
    let lines: Vec<String> = lines.into_iter().filter(|l| *l != name).collect();
    let mut lat_lon = geo.and_then(|g| {
        let lat = g.value_at(&["latitude"]).and_then(coordinate);
        let lon = g.value_at(&["longitude"]).and_then(coordinate);
        match (lat, lon) {
            (Some(lat), Some(lon))
                if (-90.0..=90.0).contains(&lat)
                    && (-180.0..=180.0).contains(&lon)
                    && (lat, lon) != (0.0, 0.0) =>
            {
                Some((lat, lon))
            }
            (None, None) => None,
            _ => {
                notes.push((
                    g.line,
                    format!(
                        "coordonnées illisibles ou hors limites ({} ; {}) ignorées",
                        g.value_at(&["latitude"]).unwrap_or("?"),
                        g.value_at(&["longitude"]).unwrap_or("?")
                    ),
                ));
                None
            }
        }
    });
    if lat_lon.is_none() {
        lat_lon = commune_position(tx, insee.as_deref(), postcode.as_deref())?;
    }
    let region = match &departement {
        Some(dep) => tx
            .prepare_cached("SELECT region FROM departement WHERE code = ?1")?
            .query_row([dep], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten(),
        None => None,
    };
    let phone = coords.and_then(|c| {
        c.value_at(&["telfixe", "numtel"])
            .or_else(|| c.value_at(&["portable", "numtel"]))
            .map(str::to_string)
    });
    Ok(Place {
        id,
        kind,
        name,
        address: Some(lines.join(", ")).filter(|s| !s.is_empty()),
        postcode,
        city,
        insee,
        departement,
        region,
        lat: lat_lon.map(|p| p.0),
        lon: lat_lon.map(|p| p.1),
        phone,
        email: coords
            .and_then(|c| c.value_at(&["courriel"]))
            .map(str::to_string),
        url: coords
            .and_then(|c| c.value_at(&["web", "urlweb"]))
            .and_then(fields::url),
        details: None,
    })
}

fn coordinate(raw: &str) -> Option<f64> {
    raw.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// The position of a commune from the `commune` table (filled by the geo importer): by INSEE code, else
/// by postcode; the lowest postcode/name wins so the choice is stable.
fn commune_position(
    tx: &Transaction,
    insee: Option<&str>,
    postcode: Option<&str>,
) -> Result<Option<(f64, f64)>> {
    if let Some(insee) = insee {
        let found = tx
            .prepare_cached(
                "SELECT lat, lon FROM commune WHERE insee = ?1 AND lat IS NOT NULL AND lon IS NOT NULL
                 ORDER BY postcode = ?2 DESC, postcode, name LIMIT 1",
            )?
            .query_row(params![insee, postcode], |r| r.try_into())
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    if let Some(postcode) = postcode {
        return Ok(tx
            .prepare_cached(
                "SELECT lat, lon FROM commune WHERE postcode = ?1 AND lat IS NOT NULL AND lon IS NOT NULL
                 ORDER BY insee, name LIMIT 1",
            )?
            .query_row([postcode], |r| r.try_into())
            .optional()?);
    }
    Ok(None)
}

#[cfg(test)]
mod tests;
