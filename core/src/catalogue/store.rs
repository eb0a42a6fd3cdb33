//! The catalogue database: built whole into a temporary file, then moved into place, so a reader never
//! sees a half-written catalogue.

use super::import::{self, source::Source, Ctx, Progress, Report};
use crate::db::{self, Schema};
use crate::error::{Error, Result};
use rusqlite::{params, Connection};
use std::path::{Path, PathBuf};

pub struct CatalogueSchema;

impl Schema for CatalogueSchema {
    const NAME: &'static str = "catalogue";
    /// 3: the search index saved with varints (engine storage ORSRCH03), small tables WITHOUT ROWID.
    /// 4: the saved search index zstd-compressed (ORSRCH04).
    /// 5: the vector-neighbour table saved with the index (ORSRCH05), no longer in the library.
    /// 6: repeated texts stored once (`compact::share_texts`), the tables behind views of their names.
    const VERSION: i64 = 6;
    /// SQLite's usual 4 KiB pages: with 64 KiB pages every table and index ended in a mostly empty page
    /// and the file compressed worse (issue 11: 70.84 → 67.95 MB on disk, zstd -19 12.12 → 11.21 MB).
    /// Reading the saved search index (21 MB) through 5,000 pages instead of 330 costs about 0.2 ms.
    const PAGE_SIZE: Option<u32> = Some(4096);
    fn upgrade_from(conn: &Connection, from: i64) -> Result<()> {
        match from {
            0 => conn.execute_batch(include_str!("schema.sql"))?,
            // Version 0 writes today's schema whole; the later steps only pass over it. A catalogue of an
            // older version is rebuilt, never migrated: `open` refuses it and `build` replaces it.
            1 if conn
                .prepare("SELECT programme FROM training LIMIT 0")
                .is_ok() => {}
            2..=5 => {}
            _ => {
                return Err(Error::Corrupt(format!(
                    "catalogue version {from} inattendue"
                )))
            }
        }
        Ok(())
    }
}

/// The vector-neighbour table of the data (`search/neighbours.tsv`), saved with the search index.
fn neighbours(source: &dyn Source) -> Result<crate::search::expand::Neighbours> {
    use std::io::Read;
    let file = crate::search::expand::NEIGHBOURS_FILE;
    let mut text = String::new();
    source
        .open(file)?
        .read_to_string(&mut text)
        .map_err(|e| Error::BadSource {
            file: file.to_string(),
            why: format!("illisible ({e})"),
        })?;
    Ok(crate::search::expand::Neighbours::new(text))
}

pub struct Catalogue {
    conn: Connection,
    path: PathBuf,
}

fn remove_db_files(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(p, e)),
        }
    }
    Ok(())
}

impl Catalogue {
    /// Builds the catalogue at `path` from `source`, replacing any previous one only once the new one is
    /// complete. Returns the import report.
    pub fn build(path: &Path, source: &dyn Source, progress: &dyn Progress) -> Result<Report> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let tmp = PathBuf::from(format!("{}.building", path.display()));
        remove_db_files(&tmp)?;
        let report = {
            let mut conn = db::open::<CatalogueSchema>(&tmp)?;
            let tx = conn.transaction()?;
            let report = {
                let mut ctx = Ctx::new(&tx, source);
                import::import_all(&mut ctx, progress)?;
                super::compact::fold_bmo(&tx)?;
                super::index::build(&tx, neighbours(source)?)?;
                super::compact::share_texts(&tx)?;
                ctx.report
            };
            write_report(&tx, &report, source)?;
            tx.commit()?;
            // One transaction writing every table at once leaves half-filled pages: rewriting them packs
            // the file (82 → 78 MB measured on the national catalogue, 1.3 s).
            conn.execute_batch("PRAGMA optimize; VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")?;
            conn.pragma_update(None, "journal_mode", "DELETE")?;
            report
        };
        remove_db_files(path)?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))?;
        Ok(report)
    }

    /// Opens a built catalogue. `Error::NoCatalogue` when there is none, or it is of another version or
    /// unreadable: the caller then rebuilds it.
    pub fn open(path: &Path) -> Result<Catalogue> {
        if !path.exists() {
            return Err(Error::NoCatalogue);
        }
        let conn = db::open_read_only(path)?;
        let version = db::user_version(&conn).map_err(|_| Error::NoCatalogue)?;
        let complete: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'built_at'", [], |r| {
                r.get(0)
            })
            .ok();
        if version != CatalogueSchema::VERSION || complete.is_none() {
            return Err(Error::NoCatalogue);
        }
        Ok(Catalogue {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Opens the catalogue at `path`, building it first when it is missing, of another version, or
    /// unreadable (a corrupt catalogue is rebuilt: it holds no user data). Returns the build report when a
    /// build happened.
    pub fn open_or_build(
        path: &Path,
        source: &dyn Source,
        progress: &dyn Progress,
    ) -> Result<(Catalogue, Option<Report>)> {
        match Catalogue::open(path) {
            Ok(c) => Ok((c, None)),
            Err(Error::NoCatalogue) | Err(Error::Sql(_)) => {
                let report = Catalogue::build(path, source, progress)?;
                Ok((Catalogue::open(path)?, Some(report)))
            }
            Err(e) => Err(e),
        }
    }

    /// Loads our search engine's index saved with the catalogue. The blob is streamed into the engine's
    /// arrays rather than copied out of SQLite first: this is most of the time to the first result.
    pub fn engine(&self) -> Result<crate::search::engine::Engine> {
        let blob = self
            .conn
            .blob_open(rusqlite::MAIN_DB, "search_engine", "data", 1, true)
            .map_err(|_| Error::NoCatalogue)?;
        let len = blob.len();
        let engine = crate::search::engine::Engine::read_from(blob, len)?;
        // The communes, to read a place among the words of a query (issue 10).
        engine.set_places(crate::territory::Gazetteer::load(&self.conn)?);
        Ok(engine)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// What the user typed to say where they are, as a point and the words to say it back.
    pub fn resolve_place(&self, text: &str) -> Result<crate::territory::Resolved> {
        crate::territory::resolve(&self.conn, text)
    }

    /// A point (the device's position), with the nearest commune standing for it where a territory matters.
    pub fn resolve_point(
        &self,
        point: crate::territory::Point,
    ) -> Result<crate::territory::Resolved> {
        crate::territory::resolve_point(&self.conn, point)
    }

    /// ROME grand domaine letter → label ("D" → "Commerce, vente et grande distribution").
    pub fn grand_domaine_labels(&self) -> Result<std::collections::HashMap<char, String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT code, label FROM grand_domaine")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (code, label) = row?;
            if let Some(c) = code.chars().next() {
                out.insert(c, label);
            }
        }
        Ok(out)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn write_report(tx: &rusqlite::Transaction, report: &Report, source: &dyn Source) -> Result<()> {
    let mut ins = tx.prepare(
        "INSERT OR REPLACE INTO source(file, label, version, licence, rows_read, rows_kept, rows_skipped)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for s in &report.sources {
        ins.execute(params![
            s.file,
            s.label,
            s.version,
            s.licence,
            s.rows_read as i64,
            s.rows_kept as i64,
            s.rows_skipped as i64
        ])?;
    }
    let mut ins = tx.prepare("INSERT INTO import_issue(file, line, reason) VALUES (?1, ?2, ?3)")?;
    for i in &report.issues {
        ins.execute(params![i.file, i.line as i64, i.reason])?;
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    tx.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('built_at', ?1), ('source', ?2), ('core_version', ?3)",
        params![now.to_string(), source.describe(), crate::version()],
    )?;
    Ok(())
}
