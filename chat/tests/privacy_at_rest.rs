//! Personal data stays personal on disk (docs/privacy.md): after favourites with notes and tags, saved
//! searches, a quiz profile and a conversation, `user.db` and its WAL, read as plain bytes and with plain
//! SQLite (no key), hold none of their words. The chat part runs a real round trip through Synapse
//! (scripts/dev-homeserver).

mod chat_support;

use orientation_core::db::crypt::UserKey;
use orientation_core::favourites::Store;
use std::path::{Path, PathBuf};

const NOTE: &str = "ma conseillère dit que mon dossier RSA bloque";
const TAG: &str = "handicap-reconnu";
const SEARCH_NAME: &str = "apprentissage après ma sortie";
const SEARCH_TEXT: &str = "boulangerie nuit";

fn document() -> String {
    serde_json::json!({
        "format": "orientation-favoris", "version": 2, "exported_at": 0,
        "favourites": [
            {"kind": "job", "id": "D1102", "note": NOTE, "tags": [TAG, "à revoir"],
             "snapshot": {"title": "Boulanger / Boulangère"}, "created_at": 1, "updated_at": 1},
            {"kind": "training", "id": "lheo:1", "status": "refuse", "note": "refusé le 3 mars",
             "snapshot": {"title": "CAP Boulanger"}, "created_at": 2, "updated_at": 2}
        ],
        "saved_searches": [
            {"name": SEARCH_NAME, "query": {"text": SEARCH_TEXT}, "created_at": 1}
        ],
        "discover": {"formality": "tu", "answers": [{"question": "nuit", "answer": "plutot_oui"}],
                     "updated_at": 1}
    })
    .to_string()
}

/// `user.db` and, when there, its `-wal` file, as bytes.
fn file_bytes(db: &Path) -> Vec<u8> {
    let mut all = std::fs::read(db).unwrap();
    for extra in ["-wal", "-journal"] {
        if let Ok(b) = std::fs::read(PathBuf::from(format!("{}{extra}", db.display()))) {
            all.extend(b);
        }
    }
    all
}

fn assert_nowhere_in_clear(db: &Path, words: &[&str]) {
    let bytes = file_bytes(db);
    assert!(bytes.len() > 4096, "the database was read");
    for w in words {
        assert!(
            !bytes.windows(w.len()).any(|x| x == w.as_bytes()),
            "« {w} » is in clear in {} or its WAL",
            db.display()
        );
    }
    // And plain SQLite (rusqlite, no key) reads sealed blobs where the words were.
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn
        .prepare(
            "SELECT note FROM favourite UNION ALL SELECT tag FROM favourite_tag
             UNION ALL SELECT name FROM saved_search UNION ALL SELECT query FROM saved_search
             UNION ALL SELECT body FROM chat_message UNION ALL SELECT answer FROM discover_answer",
        )
        .unwrap();
    let kinds: Vec<String> = st
        .query_map([], |r| {
            Ok(match r.get_ref(0)? {
                rusqlite::types::ValueRef::Blob(_) => "blob",
                rusqlite::types::ValueRef::Null => "null",
                _ => "clear",
            }
            .to_string())
        })
        .unwrap()
        .map(|k| k.unwrap())
        .collect();
    assert!(!kinds.iter().any(|k| k == "clear"), "{kinds:?}");
}

