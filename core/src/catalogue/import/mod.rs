//! Import pipeline: each source is read → validated → written, all sources in one transaction.
//! A malformed row is skipped and recorded in the import report with its file and line; it never aborts
//! the import.

// Source files are outside data: a byte offset into one of their strings may fall inside a character, and
// an index past the end panics. `.get(..)`, `split_once`, `strip_prefix` and char-aware code instead.
// Tests slice their own fixed text and are left out.
#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

mod aids;
mod certifications;
mod esr;
mod labour;
mod lheo;
mod onisep;
mod parcoursup;
mod places;
mod programmes;
mod rome;
pub mod source;
#[cfg(test)]
pub(crate) mod test_support;
mod text;

use crate::error::{Error, Result};
use rusqlite::Transaction;
use serde::Serialize;
use source::Source;
use std::collections::HashMap;
use std::io::Read;

/// One skipped (or partly kept) row, with where it was.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Issue {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// What was read from one source file.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SourceStats {
    pub file: String,
    pub label: String,
    pub version: String,
    pub licence: String,
    pub rows_read: u64,
    pub rows_kept: u64,
    pub rows_skipped: u64,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    pub sources: Vec<SourceStats>,
    pub issues: Vec<Issue>,
}

impl Report {
    pub fn skipped(&self) -> u64 {
        self.sources.iter().map(|s| s.rows_skipped).sum()
    }
}

/// Describes a source file for the report and `catalogue info`.
pub struct FileInfo {
    pub path: &'static str,
    pub label: &'static str,
    pub version: &'static str,
    pub licence: &'static str,
}

pub const LICENCE_OUVERTE: &str = "Licence Ouverte / Etalab 2.0 (selon le producteur)";

/// Progress of a build: which step, out of how many.
pub trait Progress {
    fn step(&self, done: usize, total: usize, label: &str);
}

impl<F: Fn(usize, usize, &str)> Progress for F {
    fn step(&self, done: usize, total: usize, label: &str) {
        self(done, total, label)
    }
}

/// What an importer gets: the transaction, the sources, and the report to fill.
pub struct Ctx<'a> {
    pub tx: &'a Transaction<'a>,
    pub source: &'a dyn Source,
    pub report: Report,
}

/// The outcome of one row, as decided by an importer.
pub enum Row {
    Kept,
    Skip(String),
    /// Read and left out on purpose (an older campaign of a stacked file): counted as skipped, summed up
    /// by the importer in one line rather than one line of the report per row.
    Ignore,
}

/// A CSV record with access by header name, so column order in the source does not matter.
pub struct Rec<'r> {
    rec: &'r csv::StringRecord,
    cols: &'r HashMap<String, usize>,
    pub line: u64,
}

impl<'r> Rec<'r> {
    /// The trimmed value of a column, "" when absent.
    pub fn get(&self, col: &str) -> &'r str {
        self.cols
            .get(col)
            .and_then(|&i| self.rec.get(i))
            .map(str::trim)
            .unwrap_or("")
    }
    /// The value, or None when empty.
    pub fn opt(&self, col: &str) -> Option<&'r str> {
        Some(self.get(col)).filter(|s| !s.is_empty())
    }
    pub fn at(&self, i: usize) -> &'r str {
        self.rec.get(i).map(str::trim).unwrap_or("")
    }
}

pub struct CsvSpec {
    pub delimiter: u8,
    pub has_headers: bool,
    /// When set, a row with another number of fields is reported and skipped (truncated or merged lines).
    pub columns: Option<usize>,
    /// Quoted fields may hold line breaks (a few ROME files); otherwise every line is a record.
    pub multiline: bool,
}

impl CsvSpec {
    pub const fn new(delimiter: u8, columns: usize) -> Self {
        CsvSpec {
            delimiter,
            has_headers: true,
            columns: Some(columns),
            multiline: false,
        }
    }

    pub const fn multiline(self) -> Self {
        CsvSpec {
            multiline: true,
            ..self
        }
    }
}

impl<'a> Ctx<'a> {
    pub fn new(tx: &'a Transaction<'a>, source: &'a dyn Source) -> Self {
        Ctx {
            tx,
            source,
            report: Report::default(),
        }
    }

    pub fn issue(&mut self, file: &str, line: u64, reason: impl Into<String>) {
        self.report.issues.push(Issue {
            file: file.to_string(),
            line,
            reason: reason.into(),
        });
    }

    fn stats_mut(&mut self, info: &FileInfo) -> &mut SourceStats {
        if let Some(i) = self.report.sources.iter().position(|s| s.file == info.path) {
            // `i` was just found in this same vector.
            #[allow(clippy::indexing_slicing)]
            return &mut self.report.sources[i];
        }
        self.report.sources.push(SourceStats {
            file: info.path.to_string(),
            label: info.label.to_string(),
            version: info.version.to_string(),
            licence: info.licence.to_string(),
            ..Default::default()
        });
        self.report.sources.last_mut().expect("just pushed")
    }

