//! What the fuzz targets share: a small real catalogue (one row in [`sample`] of every file of data/),
//! built once per process (or once per `scripts/fuzz` run, through `ORIENTATION_FUZZ_CACHE`), and the
//! runner that feeds any bytes to one importer as its source files, through the same `Source`
//! abstraction a build reads data/ with.
//!
//! Set-up failures (no data/, a real file that no longer imports) panic with a message: they are not
//! findings, and the first run says so at once.

use orientation_core::catalogue::import::source::{DirSource, Source};
use orientation_core::catalogue::import::{Ctx, Step, STEPS};
use orientation_core::catalogue::store::CatalogueSchema;
use orientation_core::catalogue::Catalogue;
use orientation_core::search::engine::Engine;
use std::cell::RefCell;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Separates the files of one importer inside one input: the first part is the importer's first file,
/// and so on (the order in which the importer opens them). Missing parts are empty
/// files. A line of its own, so it never occurs in real CSV, JSON or XML rows.
pub const SEPARATOR: &[u8] = b"\n=====\n";

/// The open data the catalogue is built from: `ORIENTATION_FUZZ_DATA`, else the repository's data/.
pub fn data_dir() -> PathBuf {
    std::env::var_os("ORIENTATION_FUZZ_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data")))
}

/// One row (CSV line, JSON list element) in this many of data/ goes into the fuzzers' catalogue: rows
/// from all over the files (every département, every ROME domain), built in a few seconds instead of a
/// minute, so a short run spends its time fuzzing. `ORIENTATION_FUZZ_SAMPLE` sets it (1: all of data/).
pub fn sample() -> usize {
    std::env::var("ORIENTATION_FUZZ_SAMPLE")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(10)
}

/// data/ with one row in [`sample`] of each file kept (the header line too); XML files whole.
pub struct Sampled(pub DirSource);

impl Source for Sampled {
    fn open(&self, rel: &str) -> orientation_core::Result<Box<dyn Read + '_>> {
        let mut bytes = Vec::new();
        self.0
            .open(rel)?
            .read_to_end(&mut bytes)
            .map_err(|e| orientation_core::Error::io(rel, e))?;
        let name = rel.trim_end_matches(".gz");
        let n = sample();
        let sampled = if name.ends_with(".csv") {
            bytes
                .split_inclusive(|&b| b == b'\n')
                .enumerate()
                .filter(|(i, _)| i % n == 0)
                .flat_map(|(_, line)| line.iter().copied())
                .collect()
        } else if name.ends_with(".json") {
            match serde_json::from_slice(&bytes) {
                Ok(serde_json::Value::Array(items)) => {
                    let few: Vec<_> = items.into_iter().step_by(n).collect();
                    serde_json::to_vec_pretty(&few).unwrap_or_default()
                }
                _ => bytes,
            }
        } else {
            bytes
        };
        Ok(Box::new(std::io::Cursor::new(sampled)))
    }
    fn describe(&self) -> String {
        format!("{} (une ligne sur {})", self.0.describe(), sample())
    }
}

fn data() -> Sampled {
    Sampled(DirSource(data_dir()))
}

/// Where the catalogue and the per-step databases are built: `ORIENTATION_FUZZ_CACHE` (shared by the
/// targets of one `scripts/fuzz` run, which removes it at the end), else a directory of this process under
/// the system's temporary directory.
pub fn cache_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::var_os("ORIENTATION_FUZZ_CACHE")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                std::env::temp_dir().join(format!("orientation-fuzz-{}", std::process::id()))
            });
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("dossier de travail {} : {e}", dir.display()));
        dir
    })
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// The small real catalogue (import, engine), built once: the query target searches it.
pub struct Search {
    pub engine: Engine,
    pub catalogue: Mutex<Catalogue>,
}

pub fn search() -> &'static Search {
    static SEARCH: OnceLock<Search> = OnceLock::new();
    SEARCH.get_or_init(|| {
        let path = cache_dir().join(format!("catalogue-1-in-{}.db", sample()));
        let (catalogue, _) =
            Catalogue::open_or_build(&path, &data(), &|_: usize, _: usize, _: &str| {})
                .unwrap_or_else(|e| panic!("catalogue de data/ : {e}"));
        let engine = catalogue
            .engine()
            .unwrap_or_else(|e| panic!("moteur du catalogue : {e}"));
        Search {
            engine,
            catalogue: Mutex::new(catalogue),
        }
    })
}

/// The database as a build has it just before `step` runs: every earlier step imported (sampled). All
/// of them are made in one pass the first time one is asked for.
fn before(step: &Step) -> PathBuf {
    let dir = cache_dir();
    let path = |name: &str| dir.join(format!("before-{name}-1-in-{}.db", sample()));
    if !path(step.name).exists() {
        let building = dir.join("steps.building.db");
        remove_db(&building);
        let mut conn = orientation_core::db::open::<CatalogueSchema>(&building)
            .unwrap_or_else(|e| panic!("schéma du catalogue : {e}"));
        let source = data();
        for s in STEPS.iter() {
            let tmp = dir.join(format!("before-{}.db.tmp", s.name));
            remove_db(&tmp);
            conn.execute("VACUUM INTO ?1", [tmp.to_string_lossy()])
                .unwrap_or_else(|e| panic!("copie avant « {} » : {e}", s.label));
            std::fs::rename(&tmp, path(s.name)).unwrap_or_else(|e| panic!("{e}"));
            let tx = conn.transaction().unwrap_or_else(|e| panic!("{e}"));
            {
                let mut ctx = Ctx::new(&tx, &source);
                (s.run)(&mut ctx).unwrap_or_else(|e| panic!("import de « {} » : {e}", s.label));
            }
            tx.commit().unwrap_or_else(|e| panic!("{e}"));
        }
        drop(conn);
        remove_db(&building);
    }
    path(step.name)
}

