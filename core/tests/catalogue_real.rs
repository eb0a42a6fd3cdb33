//! The whole catalogue built from the real files in data/: every source counted, every kind present, and
//! the joins a sheet needs.

mod common;

use common::*;
use orientation_core::catalogue::sheet::Sheet;
use orientation_core::search::{Kind, Query};
use std::io::Read;

/// Rows of a source counted independently of the importer: CSV records (quoted line breaks allowed,
/// header and blank records left out), JSON array entries, or `<formation` elements.
fn independent_rows(rel: &str) -> usize {
    let path = data_dir().join(rel);
    let mut bytes = Vec::new();
    let file = std::fs::File::open(&path).unwrap();
    if rel.ends_with(".gz") {
        flate2::read::MultiGzDecoder::new(file)
            .read_to_end(&mut bytes)
            .unwrap();
    } else {
        std::io::BufReader::new(file)
            .read_to_end(&mut bytes)
            .unwrap();
    }
    if rel.ends_with(".json") {
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        return v.as_array().unwrap().len();
    }
    if rel.ends_with(".xml") {
        let text = String::from_utf8_lossy(&bytes);
        return text.matches("<formation ").count() + text.matches("<formation>").count();
    }
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap();
    let delimiter = if first_line.iter().filter(|&&b| b == b';').count()
        > first_line.iter().filter(|&&b| b == b',').count()
    {
        b';'
    } else {
        b','
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(bytes.as_slice())
        .byte_records()
        .filter(|r| {
            r.as_ref()
                .map(|r| r.iter().any(|f| !f.is_empty()))
                .unwrap_or(true)
        })
        .count()
}

#[test]
fn every_source_is_counted_and_every_kind_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, report) = build(&data_dir(), &dir.path().join("c.db"));
    assert!(
        report.sources.len() >= 35,
        "{} sources",
        report.sources.len()
    );
    for s in &report.sources {
        assert_eq!(s.rows_kept + s.rows_skipped, s.rows_read, "{}", s.file);
        // The ROME file of centres d'intérêt has fields over several lines and blank separators; the
        // others are one record per line.
        assert_eq!(
            s.rows_read as usize,
            independent_rows(&s.file),
            "{}",
            s.file
        );
    }
    let skipped_in = |file: &str| {
        report
            .sources
            .iter()
            .find(|s| s.file.ends_with(file))
            .unwrap()
            .rows_skipped as i64
    };
    let read_in = |file: &str| {
        report
            .sources
            .iter()
            .find(|s| s.file.ends_with(file))
            .unwrap()
            .rows_read as i64
    };
    // Tables with one row per source row: count = rows read - rows skipped.
    let per_row = [
        (
            "SELECT count(*) FROM job",
            "unix_referentiel_code_rome_v460_utf8.csv",
        ),
        (
            "SELECT count(*) FROM appellation",
            "unix_referentiel_appellation_v460_utf8.csv",
        ),
        (
            "SELECT count(*) FROM place WHERE kind = 'agence_france_travail'",
            "pole_emploi_agences_2019-11.csv",
        ),
        (
            "SELECT count(*) FROM place WHERE kind = 'mission_locale'",
            "missions_locales_structures_milo_referentiel_2023.csv",
        ),
        (
            "SELECT count(*) FROM training WHERE source = 'onisep'",
            "ideo-formations_initiales_en_france_2022-04.csv.gz",
        ),
        ("SELECT count(*) FROM aid", "aides_jeunes_benefits.json"),
        (
            "SELECT count(*) FROM institution",
            "aides_jeunes_institutions.json",
        ),
        (
            "SELECT count(*) FROM unemployment",
            "chomage_departemental_insee_2023.csv",
        ),
        (
            "SELECT count(*) FROM training WHERE source = 'parcoursup'",
            "fr-esr-parcoursup-2025-light.csv.gz",
        ),
        (
            "SELECT count(*) FROM training WHERE source = 'master'",
            "fr-esr-tmm-mentions-de-master-2019-2021.csv.gz",
        ),
    ];
    for (sql, file) in per_row {
        assert_eq!(count(&cat, sql), read_in(file) - skipped_in(file), "{sql}");
    }
    let lycee_rows = read_in("premiere_generale_2026-03.csv.gz")
        + read_in("seconde_generale_et_technologique_2026-03.csv.gz")
        - skipped_in("premiere_generale_2026-03.csv.gz")
        - skipped_in("seconde_generale_et_technologique_2026-03.csv.gz");
    assert_eq!(
        count(&cat, "SELECT count(*) FROM training WHERE source = 'lycee'"),
        lycee_rows
    );
    assert_eq!(
        count(&cat, "SELECT count(*) FROM training WHERE source = 'lheo'"),
        5
    );
    // Known sizes from SOURCES.md.
    assert_eq!(count(&cat, "SELECT count(*) FROM job"), 1584);
    assert_eq!(count(&cat, "SELECT count(*) FROM appellation"), 13120);
    assert_eq!(count(&cat, "SELECT count(*) FROM interest"), 30);
    assert!(count(&cat, "SELECT count(*) FROM place WHERE kind = 'lycee'") > 2500);
    assert!(count(&cat, "SELECT count(*) FROM place WHERE kind = 'commune'") > 34000);
    assert!(count(&cat, "SELECT count(*) FROM certification") > 17000);
    assert!(count(&cat, "SELECT count(*) FROM certification_rome") > 40000);
    assert!(count(&cat, "SELECT count(*) FROM job_fap") > 500);
    // BMO is kept as what the app reads of it: one national row per FAP job (catalogue::compact), every
    // FAP job the file names, and the survey's rows all read.
    assert!(
        read_in("bmo_2024_open_data.csv.gz") - skipped_in("bmo_2024_open_data.csv.gz") > 50_000
    );
    assert_eq!(count(&cat, "SELECT count(*) FROM bmo"), 217);
    assert_eq!(
        count(
            &cat,
            "SELECT count(*) FROM bmo WHERE area = 'FR' AND departement = 'FR'"
        ),
        217
    );
    assert_eq!(
        count(
            &cat,
            "SELECT count(*) FROM job_fap WHERE fap NOT IN (SELECT fap FROM bmo)"
        ),
        0
    );
    // Every kind is searchable, and the shipped catalogue carries no FTS5 baseline.
    let engine = cat.engine().unwrap();
    for kind in [Kind::Job, Kind::Training, Kind::Place, Kind::Aid] {
        let mut q = Query::new("");
        q.kind = Some(kind);
        q.limit = 1;
        assert_eq!(engine.search(&q).unwrap().len(), 1, "{kind:?}");
    }
    assert_eq!(
        count(
            &cat,
            "SELECT count(*) FROM sqlite_master WHERE name LIKE 'search_fts%' OR name = 'search_doc'"
        ),
        0
    );
}

