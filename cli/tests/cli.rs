//! The `orientation` binary as a person or a script uses it, on the real data.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

fn data() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data"))
}

/// One catalogue built for all tests of this file (the first call builds it through the CLI itself).
fn data_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(common::built_data_dir)
}

fn orientation(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orientation"))
        .arg("--data-dir")
        .arg(dir)
        .arg("--source")
        .arg(data())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn run(args: &[&str]) -> Output {
    orientation(data_dir(), args, None)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn jsonl_answers_one_line_per_query_in_order() {
    let out = orientation(
        data_dir(),
        &["search", "--jsonl", "--limit", "5"],
        Some("boulanger\ninfirmière\nMarseille\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["query"], "boulanger");
    assert_eq!(lines[2]["query"], "Marseille");
    for l in &lines {
        assert!(l["took_us"].as_u64().is_some());
        for r in l["results"].as_array().unwrap() {
            for key in ["kind", "id", "title", "score"] {
                assert!(!r[key].is_null(), "{key} missing in {r}");
            }
            assert_eq!(
                r["kind"] == "job",
                r["rome"].is_string(),
                "rome is set for jobs only: {r}"
            );
        }
    }
    let first = &lines[0]["results"][0];
    assert_eq!(first["kind"], "job");
    assert_eq!(first["rome"], "D1102", "{first}");
    let nurse = &lines[1]["results"][0];
    assert_eq!(nurse["kind"], "job");
    assert!(
        nurse["title"].as_str().unwrap().contains("Infirmi"),
        "{nurse}"
    );
    let marseille = lines[2]["results"].as_array().unwrap();
    assert!(
        marseille.iter().any(|r| r["kind"] == "place"
            && r["title"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("marseille")),
        "{marseille:?}"
    );
}

#[test]
fn table_and_json_outputs() {
    let out = run(&["search", "boulanger", "--kind", "job", "--limit", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("D1102"));
    let out = run(&["search", "boulanger", "--json", "--limit", "3"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(v["hits"].as_array().unwrap().len() <= 3);
    assert!(v["facets"]["kinds"].is_array());
}

#[test]
fn show_prints_a_full_job_sheet() {
    let out = run(&["show", "D1102"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for part in [
        "Boulanger",
        "Appellations",
        "Savoir-faire",
        "Contextes de travail",
        "Mobilités",
    ] {
        assert!(text.contains(part), "missing {part}");
    }
    let out = run(&["show", "D1102", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["kind"], "job");
    assert!(v["appellations"].as_array().unwrap().len() > 3);
}

#[test]
fn errors_are_one_clear_line_and_a_failure_code() {
    let cases: [(&[&str], &str); 3] = [
        (&["show", "Z9999-nope"], "identifiant inconnu"),
        (
            &["search", "boulanger", "--near", "Nullepartville-sur-Rien"],
            "lieu introuvable",
        ),
        (&["search", "boulanger", "--radius=-3"], "rayon"),
    ];
    for (args, expected) in cases {
        let out = run(args);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = stderr(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(expected), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn unreadable_data_dir_is_an_error_not_a_panic() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let out = orientation(&file.path().join("sub"), &["search", "x"], None);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("dossier de données"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn hostile_queries_just_search() {
    let long = "é".repeat(5000);
    let queries = [
        "\"",
        "*",
        "NEAR(",
        "a AND OR NOT",
        "🙂🍞",
        "'",
        "",
        long.as_str(),
        "l'",
        "\u{FFFD}",
    ];
    let input = queries.join("\n") + "\n";
    let out = orientation(data_dir(), &["search", "--jsonl"], Some(&input));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), queries.len());
    // Invalid UTF-8 on stdin (a broken surrogate from a phone keyboard) is searched as well as it reads.
    let mut child = Command::new(env!("CARGO_BIN_EXE_orientation"))
        .args(["--data-dir"])
        .arg(data_dir())
        .args(["--source"])
        .arg(data())
        .args(["search", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"boul\xed\xa0\x80anger\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(stdout(&out).lines().count(), 1);
}

#[test]
fn catalogue_info_lists_counts_and_sources() {
    let out = run(&["catalogue", "info"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Fiches métiers (ROME)"));
    assert!(text.contains("1584"));
    assert!(text.contains("Rapport d'import"));
}

/// The results of a search as JSON (the page: hits, facets, widening).
fn page(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["search"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = run(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn hits(page: &serde_json::Value) -> Vec<serde_json::Value> {
    page["hits"].as_array().cloned().unwrap_or_default()
}

fn distances(page: &serde_json::Value) -> Vec<f64> {
    hits(page)
        .iter()
        .map(|h| h["distance_km"].as_f64().unwrap_or(f64::MAX))
        .collect()
}

#[test]
fn near_me_a_generic_place_word_lists_nearest_first() {
    let d = distances(&page(&[
        "agence", "--kind", "place", "--near", "13001", "--limit", "8",
    ]));
    assert!(d.len() >= 3 && d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    // Among the results titled alike, nearest first.
    let p = page(&[
        "mission locale",
        "--kind",
        "place",
        "--near",
        "Marseille",
        "--limit",
        "8",
    ]);
    let d: Vec<f64> = hits(&p)
        .iter()
        .filter(|h| {
            h["title"]
                .as_str()
                .unwrap()
                .starts_with("Mission Locale de ")
        })
        .map(|h| h["distance_km"].as_f64().unwrap())
        .collect();
    assert!(d.len() >= 2 && d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    assert_eq!(d[0], 0.0, "{d:?}");
}

#[test]
fn near_aix_its_lycees_come_before_marseille_and_say_where_they_are() {
    let p = page(&[
        "lycée",
        "--kind",
        "place",
        "--near",
        "Aix-en-Provence",
        "--limit",
        "5",
    ]);
    for h in hits(&p) {
        assert!(h["distance_km"].as_f64().unwrap() < 5.0, "{h}");
        assert!(
            h["subtitle"].as_str().unwrap().contains("Aix-en-Provence"),
            "{h}"
        );
        // Placed at their commune's centre: no "0.0 km", the commune instead; placed at their own
        // point (Parcoursup gives it for lycées with post-bac classes): the distance.
        let location = h["location"].as_str().unwrap();
        assert!(
            location.starts_with("à Aix") || location.ends_with(" km") || location.ends_with(" m"),
            "{h}"
        );
    }
    // Widening from a 300 m radius keeps Marseille's lycées (a few km) before Toulon's (48 km).
    let p = page(&[
        "lycée",
        "--kind",
        "place",
        "--near",
        "43.30,5.38",
        "--radius",
        "0.3",
        "--limit",
        "10",
    ]);
    assert!(p["widened_to_km"].as_f64().is_some());
    let d = distances(&p);
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    assert!(d[0] < 10.0, "{d:?}");
}

#[test]
fn a_postcode_means_its_main_town_and_homonyms_are_listed() {
    let out = run(&[
        "search", "lycée", "--kind", "place", "--near", "13100", "--limit", "1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Aix"), "{}", stderr(&out));
    let out = run(&["search", "cariste", "--near", "Saint-Denis"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    for dept in ["(11,", "(30,", "(93,", "(974,"] {
        assert!(err.contains(dept), "{err}");
    }
    let out = run(&[
        "search",
        "cariste",
        "--near",
        "Saint-Denis (93)",
        "--limit",
        "1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_place_without_coordinates_is_found_near_its_commune() {
    let p = page(&[
        "mission locale",
        "--kind",
        "place",
        "--near",
        "Marseille",
        "--limit",
        "3",
    ]);
    let first = &hits(&p)[0];
    assert_eq!(first["title"], "Mission Locale de Marseille", "{p}");
    let out = run(&["show", first["id"].as_str().unwrap()]);
    let text = stdout(&out);
    assert!(!text.contains("position : "), "{text}");
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["show", first["id"].as_str().unwrap(), "--json"]).stdout)
            .unwrap();
    assert_eq!(json["kind"], "place");
    assert_eq!(json["place_kind"], "mission_locale");
}

#[test]
fn aids_near_me_are_those_of_my_territory_or_national() {
    let p = page(&["aide", "--kind", "aid", "--near", "13001", "--limit", "40"]);
    let ids: Vec<String> = hits(&p)
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!ids.is_empty());
    for id in &ids {
        let sheet: serde_json::Value =
            serde_json::from_slice(&run(&["show", id, "--json"]).stdout).unwrap();
        if let Some(t) = sheet["territory"].as_str() {
            assert!(
                ["Bouches-du-Rhône", "Provence", "Marseille", "13"]
                    .iter()
                    .any(|w| t.contains(w)),
                "{id}: {t}"
            );
        }
    }
}

#[test]
fn old_sessions_are_past_not_open() {
    let out = run(&["show", "lheo:07_10"]);
    let text = stdout(&out);
    assert!(text.contains("session passée"), "{text}");
    assert!(!text.contains("inscriptions ouvertes"), "{text}");
    assert!(text.contains("du 04/12/2017 au 01/06/2018"), "{text}");
    let p = page(&["", "--kind", "training", "--open"]);
    assert!(hits(&p).is_empty(), "{p}");
    let out = run(&["compare", "lheo:07_10", "lheo:24_162227"]);
    let text = stdout(&out);
    let row = text
        .lines()
        .find(|l| l.starts_with("Inscriptions"))
        .unwrap();
    assert!(!row.contains("│ ouvertes"), "{text}");
    assert!(!text.contains("inscriptions ouvertes"), "{text}");
}

#[test]
fn typed_dates_are_checked_and_french_order_is_accepted() {
    for bad in ["2026-13-45", "2026-02-31", "demain"] {
        let out = run(&["search", "cariste", "--start-after", bad]);
        assert!(!out.status.success(), "{bad}");
        assert!(stderr(&out).contains("date invalide"), "{}", stderr(&out));
    }
    let out = run(&[
        "search",
        "cariste",
        "--start-after",
        "01/12/2016",
        "--limit",
        "3",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["search", "cariste", "--mode", "présentiel", "--limit", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["search", "cariste", "--limit", "dix"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("valeur invalide « dix »"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn sheets_speak_words_not_codes() {
    let job = stdout(&run(&["show", "D1102"]));
    for code in [
        "Transition : N",
        "Emploi Blanc",
        "Savoir-faire — Savoir-faire",
    ] {
        assert!(!job.contains(code), "{code} in {job}");
    }
    assert!(
        !job.lines().any(|l| l.trim_end().ends_with("RIASEC : R")),
        "{job}"
    );
    assert!(job.contains("Réaliste"), "{job}");
    let training = stdout(&run(&["show", "lheo:07_10"]));
    assert!(!training.contains("codes LHEO"), "{training}");
    assert!(training.contains("Niveau 3 (CAP, BEP)"), "{training}");
    assert!(training.contains("Conseil régional"), "{training}");
    let out = run(&["search", "formation", "--facets", "--limit", "1"]);
    let facets = stdout(&out);
    assert!(!facets.contains("job "), "{facets}");
    assert!(!facets.contains("presentiel"), "{facets}");
    assert!(facets.contains("métiers"), "{facets}");
}

#[test]
fn results_show_whole_ids_and_a_closed_pipe_is_quiet() {
    let out = run(&["search", "bourse", "--kind", "aid", "--limit", "20"]);
    let text = stdout(&out);
    let p = page(&["bourse", "--kind", "aid", "--limit", "20"]);
    for h in hits(&p) {
        assert!(
            text.contains(h["id"].as_str().unwrap()),
            "{} not whole in {text}",
            h["id"]
        );
    }
    // A reader that goes away after one line: no "Broken pipe" error.
    let mut child = Command::new(env!("CARGO_BIN_EXE_orientation"))
        .arg("--data-dir")
        .arg(data_dir())
        .args(["search", "formation", "--limit", "500"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!stderr(&out).contains("Broken pipe"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("erreur"), "{}", stderr(&out));
}

#[test]
fn certifications_of_one_title_say_which_is_which() {
    let job = stdout(&run(&["show", "D1102"]));
    let lines: Vec<&str> = job
        .lines()
        .filter(|l| l.contains(" Boulanger") && (l.contains("RNCP") || l.contains("CI")))
        .collect();
    assert!(lines.len() >= 2, "{job}");
    for l in &lines {
        // The certification's type, level and certifier follow its title.
        assert!(l.contains(" — ") && l.contains("niveau"), "{l}");
    }
    // Still delivered ones first.
    let first_old = lines.iter().position(|l| l.contains("plus délivrée"));
    if let Some(i) = first_old {
        assert!(
            lines[i..].iter().all(|l| l.contains("plus délivrée")),
            "{lines:?}"
        );
    }
}

#[test]
fn a_saved_search_shows_the_place_typed_and_no_empty_quotes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        data_dir().join("catalogue.db"),
        dir.path().join("catalogue.db"),
    )
    .unwrap();
    let out = orientation(
        dir.path(),
        &[
            "saved", "add", "près", "", "--near", "13001", "--kind", "training",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let list = stdout(&orientation(dir.path(), &["saved", "list"], None));
    assert!(list.contains("Marseille (13001)"), "{list}");
    assert!(!list.contains("«  »"), "{list}");
}

/// Every example of the README's `orientation` section, with what a user expects of it.
#[test]
fn readme_examples_give_sensible_answers() {
    let first_title = |args: &[&str]| -> String {
        hits(&page(args))
            .first()
            .and_then(|h| h["title"].as_str().map(str::to_string))
            .unwrap_or_default()
    };
    assert!(first_title(&["infirmière"]).starts_with("Infirmier"));
    let p = page(&["formation cariste", "--near", "13001", "--radius", "30"]);
    assert!(
        hits(&p)
            .iter()
            .take(3)
            .any(|h| h["title"].as_str().unwrap().contains("ariste")),
        "{p}"
    );
    assert_eq!(
        first_title(&["mission locale", "--kind", "place", "--near", "Marseille"]),
        "Mission Locale de Marseille"
    );
    assert!(stdout(&run(&["show", "D1102"])).starts_with("D1102 — Boulanger"));
    let out = orientation(
        data_dir(),
        &["search", "--jsonl", "--limit", "5"],
        Some("boulanger\nprof de sport\n"),
    );
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["results"][0]["rome"], "D1102");
    assert!(lines[1]["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| ["G1204", "K2107", "G1217"].contains(&r["rome"].as_str().unwrap_or(""))));
    // The browse example: trainings near Marseille starting in December (none in the samples, said plainly).
    let out = run(&[
        "search",
        "",
        "--near",
        "13001",
        "--start-after",
        "2026-12-01",
        "--start-before",
        "2026-12-31",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_job_sheet_near_a_place_lists_the_nearest_trainings_that_lead_to_it() {
    let out = run(&["show", "J1506", "--near", "13001"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let near = text
        .split("Se former près de chez moi")
        .nth(1)
        .unwrap_or_else(|| panic!("{text}"));
    // D.E. infirmier (IFSI) offers of Parcoursup, in Marseille, nearest first, with their distance.
    let lines: Vec<&str> = near.lines().filter(|l| l.contains("parcoursup:")).collect();
    assert!(lines.len() >= 5, "{near}");
    assert!(lines.iter().all(|l| l.contains("infirmier")), "{near}");
    assert!(
        lines[0]
            .trim_start()
            .chars()
            .next()
            .unwrap()
            .is_ascii_digit(),
        "{near}"
    );
    assert!(near.contains("Marseille"), "{near}");
    // JSON: the same list under `near`.
    let out = run(&["show", "J1506", "--near", "13001", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let trainings = v["near"]["trainings"].as_array().unwrap();
    assert!(trainings.len() >= 5);
    let d: Vec<f64> = trainings
        .iter()
        .filter_map(|t| t["distance_km"].as_f64())
        .collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]) && d[0] <= 30.0, "{d:?}");
    // An unknown place is refused in French, before any sheet.
    let out = run(&["show", "J1506", "--near", "Atlantide-sur-Mer"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("lieu"), "{}", stderr(&out));
}

/// Issue 10: "formation cariste" put "Caviste conseiller commercial" above the cariste trainings.
#[test]
fn an_exact_word_ranks_above_its_typo_neighbours() {
    let p = page(&["formation cariste", "--limit", "20"]);
    let titles: Vec<String> = hits(&p)
        .iter()
        .map(|h| h["title"].as_str().unwrap_or("").to_lowercase())
        .collect();
    let last_cariste = titles.iter().rposition(|t| t.contains("cariste"));
    let first_caviste = titles.iter().position(|t| t.contains("caviste"));
    assert!(last_cariste.is_some(), "{titles:?}");
    if let Some(caviste) = first_caviste {
        assert!(last_cariste < Some(caviste), "{titles:?}");
    }
    assert_eq!(p["intent"]["kind"], "training");
    assert_eq!(hits(&p)[0]["kind"], "training");
}

/// Issue 10: "infirmier marseille" is the D.E. Infirmier (IFSI) offers of Parcoursup around Marseille.
#[test]
fn infirmier_marseille_ranks_nearby_ifsi_offers_in_the_top_five() {
    let p = page(&["infirmier marseille"]);
    assert_eq!(p["near"]["label"], "Marseille (13)", "{p}");
    let top: Vec<serde_json::Value> = hits(&p).into_iter().take(5).collect();
    let ifsi: Vec<&serde_json::Value> = top
        .iter()
        .filter(|h| {
            let id = h["id"].as_str().unwrap_or("");
            let t = h["title"].as_str().unwrap_or("").to_lowercase();
            id.starts_with("parcoursup:") && t.contains("infirmier")
        })
        .collect();
    assert!(!ifsi.is_empty(), "{top:?}");
    for h in ifsi {
        let d = h["distance_km"].as_f64().unwrap_or(f64::MAX);
        assert!(d <= 30.0, "{h}");
    }
}

/// A lycée option at its commune's centre: "… · Lycée X · à Marseille", the town said once.
#[test]
fn a_result_at_its_commune_centre_names_the_town_once() {
    let p = page(&["", "--near", "13001", "--kind", "training", "--limit", "40"]);
    let at_town: Vec<serde_json::Value> = hits(&p)
        .into_iter()
        .filter(|h| h["location"].as_str().is_some_and(|l| l.starts_with("à ")))
        .collect();
    assert!(!at_town.is_empty(), "{p}");
    for h in &at_town {
        let location = h["location"].as_str().unwrap_or("");
        let town = location
            .trim_start_matches("à ")
            .split(',')
            .next()
            .unwrap_or("");
        let subtitle = h["subtitle"].as_str().unwrap_or("");
        assert!(
            subtitle.contains("Lycée") || subtitle.contains("lycée"),
            "{h}"
        );
        assert!(!subtitle.ends_with(town), "{h}");
    }
}

/// Issue 10: a place among the words is where the search runs, and the page says so.
#[test]
fn a_place_in_the_words_is_understood_and_said() {
    let p = page(&["aide soignante marseille"]);
    assert_eq!(p["near"]["label"], "Marseille (13)");
    assert_eq!(p["near"]["found_by"], "commune");
    assert_eq!(p["near"]["words"], "marseille");
    assert_eq!(hits(&p)[0]["rome"], "J1501");
    assert!(
        hits(&p)
            .iter()
            .take(3)
            .any(|h| h["id"] == "onisep:FOR.7120"),
        "the national diploma: {p}"
    );
    assert_eq!(
        p["notice"],
        "Aucune formation localisée trouvée près de Marseille (13)"
    );
    assert!(
        p.get("intent").is_none(),
        "« aide » is the job's title: {p}"
    );
    // Nothing unrelated merely because it is in Marseille.
    assert!(hits(&p).iter().all(|h| {
        let t = h["title"].as_str().unwrap_or("").to_lowercase();
        h["distance_km"].is_null() || t.contains("soign")
    }));
    let p = page(&["formation cariste 13001"]);
    assert_eq!(p["near"]["found_by"], "postcode");
    assert_eq!(p["near"]["label"], "Marseille (13001)");
    let p = page(&["cap cuisine 13"]);
    assert_eq!(p["near"]["found_by"], "departement");
    let p = page(&["infirmier près de Rennes"]);
    assert_eq!(p["near"]["words"], "pres de rennes");
    // The words as typed.
    let p = page(&["aide soignante marseille", "--no-place"]);
    assert!(p.get("near").is_none(), "{p}");
    // A given place is kept; the text says what was understood.
    let p = page(&["boulanger lyon", "--near", "13001"]);
    assert_eq!(p["near"]["found_by"], "given");
    let out = run(&["search", "bts commerce lyon", "--limit", "3"]);
    assert!(
        stderr(&out).contains("Compris : près de Lyon (69)"),
        "{}",
        stderr(&out)
    );
}

/// Issue 10: browsing with no words near a place lists located trainings nearest first, with the
/// distance.
#[test]
fn browse_near_me_lists_located_trainings_nearest_first() {
    let p = page(&["", "--near", "13001", "--kind", "training", "--limit", "8"]);
    let d = distances(&p);
    assert!(!d.is_empty() && d.iter().all(|&x| x < 100.0), "{d:?}");
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    assert!(hits(&p).iter().all(|h| h["kind"] == "training"));
}
