//! The outbox against a real Synapse that goes away: messages written while the server is stopped
//! arrive once each, in order, when it returns; the same when the sending process is killed (kill -9)
//! in the middle of sending; and the conversation stays readable offline across a restart.
//!
//! These tests stop and restart their homeserver, so they run one at a time.

mod chat_support;

use chat_support::*;
use orientation_chat::advisor::{Advisor, AdvisorEvent};
use orientation_chat::{Chat, ChatUpdate, ConnectionState, SendState};
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

fn hs() -> &'static Homeserver {
    static HS: OnceLock<Homeserver> = OnceLock::new();
    HS.get_or_init(|| Homeserver::start("outbox"))
}

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn stop(hs: &Homeserver) {
    tokio::task::block_in_place(|| hs.stop());
}

fn restart(hs: &Homeserver) {
    tokio::task::block_in_place(|| hs.restart());
}

fn numbered(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("message {i:02}")).collect()
}

/// The room where the advisor received `body` from `me`.
async fn room_of(advisor: &mut Advisor, me: &str, body: &str) -> String {
    advisor
        .wait_for(Duration::from_secs(120), |e| match e {
            AdvisorEvent::Message {
                room_id,
                sender,
                body: b,
                ..
            } if sender == me && b == body => Some(room_id.clone()),
            _ => None,
        })
        .await
        .unwrap_or_else(|| panic!("advisor never got « {body} »"))
}

/// What the server holds from `me` in `room`, in server order.
async fn server_bodies(advisor: &Advisor, room: &str, me: &str) -> Vec<String> {
    advisor
        .room_messages(room)
        .await
        .unwrap()
        .into_iter()
        .filter(|(sender, _)| sender == me)
        .map(|(_, body)| body)
        .collect()
}

fn assert_all_sent_once(chat: &Chat, expected: &[String]) {
    let history = chat.history(None, 500).unwrap();
    let mine: Vec<_> = history.iter().filter(|m| m.outgoing).collect();
    let bodies: Vec<&str> = mine.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies,
        expected.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(mine.iter().all(|m| m.state == SendState::Sent));
    let mut ids: Vec<_> = mine.iter().map(|m| m.event_id.clone().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), expected.len(), "one event per message");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_queued_while_synapse_is_down_arrive_once_in_order() {
    let _one_at_a_time = SERIAL.lock().await;
    let hs = hs();
    let dir = tempfile::tempdir().unwrap();
    let mut advisor = hs.advisor(&dir.path().join("advisor")).await;
    let chat = hs.open_app(&dir.path().join("app")).await;
    let me = chat.connect(None).await.unwrap();
    let _tasks = chat.start();
    let mut updates = recorder();
    let _sub = chat.subscribe(updates.recorder.clone()).unwrap();
    updates
        .wait_for("online", |u| {
            matches!(
                u,
                ChatUpdate::Connection {
                    state: ConnectionState::Online
                }
            )
            .then_some(())
        })
        .await;

    stop(hs);
    let expected = numbered(20);
    for text in &expected {
        assert_eq!(
            chat.send_text(text).unwrap().message.state,
            SendState::Sending
        );
    }
    updates
        .wait_for("offline noticed", |u| {
            matches!(
                u,
                ChatUpdate::Connection {
                    state: ConnectionState::Offline
                }
            )
            .then_some(())
        })
        .await;
    // The first message was tried and is waiting for its retry; none went anywhere.
    updates
        .wait_for("a failed attempt with a retry time", |u| match u {
            ChatUpdate::Upsert { message }
                if message.body == expected[0] && message.attempts >= 1 =>
            {
                assert!(message.retry_at_ms.is_some());
                Some(())
            }
            _ => None,
        })
        .await;
    let status = chat.status().unwrap();
    assert_eq!(status.pending, 20);
    assert!(!status.has_conversation, "no room could be created offline");

    restart(hs);
    eventually("all 20 sent after the restart", || {
        chat.status().unwrap().pending == 0
    })
    .await;
    assert_all_sent_once(&chat, &expected);

    let room = room_of(&mut advisor, &me, "message 20").await;
    assert_eq!(server_bodies(&advisor, &room, &me).await, expected);
    advisor.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_survives_a_restart_without_network() {
    let _one_at_a_time = SERIAL.lock().await;
    let hs = hs();
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    let mut advisor = hs.advisor(&dir.path().join("advisor")).await;
    let me = {
        let chat = hs.open_app(&app).await;
        let me = chat.connect(None).await.unwrap();
        let _tasks = chat.start();
        chat.send_text("avant la coupure").unwrap();
        let room = room_of(&mut advisor, &me, "avant la coupure").await;
        advisor.send(&room, "réponse du conseiller").await.unwrap();
        eventually("answer stored", || {
            chat.history(None, 10).unwrap().len() == 2
        })
        .await;
        me
    };

    stop(hs);
    let chat = hs.open_app(&app).await;
    assert_eq!(
        chat.user_id().as_deref(),
        Some(me.as_str()),
        "session resumed offline"
    );
    chat.connect(None).await.unwrap();
    let mut updates = recorder();
    let _sub = chat.subscribe(updates.recorder.clone()).unwrap();
    let snapshot = updates
        .wait_for("snapshot", |u| match u {
            ChatUpdate::Reset { messages } => Some(messages.clone()),
            _ => None,
        })
        .await;
    let bodies: Vec<&str> = snapshot.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["avant la coupure", "réponse du conseiller"]);
    assert_eq!(snapshot[1].sender_name.as_deref(), Some("Conseil SPRO"));

    let _tasks = chat.start();
    let m = chat.send_text("écrit hors ligne").unwrap().message;
    updates
        .wait_for("retrying while offline", |u| match u {
            ChatUpdate::Upsert { message }
                if message.local_id == m.local_id && message.attempts >= 2 =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
    assert_eq!(chat.connection(), ConnectionState::Offline);

    restart(hs);
    updates
        .wait_for("sent once the server is back", |u| match u {
            ChatUpdate::Upsert { message }
                if message.local_id == m.local_id && message.state == SendState::Sent =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
    let room = room_of(&mut advisor, &me, "écrit hors ligne").await;
    assert_eq!(
        server_bodies(&advisor, &room, &me).await,
        ["avant la coupure", "écrit hors ligne"]
    );
    advisor.logout().await;
}

const CHILD_DIR: &str = "ORIENTATION_CHAT_TEST_CHILD_DIR";

/// Not a test on its own: the sending process of the kill -9 tests, run as a child of this binary.
/// It resumes the app in the given directory and sends until the outbox is empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by the kill -9 tests as a child process"]
async fn child_sender() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    let hs = Homeserver {
        url: std::env::var("CHILD_HS_URL").unwrap(),
        port: 0,
        dir: Default::default(),
        advisor_user: std::env::var("CHILD_HS_ADVISOR").unwrap(),
        advisor_password: String::new(),
        registration_token: String::new(),
    };
    let chat = hs.open_app(std::path::Path::new(&dir)).await;
    chat.connect(None).await.unwrap();
    let _tasks = chat.start();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(180);
    while chat.status().unwrap().pending > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "child could not empty its outbox"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("child: outbox empty");
}

fn spawn_child(
    hs: &Homeserver,
    app: &std::path::Path,
    failpoint: Option<&str>,
) -> std::process::Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "child_sender",
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads",
        "1",
    ])
    .env(CHILD_DIR, app)
    .env("CHILD_HS_URL", &hs.url)
    .env("CHILD_HS_ADVISOR", &hs.advisor_user)
    .env_remove("ORIENTATION_CHAT_FAILPOINT")
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    if let Some(f) = failpoint {
        cmd.env("ORIENTATION_CHAT_FAILPOINT", f);
    }
    cmd.spawn().unwrap()
}

