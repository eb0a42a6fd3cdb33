//! The "Découvrir" quiz on the real catalogue built from data/: tags, reasons, constraints, order, filters,
//! the profile in the user database.

mod common;

use orientation_core::catalogue::Catalogue;
use orientation_core::discover::questions::{self, BUILTIN};
use orientation_core::discover::{
    Answer, Formality, HiringLevel, Profile, ProfileAnswer, Quiz, ResultFilters, Session, TagKind,
};
use orientation_core::favourites::Store;
use rusqlite::params;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

struct Shared {
    path: PathBuf,
    quiz: Arc<Quiz>,
}

/// One catalogue and one quiz for every test of this file.
fn shared() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let path = dir.join("catalogue.db");
        let cat = common::data_catalogue(&path);
        let quiz = Arc::new(Quiz::load(&cat).unwrap());
        Shared { path, quiz }
    })
}

fn catalogue() -> Catalogue {
    Catalogue::open(&shared().path).unwrap()
}

fn session(answers: &[(&str, Answer)]) -> Session {
    let mut s = Session::new(shared().quiz.clone(), Formality::Tu);
    for (q, a) in answers {
        s.answer(q, *a).unwrap();
    }
    s
}

fn csv_column(file: &str, column: &str) -> HashSet<String> {
    let path = common::data_dir().join("rome/rome4_v460").join(file);
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&path)
        .unwrap();
    let at = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("{column} in {file}"));
    r.records()
        .filter_map(|rec| rec.ok())
        .filter_map(|rec| rec.get(at).map(|v| v.trim().to_string()))
        .filter(|v| !v.is_empty())
        .collect()
}

/// Read straight from the ROME source files, not through our import: every tag of every question is a code
/// of the ROME, and at least one fiche holds it.
#[test]
fn every_question_tag_exists_in_the_rome_files() {
    let interests = csv_column("unix_centre_interet_v460_utf8.csv", "code_centre_interet");
    let interests_used = csv_column(
        "unix_arborescence_centre_interet_v460_utf8.csv",
        "code_centre_interet",
    );
    let contexts = csv_column(
        "unix_referentiel_contexte_travail_v460_utf8.csv",
        "code_ogr",
    );
    let majors = csv_column(
        "unix_referentiel_code_rome_riasec_v460_utf8.csv",
        "riasec_majeur",
    );
    assert_eq!(interests.len(), 30);
    let qs = questions::parse(BUILTIN).unwrap();
    let cat = catalogue();
    for q in &qs {
        for c in &q.interests {
            assert!(interests.contains(c), "{}: centre d'intérêt {c}", q.id);
            assert!(interests_used.contains(c), "{}: no fiche has {c}", q.id);
        }
        for l in &q.riasec {
            assert!(majors.contains(&l.to_string()), "{}: RIASEC {l}", q.id);
        }
        for c in &q.contexts {
            assert!(contexts.contains(c), "{}: contexte {c}", q.id);
            let n: i64 = cat
                .conn()
                .query_row(
                    "SELECT count(*) FROM job_context WHERE code_ogr = ?1",
                    [c],
                    |r| r.get(0),
                )
                .unwrap();
            assert!(n > 0, "{}: no fiche lists context {c}", q.id);
        }
    }
    // Every centre d'intérêt and every RIASEC letter is asked about.
    let asked: HashSet<&String> = qs.iter().flat_map(|q| &q.interests).collect();
    assert_eq!(asked.len(), 30);
    let letters: HashSet<char> = qs.iter().flat_map(|q| q.riasec.iter().copied()).collect();
    assert_eq!(letters.len(), 6);
}

#[test]
fn a_question_tagged_with_a_code_the_rome_lacks_is_refused() {
    let head = "id\ttu\tvous\tcentres_interet\triasec\tcontextes\tcontrainte\traison_tu\traison_vous\tpourquoi";
    let cat = catalogue();
    for line in [
        "x\tTu ?\tVous ?\t99\t\t\t\ttu x\tvous x\tcar",
        "x\tTu ?\tVous ?\t\t\t999999\toui\ttu x\tvous x\tcar",
    ] {
        let qs = questions::parse(&format!("{head}\n{line}\n")).unwrap();
        let err = Quiz::with_questions(&cat, qs).err().expect("refused");
        assert!(err.to_string().contains("absent du ROME"), "{err}");
    }
}

