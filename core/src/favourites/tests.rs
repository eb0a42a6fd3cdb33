//! Favourites on a real user database, and against real catalogues built from data/ and from an edited
//! copy of it (an item removed, changed, sessions added).

// Dates are written YYYY_MM_DD, grouped for reading rather than by thousands.
#![allow(clippy::inconsistent_digit_grouping)]

use super::compare::compare;
use super::export::{self, Document};
use super::*;
use crate::catalogue::import::source::DirSource;
use crate::catalogue::Catalogue;
use crate::search::Query;
use crate::territory::Point;
use crate::{Error, Refusal};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

fn data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data"))
}

fn build(source: &Path, db: &Path) -> Catalogue {
    Catalogue::build(
        db,
        &DirSource(source.to_path_buf()),
        &|_: usize, _: usize, _: &str| {},
    )
    .unwrap();
    Catalogue::open(db).unwrap()
}

/// One catalogue of the real data for the tests that only read it: the one scripts/test built for the
/// whole run (`ORIENTATION_TEST_CATALOGUE`, as in core/tests/common), else built once here.
fn pristine() -> Catalogue {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    let path = PATH.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let path = dir.join("catalogue.db");
        match std::env::var_os("ORIENTATION_TEST_CATALOGUE") {
            Some(built) => {
                std::fs::copy(built, &path).unwrap();
            }
            None => {
                build(&data_dir(), &path);
            }
        }
        path
    });
    Catalogue::open(path).unwrap()
}

/// The real catalogue plus rows of known content (an aid, BMO hiring figures for the plaquiste fiche), so
/// the expected values come from the fixture, whatever the open data gives.
fn with_figures() -> Catalogue {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    let path = PATH.get_or_init(|| {
        let src = pristine();
        let dir = tempfile::tempdir().unwrap().keep();
        let path = dir.join("catalogue.db");
        std::fs::copy(src.path(), &path).unwrap();
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "INSERT OR IGNORE INTO institution(slug, name) VALUES ('test_caf', 'CAF de test');
             INSERT OR REPLACE INTO aid(id, label, institution) VALUES ('aide-test-permis', 'Aide au permis', 'test_caf');
             -- A FAP of its own, scored above any label match (at most 1), so it comes first.
             INSERT OR REPLACE INTO job_fap(code_rome, fap, score) VALUES ('F1604', 'ZZTEST', 2.0);
             INSERT OR REPLACE INTO bmo(fap, fap_label, area, departement, hires, difficult, seasonal)
                 VALUES ('ZZTEST', 'Plaquistes (test)', '2401', '37', 120, 90, 0),
                        ('ZZTEST', 'Plaquistes (test)', '2402', '45', 80, 60, 10);",
        )
        .unwrap();
        path
    });
    Catalogue::open(path).unwrap()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("user.db"), &crate::db::crypt::test_key()).unwrap();
    (dir, s)
}

fn snap(title: &str) -> Snapshot {
    Snapshot {
        title: title.into(),
        ..Default::default()
    }
}

fn item(kind: ItemKind, id: &str) -> ItemRef {
    ItemRef::new(kind, id)
}

fn ids(favs: &[Favourite]) -> Vec<&str> {
    favs.iter().map(|f| f.item_id.as_str()).collect()
}

/// The export minus its timestamp: everything the user has, for before/after comparisons.
fn content(s: &Store) -> String {
    let mut doc = s.export_document().unwrap();
    doc.exported_at = 0;
    serde_json::to_string(&doc).unwrap()
}

#[test]
fn statuses_parse_from_labels_codes_and_feminine_forms() {
    assert_eq!(Status::parse("à contacter"), Some(Status::ToContact));
    assert_eq!(Status::parse("A CONTACTER"), Some(Status::ToContact));
    assert_eq!(Status::parse("a_etudier"), Some(Status::ToStudy));
    assert_eq!(Status::parse("candidature envoyée"), Some(Status::Applied));
    assert_eq!(Status::parse("candidature-envoye"), Some(Status::Applied));
    assert_eq!(Status::parse("acceptée"), Some(Status::Accepted));
    assert_eq!(Status::parse("Refusé"), Some(Status::Refused));
    assert_eq!(Status::parse("peut-être"), None);
    assert_eq!(Status::parse(""), None);
    for s in Status::ALL {
        assert_eq!(Status::parse(s.label()), Some(s));
        assert_eq!(Status::parse(s.code()), Some(s));
    }
}

