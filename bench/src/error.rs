//! Errors of the bench tools: the core's, the engines', and our own input problems.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] orientation_core::Error),
    #[error("base de données : {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("tantivy : {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("lecture de {path} : {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("CSV {path} : {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("JSON : {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
    pub fn csv(path: impl Into<PathBuf>, source: csv::Error) -> Self {
        Error::Csv {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
