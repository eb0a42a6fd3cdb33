//! ROME 4.0 (v460), France Travail: fiches, appellations, texts, skills, work contexts, mobilities, RIASEC
//! and centres d'intérêt.

use super::{CsvSpec, Ctx, FileInfo, Row, LICENCE_OUVERTE};
use crate::error::Result;
use rusqlite::params;
use std::collections::{HashMap, HashSet};

const fn rome(path: &'static str, label: &'static str) -> FileInfo {
    FileInfo {
        path,
        label,
        version: "ROME 4.0 v460",
        licence: LICENCE_OUVERTE,
    }
}

const DIR: &str = "rome/rome4_v460/";
macro_rules! rome_file {
    ($name:literal, $label:literal) => {
        rome(concat!("rome/rome4_v460/", $name), $label)
    };
}

pub const FICHES: FileInfo = rome_file!(
    "unix_referentiel_code_rome_v460_utf8.csv",
    "ROME : fiches métiers"
);
const DOMAINES_PAR_FICHE: FileInfo =
    rome_file!("unix_cr_gd_dp_v460_utf8.csv", "ROME : domaines par fiche");
const GRANDS_DOMAINES: FileInfo =
    rome_file!("unix_grand_domaine_v460_utf8.csv", "ROME : grands domaines");
const DOMAINES: FileInfo = rome_file!(
    "unix_domaine_professionnel_v460_utf8.csv",
    "ROME : domaines professionnels"
);
pub const APPELLATIONS: FileInfo = rome_file!(
    "unix_referentiel_appellation_v460_utf8.csv",
    "ROME : appellations"
);
const TEXTES: FileInfo = rome_file!("unix_texte_v460_utf8.csv.gz", "ROME : définitions et accès");
const COMPETENCES: FileInfo = rome_file!(
    "unix_referentiel_competence_v460_utf8.csv.gz",
    "ROME : compétences"
);
const SAVOIRS: FileInfo = rome_file!("unix_referentiel_savoir_v460_utf8.csv.gz", "ROME : savoirs");
const ITEMS: FileInfo = rome_file!("unix_item_v460_utf8.csv.gz", "ROME : items");
const CONTEXTES: FileInfo = rome_file!(
    "unix_referentiel_contexte_travail_v460_utf8.csv",
    "ROME : contextes de travail"
);
const LIENS: FileInfo = rome_file!(
    "unix_liens_rome_referentiels_v460_utf8.csv.gz",
    "ROME : liens fiche / référentiels"
);
const COHERENCE: FileInfo = rome_file!(
    "unix_coherence_item_v460_utf8.csv.gz",
    "ROME : cœur de métier"
);
const MOBILITES: FileInfo = rome_file!("unix_rubrique_mobilite_v460_utf8.csv", "ROME : mobilités");
const RIASEC: FileInfo = rome_file!(
    "unix_referentiel_code_rome_riasec_v460_utf8.csv",
    "ROME : profils RIASEC"
);
const CENTRES: FileInfo = rome_file!(
    "unix_centre_interet_v460_utf8.csv",
    "ROME : centres d'intérêt"
);
const CENTRES_FICHES: FileInfo = rome_file!(
    "unix_arborescence_centre_interet_v460_utf8.csv",
    "ROME : centres d'intérêt par fiche"
);

fn is_rome_code(code: &str) -> bool {
    matches!(code.as_bytes(), [letter, digits @ ..]
        if digits.len() == 4 && letter.is_ascii_uppercase() && digits.iter().all(u8::is_ascii_digit))
}

/// The source writes flags as free text ("Emploi réglementé", "O", ...); any non-empty value means yes.
fn flag(value: &str) -> bool {
    !value.is_empty() && !value.eq_ignore_ascii_case("n") && !value.eq_ignore_ascii_case("non")
}

/// `unix_texte` doubles its apostrophes (`d''un`).
fn undouble(text: &str) -> String {
    text.replace("''", "'")
}

