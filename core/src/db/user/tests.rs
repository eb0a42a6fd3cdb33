use super::*;

fn key() -> UserKey {
    crypt::test_key()
}

/// Version 0 is an empty file (a first start); its upgrade must give a working v1.
#[test]
fn upgrade_from_0_creates_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("user.db");
    std::fs::write(&path, b"").unwrap();
    let conn = open(&path, &key()).unwrap();
    assert_eq!(crate::db::user_version(&conn).unwrap(), UserSchema::VERSION);
    set_setting(&conn, "locale", "fr").unwrap();
    set_setting(&conn, "locale", "fr-FR").unwrap();
    assert_eq!(setting(&conn, "locale").unwrap().as_deref(), Some("fr-FR"));
    assert_eq!(setting(&conn, "absent").unwrap(), None);
}

#[test]
fn user_data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/user.db");
    set_setting(&open(&path, &key()).unwrap(), "k", "v").unwrap();
    assert_eq!(
        setting(&open(&path, &key()).unwrap(), "k")
            .unwrap()
            .as_deref(),
        Some("v")
    );
}

/// A frozen copy of a version-1 database, made by the version-1 SQL exactly as it shipped (not by
/// today's `upgrade_from(0)`, which could drift), with a setting in it.
fn frozen_v1(path: &std::path::Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO setting(key, value) VALUES ('locale', 'fr-FR');
             PRAGMA user_version = 1;",
    )
    .unwrap();
}

#[test]
fn upgrade_from_frozen_v1_keeps_settings_and_adds_favourites() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("user.db");
    frozen_v1(&path);
    let conn = open(&path, &key()).unwrap();
    assert_eq!(crate::db::user_version(&conn).unwrap(), UserSchema::VERSION);
    assert_eq!(setting(&conn, "locale").unwrap().as_deref(), Some("fr-FR"));
    conn.execute(
        "INSERT INTO favourite(kind, item_id, position, snapshot, created_at, updated_at)
             VALUES ('job', 'D1102', 0, '{}', 1, 1)",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO favourite_tag(favourite, tag) VALUES (1, 'pain')",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO saved_search(name, query, created_at) VALUES ('boulangerie', '{}', 1)",
        [],
    )
    .unwrap();
    // Same kind and id twice is refused by the schema itself.
    assert!(conn
        .execute(
            "INSERT INTO favourite(kind, item_id, position, snapshot, created_at, updated_at)
                 VALUES ('job', 'D1102', 1, '{}', 1, 1)",
            [],
        )
        .is_err());
    drop(conn);
    // Reopening an upgraded database runs no step again.
    let conn = open(&path, &key()).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM favourite", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
        r.get(0)
    })
    .unwrap()
}

#[test]
fn delete_all_my_data_empties_every_personal_table_and_keeps_settings() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open(&dir.path().join("user.db"), &key()).unwrap();
    conn.execute_batch(
        "INSERT INTO favourite(kind, item_id, note, position, snapshot, created_at, updated_at)
                 VALUES ('job', 'D1102', 'appeler lundi', 0, '{}', 1, 1);
             INSERT INTO favourite_tag(favourite, tag) VALUES (1, 'pain');
             INSERT INTO saved_search(id, name, query, created_at) VALUES (1, 'a', '{}', 1);
             INSERT INTO saved_search_result(search, kind, item_id) VALUES (1, 'job', 'D1102');
             INSERT INTO saved_search_session(search, session_id, open) VALUES (1, 'lheo:1', 0);
             INSERT INTO chat_message(pos, outgoing, sender, body, ts, state)
                 VALUES (1, 1, '@moi:localhost', 'bonjour', 0, 'sent');
             INSERT INTO chat_state(key, value) VALUES ('room_id', '!r:localhost');
             INSERT INTO discover_profile(id, formality, updated_at) VALUES (1, 'tu', 1);
             INSERT INTO discover_answer(position, question, answer) VALUES (0, 'nuit', 'non');",
    )
    .unwrap();
    set_setting(&conn, "locale", "fr").unwrap();
    for table in PERSONAL_TABLES {
        assert!(count(&conn, table) > 0, "{table} not filled by the test");
    }
    delete_all_my_data(&mut conn).unwrap();
    for table in PERSONAL_TABLES {
        assert_eq!(count(&conn, table), 0, "{table}");
    }
    assert_eq!(setting(&conn, "locale").unwrap().as_deref(), Some("fr"));
}

