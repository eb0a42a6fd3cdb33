//! The catalogue the evaluation runs on: built from data/ into target/eval-catalogue.db, and reused
//! while it is newer than every data file and than the running binary (a rebuilt binary may carry a
//! changed importer or indexer).

use crate::error::{Error, Result};
use orientation_core::catalogue::import::source::DirSource;
use orientation_core::catalogue::Catalogue;
use orientation_core::search::doc::Doc;
use orientation_core::search::engine::Engine;
use orientation_core::search::expand::Neighbours;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

pub fn default_path() -> PathBuf {
    crate::target_dir().join("eval-catalogue.db")
}

fn newest_mtime(dir: &Path, skip: &Path, newest: &mut SystemTime) -> Result<()> {
    for e in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let e = e.map_err(|e| Error::io(dir, e))?;
        let p = e.path();
        if p == skip {
            continue;
        }
        let meta = e.metadata().map_err(|err| Error::io(&p, err))?;
        if meta.is_dir() {
            newest_mtime(&p, skip, newest)?;
        } else if let Ok(m) = meta.modified() {
            *newest = (*newest).max(m);
        }
    }
    Ok(())
}

/// Why the catalogue at `db` must be rebuilt, or None when it can be reused.
pub fn stale_reason(db: &Path, data: &Path) -> Result<Option<String>> {
    let Ok(db_time) = std::fs::metadata(db).and_then(|m| m.modified()) else {
        return Ok(Some("absent".into()));
    };
    let mut newest = SystemTime::UNIX_EPOCH;
    // The query sets live under data/ but do not go into the catalogue.
    newest_mtime(data, &data.join("search"), &mut newest)?;
    if newest > db_time {
        return Ok(Some("données plus récentes".into()));
    }
    if let Ok(exe) = std::env::current_exe().and_then(|p| std::fs::metadata(p)?.modified()) {
        if exe > db_time {
            return Ok(Some("programme recompilé".into()));
        }
    }
    Ok(None)
}

/// Opens the evaluation catalogue, building it first when needed. Returns it with a line saying what
/// happened (for the output).
pub fn open_or_build(db: &Path, data: &Path, force: bool) -> Result<(Catalogue, String)> {
    let reason = if force {
        Some("reconstruction demandée".to_string())
    } else {
        stale_reason(db, data)?
    };
    if let Some(reason) = reason {
        let t = Instant::now();
        let report = Catalogue::build(
            db,
            &DirSource(data.to_path_buf()),
            &|_: usize, _: usize, _: &str| {},
        )?;
        let cat = Catalogue::open(db)?;
        let note = format!(
            "catalogue construit ({reason}) en {:.1} s depuis {} : {} lignes écartées à l'import",
            t.elapsed().as_secs_f64(),
            data.display(),
            report.skipped()
        );
        return Ok((cat, note));
    }
    match Catalogue::open(db) {
        Ok(cat) => Ok((cat, format!("catalogue réutilisé : {}", db.display()))),
        Err(_) => open_or_build(db, data, true),
    }
}

pub fn count(conn: &rusqlite::Connection, sql: &str) -> Result<i64> {
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

/// The vector-neighbour table saved with the catalogue's index, for engines the bench builds itself.
pub fn saved_neighbours(cat: &Catalogue) -> Result<Neighbours> {
    Ok(cat.engine()?.neighbours().clone())
}

/// Our engine over `docs` (the catalogue's documents, or a synthesised scale-up) with what the app's
/// engine has beside them: the catalogue's vector-neighbour table.
pub fn ours_over(neighbours: &Neighbours, docs: &[Doc]) -> Engine {
    let mut engine = Engine::build(docs);
    engine.set_neighbours(neighbours.clone());
    engine
}