pub fn import(ctx: &mut Ctx) -> Result<()> {
    debug_assert!(FICHES.path.starts_with(DIR));
    let jobs = import_fiches(ctx)?;
    import_domaines(ctx, &jobs)?;
    import_appellations(ctx, &jobs)?;
    import_textes(ctx, &jobs)?;
    import_skills(ctx, &jobs)?;
    import_mobilities_riasec(ctx, &jobs)?;
    import_interests(ctx, &jobs)?;
    Ok(())
}

fn import_fiches(ctx: &mut Ctx) -> Result<HashSet<String>> {
    let mut jobs = HashSet::new();
    ctx.each_csv(&FICHES, CsvSpec::new(b',', 10), |ctx, r| {
        let code = r.get("code_rome");
        let title = r.get("libelle_rome");
        if !is_rome_code(code) {
            return Ok(Row::Skip(format!("code ROME invalide « {code} »")));
        }
        if title.is_empty() {
            return Ok(Row::Skip(format!("fiche {code} sans intitulé")));
        }
        let parent = r.opt("code_rome_parent").unwrap_or(code);
        if !jobs.insert(code.to_string()) {
            return Ok(Row::Skip(format!("fiche {code} en double")));
        }
        ctx.tx
            .prepare_cached(
                "INSERT INTO job(code_rome, title, code_fiche, code_ogr, parent_rome, transition_eco,
                 transition_num, transition_demo, regulated, cadre) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
            )?
            .execute(params![
                code,
                title,
                r.opt("code_fiche_metier"),
                r.opt("code_ogr"),
                parent,
                r.opt("transition_eco"),
                r.opt("transition_num"),
                r.opt("transition_demo"),
                flag(r.get("emploi_reglemente")),
                flag(r.get("emploi_cadre")),
            ])?;
        Ok(Row::Kept)
    })?;
    Ok(jobs)
}

fn import_domaines(ctx: &mut Ctx, jobs: &HashSet<String>) -> Result<()> {
    ctx.each_csv(&GRANDS_DOMAINES, CsvSpec::new(b',', 2), |ctx, r| {
        let code = r.get("code_grand_domaine");
        if code.is_empty() {
            return Ok(Row::Skip("grand domaine sans code".into()));
        }
        ctx.tx
            .prepare_cached("INSERT OR REPLACE INTO grand_domaine(code, label) VALUES (?1, ?2)")?
            .execute(params![code, r.get("libelle_grand_domaine")])?;
        Ok(Row::Kept)
    })?;
    ctx.each_csv(&DOMAINES, CsvSpec::new(b',', 2), |ctx, r| {
        let code = r.get("code_domaine_professionnel");
        if code.is_empty() {
            return Ok(Row::Skip("domaine sans code".into()));
        }
        // The grand domaine is the code's first letter ("A11" is in "A").
        let Some(grand_domaine) = code
            .get(..1)
            .filter(|g| g.bytes().all(|b| b.is_ascii_uppercase()))
        else {
            return Ok(Row::Skip(format!("code de domaine « {code} » mal formé")));
        };
        ctx.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO domaine(code, label, grand_domaine) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![
                code,
                r.get("libelle_domaine_professionnel"),
                grand_domaine
            ])?;
        Ok(Row::Kept)
    })?;
    ctx.each_csv(&DOMAINES_PAR_FICHE, CsvSpec::new(b',', 6), |ctx, r| {
        let code = r.get("code_rome");
        if !jobs.contains(code) {
            return Ok(Row::Skip(format!("code ROME inconnu « {code} »")));
        }
        ctx.tx
            .prepare_cached("UPDATE job SET domaine = ?2, grand_domaine = ?3 WHERE code_rome = ?1")?
            .execute(params![
                code,
                r.opt("code_domaine_professionel"),
                r.opt("code_grand_domaine")
            ])?;
        Ok(Row::Kept)
    })
}

