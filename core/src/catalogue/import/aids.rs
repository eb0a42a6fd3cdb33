//! Financial aids for young people from the aides-jeunes catalogue (1jeune1solution): institutions, then
//! aids with plain-text descriptions, age bounds and a readable territory.

use super::text::html_to_text;
use super::{Ctx, FileInfo, Row};
use crate::error::Result;
use crate::territory::departement_code;
use rusqlite::params;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

const INSTITUTIONS: FileInfo = FileInfo {
    path: "aides/aides_jeunes_institutions.json",
    label: "Institutions des aides (aides-jeunes, 1jeune1solution)",
    version: "8843e65",
    licence: "non vérifiée",
};

const BENEFITS: FileInfo = FileInfo {
    path: "aides/aides_jeunes_benefits.json",
    label: "Aides financières pour les jeunes (aides-jeunes, 1jeune1solution)",
    version: "8843e65",
    licence: "non vérifiée",
};

/// Line of each element of a top-level JSON array, so a skipped element is reported where it is. Strings
/// are skipped whole, so brackets inside descriptions do not count.
fn element_lines(bytes: &[u8]) -> Vec<u64> {
    let mut lines = Vec::new();
    let (mut line, mut depth) = (1u64, 0usize);
    let (mut in_string, mut escaped, mut want) = (false, false, false);
    for &b in bytes {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        if depth == 1 && want && !b.is_ascii_whitespace() && b != b']' {
            lines.push(line);
            want = false;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                want = depth == 1;
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => want = true,
            _ => {}
        }
    }
    lines
}

/// The elements of a JSON array file with their line. An unreadable file is reported, not fatal: the
/// rest of the catalogue is still built.
fn read_array(ctx: &mut Ctx, info: &FileInfo) -> Result<Vec<(u64, Value)>> {
    let bytes = ctx.read_bytes(info)?;
    let value: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            ctx.issue(info.path, e.line() as u64, format!("JSON illisible : {e}"));
            return Ok(Vec::new());
        }
    };
    let Value::Array(items) = value else {
        ctx.issue(info.path, 1, "le fichier n'est pas une liste JSON");
        return Ok(Vec::new());
    };
    let lines = element_lines(&bytes);
    let exact = lines.len() == items.len();
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let line = lines.get(i).filter(|_| exact).copied();
            (line.unwrap_or(i as u64 + 1), v)
        })
        .collect())
}

fn text<'v>(o: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// What the territory summary needs to name codes.
#[derive(Default)]
struct Names {
    departements: HashMap<String, String>,
    regions: HashMap<String, String>,
    communes: HashMap<String, String>,
    /// SIREN -> institution name: EPCI conditions give SIREN numbers.
    sirens: HashMap<String, String>,
}