/// A new table must be classified: wiped by "delete all my data", or kept on purpose.
#[test]
fn every_user_table_is_wiped_or_kept_on_purpose() {
    let dir = tempfile::tempdir().unwrap();
    let conn = open(&dir.path().join("user.db"), &key()).unwrap();
    let mut st = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap();
    let tables: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(tables.len() >= PERSONAL_TABLES.len());
    for t in &tables {
        assert!(
            PERSONAL_TABLES.contains(&t.as_str()) || KEPT_TABLES.contains(&t.as_str()),
            "table {t} is neither in PERSONAL_TABLES nor in KEPT_TABLES"
        );
    }
    for t in PERSONAL_TABLES.iter().chain(KEPT_TABLES) {
        assert!(tables.iter().any(|x| x == t), "{t} listed but absent");
    }
}

/// A frozen version-2 database (settings and favourites, as that step shipped) reaches the chat schema
/// and keeps its data.
#[test]
fn upgrade_from_frozen_v2_keeps_favourites_and_adds_chat_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("user.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO setting VALUES ('locale', 'fr');",
    )
    .unwrap();
    conn.execute_batch(include_str!("../../favourites/user_v2.sql"))
        .unwrap();
    conn.execute_batch(
        "INSERT INTO favourite(kind, item_id, position, snapshot, created_at, updated_at)
                 VALUES ('job', 'D1102', 0, '{}', 1, 1);
             PRAGMA user_version = 2;",
    )
    .unwrap();
    drop(conn);
    let conn = open(&path, &key()).unwrap();
    assert_eq!(setting(&conn, "locale").unwrap().as_deref(), Some("fr"));
    assert_eq!(count(&conn, "favourite"), 1);
    conn.execute(
        "INSERT INTO chat_message(pos, outgoing, sender, body, ts, state)
             VALUES (1, 1, '@a:b', 'x', 0, 'sending')",
        [],
    )
    .unwrap();
    assert!(conn
        .execute(
            "INSERT INTO chat_message(pos, outgoing, sender, body, ts, state)
                 VALUES (2, 1, '@a:b', 'x', 0, 'bogus')",
            [],
        )
        .is_err());
    conn.execute("INSERT INTO chat_state VALUES ('room_id', '!r')", [])
        .unwrap();
}

/// A frozen version-3 database (settings, favourites and chat, as those steps shipped) reaches the quiz
/// profile and keeps its data.
#[test]
fn upgrade_from_frozen_v3_keeps_everything_and_adds_the_quiz_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("user.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO setting VALUES ('locale', 'fr');",
    )
    .unwrap();
    conn.execute_batch(include_str!("../../favourites/user_v2.sql"))
        .unwrap();
    conn.execute_batch(CHAT_V3).unwrap();
    conn.execute_batch(
        "INSERT INTO favourite(kind, item_id, position, snapshot, created_at, updated_at)
                 VALUES ('job', 'D1102', 0, '{}', 1, 1);
             INSERT INTO chat_message(pos, outgoing, sender, body, ts, state)
                 VALUES (1, 1, '@a:b', 'bonjour', 0, 'sent');
             PRAGMA user_version = 3;",
    )
    .unwrap();
    drop(conn);
    let conn = open(&path, &key()).unwrap();
    assert_eq!(crate::db::user_version(&conn).unwrap(), UserSchema::VERSION);
    assert_eq!(setting(&conn, "locale").unwrap().as_deref(), Some("fr"));
    assert_eq!(count(&conn, "favourite"), 1);
    assert_eq!(count(&conn, "chat_message"), 1);
    conn.execute(
        "INSERT INTO discover_profile(id, formality, updated_at) VALUES (1, 'vous', 5)",
        [],
    )
    .unwrap();
    // One profile only.
    assert!(conn
        .execute(
            "INSERT INTO discover_profile(id, formality, updated_at) VALUES (2, 'tu', 5)",
            [],
        )
        .is_err());
    conn.execute(
        "INSERT INTO discover_answer(position, question, answer) VALUES (0, 'nuit', 'non')",
        [],
    )
    .unwrap();
    assert!(conn
        .execute(
            "INSERT INTO discover_answer(position, question, answer) VALUES (1, 'nuit', 'oui')",
            [],
        )
        .is_err());
}