/// Lines of a child's stderr, on a channel.
fn stderr_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

fn wait_success(mut child: std::process::Child, lines: std::sync::mpsc::Receiver<String>) {
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(240);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            seen.extend(lines.try_iter());
            assert!(
                status.success(),
                "second sender failed:\n{}",
                seen.join("\n")
            );
            assert!(
                seen.iter().any(|l| l == "child: outbox empty"),
                "{}",
                seen.join("\n")
            );
            return;
        }
        seen.extend(lines.try_iter());
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("second sender did not finish:\n{}", seen.join("\n"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Queues 20 messages with the server stopped (in this process, which then lets go of the app), then
/// restarts the server for the children.
async fn queue_twenty_offline(hs: &Homeserver, app: &std::path::Path) -> String {
    let chat = hs.open_app(app).await;
    let me = chat.connect(None).await.unwrap();
    stop(hs);
    for text in numbered(20) {
        chat.send_text(&text).unwrap();
    }
    assert_eq!(chat.status().unwrap().pending, 20);
    drop(chat);
    restart(hs);
    me
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_after_the_server_accepted_a_message_then_restart() {
    let _one_at_a_time = SERIAL.lock().await;
    let hs = hs();
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    let mut advisor = hs.advisor(&dir.path().join("advisor")).await;
    let me = queue_twenty_offline(hs, &app).await;

    // First sender: stops dead right after the server accepted message 7, before recording it.
    let mut child = spawn_child(hs, &app, Some("after-send:7"));
    let lines = stderr_lines(&mut child);
    let mut seen = Vec::new();
    loop {
        match lines.recv_timeout(Duration::from_secs(180)) {
            Ok(l) if l.contains("failpoint after-send:7 reached") => break,
            Ok(l) => seen.push(l),
            Err(_) => {
                let _ = child.kill();
                panic!("failpoint never reached:\n{}", seen.join("\n"));
            }
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    // Second sender: resends message 7 with its transaction id, then the rest.
    let mut child = spawn_child(hs, &app, None);
    let lines = stderr_lines(&mut child);
    tokio::task::block_in_place(|| wait_success(child, lines));

    let expected = numbered(20);
    let room = room_of(&mut advisor, &me, "message 20").await;
    assert_eq!(server_bodies(&advisor, &room, &me).await, expected);
    let chat = hs.open_app(&app).await;
    assert_all_sent_once(&chat, &expected);
    advisor.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_flushing_then_restart() {
    let _one_at_a_time = SERIAL.lock().await;
    let hs = hs();
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    let mut advisor = hs.advisor(&dir.path().join("advisor")).await;
    let me = queue_twenty_offline(hs, &app).await;

    // First sender: killed as soon as the advisor has seen five of its messages, wherever it is.
    let mut child = spawn_child(hs, &app, None);
    let _lines = stderr_lines(&mut child);
    let mut count = 0;
    while count < 5 {
        let got = advisor
            .wait_for(Duration::from_secs(180), |e| match e {
                AdvisorEvent::Message { sender, .. } if *sender == me => Some(()),
                _ => None,
            })
            .await;
        assert!(got.is_some(), "the first sender sent nothing");
        count += 1;
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let mut child = spawn_child(hs, &app, None);
    let lines = stderr_lines(&mut child);
    tokio::task::block_in_place(|| wait_success(child, lines));

    let expected = numbered(20);
    let room = room_of(&mut advisor, &me, "message 20").await;
    assert_eq!(server_bodies(&advisor, &room, &me).await, expected);
    let chat = hs.open_app(&app).await;
    assert_all_sent_once(&chat, &expected);
    advisor.logout().await;
}