impl Names {
    fn load(ctx: &Ctx) -> Result<Names> {
        let mut n = Names::default();
        let mut stmt = ctx
            .tx
            .prepare("SELECT code, name, region_code, region FROM departement")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let code: String = r.get(0)?;
            n.departements.insert(code, r.get(1)?);
            if let (Some(rc), Some(region)) = (
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ) {
                n.regions.insert(rc, region);
            }
        }
        let mut stmt = ctx.tx.prepare(
            "SELECT insee, name FROM place WHERE kind = 'commune' AND insee IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            n.communes.insert(r.get(0)?, r.get(1)?);
        }
        Ok(n)
    }

    /// Long lists (an aid may name 150 communes) are cut: the count, then the first names.
    fn list(codes: &[String], names: &HashMap<String, String>, with_code: bool) -> String {
        const SHOWN: usize = 10;
        let named = codes
            .iter()
            .take(SHOWN)
            .map(|c| match names.get(c) {
                Some(name) if with_code => format!("{name} ({c})"),
                Some(name) => name.clone(),
                None => c.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        if codes.len() > SHOWN {
            format!("{} au total, dont {named}…", codes.len())
        } else {
            named
        }
    }
}

fn string_values(cond: &Map<String, Value>) -> Vec<String> {
    cond.get("values")
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(|x| match x {
                    Value::String(s) => Some(s.trim().to_string()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// "Départements : Bouches-du-Rhône (13), Vaucluse (84)", one line per kind of territorial condition;
/// None when the aid is national.
fn territory(conds: &[&Map<String, Value>], names: &Names) -> Option<String> {
    let mut lines = Vec::new();
    for cond in conds {
        let values = string_values(cond);
        if values.is_empty() {
            continue;
        }
        let plural = values.len() > 1;
        let (label, list) = match cond.get("type").and_then(Value::as_str) {
            Some("departements") => {
                let codes: Vec<String> = values
                    .iter()
                    .map(|v| departement_code(v).unwrap_or_else(|| v.clone()))
                    .collect();
                let l = if plural {
                    "Départements"
                } else {
                    "Département"
                };
                (l, Names::list(&codes, &names.departements, true))
            }
            Some("regions") => {
                let l = if plural { "Régions" } else { "Région" };
                (l, Names::list(&values, &names.regions, false))
            }
            Some("communes") => {
                let l = if plural { "Communes" } else { "Commune" };
                (l, Names::list(&values, &names.communes, true))
            }
            Some("epcis") => {
                let l = if plural {
                    "Intercommunalités"
                } else {
                    "Intercommunalité"
                };
                (l, Names::list(&values, &names.sirens, false))
            }
            Some("excluded_epcis") => (
                "Sauf l'intercommunalité",
                Names::list(&values, &names.sirens, false),
            ),
            Some("codes_postaux") => {
                let l = if plural {
                    "Codes postaux"
                } else {
                    "Code postal"
                };
                (l, values.join(", "))
            }
            _ => continue,
        };
        lines.push(format!("{label} : {list}"));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// Where an institution acts, as area codes (see schema.sql): its commune, département or région, a CAF's
/// départements; '' for a national body; None when the file does not say (intercommunalities).
fn institution_areas(o: &Map<String, Value>) -> Option<String> {
    let insee = text(o, "code_insee");
    match text(o, "type")? {
        "national" | "europeen" => Some(String::new()),
        "commune" => insee.map(|c| format!("com:{c}")),
        "departement" => insee.and_then(departement_code).map(|d| format!("dep:{d}")),
        "region" => insee.map(|c| format!("reg:{c}")),
        _ => {
            let deps: Vec<String> = o
                .get("departments")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .filter_map(departement_code)
                        .map(|d| format!("dep:{d}"))
                        .collect()
                })
                .unwrap_or_default();
            (!deps.is_empty()).then(|| deps.join(";"))
        }
    }
}

/// Where an aid applies from its territorial conditions, as area codes; None when it has none (the
/// institution's area then applies).
fn condition_areas(conds: &[&Map<String, Value>]) -> Option<String> {
    let mut codes = Vec::new();
    for cond in conds {
        let prefix = match cond.get("type").and_then(Value::as_str) {
            Some("departements") => "dep",
            Some("regions") => "reg",
            Some("communes") => "com",
            Some("codes_postaux") => "cp",
            Some("epcis") => "epci",
            _ => continue,
        };
        for v in string_values(cond) {
            let v = if prefix == "dep" {
                departement_code(&v).unwrap_or(v)
            } else {
                v
            };
            codes.push(format!("{prefix}:{v}"));
        }
    }
    (!codes.is_empty()).then(|| codes.join(";"))
}

/// Age bounds in whole years. aides-jeunes writes "age < 26" for "under 26", i.e. 25 at most, and
/// "age > 18" for 19 and over.
fn age_bounds(
    conds: &[&Map<String, Value>],
) -> std::result::Result<(Option<i64>, Option<i64>), String> {
    let (mut min, mut max): (Option<i64>, Option<i64>) = (None, None);
    for cond in conds {
        if cond.get("type").and_then(Value::as_str) != Some("age") {
            continue;
        }
        let op = cond.get("operator").and_then(Value::as_str).unwrap_or("");
        let Some(v) = cond.get("value").and_then(Value::as_i64) else {
            return Err(format!(
                "condition d'âge sans valeur entière : {}",
                Value::Object((*cond).clone())
            ));
        };
        let (lo, hi) = match op {
            ">=" => (Some(v), None),
            ">" => (Some(v + 1), None),
            "<=" => (None, Some(v)),
            "<" => (None, Some(v - 1)),
            "=" | "==" => (Some(v), Some(v)),
            _ => return Err(format!("opérateur d'âge inconnu « {op} »")),
        };
        if let Some(lo) = lo {
            min = Some(min.map_or(lo, |m| m.max(lo)));
        }
        if let Some(hi) = hi {
            max = Some(max.map_or(hi, |m| m.min(hi)));
        }
    }
    Ok((min, max))
}

/// Readable names of the aides-jeunes profile codes; an unknown code is shown as written.
fn profile_label(code: &str) -> String {
    let label = match code {
        "lyceen" => "Lycéen ou lycéenne",
        "collegien" => "Collégien ou collégienne",
        "etudiant" => "Étudiant ou étudiante",
        "enseignement_superieur" => "Étudiant ou étudiante du supérieur",
        "apprenti" => "Apprenti ou apprentie",
        "professionnalisation" => "Contrat de professionnalisation",
        "stagiaire" => "Stagiaire de la formation professionnelle",
        "service_civique" => "Volontaire en service civique",
        "chomeur" => "Demandeur ou demandeuse d'emploi",
        "salarie" => "Salarié ou salariée",
        "independant" => "Indépendant ou indépendante",
        "inactif" => "Sans activité",
        "beneficiaire_rsa" => "Bénéficiaire du RSA",
        "parent" => "Parent",
        "situation_handicap" => "En situation de handicap",
        other => return other.replace('_', " "),
    };
    label.to_string()
}

fn import_institutions(ctx: &mut Ctx) -> Result<(HashSet<String>, HashMap<String, String>)> {
    let items = read_array(ctx, &INSTITUTIONS)?;
    let mut slugs = HashSet::new();
    let mut sirens = HashMap::new();
    let mut ins = ctx.tx.prepare_cached(
        "INSERT OR IGNORE INTO institution(slug, name, type, siren, insee, areas)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, (line, item)) in items.iter().enumerate() {
        let n = i + 1;
        let row = match item.as_object() {
            None => Row::Skip(format!("élément n° {n} : pas un objet JSON")),
            Some(o) => match (text(o, "slug"), text(o, "name")) {
                (None, _) => Row::Skip(format!(
                    "élément n° {n} : institution sans identifiant (slug)"
                )),
                (Some(slug), None) => {
                    Row::Skip(format!("élément n° {n} : institution « {slug} » sans nom"))
                }
                (Some(slug), Some(name)) => {
                    let siren = text(o, "code_siren");
                    let done = ins.execute(params![
                        slug,
                        name,
                        text(o, "type"),
                        siren,
                        text(o, "code_insee"),
                        institution_areas(o),
                    ])?;
                    if done == 0 {
                        Row::Skip(format!("élément n° {n} : institution « {slug} » en double"))
                    } else {
                        slugs.insert(slug.to_string());
                        if let Some(siren) = siren {
                            sirens.insert(siren.to_string(), name.to_string());
                        }
                        Row::Kept
                    }
                }
            },
        };
        ctx.count(&INSTITUTIONS, *line, row);
    }
    Ok((slugs, sirens))
}

/// Test and demonstration entries of the catalogue ("Aide de test pour les calculs hors d'OpenFisca",
/// "aide de démonstration du pré-remplissage"), which are not aids anyone can get.
fn is_test_entry(id: &str, label: &str) -> bool {
    let words = |s: &str| {
        crate::text::fold(s)
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "test" || w == "demonstration")
    };
    words(id) || words(label)
}

pub fn import(ctx: &mut Ctx) -> Result<()> {
    let (slugs, sirens) = import_institutions(ctx)?;
    let mut names = Names::load(ctx)?;
    names.sirens = sirens;
    let items = read_array(ctx, &BENEFITS)?;
    let mut ins = ctx.tx.prepare_cached(
        "INSERT OR IGNORE INTO aid(id, label, institution, description, conditions, age_min, age_max,
                                   territory, amount, unit, periodicity, link, source_kind, profiles, areas)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    for (i, (line, item)) in items.iter().enumerate() {
        let n = i + 1;
        let Some(o) = item.as_object() else {
            ctx.count(
                &BENEFITS,
                *line,
                Row::Skip(format!("élément n° {n} : pas un objet JSON")),
            );
            continue;
        };
        let Some(label) = text(o, "label") else {
            ctx.count(
                &BENEFITS,
                *line,
                Row::Skip(format!("élément n° {n} : aide sans libellé")),
            );
            continue;
        };
        let Some(id) = text(o, "id") else {
            let why = format!("élément n° {n} : aide « {label} » sans identifiant");
            ctx.count(&BENEFITS, *line, Row::Skip(why));
            continue;
        };
        if is_test_entry(id, label) {
            let why =
                format!("élément n° {n} : aide de test ou de démonstration « {label} » ({id})");
            ctx.count(&BENEFITS, *line, Row::Skip(why));
            continue;
        }
        let institution = match text(o, "institution") {
            Some(slug) if slugs.contains(slug) => Some(slug),
            other => {
                let what = other.map_or("absente".to_string(), |s| format!("« {s} » inconnue"));
                ctx.issue(
                    BENEFITS.path,
                    *line,
                    format!("aide {id} : institution {what}, gardée sans institution"),
                );
                None
            }
        };
        let conds: Vec<&Map<String, Value>> = o
            .get("conditions_generales")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_object).collect())
            .unwrap_or_default();
        let (age_min, age_max) = match age_bounds(&conds) {
            Ok(b) => b,
            Err(why) => {
                ctx.issue(
                    BENEFITS.path,
                    *line,
                    format!("aide {id} : {why}, âge ignoré"),
                );
                (None, None)
            }
        };
        let description = text(o, "description")
            .map(html_to_text)
            .filter(|s| !s.is_empty());
        let conditions = o
            .get("conditions")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(html_to_text)
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .filter(|s| !s.is_empty());
        let amount = match o.get("montant") {
            Some(Value::Number(x)) => x.as_f64(),
            Some(Value::String(s)) => s.trim().replace(',', ".").parse().ok(),
            _ => None,
        };
        let mut profiles: Vec<String> = Vec::new();
        for p in o
            .get("profils")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(code) = p.get("type").and_then(Value::as_str) {
                let label = profile_label(code);
                if !profiles.contains(&label) {
                    profiles.push(label);
                }
            }
        }
        let done = ins.execute(params![
            id,
            label,
            institution,
            description,
            conditions,
            age_min,
            age_max,
            territory(&conds, &names),
            amount,
            text(o, "unit"),
            text(o, "periodicite"),
            text(o, "link"),
            text(o, "source_kind"),
            Some(profiles.join(", ")).filter(|s| !s.is_empty()),
            condition_areas(&conds),
        ])?;
        let row = if done == 0 {
            Row::Skip(format!("élément n° {n} : identifiant {id} en double"))
        } else {
            Row::Kept
        };
        ctx.count(&BENEFITS, *line, row);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::import::source::DirSource;
    use crate::catalogue::import::test_support::{count, data_dir, open_db, stats};
    use std::path::Path;

    /// Counts the top-level objects of a JSON array by a method independent of the importer: lines that
    /// open an element at the array's indentation in the pretty-printed file.
    fn count_objects(path: &Path) -> usize {
        let text = std::fs::read_to_string(path).unwrap();
        let indent = text
            .lines()
            .nth(1)
            .map(|l| l.len() - l.trim_start().len())
            .unwrap();
        text.lines()
            .filter(|l| l.len() - l.trim_start().len() == indent && l.trim_start().starts_with('{'))
            .count()
    }

    #[test]
    fn element_lines_skip_strings() {
        let json = b"[\n {\"a\": \"[x, {y}]\"},\n \"s,\\\"t\",\n\n 3\n]";
        assert_eq!(element_lines(json), vec![2, 3, 5]);
    }

    #[test]
    fn aids_on_real_data() {
        let tmp = tempfile::tempdir().unwrap();
        let mut conn = open_db(tmp.path());
        let tx = conn.transaction().unwrap();
        let src = DirSource(data_dir());
        let mut ctx = Ctx::new(&tx, &src);
        crate::catalogue::import::places::import_geo(&mut ctx).unwrap();
        import(&mut ctx).unwrap();

        let n_inst = count_objects(&data_dir().join(INSTITUTIONS.path));
        let n_aids = count_objects(&data_dir().join(BENEFITS.path));
        assert_eq!((n_inst, n_aids), (871, 552));
        let s = stats(&ctx.report, INSTITUTIONS.path);
        assert_eq!((s.rows_read, s.rows_kept), (871, 871));
        let s = stats(&ctx.report, BENEFITS.path);
        // Three entries are not real aids: benefit_front_test and two "aide-demonstration-*".
        assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (552, 549, 3));
        let skipped = ctx
            .report
            .issues
            .iter()
            .find(|i| i.file == BENEFITS.path && i.reason.contains("benefit_front_test"))
            .unwrap();
        // Expected line: the last element opening (" {" at the array's indentation) before its "id".
        let text = std::fs::read_to_string(data_dir().join(BENEFITS.path)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let id_line = lines
            .iter()
            .position(|l| l.contains("\"benefit_front_test\""))
            .unwrap();
        let start = (0..id_line).rev().find(|&i| lines[i] == " {").unwrap() + 1;
        assert_eq!(skipped.line as usize, start);
        let n: usize = count(&tx, "SELECT count(*) FROM aid");
        assert_eq!(n, 549);
        let dangling: usize = count(
            &tx,
            "SELECT count(*) FROM aid WHERE institution IS NOT NULL
                 AND institution NOT IN (SELECT slug FROM institution)",
        );
        assert_eq!(dangling, 0);

        // region-corse-faj: "age > 18" and "age < 25", region 94.
        let (min, max, territory, inst, amount): (i64, i64, String, String, Option<f64>) = tx
            .query_row(
                "SELECT age_min, age_max, territory, institution, amount FROM aid WHERE id = 'region-corse-faj'",
                [],
                |r| r.try_into(),
            )
            .unwrap();
        assert_eq!((min, max), (19, 24));
        assert_eq!(territory, "Région : Corse");
        assert_eq!(inst, "region_corse");
        assert_eq!(amount, None);
        // union_europeenne_discovereu: "age = 18".
        let (min, max): (i64, i64) = tx
            .query_row(
                "SELECT age_min, age_max FROM aid WHERE id = 'union_europeenne_discovereu'",
                [],
                |r| r.try_into(),
            )
            .unwrap();
        assert_eq!((min, max), (18, 18));

        // HTML stripped, words kept.
        let desc: String = tx
            .query_row(
                "SELECT description FROM aid WHERE id = 'aide_mobilite_internationale_eligibilite'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(desc.contains("cumulable avec Erasmus+ et"), "{desc}");
        let tags: usize = count(&tx, "SELECT count(*) FROM aid WHERE description LIKE '%<a %' OR description LIKE '%<br%'
                 OR conditions LIKE '%<a %' OR conditions LIKE '%<abbr%' OR description LIKE '%&nbsp;%'");
        assert_eq!(tags, 0);
        let (amount, unit, periodicity, profiles, territory): (
            f64,
            String,
            String,
            String,
            String,
        ) = tx
            .query_row(
                "SELECT amount, unit, periodicity, profiles, territory FROM aid
                 WHERE id = 'auvergne-rhone-alpes-bourse-merite'",
                [],
                |r| r.try_into(),
            )
            .unwrap();
        assert_eq!(
            (amount, unit.as_str(), periodicity.as_str()),
            (500.0, "€", "ponctuelle")
        );
        assert_eq!(
            profiles,
            "Étudiant ou étudiante du supérieur, Apprenti ou apprentie"
        );
        assert_eq!(territory, "Région : Auvergne-Rhône-Alpes");
        let territory: String = tx
            .query_row(
                "SELECT territory FROM aid WHERE id =
                 'aide-au-bafa-pour-une-session-dapprofondissement-ou-de-qualification-caf-de-la-haute-savoie'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(territory, "Département : Haute-Savoie (74)");
        let n_lines: usize = tx
            .query_row(
                "SELECT length(conditions) - length(replace(conditions, char(10), '')) + 1 FROM aid
                 WHERE id = 'region-corse-faj'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n_lines, 2);
    }

    #[test]
    fn broken_elements_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("aides")).unwrap();
        std::fs::write(
            root.join(INSTITUTIONS.path),
            "[\n {\"slug\": \"caf\", \"name\": \"CAF\", \"code_siren\": \"1\"},\n 42,\n {\"name\": \"x\"}\n]",
        )
        .unwrap();
        std::fs::write(
            root.join(BENEFITS.path),
            "[\n {\"id\": \"a\", \"label\": \"Aide A\", \"institution\": \"caf\",\n  \"description\": \"<p>Un</p><p>Deux &amp; trois</p>\",\n  \"conditions_generales\": [{\"type\": \"age\", \"operator\": \"<\", \"value\": 26}, {\"type\": \"epcis\", \"values\": [\"1\"]}],\n  \"montant\": 150, \"profils\": [{\"type\": \"apprenti\"}, {\"type\": \"apprenti\"}]},\n \"texte\",\n {\"id\": \"b\", \"institution\": \"caf\"},\n {\"id\": \"c\", \"label\": \"Aide C\", \"institution\": \"inconnue\",\n  \"conditions_generales\": [{\"type\": \"age\", \"operator\": \"~\", \"value\": 3}]},\n {\"id\": \"a\", \"label\": \"Aide A bis\"}\n]",
        )
        .unwrap();
        let mut conn = open_db(root);
        let tx = conn.transaction().unwrap();
        let src = DirSource(root.to_path_buf());
        let mut ctx = Ctx::new(&tx, &src);
        import(&mut ctx).unwrap();
        let s = stats(&ctx.report, INSTITUTIONS.path);
        assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (3, 1, 2));
        let s = stats(&ctx.report, BENEFITS.path);
        assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (5, 2, 3));
        let at = |line: u64, what: &str| {
            ctx.report
                .issues
                .iter()
                .any(|i| i.file == BENEFITS.path && i.line == line && i.reason.contains(what))
        };
        assert!(at(6, "élément n° 2 : pas un objet"));
        assert!(at(7, "élément n° 3 : aide sans libellé"));
        assert!(at(8, "institution « inconnue » inconnue"));
        assert!(at(8, "opérateur d'âge inconnu"));
        assert!(at(10, "en double"));
        let (desc, max, territory, amount, profiles): (String, i64, String, f64, String) = tx
            .query_row(
                "SELECT description, age_max, territory, amount, profiles FROM aid WHERE id = 'a'",
                [],
                |r| r.try_into(),
            )
            .unwrap();
        assert_eq!(desc, "Un\nDeux & trois");
        assert_eq!(max, 25);
        assert_eq!(territory, "Intercommunalité : CAF");
        assert_eq!(amount, 150.0);
        assert_eq!(profiles, "Apprenti ou apprentie");
        let inst: Option<String> = tx
            .query_row("SELECT institution FROM aid WHERE id = 'c'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(inst, None);
    }

    #[test]
    fn unreadable_json_is_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("aides")).unwrap();
        std::fs::write(root.join(INSTITUTIONS.path), "[\n {\"slug\": \"caf\",\n").unwrap();
        std::fs::write(root.join(BENEFITS.path), "{}").unwrap();
        let mut conn = open_db(root);
        let tx = conn.transaction().unwrap();
        let src = DirSource(root.to_path_buf());
        let mut ctx = Ctx::new(&tx, &src);
        import(&mut ctx).unwrap();
        assert!(ctx
            .report
            .issues
            .iter()
            .any(|i| i.file == INSTITUTIONS.path && i.reason.starts_with("JSON illisible")));
        assert!(ctx
            .report
            .issues
            .iter()
            .any(|i| i.file == BENEFITS.path && i.reason.contains("pas une liste")));
    }
}