    /// A training leads to the jobs its certification leads to (RNCP → ROME, France compétences' table).
    pub fn link_jobs_through_certification(&self, training_id: &str, rncp: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO training_rome(training_id, rome)
                 SELECT ?1, rome FROM certification_rome WHERE cert_id = ?2",
            )?
            .execute(rusqlite::params![training_id, rncp])?;
        Ok(())
    }

    /// The one action of a training offered all year at one place, without dates (national offers:
    /// Parcoursup, masters): its id is the training's followed by ":action".
    pub fn add_standing_action(
        &self,
        training_id: &str,
        teaching_mode: &str,
        rhythm: Option<&str>,
        place_id: Option<&str>,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO action(id, training_id, teaching_mode, rhythm, place_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(rusqlite::params![
                format!("{training_id}:action"),
                training_id,
                teaching_mode,
                rhythm,
                place_id
            ])?;
        Ok(())
    }

    /// Counts a row and, when skipped, reports it.
    pub fn count(&mut self, info: &FileInfo, line: u64, row: Row) {
        let stats = self.stats_mut(info);
        stats.rows_read += 1;
        match row {
            Row::Kept => stats.rows_kept += 1,
            Row::Skip(reason) => {
                stats.rows_skipped += 1;
                self.issue(info.path, line, reason);
            }
            Row::Ignore => stats.rows_skipped += 1,
        }
    }

    /// Reads a whole source file (gunzipped if its name ends in .gz) as bytes.
    pub fn read_bytes(&self, info: &FileInfo) -> Result<Vec<u8>> {
        let mut reader = self.source.open(info.path)?;
        let mut buf = Vec::new();
        reader
            .read_to_end(&mut buf)
            .map_err(|e| Error::io(info.path, e))?;
        Ok(buf)
    }

    /// Reads a CSV source row by row. Rows with bytes that are not UTF-8, a wrong number of fields or
    /// broken quoting are reported and skipped; `f` decides for the others.
    ///
    /// Unless the spec says fields may span lines, each line is parsed on its own, so a truncated line
    /// (an unclosed quote) costs that line only instead of swallowing the lines after it.
    pub fn each_csv(
        &mut self,
        info: &FileInfo,
        spec: CsvSpec,
        mut f: impl FnMut(&mut Self, &Rec) -> Result<Row>,
    ) -> Result<()> {
        let mut cols: Option<HashMap<String, usize>> = (!spec.has_headers).then(HashMap::new);
        let mut handle = |ctx: &mut Self, line: u64, record: &csv::ByteRecord| -> Result<()> {
            let Some(cols) = &cols else {
                let mut header = HashMap::new();
                for (i, h) in record.iter().enumerate() {
                    let name = String::from_utf8_lossy(h);
                    header.insert(name.trim().trim_start_matches('\u{feff}').to_string(), i);
                }
                cols = Some(header);
                return Ok(());
            };
            if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                return Ok(()); // blank line between multi-line records (ROME quirk)
            }
            let outcome = match check_record(record, &spec) {
                Err(reason) => Row::Skip(reason),
                Ok(string_record) => {
                    let rec = Rec {
                        rec: &string_record,
                        cols,
                        line,
                    };
                    f(ctx, &rec)?
                }
            };
            ctx.count(info, line, outcome);
            Ok(())
        };
        let reader = self.source.open(info.path)?;
        let io_error = |e: csv::Error| Error::BadSource {
            file: info.path.to_string(),
            why: e.to_string(),
        };
        let mut record = csv::ByteRecord::new();
        if spec.multiline {
            let mut csv = csv::ReaderBuilder::new()
                .delimiter(spec.delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(reader);
            loop {
                let line = csv.position().line();
                match csv.read_byte_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {
                        let line = record.position().map(|p| p.line()).unwrap_or(line);
                        handle(self, line, &record)?;
                    }
                    Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => return Err(io_error(e)),
                    Err(e) => {
                        self.count(info, line, Row::Skip(format!("ligne CSV illisible : {e}")))
                    }
                }
            }
            return Ok(());
        }
        let mut reader = std::io::BufReader::new(reader);
        let mut buf = Vec::new();
        let mut line = 0u64;
        loop {
            buf.clear();
            let n = std::io::BufRead::read_until(&mut reader, b'\n', &mut buf)
                .map_err(|e| Error::io(info.path, e))?;
            if n == 0 {
                break;
            }
            line += 1;
            while matches!(buf.last(), Some(b'\n' | b'\r')) {
                buf.pop();
            }
            match split_line(&buf, spec.delimiter, &mut record) {
                Ok(()) => handle(self, line, &record)?,
                Err(reason) => self.count(info, line, Row::Skip(reason.into())),
            }
        }
        Ok(())
    }
}

