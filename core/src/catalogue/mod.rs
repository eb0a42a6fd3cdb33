//! The catalogue: model, import from open data, and the SQLite store.

pub mod compact;
pub mod import;
pub mod index;
pub mod sheet;
pub mod store;

pub use store::Catalogue;