fn import_appellations(ctx: &mut Ctx, jobs: &HashSet<String>) -> Result<()> {
    ctx.each_csv(&APPELLATIONS, CsvSpec::new(b',', 13), |ctx, r| {
        let ogr = r.get("code_ogr");
        let code = r.get("code_rome");
        let title = r.get("libelle_appellation_long");
        if ogr.is_empty() || title.is_empty() {
            return Ok(Row::Skip("appellation sans code OGR ou sans intitulé".into()));
        }
        if !jobs.contains(code) {
            return Ok(Row::Skip(format!("code ROME inconnu « {code} »")));
        }
        let short = r.opt("libelle_appellation_court").filter(|s| *s != title);
        let inserted = ctx
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO appellation(code_ogr, code_rome, title, short_title, principal, rare)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                ogr,
                code,
                title,
                short,
                r.get("classification") == "PRINCIPALE",
                r.get("peu_usite") == "O"
            ])?;
        Ok(if inserted == 0 {
            Row::Skip(format!("appellation {ogr} en double"))
        } else {
            Row::Kept
        })
    })
}

fn import_textes(ctx: &mut Ctx, jobs: &HashSet<String>) -> Result<()> {
    // (code_rome, kind) -> sentences by position
    let mut texts: HashMap<(String, String), Vec<(i64, String)>> = HashMap::new();
    ctx.each_csv(&TEXTES, CsvSpec::new(b',', 5), |_, r| {
        let code = r.get("code_rome");
        if !jobs.contains(code) {
            return Ok(Row::Skip(format!("code ROME inconnu « {code} »")));
        }
        let kind = r.get("libelle_type_texte");
        if kind != "definition" && kind != "acces_metier" {
            return Ok(Row::Skip(format!("type de texte inconnu « {kind} »")));
        }
        let Ok(pos) = r.get("position_phrase").parse::<i64>() else {
            return Ok(Row::Skip("position de phrase invalide".into()));
        };
        texts
            .entry((code.to_string(), kind.to_string()))
            .or_default()
            .push((pos, undouble(r.get("libelle_texte"))));
        Ok(Row::Kept)
    })?;
    for ((code, kind), mut sentences) in texts {
        sentences.sort();
        let text: Vec<String> = sentences.into_iter().map(|(_, s)| s).collect();
        let sql = if kind == "definition" {
            "UPDATE job SET definition = ?2 WHERE code_rome = ?1"
        } else {
            "UPDATE job SET access = ?2 WHERE code_rome = ?1"
        };
        ctx.tx
            .prepare_cached(sql)?
            .execute(params![code, text.join("\n")])?;
    }
    Ok(())
}

