//! Broken rows are reported with file and line and skipped; the rest of the catalogue is built.

mod common;

use common::*;
use std::io::Write;

const APPELLATIONS: &str = "rome/rome4_v460/unix_referentiel_appellation_v460_utf8.csv";

#[test]
fn truncated_latin1_and_unknown_code_rows_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("data");
    copy_data(&src);
    let path = src.join(APPELLATIONS);
    let original_lines = std::fs::read_to_string(&path).unwrap().lines().count() as u64;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    // Line original+1: a good row; +2: truncated; +3: latin-1 "é"; +4: unknown ROME code; +5: good.
    f.write_all(b"\"900001\",\"Testeur / Testeuse\",\"Testeur\",\"D1102\",\"\",\"\",\"\",\"\",\"\",\"SYNONYME\",\"\",\"D1102\",\"N\"\n").unwrap();
    f.write_all(b"\"900002\",\"Tronqu\n").unwrap();
    f.write_all(b"\"900003\",\"Boulang\xe8re\",\"B\",\"D1102\",\"\",\"\",\"\",\"\",\"\",\"SYNONYME\",\"\",\"D1102\",\"N\"\n").unwrap();
    f.write_all(b"\"900004\",\"Inconnu\",\"Inconnu\",\"Z9999\",\"\",\"\",\"\",\"\",\"\",\"SYNONYME\",\"\",\"Z9999\",\"N\"\n").unwrap();
    f.write_all(b"\"900005\",\"Dernier / Derniere\",\"Dernier\",\"D1102\",\"\",\"\",\"\",\"\",\"\",\"SYNONYME\",\"\",\"D1102\",\"N\"\n").unwrap();
    drop(f);

    let (cat, report) = build(&src, &dir.path().join("c.db"));
    let issues: Vec<_> = report
        .issues
        .iter()
        .filter(|i| i.file == APPELLATIONS)
        .collect();
    let lines: Vec<u64> = issues.iter().map(|i| i.line).collect();
    assert_eq!(
        lines,
        [original_lines + 2, original_lines + 3, original_lines + 4],
        "{issues:?}"
    );
    assert!(
        issues[0].reason.contains("tronquée"),
        "{}",
        issues[0].reason
    );
    assert!(issues[1].reason.contains("UTF-8"), "{}", issues[1].reason);
    assert!(issues[2].reason.contains("Z9999"), "{}", issues[2].reason);
    // The good rows around the broken ones are all there.
    assert_eq!(count(&cat, "SELECT count(*) FROM appellation"), 13120 + 2);
    assert_eq!(
        count(
            &cat,
            "SELECT count(*) FROM appellation WHERE code_ogr IN ('900001', '900005')"
        ),
        2
    );
    let stats = report
        .sources
        .iter()
        .find(|s| s.file == APPELLATIONS)
        .unwrap();
    assert_eq!(
        (stats.rows_read, stats.rows_kept, stats.rows_skipped),
        (13125, 13122, 3)
    );
    // The report is stored with the catalogue, for `catalogue info`.
    let info = cat.info().unwrap();
    assert!(info
        .issues
        .iter()
        .any(|i| i.file == APPELLATIONS && i.line == original_lines + 3));
}

#[test]
fn a_missing_source_file_fails_the_build_and_keeps_the_previous_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let before = data_catalogue(&db);
    let jobs = count(&before, "SELECT count(*) FROM job");
    drop(before);
    let src = dir.path().join("data");
    copy_data(&src);
    std::fs::remove_file(src.join(APPELLATIONS)).unwrap();
    let err = orientation_core::catalogue::Catalogue::build(
        &db,
        &orientation_core::catalogue::import::source::DirSource(src),
        &|_: usize, _: usize, _: &str| {},
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("unix_referentiel_appellation"),
        "{err}"
    );
    let after = orientation_core::catalogue::Catalogue::open(&db).unwrap();
    assert_eq!(count(&after, "SELECT count(*) FROM job"), jobs);
}