#[test]
fn add_note_status_tags_order_list_count_remove() {
    let (_d, s) = store();
    let (f, new) = s
        .add_item(&item(ItemKind::Job, "D1102"), &snap("Boulanger"))
        .unwrap();
    assert!(new);
    assert_eq!(f.position, 0);
    let (again, new) = s
        .add_item(&item(ItemKind::Job, "D1102"), &snap("autre"))
        .unwrap();
    assert!(!new, "adding twice is not a second favourite");
    assert_eq!(again.snapshot.title, "Boulanger");
    let t = item(ItemKind::Training, "lheo:07_10");
    s.add_item(&t, &snap("Plaquiste")).unwrap();
    s.add_item(&item(ItemKind::Aid, "aide-x"), &snap("Aide"))
        .unwrap();
    s.add_item(&item(ItemKind::Session, "lheo:114782"), &snap("Plaquiste"))
        .unwrap();

    let f = s.set_note(&t, Some("  Appeler l'AFPA lundi  ")).unwrap();
    assert_eq!(f.note.as_deref(), Some("Appeler l'AFPA lundi"));
    let f = s.set_status(&t, Some(Status::ToContact)).unwrap();
    assert_eq!(f.status, Some(Status::ToContact));
    assert_eq!(f.note.as_deref(), Some("Appeler l'AFPA lundi"));
    s.set_status(
        &item(ItemKind::Session, "lheo:114782"),
        Some(Status::Applied),
    )
    .unwrap();
    let f = s.add_tags(&t, &["BTP", " près de  Tours ", "btp"]).unwrap();
    assert_eq!(f.tags, vec!["BTP", "près de Tours"]);
    s.add_tags(&item(ItemKind::Job, "D1102"), &["pain"])
        .unwrap();

    // A status only applies to what one applies to.
    let err = s
        .set_status(&item(ItemKind::Job, "D1102"), Some(Status::Applied))
        .unwrap_err();
    assert!(err.to_string().contains("formations"), "{err}");
    assert!(
        matches!(err, Error::Refused(Refusal::StatusNotTraining)),
        "{err:?}"
    );
    // Unknown favourites are a clear error.
    let err = s
        .set_note(&item(ItemKind::Job, "Z9999"), Some("x"))
        .unwrap_err();
    assert!(err.to_string().contains("pas dans vos favoris"), "{err}");
    assert!(
        matches!(err, Error::Refused(Refusal::NotFavourite(_))),
        "{err:?}"
    );
    // A note too long is refused, not cut; blank clears.
    let long = "é".repeat(MAX_NOTE_CHARS + 1);
    assert!(matches!(
        s.set_note(&t, Some(&long)),
        Err(Error::Refused(Refusal::NoteTooLong {
            max: MAX_NOTE_CHARS
        }))
    ));
    assert_eq!(
        s.get(&t).unwrap().unwrap().note.as_deref(),
        Some("Appeler l'AFPA lundi")
    );

    let all = s.list(&ListFilter::default()).unwrap();
    assert_eq!(ids(&all), ["D1102", "lheo:07_10", "aide-x", "lheo:114782"]);
    let trainings = ListFilter {
        kind: Some(ItemKind::Training),
        ..Default::default()
    };
    assert_eq!(ids(&s.list(&trainings).unwrap()), ["lheo:07_10"]);
    let to_contact = ListFilter {
        status: Some(Status::ToContact),
        ..Default::default()
    };
    assert_eq!(ids(&s.list(&to_contact).unwrap()), ["lheo:07_10"]);
    let tagged = ListFilter {
        tag: Some("btp".into()),
        ..Default::default()
    };
    assert_eq!(ids(&s.list(&tagged).unwrap()), ["lheo:07_10"]);
    assert_eq!(s.count(&ListFilter::default()).unwrap(), 4);
    assert_eq!(s.count(&tagged).unwrap(), 1);
    assert_eq!(
        s.count(&ListFilter {
            status: Some(Status::Refused),
            ..Default::default()
        })
        .unwrap(),
        0
    );

    // The user's order.
    s.move_to(&item(ItemKind::Session, "lheo:114782"), 0)
        .unwrap();
    s.move_to(&item(ItemKind::Job, "D1102"), 99).unwrap();
    let order = s.list(&ListFilter::default()).unwrap();
    assert_eq!(
        ids(&order),
        ["lheo:114782", "lheo:07_10", "aide-x", "D1102"]
    );

    let f = s.remove_tags(&t, &["btp"]).unwrap();
    assert_eq!(f.tags, vec!["près de Tours"]);
    let f = s.set_status(&t, None).unwrap();
    assert_eq!(f.status, None);
    let f = s.set_note(&t, Some("   ")).unwrap();
    assert_eq!(f.note, None);

    assert!(s.remove(&item(ItemKind::Aid, "aide-x")).unwrap());
    assert!(!s.remove(&item(ItemKind::Aid, "aide-x")).unwrap());
    assert_eq!(s.count(&ListFilter::default()).unwrap(), 3);
    // A training and a session may share an id: both are found.
    s.add_item(&item(ItemKind::Session, "lheo:07_10"), &snap("s"))
        .unwrap();
    assert_eq!(s.find("lheo:07_10").unwrap().len(), 2);
    assert_eq!(s.find("d1102").unwrap().len(), 1);

    // An id without its kind: the one favourite that has it, or a refusal that says why.
    assert_eq!(s.find_one(" d1102 ").unwrap().item_id, "D1102");
    match s.find_one("lheo:07_10") {
        Err(Error::Refused(Refusal::AmbiguousFavourite { kinds, .. })) => {
            assert_eq!(kinds.len(), 2, "{kinds:?}");
            assert!(kinds.contains(&ItemKind::Session.as_str()), "{kinds:?}");
        }
        other => panic!("two kinds share lheo:07_10: {other:?}"),
    }
    assert!(matches!(
        s.find_one("Z9999"),
        Err(Error::Refused(Refusal::NotFavourite(_)))
    ));

    // Taking a favourite gives it back once; the second time it is no favourite.
    let taken = s.take(&ItemRef::typed(ItemKind::Job, "d1102")).unwrap();
    assert_eq!(taken.item_id, "D1102");
    assert!(matches!(
        s.take(&item(ItemKind::Job, "D1102")),
        Err(Error::Refused(Refusal::NotFavourite(_)))
    ));
}