fn import_skills(ctx: &mut Ctx, jobs: &HashSet<String>) -> Result<()> {
    // Categories from the competence and savoir referentials, keyed by OGR code.
    let mut categories: HashMap<String, (String, String)> = HashMap::new();
    ctx.each_csv(&COMPETENCES, CsvSpec::new(b',', 12), |_, r| {
        let ogr = r.get("code_ogr");
        if ogr.is_empty() {
            return Ok(Row::Skip("compétence sans code OGR".into()));
        }
        categories.insert(
            ogr.to_string(),
            (
                r.get("cat_comp").to_string(),
                r.get("sous_cat_comp").to_string(),
            ),
        );
        Ok(Row::Kept)
    })?;
    ctx.each_csv(&SAVOIRS, CsvSpec::new(b',', 6), |_, r| {
        let ogr = r.get("code_ogr_savoir");
        if ogr.is_empty() {
            return Ok(Row::Skip("savoir sans code OGR".into()));
        }
        categories.insert(
            ogr.to_string(),
            (
                r.get("categorie_savoir").to_string(),
                r.get("sous_categorie_savoir").to_string(),
            ),
        );
        Ok(Row::Kept)
    })?;
    let mut contexts = HashSet::new();
    ctx.each_csv(&CONTEXTES, CsvSpec::new(b',', 4), |ctx, r| {
        let ogr = r.get("code_ogr");
        if ogr.is_empty() {
            return Ok(Row::Skip("contexte sans code OGR".into()));
        }
        contexts.insert(ogr.to_string());
        ctx.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO work_context(code_ogr, label, type_code, type_label)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                ogr,
                r.get("libelle_cont_travail"),
                r.opt("code_type_cont_trav"),
                r.opt("libelle_type_cont_trav")
            ])?;
        Ok(Row::Kept)
    })?;
    let mut skills = HashSet::new();
    ctx.each_csv(&ITEMS, CsvSpec::new(b',', 3), |ctx, r| {
        let ogr = r.get("code_ogr");
        if ogr.is_empty() || r.get("libelle").is_empty() {
            return Ok(Row::Skip("item sans code OGR ou sans libellé".into()));
        }
        if contexts.contains(ogr) {
            return Ok(Row::Kept); // a work context: already in work_context, with its type
        }
        let Ok(rubrique) = r.get("code_rubrique").parse::<i64>() else {
            return Ok(Row::Skip("rubrique invalide".into()));
        };
        let (cat, sub) = categories
            .get(ogr)
            .map(|(c, s)| (Some(c.as_str()), Some(s.as_str())))
            .unwrap_or((None, None));
        ctx.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO skill(code_ogr, label, rubrique, category, subcategory)
                 VALUES (?1, ?2, ?3, NULLIF(?4, ''), NULLIF(?5, ''))",
            )?
            .execute(params![ogr, r.get("libelle"), rubrique, cat, sub])?;
        skills.insert(ogr.to_string());
        Ok(Row::Kept)
    })?;
    ctx.each_csv(&LIENS, CsvSpec::new(b',', 4), |ctx, r| {
        let code = r.get("code_rome");
        let ogr = r.get("code_ogr");
        if !jobs.contains(code) {
            return Ok(Row::Skip(format!("code ROME inconnu « {code} »")));
        }
        let sql = match r.get("code_compo_bloc") {
            // 1 = the fiche itself, 2 = appellations: already carried by their own files.
            "1" | "2" => return Ok(Row::Kept),
            "5" if skills.contains(ogr) => {
                "INSERT OR IGNORE INTO job_skill(code_rome, code_ogr) VALUES (?1, ?2)"
            }
            "6" if contexts.contains(ogr) => {
                "INSERT OR IGNORE INTO job_context(code_rome, code_ogr) VALUES (?1, ?2)"
            }
            bloc => {
                return Ok(Row::Skip(format!(
                    "lien {bloc} vers un code OGR inconnu « {ogr} »"
                )))
            }
        };
        ctx.tx.prepare_cached(sql)?.execute(params![code, ogr])?;
        Ok(Row::Kept)
    })?;
    ctx.each_csv(&COHERENCE, CsvSpec::new(b',', 3), |ctx, r| {
        let (core, emerging) = match r.get("coeur_metier") {
            "Principale" => (true, false),
            "Émergente" => (false, true),
            "" => return Ok(Row::Kept),
            other => return Ok(Row::Skip(format!("valeur cœur de métier inconnue « {other} »"))),
        };
        ctx.tx
            .prepare_cached(
                "UPDATE job_skill SET core = ?3, emerging = ?4 WHERE code_rome = ?1 AND code_ogr = ?2",
            )?
            .execute(params![r.get("code_rome"), r.get("code_ogr"), core, emerging])?;
        Ok(Row::Kept)
    })
}

