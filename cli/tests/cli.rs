//! The `orientation` binary as a person or a script uses it, on the real data.

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
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let out = orientation(&dir, &["catalogue", "build"], None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
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