#[test]
fn typed_references_trim_and_capitalise_rome_codes() {
    assert_eq!(ItemRef::typed(ItemKind::Job, " d1102\n").id, "D1102");
    // Other ids are case-sensitive in the catalogue: only trimmed.
    assert_eq!(
        ItemRef::typed(ItemKind::Training, " lheo:ab_1 ").id,
        "lheo:ab_1"
    );
}

#[test]
fn batch_lookup_marks_exactly_the_favourites() {
    let (_d, s) = store();
    s.add_item(&item(ItemKind::Job, "D1102"), &snap("Boulanger"))
        .unwrap();
    s.add_item(&item(ItemKind::Training, "lheo:07_10"), &snap("Plaquiste"))
        .unwrap();
    let page = [
        (ItemKind::Job, "D1102"),
        (ItemKind::Job, "D1103"),
        (ItemKind::Training, "lheo:07_10"),
        // Same id, other kind: not a favourite.
        (ItemKind::Session, "lheo:07_10"),
        (ItemKind::Place, "D1102"),
    ];
    assert_eq!(
        s.contains_many(&page).unwrap(),
        [true, false, true, false, false]
    );
    assert!(s.is_favourite(&item(ItemKind::Job, "D1102")).unwrap());
    assert!(!s.is_favourite(&item(ItemKind::Aid, "D1102")).unwrap());
    assert!(s.contains_many(&[]).unwrap().is_empty());
}

#[test]
fn an_unreadable_snapshot_still_shows_the_favourite() {
    let (_d, s) = store();
    s.add_item(&item(ItemKind::Job, "D1102"), &snap("Boulanger"))
        .unwrap();
    let conn = rusqlite::Connection::open(s.path()).unwrap();
    conn.execute("UPDATE favourite SET snapshot = '{oops'", [])
        .unwrap();
    let all = s.list(&ListFilter::default()).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].snapshot.title, "D1102");
}

fn sample_document() -> String {
    serde_json::json!({
        "format": "orientation-favoris",
        "version": 1,
        "exported_at": 1_700_000_000,
        "favourites": [
            {"kind": "training", "id": "lheo:07_10", "note": "Appeler lundi", "status": "a_contacter",
             "tags": ["BTP", "Tours"], "created_at": 1_700_000_000, "updated_at": 1_700_000_100,
             "snapshot": {"title": "Titre professionnel plaquiste", "subtitle": "AFPA", "place": "Veigné",
                          "dates": [{"session_id": "lheo:114782", "start": "2017-12-04", "end": "2018-06-01"}],
                          "training_id": null}},
            {"kind": "job", "id": "D1102", "created_at": 1_700_000_000, "updated_at": 1_700_000_000,
             "snapshot": {"title": "Boulanger / Boulangère"}},
            {"kind": "session", "id": "lheo:74056", "status": "candidature_envoyee",
             "created_at": 1_700_000_000, "updated_at": 1_700_000_000,
             "snapshot": {"title": "Paysan-boulanger", "training_id": "lheo:04_A815385"}}
        ],
        "saved_searches": [
            {"name": "Cariste près de Rouen", "created_at": 1_700_000_000, "seen_at": 1_700_000_500,
             "query": {"text": "cariste", "kind": "training", "near": {"lat": 49.44, "lon": 1.1},
                       "radius_km": 25.0, "limit": 20,
                       "filters": {"funding": 4, "registration_open": true, "level_min": 3}},
             "seen_results": [{"kind": "training", "id": "lheo:07_10"}],
             "seen_sessions": [{"id": "lheo:114782", "open": true}]}
        ]
    })
    .to_string()
}

