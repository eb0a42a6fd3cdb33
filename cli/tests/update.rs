//! `orientation catalogue keygen|publish|check|update` end to end, against nginx on 127.0.0.1
//! (scripts/dev-catalogue-server): a first install into an empty data directory, resuming after the
//! updating process is killed, and refusals that exit non-zero with one French line and change nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_orientation"))
}

struct Published {
    root: PathBuf,
    key: PathBuf,
    public: PathBuf,
    url: String,
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Version 1 published from data/ by the CLI, served by nginx (one per test binary).
fn published() -> &'static Published {
    static P: OnceLock<Published> = OnceLock::new();
    P.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-update");
        let state = repo().join(".dev/sync-tests/cli-update");
        let script = repo().join("scripts/dev-catalogue-server");
        let _ = Command::new(&script)
            .env("ORIENTATION_CATALOGUE_SERVER_DIR", &state)
            .arg("stop")
            .output();
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let key = root.join("key");
        let public = PathBuf::from(
            ok(&bin()
                .args(["catalogue", "keygen", "--out"])
                .arg(&key)
                .output()
                .unwrap())
            .trim(),
        );
        assert_eq!(public, root.join("key.pub"));
        ok(&bin()
            .arg("--source")
            .arg(repo().join("data"))
            .args(["catalogue", "publish", "--level", "3", "--out"])
            .arg(root.join("pub"))
            .arg("--key")
            .arg(&key)
            .output()
            .unwrap());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let out = Command::new(&script)
            .env("ORIENTATION_CATALOGUE_SERVER_DIR", &state)
            .env("ORIENTATION_CATALOGUE_PORT", port.to_string())
            .env("ORIENTATION_CATALOGUE_SLOW_RATE", "3m")
            .arg("start")
            .arg(&root)
            .output()
            .unwrap();
        let url = ok(&out).lines().last().unwrap().trim().to_string();
        Published {
            root,
            key,
            public,
            url,
        }
    })
}

fn update(data: &Path, from: &str) -> Command {
    let p = published();
    let mut c = bin();
    c.arg("--data-dir")
        .arg(data)
        .args(["catalogue", "update", "--from", from, "--public-key"])
        .arg(&p.public);
    c
}

fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        e.metadata().map(|m| m.len()).unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn one_error_line(out: &Output) -> String {
    assert!(!out.status.success(), "expected a refusal");
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected: {err}");
    assert!(lines[0].starts_with("orientation : erreur : "), "{err}");
    lines[0].to_string()
}

#[test]
fn a_first_install_into_an_empty_data_dir_then_nothing_new() {
    let p = published();
    let data = p.root.join("app-first");
    let _ = std::fs::remove_dir_all(&data);
    let base = format!("{}pub/", p.url);
    let check = |data: &Path| {
        ok(&bin()
            .arg("--data-dir")
            .arg(data)
            .args(["catalogue", "check", "--from", &base, "--public-key"])
            .arg(&p.public)
            .output()
            .unwrap())
    };
    assert!(
        check(&data).starts_with("Mise à jour disponible : version 1 ("),
        "{}",
        check(&data)
    );
    let out = ok(&update(&data, &base).output().unwrap());
    assert!(
        out.starts_with("Catalogue mis à jour : version 1 (catalogue complet"),
        "{out}"
    );
    assert_eq!(check(&data).trim(), "Le catalogue est à jour (version 1).");
    // The installed catalogue answers a search without a rebuild (which would print its summary).
    let search = bin()
        .arg("--data-dir")
        .arg(&data)
        .args(["search", "boulanger", "--limit", "1"])
        .output()
        .unwrap();
    assert!(ok(&search).contains("Boulanger"));
    assert!(!String::from_utf8_lossy(&search.stderr).contains("Catalogue construit"));
}

#[test]
fn a_killed_update_resumes_where_it_stopped() {
    let p = published();
    let data = p.root.join("app-killed");
    let _ = std::fs::remove_dir_all(&data);
    let slow = format!("{}slow/pub/", p.url);
    let mut child = update(&data, &slow).spawn().unwrap();
    let end = Instant::now() + Duration::from_secs(60);
    loop {
        let got = listing(&data.join("updates"))
            .into_iter()
            .find(|(n, _)| n.ends_with(".part"))
            .map_or(0, |(_, len)| len);
        if got >= 2_000_000 {
            break;
        }
        assert!(Instant::now() < end, "the download did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    // SIGKILL: nothing of ours runs after it.
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!data.join("catalogue.db").exists());
    let out = ok(&update(&data, &format!("{}pub/", p.url)).output().unwrap());
    assert!(out.contains("Téléchargement repris après"), "{out}");
    assert!(out.starts_with("Catalogue mis à jour : version 1"), "{out}");
}

#[test]
fn a_refused_update_says_why_in_one_line_and_changes_nothing() {
    let p = published();
    let data = p.root.join("app-refused");
    let _ = std::fs::remove_dir_all(&data);
    ok(&update(&data, &format!("{}pub/", p.url)).output().unwrap());
    let before = listing(&data);

    // Another publisher's key: the signature does not verify.
    let other = p.root.join("other-key");
    let _ = std::fs::remove_file(&other);
    let _ = std::fs::remove_file(p.root.join("other-key.pub"));
    ok(&bin()
        .args(["catalogue", "keygen", "--out"])
        .arg(&other)
        .output()
        .unwrap());
    let out = bin()
        .arg("--data-dir")
        .arg(&data)
        .args([
            "catalogue",
            "update",
            "--from",
            &format!("{}pub/", p.url),
            "--public-key",
        ])
        .arg(p.root.join("other-key.pub"))
        .output()
        .unwrap();
    assert!(one_error_line(&out).contains("signature du catalogue invalide"));
    // A server error.
    let out = update(&data, &format!("{}error500/pub/", p.url))
        .output()
        .unwrap();
    assert!(one_error_line(&out).contains("serveur indisponible (HTTP 500)"));
    assert_eq!(listing(&data), before);
    // A secret key is never overwritten.
    let out = bin()
        .args(["catalogue", "keygen", "--out"])
        .arg(&p.key)
        .output()
        .unwrap();
    assert!(one_error_line(&out).contains("existe déjà"));
}

#[test]
fn plain_http_to_another_host_is_refused_without_a_packet_leaving() {
    let p = published();
    let data = p.root.join("app-insecure");
    let _ = std::fs::remove_dir_all(&data);
    // In a network namespace of its own (no interface but a down loopback), so nothing could leave
    // even if the check failed.
    let probe = Command::new("unshare").args(["-n", "true"]).output();
    let mut cmd = match probe {
        Ok(o) if o.status.success() => {
            let mut c = Command::new("unshare");
            c.arg("-n").arg(env!("CARGO_BIN_EXE_orientation"));
            c
        }
        _ => {
            println!("SKIPPED plain_http: `unshare -n` is not permitted here");
            return;
        }
    };
    let out = cmd
        .arg("--data-dir")
        .arg(&data)
        .args([
            "catalogue",
            "update",
            "--from",
            "http://catalogue.invalid/spro/",
            "--public-key",
        ])
        .arg(&p.public)
        .output()
        .unwrap();
    assert!(one_error_line(&out).contains("HTTPS obligatoire"));
    assert!(!data.join("catalogue.db").exists());
}
