//! Human-readable output: result tables, sheets and the catalogue summary.

use orientation_core::catalogue::sheet::{Group, Info, Named, PlaceSheet, Sheet};
use orientation_core::catalogue::Catalogue;
use orientation_core::codes;
use orientation_core::search::filters::Facets;
use orientation_core::search::Hit;
use orientation_core::text_fr;
use std::io::{Result, Write};

/// Cuts a text to `max` characters on a char boundary, with an ellipsis.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// One result per block: number, kind and title, then the id whole (to copy into `show`), where it is,
/// its badges and subtitle.
pub fn results_table(out: &mut impl Write, hits: &[Hit]) -> Result<()> {
    if hits.is_empty() {
        return writeln!(out, "Aucun résultat.");
    }
    for (i, h) in hits.iter().enumerate() {
        let place = h
            .location
            .as_deref()
            .map(|l| format!(" — {l}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{:>2}. {:<9} {}{}",
            i + 1,
            h.kind.label(),
            cut(&h.title, 80),
            place
        )?;
        let id = h.rome.as_deref().unwrap_or(&h.id);
        let mut details = vec![id.to_string()];
        details.extend(h.badges.iter().map(|b| format!("[{}]", b.label)));
        if let Some(sub) = &h.subtitle {
            details.push(cut(sub, 70));
        }
        writeln!(out, "    {:<9} {}", "", details.join(" · "))?;
    }
    Ok(())
}

fn section(out: &mut impl Write, title: &str) -> Result<()> {
    writeln!(out, "\n{title}")?;
    writeln!(out, "{}", "─".repeat(title.chars().count()))
}

fn field(out: &mut impl Write, label: &str, value: Option<impl std::fmt::Display>) -> Result<()> {
    match value {
        Some(v) => writeln!(out, "{label} : {v}"),
        None => Ok(()),
    }
}

fn groups(out: &mut impl Write, title: &str, groups: &[Group]) -> Result<()> {
    if groups.is_empty() {
        return Ok(());
    }
    section(out, title)?;
    for g in groups {
        writeln!(out, "{}", g.label)?;
        for item in &g.items {
            writeln!(out, "  • {item}")?;
        }
    }
    Ok(())
}

fn list(out: &mut impl Write, title: &str, items: &[Named]) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    section(out, &format!("{title} ({})", items.len()))?;
    for n in items {
        writeln!(out, "  {:<22} {}", n.id, n.title)?;
    }
    Ok(())
}

