//! `orientation chat …` end to end against a real Synapse started by scripts/dev-homeserver (its own port
//! and state directory, .dev/chat-tests/cli; scripts/test stops it at the end).
#![cfg(feature = "chat")]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};

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
    advisor_password: String,
    port: u16,
    dir: PathBuf,
}

/// One server for the whole binary; tests that stop it hold [`serial`].
fn server() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(homeserver)
}

/// The tests of this file run one at a time: some stop and restart the server.
fn serial() -> MutexGuard<'static, ()> {
    static M: Mutex<()> = Mutex::new(());
    M.lock().unwrap_or_else(|p| p.into_inner())
}

impl Server {
    fn script(&self, action: &str) {
        let out = Command::new("bash")
            .arg(root().join("scripts/dev-homeserver"))
            .arg(action)
            .env("ORIENTATION_HS_PORT", self.port.to_string())
            .env("ORIENTATION_HS_DIR", &self.dir)
            .env("ORIENTATION_HS_START_TIMEOUT", "120")
            .output()
            .unwrap();
        assert!(out.status.success(), "{action}: {}", text(&out));
    }
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
        advisor_password: env["advisor_password"].as_str().unwrap().to_string(),
        port,
        dir,
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
    let _one = serial();
    let s = server();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let out = chat(d, &s.url, s, &["send", "Bonjour, je cherche une formation"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Envoyé."), "{}", text(&out));

    // Sharing a job sheet builds the catalogue first, then sends a card.
    let out = chat(d, &s.url, s, &["share", "D1102"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Envoyé."), "{}", text(&out));

    let out = chat(d, &s.url, s, &["history", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let history: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages = history.as_array().expect("a list of messages");
    assert_eq!(messages.len(), 2, "{history}");
    assert_eq!(messages[0]["body"], "Bonjour, je cherche une formation");
    assert!(messages[1]["body"].as_str().unwrap().contains("Boulanger"));
    assert!(messages.iter().all(|m| m["state"] == "sent"), "{history}");

    let out = chat(d, &s.url, s, &["status", "--json"]);
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
    let out = chat(d, &s.url, s, &["history", "--json"]);
    let history: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(history[2]["body"], "Une question en direct", "{history}");
    assert_eq!(history[2]["state"], "sent", "{history}");

    // No server answers here: the message waits in the outbox, and says so, without failing.
    let offline = tempfile::tempdir().unwrap();
    let out = chat(
        offline.path(),
        "http://127.0.0.1:9",
        s,
        &["send", "message hors ligne"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Pas encore envoyé"), "{}", text(&out));
    let out = chat(
        offline.path(),
        "http://127.0.0.1:9",
        s,
        &["history", "--json"],
    );
    let history: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(history[0]["state"], "sending", "{history}");
}

/// `orientation chat` in data directory `dir`, with the server's defaults found the way a developer's
/// terminal finds them (the env.json of ORIENTATION_HS_DIR), run from outside the repository.
fn chat_here(dir: &Path, s: &Server, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_orientation"));
    cmd.current_dir(std::env::temp_dir())
        .arg("--data-dir")
        .arg(dir)
        .arg("chat")
        .args(args)
        .env("ORIENTATION_HS_DIR", &s.dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for v in [
        "ORIENTATION_CHAT_HOMESERVER",
        "ORIENTATION_CHAT_REGISTRATION_TOKEN",
        "ORIENTATION_CHAT_SERVICE",
        "ORIENTATION_CHAT_PHONE",
        "ORIENTATION_CHAT_EMAIL",
    ] {
        cmd.env_remove(v);
    }
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn history_bodies(dir: &Path, s: &Server, older: bool) -> Vec<(String, String)> {
    let mut args = vec!["history", "--json"];
    if older {
        args.push("--older");
    }
    let out = chat_here(dir, s, &args, None);
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["body"].as_str().unwrap().to_string(),
                m["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn without_a_server_to_use_send_fails_at_once_saying_what_to_pass() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = tempfile::tempdir().unwrap();
    // Outside the repository, no env.json where ORIENTATION_HS_DIR points, nothing passed.
    let out = Command::new(env!("CARGO_BIN_EXE_orientation"))
        .current_dir(nowhere.path())
        .arg("--data-dir")
        .arg(dir.path())
        .args(["chat", "send", "Bonjour"])
        .env("ORIENTATION_HS_DIR", nowhere.path())
        .env_remove("ORIENTATION_CHAT_HOMESERVER")
        .env_remove("ORIENTATION_CHAT_REGISTRATION_TOKEN")
        .env_remove("ORIENTATION_CHAT_SERVICE")
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    let said = text(&out);
    for flag in ["--homeserver", "--registration-token", "--service"] {
        assert!(said.contains(flag), "{said}");
    }
    assert!(!said.contains("Message transmis"), "{said}");

    // A server but no registration token and no account yet: refused before queuing anything.
    let out = Command::new(env!("CARGO_BIN_EXE_orientation"))
        .current_dir(nowhere.path())
        .arg("--data-dir")
        .arg(dir.path())
        .args(["chat", "--homeserver", "http://127.0.0.1:9"])
        .args(["--service", "@conseil:localhost", "send", "Bonjour"])
        .env("ORIENTATION_HS_DIR", nowhere.path())
        .env_remove("ORIENTATION_CHAT_REGISTRATION_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("--registration-token"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("Message transmis"), "{}", text(&out));
}

/// `http://` to another machine is refused before any connection: run in a network namespace of its own
/// (`unshare -n`: no interface but a down loopback), to a `.invalid` host, so nothing could leave even if
/// the check failed; nothing is written, no message queued.
#[test]
fn plain_http_to_another_homeserver_is_refused_without_a_packet_leaving() {
    let probe = Command::new("unshare").args(["-n", "true"]).output();
    if !matches!(probe, Ok(ref o) if o.status.success()) {
        println!("SKIPPED plain_http: `unshare -n` is not permitted here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = Command::new("unshare")
        .arg("-n")
        .arg(env!("CARGO_BIN_EXE_orientation"))
        .arg("--data-dir")
        .arg(&data)
        .args(["chat", "--homeserver", "http://matrix.region.invalid"])
        .args(["--service", "@conseil:region.invalid"])
        .args(["--registration-token", "jeton", "send", "Bonjour"])
        .env("ORIENTATION_HS_DIR", dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("HTTPS obligatoire"), "{said}");
    assert!(!said.contains("Message transmis"), "{said}");
    assert!(!data.join("user.db").exists(), "nothing queued");
}

#[test]
fn status_and_watch_tell_the_true_connection_and_the_other_channels() {
    let _one = serial();
    let s = server();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = chat_here(d, s, &["send", "Bonjour"], None);
    assert!(text(&out).contains("Envoyé."), "{}", text(&out));

    let out = chat_here(d, s, &["status", "--json"], None);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["connection"], "online", "{status}");
    let out = chat_here(
        d,
        s,
        &[
            "--phone",
            "0 800 000 000",
            "--email",
            "contact@orientation.example",
            "status",
        ],
        None,
    );
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(shown.contains("en ligne"), "{shown}");
    assert!(
        shown.contains("Téléphone") && shown.contains("0 800 000 000"),
        "{shown}"
    );
    assert!(shown.contains("contact@orientation.example"), "{shown}");
    let out = chat_here(d, s, &["status"], None);
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        shown.contains("Téléphone") && shown.contains("non renseigné"),
        "{shown}"
    );
    let out = chat_here(d, s, &["watch"], Some(""));
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(shown.contains("— connecté —"), "{shown}");
    assert!(!shown.contains("hors ligne"), "{shown}");

    s.script("stop");
    let out = chat_here(d, s, &["status", "--json"], None);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let out_watch = chat_here(d, s, &["watch"], Some(""));
    s.script("start");
    assert_eq!(status["connection"], "offline", "{status}");
    let shown = String::from_utf8_lossy(&out_watch.stdout).to_string();
    assert!(shown.contains("hors ligne"), "{shown}");
    assert!(!shown.contains("— connecté —"), "{shown}");
}

#[test]
fn a_message_queued_while_the_server_is_down_goes_once_and_shows_once() {
    let _one = serial();
    let s = server();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rt = tokio::runtime::Runtime::new().unwrap();
    // The advisor's device exists before the app sends, so it can read what the app encrypts.
    let mut advisor = rt.block_on(async {
        orientation_chat::advisor::Advisor::login(
            &s.url,
            &s.advisor,
            &s.advisor_password,
            &d.join("advisor"),
        )
        .await
        .unwrap()
    });
    let out = chat_here(d, s, &["send", "avant la coupure"], None);
    assert!(text(&out).contains("Envoyé."), "{}", text(&out));

    s.script("stop");
    let out = chat_here(d, s, &["send", "écrit pendant la coupure"], None);
    let queued = history_bodies(d, s, false);
    s.script("start");
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Pas encore envoyé"), "{}", text(&out));
    assert_eq!(
        queued[1],
        ("écrit pendant la coupure".into(), "sending".into())
    );

    // Back: `watch` sends what waits and shows each message once, then says it went.
    let out = chat_here(d, s, &["watch"], Some(""));
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(
        shown.matches("écrit pendant la coupure").count(),
        1,
        "{shown}"
    );
    assert!(shown.contains("est envoyé"), "{shown}");
    let history = history_bodies(d, s, true);
    assert_eq!(
        history,
        [
            ("avant la coupure".to_string(), "sent".to_string()),
            ("écrit pendant la coupure".to_string(), "sent".to_string()),
        ]
    );

    // The server holds it once.
    let on_server = rt.block_on(async {
        let room = advisor
            .wait_for(std::time::Duration::from_secs(120), |e| match e {
                orientation_chat::advisor::AdvisorEvent::Message { room_id, body, .. }
                    if body == "écrit pendant la coupure" =>
                {
                    Some(room_id.clone())
                }
                _ => None,
            })
            .await
            .expect("the advisor got the queued message");
        let all = advisor.room_messages(&room).await.unwrap();
        advisor.logout().await;
        all
    });
    let bodies: Vec<&str> = on_server.iter().map(|(_, b)| b.as_str()).collect();
    assert_eq!(bodies, ["avant la coupure", "écrit pendant la coupure"]);
}

#[test]
fn chat_delete_and_delete_my_data_do_not_come_back_with_a_sync() {
    let _one = serial();
    let s = server();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = chat_here(d, s, &["send", "première conversation"], None);
    assert!(text(&out).contains("Envoyé."), "{}", text(&out));

    let out = chat_here(d, s, &["delete"], None);
    assert!(!out.status.success(), "nothing deleted without --yes");
    assert_eq!(history_bodies(d, s, false).len(), 1);
    let out = chat_here(d, s, &["delete", "--yes"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("quittée sur le serveur"),
        "{}",
        text(&out)
    );
    // A sync and a page from the server bring nothing of it back.
    assert!(history_bodies(d, s, true).is_empty());

    let out = chat_here(d, s, &["send", "deuxième conversation"], None);
    assert!(text(&out).contains("Envoyé."), "{}", text(&out));
    assert_eq!(
        history_bodies(d, s, true),
        [("deuxième conversation".to_string(), "sent".to_string())]
    );
    let out = chat_here(d, s, &["status", "--json"], None);
    let before: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_orientation"))
        .current_dir(std::env::temp_dir())
        .arg("--data-dir")
        .arg(d)
        .args(["delete-my-data", "--yes"])
        .env("ORIENTATION_HS_DIR", &s.dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("compte fermé"), "{}", text(&out));
    assert!(!d.join("chat-session.json").exists());
    assert!(history_bodies(d, s, true).is_empty());

    // The next message opens a new account and conversation: the old one stays gone.
    let out = chat_here(d, s, &["send", "après la suppression"], None);
    assert!(text(&out).contains("Envoyé."), "{}", text(&out));
    assert_eq!(
        history_bodies(d, s, true),
        [("après la suppression".to_string(), "sent".to_string())]
    );
    let out = chat_here(d, s, &["status", "--json"], None);
    let after: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_ne!(before["user_id"], after["user_id"]);
}
