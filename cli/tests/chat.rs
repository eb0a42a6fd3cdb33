//! `orientation chat …` end to end against a real Synapse started by scripts/dev-homeserver (its own port
//! and state directory, .dev/chat-tests/cli; scripts/test stops it at the end).
#![cfg(feature = "chat")]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Without `..`: dev-homeserver recognises its server by the config path in the command line, so
/// every run (this test, scripts/test's final stop) must spell the state directory the same way.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ is inside the repository")
        .to_path_buf()
}

struct Server {
    url: String,
    token: String,
    advisor: String,
}

fn homeserver() -> Server {
    let dir = root().join(".dev/chat-tests/cli");
    // A server left by an earlier run is stopped before its state goes (not orphaned).
    let _ = Command::new("bash")
        .arg(root().join("scripts/dev-homeserver"))
        .arg("stop")
        .env("ORIENTATION_HS_DIR", &dir)
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = Command::new("bash")
        .arg(root().join("scripts/dev-homeserver"))
        .arg("start")
        .env("ORIENTATION_HS_PORT", port.to_string())
        .env("ORIENTATION_HS_DIR", &dir)
        .env("ORIENTATION_HS_START_TIMEOUT", "120")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let env: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("env.json")).unwrap()).unwrap();
    Server {
        url: env["homeserver_url"].as_str().unwrap().to_string(),
        token: env["registration_token"].as_str().unwrap().to_string(),
        advisor: env["advisor_user"].as_str().unwrap().to_string(),
    }
}

fn chat(dir: &Path, server: &str, s: &Server, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orientation"))
        .arg("--data-dir")
        .arg(dir)
        .arg("--source")
        .arg(root().join("data"))
        .arg("chat")
        .args(["--homeserver", server, "--registration-token", &s.token])
        .args(["--service", &s.advisor])
        .args(args)
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn send_share_history_and_status_then_offline_queueing() {
    let s = homeserver();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let out = chat(
        d,
        &s.url,
        &s,
        &["send", "Bonjour, je cherche une formation"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Envoyé."), "{}", text(&out));

    // Sharing a job sheet builds the catalogue first, then sends a card.
    let out = chat(d, &s.url, &s, &["share", "D1102"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Envoyé."), "{}", text(&out));

    let out = chat(d, &s.url, &s, &["history", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let history: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages = history.as_array().expect("a list of messages");
    assert_eq!(messages.len(), 2, "{history}");
    assert_eq!(messages[0]["body"], "Bonjour, je cherche une formation");
    assert!(messages[1]["body"].as_str().unwrap().contains("Boulanger"));
    assert!(messages.iter().all(|m| m["state"] == "sent"), "{history}");

    let out = chat(d, &s.url, &s, &["status", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["pending"], 0);
    assert_eq!(status["has_conversation"], true);
    assert!(status["user_id"].as_str().unwrap().starts_with('@'));

    // `watch` prints the conversation, then sends each line typed, until the end of its input.
    let mut watch = Command::new(env!("CARGO_BIN_EXE_orientation"))
        .arg("--data-dir")
        .arg(d)
        .arg("chat")
        .args(["--homeserver", &s.url, "--registration-token", &s.token])
        .args(["--service", &s.advisor, "watch"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = watch.stdin.take().unwrap();
        stdin.write_all(b"Une question en direct\n\n").unwrap();
    }
    let out = watch.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("Bonjour, je cherche une formation"),
        "{shown}"
    );
    assert!(shown.contains("Une question en direct"), "{shown}");
    let out = chat(d, &s.url, &s, &["history", "--json"]);
    let history: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(history[2]["body"], "Une question en direct", "{history}");
    assert_eq!(history[2]["state"], "sent", "{history}");

    // No server answers here: the message waits in the outbox, and says so, without failing.
    let offline = tempfile::tempdir().unwrap();
    let out = chat(
        offline.path(),
        "http://127.0.0.1:9",
        &s,
        &["send", "message hors ligne"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Pas encore envoyé"), "{}", text(&out));
    let out = chat(
        offline.path(),
        "http://127.0.0.1:9",
        &s,
        &["history", "--json"],
    );
    let history: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(history[0]["state"], "sending", "{history}");
}
