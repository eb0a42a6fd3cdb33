//! The advisor chat end to end against a real Synapse (scripts/dev-homeserver): registration, an
//! encrypted conversation with an advisor (a second Matrix client), listener updates, typing and
//! read receipts both ways, cards, session resumption, history paging, deletion.

mod chat_support;

use chat_support::*;
use orientation_chat::advisor::AdvisorEvent;
use orientation_chat::{Card, CardField, CardKind, ChatUpdate, ConnectionState, SendState};
use std::sync::OnceLock;

fn hs() -> &'static Homeserver {
    static HS: OnceLock<Homeserver> = OnceLock::new();
    HS.get_or_init(|| Homeserver::start("e2e"))
}

fn card() -> Card {
    Card {
        kind: CardKind::Training,
        id: "lheo:AF_123".into(),
        title: "CAP Boulanger".into(),
        fields: vec![CardField {
            label: "Organisme".into(),
            value: "CFA des métiers, Marseille".into(),
        }],
        url: Some("https://exemple.fr/formation".into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversation_with_an_advisor_both_ways() {
    let hs = hs();
    let dir = tempfile::tempdir().unwrap();
    let mut advisor = hs.advisor(&dir.path().join("advisor")).await;

    let chat = hs.open_app(&dir.path().join("app")).await;
    assert_eq!(chat.user_id(), None);
    let me = chat.connect(Some("Camille")).await.unwrap();
    assert!(me.starts_with("@usager-"), "{me}");
    let _tasks = chat.start();
    let mut updates = recorder();
    let _sub = chat.subscribe(updates.recorder.clone()).unwrap();
    updates
        .wait_for("first update is the snapshot", |u| match u {
            ChatUpdate::Reset { messages } => {
                assert!(messages.is_empty());
                Some(())
            }
            _ => None,
        })
        .await;

    // The user writes: local echo at once, then sent.
    let text = "Bonjour, je cherche une formation en boulangerie";
    let outcome = chat.send_text(text).unwrap();
    assert_eq!(outcome.message.state, SendState::Sending);
    assert_eq!(outcome.message.body, text);
    let local_id = outcome.message.local_id;
    let sent_event = updates
        .wait_for("my message is sent", |u| match u {
            ChatUpdate::Upsert { message }
                if message.local_id == local_id && message.state == SendState::Sent =>
            {
                message.event_id.clone()
            }
            _ => None,
        })
        .await;

    // The advisor gets it, decrypted, in the room the app opened.
    let (room, event_id, sender) = advisor
        .wait_for(WAIT, |e| match e {
            AdvisorEvent::Message {
                room_id,
                event_id,
                sender,
                body,
                ..
            } if body == text => Some((room_id.clone(), event_id.clone(), sender.clone())),
            _ => None,
        })
        .await
        .expect("the advisor receives the message");
    assert_eq!(sender, me);
    assert_eq!(event_id, sent_event);

    // Advisor reads it: the app's message becomes read.
    advisor.read(&room, &event_id).await.unwrap();
    updates
        .wait_for("read receipt reaches the app", |u| match u {
            ChatUpdate::Upsert { message } if message.local_id == local_id && message.read => {
                Some(())
            }
            _ => None,
        })
        .await;

    // Advisor types, then answers: the app shows who answered.
    advisor.typing(&room, true).await.unwrap();
    updates
        .wait_for("advisor typing notice", |u| match u {
            ChatUpdate::Typing { names } if names == &["Conseil SPRO".to_string()] => Some(()),
            _ => None,
        })
        .await;
    let answer = "Bonjour Camille, je suis Claire, conseillère. Quel âge avez-vous ?";
    let answer_id = advisor.send(&room, answer).await.unwrap();
    let received = updates
        .wait_for("the answer reaches the listener", |u| match u {
            ChatUpdate::Upsert { message } if message.body == answer => Some(message.clone()),
            _ => None,
        })
        .await;
    assert!(!received.outgoing);
    assert_eq!(received.state, SendState::Received);
    assert_eq!(received.sender_name.as_deref(), Some("Conseil SPRO"));
    assert_eq!(received.event_id.as_deref(), Some(answer_id.as_str()));

    // The user types and reads: the advisor sees both.
    chat.set_typing(true).await.unwrap();
    advisor
        .wait_for(WAIT, |e| match e {
            AdvisorEvent::Typing { room_id, user_ids }
                if *room_id == room && user_ids.contains(&me) =>
            {
                Some(())
            }
            _ => None,
        })
        .await
        .expect("advisor sees the user typing");
    chat.mark_read().await.unwrap();
    advisor
        .wait_for(WAIT, |e| match e {
            AdvisorEvent::Read {
                room_id,
                event_id,
                user_id,
            } if *room_id == room && *event_id == answer_id && *user_id == me => Some(()),
            _ => None,
        })
        .await
        .expect("advisor sees the read receipt");

    // A shared card: structured for the app, readable text for the advisor.
    let shared = chat.share(&card()).unwrap();
    assert_eq!(shared.message.card, Some(card()));
    let (body, got) = advisor
        .wait_for(WAIT, |e| match e {
            AdvisorEvent::Message {
                room_id,
                body,
                card,
                ..
            } if *room_id == room && card.is_some() => Some((body.clone(), card.clone())),
            _ => None,
        })
        .await
        .expect("advisor gets the card");
    assert_eq!(got, Some(card()));
    assert!(
        body.starts_with("[Fiche partagée – Formation] CAP Boulanger\nIdentifiant : lheo:AF_123"),
        "{body}"
    );
    assert!(
        body.contains("Organisme : CFA des métiers, Marseille"),
        "{body}"
    );

    // History as stored: the three messages in order, with their states.
    let history = chat.history(None, 50).unwrap();
    let bodies: Vec<&str> = history.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, [text, answer, card().to_text().as_str()]);
    let status = chat.status().unwrap();
    assert!(status.has_conversation);
    assert_eq!(status.last_advisor.as_deref(), Some("Conseil SPRO"));
    assert_eq!(status.connection, ConnectionState::Online);

    // A conversation is reused: a second message goes to the same room.
    chat.send_text("Merci !").unwrap();
    advisor
        .wait_for(WAIT, |e| match e {
            AdvisorEvent::Message { room_id, body, .. } if body == "Merci !" => {
                assert_eq!(*room_id, room);
                Some(())
            }
            _ => None,
        })
        .await
        .expect("second message in the same room");
    advisor.logout().await;
}

/// A second start resumes the stored session: same device, same token, no login.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_resumes_the_session_without_logging_in() {
    let hs = hs();
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    let (user, device) = {
        let chat = hs.open_app(&app).await;
        let user = chat.connect(None).await.unwrap();
        (user, chat.device_id().unwrap())
    };
    let stored = sessions(&app);
    let before = orientation_chat::SessionStore::load(stored.as_ref())
        .unwrap()
        .unwrap();

    let chat = hs.open_app(&app).await;
    // Logged in before any network request.
    assert_eq!(chat.user_id().as_deref(), Some(user.as_str()));
    assert_eq!(chat.device_id().as_deref(), Some(device.as_str()));
    assert_eq!(chat.connect(None).await.unwrap(), user);
    let after = orientation_chat::SessionStore::load(stored.as_ref())
        .unwrap()
        .unwrap();
    assert_eq!(after.access_token, before.access_token, "no new login");

    // The server forgot the token (simulated: the stored one is garbage): the app logs in again as
    // the same device with its stored password.
    let mut broken = after.clone();
    broken.access_token = "syt_invalid".into();
    orientation_chat::SessionStore::save(stored.as_ref(), &broken).unwrap();
    drop(chat);
    let chat = hs.open_app(&app).await;
    assert_eq!(chat.connect(None).await.unwrap(), user);
    assert_eq!(chat.device_id().as_deref(), Some(device.as_str()));
    let renewed = orientation_chat::SessionStore::load(stored.as_ref())
        .unwrap()
        .unwrap();
    assert_ne!(renewed.access_token, "syt_invalid");
    let _tasks = chat.start();
    let m = chat.send_text("après reconnexion").unwrap().message;
    eventually("sent after logging in again", || {
        chat.history(None, 10)
            .unwrap()
            .iter()
            .any(|x| x.local_id == m.local_id && x.state == SendState::Sent)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_registration_token_is_refused_clearly() {
    let hs = hs();
    let dir = tempfile::tempdir().unwrap();
    let mut config = hs.app_config(dir.path());
    config.registration_token = Some("pas-le-bon-jeton".into());
    let chat = orientation_chat::Chat::open(config, sessions(dir.path()))
        .await
        .unwrap();
    let err = chat.connect(None).await.unwrap_err();
    assert!(
        matches!(
            err,
            orientation_core::Error::Chat(orientation_chat::ChatError::RegistrationRefused)
        ),
        "{err}"
    );
    assert_eq!(chat.user_id(), None);
    // Messages can still be written: they wait in the outbox.
    let m = chat.send_text("en attente").unwrap().message;
    assert_eq!(m.state, SendState::Sending);
    assert_eq!(chat.status().unwrap().pending, 1);
}

/// History written while the app was away comes back whole (a limited sync's gap is filled). After
/// losing the local database (session and keys remain), the recent messages come with the first sync
/// and older ones page by page, decrypted, in order, once each, until the room's start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gap_filling_and_backwards_pagination() {
    let hs = hs();
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    let mut advisor = hs.advisor(&dir.path().join("advisor")).await;
    let room = {
        let chat = hs.open_app(&app).await;
        chat.connect(None).await.unwrap();
        let tasks = chat.start();
        chat.send_text("question").unwrap();
        let room = advisor
            .wait_for(WAIT, |e| match e {
                AdvisorEvent::Message { room_id, body, .. } if body == "question" => {
                    Some(room_id.clone())
                }
                _ => None,
            })
            .await
            .unwrap();
        eventually("sent", || chat.status().unwrap().pending == 0).await;
        drop(tasks);
        room
    };
    // 120 answers while the app is closed: more than one sync page.
    for i in 1..=120 {
        advisor
            .send(&room, &format!("réponse {i:03}"))
            .await
            .unwrap();
    }
    let mut expected: Vec<String> = std::iter::once("question".to_string())
        .chain((1..=120).map(|i| format!("réponse {i:03}")))
        .collect();

    let chat = hs.open_app(&app).await;
    chat.connect(None).await.unwrap();
    let tasks = chat.start();
    eventually("all 121 messages after the gap", || {
        chat.history(None, 500).unwrap().len() == 121
    })
    .await;
    assert_eq!(bodies(&chat.history(None, 500).unwrap()), expected);
    drop(tasks);
    drop(chat);

    // The local database is lost; session and keys remain, and the SDK's store is up to date: the
    // SDK ignores the app's first sync, whose token it already has.
    for f in ["user.db", "user.db-wal", "user.db-shm"] {
        let _ = std::fs::remove_file(app.join(f));
    }
    sync_sdk_store_alone(hs, &app).await;
    let chat = hs.open_app(&app).await;
    chat.connect(None).await.unwrap();
    let updates = recorder();
    let _sub = chat.subscribe(updates.recorder.clone()).unwrap();
    let tasks = chat.start();
    eventually("the recent messages with the first sync", || {
        !chat.history(None, 500).unwrap().is_empty()
    })
    .await;
    let first = bodies(&chat.history(None, 500).unwrap());
    assert!(first.len() < 121, "{}", first.len());
    assert_eq!(first, expected[121 - first.len()..]);
    eventually("the listener shows the recent messages", || {
        shown(&updates.recorder.all.lock().unwrap()) == first
    })
    .await;
    let mut pages = 0;
    loop {
        let n = chat.load_older(40).await.unwrap();
        assert!(n <= 40, "{n}");
        if n == 0 {
            break;
        }
        pages += 1;
        assert!(pages < 20, "pagination does not end");
    }
    assert!(pages >= 2, "{pages} pages of 40 after a first page");
    assert_eq!(bodies(&chat.history(None, 500).unwrap()), expected);
    // The room's start is reached: nothing more, now or later.
    assert_eq!(chat.load_older(40).await.unwrap(), 0);

    // What listeners saw: the recent messages first, then older pages, each going before what is
    // shown, never a message twice.
    eventually("listener has every message", || {
        shown(&updates.recorder.all.lock().unwrap()).len() >= 121
    })
    .await;
    let all = updates.recorder.all.lock().unwrap().clone();
    assert_eq!(shown(&all), expected);

    // Paging by local id gives the same, in slices.
    let last = chat.history(None, 21).unwrap();
    assert_eq!(bodies(&last), expected[100..]);
    let before = chat.history(Some(last[0].local_id), 100).unwrap();
    assert_eq!(bodies(&before), expected[..100]);

    // Live messages still go after everything.
    advisor.send(&room, "après la restauration").await.unwrap();
    expected.push("après la restauration".to_string());
    eventually("a live message after paging", || {
        chat.history(None, 500).unwrap().len() == expected.len()
    })
    .await;
    assert_eq!(bodies(&chat.history(None, 500).unwrap()), expected);
    drop(tasks);
    drop(chat);

    // The paging state and the oldest messages are lost (a copy of the database restored): paging
    // resumes just before the oldest message held, not from the live end.
    {
        let db = rusqlite::Connection::open(app.join("user.db")).unwrap();
        db.execute(
            "DELETE FROM chat_state WHERE key IN ('back_token', 'history_complete')",
            [],
        )
        .unwrap();
        db.execute(
            "DELETE FROM chat_message WHERE local_id IN
               (SELECT local_id FROM chat_message ORDER BY pos LIMIT 60)",
            [],
        )
        .unwrap();
    }
    let chat = hs.open_app(&app).await;
    chat.connect(None).await.unwrap();
    let tasks = chat.start();
    assert_eq!(chat.load_older(1).await.unwrap(), 1);
    assert_eq!(chat.history(None, 1000).unwrap()[0].body, expected[59]);
    let mut pages = 0;
    while chat.load_older(40).await.unwrap() > 0 {
        pages += 1;
        assert!(pages < 20, "pagination does not end");
    }
    assert_eq!(bodies(&chat.history(None, 500).unwrap()), expected);
    drop(tasks);
    drop(chat);

    // Lost again, and older history asked for before the first sync (as `chat history --older`
    // does): it waits for the sync that finds the conversation, then gives a page.
    for f in ["user.db", "user.db-wal", "user.db-shm"] {
        let _ = std::fs::remove_file(app.join(f));
    }
    let chat = hs.open_app(&app).await;
    chat.connect(None).await.unwrap();
    let first_older = tokio::spawn({
        let chat = chat.clone();
        async move { chat.load_older(40).await }
    });
    let _tasks = chat.start();
    assert_eq!(first_older.await.unwrap().unwrap(), 40);
    while chat.load_older(40).await.unwrap() > 0 {}
    assert_eq!(bodies(&chat.history(None, 500).unwrap()), expected);
    advisor.logout().await;
}

fn bodies(messages: &[orientation_chat::Message]) -> Vec<String> {
    messages.iter().map(|m| m.body.clone()).collect()
}

/// The conversation a listener shows after applying `updates` (bodies, oldest first).
fn shown(updates: &[ChatUpdate]) -> Vec<String> {
    let mut shown: Vec<orientation_chat::Message> = Vec::new();
    for u in updates {
        match u {
            ChatUpdate::Reset { messages } => shown = messages.clone(),
            ChatUpdate::Upsert { message } => {
                match shown.iter_mut().find(|m| m.local_id == message.local_id) {
                    Some(m) => *m = message.clone(),
                    None => shown.push(message.clone()),
                }
            }
            ChatUpdate::Remove { local_id } => shown.retain(|m| m.local_id != *local_id),
            ChatUpdate::Older { messages } => {
                shown.splice(0..0, messages.iter().cloned());
            }
            _ => {}
        }
    }
    bodies(&shown)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_the_conversation_then_all_data() {
    let hs = hs();
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    let mut advisor = hs.advisor(&dir.path().join("advisor")).await;
    let chat = hs.open_app(&app).await;
    let me = chat.connect(None).await.unwrap();
    let _tasks = chat.start();
    let mut updates = recorder();
    let _sub = chat.subscribe(updates.recorder.clone()).unwrap();
    chat.send_text("première conversation").unwrap();
    let first_room = advisor
        .wait_for(WAIT, |e| match e {
            AdvisorEvent::Message { room_id, body, .. } if body == "première conversation" => {
                Some(room_id.clone())
            }
            _ => None,
        })
        .await
        .unwrap();

    let done = chat.delete_conversation().await.unwrap();
    assert!(done.server_done, "the room was left now: {}", done.notice);
    assert!(chat.history(None, 10).unwrap().is_empty());
    updates
        .wait_for("listener is reset to nothing", |u| match u {
            ChatUpdate::Reset { messages } if messages.is_empty() => Some(()),
            _ => None,
        })
        .await;
    assert!(!chat.status().unwrap().has_conversation);

    // The next message opens a new room; the old one was left.
    chat.send_text("nouvelle conversation").unwrap();
    let second_room = advisor
        .wait_for(WAIT, |e| match e {
            AdvisorEvent::Message { room_id, body, .. } if body == "nouvelle conversation" => {
                Some(room_id.clone())
            }
            _ => None,
        })
        .await
        .unwrap();
    assert_ne!(first_room, second_room);

    let done = chat.delete_all_data().await.unwrap();
    assert!(
        done.server_done && done.notice.contains("compte fermé"),
        "{}",
        done.notice
    );
    assert!(chat.history(None, 10).unwrap().is_empty());
    assert!(!app.join("chat").exists(), "SDK store removed");
    assert!(!app.join("chat-session.json").exists(), "session removed");
    assert!(chat.send_text("encore ?").is_err());
    // The account is gone on the server: its password no longer logs in.
    let c = orientation_chat::matrix_sdk::Client::builder()
        .homeserver_url(&hs.url)
        .build()
        .await
        .unwrap();
    let sessions_gone = sessions(&app);
    assert!(orientation_chat::SessionStore::load(sessions_gone.as_ref())
        .unwrap()
        .is_none());
    let refused = c
        .matrix_auth()
        .login_username(&me, "n'importe quoi")
        .send()
        .await;
    assert!(refused.is_err());
    advisor.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_hours_the_message_waits_and_other_channels_are_offered() {
    let hs = hs();
    let dir = tempfile::tempdir().unwrap();
    let mut config = hs.app_config(dir.path());
    // A service that is never open.
    config.hours.chat.week = Default::default();
    config.contact.phone = Some("0 800 000 000".into());
    config.contact.email = Some("contact@orientation.example".into());
    let chat = orientation_chat::Chat::open(config, sessions(dir.path()))
        .await
        .unwrap();
    let outcome = chat.share(&card()).unwrap();
    assert!(!outcome.chat.open);
    let options = outcome.outside_hours.expect("other channels offered");
    assert_eq!(options.phone.unwrap().uri, "tel:0800000000");
    let email = options.email.unwrap();
    assert!(email.body.contains("Identifiant : lheo:AF_123"));
    assert!(email.subject.ends_with("CAP Boulanger"));
    assert!(
        outcome.notice.starts_with("Le service est fermé"),
        "{}",
        outcome.notice
    );
    // Queued all the same.
    assert_eq!(chat.status().unwrap().pending, 1);
}

/// Handover: the first advisor invites a colleague, who answers; the app shows who answered, and the
/// user's next message reaches the colleague too (encrypted for the new member).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_colleague_takes_over_and_is_shown_as_such() {
    use orientation_chat::advisor::Advisor;
    let hs = hs();
    let dir = tempfile::tempdir().unwrap();
    let mut advisor = hs.advisor(&dir.path().join("advisor")).await;
    let chat = hs.open_app(&dir.path().join("app")).await;
    chat.connect(None).await.unwrap();
    let _tasks = chat.start();
    let mut updates = recorder();
    let _sub = chat.subscribe(updates.recorder.clone()).unwrap();

    chat.send_text("Question sur le permis de conduire")
        .unwrap();
    let room = advisor
        .wait_for(WAIT, |e| match e {
            AdvisorEvent::Message { room_id, body, .. }
                if body == "Question sur le permis de conduire" =>
            {
                Some(room_id.clone())
            }
            _ => None,
        })
        .await
        .expect("first advisor gets the question");

    let mut colleague = Advisor::register(
        &hs.url,
        &hs.registration_token,
        "conseil-lucie",
        "Lucie, conseillère mobilité",
        &dir.path().join("colleague"),
    )
    .await
    .unwrap();
    let colleague_id = colleague.user_id().unwrap();
    assert_ne!(Some(colleague_id.clone()), advisor.user_id());
    advisor.invite(&room, &colleague_id).await.unwrap();

    // The colleague's client joins on the invitation; until then its sends are refused.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match colleague.send(&room, "Bonjour, je prends le relais.").await {
            Ok(_) => break,
            Err(_) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await
            }
            Err(e) => panic!("the colleague never could answer: {e}"),
        }
    }
    let shown = updates
        .wait_for("the colleague's answer", |u| match u {
            ChatUpdate::Upsert { message } if message.body == "Bonjour, je prends le relais." => {
                Some(message.clone())
            }
            _ => None,
        })
        .await;
    assert!(!shown.outgoing);
    assert_eq!(shown.sender_id, colleague_id);
    assert_eq!(
        shown.sender_name.as_deref(),
        Some("Lucie, conseillère mobilité")
    );
    assert_eq!(
        chat.status().unwrap().last_advisor.as_deref(),
        Some("Lucie, conseillère mobilité")
    );

    chat.send_text("Merci Lucie").unwrap();
    colleague
        .wait_for(WAIT, |e| match e {
            AdvisorEvent::Message { room_id, body, .. } if body == "Merci Lucie" => {
                assert_eq!(*room_id, room);
                Some(())
            }
            _ => None,
        })
        .await
        .expect("the colleague reads the user's next message");
}
