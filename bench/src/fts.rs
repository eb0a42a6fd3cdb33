//! The plain SQLite FTS5 baseline the evaluation and the benchmark compare our engine with. The shipped
//! catalogue does not carry it: the bench builds its FTS5 index, from the same documents, in a database
//! of its own.

use crate::error::Result;
use orientation_core::search::doc::Doc;
use orientation_core::search::{Hit, Kind, Query};
use orientation_core::territory::{self, Point};
use orientation_core::text;
use rusqlite::{params, Connection};
use std::collections::HashMap;
use std::path::Path;

const SCHEMA: &str = "
CREATE TABLE search_doc (
    doc INTEGER PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, subtitle TEXT,
    rome TEXT, lat REAL, lon REAL, distance_learning INTEGER NOT NULL DEFAULT 0, prior REAL NOT NULL DEFAULT 0
);
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body, content='', contentless_delete=1, tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3'
);";

/// Builds the FTS5 baseline of `docs` in a new database at `path` and opens it.
pub fn build(path: &Path, docs: &[Doc]) -> Result<Connection> {
    let _ = std::fs::remove_file(path);
    let mut conn = Connection::open(path)?;
    conn.execute_batch(SCHEMA)?;
    let tx = conn.transaction()?;
    write(&tx, docs)?;
    tx.commit()?;
    Ok(conn)
}

/// Writes the documents and their FTS5 rows; document numbers follow the order of `docs`.
pub fn write(tx: &Connection, docs: &[Doc]) -> Result<()> {
    let mut ins_doc = tx.prepare(
        "INSERT INTO search_doc(doc, kind, id, title, subtitle, rome, lat, lon, distance_learning, prior)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut ins_fts =
        tx.prepare("INSERT INTO search_fts(rowid, title, body) VALUES (?1, ?2, ?3)")?;
    for (i, d) in docs.iter().enumerate() {
        let doc = i as i64 + 1;
        ins_doc.execute(params![
            doc,
            d.kind,
            d.id,
            d.title,
            d.subtitle,
            d.rome,
            d.lat,
            d.lon,
            d.distance_learning,
            d.prior
        ])?;
        ins_fts.execute(params![doc, d.title, d.body])?;
    }
    Ok(())
}

/// FTS5 query text: every word quoted (so operators and odd characters are plain text), OR-ed, the last one
/// a prefix while the user is still typing it.
pub fn fts_query(text: &str) -> Option<String> {
    let words = text::words(text);
    let last_is_prefix = !text.ends_with(char::is_whitespace);
    let n = words.len();
    let parts: Vec<String> = words
        .into_iter()
        .enumerate()
        .map(|(i, w)| {
            let star = if i + 1 == n && last_is_prefix {
                "*"
            } else {
                ""
            };
            format!("\"{}\"{star}", w.replace('"', ""))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" OR "))
}

struct Candidate {
    hit: Hit,
    lat: Option<f64>,
    lon: Option<f64>,
    distance_learning: bool,
}

fn within(q: &Query, c: &Candidate) -> Option<Option<f64>> {
    let Some(center) = q.near else {
        return Some(None);
    };
    match (c.lat, c.lon) {
        (Some(lat), Some(lon)) => {
            let d = territory::distance_km(center, Point { lat, lon });
            (d <= q.radius_km).then_some(Some(d))
        }
        // Jobs and aids have no place; a distance-learning training is reachable from anywhere.
        _ => {
            let reachable = match c.hit.kind {
                Kind::Job | Kind::Aid => true,
                Kind::Training => c.distance_learning,
                Kind::Place => false,
            };
            reachable.then_some(None)
        }
    }
}

/// The plain FTS5 baseline: unicode61 with diacritics removed, the last word as a prefix, words OR-ed,
/// BM25 with the title weighted ten times the body; one result per job fiche.
pub fn search_fts(conn: &Connection, q: &Query) -> Result<Vec<Hit>> {
    let Some(fts) = fts_query(&q.text) else {
        return browse(conn, q);
    };
    let mut st = conn.prepare_cached(
        "SELECT d.kind, d.id, d.title, d.subtitle, d.rome, d.lat, d.lon, d.distance_learning,
                bm25(search_fts, 10.0, 1.0) AS s
         FROM search_fts JOIN search_doc d ON d.doc = search_fts.rowid
         WHERE search_fts MATCH ?1 AND (?2 IS NULL OR d.kind = ?2)
         ORDER BY s LIMIT ?3",
    )?;
    let pool = (q.limit * 20).max(200) as i64;
    let rows = st.query_map(
        params![fts, q.kind.map(Kind::as_str), pool],
        row_to_candidate,
    )?;
    collect(q, rows)
}

fn row_to_candidate(r: &rusqlite::Row) -> rusqlite::Result<Candidate> {
    let kind: String = r.get(0)?;
    Ok(Candidate {
        hit: Hit {
            kind: Kind::parse(&kind).unwrap_or(Kind::Place),
            id: r.get(1)?,
            title: r.get(2)?,
            subtitle: r.get(3)?,
            rome: r.get(4)?,
            score: -r.get::<_, f64>(8)?,
            distance_km: None,
            location: None,
            badges: Vec::new(),
        },
        lat: r.get(5)?,
        lon: r.get(6)?,
        distance_learning: r.get(7)?,
    })
}

fn collect(q: &Query, rows: impl Iterator<Item = rusqlite::Result<Candidate>>) -> Result<Vec<Hit>> {
    let mut seen: HashMap<(Kind, String), ()> = HashMap::new();
    let mut out = Vec::new();
    for c in rows {
        let c = c?;
        let Some(distance) = within(q, &c) else {
            continue;
        };
        if seen.insert((c.hit.kind, c.hit.id.clone()), ()).is_some() {
            continue;
        }
        let mut hit = c.hit;
        hit.distance_km = distance.map(|d| (d * 10.0).round() / 10.0);
        out.push(hit);
        if out.len() >= q.limit {
            break;
        }
    }
    Ok(out)
}

/// No words: list what lies near the point (or everything of a kind), nearest first.
fn browse(conn: &Connection, q: &Query) -> Result<Vec<Hit>> {
    if q.near.is_none() && q.kind.is_none() {
        return Ok(Vec::new());
    }
    let mut st = conn.prepare_cached(
        "SELECT kind, id, title, subtitle, rome, lat, lon, distance_learning, prior FROM search_doc
         WHERE (?1 IS NULL AND kind IN ('training', 'place')) OR kind = ?1",
    )?;
    let rows = st.query_map(params![q.kind.map(Kind::as_str)], row_to_candidate)?;
    let mut all: Vec<Hit> = Vec::new();
    let unlimited = Query {
        limit: usize::MAX,
        ..q.clone()
    };
    for hit in collect(&unlimited, rows)? {
        all.push(hit);
    }
    all.sort_by(|a, b| {
        a.distance_km
            .unwrap_or(f64::MAX)
            .total_cmp(&b.distance_km.unwrap_or(f64::MAX))
    });
    all.truncate(q.limit);
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_query_quotes_words_and_prefixes_the_last() {
        assert_eq!(fts_query("boulang").as_deref(), Some("\"boulang\"*"));
        assert_eq!(
            fts_query("Aide-soignante ").as_deref(),
            Some("\"aide\" OR \"soignante\"")
        );
        assert_eq!(
            fts_query("NEAR( \"x\" AND *").as_deref(),
            Some("\"near\" OR \"x\" OR \"and\"*")
        );
        assert_eq!(fts_query("*** ''"), None);
    }
}
