//! What the CLI's test files share.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// A data directory kept for the run, holding the catalogue of data/: a copy of the one scripts/test built
/// once for the whole run (`ORIENTATION_TEST_CATALOGUE`, from the same data/ and the same code), else built
/// here by `orientation catalogue build`. A build from data/ costs about forty seconds in a test build, and
/// a dozen test binaries read one.
pub fn built_data_dir() -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    match std::env::var_os("ORIENTATION_TEST_CATALOGUE") {
        Some(built) => {
            std::fs::copy(built, dir.join("catalogue.db")).unwrap();
        }
        None => {
            let out = Command::new(env!("CARGO_BIN_EXE_orientation"))
                .arg("--data-dir")
                .arg(&dir)
                .arg("--source")
                .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../data"))
                .args(["catalogue", "build"])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    dir
}