#[test]
fn export_wipe_import_gives_back_the_same_data() {
    let (_d, s) = store();
    let sum = s.import_json(sample_document().as_bytes()).unwrap();
    assert_eq!(sum.favourites_added, 3);
    assert_eq!(sum.searches_added, 1);
    // A few changes made here, so the round trip covers edited data and order.
    s.move_to(&item(ItemKind::Job, "D1102"), 0).unwrap();
    s.add_tags(&item(ItemKind::Job, "D1102"), &["pain"])
        .unwrap();
    let saved = s.saved_searches().unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].query.filters.funding, 4);
    assert!(saved[0].query.filters.registration_open);
    assert_eq!(
        saved[0].query.near,
        Some(Point {
            lat: 49.44,
            lon: 1.1
        })
    );

    let before = content(&s);
    let exported = s.export_json().unwrap();
    s.delete_all_my_data().unwrap();
    assert_eq!(s.count(&ListFilter::default()).unwrap(), 0);
    assert!(s.saved_searches().unwrap().is_empty());
    assert_ne!(content(&s), before);

    s.import_json(exported.as_bytes()).unwrap();
    assert_eq!(content(&s), before);
    let favs = s.list(&ListFilter::default()).unwrap();
    assert_eq!(ids(&favs), ["D1102", "lheo:07_10", "lheo:74056"]);
    assert_eq!(favs[1].note.as_deref(), Some("Appeler lundi"));
    assert_eq!(favs[1].tags, ["BTP", "Tours"]);
    assert_eq!(favs[2].status, Some(Status::Applied));
}

#[test]
fn import_merges_newer_over_older_and_keeps_taken_names() {
    let (_d, s) = store();
    s.import_json(sample_document().as_bytes()).unwrap();
    let t = item(ItemKind::Training, "lheo:07_10");
    s.set_note(&t, Some("note d'ici, plus récente")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&sample_document()).unwrap();
    // The job's copy in the document is newer than here; the training's is older than the edit above.
    doc["favourites"][1]["note"] = "note du document".into();
    doc["favourites"][1]["updated_at"] = (i64::MAX / 2).into();
    doc["favourites"][0]["note"] = "vieille note".into();
    doc["favourites"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
        "kind": "place", "id": "ml:123", "created_at": 1, "updated_at": 1,
        "snapshot": {"title": "Mission locale"}}));
    let sum = s.import_json(doc.to_string().as_bytes()).unwrap();
    assert_eq!(
        sum,
        export::ImportSummary {
            favourites_added: 1,
            favourites_updated: 1,
            favourites_kept: 2,
            searches_added: 0,
            searches_kept: 1,
            profile_imported: false,
        }
    );
    assert_eq!(
        s.get(&t).unwrap().unwrap().note.as_deref(),
        Some("note d'ici, plus récente")
    );
    assert_eq!(
        s.get(&item(ItemKind::Job, "D1102"))
            .unwrap()
            .unwrap()
            .note
            .as_deref(),
        Some("note du document")
    );
    let favs = s.list(&ListFilter::default()).unwrap();
    assert_eq!(favs.last().unwrap().item_id, "ml:123", "new ones go last");
}

#[test]
fn bad_documents_are_refused_and_change_nothing() {
    let (_d, s) = store();
    s.import_json(sample_document().as_bytes()).unwrap();
    s.set_note(&item(ItemKind::Job, "D1102"), Some("ma note"))
        .unwrap();
    let before = content(&s);
    let good = s.export_json().unwrap();

    let mut cases: Vec<(String, &str)> = Vec::new();
    for cut in [1, good.len() / 3, good.len() / 2, good.len() - 3] {
        cases.push((good[..cut].to_string(), "tronqué"));
    }
    cases.push((
        "{\"format\": \"orientation-favoris\", version: 1}".into(),
        "JSON",
    ));
    cases.push(("\u{0}\u{1}binaire".into(), "JSON"));
    cases.push(("[1, 2, 3]".into(), "pas un export"));
    cases.push((
        "{\"format\": \"autre-chose\", \"version\": 1}".into(),
        "pas un export",
    ));
    let mut future: serde_json::Value = serde_json::from_str(&good).unwrap();
    future["version"] = 3.into();
    cases.push((future.to_string(), "plus récente"));
    let mut no_version: serde_json::Value = serde_json::from_str(&good).unwrap();
    no_version["version"] = "un".into();
    cases.push((no_version.to_string(), "version"));
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value = serde_json::from_str(&sample_document()).unwrap();
        // A valid new favourite first: it must not be written when a later entry is bad.
        v["favourites"].as_array_mut().unwrap().insert(
            0,
            serde_json::json!({"kind": "aid", "id": "nouvelle-aide", "created_at": 1,
                               "updated_at": 1, "snapshot": {"title": "Aide"}}),
        );
        f(&mut v);
        v.to_string()
    };
    cases.push((
        with(&|v| v["favourites"][1]["kind"] = "planet".into()),
        "favori n° 2",
    ));
    cases.push((
        with(&|v| v["favourites"][2]["status"] = "accepte".into()),
        "statut",
    ));
    cases.push((
        with(&|v| v["favourites"][1]["id"] = "".into()),
        "identifiant",
    ));
    cases.push((
        with(&|v| v["favourites"][1]["tags"] = serde_json::json!(["ok", "\u{7}"])),
        "étiquette",
    ));
    cases.push((
        with(&|v| {
            let dup = v["favourites"][1].clone();
            v["favourites"].as_array_mut().unwrap().push(dup);
        }),
        "double",
    ));
    cases.push((
        with(&|v| v["favourites"] = serde_json::json!({})),
        "favourites",
    ));
    cases.push((
        with(&|v| v["saved_searches"][0]["query"]["radius_km"] = (-5.0).into()),
        "rayon",
    ));
    cases.push((
        with(&|v| v["saved_searches"][0]["query"]["near"]["lat"] = 123.0.into()),
        "position",
    ));
    cases.push((
        with(&|v| v["saved_searches"][0]["name"] = " ".into()),
        "nom",
    ));
    for (text, expected) in &cases {
        let err = s.import_json(text.as_bytes()).unwrap_err();
        assert!(matches!(err, Error::BadExport(_)), "{err:?}");
        let err = err.to_string();
        assert!(err.contains(expected), "{expected:?} not in {err:?}");
        assert!(err.contains("rien n'a été modifié"), "{err}");
        assert_eq!(content(&s), before, "changed by {text:.80}");
    }
    // The same good document still imports (everything already there, nothing new).
    let sum = s.import_json(good.as_bytes()).unwrap();
    assert_eq!(sum.favourites_added, 0);
    assert_eq!(content(&s), before);
}