fn favourites_with_notes(db: &Path, key: &UserKey) -> Store {
    let store = Store::open(db, key).unwrap();
    store.import_json(document().as_bytes()).unwrap();
    // Read back through the store: sealed on disk, the same words for the user.
    let favs = store.list(&Default::default()).unwrap();
    assert_eq!(favs[0].note.as_deref(), Some(NOTE));
    assert!(favs[0].tags.iter().any(|t| t == TAG));
    let by_tag = store
        .list(&orientation_core::favourites::ListFilter {
            tag: Some(TAG.to_uppercase()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_tag.len(), 1, "a tag filter still works, in any case");
    assert_eq!(store.saved_searches().unwrap()[0].name, SEARCH_NAME);
    store
}

const FAVOURITE_WORDS: &[&str] = &[
    NOTE,
    TAG,
    "à revoir",
    "refusé le 3 mars",
    SEARCH_NAME,
    SEARCH_TEXT,
    "plutot_oui",
];

/// The favourites export is the user's to share: notes in clear by design, never the conversation.
fn export_has_notes_and_no_chat(store: &Store, chat_words: &[&str]) {
    let json = store.export_json().unwrap();
    assert!(json.contains(NOTE), "the export carries the notes");
    for w in chat_words {
        assert!(!json.contains(w), "the export holds chat text « {w} »");
    }
    assert!(!json.contains("chat"), "no chat section in the export");
}

#[test]
fn favourites_notes_tags_searches_and_quiz_are_not_in_clear_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("user.db");
    let key = UserKey::generate();
    let store = favourites_with_notes(&db, &key);
    // Checked with the store open (the WAL holds the last writes) and after closing it.
    assert_nowhere_in_clear(&db, FAVOURITE_WORDS);
    export_has_notes_and_no_chat(&store, &[]);
    drop(store);
    assert_nowhere_in_clear(&db, FAVOURITE_WORDS);
}

/// Messages written through the chat store's API (what the client does for each message sent and
/// received), without a server.
#[test]
fn messages_written_by_the_chat_store_are_not_in_clear_in_the_file() {
    use orientation_chat::store::{self, Placement, RemoteEvent};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("user.db");
    let key = UserKey::generate();
    let store_ = favourites_with_notes(&db, &key);
    let conn = orientation_core::db::user::open(&db, &key).unwrap();
    let card = orientation_chat::Card {
        kind: orientation_chat::CardKind::Training,
        id: "lheo:1".into(),
        title: "CAP Boulanger carte partagée".into(),
        fields: vec![],
        url: None,
    };
    let mine = store::enqueue(
        &conn,
        "t1",
        "@moi:x",
        "je suis enceinte de 4 mois",
        Some(&card),
        1,
    )
    .unwrap();
    assert_eq!(mine.body, "je suis enceinte de 4 mois");
    store::store_remote(
        &conn,
        &RemoteEvent {
            event_id: "$1".into(),
            sender: "@conseil:x".into(),
            sender_name: Some("Conseil".into()),
            body: "parlons de votre dette de loyer".into(),
            card: None,
            ts: 2,
            txn_id: None,
            own: false,
        },
        Placement::Newest,
    )
    .unwrap();
    let page = store::messages(&conn, None, 50).unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page[1].body, "parlons de votre dette de loyer");
    assert_eq!(
        page[0].card.as_ref().map(|c| c.title.as_str()),
        Some("CAP Boulanger carte partagée")
    );
    let chat_words = [
        "je suis enceinte de 4 mois",
        "parlons de votre dette de loyer",
        "CAP Boulanger carte partagée",
    ];
    let mut all: Vec<&str> = FAVOURITE_WORDS.to_vec();
    all.extend(chat_words);
    assert_nowhere_in_clear(&db, &all);
    export_has_notes_and_no_chat(&store_, &chat_words);
    drop(conn);
    drop(store_);
    assert_nowhere_in_clear(&db, &all);
}

/// The done-when test: a real round trip through Synapse (encrypted room), then the bytes of the app's
/// user.db and WAL hold neither the message sent nor the advisor's answer.
mod with_synapse {
    use super::*;
    use crate::chat_support::*;
    use orientation_chat::advisor::AdvisorEvent;
    use orientation_chat::{ChatUpdate, SendState};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn after_a_chat_round_trip_no_message_text_is_in_clear_in_user_db() {
        let hs = Homeserver::start("privacy");
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("app");
        let mut advisor = hs.advisor(&dir.path().join("advisor")).await;
        let chat = hs.open_app(&app).await;
        chat.connect(Some("Camille")).await.unwrap();
        let _tasks = chat.start();
        let mut updates = recorder();
        let _sub = chat.subscribe(updates.recorder.clone()).unwrap();

        let text = "mon père me frappe, je dois partir de chez moi";
        let local_id = chat.send_text(text).unwrap().message.local_id;
        updates
            .wait_for("my message is sent", |u| match u {
                ChatUpdate::Upsert { message }
                    if message.local_id == local_id && message.state == SendState::Sent =>
                {
                    Some(())
                }
                _ => None,
            })
            .await;
        let room = advisor
            .wait_for(WAIT, |e| match e {
                AdvisorEvent::Message { room_id, body, .. } if body == text => {
                    Some(room_id.clone())
                }
                _ => None,
            })
            .await
            .expect("the advisor receives the message");
        let answer = "Appelez le 119, je vous rappelle dans une heure";
        advisor.send(&room, answer).await.unwrap();
        updates
            .wait_for("the answer reaches the app", |u| match u {
                ChatUpdate::Upsert { message } if message.body == answer => Some(()),
                _ => None,
            })
            .await;
        // The app reads them back in clear.
        let page = chat.history(None, 50).unwrap();
        assert!(page.iter().any(|m| m.body == text) && page.iter().any(|m| m.body == answer));

        let key = UserKey::load_or_create_file(&app.join("user.key")).unwrap();
        let store = favourites_with_notes(&app.join("user.db"), &key);
        let mut all: Vec<&str> = FAVOURITE_WORDS.to_vec();
        all.extend([text, answer]);
        assert_nowhere_in_clear(&app.join("user.db"), &all);
        export_has_notes_and_no_chat(&store, &[text, answer]);
        drop(store);
        drop(chat);
        hs.stop();
    }
}