/// What `user.db` and its WAL hold, bytes, for searching text in clear.
fn file_bytes(path: &std::path::Path) -> Vec<u8> {
    let mut all = std::fs::read(path).unwrap();
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    if let Ok(w) = std::fs::read(wal) {
        all.extend(w);
    }
    all
}

fn holds(bytes: &[u8], text: &str) -> bool {
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

const SECRETS: &[&str] = &[
    "appeler la mission locale",
    "urgent-perso",
    "boulangerie de nuit",
    "boulanger apprenti",
    "ma mère est malade",
    "plutot_oui",
];

/// Today's schema (version 4, plain), frozen from the shipped SQL, with one of each personal field.
fn frozen_v4_with_personal_data(path: &std::path::Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch("CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);")
        .unwrap();
    conn.execute_batch(include_str!("../../favourites/user_v2.sql"))
        .unwrap();
    conn.execute_batch(CHAT_V3).unwrap();
    conn.execute_batch(include_str!("../../discover/user_v4.sql"))
        .unwrap();
    conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             INSERT INTO setting VALUES ('locale', 'fr');
             INSERT INTO favourite(id, kind, item_id, note, status, position, snapshot, created_at, updated_at)
                 VALUES (1, 'training', 'lheo:1', 'appeler la mission locale', 'refuse', 0, '{}', 1, 1);
             INSERT INTO favourite_tag(favourite, tag) VALUES (1, 'urgent-perso');
             INSERT INTO saved_search(name, query, created_at)
                 VALUES ('boulangerie de nuit', '{\"text\":\"boulanger apprenti\"}', 1);
             INSERT INTO chat_message(pos, outgoing, sender, body, card, ts, state)
                 VALUES (1, 1, '@moi:localhost', 'ma mère est malade', NULL, 0, 'sent');
             INSERT INTO discover_profile(id, formality, updated_at) VALUES (1, 'tu', 1);
             INSERT INTO discover_answer(position, question, answer) VALUES (0, 'nuit', 'plutot_oui');
             PRAGMA user_version = 4;",
        )
        .unwrap();
}

#[test]
fn a_plain_v4_database_is_sealed_in_place_and_reads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("user.db");
    frozen_v4_with_personal_data(&path);
    let before = file_bytes(&path);
    assert!(
        SECRETS.iter().all(|s| holds(&before, s)),
        "test data not in clear before"
    );
    let conn = open(&path, &key()).unwrap();
    assert_eq!(crate::db::user_version(&conn).unwrap(), UserSchema::VERSION);
    let row: (String, String, String, String, String, String, String) = conn
            .query_row(
                "SELECT unseal('favourite.note', f.note), unseal('favourite.status', f.status),
                        unseal('favourite_tag.tag', t.tag), unseal('saved_search.name', s.name),
                        unseal('saved_search.query', s.query), unseal('chat_message.body', m.body),
                        unseal('discover_answer.answer', a.answer)
                 FROM favourite f, favourite_tag t, saved_search s, chat_message m, discover_answer a",
                [],
                |r| r.try_into(),
            )
            .unwrap();
    assert_eq!(row.0, "appeler la mission locale");
    assert_eq!(row.1, "refuse");
    assert_eq!(row.2, "urgent-perso");
    assert_eq!(row.3, "boulangerie de nuit");
    assert_eq!(row.4, "{\"text\":\"boulanger apprenti\"}");
    assert_eq!(row.5, "ma mère est malade");
    assert_eq!(row.6, "plutot_oui");
    // The card was NULL and stays NULL; ids and times are untouched.
    let (card, item): (Option<Vec<u8>>, String) = conn
        .query_row(
            "SELECT m.card, f.item_id FROM chat_message m, favourite f",
            [],
            |r| r.try_into(),
        )
        .unwrap();
    assert_eq!((card, item.as_str()), (None, "lheo:1"));
    assert_eq!(setting(&conn, "locale").unwrap().as_deref(), Some("fr"));
    drop(conn);
    let after = file_bytes(&path);
    for secret in SECRETS {
        assert!(
            !holds(&after, secret),
            "« {secret} » still in clear in the file"
        );
    }
    // Reopening runs no step again and reads the same.
    let conn = open(&path, &key()).unwrap();
    let note: String = conn
        .query_row(
            "SELECT unseal('favourite.note', note) FROM favourite",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(note, "appeler la mission locale");
}

