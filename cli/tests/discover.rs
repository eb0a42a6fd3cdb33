//! `orientation discover` driven as a script and as a person at a terminal, on the real data.

mod common;

use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

fn data() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data"))
}

/// The catalogue, built once through the CLI itself; each test copies it into its own data directory so
/// that profiles do not mix.
fn built() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(common::built_data_dir)
}

fn fresh_dir() -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    std::fs::copy(built().join("catalogue.db"), dir.join("catalogue.db")).unwrap();
    dir
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

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["discover", "--json"];
    all.extend_from_slice(args);
    let out = orientation(dir, &all, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

/// A script answers one question at a time from the JSON alone, until the quiz has no question left.
#[test]
fn the_json_form_drives_a_whole_quiz_from_a_script() {
    let dir = fresh_dir();
    let mut answers: Vec<String> = Vec::new();
    let mut asked = BTreeSet::new();
    loop {
        let args: Vec<String> = answers
            .iter()
            .flat_map(|a| ["--answer".to_string(), a.clone()])
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let v = json(&dir, &args);
        assert_eq!(keys(&v), BTreeSet::from(["next", "answered", "jobs"]));
        assert_eq!(v["answered"], answers.len());
        let jobs = v["jobs"].as_array().unwrap();
        assert_eq!(jobs.len(), 10);
        for j in jobs {
            for k in ["rome", "title", "score", "reasons"] {
                assert!(j.get(k).is_some(), "{k} in {j}");
            }
            assert!(j["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .all(Value::is_string));
            assert!(j["score"].as_u64().unwrap() <= 100);
        }
        let next = &v["next"];
        if next.is_null() {
            break;
        }
        assert_eq!(
            keys(next),
            BTreeSet::from(["id", "text", "choices", "tags"])
        );
        assert_eq!(
            keys(&next["tags"]),
            BTreeSet::from(["centres_interet", "riasec", "contextes"])
        );
        let values: Vec<&str> = next["choices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["value"].as_str().unwrap())
            .collect();
        assert_eq!(
            values,
            ["oui", "plutot_oui", "plutot_non", "non", "ne_sais_pas"]
        );
        let id = next["id"].as_str().unwrap().to_string();
        assert!(asked.insert(id.clone()), "{id} asked twice");
        // Likes what has to do with people, refuses the rest.
        let tags = &next["tags"];
        let social = tags["riasec"].as_array().unwrap().iter().any(|l| l == "S")
            || tags["centres_interet"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == "4" || c == "22");
        let value = if social { values[0] } else { values[3] };
        answers.push(format!("{id}={value}"));
        assert!(answers.len() <= 80, "the quiz does not end");
    }
    assert!(answers.len() >= 12, "{}", answers.len());
    // The final results explain themselves in the person's words.
    let last = json(
        &dir,
        &answers
            .iter()
            .flat_map(|a| ["--answer", a.as_str()])
            .collect::<Vec<_>>(),
    );
    let first = &last["jobs"][0];
    let reasons: Vec<&str> = first["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("aider les gens")
            || r.contains("sens du contact")
            || r.contains("soin")),
        "{first}"
    );
    // A stateless run saved nothing.
    assert_eq!(json(&dir, &["--profile"])["answered"], 0);
}

#[test]
fn bad_answers_are_refused_in_french() {
    let dir = fresh_dir();
    for (arg, says) in [
        ("pas_une_question=oui", "question inconnue"),
        ("manuel=peut-etre", "réponse invalide"),
        ("manuel", "réponse invalide"),
    ] {
        let out = orientation(&dir, &["discover", "--json", "--answer", arg], None);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
    }
    let out = orientation(&dir, &["discover", "--json", "--level-max", "12"], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("niveau inconnu"));
    let out = orientation(
        &dir,
        &["discover", "--json", "--near", "Nullepartville"],
        None,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("lieu introuvable"));
}

#[test]
fn a_refused_context_is_flagged_and_filters_apply() {
    let dir = fresh_dir();
    let base = [
        "--answer",
        "secourir=oui",
        "--answer",
        "soigner=oui",
        "--answer",
        "nuit=non",
    ];
    let top = json(&dir, &base);
    for j in top["jobs"].as_array().unwrap() {
        assert_eq!(j["warnings"].as_array().unwrap().len(), 0, "{j}");
    }
    let mut long = base.to_vec();
    long.extend(["--limit", "2000"]);
    let all = json(&dir, &long);
    assert!(all["jobs"].as_array().unwrap().iter().any(|j| j["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w == "Travail de nuit : tu as répondu non")));
    let mut capped = base.to_vec();
    capped.extend(["--level-max", "4"]);
    for j in json(&dir, &capped)["jobs"].as_array().unwrap() {
        let level = j["level"].as_str().unwrap();
        assert!(
            ["niveau 1", "niveau 2", "niveau 3", "niveau 4"]
                .iter()
                .any(|l| level.contains(l)),
            "{level}"
        );
    }
    let mut hiring = base.to_vec();
    hiring.push("--hiring");
    for j in json(&dir, &hiring)["jobs"].as_array().unwrap() {
        assert!(
            j["hiring"]
                .as_str()
                .unwrap()
                .starts_with("recrute beaucoup"),
            "{j}"
        );
    }
    let vous = json(&dir, &["--vous", "--answer", "cuisine=oui"]);
    assert!(vous["jobs"][0]["reasons"][0]
        .as_str()
        .unwrap()
        .starts_with("vous "));
}

/// At a terminal: answers are kept after each one, the next run resumes, results name their reasons, a
/// job opens on its trainings near a place; "delete all my data" forgets the profile.
#[test]
fn the_interactive_quiz_resumes_and_shows_trainings_near_a_place() {
    let dir = fresh_dir();
    let out = orientation(&dir, &["discover"], Some("1\n4\n2\nq\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Question 1 sur environ 12"), "{text}");
    assert!(text.contains("Question 3 sur environ 12"), "{text}");
    let saved = json(&dir, &["--profile"]);
    assert_eq!(saved["answered"], 3);
    // Back, then stop: 2 answers kept; the results are explained.
    let out = orientation(&dir, &["discover"], Some("r\ns\n1\n37000\n\n"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Reprise du quiz : 3 réponse(s)"), "{text}");
    assert!(text.contains("Des métiers pour toi"), "{text}");
    assert!(text.contains("parce que :"), "{text}");
    assert!(text.contains("Formations près de 37000"), "{text}");
    assert!(text.contains("orientation show "), "{text}");
    assert_eq!(json(&dir, &["--profile"])["answered"], 2);
    // Editing through the script form, then forgetting everything.
    let edited = json(&dir, &["--profile", "--answer", "nuit=non"]);
    assert_eq!(edited["answered"], 3);
    let out = orientation(&dir, &["delete-my-data", "--yes"], None);
    assert!(out.status.success());
    assert_eq!(json(&dir, &["--profile"])["answered"], 0);
    // --restart starts over.
    json(&dir, &["--profile", "--answer", "nuit=non"]);
    let out = orientation(&dir, &["discover", "--restart"], Some("q\n"));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Reprise"));
    assert_eq!(json(&dir, &["--profile"])["answered"], 0);
}

/// From a job to its trainings near a place, as a script does it.
#[test]
fn a_job_opens_on_its_trainings_near_a_place() {
    let dir = fresh_dir();
    let v = json(
        &dir,
        &["--job", "F1604", "--near", "37000", "--radius", "30"],
    );
    assert_eq!(v["title"], "Plaquiste");
    let first = &v["trainings"][0];
    assert_eq!(first["id"], "lheo:07_10");
    let d = first["distance_km"].as_f64().unwrap();
    assert!(d < 30.0, "{d}");
    let out = orientation(&dir, &["discover", "--job", "F1604"], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--near"));
    let out = orientation(
        &dir,
        &["discover", "--job", "F1604", "--near", "37000"],
        None,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Titre professionnel plaquiste"), "{text}");
    assert!(text.contains(" km "), "{text}");
}
