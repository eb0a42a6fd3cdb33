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
            .and_then(fields::departement_code)
            .or_else(|| insee.as_deref().and_then(fields::departement_of))
            .or_else(|| postcode.as_deref().and_then(fields::departement_of));
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
            .query_row(params![insee, postcode], |r| Ok((r.get(0)?, r.get(1)?)))
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
            .query_row([postcode], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?);
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::super::source::{DirSource, Source};
    use super::super::Report;
    use super::*;
    use crate::catalogue::store::CatalogueSchema;
    use rusqlite::types::Value;
    use std::path::{Path, PathBuf};

    fn data_dir() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data"))
    }

    fn sample(info: &FileInfo) -> String {
        std::fs::read_to_string(data_dir().join(info.path)).unwrap()
    }

    /// Real ROME 4.0 fiches (read from data/rome/rome4_v460/unix_referentiel_code_rome_v460_utf8.csv)
    /// covering the samples' v3 codes; F1604 and M1203 only through a child fiche, to check that a v3
    /// code is matched on `parent_rome`.
    const JOBS: &[(&str, &str, &str)] = &[
        ("A1402", "Aide agricole en production végétale", "A1402"),
        (
            "D1402",
            "Commercial / Commerciale grands comptes et entreprises",
            "D1402",
        ),
        (
            "D1403",
            "Conseiller commercial / Conseillère commerciale auprès des particuliers",
            "D1403",
        ),
        (
            "D1408",
            "Conseiller / Conseillère clientèle à distance",
            "D1408",
        ),
        ("F1625", "Monteur / Monteuse en agencement", "F1604"),
        ("M1507", "Gestionnaire paie", "M1203"),
    ];

    fn insert_jobs(tx: &Transaction, jobs: &[(&str, &str, &str)]) {
        for (code, title, parent) in jobs {
            tx.execute(
                "INSERT INTO job(code_rome, title, parent_rome) VALUES (?1, ?2, ?3)",
                params![code, title, parent],
            )
            .unwrap();
        }
    }

    /// Imports `files` from `data` into a fresh catalogue after `setup`, then hands the transaction and
    /// the report to `check`.
    fn run<T>(
        data: &Path,
        files: &[&FileInfo],
        setup: impl FnOnce(&Transaction),
        check: impl FnOnce(&Transaction, &Report) -> T,
    ) -> T {
        let dir = tempfile::tempdir().unwrap();
        let mut conn =
            crate::db::open::<CatalogueSchema>(&dir.path().join("catalogue.db")).unwrap();
        let tx = conn.transaction().unwrap();
        setup(&tx);
        let source = DirSource(data.to_path_buf());
        let mut ctx = Ctx::new(&tx, &source);
        let refs = Refs::load(&tx).unwrap();
        for info in files {
            import_file(&mut ctx, info, &refs).unwrap();
        }
        let report = ctx.report;
        check(&tx, &report)
    }

    /// A data dir holding `files` (relative path, content).
    fn temp_data(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (rel, content) in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        dir
    }

    /// Occurrences of the start tag `<name` (followed by a space, a tab, a line break, '>' or '/').
    fn count_tags(text: &str, name: &str) -> usize {
        let needle = format!("<{name}");
        text.match_indices(&needle)
            .filter(|(i, _)| {
                matches!(
                    text.as_bytes().get(i + needle.len()),
                    Some(b' ' | b'\t' | b'\n' | b'\r' | b'>' | b'/')
                )
            })
            .count()
    }

    fn count(tx: &Transaction, sql: &str) -> usize {
        tx.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as usize
    }

    fn strings(tx: &Transaction, sql: &str) -> Vec<String> {
        let mut stmt = tx.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        rows.map(|r| r.unwrap()).collect()
    }

    fn dump(tx: &Transaction, table: &str) -> Vec<String> {
        let mut stmt = tx
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| r.get::<_, Value>(i).map(|v| format!("{v:?}")))
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .map(|v| v.join("|"))
            })
            .unwrap();
        rows.map(|r| r.unwrap()).collect()
    }

    /// The `<formation>…</formation>` element of a sample, as text.
    fn formation_element(text: &str) -> &str {
        let start = text.find("<formation ").unwrap();
        let end = text.rfind("</formation>").unwrap() + "</formation>".len();
        &text[start..end]
    }

    /// The plaquiste file with more formations appended inside <offres>.
    fn with_formations(extra: &[&str]) -> String {
        let base = sample(&CENTRE_PLAQUISTE);
        let at = base.rfind("</offres>").unwrap();
        let mut out = base[..at].to_string();
        for f in extra {
            out.push_str(f);
            out.push('\n');
        }
        out.push_str(&base[at..]);
        out
    }

    fn line_of(text: &str, offset: usize) -> u64 {
        text[..offset].matches('\n').count() as u64 + 1
    }

    #[test]
    fn dictionaries() {
        use crate::codes::{lheo_funder, Funding, TeachingMode};
        let category = |c: &str| lheo_funder(c).map(|f| f.category);
        assert_eq!(category("2"), Some(Some(Funding::Region)));
        assert_eq!(category("4"), Some(Some(Funding::FranceTravail)));
        assert_eq!(category("5"), Some(Some(Funding::Entreprise)));
        assert_eq!(category("7"), Some(Some(Funding::Agefiph)));
        assert_eq!(category("10"), Some(Some(Funding::Personnel)));
        assert_eq!(category("11"), Some(Some(Funding::Etat)));
        assert_eq!(category("16"), Some(Some(Funding::Opco)));
        assert_eq!(category("17"), Some(Some(Funding::Cpf)));
        assert_eq!(category("0"), Some(None));
        assert_eq!(category("00"), Some(None));
        assert_eq!(category(" 02 "), Some(Some(Funding::Region)));
        assert_eq!(category("21"), None);
        assert_eq!(category(""), None);
        assert_eq!(category("OPCO"), None);
        // Every code 0..=20 of dict-financeurs is known.
        assert!((0..=20).all(|c| lheo_funder(&c.to_string()).is_some()));
        assert_eq!(TeachingMode::from_lheo("0"), Some(TeachingMode::Presentiel));
        assert_eq!(TeachingMode::from_lheo(" 1 "), Some(TeachingMode::Mixte));
        assert_eq!(TeachingMode::from_lheo("2"), Some(TeachingMode::Distance));
        assert_eq!(TeachingMode::from_lheo("3"), None);
        assert_eq!(
            level("6"),
            Some((Some("Niveau 5 (BTS, DUT) – ancien niveau III"), Some(5)))
        );
        assert_eq!(level("17").and_then(|l| l.1), Some(7));
        assert_eq!(level("0"), Some((None, None)));
        assert_eq!(level("9"), None);
        assert_eq!(cert_code("RNCP 474", "RNCP").as_deref(), Some("RNCP474"));
        assert_eq!(cert_code("0320", "RNCP").as_deref(), Some("RNCP320"));
        assert_eq!(cert_code("RS5678", "RS").as_deref(), Some("RS5678"));
        assert_eq!(cert_code("abc", "RNCP"), None);
    }

    #[test]
    fn every_real_file_yields_as_many_rows_as_elements() {
        for info in FILES {
            let text = sample(info);
            let (formations, actions, sessions) = (
                count_tags(&text, "formation"),
                count_tags(&text, "action"),
                count_tags(&text, "session"),
            );
            assert!(
                formations > 0 && actions > 0 && sessions > 0,
                "{}",
                info.path
            );
            run(
                &data_dir(),
                &[info],
                |tx| insert_jobs(tx, JOBS),
                |tx, report| {
                    assert_eq!(
                        count(tx, "SELECT count(*) FROM training"),
                        formations,
                        "{}",
                        info.path
                    );
                    assert_eq!(
                        count(tx, "SELECT count(*) FROM action"),
                        actions,
                        "{}",
                        info.path
                    );
                    assert_eq!(
                        count(tx, "SELECT count(*) FROM session"),
                        sessions,
                        "{}",
                        info.path
                    );
                    let stats = &report.sources[0];
                    assert_eq!(stats.file, info.path);
                    assert_eq!(stats.rows_read as usize, formations);
                    assert_eq!(stats.rows_kept as usize, formations);
                    assert_eq!(stats.rows_skipped, 0);
                    // Every ROME code of the samples is in JOBS: no link is dropped.
                    assert_eq!(
                        count(tx, "SELECT count(*) FROM training_rome"),
                        count_tags(&text, "code-ROME"),
                        "{}",
                        info.path
                    );
                    // Every action and session hangs on its parent.
                    assert_eq!(
                        count(
                            tx,
                            "SELECT count(*) FROM session s JOIN action a ON a.id = s.action_id
                         JOIN training t ON t.id = a.training_id"
                        ),
                        sessions
                    );
                },
            );
        }
    }

    #[test]
    fn whole_import_on_real_data() {
        let files: usize = FILES
            .iter()
            .map(|f| count_tags(&sample(f), "formation"))
            .sum();
        run(
            &data_dir(),
            &[],
            |tx| insert_jobs(tx, JOBS),
            |tx, _| {
                let source = DirSource(data_dir());
                let mut ctx = Ctx::new(tx, &source);
                import(&mut ctx).unwrap();
                assert_eq!(
                    count(tx, "SELECT count(*) FROM training WHERE source = 'lheo'"),
                    files
                );
                assert_eq!(ctx.report.sources.len(), FILES.len());
                assert_eq!(ctx.report.skipped(), 0);
                // The only oddity of the samples: a registration start written "00000000".
                let issues: Vec<_> = ctx
                    .report
                    .issues
                    .iter()
                    .map(|i| i.reason.as_str())
                    .collect();
                assert_eq!(issues.len(), 1, "{issues:?}");
                assert!(issues[0].contains("inconnue (00000000)"), "{issues:?}");
                assert_eq!(ctx.report.issues[0].file, CENTRE_PLAQUISTE.path);
            },
        );
    }

    #[test]
    fn the_plaquiste_training_joins_its_organisme_and_jobs() {
        let text = sample(&CENTRE_PLAQUISTE);
        run(
            &data_dir(),
            &FILES,
            |tx| {
                insert_jobs(tx, JOBS);
                tx.execute(
                    "INSERT INTO departement(code, name, region_code, region, academie)
                     VALUES ('37', 'Indre-et-Loire', '24', 'Centre-Val de Loire', 'Orléans-Tours')",
                    [],
                )
                .unwrap();
            },
            |tx, report| {
                let training = |col: &str| -> Value {
                    tx.query_row(
                        &format!("SELECT {col} FROM training WHERE id = 'lheo:07_10'"),
                        [],
                        |r| r.get(0),
                    )
                    .unwrap()
                };
                let text_of = |col: &str| match training(col) {
                    Value::Text(t) => t,
                    other => panic!("{col}: {other:?}"),
                };
                assert_eq!(text_of("title"), "Titre professionnel plaquiste");
                assert_eq!(training("certifying"), Value::Integer(1));
                assert_eq!(text_of("level_entry"), "Sans niveau spécifique"); // code-niveau-entree 1
                assert_eq!(training("level_exit"), Value::Integer(3)); // code-niveau-sortie 4 = ancien niveau V
                assert_eq!(text_of("rncp"), "RNCP320");
                assert_eq!(training("rs"), Value::Null);
                assert_eq!(text_of("formacodes"), "22403,22402"); // the principal one first
                assert_eq!(text_of("nsf"), "233");
                let url = text_of("url");
                assert!(
                    url.starts_with("http://www.etoile.regioncentre.fr/")
                        && url.ends_with("&idFormation=10")
                );
                assert_eq!(
                    text_of("contact"),
                    "Madame Michèle LEROY, 02 47 34 14 05, 06 45 49 99 85, nadia.buffet@afpa.fr"
                );
                assert_eq!(text_of("duration"), "697 heures");
                // ROME F1604 is known through the v4 fiche F1625, whose parent it is.
                assert_eq!(
                    strings(
                        tx,
                        "SELECT rome FROM training_rome WHERE training_id = 'lheo:07_10'"
                    ),
                    ["F1604"]
                );

                let org = text_of("organisme_id");
                assert_eq!(org, "org:82422814200660");
                let place = |col: &str| -> Value {
                    tx.query_row(
                        &format!("SELECT {col} FROM place WHERE id = ?1 AND kind = 'organisme'"),
                        [&org],
                        |r| r.get(0),
                    )
                    .unwrap()
                };
                assert_eq!(place("name"), Value::Text("DRAFPA d'Olivet".into()));
                assert_eq!(place("city"), Value::Text("Olivet".into()));
                assert_eq!(place("postcode"), Value::Text("45160".into()));
                assert_eq!(
                    place("address"),
                    Value::Text("Propriété de l'Archette, Rue Basse Mouillère, CS 50613".into())
                );
                assert_eq!(place("lat"), Value::Real(47.8642616271973));
                assert_eq!(
                    place("details"),
                    Value::Text("Raison sociale : Direction régionale Centre de l'agence nationale pour la formation des adultes".into())
                );
                // Olivet is in the Loiret (45), which the test's departement table does not have.
                assert_eq!(place("region"), Value::Null);
                // The training sites are in Veigné (37), which it has.
                let sites = strings(
                    tx,
                    "SELECT DISTINCT p.region FROM action a JOIN place p ON p.id = a.place_id
                     WHERE a.training_id = 'lheo:07_10'",
                );
                assert_eq!(sites, ["Centre-Val de Loire"]);
                // The file's one issue is on the line of its "00000000" date.
                assert_eq!(text.match_indices("<debut>00000000</debut>").count(), 1);
                let line = line_of(&text, text.find("<debut>00000000</debut>").unwrap());
                let issues: Vec<_> = report
                    .issues
                    .iter()
                    .filter(|i| i.file == CENTRE_PLAQUISTE.path)
                    .collect();
                assert_eq!(issues.len(), 1);
                assert_eq!(issues[0].line, line);
            },
        );
    }

    fn get<T: rusqlite::types::FromSql>(tx: &Transaction, sql: &str, id: &str) -> T {
        tx.query_row(sql, [id], |r| r.get(0)).unwrap()
    }

    #[test]
    fn the_plaquiste_actions_and_sessions() {
        run(
            &data_dir(),
            &[&CENTRE_PLAQUISTE],
            |tx| insert_jobs(tx, JOBS),
            |tx, _| {
                assert_eq!(
                    count(
                        tx,
                        "SELECT count(*) FROM action WHERE training_id = 'lheo:07_10'"
                    ),
                    2
                );
                let action = |col: &str, id: &str| -> Value {
                    get(tx, &format!("SELECT {col} FROM action WHERE id = ?1"), id)
                };
                let (first, second) = ("lheo:07_114782", "lheo:07_123324");
                assert_eq!(
                    action("teaching_mode", first),
                    Value::Text("presentiel".into())
                );
                assert_eq!(
                    action("rhythm", first),
                    Value::Text("Continu temps plein, Modulaire".into())
                );
                assert_eq!(action("hours_total", first), Value::Null);
                assert_eq!(action("funders", first), Value::Text("10,5".into()));
                assert_eq!(
                    action("disability_access", first),
                    Value::Text("Accès handicapé possible".into())
                );
                assert_eq!(
                    action("conditions", first),
                    Value::Null,
                    "\"-\" is no condition"
                );
                assert_eq!(action("hours_total", second), Value::Integer(697));
                assert_eq!(action("hours_center", second), Value::Integer(585));
                assert_eq!(action("hours_company", second), Value::Integer(112));
                assert_eq!(action("funders", second), Value::Text("2".into()));
                // "Le Passoir" and "LE PASSOIR" in Veigné are one site, written once.
                let site: String = get(tx, "SELECT place_id FROM action WHERE id = ?1", first);
                let other: String = get(tx, "SELECT place_id FROM action WHERE id = ?1", second);
                assert_eq!(site, other);
                let place = |col: &str| -> Value {
                    get(tx, &format!("SELECT {col} FROM place WHERE id = ?1"), &site)
                };
                assert_eq!(place("kind"), Value::Text("lieu_formation".into()));
                assert_eq!(place("name"), Value::Text("AFPA de Veigné".into()));
                assert_eq!(place("city"), Value::Text("Veigné".into()));
                assert_eq!(place("insee"), Value::Text("37266".into()));
                assert_eq!(place("departement"), Value::Text("37".into()));
                assert_eq!(
                    place("lat"),
                    Value::Real(47.286057),
                    "the first action's site wins"
                );

                assert_eq!(
                    strings(tx, "SELECT id FROM session ORDER BY id"),
                    ["lheo:114782", "lheo:123324"]
                );
                let session = |col: &str, id: &str| -> Value {
                    get(tx, &format!("SELECT {col} FROM session WHERE id = ?1"), id)
                };
                assert_eq!(
                    session("action_id", "lheo:114782"),
                    Value::Text(first.into())
                );
                assert_eq!(
                    session("start_date", "lheo:114782"),
                    Value::Text("2017-12-04".into())
                );
                assert_eq!(
                    session("end_date", "lheo:114782"),
                    Value::Text("2018-06-01".into())
                );
                assert_eq!(session("recruitment", "lheo:114782"), Value::Integer(1));
                assert_eq!(
                    session("action_id", "lheo:123324"),
                    Value::Text(second.into())
                );
                assert_eq!(
                    session("start_date", "lheo:123324"),
                    Value::Text("2017-10-30".into())
                );
                assert_eq!(
                    session("registration_start", "lheo:123324"),
                    Value::Null,
                    "00000000 is unknown"
                );
                assert_eq!(
                    session("registration_end", "lheo:123324"),
                    Value::Text("2018-05-22".into())
                );
                // Registration happens at the AFPA de Veigné.
                let registration: String = get(
                    tx,
                    "SELECT place_id FROM session WHERE id = ?1",
                    "lheo:114782",
                );
                let place = |col: &str| -> Value {
                    get(
                        tx,
                        &format!("SELECT {col} FROM place WHERE id = ?1"),
                        &registration,
                    )
                };
                assert_eq!(place("kind"), Value::Text("adresse_inscription".into()));
                assert_eq!(place("name"), Value::Text("AFPA de Veigné".into()));
                assert_eq!(place("address"), Value::Text("Le Passoir".into()));
            },
        );
    }

    #[test]
    fn dates_are_iso_and_come_from_the_file() {
        for info in FILES {
            let text = sample(info);
            // Every 8-digit value of a <debut>/<fin> element in the file.
            let mut raw = HashSet::new();
            for tag in ["debut", "fin"] {
                let open = format!("<{tag}>");
                for (i, _) in text.match_indices(&open) {
                    raw.insert(text[i + open.len()..i + open.len() + 8].to_string());
                }
            }
            run(
                &data_dir(),
                &[info],
                |_| {},
                |tx, _| {
                    let dates = strings(
                    tx,
                    "SELECT d FROM (SELECT start_date d FROM session UNION ALL SELECT end_date FROM session
                     UNION ALL SELECT registration_start FROM session UNION ALL SELECT registration_end FROM session)
                     WHERE d IS NOT NULL",
                );
                    assert!(
                        dates.len() >= 2 * count_tags(&text, "session"),
                        "{}",
                        info.path
                    );
                    for d in dates {
                        let b = d.as_bytes();
                        assert!(
                            d.len() == 10
                                && b[4] == b'-'
                                && b[7] == b'-'
                                && d.replace('-', "").bytes().all(|c| c.is_ascii_digit()),
                            "{d}"
                        );
                        assert!(
                            raw.contains(&d.replace('-', "")),
                            "{d} not in {}",
                            info.path
                        );
                    }
                },
            );
        }
    }

    #[test]
    fn onisep_sample_places_and_levels() {
        run(
            &data_dir(),
            &[&ONISEP_BTS_NRC],
            |tx| insert_jobs(tx, JOBS),
            |tx, _| {
                let (level_exit, url, objective): (i64, String, String) = tx
                .query_row(
                    "SELECT level_exit, url, objective FROM training WHERE id = 'lheo:9436_18706'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .unwrap();
                assert_eq!(
                    level_exit, 5,
                    "a BTS, code-niveau-sortie 6 (ancien niveau III)"
                );
                assert_eq!(
                    url,
                    "http://www2.cndp.fr/archivage/valid/brochadmin/bouton/c052.htm"
                );
                assert!(
                    objective.starts_with("A la fois vendeur, manager et commercial"),
                    "{objective}"
                );
                assert!(!objective.contains("<p>"), "HTML is stripped");
                assert!(
                    objective.contains("Résultats attendus : Les objectifs :"),
                    "{objective}"
                );
                let (name, phone, email, url, lon): (String, String, String, String, f64) = tx
                .query_row(
                    "SELECT name, phone, email, url, lon FROM place WHERE id = 'org:19290076900014'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .unwrap();
                assert_eq!(name, "Lycée Kerneuzec");
                assert_eq!(phone, "02 98 96 48 00");
                assert_eq!(email, "ce.0290076a@ac-rennes.fr");
                assert_eq!(url, "http://lyceedekerneuzec.fr");
                assert!((lon + 3.5526545).abs() < 1e-9);
                let teaching: String = tx
                    .query_row(
                        "SELECT teaching_mode FROM action WHERE id = 'lheo:9436_18706'",
                        [],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(teaching, "presentiel");
            },
        );
        run(
            &data_dir(),
            &[&POEC_PAIE],
            |_| {},
            |tx, _| {
                let (mode, funders): (String, String) = tx
                    .query_row(
                        "SELECT teaching_mode, funders FROM action WHERE id = 'lheo:24_1390142'",
                        [],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .unwrap();
                assert_eq!((mode.as_str(), funders.as_str()), ("distance", "16"));
            },
        );
    }

    #[test]
    fn an_unknown_rome_code_is_reported_and_its_link_dropped() {
        let text = sample(&ONISEP_BTS_NRC);
        let line = line_of(&text, text.find("<code-ROME>D1408").unwrap());
        run(
            &data_dir(),
            &[&ONISEP_BTS_NRC],
            |tx| insert_jobs(tx, &JOBS[..3]), // without D1408
            |tx, report| {
                assert_eq!(
                    strings(tx, "SELECT rome FROM training_rome ORDER BY rome"),
                    ["D1402", "D1403"]
                );
                assert_eq!(
                    count(tx, "SELECT count(*) FROM training"),
                    1,
                    "the rest of the row is kept"
                );
                let issue = report
                    .issues
                    .iter()
                    .find(|i| i.reason.contains("D1408"))
                    .unwrap();
                assert_eq!(issue.file, ONISEP_BTS_NRC.path);
                assert_eq!(issue.line, line);
                assert!(issue.reason.contains("inconnu"), "{}", issue.reason);
                assert_eq!(report.sources[0].rows_kept, 1);
            },
        );
    }

    #[test]
    fn a_truncated_file_keeps_the_formations_before_the_cut() {
        let daeu = sample(&OCCITANIE_DAEU);
        let full = with_formations(&[formation_element(&daeu)]);
        // Cut inside the second formation, in the middle of a start tag.
        let second = full.find("<formation numero=\"15_464888\"").unwrap();
        let tag = second + full[second..].find("<lieu-de-formation>").unwrap();
        let truncated = &full[..tag + 8];
        let dir = temp_data(&[(CENTRE_PLAQUISTE.path, truncated.as_bytes())]);
        run(
            dir.path(),
            &[&CENTRE_PLAQUISTE],
            |tx| insert_jobs(tx, JOBS),
            |tx, report| {
                assert_eq!(strings(tx, "SELECT id FROM training"), ["lheo:07_10"]);
                assert_eq!(count(tx, "SELECT count(*) FROM action"), 2);
                assert_eq!(
                    count(
                        tx,
                        "SELECT count(*) FROM action WHERE training_id = 'lheo:15_464888'"
                    ),
                    0
                );
                let stats = &report.sources[0];
                assert_eq!(
                    (stats.rows_read, stats.rows_kept, stats.rows_skipped),
                    (2, 1, 1)
                );
                let issue = report
                    .issues
                    .iter()
                    .find(|i| i.reason.contains("15_464888"))
                    .unwrap_or_else(|| panic!("{:?}", report.issues));
                assert_eq!(issue.file, CENTRE_PLAQUISTE.path);
                assert_eq!(issue.line, line_of(truncated, tag));
            },
        );
    }

    #[test]
    fn a_broken_element_costs_only_its_formation() {
        let daeu = sample(&OCCITANIE_DAEU);
        let broken = formation_element(&daeu).replace(
            "<rythme-formation>-</rythme-formation>",
            "<rythme-formation>-</rythme-formaton>",
        );
        let poec = sample(&POEC_PAIE);
        let full = with_formations(&[&broken, formation_element(&poec)]);
        let bad_line = line_of(&full, full.find("</rythme-formaton>").unwrap());
        let dir = temp_data(&[(CENTRE_PLAQUISTE.path, full.as_bytes())]);
        run(
            dir.path(),
            &[&CENTRE_PLAQUISTE],
            |tx| insert_jobs(tx, JOBS),
            |tx, report| {
                assert_eq!(
                    strings(tx, "SELECT id FROM training ORDER BY id"),
                    ["lheo:07_10", "lheo:24_162227"],
                    "{:?}",
                    report.issues
                );
                assert_eq!(
                    count(tx, "SELECT count(*) FROM session WHERE id = 'lheo:197649'"),
                    1
                );
                let stats = &report.sources[0];
                assert_eq!(
                    (stats.rows_read, stats.rows_kept, stats.rows_skipped),
                    (3, 2, 1)
                );
                let issue = report
                    .issues
                    .iter()
                    .find(|i| i.reason.contains("15_464888"))
                    .unwrap();
                assert_eq!(issue.line, bad_line);
                assert!(
                    issue.reason.contains("</rythme-formaton>"),
                    "{}",
                    issue.reason
                );
            },
        );
    }

    #[test]
    fn a_formation_without_title_is_skipped_and_reported() {
        let poec = sample(&POEC_PAIE);
        let start = poec.find("<intitule-formation>").unwrap();
        let end = poec.find("</intitule-formation>").unwrap() + "</intitule-formation>".len();
        let untitled = format!("{}{}", &poec[..start], &poec[end..]);
        let blank = poec.replace("Gestionnaire de paie (POEC)", "  ");
        for content in [untitled, blank] {
            let dir = temp_data(&[(POEC_PAIE.path, content.as_bytes())]);
            let formation_line = line_of(&content, content.find("<formation ").unwrap());
            run(
                dir.path(),
                &[&POEC_PAIE],
                |_| {},
                |tx, report| {
                    assert_eq!(count(tx, "SELECT count(*) FROM training"), 0);
                    assert_eq!(count(tx, "SELECT count(*) FROM action"), 0);
                    assert_eq!(
                        count(tx, "SELECT count(*) FROM place"),
                        0,
                        "nothing half-written"
                    );
                    let stats = &report.sources[0];
                    assert_eq!((stats.rows_read, stats.rows_skipped), (1, 1));
                    assert_eq!(report.issues.len(), 1);
                    assert_eq!(report.issues[0].line, formation_line);
                    assert!(
                        report.issues[0].reason.contains("sans intitulé"),
                        "{:?}",
                        report.issues
                    );
                },
            );
        }
    }

    #[test]
    fn lheo_2_3_imports_like_2_2() {
        let dumps = |data: &Path| {
            run(
                data,
                &FILES,
                |tx| insert_jobs(tx, JOBS),
                |tx, report| {
                    let tables = ["training", "training_rome", "action", "session", "place"];
                    (tables.map(|t| dump(tx, t)), report.issues.clone())
                },
            )
        };
        let rewritten: Vec<(String, Vec<u8>)> = FILES
            .iter()
            .map(|f| {
                let text = sample(f);
                assert!(text.contains(NS_22));
                (f.path.to_string(), text.replace(NS_22, NS_23).into_bytes())
            })
            .collect();
        let refs: Vec<(&str, &[u8])> = rewritten
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_slice()))
            .collect();
        let dir = temp_data(&refs);
        let (v22, issues22) = dumps(&data_dir());
        let (v23, issues23) = dumps(dir.path());
        assert!(v22.iter().all(|t| !t.is_empty()));
        assert_eq!(v22, v23);
        assert_eq!(issues22, issues23);

        // Another namespace is read too, but reported.
        let other = sample(&POEC_PAIE).replace(NS_22, "http://example.org/lheo");
        let dir = temp_data(&[(POEC_PAIE.path, other.as_bytes())]);
        run(
            dir.path(),
            &[&POEC_PAIE],
            |_| {},
            |tx, report| {
                assert_eq!(count(tx, "SELECT count(*) FROM training"), 1);
                assert!(report
                    .issues
                    .iter()
                    .any(|i| i.reason.contains("espace de noms") && i.line == 2));
            },
        );
    }

    #[test]
    fn a_site_without_coordinates_is_placed_by_its_commune() {
        let text = sample(&POEC_PAIE);
        // Drop the training site's geolocalisation (the first one inside <lieu-de-formation>).
        let lieu = text.find("<lieu-de-formation>").unwrap();
        let g_start = lieu + text[lieu..].find("<geolocalisation>").unwrap();
        let g_end =
            lieu + text[lieu..].find("</geolocalisation>").unwrap() + "</geolocalisation>".len();
        let edited = format!("{}{}", &text[..g_start], &text[g_end..]);
        let dir = temp_data(&[(POEC_PAIE.path, edited.as_bytes())]);
        run(
            dir.path(),
            &[&POEC_PAIE],
            |tx| {
                tx.execute(
                    "INSERT INTO commune(insee, name, postcode, lat, lon, departement)
                     VALUES ('06069', 'GRASSE', '06130', 43.6589, 6.9235, '06'),
                            ('06069', 'GRASSE', '06131', NULL, NULL, '06')",
                    [],
                )
                .unwrap();
            },
            |tx, _| {
                let (lat, lon, dep): (f64, f64, String) = tx
                    .query_row(
                        "SELECT p.lat, p.lon, p.departement FROM action a JOIN place p ON p.id = a.place_id",
                        [],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .unwrap();
                assert_eq!((lat, lon, dep.as_str()), (43.6589, 6.9235, "06"));
            },
        );
    }

    #[test]
    fn odd_values_are_reported_and_the_rest_kept() {
        let text = sample(&NORMANDIE_BOULANGER)
            .replace("<debut>20180227</debut>", "<debut>20180231</debut>")
            .replace(
                "<code-financeur>17</code-financeur>",
                "<code-financeur>42</code-financeur>",
            )
            .replace("<session  numero=\"74056\" ref=\"142254\">", "<session>")
            .replace(
                "<latitude>48.398808</latitude>",
                "<latitude>148.398808</latitude>",
            );
        let dir = temp_data(&[(NORMANDIE_BOULANGER.path, text.as_bytes())]);
        run(
            dir.path(),
            &[&NORMANDIE_BOULANGER],
            |tx| insert_jobs(tx, JOBS),
            |tx, report| {
                let reasons: Vec<&str> = report.issues.iter().map(|i| i.reason.as_str()).collect();
                assert_eq!(reasons.len(), 3, "{reasons:?}");
                assert!(reasons.iter().any(|r| r.contains("20180231")));
                assert!(reasons.iter().any(|r| r.contains("« 42 »")));
                assert!(reasons.iter().any(|r| r.contains("148.398808")));
                // No numero and no start date: the id falls back on the action.
                let (id, start, end): (String, Option<String>, String) = tx
                    .query_row("SELECT id, start_date, end_date FROM session", [], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .unwrap();
                assert_eq!(
                    (id.as_str(), start, end.as_str()),
                    ("lheo:04_74056:sans-date", None, "2018-10-19")
                );
                let funders: String = tx
                    .query_row("SELECT funders FROM action", [], |r| r.get(0))
                    .unwrap();
                assert_eq!(funders, "10,16,5,0");
                let lat: Option<f64> = tx
                    .query_row(
                        "SELECT p.lat FROM action a JOIN place p ON p.id = a.place_id",
                        [],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(
                    lat, None,
                    "out of range and no commune table to fall back on"
                );
                assert_eq!(report.sources[0].rows_kept, 1);
            },
        );
    }

    #[test]
    fn a_regions_exports_are_imported_after_the_samples() {
        let mut files: Vec<(&str, Vec<u8>)> = FILES
            .iter()
            .map(|f| (f.path, sample(f).into_bytes()))
            .collect();
        let export = sample(&POEC_PAIE).replace("numero=\"", "numero=\"export-");
        files.push(("formations/lheo/exports/region.xml", export.into_bytes()));
        files.push(("formations/lheo/exports/notes.txt", b"pas du XML".to_vec()));
        let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (*p, b.as_slice())).collect();
        let dir = temp_data(&refs);
        let db = tempfile::tempdir().unwrap();
        let mut conn = crate::db::open::<CatalogueSchema>(&db.path().join("catalogue.db")).unwrap();
        let tx = conn.transaction().unwrap();
        insert_jobs(&tx, JOBS);
        let source = DirSource(dir.path().to_path_buf());
        let mut ctx = Ctx::new(&tx, &source);
        import(&mut ctx).unwrap();
        let stats = ctx
            .report
            .sources
            .iter()
            .find(|s| s.file == "formations/lheo/exports/region.xml")
            .expect("the export is a source of its own");
        assert_eq!((stats.rows_read, stats.rows_kept), (1, 1));
        assert!(ctx.report.sources.iter().all(|s| !s.file.ends_with(".txt")));
        assert_eq!(
            count(
                &tx,
                "SELECT count(*) FROM training WHERE id LIKE 'lheo:export-%'"
            ),
            1
        );
        // The embedded copy lists its folders the same way.
        let embedded = crate::catalogue::import::source::EmbeddedSource(&[
            ("formations/lheo/exports/a.xml", b""),
            ("formations/lheo/exports/deep/b.xml", b""),
            ("formations/lheo/samples/c.xml", b""),
        ]);
        assert_eq!(
            embedded.list(EXPORTS_DIR),
            ["formations/lheo/exports/a.xml"]
        );
    }

    #[test]
    fn duplicates_across_files_are_reported_once() {
        let dir = temp_data(&[
            (POEC_PAIE.path, sample(&POEC_PAIE).as_bytes()),
            (OCCITANIE_DAEU.path, sample(&POEC_PAIE).as_bytes()),
        ]);
        run(
            dir.path(),
            &[&POEC_PAIE, &OCCITANIE_DAEU],
            |tx| insert_jobs(tx, JOBS),
            |tx, report| {
                assert_eq!(count(tx, "SELECT count(*) FROM training"), 1);
                assert_eq!(count(tx, "SELECT count(*) FROM session"), 1);
                assert_eq!(report.skipped(), 1);
                assert_eq!(report.issues.len(), 1, "{:?}", report.issues);
                assert!(report.issues[0].reason.contains("double"));
                assert_eq!(report.issues[0].file, OCCITANIE_DAEU.path);
            },
        );
    }

    #[test]
    fn a_latin1_file_reads_like_utf8() {
        let text =
            sample(&CENTRE_PLAQUISTE).replace("encoding=\"utf-8\"", "encoding=\"ISO-8859-1\"");
        let latin1: Vec<u8> = text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect();
        assert!(std::str::from_utf8(&latin1).is_err());
        let dir = temp_data(&[(CENTRE_PLAQUISTE.path, &latin1)]);
        let name = run(
            dir.path(),
            &[&CENTRE_PLAQUISTE],
            |_| {},
            |tx, report| {
                assert!(report.issues.iter().all(|i| !i.reason.contains("UTF-8")));
                tx.query_row(
                    "SELECT p.name FROM action a JOIN place p ON p.id = a.place_id LIMIT 1",
                    [],
                    |r| r.get::<_, String>(0),
                )
                .unwrap()
            },
        );
        assert_eq!(name, "AFPA de Veigné");
    }

    #[test]
    fn garbage_is_reported_not_fatal() {
        let dir = temp_data(&[(POEC_PAIE.path, b"\x00\x01 pas du XML <<<>>> &&")]);
        run(
            dir.path(),
            &[&POEC_PAIE],
            |_| {},
            |tx, report| {
                assert_eq!(count(tx, "SELECT count(*) FROM training"), 0);
                assert!(!report.issues.is_empty());
            },
        );
    }
}
