//! The public error of the FFI: a small flat enum whose message can be shown to the user as is, converted
//! from the core's detailed error in one place (`From<orientation_core::Error>`).
//!
//! Variants carry no data: the message is fixed French text, so it never echoes user input, paths or
//! database content. What a developer needs to investigate goes to the log (through `tracing`, forwarded to
//! the shell's logger) at conversion time, again without user data.

use orientation_core::Error as CoreError;

/// Every error the shells can receive. In Kotlin: `OrientationException.Interrupted` etc.; in Swift:
/// `OrientationError.Interrupted`; the exception message is French text fit to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, uniffi::Error)]
// `with_try_read` lets a foreign implementation of one of our traits (a listener, the logger) throw this
// error back to Rust: only possible because no variant carries data.
#[uniffi(flat_error, with_try_read)]
pub enum OrientationError {
    #[error("Configuration invalide : indiquez un dossier de données et une source de catalogue.")]
    InvalidConfig,
    #[error("Le dossier de données de l'application est inaccessible.")]
    DataDir,
    #[error("Le catalogue n'est pas encore construit.")]
    CatalogueMissing,
    #[error("Les données ouvertes nécessaires pour construire le catalogue sont introuvables.")]
    SourceMissing,
    #[error(
        "Ces données viennent d'une version plus récente de l'application : mettez l'application à jour."
    )]
    TooNew,
    #[error("Cet élément n'existe pas, ou plus, dans le catalogue.")]
    UnknownId,
    #[error("Lieu introuvable : indiquez un code postal, une commune ou des coordonnées.")]
    UnknownPlace,
    #[error("Plusieurs communes portent ce nom : choisissez-en une (`Catalogue.placesNamed`).")]
    AmbiguousPlace,
    #[error(
        "Recherche invalide : niveau de 1 à 8, dates AAAA-MM-JJ, rayon et nombre de résultats positifs, grand domaine de A à N."
    )]
    InvalidQuery,
    #[error(
        "Saisie refusée : note de 10 000 caractères au plus, 20 étiquettes de 40 caractères au plus, statut pour une formation seulement, nom de recherche unique de 80 caractères au plus, comparaison de 2 à 4 formations différentes."
    )]
    InvalidInput,
    #[error(
        "Ce fichier n'est pas un export de favoris que cette version de l'application sait lire (tronqué, abîmé ou plus récent) : rien n'a été modifié."
    )]
    InvalidExport,
    #[error("Recherche interrompue.")]
    Interrupted,
    #[error("Adresse refusée : HTTPS obligatoire pour le serveur de discussion et les mises à jour (http:// seulement vers cet appareil).")]
    InsecureUrl,
    #[error("Vos données personnelles (favoris, notes, recherches enregistrées, discussion, quiz) n'étaient plus lisibles : la clé qui les protège a été perdue. Elles repartent de zéro ; le catalogue n'est pas touché.")]
    PersonalDataReset,
    #[error("Une construction du catalogue est déjà en cours.")]
    Busy,
    #[error("Opération annulée.")]
    Cancelled,
    #[error("Erreur de lecture ou d'écriture des données de l'application.")]
    Storage,
    #[error("Erreur interne de l'application.")]
    Internal,
    // The advisor chat's errors (always in the enum, so its shape does not depend on the `chat` feature).
    #[error(
        "Le service de discussion est injoignable pour le moment : votre message partira dès le retour du réseau."
    )]
    ChatOffline,
    #[error("Le serveur de discussion a refusé la demande.")]
    ChatRefused,
    #[error("L'inscription au service de discussion a été refusée.")]
    ChatRegistrationRefused,
    #[error(
        "Le compte de discussion n'est pas utilisable sur cet appareil (pas encore créé, expiré ou d'un autre serveur)."
    )]
    ChatAccount,
    #[error("Message vide ou trop long (8 000 caractères au plus).")]
    InvalidMessage,
    #[error("Ce message n'est plus dans la conversation.")]
    UnknownMessage,
    #[error(
        "Ouvrez d'abord la discussion (Orientation.chat) : sans elle, son compte et sa conversation ne peuvent pas être supprimés du serveur. Rien n'a été supprimé."
    )]
    ChatNotOpen,
    // Catalogue updates (always in the enum, whatever the features).
    #[error("Hors ligne : la mise à jour du catalogue attendra le retour du réseau ; le catalogue actuel reste utilisable.")]
    UpdateOffline,
    #[error("Le serveur du catalogue est indisponible pour le moment : réessayez plus tard.")]
    UpdateServerUnavailable,
    #[error("Mise à jour du catalogue refusée (fichier abîmé ou signature invalide) : le catalogue actuel est gardé.")]
    UpdateRefused,
    #[error("Ce catalogue demande une version plus récente de l'application : mettez l'application à jour.")]
    UpdateNeedsNewerApp,
    #[error("Espace de stockage insuffisant pour mettre à jour le catalogue : le catalogue actuel est gardé.")]
    DiskFull,
}

