//! The three engines behind one small interface, so the evaluation and the benchmark run the same
//! queries on the same documents.

use crate::error::Result;
use crate::fts::search_fts;
use crate::tantivy_engine::TantivyEngine;
use orientation_core::search::{engine::Engine, Hit, Kind, Query};
use rusqlite::Connection;

pub trait SearchEngine {
    fn name(&self) -> &'static str;
    fn search(&self, text: &str, kind: Option<Kind>, limit: usize) -> Result<Vec<Hit>>;
}

fn query(text: &str, kind: Option<Kind>, limit: usize) -> Query {
    let mut q = Query::new(text);
    q.kind = kind;
    q.limit = limit;
    q
}

/// Our engine (core::search::engine), coded against its public API only.
pub struct Ours(pub Engine);

impl SearchEngine for Ours {
    fn name(&self) -> &'static str {
        "nôtre"
    }
    fn search(&self, text: &str, kind: Option<Kind>, limit: usize) -> Result<Vec<Hit>> {
        Ok(self.0.search(&query(text, kind, limit))?)
    }
}

/// Plain SQLite FTS5 (`fts::search_fts`, over an index the bench builds from the same documents): unicode61 without diacritics, prefix on the last
/// word, words OR-ed, bm25 with the title weighted ten times.
pub struct Fts<'c>(pub &'c Connection);

impl SearchEngine for Fts<'_> {
    fn name(&self) -> &'static str {
        "fts5"
    }
    fn search(&self, text: &str, kind: Option<Kind>, limit: usize) -> Result<Vec<Hit>> {
        search_fts(self.0, &query(text, kind, limit))
    }
}

impl SearchEngine for TantivyEngine {
    fn name(&self) -> &'static str {
        "tantivy"
    }
    fn search(&self, text: &str, kind: Option<Kind>, limit: usize) -> Result<Vec<Hit>> {
        TantivyEngine::search(self, text, kind, limit)
    }
}
