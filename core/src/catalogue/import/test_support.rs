//! What the importers' tests share: the real data folder, a fresh catalogue database, gzip files, the
//! real ROME fiches, row counts and the report's figures for one file. One copy here instead of one per
//! test module (issue 9).

use crate::catalogue::import::Report;
use crate::catalogue::store::CatalogueSchema;
use flate2::write::GzEncoder;
use rusqlite::Connection;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub fn data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data"))
}

pub fn open_db(dir: &Path) -> Connection {
    crate::db::open::<CatalogueSchema>(&dir.join("catalogue.db")).unwrap()
}

pub fn gunzip(rel: &str) -> Vec<u8> {
    let file = std::fs::File::open(data_dir().join(rel)).unwrap();
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(file)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Writes `bytes` gzipped at `root/rel`, creating folders.
pub fn write_gz(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut enc = GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap();
}

/// Data rows of a CSV file counted without the CSV crate: line ends outside quoted fields (a quote
/// opens a field only at its start, `""` inside is an escaped quote), minus the header.
pub fn count_rows(bytes: &[u8], delimiter: u8) -> u64 {
    let (mut quoted, mut field_start, mut lines) = (false, true, 0);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if quoted {
            if b == b'"' {
                if bytes.get(i) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
            continue;
        }
        field_start = match b {
            b'"' if field_start => {
                quoted = true;
                false
            }
            b'\n' => {
                lines += 1;
                true
            }
            _ => b == delimiter,
        };
    }
    if bytes.last().is_some_and(|&b| b != b'\n') {
        lines += 1;
    }
    lines - 1
}

/// Fills `job` from the real ROME 4.0 referential, read here on its own since the ROME importer is
/// not under test. Returns every code usable in a link (v4 codes and their v3 parents).
pub fn insert_real_jobs(conn: &Connection) -> std::collections::HashSet<String> {
    let path = data_dir().join("rome/rome4_v460/unix_referentiel_code_rome_v460_utf8.csv");
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (code, title, parent) = (
        col("code_rome"),
        col("libelle_rome"),
        col("code_rome_parent"),
    );
    let mut codes = std::collections::HashSet::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        conn.execute(
            "INSERT INTO job(code_rome, title, parent_rome) VALUES (?1, ?2, ?3)",
            (&rec[code], &rec[title], &rec[parent]),
        )
        .unwrap();
        codes.insert(rec[code].to_string());
        codes.insert(rec[parent].to_string());
    }
    codes
}

/// The real ROME 4.0 appellations (after `insert_real_jobs`).
pub fn insert_real_appellations(conn: &Connection) {
    let path = data_dir().join("rome/rome4_v460/unix_referentiel_appellation_v460_utf8.csv");
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (ogr, long, short, code) = (
        col("code_ogr"),
        col("libelle_appellation_long"),
        col("libelle_appellation_court"),
        col("code_rome"),
    );
    for rec in rdr.records() {
        let rec = rec.unwrap();
        conn.execute(
            "INSERT INTO appellation(code_ogr, code_rome, title, short_title, principal, rare)
             VALUES (?1, ?2, ?3, ?4, 0, 0)",
            (&rec[ogr], &rec[code], &rec[long], &rec[short]),
        )
        .unwrap();
    }
}

/// The one number a `SELECT count(*) …` gives.
pub fn count(conn: &Connection, sql: &str) -> usize {
    let n: i64 = conn.query_row(sql, [], |r| r.get(0)).unwrap();
    usize::try_from(n).unwrap()
}

pub fn stats<'r>(report: &'r Report, rel: &str) -> &'r crate::catalogue::import::SourceStats {
    report
        .sources
        .iter()
        .find(|s| s.file == rel)
        .unwrap_or_else(|| panic!("no stats for {rel}"))
}

pub fn issues_of<'r>(report: &'r Report, rel: &str) -> Vec<(u64, &'r str)> {
    report
        .issues
        .iter()
        .filter(|i| i.file == rel)
        .map(|i| (i.line, i.reason.as_str()))
        .collect()
}
