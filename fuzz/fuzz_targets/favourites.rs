//! The favourites import (the JSON export document) on any bytes, into a fresh user database: it must
//! refuse or take the document whole, what it took must export and read back, and importing the same
//! document again must add nothing.
#![no_main]

use orientation_core::db::crypt::UserKey;
use orientation_core::favourites::{export, Store};
use std::sync::OnceLock;

/// One key for the whole run: a fresh one per input would only cost time (the key is not what is fuzzed).
static KEY: OnceLock<UserKey> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let path = orientation_fuzz::cache_dir().join(format!("favourites-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store = Store::open(&path, KEY.get_or_init(UserKey::generate))
        .unwrap_or_else(|e| panic!("base utilisateur : {e}"));
    let parsed = export::parse(data);
    let imported = store.import_json(data);
    assert_eq!(
        parsed.is_ok(),
        imported.is_ok(),
        "parse {parsed:?} / import {imported:?}"
    );
    let Ok(first) = imported else {
        let empty = store
            .export_document()
            .unwrap_or_else(|e| panic!("export : {e}"));
        assert!(
            empty.favourites.is_empty() && empty.saved_searches.is_empty(),
            "refusé mais écrit"
        );
        return;
    };
    let again = store
        .import_json(data)
        .unwrap_or_else(|e| panic!("second import : {e}"));
    assert_eq!(
        (again.favourites_added, again.searches_added),
        (0, 0),
        "{first:?} puis {again:?}"
    );
    let json = store
        .export_json()
        .unwrap_or_else(|e| panic!("export : {e}"));
    let back =
        export::parse(json.as_bytes()).unwrap_or_else(|e| panic!("relecture de l'export : {e}"));
    assert_eq!(back.favourites.len(), first.favourites_added, "{json}");
    assert_eq!(back.saved_searches.len(), first.searches_added, "{json}");
});