#[test]
fn document_format_is_stable() {
    let (_d, s) = store();
    s.import_json(sample_document().as_bytes()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&s.export_json().unwrap()).unwrap();
    assert_eq!(v["format"], "orientation-favoris");
    assert_eq!(v["version"], 1);
    let f = &v["favourites"][0];
    assert_eq!(f["kind"], "training");
    assert_eq!(f["id"], "lheo:07_10");
    assert_eq!(f["status"], "a_contacter");
    assert_eq!(f["snapshot"]["dates"][0]["session_id"], "lheo:114782");
    let q = &v["saved_searches"][0];
    assert_eq!(q["query"]["text"], "cariste");
    assert_eq!(q["seen_sessions"][0]["open"], true);
    let doc: Document = export::parse(s.export_json().unwrap().as_bytes()).unwrap();
    assert_eq!(doc.favourites.len(), 3);
}

#[test]
fn many_readers_and_writers_on_threads_and_a_second_store_never_see_locked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("user.db");
    let ui = Arc::new(Store::open(&path, &crate::db::crypt::test_key()).unwrap());
    // The background update opens its own store, as another component (or process) would.
    let background = Arc::new(Store::open(&path, &crate::db::crypt::test_key()).unwrap());
    let mut handles = Vec::new();
    for w in 0..3 {
        let s = if w == 0 {
            background.clone()
        } else {
            ui.clone()
        };
        handles.push(std::thread::spawn(move || -> Result<()> {
            for i in 0..60 {
                let it = item(ItemKind::Job, &format!("W{w}-{i:03}"));
                s.add_item(&it, &snap("x"))?;
                s.set_note(&it, Some("n"))?;
                if i % 10 == 0 {
                    s.move_to(&it, 0)?;
                }
            }
            Ok(())
        }));
    }
    for r in 0..4 {
        let s = if r == 0 {
            background.clone()
        } else {
            ui.clone()
        };
        handles.push(std::thread::spawn(move || -> Result<()> {
            for i in 0..150 {
                let page: Vec<String> =
                    (0..50).map(|j| format!("W1-{:03}", (i + j) % 60)).collect();
                let refs: Vec<(ItemKind, &str)> =
                    page.iter().map(|p| (ItemKind::Job, p.as_str())).collect();
                s.contains_many(&refs)?;
                s.list(&ListFilter::default())?;
            }
            Ok(())
        }));
    }
    for h in handles {
        h.join().unwrap().unwrap();
    }
    assert_eq!(ui.count(&ListFilter::default()).unwrap(), 180);
    let positions: Vec<i64> = ui
        .list(&ListFilter::default())
        .unwrap()
        .iter()
        .map(|f| f.position)
        .collect();
    let mut dedup = positions.clone();
    dedup.dedup();
    assert_eq!(dedup.len(), positions.len(), "two favourites share a place");
}

