//! The higher-education offer on the real files: Parcoursup 2025 formations at their establishments, linked
//! to their programme and jobs; ESR institutions with phone and website; the 2021 masters; near-me search
//! and job sheets over them.

mod common;

use common::*;
use orientation_core::catalogue::sheet::Sheet;
use orientation_core::search::{Kind, Query};
use orientation_core::territory::{distance_km, Point};

/// The hand-checked sample of docs/parcoursup-link-sample.tsv: (id, programme title, verdict).
fn sample() -> Vec<(String, String, bool)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/parcoursup-link-sample.tsv"
    ))
    .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("n\t"))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[1].to_string(), f[3].to_string(), f[4] == "juste")
        })
        .collect()
}

#[test]
fn the_higher_education_offer_is_located_linked_and_found_near_me() {
    let dir = tempfile::tempdir().unwrap();
    let (cat, report) = build(&data_dir(), &dir.path().join("c.db"));
    let stats = |file: &str| {
        report
            .sources
            .iter()
            .find(|s| s.file.ends_with(file))
            .unwrap()
            .clone()
    };
    // 14,252 formations in the file (SOURCES.md); the two rows dropped are reported with their line.
    let p = stats("fr-esr-parcoursup-2025-light.csv.gz");
    assert_eq!(p.rows_read, 14252);
    assert_eq!(
        count(
            &cat,
            "SELECT count(*) FROM training WHERE source = 'parcoursup'"
        ),
        (p.rows_read - p.rows_skipped) as i64
    );
    assert!(p.rows_skipped <= 5, "{}", p.rows_skipped);
    // Every formation with a point, or an establishment with one, is on the map; 38 rows have no GPS.
    let unlocated = count(
        &cat,
        "SELECT count(*) FROM training t JOIN action a ON a.training_id = t.id
         WHERE t.source = 'parcoursup' AND a.place_id IS NULL",
    );
    assert!(unlocated <= 38, "{unlocated}");
    // Each located place has its commune and département, but campuses abroad, each reported.
    let no_commune = count(
        &cat,
        "SELECT count(DISTINCT p.id) FROM training t JOIN place p ON p.id = t.organisme_id
         WHERE t.source = 'parcoursup' AND (p.insee IS NULL OR p.departement IS NULL)",
    );
    let abroad = report
        .issues
        .iter()
        .filter(|i| {
            i.file.ends_with("parcoursup-2025-light.csv.gz") && i.reason.contains("aucune commune")
        })
        .count() as i64;
    assert!(
        no_commune <= abroad && no_commune < 60,
        "{no_commune} / {abroad}"
    );
    // The link: most formations reach a programme, and the hand-checked sample holds.
    let linked = count(
        &cat,
        "SELECT count(*) FROM training WHERE source = 'parcoursup' AND (programme IS NOT NULL OR rncp IS NOT NULL)",
    );
    assert!(linked * 100 >= 14000 * 70, "{linked}");
    let sample = sample();
    assert!(sample.len() >= 100);
    let right = sample.iter().filter(|s| s.2).count();
    assert!(
        right * 100 >= sample.len() * 95,
        "{right} / {}",
        sample.len()
    );
    for (id, programme, ok) in &sample {
        let title: String = cat
            .conn()
            .query_row("SELECT title FROM training WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        if *ok {
            assert_eq!(&title, programme, "{id}");
        }
    }
    // A BTS in Marseille: establishment, place, commune, département, programme and jobs.
    let id: String = cat
        .conn()
        .query_row(
            "SELECT t.id FROM training t JOIN place p ON p.id = t.organisme_id
             WHERE t.source = 'parcoursup' AND t.title = 'BTS Management commercial opérationnel'
               AND p.departement = '13' ORDER BY t.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let Sheet::Training(t) = cat.show(&id).unwrap() else {
        panic!("not a training")
    };
    let org = t.organisme.as_ref().unwrap();
    assert_eq!(org.departement.as_deref(), Some("13"));
    assert!(org.city.is_some() && org.lat.is_some());
    assert!(org.name.to_lowercase().contains("lyc"), "{}", org.name);
    assert_eq!(t.level_exit, Some(5));
    assert!(t
        .programme
        .as_ref()
        .is_some_and(|p| p.id.starts_with("onisep:")));
    assert!(t.jobs.iter().any(|j| j.id.starts_with('D')), "{:?}", t.jobs);
    assert!(t.source_note.is_some());
    // An ESR institution gives its phone number and website to the formations taught there.
    let with_phone = count(
        &cat,
        "SELECT count(*) FROM training t JOIN place p ON p.id = t.organisme_id
         WHERE t.source = 'parcoursup' AND p.kind = 'etablissement_superieur'
           AND p.phone IS NOT NULL AND p.url IS NOT NULL",
    );
    assert!(with_phone > 100, "{with_phone}");
    let esr_phones = count(
        &cat,
        "SELECT count(*) FROM place WHERE kind = 'etablissement_superieur' AND phone LIKE '+33%'",
    );
    assert!(esr_phones >= 200, "{esr_phones}");
    // "Privé hors contrat" is said on results and sheets.
    let hors: String = cat
        .conn()
        .query_row(
            "SELECT t.id FROM training t JOIN place p ON p.id = t.organisme_id
             WHERE p.status = 'prive_hors_contrat' ORDER BY t.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let Sheet::Training(t) = cat.show(&hors).unwrap() else {
        panic!("not a training")
    };
    assert!(t.organisme.as_ref().unwrap().status_warning.is_some());
    let engine = cat.engine().unwrap();
    let title = t.title.clone();
    let mut q = Query::new(&title);
    q.kind = Some(Kind::Training);
    q.limit = 500;
    let hit = engine
        .search(&q)
        .unwrap()
        .into_iter()
        .find(|h| h.id == hors)
        .expect("the hors-contrat formation is found by its title");
    assert!(
        hit.subtitle
            .as_deref()
            .unwrap_or("")
            .contains("(privé hors contrat)"),
        "{:?}",
        hit.subtitle
    );
    // Masters: the 2021 campaign only, at their institution, with the work-study flag.
    let m = stats("fr-esr-tmm-mentions-de-master-2019-2021.csv.gz");
    assert_eq!(m.rows_read, 10579);
    assert_eq!(
        count(
            &cat,
            "SELECT count(*) FROM training WHERE source = 'master'"
        ),
        m.rows_kept as i64
    );
    assert!(m.rows_kept <= 3584 && m.rows_kept > 3000, "{}", m.rows_kept);
    assert!(
        count(&cat, "SELECT count(*) FROM action a JOIN training t ON t.id = a.training_id WHERE t.source = 'master' AND a.rhythm = 'alternance possible'") > 200
    );
    assert_eq!(
        stats("fr-esr-principaux-etablissements-enseignement-superieur.csv.gz").rows_read,
        245
    );

    // Near me: BTS in commerce within 30 km of Marseille 1er, nearest relevant first, with distances.
    let marseille = Point {
        lat: 43.2999,
        lon: 5.3841,
    };
    let mut q = Query::new("bts commerce");
    q.kind = Some(Kind::Training);
    q.near = Some(marseille);
    q.limit = 5;
    let hits = engine.search(&q).unwrap();
    assert_eq!(hits.len(), 5);
    for h in &hits {
        assert!(h.title.starts_with("BTS"), "{}", h.title);
        assert!(h.distance_km.is_some_and(|d| d <= 30.0), "{h:?}");
    }
    // A job sheet near a place lists the nearest trainings that lead to it: nurses near Marseille.
    let place = cat.resolve_place("13001").unwrap();
    let Sheet::Job(j) = cat.show_near("J1506", 20261201, &place, 30.0).unwrap() else {
        panic!("not a job")
    };
    let near = j.near.unwrap();
    assert!(near.trainings.len() >= 5, "{:?}", near.trainings);
    assert!(near
        .trainings
        .iter()
        .take(5)
        .all(|t| t.title.contains("infirmier") && t.distance_km.is_some_and(|d| d <= 30.0)));
    let d: Vec<f64> = near
        .trainings
        .iter()
        .filter_map(|t| t.distance_km)
        .collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    // The national list on the sheet leaves the thousands of located offers to `near`.
    assert!(j.trainings.iter().all(|t| !t.id.starts_with("parcoursup:")));
    assert!(distance_km(marseille, place.point) < 5.0);
}
