use super::super::source::{DirSource, Source};
use super::super::Report;
use super::*;
use crate::catalogue::import::test_support::{count, data_dir, open_db};
use rusqlite::types::Value;
use std::path::Path;

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
    let mut conn = open_db(dir.path());
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
                    |r| r.try_into(),
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
                    |r| r.try_into(),
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
                    |r| r.try_into(),
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
                        |r| r.try_into(),
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
    let mut conn = open_db(db.path());
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
    let text = sample(&CENTRE_PLAQUISTE).replace("encoding=\"utf-8\"", "encoding=\"ISO-8859-1\"");
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