pub type Result<T, E = OrientationError> = std::result::Result<T, E>;

impl From<CoreError> for OrientationError {
    fn from(e: CoreError) -> Self {
        // The core's messages may hold paths and user input: log only what identifies the failure.
        match e {
            CoreError::Sql(err) => {
                let code = err.sqlite_error_code().map(|c| format!("{c:?}"));
                tracing::warn!(code = code.as_deref().unwrap_or("-"), "erreur SQLite");
                OrientationError::Storage
            }
            CoreError::Io { source, .. } => {
                tracing::warn!(kind = %source.kind(), "erreur d'entrée-sortie");
                OrientationError::Storage
            }
            CoreError::DataDir(_) => OrientationError::DataDir,
            CoreError::MissingSource(path) => {
                let file = path.file_name().map(|f| f.to_string_lossy().into_owned());
                tracing::warn!(
                    file = file.as_deref().unwrap_or("-"),
                    "fichier source manquant"
                );
                OrientationError::SourceMissing
            }
            CoreError::UnknownId(_) => OrientationError::UnknownId,
            CoreError::UnknownPlace(_) => OrientationError::UnknownPlace,
            CoreError::NoCatalogue => OrientationError::CatalogueMissing,
            CoreError::SchemaTooNew { what, found, known } => {
                tracing::warn!(what, found, known, "base plus récente que l'application");
                OrientationError::TooNew
            }
            CoreError::Interrupted => OrientationError::Interrupted,
            CoreError::PersonalDataReset => OrientationError::PersonalDataReset,
            CoreError::Crypt(e) => {
                tracing::warn!(error = %e, "donnée personnelle illisible");
                OrientationError::Storage
            }
            // The reason (`Catalogue.checkQuery` gives it in words) may echo what the user typed.
            CoreError::Input(_) => OrientationError::InvalidQuery,
            CoreError::AmbiguousPlace { .. } => OrientationError::AmbiguousPlace,
            CoreError::Usage(_) => OrientationError::InvalidInput,
            #[cfg(feature = "chat")]
            CoreError::Chat(e) => chat_error(e),
            #[cfg(feature = "sync")]
            CoreError::Sync(e) => sync_error(e),
            // The reason may echo what the user typed: the public message says what is accepted.
            CoreError::Refused(_) => OrientationError::InvalidInput,
            CoreError::BadExport(_) => OrientationError::InvalidExport,
            CoreError::Corrupt(_) => {
                tracing::warn!("données endommagées");
                OrientationError::Internal
            }
            CoreError::BadSource { file, .. } => {
                tracing::warn!(%file, "fichier source illisible");
                OrientationError::Internal
            }
            CoreError::Encode(e) => {
                tracing::warn!(error = %e, "mise en JSON impossible");
                OrientationError::Internal
            }
            CoreError::Internal(what) => {
                tracing::warn!(what, "erreur interne");
                OrientationError::Internal
            }
        }
    }
}

#[cfg(feature = "chat")]
fn chat_error(e: orientation_core::chat::ChatError) -> OrientationError {
    use orientation_core::chat::ChatError as C;
    match e {
        C::Offline | C::TimedOut(_) => OrientationError::ChatOffline,
        // The code is the server's (M_FORBIDDEN…), never user text.
        C::Refused(code) => {
            tracing::warn!(%code, "refus du serveur de discussion");
            OrientationError::ChatRefused
        }
        C::RegistrationRefused => OrientationError::ChatRegistrationRefused,
        C::NoAccount | C::SessionExpired | C::OtherServer => OrientationError::ChatAccount,
        C::InsecureServerUrl => OrientationError::InsecureUrl,
        C::BadServerUrl | C::BadUserId(_) | C::NotConfigured(_) => OrientationError::InvalidConfig,
        C::EmptyMessage | C::MessageTooLong(_) => OrientationError::InvalidMessage,
        C::UnknownMessage => OrientationError::UnknownMessage,
        C::LocalStore(what) => {
            tracing::warn!(what, "stockage local de la discussion");
            OrientationError::Storage
        }
        C::Internal(what) => {
            tracing::warn!(what, "erreur interne de la discussion");
            OrientationError::Internal
        }
    }
}