/// Every reason of every suggested job is a "oui"/"plutôt oui" answer to a question whose tag the job's
/// fiche holds in the catalogue tables.
#[test]
fn reasons_hold_in_the_data() {
    let quiz = &shared().quiz;
    let cat = catalogue();
    let conn = cat.conn();
    let answer_sets: Vec<Vec<(&str, Answer)>> = vec![
        vec![
            ("manuel", Answer::Oui),
            ("construire", Answer::Oui),
            ("dehors", Answer::PlutotOui),
            ("concret", Answer::Oui),
            ("chiffres", Answer::Non),
        ],
        vec![
            ("soigner", Answer::Oui),
            ("aider", Answer::PlutotOui),
            ("hopital", Answer::Oui),
            ("nuit", Answer::PlutotNon),
        ],
        vec![
            ("technologies", Answer::Oui),
            ("comprendre", Answer::Oui),
            ("teletravail", Answer::PlutotOui),
            ("animaux", Answer::Non),
        ],
    ];
    let mut checked = 0;
    for answers in &answer_sets {
        let s = session(answers);
        let results = s.results(&ResultFilters {
            limit: 30,
            ..Default::default()
        });
        assert_eq!(results.len(), 30);
        for r in &results {
            for reason in &r.reasons {
                let (_, a) = answers
                    .iter()
                    .find(|(q, _)| *q == reason.question)
                    .expect("a reason comes from an answer");
                assert!(a.is_yes(), "{} from a {:?}", reason.question, a);
                let q = &quiz.questions()[quiz.question_index(&reason.question).unwrap()];
                assert_eq!(reason.text, q.reason_tu);
                let holds: bool = match reason.kind {
                    TagKind::CentreInteret => {
                        assert!(q.interests.contains(&reason.code));
                        conn.query_row(
                            "SELECT EXISTS (SELECT 1 FROM job_interest WHERE code = ?1 AND code_rome = ?2)",
                            params![reason.code, r.rome],
                            |x| x.get(0),
                        )
                        .unwrap()
                    }
                    TagKind::Riasec => {
                        assert!(q.riasec.iter().any(|l| l.to_string() == reason.code));
                        conn.query_row(
                            "SELECT riasec_major = ?1 OR riasec_minor = ?1 FROM job WHERE code_rome = ?2",
                            params![reason.code, r.rome],
                            |x| x.get(0),
                        )
                        .unwrap()
                    }
                    TagKind::Contexte => {
                        assert!(q.contexts.contains(&reason.code));
                        conn.query_row(
                            "SELECT EXISTS (SELECT 1 FROM job_context WHERE code_ogr = ?1 AND code_rome = ?2)",
                            params![reason.code, r.rome],
                            |x| x.get(0),
                        )
                        .unwrap()
                    }
                };
                assert!(holds, "{} {}: {:?}", r.rome, r.title, reason);
                checked += 1;
            }
            // The job's reasons are the same through `reasons(rome)`.
            assert_eq!(s.reasons(&r.rome).unwrap(), r.reasons);
        }
        // The best job says why.
        assert!(!results[0].reasons.is_empty(), "{:?}", results[0]);
    }
    assert!(checked > 50, "{checked}");
}

fn has_context(rome: &str, code: &str) -> bool {
    catalogue()
        .conn()
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM job_context WHERE code_rome = ?1 AND code_ogr = ?2)",
            params![rome, code],
            |r| r.get(0),
        )
        .unwrap()
}

