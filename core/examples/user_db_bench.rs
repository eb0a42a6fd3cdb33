//! The cost of sealing the personal fields of user.db (docs/privacy.md): open time, a page of 50
//! favourites (note, status, tags) and a page of 50 messages, on a plain database of today's schema
//! (version 4, the queries as they were) and on the same data sealed (version 5, through `unseal`).
//!
//! cargo run --release -p orientation-core --no-default-features --example user_db_bench [FAVOURITES] [MESSAGES]

use orientation_core::db::crypt::UserKey;
use rusqlite::Connection;
use std::path::Path;
use std::time::{Duration, Instant};

const RUNS: usize = 200;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// A version-4 database (the SQL of each shipped step, plain), with `favs` favourites and `msgs` messages.
fn plain_v4(path: &Path, favs: usize, msgs: usize) -> rusqlite::Result<()> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.execute_batch("CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);")?;
    conn.execute_batch(include_str!("../src/favourites/user_v2.sql"))?;
    conn.execute_batch(
        "CREATE TABLE chat_message (
            local_id INTEGER PRIMARY KEY AUTOINCREMENT, pos INTEGER NOT NULL, event_id TEXT UNIQUE,
            txn_id TEXT UNIQUE, outgoing INTEGER NOT NULL, sender TEXT NOT NULL, sender_name TEXT,
            body TEXT NOT NULL, card TEXT, ts INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed', 'received')),
            read INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt INTEGER NOT NULL DEFAULT 0, error TEXT);
         CREATE INDEX chat_message_pos ON chat_message(pos);
         CREATE INDEX chat_message_outbox ON chat_message(pos) WHERE state = 'sending';
         CREATE TABLE chat_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    )?;
    conn.execute_batch(include_str!("../src/discover/user_v4.sql"))?;
    let tx = conn.transaction()?;
    for i in 0..favs {
        tx.execute(
            "INSERT INTO favourite(id, kind, item_id, note, status, position, snapshot, created_at, updated_at)
             VALUES (?1, 'training', ?2, ?3, 'a_contacter', ?1, '{\"title\":\"Formation\"}', 1, 1)",
            rusqlite::params![
                i as i64,
                format!("lheo:{i}"),
                format!("note {i} : appeler l'organisme, demander le financement, dossier à compléter")
            ],
        )?;
        for t in ["à revoir", "urgent"] {
            tx.execute(
                "INSERT INTO favourite_tag(favourite, tag) VALUES (?1, ?2)",
                rusqlite::params![i as i64, t],
            )?;
        }
    }
    for i in 0..msgs {
        tx.execute(
            "INSERT INTO chat_message(pos, event_id, outgoing, sender, body, ts, state)
             VALUES (?1, ?2, ?3, '@x:localhost', ?4, ?1, 'received')",
            rusqlite::params![
                i as i64,
                format!("$e{i}"),
                i % 2 == 0,
                format!("message {i} : bonjour, je voudrais savoir si la formation de cariste est financée par la Région")
            ],
        )?;
    }
    tx.commit()?;
    conn.pragma_update(None, "user_version", 4)?;
    Ok(())
}

fn page_sql(sealed: bool) -> (String, String) {
    let f = |col: &str, expr: &str| {
        if sealed {
            format!("unseal('{col}', {expr})")
        } else {
            expr.to_string()
        }
    };
    let favourites = format!(
        "SELECT f.id, f.kind, f.item_id, {}, {}, f.position, f.snapshot,
            (SELECT group_concat(t, char(31)) FROM (SELECT {} AS t FROM favourite_tag
                WHERE favourite = f.id ORDER BY t COLLATE NOCASE))
         FROM favourite f ORDER BY f.position, f.id LIMIT 50",
        f("favourite.note", "f.note"),
        f("favourite.status", "f.status"),
        f("favourite_tag.tag", "tag")
    );
    let messages = format!(
        "SELECT local_id, event_id, outgoing, sender, {}, {}, ts, state FROM chat_message
         ORDER BY pos DESC LIMIT 50",
        f("chat_message.body", "body"),
        f("chat_message.card", "card")
    );
    (favourites, messages)
}

fn time_page(conn: &Connection, sql: &str) -> Duration {
    let mut st = conn.prepare_cached(sql).expect("prepare");
    median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                let n = st
                    .query_map([], |r| r.get::<_, i64>(0))
                    .expect("query")
                    .count();
                assert_eq!(n, 50);
                t.elapsed()
            })
            .collect(),
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let favs = args.first().copied().unwrap_or(500).max(50);
    let msgs = args.get(1).copied().unwrap_or(5000).max(50);
    let dir = tempfile::tempdir()?;
    let plain = dir.path().join("plain.db");
    let sealed = dir.path().join("sealed.db");
    plain_v4(&plain, favs, msgs)?;
    plain_v4(&sealed, favs, msgs)?;
    let key = UserKey::generate();
    let t = Instant::now();
    drop(orientation_core::db::user::open(&sealed, &key)?);
    let migration = t.elapsed();

    // Open: plain = open + the pragmas of every user connection; sealed = db::user::open (functions,
    // key check, no step left to run).
    let open_plain = median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                let c = Connection::open(&plain).expect("open");
                c.pragma_update(None, "journal_mode", "WAL").expect("wal");
                c.pragma_update(None, "foreign_keys", "ON").expect("fk");
                c.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
                    .expect("version");
                t.elapsed()
            })
            .collect(),
    );
    let open_sealed = median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                drop(orientation_core::db::user::open(&sealed, &key).expect("open"));
                t.elapsed()
            })
            .collect(),
    );
    let plain_conn = Connection::open(&plain)?;
    let sealed_conn = orientation_core::db::user::open(&sealed, &key)?;
    let (fp, mp) = page_sql(false);
    let (fs, ms) = page_sql(true);
    let rows = [
        ("ouverture de user.db", open_plain, open_sealed),
        (
            "page de 50 favoris (note, statut, étiquettes)",
            time_page(&plain_conn, &fp),
            time_page(&sealed_conn, &fs),
        ),
        (
            "page de 50 messages",
            time_page(&plain_conn, &mp),
            time_page(&sealed_conn, &ms),
        ),
    ];
    println!("{favs} favoris, {msgs} messages ; médiane de {RUNS} mesures");
    println!("{:<48} {:>12} {:>12}", "", "en clair", "scellé");
    for (what, a, b) in rows {
        println!("{what:<48} {:>9.1} µs {:>9.1} µs", us(a), us(b));
    }
    println!(
        "scellement en place (v4 → v5, une transaction, puis VACUUM) : {:.1} ms ; taille {} → {} octets",
        migration.as_secs_f64() * 1e3,
        std::fs::metadata(&plain)?.len(),
        std::fs::metadata(&sealed)?.len()
    );
    Ok(())
}