fn import_mobilities_riasec(ctx: &mut Ctx, jobs: &HashSet<String>) -> Result<()> {
    ctx.each_csv(&MOBILITES, CsvSpec::new(b',', 3), |ctx, r| {
        let (from, to) = (r.get("code_rome"), r.get("code_rome_cible"));
        if !jobs.contains(from) || !jobs.contains(to) {
            return Ok(Row::Skip(format!("mobilité entre codes ROME inconnus « {from} » → « {to} »")));
        }
        let Ok(rank) = r.get("numero_ordre").parse::<i64>() else {
            return Ok(Row::Skip("rang de mobilité invalide".into()));
        };
        ctx.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO job_mobility(code_rome, target_rome, rank) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![from, to, rank])?;
        Ok(Row::Kept)
    })?;
    ctx.each_csv(&RIASEC, CsvSpec::new(b',', 3), |ctx, r| {
        let code = r.get("code_rome");
        if !jobs.contains(code) {
            return Ok(Row::Skip(format!("code ROME inconnu « {code} »")));
        }
        ctx.tx
            .prepare_cached(
                "UPDATE job SET riasec_major = ?2, riasec_minor = ?3 WHERE code_rome = ?1",
            )?
            .execute(params![
                code,
                r.opt("riasec_majeur"),
                r.opt("riasec_mineur")
            ])?;
        Ok(Row::Kept)
    })
}

fn import_interests(ctx: &mut Ctx, jobs: &HashSet<String>) -> Result<()> {
    let mut codes = HashSet::new();
    ctx.each_csv(&CENTRES, CsvSpec::new(b',', 3).multiline(), |ctx, r| {
        let code = r.get("code_centre_interet");
        if code.is_empty() {
            return Ok(Row::Skip("centre d'intérêt sans code".into()));
        }
        codes.insert(code.to_string());
        ctx.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO interest(code, label, definition) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![
                code,
                r.get("libelle_centre_interet"),
                r.opt("definition_centre_interet")
            ])?;
        Ok(Row::Kept)
    })?;
    ctx.each_csv(&CENTRES_FICHES, CsvSpec::new(b',', 6), |ctx, r| {
        let (code, rome) = (r.get("code_centre_interet"), r.get("code_rome"));
        if !codes.contains(code) || !jobs.contains(rome) {
            return Ok(Row::Skip(format!("lien centre d'intérêt « {code} » → « {rome} » inconnu")));
        }
        ctx.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO job_interest(code, code_rome, principal) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![code, rome, r.get("principal") == "oui"])?;
        Ok(Row::Kept)
    })
}

#[cfg(test)]
mod tests {
    use super::super::source::EmbeddedSource;
    use super::*;

    #[test]
    fn rome_codes_are_a_capital_and_four_digits() {
        assert!(is_rome_code("D1102"));
        assert!(!is_rome_code("d1102") && !is_rome_code("D110") && !is_rome_code("D11022"));
        assert!(!is_rome_code("É110") && !is_rome_code("1D102") && !is_rome_code(""));
    }

    /// A domaine code starting with a non-ASCII letter used to be cut inside that letter (a panic).
    #[test]
    fn a_domaine_code_with_an_accented_first_letter_is_skipped_not_a_panic() {
        static FILES: &[(&str, &[u8])] = &[
            (
                GRANDS_DOMAINES.path,
                b"\"code_grand_domaine\",\"libelle_grand_domaine\"\n\"A\",\"Agriculture\"\n",
            ),
            (
                DOMAINES.path,
                "\"code_domaine_professionnel\",\"libelle_domaine_professionnel\"\n\
                 \"É12\",\"Accentué\"\n\"A11\",\"Engins agricoles et forestiers\"\n"
                    .as_bytes(),
            ),
            (DOMAINES_PAR_FICHE.path, b""),
        ];
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::catalogue::import::test_support::open_db(dir.path());
        let tx = conn.transaction().unwrap();
        let source = EmbeddedSource(FILES);
        let mut ctx = Ctx::new(&tx, &source);
        import_domaines(&mut ctx, &HashSet::new()).unwrap();
        let issues: Vec<_> = ctx
            .report
            .issues
            .iter()
            .map(|i| (i.line, &i.reason))
            .collect();
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].0, 2);
        assert!(issues[0].1.contains("« É12 »"), "{}", issues[0].1);
        let kept: Vec<(String, String)> = tx
            .prepare("SELECT code, grand_domaine FROM domaine")
            .unwrap()
            .query_map([], |r| r.try_into())
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(kept, [("A11".to_string(), "A".to_string())]);
    }
}
