//! The advisor chat's data, without the network: messages and outbox in the user database
//! ([`store`]), the saved session ([`session`]), the service's opening hours in Paris time with
//! French public holidays ([`hours`]), catalogue items shared as cards ([`card`]), the phone and
//! e-mail channels ([`channels`]) and the chat's errors ([`ChatError`]).
//!
//! The client itself (account, conversation, sync, outbox over Matrix) is the crate
//! `orientation-chat` (chat/ at the repository's root), which builds on these: matrix-sdk's generic
//! code is compiled there, unoptimised in the release profile, so the search in this crate does not
//! wait for it (chat/src/lib.rs says why).
//!
//! No message text is logged or put in an error.

pub mod card;
pub mod channels;
pub mod hours;
pub mod session;
pub mod store;

pub use card::{Card, CardField, CardKind};
pub use channels::{ContactChannels, EmailChannel, PhoneChannel, ServiceHours};
pub use hours::{Availability, OpeningHours};
pub use session::{FileSessionStore, SessionStore, StoredSession};
pub use store::{Message, SendState};

/// What can go wrong in the chat. Messages are for the screen: no message text, no token, no address.
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error("le service de discussion est injoignable pour le moment")]
    Offline,
    #[error("le serveur de discussion a refusé la demande ({0})")]
    Refused(String),
    #[error("le jeton d'inscription au service de discussion a été refusé")]
    RegistrationRefused,
    #[error("pas encore de compte de discussion sur cet appareil")]
    NoAccount,
    #[error("la session de discussion a expiré et n'a pas pu être renouvelée")]
    SessionExpired,
    #[error("la session enregistrée concerne un autre serveur de discussion")]
    OtherServer,
    #[error("adresse du serveur de discussion invalide")]
    BadServerUrl,
    /// `http://` to another machine: the rule of `core::net`, checked before any connection.
    #[error("adresse du serveur de discussion refusée : HTTPS obligatoire (http:// seulement vers cette machine : 127.0.0.1, ::1, localhost)")]
    InsecureServerUrl,
    #[error("identifiant Matrix invalide : {0}")]
    BadUserId(String),
    #[error("message vide")]
    EmptyMessage,
    #[error("message trop long ({0} caractères au plus)")]
    MessageTooLong(usize),
    #[error("message introuvable")]
    UnknownMessage,
    #[error("stockage local de la discussion illisible ({0})")]
    LocalStore(&'static str),
    /// The face (CLI, shell) lacks what the chat needs; the text says what to give.
    #[error("{0}")]
    NotConfigured(String),
    /// An awaited answer did not come in time (the CLI's chat bench).
    #[error("délai dépassé : {0}")]
    TimedOut(String),
    #[error("erreur interne de la discussion ({0})")]
    Internal(&'static str),
}