#[cfg(feature = "sync")]
fn sync_error(e: orientation_core::sync::SyncError) -> OrientationError {
    use orientation_core::sync::SyncError as S;
    match e {
        S::Offline | S::Stalled(_) => OrientationError::UpdateOffline,
        S::ServerUnavailable(_) | S::NotFound(_) | S::UnexpectedStatus(_) => {
            tracing::warn!(error = %e, "serveur du catalogue");
            OrientationError::UpdateServerUnavailable
        }
        S::Insecure(_) => OrientationError::InsecureUrl,
        S::BadUrl(_) | S::NoUrl | S::NoPublicKey | S::BadKey(_) => OrientationError::InvalidConfig,
        S::BadSignature | S::BadManifest(_) | S::Corrupt(_) | S::BadCatalogue(_) => {
            tracing::warn!(error = %e, "mise à jour du catalogue refusée");
            OrientationError::UpdateRefused
        }
        S::FormatTooNew { .. } | S::AppTooOld { .. } => OrientationError::UpdateNeedsNewerApp,
        S::DiskFull => OrientationError::DiskFull,
        S::Cancelled => OrientationError::Cancelled,
        S::Busy => OrientationError::Busy,
        S::Publish(_) => OrientationError::Internal,
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for OrientationError {
    fn from(_: uniffi::UnexpectedUniFFICallbackError) -> Self {
        // The foreign exception's text is the shell's business and may hold anything: not logged.
        tracing::warn!("un rappel de l'application a échoué");
        OrientationError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn core_errors_map_to_their_public_variant() {
        let cases = [
            (CoreError::NoCatalogue, OrientationError::CatalogueMissing),
            (CoreError::Interrupted, OrientationError::Interrupted),
            (
                CoreError::UnknownId("X9999".into()),
                OrientationError::UnknownId,
            ),
            (
                CoreError::UnknownPlace("Marseile".into()),
                OrientationError::UnknownPlace,
            ),
            (
                CoreError::DataDir(PathBuf::from("/home/alice/x")),
                OrientationError::DataDir,
            ),
            (
                CoreError::MissingSource(PathBuf::from("/data/rome/x.csv")),
                OrientationError::SourceMissing,
            ),
            (
                CoreError::io(
                    "/home/alice/catalogue.db",
                    std::io::Error::from(std::io::ErrorKind::PermissionDenied),
                ),
                OrientationError::Storage,
            ),
            (
                CoreError::SchemaTooNew {
                    what: "utilisateur",
                    found: 9,
                    known: 1,
                },
                OrientationError::TooNew,
            ),
            (
                CoreError::Sql(rusqlite::Error::InvalidQuery),
                OrientationError::Storage,
            ),
            (
                CoreError::Refused(orientation_core::Refusal::NoteTooLong { max: 10_000 }),
                OrientationError::InvalidInput,
            ),
            (
                CoreError::BadExport("le document est tronqué".into()),
                OrientationError::InvalidExport,
            ),
            (
                CoreError::Corrupt("index de recherche endommagé".into()),
                OrientationError::Internal,
            ),
            (
                CoreError::BadSource {
                    file: "rome/x.csv".into(),
                    why: "UTF-8 invalide".into(),
                },
                OrientationError::Internal,
            ),
            (
                CoreError::Internal("installation interrompue"),
                OrientationError::Internal,
            ),
        ];
        for (core, public) in cases {
            assert_eq!(OrientationError::from(core), public);
        }
    }

    #[cfg(feature = "chat")]
    #[test]
    fn chat_errors_map_to_their_public_variant() {
        use orientation_core::chat::ChatError as C;
        let cases = [
            (C::Offline, OrientationError::ChatOffline),
            (
                C::Refused("M_FORBIDDEN".into()),
                OrientationError::ChatRefused,
            ),
            (
                C::RegistrationRefused,
                OrientationError::ChatRegistrationRefused,
            ),
            (C::SessionExpired, OrientationError::ChatAccount),
            (C::EmptyMessage, OrientationError::InvalidMessage),
            (C::MessageTooLong(8000), OrientationError::InvalidMessage),
            (C::BadUserId("@x".into()), OrientationError::InvalidConfig),
            (C::UnknownMessage, OrientationError::UnknownMessage),
        ];
        for (core, public) in cases {
            assert_eq!(OrientationError::from(CoreError::Chat(core)), public);
        }
    }

    #[test]
    fn messages_never_echo_user_input_or_paths() {
        let e = OrientationError::from(CoreError::UnknownPlace("Rue de Alice Martin".into()));
        assert!(!e.to_string().contains("Alice"));
        let e = OrientationError::from(CoreError::io(
            "/home/alice/catalogue.db",
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        ));
        assert!(!e.to_string().contains("alice"));
    }

    #[test]
    fn a_failing_foreign_callback_is_an_internal_error() {
        let e = OrientationError::from(uniffi::UnexpectedUniFFICallbackError::new("boom"));
        assert_eq!(e, OrientationError::Internal);
    }
}
