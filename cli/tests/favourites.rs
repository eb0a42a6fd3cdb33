//! `orientation fav|saved|compare|delete-my-data` as a person or a script uses them, on the real data; and
//! the crash test: a process adding favourites killed with SIGKILL, fifty times, loses nothing committed.

mod common;

use orientation_core::catalogue::Catalogue;
use orientation_core::favourites::{ListFilter, Store};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

fn data() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data"))
}

/// One catalogue built (through the CLI) for every test of this file.
fn catalogue() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| common::built_data_dir().join("catalogue.db"))
}

/// A data directory of its own (its own user.db) sharing the built catalogue.
fn fresh_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("catalogue.db");
    if std::fs::hard_link(catalogue(), &target).is_err() {
        std::fs::copy(catalogue(), &target).unwrap();
    }
    dir
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_orientation"));
    c.arg("--data-dir")
        .arg(dir)
        .arg("--source")
        .arg(data())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn orientation(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = command(dir, args).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs a command that must succeed and returns its output.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = orientation(dir, args, None);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// Runs a command that must fail with one clear line on stderr containing `expected`.
fn fails(dir: &Path, args: &[&str], stdin: Option<&str>, expected: &str) {
    let out = orientation(dir, args, stdin);
    assert!(!out.status.success(), "{args:?} should fail");
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    assert!(
        err.contains(expected),
        "{args:?}: {expected:?} not in {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

fn list_json(dir: &Path) -> Vec<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(&ok(dir, &["fav", "list", "--json"]))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn fav_commands_add_annotate_order_list_and_remove() {
    let dir = fresh_dir();
    let d = dir.path();
    let out = ok(d, &["fav", "add", "d1102", "--tag", "pain"]);
    assert!(
        out.contains("Ajouté aux favoris") && out.contains("D1102"),
        "{out}"
    );
    ok(
        d,
        &[
            "fav",
            "add",
            "lheo:07_10",
            "--status",
            "à contacter",
            "--note",
            "Appeler l'AFPA",
        ],
    );
    let out = ok(d, &["fav", "add", "D1102"]);
    assert!(out.contains("Déjà dans vos favoris"), "{out}");
    ok(d, &["fav", "add", "lheo:9436_18706"]);
    ok(d, &["fav", "add", "lheo:9436_18706", "--kind", "session"]);

    ok(d, &["fav", "status", "lheo:07_10", "candidature envoyée"]);
    ok(d, &["fav", "note", "D1102", "Voir les horaires de nuit"]);
    ok(d, &["fav", "tag", "lheo:07_10", "BTP", "Tours"]);
    ok(d, &["fav", "tag", "lheo:07_10", "Tours", "--remove"]);
    ok(d, &["fav", "move", "lheo:07_10", "1"]);

    let favs = list_json(d);
    let ids: Vec<&str> = favs
        .iter()
        .map(|f| f["item_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["lheo:07_10", "D1102", "lheo:9436_18706", "lheo:9436_18706"]
    );
    let t = &favs[0];
    assert_eq!(t["kind"], "training");
    assert_eq!(t["status"], "candidature_envoyee");
    assert_eq!(t["note"], "Appeler l'AFPA");
    assert_eq!(t["tags"], serde_json::json!(["BTP"]));
    assert_eq!(t["snapshot"]["title"], "Titre professionnel plaquiste");
    assert_eq!(t["availability"]["state"], "offered");
    assert_eq!(favs[1]["note"], "Voir les horaires de nuit");
    assert_eq!(favs[3]["kind"], "session");

    let text = ok(d, &["fav", "list"]);
    assert!(text.contains("candidature envoyée"), "{text}");
    assert!(text.contains("Appeler l'AFPA"), "{text}");
    let text = ok(d, &["fav", "list", "--tag", "btp"]);
    assert!(
        text.contains("lheo:07_10") && !text.contains("D1102"),
        "{text}"
    );
    assert_eq!(ok(d, &["fav", "list", "--count"]).trim(), "4");
    assert_eq!(
        ok(d, &["fav", "list", "--count", "--kind", "training"]).trim(),
        "2"
    );
    assert_eq!(
        ok(
            d,
            &["fav", "list", "--count", "--status", "candidature envoyee"]
        )
        .trim(),
        "1"
    );

    fails(
        d,
        &["fav", "add", "Z9999-nope"],
        None,
        "identifiant inconnu",
    );
    fails(d, &["fav", "add", "RNCP320"], None, "certification");
    fails(
        d,
        &["fav", "status", "D1102", "accepté"],
        None,
        "formations",
    );
    fails(
        d,
        &["fav", "status", "lheo:07_10", "peut-être"],
        None,
        "statut inconnu",
    );
    fails(d, &["fav", "note", "lheo:9436_18706", "x"], None, "--kind");
    fails(d, &["fav", "rm", "J1506"], None, "pas dans vos favoris");
    // A status refused on add adds nothing.
    fails(
        d,
        &["fav", "add", "A1101", "--status", "accepté"],
        None,
        "formations",
    );
    assert_eq!(ok(d, &["fav", "list", "--count"]).trim(), "4");

    ok(d, &["fav", "rm", "lheo:9436_18706", "--kind", "session"]);
    ok(d, &["fav", "rm", "d1102"]);
    assert_eq!(ok(d, &["fav", "list", "--count"]).trim(), "2");
}

#[test]
fn saved_searches_and_compare() {
    let dir = fresh_dir();
    let d = dir.path();
    let out = ok(
        d,
        &[
            "saved",
            "add",
            "Plaquiste",
            "plaquiste",
            "--kind",
            "training",
        ],
    );
    assert!(out.contains("Plaquiste"), "{out}");
    ok(
        d,
        &[
            "saved",
            "add",
            "Paie à distance",
            "paie",
            "--mode",
            "distance",
        ],
    );
    fails(d, &["saved", "add", "plaquiste", "autre"], None, "déjà");
    let list = ok(d, &["saved", "list"]);
    assert!(
        list.contains("Plaquiste") && list.contains("Paie à distance"),
        "{list}"
    );
    let saved: serde_json::Value =
        serde_json::from_str(&ok(d, &["saved", "list", "--json"])).unwrap();
    let paie = saved
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Paie à distance")
        .unwrap();
    assert_eq!(paie["query"]["filters"]["modes"], 4, "filters stored");
    let check = ok(d, &["saved", "check"]);
    assert_eq!(check.matches("rien de nouveau").count(), 2, "{check}");
    let news: serde_json::Value =
        serde_json::from_str(&ok(d, &["saved", "check", "plaquiste", "--json", "--seen"])).unwrap();
    assert_eq!(news[0]["name"], "Plaquiste");
    assert!(news[0]["new_results"].as_array().unwrap().is_empty());
    fails(d, &["saved", "check", "inconnue"], None, "aucune recherche");
    ok(d, &["saved", "rm", "plaquiste"]);
    assert!(!ok(d, &["saved", "list"]).contains("Plaquiste"));

    let c: serde_json::Value = serde_json::from_str(&ok(
        d,
        &[
            "compare",
            "lheo:07_10",
            "lheo:24_162227",
            "--near",
            "47.39,0.69",
            "--date",
            "2017-11-15",
            "--json",
        ],
    ))
    .unwrap();
    let t = c["trainings"].as_array().unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0]["certification"]["id"], "RNCP320");
    assert_eq!(t[0]["registration_open"], true);
    assert_eq!(t[1]["distance_learning"], true);
    let text = ok(
        d,
        &["compare", "lheo:07_10", "lheo:24_162227", "lheo:15_464888"],
    );
    for row in [
        "Certification",
        "Niveau de sortie",
        "Sessions",
        "Financeurs",
        "Métiers visés",
    ] {
        assert!(text.contains(row), "{row} missing:\n{text}");
    }
    fails(d, &["compare", "lheo:07_10"], None, "de 2 à 4");
    fails(
        d,
        &["compare", "lheo:07_10", "D1102"],
        None,
        "n'est pas une formation",
    );
    fails(
        d,
        &[
            "compare",
            "lheo:07_10",
            "lheo:24_162227",
            "--date",
            "demain",
        ],
        None,
        "date invalide",
    );
}

#[test]
fn export_delete_all_then_import_gives_everything_back() {
    let dir = fresh_dir();
    let d = dir.path();
    ok(
        d,
        &[
            "fav",
            "add",
            "D1102",
            "--note",
            "Note à garder",
            "--tag",
            "pain",
        ],
    );
    ok(d, &["fav", "add", "lheo:07_10", "--status", "à étudier"]);
    ok(d, &["saved", "add", "Boulangerie", "boulanger"]);
    let before = list_json(d);
    let export = d.join("export.json");
    ok(d, &["fav", "export", "-o", export.to_str().unwrap()]);
    let text = std::fs::read_to_string(&export).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap()["version"],
        1
    );

    fails(d, &["delete-my-data"], None, "--yes");
    assert_eq!(list_json(d), before, "nothing deleted without --yes");
    ok(d, &["delete-my-data", "--yes"]);
    assert!(list_json(d).is_empty());
    assert!(ok(d, &["saved", "list"]).contains("Aucune"));

    // Refused documents change nothing, even on an empty database.
    let truncated = &text[..text.len() / 2];
    fails(d, &["fav", "import", "-"], Some(truncated), "tronqué");
    let future = text.replacen("\"version\": 1", "\"version\": 7", 1);
    fails(d, &["fav", "import", "-"], Some(&future), "plus récente");
    fails(d, &["fav", "import", "-"], Some("pas du json"), "JSON");
    fails(
        d,
        &["fav", "import", "/nonexistent/export.json"],
        None,
        "lecture",
    );
    assert!(list_json(d).is_empty());

    let out = ok(d, &["fav", "import", export.to_str().unwrap()]);
    assert!(out.contains("2 favori(s) ajouté(s)"), "{out}");
    assert_eq!(list_json(d).len(), before.len());
    let strip = |v: &[serde_json::Value]| -> Vec<serde_json::Value> {
        v.iter()
            .map(|f| {
                let mut f = f.clone();
                f.as_object_mut().unwrap().remove("id");
                f
            })
            .collect()
    };
    assert_eq!(strip(&list_json(d)), strip(&before));
    assert!(ok(d, &["saved", "list"]).contains("Boulangerie"));
    // Importing again adds nothing.
    let out = ok(d, &["fav", "import", export.to_str().unwrap()]);
    assert!(out.contains("0 favori(s) ajouté(s)"), "{out}");
}

/// A small deterministic generator for the kill delays (no dependency for this).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// `fav add -` adds one id per stdin line and prints each once committed. Killed with SIGKILL at a random
/// moment, 50 times: every id it printed is in the database, and the database always opens.
#[test]
fn sigkill_while_adding_never_loses_a_committed_favourite() {
    let dir = fresh_dir();
    let d = dir.path();
    let codes: Vec<String> = {
        let cat = Catalogue::open(catalogue()).unwrap();
        let mut st = cat
            .conn()
            .prepare("SELECT code_rome FROM job ORDER BY code_rome")
            .unwrap();
        let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
        rows.map(|r| r.unwrap()).collect()
    };
    assert!(codes.len() > 1000);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Rng(seed | 1);
    let mut committed: BTreeSet<String> = BTreeSet::new();
    for round in 0..50 {
        // Each round writes: new ids first, and a note that changes on those already there.
        let note = format!("passage {round}");
        let mut child = command(d, &["fav", "add", "-", "--note", &note])
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let offset = round * 31 % codes.len();
        let feed: Vec<String> = codes[offset..]
            .iter()
            .chain(&codes[..offset])
            .map(|c| format!("{c}\n"))
            .collect();
        let writer = std::thread::spawn(move || {
            // An endless feed keeps the process busy whatever the machine's speed, so every kill lands
            // mid-stream; the pipe breaks when the process is killed, which ends the loop.
            for line in feed.iter().cycle() {
                if stdin.write_all(line.as_bytes()).is_err() {
                    break;
                }
            }
        });
        let mut out = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = out.read_to_string(&mut text);
            text
        });
        std::thread::sleep(Duration::from_millis(20 + rng.below(180)));
        let early_exit = child.try_wait().unwrap();
        assert!(
            early_exit.is_none(),
            "round {round}: the process stopped on its own before the kill: {early_exit:?}"
        );
        child.kill().unwrap();
        child.wait().unwrap();
        let _ = writer.join();
        let text = reader.join().unwrap();
        // Only complete lines were reported as committed.
        let complete = match text.rfind('\n') {
            Some(end) => &text[..=end],
            None => "",
        };
        for id in complete.lines() {
            assert!(
                codes.binary_search(&id.to_string()).is_ok(),
                "odd output {id:?}"
            );
            committed.insert(id.to_string());
        }
        // The database opens and holds every id ever reported.
        let key = orientation_core::db::crypt::UserKey::load_or_create_file(&d.join("user.key"))
            .unwrap_or_else(|e| panic!("round {round}: user.key does not open: {e}"));
        let store = Store::open(&d.join("user.db"), &key)
            .unwrap_or_else(|e| panic!("round {round}: user.db does not open: {e}"));
        let present: BTreeSet<String> = store
            .list(&ListFilter::default())
            .unwrap()
            .into_iter()
            .map(|f| f.item_id)
            .collect();
        let lost: Vec<&String> = committed.difference(&present).collect();
        assert!(lost.is_empty(), "round {round}: lost {lost:?}");
    }
    eprintln!("50 kills mid-stream; {} ids committed", committed.len());
    assert!(!committed.is_empty());
    let conn = orientation_core::db::open_read_only(&d.join("user.db")).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    // And the real binary reads it (it may hold more: an id committed just before the kill, unprinted).
    assert!(list_json(d).len() >= committed.len());
}

