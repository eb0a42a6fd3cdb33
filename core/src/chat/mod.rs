//! The advisor chat: one encrypted, direct conversation with the Region's service over Matrix
//! (matrix-sdk), with a persisted outbox, offline history, the service's opening hours, and the phone
//! and e-mail channels for when the chat is closed.
//!
//! - [`Chat`] is the client: account (registered on first use with the Region's registration token,
//!   resumed afterwards from a [`SessionStore`]), the conversation, sending through the outbox,
//!   history, typing notices and read receipts, and a listener that gets a snapshot then updates.
//! - [`store`] keeps messages and outbox in the user database; [`hours`] computes Paris time and
//!   French public holidays; [`card`] shares catalogue items; [`channels`] builds `tel:`/`mailto:`.
//! - [`advisor`] is the service side, kept minimal: tests, benchmarks and trials from a terminal.
//!
//! No message text is logged or put in an error.

pub mod advisor;
pub mod card;
pub mod channels;
mod client;
pub mod hours;
pub mod session;
pub mod store;

pub use card::{Card, CardField, CardKind};
pub use channels::{ContactChannels, EmailChannel, PhoneChannel, ServiceHours};
pub use client::{
    Chat, ChatConfig, ChatListener, ChatStatus, ChatUpdate, ConnectionState, ContactOptions, Deletion,
    FlushReport, RetryPolicy, SendOutcome, TaskHandle,
};
pub use hours::{Availability, OpeningHours};
/// The Matrix SDK this module is built on, for the service side of tests and tools.
pub use matrix_sdk;
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
    #[error("erreur interne de la discussion ({0})")]
    Internal(&'static str),
}