/// Splits one CSV line (RFC 4180 quoting, `""` for a quote inside a quoted field) into `record`.
fn split_line(
    line: &[u8],
    delimiter: u8,
    record: &mut csv::ByteRecord,
) -> std::result::Result<(), &'static str> {
    record.clear();
    let mut field = Vec::new();
    let mut i = 0;
    loop {
        field.clear();
        if line.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match line.get(i) {
                    None => return Err("guillemet non fermé (ligne tronquée ?)"),
                    Some(b'"') if line.get(i + 1) == Some(&b'"') => {
                        field.push(b'"');
                        i += 2;
                    }
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(&b) => {
                        field.push(b);
                        i += 1;
                    }
                }
            }
            // Text after a closing quote and before the delimiter is kept, as lenient parsers do.
            while let Some(&b) = line.get(i) {
                if b == delimiter {
                    break;
                }
                field.push(b);
                i += 1;
            }
        } else {
            while let Some(&b) = line.get(i) {
                if b == delimiter {
                    break;
                }
                field.push(b);
                i += 1;
            }
        }
        record.push_field(&field);
        if i >= line.len() {
            return Ok(());
        }
        i += 1; // the delimiter
    }
}

/// Checks encoding and field count; the error is the reason for the report.
fn check_record(
    record: &csv::ByteRecord,
    spec: &CsvSpec,
) -> std::result::Result<csv::StringRecord, String> {
    let string_record = csv::StringRecord::from_byte_record(record.clone())
        .map_err(|_| "octets invalides en UTF-8 (mauvais encodage)".to_string())?;
    if let Some(n) = spec.columns {
        // Trailing empty columns are tolerated: several sources end rows with extra ';'.
        let len = string_record.len();
        let trailing_empty = string_record
            .iter()
            .rev()
            .take(len.saturating_sub(n))
            .all(|f| f.trim().is_empty());
        if len < n || (len > n && !trailing_empty) {
            return Err(format!(
                "{len} colonnes au lieu de {n} (ligne tronquée ou mal découpée)"
            ));
        }
    }
    Ok(string_record)
}

/// One importer: a short name (the fuzz targets in fuzz/ pick steps by it), the label shown while it
/// runs, and the function.
pub struct Step {
    pub name: &'static str,
    pub label: &'static str,
    pub run: fn(&mut Ctx) -> Result<()>,
}

/// The importers in the order a build runs them: each may read what the ones before it wrote.
pub const STEPS: [Step; 12] = [
    Step {
        name: "rome",
        label: "ROME 4.0 : métiers",
        run: rome::import,
    },
    Step {
        name: "geo",
        label: "Territoires",
        run: places::import_geo,
    },
    Step {
        name: "certifications",
        label: "Certifications RNCP et Certif Info",
        run: certifications::import,
    },
    Step {
        name: "structures",
        label: "France Travail et Missions locales",
        run: places::import_structures,
    },
    Step {
        name: "onisep",
        label: "Formations Onisep",
        run: onisep::import,
    },
    Step {
        name: "esr",
        label: "Établissements d'enseignement supérieur",
        run: esr::import_establishments,
    },
    Step {
        name: "parcoursup",
        label: "Formations Parcoursup",
        run: parcoursup::import,
    },
    Step {
        name: "masters",
        label: "Masters",
        run: esr::import_masters,
    },
    Step {
        name: "lheo",
        label: "Offres de formation LHEO",
        run: lheo::import,
    },
    Step {
        name: "aids",
        label: "Aides",
        run: aids::import,
    },
    Step {
        name: "labour",
        label: "Marché du travail",
        run: labour::import,
    },
    Step {
        name: "communes",
        label: "Noms des communes",
        run: places::spell_communes,
    },
];

/// Runs every importer in order and returns the report. The caller owns the transaction, so a failure
/// leaves nothing half-written.
pub fn import_all(ctx: &mut Ctx, progress: &dyn Progress) -> Result<()> {
    let total = STEPS.len();
    for (i, step) in STEPS.iter().enumerate() {
        progress.step(i, total, step.label);
        (step.run)(ctx)?;
    }
    progress.step(total, total, "Terminé");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> std::result::Result<Vec<String>, &'static str> {
        let mut r = csv::ByteRecord::new();
        split_line(line.as_bytes(), b';', &mut r)?;
        Ok(r.iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect())
    }

    #[test]
    fn split_line_handles_quotes_empty_fields_and_truncation() {
        assert_eq!(
            split("a;\"b;c\";;\"d \"\"e\"\"\"").unwrap(),
            ["a", "b;c", "", "d \"e\""]
        );
        assert_eq!(split("x;").unwrap(), ["x", ""]);
        assert_eq!(split("").unwrap(), [""]);
        assert!(split("a;\"tronq").is_err());
    }
}
