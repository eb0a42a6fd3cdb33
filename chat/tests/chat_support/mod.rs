//! Shared by the chat tests: a real Synapse started through scripts/dev-homeserver (its own port and
//! state directory per test binary, so tests can stop and restart it), app clients and a recorder of
//! listener updates.
#![allow(dead_code)]

use orientation_chat::{Chat, ChatConfig, ChatListener, ChatUpdate, FileSessionStore, RetryPolicy};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

pub const WAIT: Duration = Duration::from_secs(60);

/// Without `..`: dev-homeserver recognises its server by the config path in the command line, so
/// every run (the tests, scripts/test's final stop) must spell the state directory the same way.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("chat/ is inside the repository")
        .to_path_buf()
}

#[derive(Clone, Debug)]
pub struct Homeserver {
    pub url: String,
    pub port: u16,
    pub dir: PathBuf,
    pub advisor_user: String,
    pub advisor_password: String,
    pub registration_token: String,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn script(args: &[&str], port: u16, dir: &Path) -> std::process::Output {
    Command::new("bash")
        .arg(repo_root().join("scripts/dev-homeserver"))
        .args(args)
        .env("ORIENTATION_HS_PORT", port.to_string())
        .env("ORIENTATION_HS_DIR", dir)
        .env("ORIENTATION_HS_START_TIMEOUT", "120")
        .output()
        .expect("bash runs scripts/dev-homeserver")
}

impl Homeserver {
    /// The homeserver of test binary `name`: reused if it runs, else started on a fresh state. The
    /// state lives in .dev/chat-tests/NAME; scripts/test stops them all at the end.
    pub fn start(name: &str) -> Homeserver {
        let dir = repo_root().join(".dev/chat-tests").join(name);
        let running = dir.join("homeserver.port");
        let port = match std::fs::read_to_string(&running)
            .ok()
            .and_then(|p| p.trim().parse::<u16>().ok())
        {
            Some(p) if script(&["status"], p, &dir).status.success() => p,
            _ => {
                // Not running: start from a clean state (no rooms piling up across runs).
                let _ = std::fs::remove_dir_all(&dir);
                free_port()
            }
        };
        let out = script(&["start"], port, &dir);
        assert!(
            out.status.success(),
            "dev-homeserver start failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let env: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("env.json")).unwrap()).unwrap();
        Homeserver {
            url: env["homeserver_url"].as_str().unwrap().to_string(),
            port,
            dir,
            advisor_user: env["advisor_user"].as_str().unwrap().to_string(),
            advisor_password: env["advisor_password"].as_str().unwrap().to_string(),
            registration_token: env["registration_token"].as_str().unwrap().to_string(),
        }
    }

    pub fn stop(&self) {
        let out = script(&["stop"], self.port, &self.dir);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!self.answers(), "still answering after stop");
    }

    pub fn restart(&self) {
        let out = script(&["start"], self.port, &self.dir);
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn answers(&self) -> bool {
        std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
    }

    /// Configuration of an app whose data lives in `dir`, with short backoffs and sync waits so that
    /// tests react quickly to a restarted server.
    pub fn app_config(&self, dir: &Path) -> ChatConfig {
        // The key of the app's personal fields, kept beside its data as the CLI keeps it.
        let key = orientation_core::db::crypt::UserKey::load_or_create_file(&dir.join("user.key"))
            .unwrap();
        let mut config = ChatConfig::new(&self.url, &self.advisor_user, dir, key);
        config.registration_token = Some(self.registration_token.clone());
        config.retry = RetryPolicy {
            initial: Duration::from_millis(200),
            max: Duration::from_secs(1),
        };
        config.sync_timeout = Duration::from_secs(5);
        config.request_timeout = Duration::from_secs(5);
        config
    }

    pub async fn open_app(&self, dir: &Path) -> Chat {
        Chat::open(self.app_config(dir), sessions(dir))
            .await
            .unwrap()
    }

    pub async fn advisor(&self, store: &Path) -> orientation_chat::advisor::Advisor {
        orientation_chat::advisor::Advisor::login(
            &self.url,
            &self.advisor_user,
            &self.advisor_password,
            store,
        )
        .await
        .unwrap()
    }
}

pub fn sessions(dir: &Path) -> Arc<FileSessionStore> {
    Arc::new(FileSessionStore::new(dir.join("chat-session.json")))
}

/// A listener that keeps every update, for tests to wait on.
pub struct Recorder {
    tx: mpsc::UnboundedSender<ChatUpdate>,
    pub all: Mutex<Vec<ChatUpdate>>,
}

impl ChatListener for Recorder {
    fn on_update(&self, update: ChatUpdate) {
        self.all.lock().unwrap().push(update.clone());
        let _ = self.tx.send(update);
    }
}

pub struct Updates {
    pub rx: mpsc::UnboundedReceiver<ChatUpdate>,
    pub recorder: Arc<Recorder>,
}

pub fn recorder() -> Updates {
    let (tx, rx) = mpsc::unbounded_channel();
    Updates {
        rx,
        recorder: Arc::new(Recorder {
            tx,
            all: Mutex::new(Vec::new()),
        }),
    }
}

impl Updates {
    /// Waits for an update `pick` accepts; panics with `what` after [`WAIT`].
    pub async fn wait_for<T>(
        &mut self,
        what: &str,
        mut pick: impl FnMut(&ChatUpdate) -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some(u)) => {
                    if let Some(t) = pick(&u) {
                        return t;
                    }
                }
                _ => panic!("no update: {what}"),
            }
        }
    }
}

/// Polls `check` until it holds; panics with `what` after [`WAIT`].
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Syncs the Matrix SDK store of the app in `dir` (closed) up to the server's present, on its own:
/// the state of a device whose user database is lost just after the app synced for the last time.
/// The SDK then holds the sync token the app's next initial sync will get.
pub async fn sync_sdk_store_alone(hs: &Homeserver, dir: &Path) {
    use orientation_chat::matrix_sdk::authentication::matrix::MatrixSession;
    use orientation_chat::matrix_sdk::config::{SyncSettings, SyncToken};
    use orientation_chat::matrix_sdk::store::RoomLoadSettings;
    use orientation_chat::matrix_sdk::{Client, SessionMeta, SessionTokens};
    let stored = orientation_chat::SessionStore::load(sessions(dir).as_ref())
        .unwrap()
        .unwrap();
    let client = Client::builder()
        .homeserver_url(&hs.url)
        .sqlite_store(dir.join("chat"), Some(&stored.store_passphrase))
        .build()
        .await
        .unwrap();
    let session = MatrixSession {
        meta: SessionMeta {
            user_id: stored.user_id.as_str().try_into().unwrap(),
            device_id: stored.device_id.as_str().into(),
        },
        tokens: SessionTokens {
            access_token: stored.access_token.clone(),
            refresh_token: None,
        },
    };
    client
        .matrix_auth()
        .restore_session(session, RoomLoadSettings::default())
        .await
        .unwrap();
    client
        .sync_once(
            SyncSettings::new()
                .token(SyncToken::NoToken)
                .timeout(Duration::ZERO),
        )
        .await
        .unwrap();
}