#[test]
fn sheets_join_what_hangs_off_them() {
    let dir = tempfile::tempdir().unwrap();
    let cat = data_catalogue(&dir.path().join("c.db"));
    // A training joins its actions, sessions, places and jobs: the plaquiste offer (AFPA Veigné) has two
    // actions with one session each, a training site in Veigné and the ROME code F1604 (plaquiste).
    let Sheet::Training(t) = cat.show("lheo:07_10").unwrap() else {
        panic!("not a training")
    };
    assert!(t.title.contains("plaquiste"), "{}", t.title);
    assert_eq!(t.actions.len(), 2);
    assert!(t.actions.iter().all(|a| a.sessions.len() == 1));
    let place = t.actions[0].place.as_ref().unwrap();
    assert!(
        place.lat.is_some() && place.postcode.as_deref() == Some("37250"),
        "{place:?}"
    );
    assert!(
        t.jobs.iter().any(|j| j.id.starts_with("F16")),
        "{:?}",
        t.jobs
    );
    assert!(t.organisme.is_some());
    // A job sheet lists certifications and trainings that lead to it, and BMO figures.
    let Sheet::Job(j) = cat.show("D1102").unwrap() else {
        panic!("not a job")
    };
    assert!(
        j.certifications
            .iter()
            .any(|c| c.title.to_lowercase().contains("boulanger")),
        "{:?}",
        j.certifications
    );
    assert!(
        j.trainings.iter().any(|c| c.title.contains("Boulanger")),
        "{:?}",
        j.trainings
    );
    assert!(
        j.hiring.iter().any(|h| h.planned_hires > 0),
        "{:?}",
        j.hiring
    );
    // A place, an aid and a certification.
    assert!(matches!(
        cat.show("commune:13055").unwrap(),
        Sheet::Place(_)
    ));
    let aid_id: String = cat
        .conn()
        .query_row(
            "SELECT id FROM aid WHERE age_max IS NOT NULL LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let Sheet::Aid(a) = cat.show(&aid_id).unwrap() else {
        panic!("not an aid")
    };
    assert!(a.age_max.is_some());
    let Sheet::Certification(c) = cat.show("RNCP1000").unwrap() else {
        panic!("not a certification")
    };
    assert!(!c.title.is_empty());
}