/// Someone who wants to protect and rescue people, in a hospital, would see night jobs first; once they say
/// "non" to nights, no night job is in the top 10, and a night job further down says why it is there.
#[test]
fn a_refused_context_is_respected() {
    const NIGHT: &str = "300803";
    let likes = [
        ("secourir", Answer::Oui),
        ("soigner", Answer::Oui),
        ("hopital", Answer::Oui),
        ("horaires", Answer::Oui),
    ];
    let wide = ResultFilters {
        limit: 10,
        ..Default::default()
    };
    let before = session(&likes).results(&wide);
    let night_before = before
        .iter()
        .filter(|r| has_context(&r.rome, NIGHT))
        .count();
    assert!(
        night_before >= 3,
        "the test needs night jobs at the top: {before:?}"
    );
    let mut refusing = likes.to_vec();
    refusing.push(("nuit", Answer::Non));
    let s = session(&refusing);
    let top = s.results(&wide);
    assert_eq!(top.len(), 10);
    for r in &top {
        assert!(!has_context(&r.rome, NIGHT), "{} {}", r.rome, r.title);
        assert!(r.warnings.is_empty());
    }
    // Down the list, every night job carries the warning.
    let all = s.results(&ResultFilters {
        limit: 2000,
        ..Default::default()
    });
    let mut flagged = 0;
    for r in &all {
        if has_context(&r.rome, NIGHT) {
            let w = r
                .warnings
                .iter()
                .find(|w| w.code == NIGHT)
                .expect("warning");
            assert_eq!(w.text, "Travail de nuit : tu as répondu non");
            assert!(w.refused);
            flagged += 1;
        }
    }
    assert!(flagged >= 100, "{flagged}");
    // The first night job comes after every job without nights.
    let first_night = all
        .iter()
        .position(|r| has_context(&r.rome, NIGHT))
        .unwrap();
    assert!(all[first_night..]
        .iter()
        .all(|r| has_context(&r.rome, NIGHT)));
    // "plutôt non" warns, without pushing the jobs down.
    let mut rather = likes.to_vec();
    rather.push(("nuit", Answer::PlutotNon));
    let soft = session(&rather).results(&wide);
    for r in soft.iter().filter(|r| has_context(&r.rome, NIGHT)) {
        assert!(r.warnings.iter().any(|w| w.code == NIGHT && !w.refused));
    }
    // A wish question is no refusal: "non" to telework does not flag anything.
    let s = session(&[("technologies", Answer::Oui), ("teletravail", Answer::Non)]);
    assert!(s.results(&wide).iter().all(|r| r.warnings.is_empty()));
}

#[test]
fn same_answers_give_the_same_order_and_the_same_next_question() {
    let answers = [
        ("cuisine", Answer::Oui),
        ("debout", Answer::PlutotOui),
        ("weekend", Answer::NeSaisPas),
        ("chef", Answer::PlutotNon),
    ];
    let a = session(&answers);
    let b = session(&answers);
    let mut reversed = answers.to_vec();
    reversed.reverse();
    let c = session(&reversed);
    let all = ResultFilters {
        limit: 2000,
        ..Default::default()
    };
    let ids =
        |s: &Session| -> Vec<String> { s.results(&all).into_iter().map(|r| r.rome).collect() };
    assert_eq!(ids(&a), ids(&b));
    assert_eq!(ids(&a), ids(&c));
    assert_eq!(a.next_question(), b.next_question());
    assert_eq!(
        a.next_question().map(|q| q.id),
        c.next_question().map(|q| q.id)
    );
    let top = a.results(&ResultFilters::default());
    assert!(top
        .iter()
        .take(3)
        .any(|r| r.reasons.iter().any(|x| x.question == "cuisine")));
}

/// The next question never repeats one answered; a whole quiz ends; back takes the last answer away.
#[test]
fn the_quiz_walks_every_question_once_and_back_undoes() {
    let quiz = &shared().quiz;
    let mut s = Session::new(quiz.clone(), Formality::Vous);
    let first = s.next_question().unwrap();
    assert_eq!(first.choices.len(), 5);
    assert_eq!(first.choices[1].value, "plutot_oui");
    assert_eq!(first.choices[1].label, "Plutôt oui");
    assert!(first.text.to_lowercase().contains("vous"), "{}", first.text);
    let mut seen = HashSet::new();
    let mut answered = 0;
    while let Some(q) = s.next_question() {
        assert!(seen.insert(q.id.clone()), "{} asked twice", q.id);
        let a = if answered % 3 == 0 {
            Answer::Oui
        } else {
            Answer::Non
        };
        s.answer(&q.id, a).unwrap();
        answered += 1;
        assert!(answered <= quiz.questions().len());
    }
    assert!(s.progress().done);
    assert_eq!(s.progress().answered, answered);
    let last = s.answers().last().unwrap().0.clone();
    assert_eq!(s.back(), Some(last.clone()));
    assert_eq!(s.answered(), answered - 1);
    assert!(s.answers().iter().all(|(q, _)| *q != last));
    // Changing an answer keeps its place.
    let (id0, _) = s.answers()[0].clone();
    s.answer(&id0, Answer::NeSaisPas).unwrap();
    assert_eq!(s.answers()[0], (id0.clone(), Answer::NeSaisPas));
    assert_eq!(s.question(&id0).unwrap().current, Some(Answer::NeSaisPas));
    assert!(s.answer("pas_une_question", Answer::Oui).is_err());
    assert!(s.reasons("X9999").is_err());
}

