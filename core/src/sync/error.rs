//! What can go wrong while publishing or updating, each with one line of French for the user.

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("hors ligne : le serveur du catalogue est injoignable, le catalogue actuel reste utilisable")]
    Offline,
    #[error("serveur indisponible (HTTP {0}) : réessayez plus tard, le catalogue actuel reste utilisable")]
    ServerUnavailable(u16),
    #[error("catalogue introuvable sur le serveur (HTTP 404 pour {0}) : vérifiez l'adresse de mise à jour")]
    NotFound(String),
    #[error("réponse inattendue du serveur (HTTP {0})")]
    UnexpectedStatus(u16),
    #[error("le serveur ne répond plus (aucune donnée depuis {0} s) : réessayez plus tard, le téléchargement reprendra où il s'est arrêté")]
    Stalled(u64),
    #[error("adresse de mise à jour refusée : HTTPS obligatoire (http seulement vers cette machine) : {0}")]
    Insecure(String),
    #[error("adresse de mise à jour invalide : {0}")]
    BadUrl(String),
    #[error("aucune adresse de mise à jour : indiquez --from URL (ou ORIENTATION_CATALOGUE_URL)")]
    NoUrl,
    #[error("aucune clé publique du catalogue : indiquez --public-key FICHIER (ou ORIENTATION_CATALOGUE_PUBLIC_KEY)")]
    NoPublicKey,
    #[error("clé invalide dans {0} : 64 caractères hexadécimaux attendus")]
    BadKey(String),
    #[error(
        "signature du catalogue invalide : mise à jour refusée, le catalogue actuel est gardé"
    )]
    BadSignature,
    #[error("catalogue publié au format {found}, plus récent que celui que cette application lit ({known}) : mettez l'application à jour")]
    FormatTooNew { found: u32, known: u32 },
    #[error("ce catalogue demande l'application en version {min} ou plus récente (celle-ci : {ours}) : mettez l'application à jour")]
    AppTooOld { min: String, ours: String },
    #[error("description du catalogue (manifest.json) illisible : {0}")]
    BadManifest(String),
    #[error("fichier téléchargé abîmé ({0}) : mise à jour refusée, le catalogue actuel est gardé")]
    Corrupt(String),
    #[error(
        "catalogue reçu inutilisable ({0}) : mise à jour refusée, le catalogue actuel est gardé"
    )]
    BadCatalogue(String),
    #[error("espace disque insuffisant pour la mise à jour : le catalogue actuel est gardé")]
    DiskFull,
    #[error("mise à jour annulée")]
    Cancelled,
    #[error("une mise à jour du catalogue est déjà en cours")]
    Busy,
    #[error("publication impossible : {0}")]
    Publish(String),
}

impl SyncError {
    /// Offline and an unavailable server are ordinary on a phone: the catalogue in hand keeps working.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            SyncError::Offline | SyncError::ServerUnavailable(_) | SyncError::Stalled(_)
        )
    }
}

/// An I/O error on `path`, with a full disk told apart (the user can act on it).
pub(crate) fn io(path: &std::path::Path, e: std::io::Error) -> crate::Error {
    if e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28) {
        crate::Error::Sync(SyncError::DiskFull)
    } else {
        crate::Error::io(path, e)
    }
}