#[test]
fn add_resolves_ids_of_every_kind_from_the_catalogue() {
    let cat = with_figures();
    let (_d, s) = store();
    let cases = [
        ("d1102", ItemKind::Job, "D1102"),
        ("lheo:07_10", ItemKind::Training, "lheo:07_10"),
        ("lheo:114782", ItemKind::Session, "lheo:114782"),
        ("onisep:FOR.6913", ItemKind::Training, "onisep:FOR.6913"),
    ];
    for (given, kind, id) in cases {
        let (f, new) = s.add(&cat, given, None).unwrap();
        assert!(new);
        assert_eq!((f.kind, f.item_id.as_str()), (kind, id));
    }
    let job = s.get(&item(ItemKind::Job, "D1102")).unwrap().unwrap();
    assert!(
        job.snapshot.title.contains("Boulanger"),
        "{:?}",
        job.snapshot
    );
    let t = s
        .get(&item(ItemKind::Training, "lheo:07_10"))
        .unwrap()
        .unwrap();
    assert_eq!(t.snapshot.title, "Titre professionnel plaquiste");
    assert_eq!(t.snapshot.place.as_deref(), Some("Veigné"));
    assert_eq!(t.snapshot.dates.len(), 2);
    let sess = s
        .get(&item(ItemKind::Session, "lheo:114782"))
        .unwrap()
        .unwrap();
    assert_eq!(sess.snapshot.training_id.as_deref(), Some("lheo:07_10"));
    assert_eq!(sess.snapshot.dates[0].start.as_deref(), Some("2017-12-04"));
    // A place and an aid, whatever their ids are.
    let place: String = cat
        .conn()
        .query_row(
            "SELECT id FROM place WHERE kind = 'lycee' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let (p, _) = s.add(&cat, &place, None).unwrap();
    assert_eq!(p.kind, ItemKind::Place);
    assert_eq!(p.snapshot.subtitle.as_deref(), Some("Lycée"));
    let (a, _) = s.add(&cat, "aide-test-permis", None).unwrap();
    assert_eq!(a.kind, ItemKind::Aid);
    assert_eq!(a.snapshot.title, "Aide au permis");
    assert_eq!(a.snapshot.subtitle.as_deref(), Some("CAF de test"));
    // The session sharing its training's id, when asked for.
    let (f, _) = s
        .add(&cat, "lheo:9436_18706", Some(ItemKind::Session))
        .unwrap();
    assert_eq!(f.kind, ItemKind::Session);
    for f in s.list(&ListFilter::default()).unwrap() {
        assert_eq!(
            availability(&cat, &f).unwrap(),
            Availability::Offered,
            "{f:?}"
        );
    }
    let err = s.add(&cat, "Z9999", None).unwrap_err();
    assert!(matches!(err, Error::UnknownId(_)), "{err}");
    let err = s.add(&cat, "RNCP320", None).unwrap_err();
    assert!(err.to_string().contains("certification"), "{err}");

    // Stars on a real page of search results.
    let hits = cat
        .engine()
        .unwrap()
        .search(&Query::new("plaquiste"))
        .unwrap();
    let stars = s.stars(&hits).unwrap();
    assert_eq!(stars.len(), hits.len());
    for (h, star) in hits.iter().zip(&stars) {
        assert_eq!(*star, h.id == "lheo:07_10", "{h:?}");
    }
    assert!(stars.iter().any(|s| *s));
}

#[test]
fn compare_two_to_four_trainings() {
    let cat = with_figures();
    let tours = Point {
        lat: 47.39,
        lon: 0.69,
    };
    let today = 2017_11_15;
    let c = compare(&cat, &["lheo:07_10", "lheo:24_162227"], Some(tours), today).unwrap();
    assert_eq!(c.trainings.len(), 2);
    let (plaquiste, paie) = (&c.trainings[0], &c.trainings[1]);
    // From the LHEO sample: RNCP 320 titre, level 3, 697 hours, two sessions at Veigné (near Tours),
    // on site, funded by the learner and companies (action 114782) and the Région (action 123324).
    assert_eq!(plaquiste.certification.as_ref().unwrap().id, "RNCP320");
    assert_eq!(plaquiste.level, Some(3));
    assert_eq!(
        plaquiste.level_label.as_deref(),
        Some("Niveau 3 (CAP, BEP)")
    );
    assert_eq!(plaquiste.hours_max, Some(697));
    assert_eq!(plaquiste.sessions.len(), 2);
    assert_eq!(plaquiste.next_start.as_deref(), Some("2017-12-04"));
    assert!(plaquiste.registration_open);
    assert_eq!(plaquiste.places.len(), 1);
    assert_eq!(plaquiste.places[0].city.as_deref(), Some("Veigné"));
    let km = plaquiste.nearest_km.unwrap();
    assert!((5.0..20.0).contains(&km), "{km}");
    assert_eq!(plaquiste.teaching_modes, ["En présentiel"]);
    for f in ["Personnel", "Entreprise", "Région"] {
        assert!(
            plaquiste.funders.iter().any(|x| x == f),
            "{f} in {:?}",
            plaquiste.funders
        );
    }
    assert!(
        plaquiste.jobs.iter().any(|j| j.code_rome == "F1604"),
        "{:?}",
        plaquiste.jobs
    );
    let job = plaquiste
        .jobs
        .iter()
        .find(|j| j.code_rome == "F1604")
        .unwrap();
    // The two BMO areas of the fixture: 120 + 80 projects, 90 + 60 of them difficult.
    assert_eq!(job.planned_hires, Some(200));
    assert_eq!(job.difficult_pct, Some(75.0));
    assert_eq!(job.bmo_family.as_deref(), Some("Plaquistes (test)"));
    // POEC paie: 400 hours, distance learning, OPCO-funded.
    assert_eq!(paie.hours_min, Some(400));
    assert!(paie.distance_learning);
    assert_eq!(paie.teaching_modes, ["À distance"]);
    assert_eq!(paie.funders, ["OPCO"]);

    let four = compare(
        &cat,
        &[
            "lheo:07_10",
            "lheo:24_162227",
            "lheo:15_464888",
            "onisep:FOR.6913",
        ],
        None,
        today,
    )
    .unwrap();
    assert_eq!(four.trainings.len(), 4);
    assert!(
        four.trainings[0].nearest_km.is_none(),
        "no position, no distance"
    );

    for (ids, expected) in [
        (&["lheo:07_10"][..], "de 2 à 4"),
        (&["a", "b", "c", "d", "e"][..], "de 2 à 4"),
        (&["lheo:07_10", "D1102"][..], "n'est pas une formation"),
        (&["lheo:07_10", "lheo:07_10"][..], "deux fois"),
    ] {
        let err = compare(&cat, ids, None, today).unwrap_err();
        assert!(matches!(err, Error::Refused(_)), "{err:?}");
        let err = err.to_string();
        assert!(err.contains(expected), "{err}");
    }
    assert!(matches!(
        compare(&cat, &["lheo:07_10", "nope"], None, today),
        Err(Error::UnknownId(_))
    ));
}

const LHEO: &str = "formations/lheo/samples";

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    let new = f(text.clone());
    assert_ne!(new, text, "edit of {} changed nothing", path.display());
    std::fs::write(path, new).unwrap();
}

