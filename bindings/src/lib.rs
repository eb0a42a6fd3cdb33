//! orientation-ffi: the UniFFI surface of the Rust core for the Kotlin (Android) and Swift (iOS) shells,
//! also usable from Python (tests). Thin wrappers: the logic stays in orientation-core.
//!
//! - `Orientation` (orientation.rs): the entry object, opened with an `OrientationConfig`; builds the
//!   catalogue in the background (async, cancellable, with progress) and hands out the feature objects.
//! - `Catalogue` (catalogue.rs): search (synchronous, interruptible) and sheets.
//! - `Favourites` (favourites.rs): favourites, saved searches with what is new, compare, export/import.
//! - `DiscoverSession` (discover.rs): the "Découvrir" quiz, from `Orientation::discover(formality, restart)`.
//! - `Comparison` (compare.rs): the compare screen's columns and ready-made table rows.
//! - `OrientationError` (error.rs): the one public error, converted from the core's in one place.
//! - `set_logger` (logging.rs): `tracing` forwarded to the shell's logger.
//! - `TaskHandle` and the tokio runtime (runtime.rs).
//!
//! - `Chat` (chat.rs, feature `chat`): the advisor chat, from `Orientation::chat(token_store, service)`.
//!
//! - `CatalogueUpdates` (updates.rs, feature `sync`): catalogue updates over HTTP, from `Orientation::updates()`.
//!
//! Search items carry `is_favourite`.

uniffi::setup_scaffolding!();

mod cancel;
pub mod catalogue;
#[cfg(feature = "chat")]
pub mod chat;
pub mod compare;
pub mod discover;
pub mod display;
pub mod error;
pub mod favourites;
pub mod logging;
pub mod orientation;
pub mod runtime;
pub mod search;
pub mod secrets;
pub mod sheets;
#[cfg(feature = "sync")]
pub mod updates;

pub use catalogue::Catalogue;
pub use error::OrientationError;
pub use favourites::Favourites;
pub use orientation::{CatalogueSource, CatalogueState, Orientation, OrientationConfig};
pub use search::{SearchFilters, SearchPage, SearchQuery};

/// Version of the Rust core, so a shell can log which core it runs.
#[uniffi::export]
pub fn core_version() -> String {
    orientation_core::version().to_string()
}

/// Panics, for the foreign test suites to check that a panic becomes an exception and never aborts the
/// process (`panic = "unwind"` in every profile). Only in builds with the `test-hooks` feature.
#[cfg(feature = "test-hooks")]
#[uniffi::export]
pub fn panic_for_tests() -> Result<(), OrientationError> {
    panic!("panique provoquée pour les tests");
}