fn place(out: &mut impl Write, p: &PlaceSheet) -> Result<()> {
    writeln!(out, "{} — {}", p.name, p.kind_label)?;
    let address: Vec<&str> = [
        p.address.as_deref(),
        p.postcode.as_deref(),
        p.city.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !address.is_empty() {
        writeln!(out, "  {}", address.join(" "))?;
    }
    match (p.lat, p.lon) {
        _ if p.at_commune_centre => writeln!(
            out,
            "  position : celle de la commune (la source ne donne pas d'adresse précise)"
        )?,
        (Some(lat), Some(lon)) => writeln!(out, "  position : {lat:.5}, {lon:.5}")?,
        _ => {
            let area = match (&p.city, &p.departement) {
                (Some(city), _) => Some(city.clone()),
                (None, Some(d)) => Some(format!("département {d}")),
                _ => None,
            };
            if let Some(area) = area {
                writeln!(out, "  pas d'adresse connue : {area}")?;
            }
        }
    }
    field(out, "  statut", p.status_label.as_deref())?;
    if let Some(w) = &p.status_warning {
        writeln!(out, "  {w}")?;
    }
    field(out, "  téléphone", p.phone.as_deref())?;
    field(out, "  courriel", p.email.as_deref())?;
    field(out, "  site", p.url.as_deref())
}

pub fn sheet(out: &mut impl Write, sheet: &Sheet) -> Result<()> {
    match sheet {
        Sheet::Job(j) => {
            writeln!(out, "{} — {}", j.code_rome, j.title)?;
            field(out, "Grand domaine", j.grand_domaine.as_deref())?;
            field(out, "Domaine", j.domaine.as_deref())?;
            if !j.riasec.is_empty() {
                let names: Vec<String> = j
                    .riasec
                    .iter()
                    .map(|r| format!("{} ({})", r.name, r.meaning))
                    .collect();
                writeln!(out, "Profil RIASEC : {}", names.join(", puis "))?;
            }
            if j.regulated {
                writeln!(out, "Emploi réglementé")?;
            }
            if j.cadre {
                writeln!(out, "Emploi de cadre")?;
            }
            for t in &j.transitions {
                writeln!(out, "{t}")?;
            }
            if let Some(d) = &j.definition {
                section(out, "Définition")?;
                writeln!(out, "{d}")?;
            }
            if let Some(a) = &j.access {
                section(out, "Accès au métier")?;
                writeln!(out, "{a}")?;
            }
            section(out, &format!("Appellations ({})", j.appellations.len()))?;
            for a in &j.appellations {
                writeln!(
                    out,
                    "  {}{}",
                    a.title,
                    if a.principal { " (principale)" } else { "" }
                )?;
            }
            groups(out, "Compétences", &j.skills)?;
            groups(out, "Contextes de travail", &j.contexts)?;
            if !j.mobilities.is_empty() {
                section(out, "Mobilités (métiers proches)")?;
                for m in &j.mobilities {
                    writeln!(out, "  {:>2}. {} {}", m.rank, m.code_rome, m.title)?;
                }
            }
            if !j.interests.is_empty() {
                section(out, "Centres d'intérêt")?;
                for i in &j.interests {
                    writeln!(out, "  • {i}")?;
                }
            }
            if !j.hiring.is_empty() {
                section(
                    out,
                    "Projets de recrutement 2024 (BMO, rapprochement approché)",
                )?;
                for h in &j.hiring {
                    writeln!(
                        out,
                        "  {} : {} projets, dont {} jugés difficiles et {} saisonniers",
                        h.fap_label,
                        text_fr::integer(h.planned_hires),
                        text_fr::integer(h.difficult),
                        text_fr::integer(h.seasonal)
                    )?;
                }
            }
            list(out, "Certifications qui y mènent", &j.certifications)?;
            list(out, "Formations qui y mènent", &j.trainings)?;
            if let Some(n) = &j.near {
                let radius = n.widened_to_km.unwrap_or(n.radius_km);
                section(
                    out,
                    &format!(
                        "Se former près de chez moi ({}, {})",
                        n.place,
                        text_fr::distance_km(radius)
                    ),
                )?;
                if n.widened_to_km.is_some() {
                    writeln!(
                        out,
                        "  Peu de formations à {} : rayon élargi à {}.",
                        text_fr::distance_km(n.radius_km),
                        text_fr::distance_km(radius)
                    )?;
                }
                if n.trainings.is_empty() {
                    writeln!(out, "  Aucune formation localisée trouvée dans ce rayon.")?;
                }
                for t in &n.trainings {
                    let at = t
                        .distance_km
                        .map_or_else(|| "à distance".to_string(), text_fr::distance_km);
                    writeln!(out, "  {at:<10} {}  ({})", t.title, t.id)?;
                    if let Some(s) = &t.subtitle {
                        writeln!(out, "  {:<10} {s}", "")?;
                    }
                }
            }
            Ok(())
        }
        Sheet::Training(t) => {
            writeln!(out, "{} — {}", t.id, t.title)?;
            field(out, "Type", t.r#type.as_deref())?;
            field(out, "Niveau de sortie", t.level_exit_label.as_deref())?;
            field(out, "Niveau d'entrée", t.level_entry.as_deref())?;
            field(out, "Durée", t.duration.as_deref())?;
            if let Some(c) = &t.certification {
                writeln!(out, "Certification : {} {}", c.id, c.title)?;
            }
            if let Some(p) = &t.programme {
                writeln!(out, "Programme : {} ({})", p.title, p.id)?;
            }
            field(out, "Lien", t.url.as_deref())?;
            field(out, "Contact", t.contact.as_deref())?;
            field(out, "À savoir", t.source_note.as_deref())?;
            if let Some(o) = &t.objective {
                section(out, "Objectif")?;
                writeln!(out, "{}", cut(o, 1200))?;
            }
            if let Some(c) = &t.content {
                section(out, "Contenu")?;
                writeln!(out, "{}", cut(c, 1200))?;
            }
            if let Some(o) = &t.organisme {
                section(out, "Organisme")?;
                place(out, o)?;
            }
            for a in &t.actions {
                section(out, &format!("Action {}", a.id))?;
                field(out, "Modalité", a.teaching_mode_label.as_deref())?;
                field(out, "Rythme", a.rhythm.as_deref())?;
                field(out, "Heures", a.hours_total.map(text_fr::integer))?;
                field(
                    out,
                    "Prix",
                    a.price_eur.map(|p| format!("{} €", text_fr::number(p))),
                )?;
                if !a.funder_names.is_empty() {
                    writeln!(out, "Financeurs : {}", a.funder_names.join(", "))?;
                }
                field(out, "Conditions", a.conditions.as_deref())?;
                if let Some(p) = &a.place {
                    place(out, p)?;
                }
                for s in &a.sessions {
                    writeln!(
                        out,
                        "  session {} : {} — {}",
                        s.id,
                        text_fr::period(s.start_date.as_deref(), s.end_date.as_deref()),
                        s.registration_label
                    )?;
                }
            }
            list(out, "Métiers visés", &t.jobs)
        }
        Sheet::Place(p) => place(out, p),
        Sheet::Aid(a) => {
            writeln!(out, "{}", a.label)?;
            field(out, "Institution", a.institution.as_deref())?;
            match (a.age_min, a.age_max) {
                (Some(min), Some(max)) => writeln!(out, "Âge : de {min} à {max} ans")?,
                (Some(min), None) => writeln!(out, "Âge : {min} ans et plus")?,
                (None, Some(max)) => writeln!(out, "Âge : jusqu'à {max} ans")?,
                (None, None) => {}
            }
            field(out, "Territoire", a.territory.as_deref())?;
            field(out, "Montant", a.amount_label.as_deref())?;
            if let Some(d) = &a.description {
                section(out, "Description")?;
                writeln!(out, "{d}")?;
            }
            if let Some(c) = &a.conditions {
                section(out, "Conditions")?;
                writeln!(out, "{c}")?;
            }
            field(out, "Lien", a.link.as_deref())
        }
        Sheet::Certification(c) => {
            writeln!(out, "{} — {}", c.id, c.title)?;
            field(out, "Type", c.r#type.as_deref())?;
            field(
                out,
                "Niveau",
                c.level_eu
                    .and_then(|l| codes::checked_level(l).ok())
                    .map(codes::level_label),
            )?;
            field(out, "Certificateur", c.certifier.as_deref())?;
            field(
                out,
                "Active",
                c.active.map(|a| if a { "oui" } else { "non" }),
            )?;
            field(out, "Source", Some(&c.source))?;
            list(out, "Métiers", &c.jobs)?;
            list(out, "Formations", &c.trainings)
        }
    }
}

pub fn info(out: &mut impl Write, info: &Info, issues: bool) -> Result<()> {
    writeln!(out, "Catalogue : {}", info.path)?;
    section(out, "Contenu")?;
    for (label, n) in &info.counts {
        writeln!(out, "  {label:<42} {n:>9}")?;
    }
    section(out, "Sources (lignes lues / gardées / écartées)")?;
    for s in &info.sources {
        writeln!(
            out,
            "  {:<48} {:>7} {:>7} {:>5}  {} — {}",
            cut(&s.label, 48),
            s.rows_read,
            s.rows_kept,
            s.rows_skipped,
            s.version,
            s.file
        )?;
    }
    let mut licences: Vec<&str> = info.sources.iter().map(|s| s.licence.as_str()).collect();
    licences.sort();
    licences.dedup();
    writeln!(out, "  Licences : {}", licences.join(" ; "))?;
    section(
        out,
        &format!(
            "Rapport d'import : {} ligne(s) écartée(s) ou signalée(s)",
            info.issues.len()
        ),
    )?;
    let shown = if issues {
        info.issues.len()
    } else {
        info.issues.len().min(10)
    };
    for i in &info.issues[..shown] {
        writeln!(out, "  {}:{} : {}", i.file, i.line, i.reason)?;
    }
    if shown < info.issues.len() {
        writeln!(out, "  … (--issues pour tout voir)")?;
    }
    Ok(())
}

pub fn facets(out: &mut impl Write, f: &Facets, cat: &Catalogue) -> Result<()> {
    section(out, "Répartition des résultats")?;
    let line = |out: &mut dyn Write, label: &str, values: Vec<String>| -> Result<()> {
        if values.is_empty() {
            return Ok(());
        }
        writeln!(out, "  {label:<16} {}", values.join(" · "))
    };
    let domains = cat.grand_domaine_labels().unwrap_or_default();
    line(
        out,
        "sortes",
        f.kinds
            .iter()
            .map(|(k, n)| format!("{n} {}", if *n > 1 { k.plural_label() } else { k.label() }))
            .collect(),
    )?;
    line(
        out,
        "grands domaines",
        f.grand_domaines
            .iter()
            .map(|(c, n)| {
                let label = domains.get(c).cloned().unwrap_or_else(|| c.to_string());
                format!("{label} ({n})")
            })
            .collect(),
    )?;
    line(
        out,
        "niveaux",
        f.levels
            .iter()
            .map(|(l, n)| format!("{} ({n})", codes::level_label(*l)))
            .collect(),
    )?;
    line(
        out,
        "financements",
        f.funding
            .iter()
            .map(|(k, n)| format!("{} ({n})", k.label()))
            .collect(),
    )?;
    line(
        out,
        "modalités",
        f.modes
            .iter()
            .map(|(k, n)| format!("{} ({n})", k.label()))
            .collect(),
    )
}
