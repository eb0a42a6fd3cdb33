//! Building twice from the same data gives the same catalogue, table by table.

mod common;

use common::*;
use rusqlite::types::Value;

fn dump(cat: &orientation_core::catalogue::Catalogue) -> Vec<(String, Vec<Vec<Value>>)> {
    let conn = cat.conn();
    let mut st = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search_fts%' AND name <> 'meta' ORDER BY name")
        .unwrap();
    let tables: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let mut st = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
            let n = st.column_count();
            let mut rows: Vec<Vec<Value>> = st
                .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            rows.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
            (t, rows)
        })
        .collect()
}

#[test]
fn reimport_gives_the_same_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    // Two builds of data/: the run's shared one (data_catalogue: another process, when scripts/test made it)
    // and one here.
    let a = data_catalogue(&dir.path().join("a.db"));
    let (b, _) = build(&data_dir(), &dir.path().join("b.db"));
    let (da, db) = (dump(&a), dump(&b));
    assert!(da.iter().any(|(t, rows)| t == "job" && rows.len() == 1584));
    for ((ta, ra), (tb, rb)) in da.iter().zip(db.iter()) {
        assert_eq!(ta, tb);
        assert!(ra == rb, "table {ta} differs between two builds");
    }
    // Rebuilding in place over an existing catalogue also gives the same content.
    drop(a);
    let (a2, _) = build(&data_dir(), &dir.path().join("a.db"));
    assert!(dump(&a2) == db);
}
