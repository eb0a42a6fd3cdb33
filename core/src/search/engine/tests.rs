use super::*;
use crate::search::filters::{Filters, SessionInfo, TrainingInfo};

fn doc(kind: &'static str, id: &str, title: &str, body: &str) -> Doc {
    Doc {
        kind,
        id: id.into(),
        title: title.into(),
        subtitle: None,
        rome: (kind == "job").then(|| id.into()),
        lat: None,
        lon: None,
        distance_learning: false,
        prior: 0.0,
        body: body.into(),
        ..Default::default()
    }
}

fn engine() -> Engine {
    Engine::build(&[
        doc(
            "job",
            "D1102",
            "Boulanger / Boulangère",
            "Prépare et façonne les pâtes à pain",
        ),
        doc(
            "job",
            "D1104",
            "Pâtissier / Pâtissière",
            "Réalise des gâteaux",
        ),
        doc(
            "job",
            "H2105",
            "Aide-boulanger / Aide-boulangère",
            "Aide au fournil",
        ),
        doc(
            "job",
            "J1506",
            "Infirmier / Infirmière en soins généraux",
            "Soigne les patients",
        ),
        doc("job", "K2204", "Pompier", "Lutte contre les incendies"),
        doc("job", "A1414", "Pommier", "Arboriculteur de pommes"),
        doc(
            "job",
            "I1604",
            "Mécanicien / Mécanicienne automobile",
            "Répare les véhicules",
        ),
        doc(
            "job",
            "K2107",
            "Professeur / Professeure des écoles",
            "Enseigne",
        ),
        doc("place", "commune:13055", "Marseille", "Commune"),
    ])
}

fn first(e: &Engine, text: &str) -> String {
    let hits = e.search(&Query::new(text)).unwrap();
    hits.first().map(|h| h.id.clone()).unwrap_or_default()
}

#[test]
fn accents_gender_plural_and_case_meet() {
    let e = engine();
    assert_eq!(first(&e, "boulangere"), "D1102");
    assert_eq!(first(&e, "BOULANGERS"), "D1102");
    assert_eq!(first(&e, "infirmières"), "J1506");
    assert_eq!(first(&e, "l'infirmier"), "J1506");
}

#[test]
fn the_word_being_typed_is_a_prefix() {
    let e = engine();
    assert_eq!(first(&e, "boul"), "D1102");
    assert_eq!(first(&e, "infirm"), "J1506");
    // Once a space is typed, the word is complete: no completion.
    assert!(e.search(&Query::new("boul ")).unwrap().is_empty());
}

#[test]
fn typos_are_forgiven_but_rank_below_exact_matches() {
    let e = engine();
    assert_eq!(first(&e, "boulnager"), "D1102");
    assert_eq!(first(&e, "infirmeire"), "J1506");
    // The one-edit neighbour of a word spelt right comes after it.
    let hits = e.search(&Query::new("pompier ")).unwrap();
    assert_eq!(hits[0].id, "K2204");
    assert!(hits.iter().any(|h| h.id == "A1414"), "{hits:?}");
    // A misspelt word finds the words it is closest to: "pomier" is one edit from both.
    let hits = e.search(&Query::new("pomier ")).unwrap();
    let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    assert!(ids.contains(&"K2204") && ids.contains(&"A1414"), "{ids:?}");
    // Exact beats fuzzy whatever the order of the documents.
    let mut docs = vec![doc("job", "X1", "Pompiers volontaires", "")];
    docs.push(doc("job", "X2", "Pommiers et poiriers", ""));
    let e = Engine::build(&docs);
    assert_eq!(first(&e, "pommier "), "X2");
}

/// Issue 10: "formation cariste" put "Caviste conseiller commercial" (a typo neighbour matching
/// "formation" too) above the cariste trainings.
#[test]
fn an_exact_word_never_loses_to_a_typo_neighbour() {
    let mut caviste = doc("training", "t-caviste", "Formation caviste conseiller", "");
    caviste.prior = 50.0;
    let docs = vec![
        caviste,
        doc("job", "A1422", "Caviste de chai", "formation en cave"),
        doc("training", "t-cariste", "TP cariste d'entrepôt", ""),
        doc("job", "N1101", "Cariste", ""),
        doc("job", "N1112", "Chef cariste", ""),
    ];
    let e = Engine::build(&docs);
    for text in [
        "formation cariste",
        "formation cariste ",
        "cariste formation",
    ] {
        let ids: Vec<String> = e
            .search(&Query::new(text))
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect();
        let last_cariste = ids
            .iter()
            .rposition(|i| ["t-cariste", "N1101", "N1112"].contains(&i.as_str()));
        let first_caviste = ids.iter().position(|i| i == "t-caviste" || i == "A1422");
        assert!(last_cariste < first_caviste, "{text}: {ids:?}");
    }
    // A misspelt word still finds its neighbours: the rule only holds for a word that exists.
    assert_eq!(first(&e, "carsite "), "N1101");
}