#[test]
fn level_hiring_and_near_filters() {
    let s = session(&[("manuel", Answer::Oui), ("construire", Answer::Oui)]);
    let cat = catalogue();
    let top = s.results(&ResultFilters {
        limit: 10,
        level_max: Some(3),
        ..Default::default()
    });
    assert_eq!(top.len(), 10);
    for r in &top {
        let level = r.level.as_ref().expect("level known");
        assert!(level.level <= 3, "{r:?}");
        assert!(level.min <= level.level && level.level <= level.max);
        assert!(level.text.contains("certification"), "{}", level.text);
    }
    let hiring = s.results(&ResultFilters {
        limit: 10,
        hiring: true,
        ..Default::default()
    });
    assert!(!hiring.is_empty());
    for r in &hiring {
        let h = r.hiring.as_ref().unwrap();
        assert_eq!(h.level, HiringLevel::Beaucoup);
        assert!(h.text.starts_with("recrute beaucoup"), "{}", h.text);
        // The figure is BMO's: the sum of planned hires of the matched FAP job(s).
        let sum: i64 = cat
            .conn()
            .query_row(
                "SELECT sum(b.hires) FROM bmo b WHERE b.fap IN
                   (SELECT fap FROM job_fap WHERE code_rome = ?1 AND score =
                      (SELECT max(score) FROM job_fap WHERE code_rome = ?1))",
                [&r.rome],
                |x| x.get(0),
            )
            .unwrap();
        assert_eq!(h.planned_hires, sum, "{}", r.rome);
    }
    // Near Marseille: every job kept has a training within 30 km (or at a distance), and its trainings near
    // are listed nearest first.
    let marseille = cat.resolve_place("13001").unwrap().point;
    let near = s.results(&ResultFilters {
        limit: 5,
        near: Some(marseille),
        radius_km: 30.0,
        ..Default::default()
    });
    assert!(!near.is_empty());
    for r in &near {
        let t = shared()
            .quiz
            .trainings_near(&r.rome, marseille, 30.0, 50)
            .unwrap();
        assert!(!t.is_empty(), "{}", r.rome);
        let d: Vec<f64> = t.iter().filter_map(|x| x.distance_km).collect();
        assert!(d.windows(2).all(|w| w[0] <= w[1]));
        assert!(d.iter().all(|&x| x <= 30.0));
        assert!(t
            .iter()
            .all(|x| x.distance_km.is_some() || x.distance_learning));
    }
    assert!(shared()
        .quiz
        .trainings_near("X9999", marseille, 30.0, 5)
        .is_err());
    // The quiz's radius is checked by the search's one rule: more than nothing, at most 1,000 km.
    for bad in [-1.0, 0.0, f64::NAN, 5000.0] {
        assert!(
            matches!(
                shared().quiz.trainings_near("D1102", marseille, bad, 5),
                Err(orientation_core::Error::Input(
                    orientation_core::error::InputError::Radius { max: 1000 }
                ))
            ),
            "{bad}"
        );
    }
}