/// The XML block of the session `numero`.
fn session_block(xml: &str, numero: &str) -> (usize, usize) {
    let at = xml.find(&format!("numero=\"{numero}\"")).unwrap();
    let start = xml[..at].rfind("<session").unwrap();
    let end = start + xml[start..].find("</session>").unwrap() + "</session>".len();
    (start, end)
}

/// The catalogue update: a session removed, a session added, a registration period extended, a title
/// changed, an Onisep programme removed.
fn update_sources(src: &Path) {
    let lheo = src.join(LHEO);
    edit(
        &lheo.join("intercarif_normandie_paysan_boulanger_lheo22.xml"),
        |x| {
            let (a, b) = session_block(&x, "74056");
            format!("{}{}", &x[..a], &x[b..])
        },
    );
    edit(
        &lheo.join("intercarif_centre_val_de_loire_titre_pro_plaquiste_lheo22.xml"),
        |x| {
            let (a, b) = session_block(&x, "114782");
            let added = x[a..b]
                .replace("numero=\"114782\"", "numero=\"990001\"")
                .replace("<debut>20171204</debut>", "<debut>20190107</debut>")
                .replace("<fin>20180601</fin>", "<fin>20190628</fin>");
            let x = format!("{}\n{added}{}", &x[..b], &x[b..]);
            // Registration for session 123324 now runs to the end of the year.
            let (a, b) = session_block(&x, "123324");
            let block = x[a..b].replace("<fin>20180522</fin>", "<fin>20181231</fin>");
            format!("{}{block}{}", &x[..a], &x[b..])
        },
    );
    edit(&lheo.join("intercarif_occitanie_daeu_lheo22.xml"), |x| {
        x.replace(
            "<intitule-formation>Diplôme d'accès aux études universitaires, option a, cours en présentiel</intitule-formation>",
            "<intitule-formation>Diplôme d'accès aux études universitaires, option a, parcours zythologie</intitule-formation>",
        )
    });
    let onisep = src.join("formations/onisep/ideo-formations_initiales_en_france_2022-04.csv.gz");
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(&onisep).unwrap()),
        &mut text,
    )
    .unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.contains("/slug/FOR.6913;"))
        .collect();
    assert_eq!(kept.len() + 1, text.lines().count());
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&onisep).unwrap(),
        flate2::Compression::default(),
    );
    std::io::Write::write_all(&mut gz, (kept.join("\n") + "\n").as_bytes()).unwrap();
    gz.finish().unwrap();
}

