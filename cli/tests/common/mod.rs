//! What the CLI's test files share.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A data directory kept for the run, holding the catalogue of data/: a copy of the one scripts/test built
/// once for the whole run (`ORIENTATION_TEST_CATALOGUE`, from the same data/ and the same code), else made
/// by `build` (the test file's `orientation catalogue build`). A build from data/ costs about forty
/// seconds in a test build, and a dozen test binaries read one.
pub fn built_data_dir(build: impl FnOnce(&Path)) -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    match std::env::var_os("ORIENTATION_TEST_CATALOGUE") {
        Some(built) => {
            std::fs::copy(built, dir.join("catalogue.db")).unwrap();
        }
        None => build(&dir),
    }
    dir
}