#[test]
fn a_sealing_that_fails_leaves_the_plain_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("user.db");
    frozen_v4_with_personal_data(&path);
    // The sealing step fails half-way (a trigger refuses the tags' update, after the notes were
    // sealed): its one transaction rolls back, nothing half-sealed stays.
    let conn = Connection::open(&path).unwrap();
    conn.execute(
            "CREATE TRIGGER refuse_tag BEFORE UPDATE ON favourite_tag BEGIN SELECT RAISE(ABORT, 'non'); END;",
            [],
        )
        .unwrap();
    drop(conn);
    assert!(open(&path, &key()).is_err());
    let conn = Connection::open(&path).unwrap();
    assert_eq!(crate::db::user_version(&conn).unwrap(), 4);
    let note: String = conn
        .query_row("SELECT note FROM favourite", [], |r| r.get(0))
        .unwrap();
    assert_eq!(note, "appeler la mission locale");
}

#[test]
fn another_key_empties_the_personal_tables_once_says_so_and_keeps_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("user.db");
    frozen_v4_with_personal_data(&path);
    drop(open(&path, &key()).unwrap());
    let lost = crypt::UserKey::generate();
    let err = open(&path, &lost).unwrap_err();
    assert!(matches!(err, Error::PersonalDataReset), "{err}");
    let said = err.to_string();
    assert!(
        said.contains("clé") && said.contains("repartent de zéro"),
        "{said}"
    );
    // The next open works, with empty personal tables and the settings kept.
    let conn = open(&path, &lost).unwrap();
    for table in PERSONAL_TABLES {
        assert_eq!(count(&conn, table), 0, "{table}");
    }
    assert_eq!(setting(&conn, "locale").unwrap().as_deref(), Some("fr"));
    conn.execute(
        "INSERT INTO favourite(kind, item_id, note, position, snapshot, created_at, updated_at)
             VALUES ('job', 'D1102', seal('favourite.note', 'nouvelle note'), 0, '{}', 1, 1)",
        [],
    )
    .unwrap();
    drop(conn);
    // And the old key is now the wrong one in turn.
    assert!(matches!(open(&path, &key()), Err(Error::PersonalDataReset)));
    let after = file_bytes(&path);
    assert!(!holds(&after, "appeler la mission locale"));
}

#[test]
fn a_damaged_sealed_field_is_a_typed_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("user.db");
    let conn = open(&path, &key()).unwrap();
    conn.execute(
        "INSERT INTO favourite(kind, item_id, note, position, snapshot, created_at, updated_at)
             VALUES ('job', 'D1102', x'01020304', 0, '{}', 1, 1)",
        [],
    )
    .unwrap();
    let err: Error = conn
        .query_row(
            "SELECT unseal('favourite.note', note) FROM favourite",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap_err()
        .into();
    assert!(
        matches!(err, Error::Crypt(crypt::CryptError::Unreadable)),
        "{err}"
    );
}