#[test]
fn favourites_and_saved_searches_across_a_catalogue_update() {
    let before = pristine();
    let engine = before.engine().unwrap();
    let (_d, s) = store();
    // Mid-June 2018: session 114782 takes applications (no end given), 123324's closed on 22 May.
    let june = 2018_06_15;
    for (id, kind) in [
        ("D1102", None),
        ("lheo:07_10", None),
        ("lheo:74056", Some(ItemKind::Session)),
        ("lheo:04_A815385", None),
        ("onisep:FOR.6913", None),
        ("lheo:15_464888", None),
        ("lheo:24_162227", None),
    ] {
        s.add(&before, id, kind).unwrap();
    }
    let gone = item(ItemKind::Session, "lheo:74056");
    s.set_note(&gone, Some("très motivé")).unwrap();
    s.set_status(&gone, Some(Status::Applied)).unwrap();
    let plaquiste = s
        .save_search(
            &before,
            &engine,
            "Plaquiste",
            &Query::new("plaquiste"),
            june,
        )
        .unwrap();
    let zytho = s
        .save_search(
            &before,
            &engine,
            "Zythologie",
            &Query::new("zythologie"),
            june,
        )
        .unwrap();
    let err = s
        .save_search(&before, &engine, "plaquiste", &Query::new("x"), june)
        .unwrap_err();
    assert!(err.to_string().contains("déjà"), "{err}");
    for news in s.check_saved_searches(&before, &engine, june).unwrap() {
        assert!(news.is_empty(), "nothing new right after saving: {news:?}");
    }
    let stored = s.export_json().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("data");
    copy_tree(&data_dir(), &src);
    update_sources(&src);
    let after = build(&src, &dir.path().join("catalogue.db"));
    let engine = after.engine().unwrap();

    // Nothing dropped, notes and status intact.
    let favs = s.list(&ListFilter::default()).unwrap();
    assert_eq!(favs.len(), 7);
    let f = s.get(&gone).unwrap().unwrap();
    assert_eq!(f.note.as_deref(), Some("très motivé"));
    assert_eq!(f.status, Some(Status::Applied));
    let state = |kind, id| {
        let f = s.get(&item(kind, id)).unwrap().unwrap();
        (availability(&after, &f).unwrap(), f)
    };
    assert_eq!(state(ItemKind::Job, "D1102").0, Availability::Offered);
    assert_eq!(
        state(ItemKind::Training, "lheo:24_162227").0,
        Availability::Offered
    );
    let (a, f) = state(ItemKind::Session, "lheo:74056");
    assert_eq!(a, Availability::NoLongerOffered);
    assert_eq!(
        f.snapshot.dates[0].start.as_deref(),
        Some("2018-02-27"),
        "snapshot kept"
    );
    assert_eq!(
        state(ItemKind::Training, "onisep:FOR.6913").0,
        Availability::NoLongerOffered
    );
    let (a, f) = state(ItemKind::Training, "lheo:04_A815385");
    assert_eq!(a, Availability::DatesChanged { dates: vec![] });
    assert_eq!(f.snapshot.dates.len(), 1);
    match state(ItemKind::Training, "lheo:07_10").0 {
        Availability::DatesChanged { dates } => {
            assert_eq!(dates.len(), 3);
            assert!(dates
                .iter()
                .any(|d| d.start.as_deref() == Some("2019-01-07")));
        }
        other => panic!("{other:?}"),
    }
    match state(ItemKind::Training, "lheo:15_464888").0 {
        Availability::Updated { title, .. } => assert!(title.contains("zythologie"), "{title}"),
        other => panic!("{other:?}"),
    }

    // Saved searches: the added session, the registration that opened, the renamed training.
    let news = s
        .check_saved_search(&after, &engine, &plaquiste, june)
        .unwrap();
    assert!(news.new_results.is_empty(), "{:?}", news.new_results);
    let new_ids: Vec<&str> = news
        .new_sessions
        .iter()
        .map(|n| n.session_id.as_str())
        .collect();
    assert_eq!(new_ids, ["lheo:990001"]);
    assert_eq!(news.new_sessions[0].training_id, "lheo:07_10");
    assert_eq!(news.new_sessions[0].start.as_deref(), Some("2019-01-07"));
    let opened: Vec<&str> = news.opened.iter().map(|n| n.session_id.as_str()).collect();
    assert_eq!(opened, ["lheo:123324"]);
    let news = s.check_saved_search(&after, &engine, &zytho, june).unwrap();
    assert!(
        news.new_results.iter().any(|h| h.id == "lheo:15_464888"),
        "{:?}",
        news.new_results
    );
    // Checking changes nothing; marking seen does.
    assert_eq!(
        s.check_saved_searches(&after, &engine, june)
            .unwrap()
            .iter()
            .filter(|n| !n.is_empty())
            .count(),
        2
    );
    s.mark_seen(&after, &engine, &plaquiste, june).unwrap();
    s.mark_seen(&after, &engine, &zytho, june).unwrap();
    for news in s.check_saved_searches(&after, &engine, june).unwrap() {
        assert!(news.is_empty(), "{news:?}");
    }
    assert!(s
        .saved_searches()
        .unwrap()
        .iter()
        .all(|x| x.seen_at.is_some()));

    // The user has seen the change: a new snapshot; a gone item keeps its old one.
    let f = s
        .refresh_snapshot(&after, &item(ItemKind::Training, "lheo:07_10"))
        .unwrap();
    assert_eq!(availability(&after, &f).unwrap(), Availability::Offered);
    let f = s.refresh_snapshot(&after, &gone).unwrap();
    assert_eq!(f.snapshot.dates[0].start.as_deref(), Some("2018-02-27"));

    // What was exported before the update imports into a fresh database as it was.
    let (_d2, fresh) = store();
    fresh.import_json(stored.as_bytes()).unwrap();
    assert_eq!(fresh.count(&ListFilter::default()).unwrap(), 7);
    let news = fresh.check_saved_searches(&after, &engine, june).unwrap();
    assert_eq!(
        news.iter().filter(|n| !n.is_empty()).count(),
        2,
        "seen state travels"
    );
}
