//! Helpers shared by the integration tests: the real data, and copies of it to break.

#![allow(dead_code)]

use orientation_core::catalogue::import::source::DirSource;
use orientation_core::catalogue::import::Report;
use orientation_core::catalogue::Catalogue;
use std::path::{Path, PathBuf};

pub fn data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data"))
}

pub fn build(source: &Path, db: &Path) -> (Catalogue, Report) {
    let report = Catalogue::build(
        db,
        &DirSource(source.to_path_buf()),
        &|_: usize, _: usize, _: &str| {},
    )
    .expect("catalogue build");
    (Catalogue::open(db).expect("open built catalogue"), report)
}

/// The catalogue of data/ as a test that only reads it needs, at `db`: a copy of the one scripts/test built
/// once for the whole run (`ORIENTATION_TEST_CATALOGUE`, from the same data/ and the same code), else built
/// here. A build from data/ costs about forty seconds in a test build, and a dozen test binaries read one.
pub fn data_catalogue(db: &Path) -> Catalogue {
    match std::env::var_os("ORIENTATION_TEST_CATALOGUE") {
        Some(built) => {
            std::fs::copy(built, db).expect("copy of ORIENTATION_TEST_CATALOGUE");
            Catalogue::open(db).expect("open ORIENTATION_TEST_CATALOGUE")
        }
        None => build(&data_dir(), db).0,
    }
}

/// Copies the data tree to `dest`, so a test can damage files without touching data/.
pub fn copy_data(dest: &Path) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let target = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), &target).unwrap();
            }
        }
    }
    copy(&data_dir(), dest);
}

pub fn count(cat: &Catalogue, sql: &str) -> i64 {
    cat.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}
