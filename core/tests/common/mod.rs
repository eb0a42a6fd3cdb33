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
