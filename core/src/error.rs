//! Internal error type of the core. The FFI crate converts it to its own small public error.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("base de données : {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("lecture de {path} : {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("dossier de données introuvable ou illisible : {0}")]
    DataDir(PathBuf),
    #[error("fichier source manquant : {0}")]
    MissingSource(PathBuf),
    #[error("identifiant inconnu : {0}")]
    UnknownId(String),
    #[error("lieu introuvable : « {0} » (code postal, commune ou « lat,lon » attendu)")]
    UnknownPlace(String),
    #[error("le catalogue n'est pas encore construit")]
    NoCatalogue,
    #[error("la base {what} est en version {found}, plus récente que celle que cette application connaît ({known})")]
    SchemaTooNew {
        what: &'static str,
        found: i64,
        known: i64,
    },
    #[error("recherche interrompue")]
    Interrupted,
    #[error("{0}")]
    Invalid(String),
    #[cfg(feature = "chat")]
    #[error(transparent)]
    Chat(#[from] crate::chat::ChatError),
    #[cfg(feature = "sync")]
    #[error(transparent)]
    Sync(#[from] crate::sync::SyncError),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