/// The CLI keeps the key of the personal fields in `user.key`, readable by its owner only; the note
/// is sealed in user.db (not in its bytes), and the export says it holds the notes in clear.
#[test]
fn the_key_file_is_private_the_note_sealed_and_the_export_says_it_is_clear() {
    let dir = fresh_dir();
    let d = dir.path();
    let note = "refusée par la commission, retenter en juin";
    ok(
        d,
        &[
            "fav",
            "add",
            "D1102",
            "--note",
            note,
            "--tag",
            "santé-privé",
        ],
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("user.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "user.key mode {mode:o}");
    }
    let mut bytes = std::fs::read(d.join("user.db")).unwrap();
    if let Ok(wal) = std::fs::read(d.join("user.db-wal")) {
        bytes.extend(wal);
    }
    for secret in [note, "santé-privé"] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "« {secret} » in clear in user.db"
        );
    }
    let export = d.join("export.json");
    let out = orientation(d, &["fav", "export", "-o", export.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("en clair"), "{}", stderr(&out));
    assert!(stderr(&out).contains("discussion"), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&export).unwrap().contains(note));
    // The same key reads the note back on the next run.
    assert!(ok(d, &["fav", "list"]).contains(note));
    // Another key (the file lost): the personal data starts afresh, said once, and the CLI goes on.
    std::fs::remove_file(d.join("user.key")).unwrap();
    let out = orientation(d, &["fav", "list"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("repartent de zéro"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains(note));
    let out = orientation(d, &["fav", "list"], None);
    assert!(
        !stderr(&out).contains("repartent"),
        "said once: {}",
        stderr(&out)
    );
}
