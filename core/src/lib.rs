//! orientation-core: the SPRO catalogue (jobs, trainings, places, aids), its search, and user data.
//! Plain Rust with no FFI attributes; `orientation-ffi` wraps it for Kotlin and Swift.

// Tests write dates as YYYY_MM_DD numbers, grouped for reading rather than by thousands.
#![cfg_attr(test, allow(clippy::inconsistent_digit_grouping))]

pub mod catalogue;
#[cfg(feature = "chat")]
pub mod chat;
pub mod codes;
pub mod dates;
pub mod db;
pub mod discover;
pub mod error;
pub mod favourites;
pub mod files;
pub mod net;
pub mod search;
pub mod secret_file;
pub mod shell_text;
#[cfg(feature = "sync")]
pub mod sync;
pub mod territory;
pub mod text;
pub mod text_fr;
#[cfg(any(feature = "chat", feature = "sync"))]
pub mod tls;

pub use error::{Error, Refusal, Result};

pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
