//! Search-quality evaluation and latency benchmark for the Orientation search: labelled query sets,
//! metrics, and three engines compared on the same documents (ours, plain SQLite FTS5, Tantivy).

pub mod catalogue;
pub mod engines;
pub mod error;
pub mod fts;
pub mod mem;
pub mod metrics;
pub mod rng;
pub mod sets;
pub mod synth;
pub mod tantivy_engine;
pub mod understood;

pub use error::{Error, Result};

use std::path::PathBuf;

/// The project's data/ directory (the one the catalogue is built from).
pub fn default_data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data"))
}

/// The workspace target/ directory, where the evaluation keeps its catalogue between runs.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")))
}

/// The labelled query sets, under data/.
pub fn default_sets_dir() -> PathBuf {
    default_data_dir().join("search/eval")
}