#[test]
fn the_profile_survives_a_restart_and_is_wiped_by_delete_all() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("user.db");
    let mut s = Session::new(shared().quiz.clone(), Formality::Vous);
    s.answer("nature", Answer::Oui).unwrap();
    s.answer("nuit", Answer::Non).unwrap();
    s.answer("chiffres", Answer::PlutotNon).unwrap();
    {
        let store = Store::open(&db, &user_key()).unwrap();
        assert_eq!(store.discover_profile().unwrap(), None);
        store.save_discover_profile(&s.profile()).unwrap();
    }
    let store = Store::open(&db, &user_key()).unwrap();
    let saved = store.discover_profile().unwrap().expect("kept");
    assert_eq!(saved.formality, Formality::Vous);
    assert_eq!(
        saved.answers,
        vec![
            ProfileAnswer {
                question: "nature".into(),
                answer: Answer::Oui
            },
            ProfileAnswer {
                question: "nuit".into(),
                answer: Answer::Non
            },
            ProfileAnswer {
                question: "chiffres".into(),
                answer: Answer::PlutotNon
            },
        ]
    );
    let resumed = Session::from_profile(shared().quiz.clone(), &saved);
    let all = ResultFilters::default();
    assert_eq!(resumed.results(&all), s.results(&all));
    assert_eq!(resumed.next_question(), s.next_question());
    // Editing: a changed answer replaces the old one.
    let mut edited = resumed;
    edited.answer("nuit", Answer::Oui).unwrap();
    store.save_discover_profile(&edited.profile()).unwrap();
    assert_eq!(
        store.discover_profile().unwrap().unwrap().answers[1].answer,
        Answer::Oui
    );
    // An answer to a question that no longer exists is dropped on resume.
    let old = Profile {
        formality: Formality::Tu,
        answers: vec![
            ProfileAnswer {
                question: "retiree".into(),
                answer: Answer::Oui,
            },
            ProfileAnswer {
                question: "nature".into(),
                answer: Answer::Oui,
            },
        ],
        updated_at: 1,
    };
    assert_eq!(
        Session::from_profile(shared().quiz.clone(), &old).answered(),
        1
    );
    store.delete_all_my_data().unwrap();
    assert_eq!(store.discover_profile().unwrap(), None);
    drop(store);
    assert_eq!(
        Store::open(&db, &user_key())
            .unwrap()
            .discover_profile()
            .unwrap(),
        None
    );
}

#[test]
fn the_profile_travels_with_the_favourites_export() {
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open(&dir.path().join("a.db"), &user_key()).unwrap();
    let b = Store::open(&dir.path().join("b.db"), &user_key()).unwrap();
    let s = session(&[("cuisine", Answer::Oui), ("weekend", Answer::Non)]);
    a.save_discover_profile(&s.profile()).unwrap();
    let json = a.export_json().unwrap();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["version"], 2);
    assert_eq!(doc["discover"]["answers"][1]["answer"], "non");
    let summary = b.import_json(json.as_bytes()).unwrap();
    assert!(summary.profile_imported);
    assert_eq!(
        b.discover_profile().unwrap().unwrap().answers,
        s.profile().answers
    );
    // A version-1 document (no profile) still imports and leaves the profile alone.
    let v1 = r#"{"format": "orientation-favoris", "version": 1, "exported_at": 0,
                 "favourites": [], "saved_searches": []}"#;
    let summary = b.import_json(v1.as_bytes()).unwrap();
    assert!(!summary.profile_imported);
    assert!(b.discover_profile().unwrap().is_some());
    // An older profile in a document does not replace a newer one here.
    let mut older: serde_json::Value = serde_json::from_str(&json).unwrap();
    older["discover"]["updated_at"] = 1.into();
    older["discover"]["answers"] = serde_json::json!([{"question": "nature", "answer": "oui"}]);
    let summary = b.import_json(older.to_string().as_bytes()).unwrap();
    assert!(!summary.profile_imported);
    assert_eq!(b.discover_profile().unwrap().unwrap().answers.len(), 2);
    // A damaged profile refuses the whole document.
    let mut bad: serde_json::Value = serde_json::from_str(&json).unwrap();
    bad["discover"]["answers"] = serde_json::json!([{"question": "nature", "answer": "peut-être"}]);
    assert!(b.import_json(bad.to_string().as_bytes()).is_err());
    let mut twice: serde_json::Value = serde_json::from_str(&json).unwrap();
    twice["discover"]["answers"] = serde_json::json!([
        {"question": "nature", "answer": "oui"}, {"question": "nature", "answer": "non"}]);
    assert!(b.import_json(twice.to_string().as_bytes()).is_err());
    // Newer than this app: refused, as before.
    let mut v3: serde_json::Value = serde_json::from_str(&json).unwrap();
    v3["version"] = 3.into();
    assert!(b.import_json(v3.to_string().as_bytes()).is_err());
}

/// One key for the databases of this test (their personal fields are sealed with it).
fn user_key() -> orientation_core::db::crypt::UserKey {
    orientation_core::db::crypt::UserKey::from_secret_text(&format!(
        "orientation-user-key-v1:{}",
        "11".repeat(32)
    ))
    .unwrap()
}