#[test]
fn synonyms_and_body_words_find_jobs() {
    let e = engine();
    assert_eq!(first(&e, "mecano"), "I1604");
    assert_eq!(first(&e, "prof des écoles"), "K2107");
    assert_eq!(first(&e, "réparer des voitures"), "I1604");
}

#[test]
fn one_result_per_job_fiche_and_title_matches_first() {
    let mut docs = vec![doc("job", "D1102", "Boulanger / Boulangère", "")];
    docs.push(doc("job", "D1102", "Boulanger / Boulangère en fournil", ""));
    docs.push(doc(
        "job",
        "H2105",
        "Conducteur de four",
        "boulanger industriel",
    ));
    let e = Engine::build(&docs);
    let hits = e.search(&Query::new("boulanger")).unwrap();
    assert_eq!(hits.iter().filter(|h| h.id == "D1102").count(), 1);
    assert_eq!(hits[0].id, "D1102");
    assert_eq!(hits[0].title, "Boulanger / Boulangère");
}

#[test]
fn hostile_strings_just_search() {
    let e = engine();
    let long = "a".repeat(10_000);
    for q in [
        "",
        " ",
        "\"",
        "*",
        "NEAR(",
        "AND OR",
        "🙂",
        "\u{FFFD}",
        &long,
        "l' d' qu'",
    ] {
        e.search(&Query::new(q)).unwrap();
    }
    assert!(e.search(&Query::new("")).unwrap().is_empty());
    // A query made only of stop words still searches them.
    assert!(e.search(&Query::new("de la")).is_ok());
}

#[test]
fn interrupt_stops_a_running_search_and_later_ones_run() {
    let e = engine();
    let start = e.interrupts.load(Ordering::SeqCst);
    e.interrupt();
    assert!(matches!(e.check(start), Err(Error::Interrupted)));
    assert_eq!(first(&e, "boulanger"), "D1102");
}

#[test]
fn kind_filter_and_empty_catalogue() {
    let e = engine();
    let mut q = Query::new("marseille");
    q.kind = Some(Kind::Job);
    assert!(e.search(&q).unwrap().is_empty());
    q.kind = Some(Kind::Place);
    assert_eq!(e.search(&q).unwrap()[0].id, "commune:13055");
    let empty = Engine::build(&[]);
    assert!(empty.search(&Query::new("boulanger")).unwrap().is_empty());
}

fn training(id: &str, title: &str, at: (f64, f64), info: TrainingInfo) -> Doc {
    Doc {
        kind: "training",
        id: id.into(),
        title: title.into(),
        lat: Some(at.0),
        lon: Some(at.1),
        training: Some(info),
        ..Default::default()
    }
}

const MARSEILLE: (f64, f64) = (43.2965, 5.3698);
const AIX: (f64, f64) = (43.5297, 5.4474); // ~26 km from Marseille
const AVIGNON: (f64, f64) = (43.9493, 4.8055); // ~86 km
const LYON: (f64, f64) = (45.764, 4.8357); // ~280 km

fn trainings() -> Engine {
    let session = |start: u32, recruitment: u8| SessionInfo {
        start: Some(start),
        recruitment: Some(recruitment),
        ..Default::default()
    };
    Engine::build(&[
        training(
            "t1",
            "Formation cariste CACES",
            AIX,
            TrainingInfo {
                level: Some(3),
                funding: Funding::Region.bit(),
                modes: TeachingMode::Presentiel.bit(),
                hours: Some(70),
                disability_access: true,
                sessions: vec![session(2026_12_07, 1)],
            },
        ),
        training(
            "t2",
            "Titre professionnel cariste d'entrepôt",
            AVIGNON,
            TrainingInfo {
                level: Some(3),
                funding: Funding::Cpf.bit(),
                modes: TeachingMode::Mixte.bit(),
                hours: Some(500),
                disability_access: false,
                sessions: vec![session(2027_02_01, 2)],
            },
        ),
        Doc {
            distance_learning: true,
            lat: None,
            lon: None,
            ..training(
                "t3",
                "Cariste : la théorie en ligne",
                LYON,
                TrainingInfo {
                    level: Some(4),
                    funding: Funding::FranceTravail.bit(),
                    modes: TeachingMode::Distance.bit(),
                    hours: Some(35),
                    disability_access: true,
                    sessions: vec![session(2026_12_15, 1)],
                },
            )
        },
        training(
            "t4",
            "Cariste à Lyon",
            LYON,
            TrainingInfo {
                level: Some(3),
                ..Default::default()
            },
        ),
        Doc {
            domain: Some('N'),
            ..doc("job", "N1101", "Cariste", "Conduit un chariot élévateur")
        },
        Doc {
            domain: Some('D'),
            ..doc("job", "D1102", "Boulanger / Boulangère", "")
        },
    ])
}