/// Serves the (sampled) real files and remembers which ones were opened, in order, with their content.
struct Recorder {
    inner: Sampled,
    opened: RefCell<Vec<(String, Vec<u8>)>>,
}

impl Source for Recorder {
    fn open(&self, rel: &str) -> orientation_core::Result<Box<dyn Read + '_>> {
        let mut bytes = Vec::new();
        self.inner
            .open(rel)?
            .read_to_end(&mut bytes)
            .map_err(|e| orientation_core::Error::io(rel, e))?;
        let mut opened = self.opened.borrow_mut();
        if !opened.iter().any(|(p, _)| p == rel) {
            opened.push((rel.to_string(), bytes.clone()));
        }
        Ok(Box::new(std::io::Cursor::new(bytes)))
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

/// Serves the parts of one input as the step's files (already decompressed, as a `Source` does).
struct Parts<'a> {
    files: &'a [String],
    parts: Vec<&'a [u8]>,
}

impl Source for Parts<'_> {
    fn open(&self, rel: &str) -> orientation_core::Result<Box<dyn Read + '_>> {
        let part = self
            .files
            .iter()
            .position(|f| f == rel)
            .and_then(|i| self.parts.get(i))
            .copied()
            .unwrap_or_default();
        Ok(Box::new(part))
    }
    fn describe(&self) -> String {
        "entrée du fuzzer".into()
    }
}

/// Splits an input into the parts separated by [`SEPARATOR`].
pub fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        parts.push(&rest[..at]);
        rest = &rest[at + SEPARATOR.len()..];
    }
    parts.push(rest);
    parts
}

struct ImportFixture {
    step: &'static Step,
    conn: Mutex<rusqlite::Connection>,
    files: Vec<String>,
}

/// One process fuzzes one step: its database as the build has it before the step, and its files.
fn fixture(name: &str) -> &'static ImportFixture {
    static FIXTURE: OnceLock<ImportFixture> = OnceLock::new();
    let fx = FIXTURE.get_or_init(|| {
        let step = STEPS
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("pas d'importeur « {name} »"));
        let work = cache_dir().join(format!("work-{name}-{}.db", std::process::id()));
        remove_db(&work);
        std::fs::copy(before(step), &work).unwrap_or_else(|e| panic!("{e}"));
        let mut conn = orientation_core::db::open::<CatalogueSchema>(&work)
            .unwrap_or_else(|e| panic!("base avant « {} » : {e}", step.label));
        let recorder = Recorder {
            inner: data(),
            opened: RefCell::new(Vec::new()),
        };
        {
            let tx = conn.transaction().unwrap_or_else(|e| panic!("{e}"));
            let mut ctx = Ctx::new(&tx, &recorder);
            (step.run)(&mut ctx).unwrap_or_else(|e| panic!("import de « {} » : {e}", step.label));
        } // rolled back
        let opened = recorder.opened.into_inner();
        if let Some(dir) = std::env::var_os("ORIENTATION_FUZZ_WRITE_SEED") {
            write_seed(Path::new(&dir), &opened);
        }
        ImportFixture {
            step,
            conn: Mutex::new(conn),
            files: opened.into_iter().map(|(p, _)| p).collect(),
        }
    });
    assert_eq!(fx.step.name, name, "un processus fuzze un seul importeur");
    fx
}

/// A small real seed: the first rows of each CSV file, the first three elements of each JSON list, the
/// first XML file whole, joined by [`SEPARATOR`].
fn write_seed(dir: &Path, files: &[(String, Vec<u8>)]) {
    let mut seed = Vec::new();
    let mut xml_taken = false;
    for (i, (path, bytes)) in files.iter().enumerate() {
        if i > 0 {
            seed.extend_from_slice(SEPARATOR);
        }
        if path.ends_with(".json") {
            if let Ok(serde_json::Value::Array(items)) = serde_json::from_slice(bytes) {
                let few: Vec<_> = items.into_iter().take(3).collect();
                seed.extend(serde_json::to_vec_pretty(&few).unwrap_or_default());
            }
        } else if path.ends_with(".xml") {
            if !xml_taken {
                seed.extend_from_slice(bytes);
                xml_taken = true;
            }
        } else {
            let end = bytes
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .nth(5)
                .map(|(i, _)| i + 1)
                .unwrap_or(bytes.len());
            seed.extend_from_slice(&bytes[..end]);
        }
    }
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("real-rows"), seed).unwrap_or_else(|e| panic!("{e}"));
}

/// Runs the importer `name` on `data` split into its files, in a transaction rolled back afterwards.
/// Besides not panicking, the report must add up: every row read is kept or skipped, and every skipped
/// row is reported.
pub fn run_import(name: &str, data: &[u8]) {
    let fx = fixture(name);
    let source = Parts {
        files: &fx.files,
        parts: split(data),
    };
    let mut conn = fx.conn.lock().unwrap_or_else(|e| e.into_inner());
    let tx = conn.transaction().unwrap_or_else(|e| panic!("{e}"));
    let mut ctx = Ctx::new(&tx, &source);
    let outcome = (fx.step.run)(&mut ctx);
    let report = ctx.report;
    drop(tx);
    if let Err(e) = outcome {
        assert!(!e.to_string().is_empty(), "erreur sans message : {e:?}");
    }
    for s in &report.sources {
        assert_eq!(s.rows_read, s.rows_kept + s.rows_skipped, "{s:?}");
    }
    let skipped: u64 = report.sources.iter().map(|s| s.rows_skipped).sum();
    assert!(report.issues.len() as u64 >= skipped, "{report:?}");
    assert!(report.issues.iter().all(|i| !i.reason.is_empty()));
}