fn ids(results: &Results) -> Vec<String> {
    let mut v: Vec<String> = results.hits.iter().map(|h| h.id.clone()).collect();
    v.sort();
    v
}

fn near(text: &str, radius_km: f64) -> Query {
    let mut q = Query::new(text);
    q.near = Some(territory::Point {
        lat: MARSEILLE.0,
        lon: MARSEILLE.1,
    });
    q.radius_km = radius_km;
    q.kind = Some(Kind::Training);
    q.limit = 1;
    q.today = Some(2026_11_23);
    q
}

#[test]
fn radius_keeps_near_and_distance_learning_and_widens_when_too_few() {
    let e = trainings();
    let r = e.search_results(&near("cariste", 30.0)).unwrap();
    assert_eq!(r.widened_to_km, None);
    let mut q = near("cariste", 30.0);
    q.limit = 10;
    let r = e.search_results(&q).unwrap();
    // Aix (26 km) and the distance course; fewer than wanted, so widened to 100 km: Avignon too.
    assert_eq!(r.widened_to_km, Some(100.0));
    assert_eq!(ids(&r), ["t1", "t2", "t3"]);
    assert!(r.hits.iter().all(|h| h.id != "t4"), "Lyon is 280 km away");
    let aix = r.hits.iter().find(|h| h.id == "t1").unwrap();
    assert!((20.0..32.0).contains(&aix.distance_km.unwrap()));
}

#[test]
fn every_training_filter_applies() {
    let e = trainings();
    let with = |f: Filters| {
        let mut q = near("cariste", 300.0);
        q.limit = 10;
        q.kind = None;
        q.filters = f;
        ids(&e.search_results(&q).unwrap())
    };
    assert_eq!(
        with(Filters {
            funding: Funding::Cpf.bit(),
            ..Default::default()
        }),
        ["t2"]
    );
    assert_eq!(
        with(Filters {
            modes: TeachingMode::Distance.bit(),
            ..Default::default()
        }),
        ["t3"]
    );
    assert_eq!(
        with(Filters {
            level_min: Some(4),
            ..Default::default()
        }),
        ["t3"]
    );
    assert_eq!(
        with(Filters {
            registration_open: true,
            ..Default::default()
        }),
        ["t1", "t3"]
    );
    assert_eq!(
        with(Filters {
            start_after: Some(2026_12_01),
            start_before: Some(2026_12_10),
            ..Default::default()
        }),
        ["t1"]
    );
    assert_eq!(
        with(Filters {
            max_hours: Some(100),
            ..Default::default()
        }),
        ["t1", "t3"]
    );
    assert_eq!(
        with(Filters {
            disability_access: true,
            ..Default::default()
        }),
        ["t1", "t3"]
    );
    assert_eq!(
        with(Filters {
            grand_domaine: Some('N'),
            ..Default::default()
        }),
        ["N1101"]
    );
}

#[test]
fn browse_without_words_lists_nearest_first_and_facets_count() {
    let e = trainings();
    let mut q = near("", 300.0);
    q.limit = 10;
    q.filters.registration_open = true;
    let r = e.search_results(&q).unwrap();
    assert_eq!(r.hits[0].id, "t1", "nearest first");
    let mut q = Query::new("cariste");
    q.limit = 10;
    let r = e.search_results(&q).unwrap();
    assert_eq!(r.facets.kinds, [(Kind::Job, 1), (Kind::Training, 4)]);
    assert_eq!(r.facets.grand_domaines, [('N', 1)]);
    assert_eq!(r.facets.levels, [(3, 3), (4, 1)]);
    assert!(r.facets.modes.contains(&(TeachingMode::Distance, 1)));
    assert!(r.facets.funding.contains(&(Funding::Cpf, 1)));
}

#[test]
fn matched_ranges_point_at_title_words() {
    let e = engine();
    let ranges = e.matched_ranges("boulangere", "Boulanger / Boulangère");
    assert_eq!(ranges, [(0, 9), (12, 22)]);
}

/// Found by fuzz/ (target query): a limit near usize::MAX overflowed the ranking window (a panic).
#[test]
fn any_limit_is_served_without_overflow() {
    let e = engine();
    for limit in [usize::MAX, usize::MAX / 8 + 1, usize::MAX / 4] {
        let mut q = Query::new("boul");
        q.limit = limit;
        let hits = e.search(&q).unwrap();
        assert_eq!(hits.first().map(|h| h.id.as_str()), Some("D1102"));
        assert!(hits.iter().any(|h| h.id == "H2105"), "{hits:?}");
    }
}
