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
//!
//! The client is split by concern under `client/`: `mod.rs` (types, opening, status, listeners),
//! `account` (registration, session, connection probe), `room` (finding or creating the
//! conversation), `outbox` (queue and sending), `sync` (the sync loop, gap filling), `paging` (older
//! history) and `deletion` ("supprimer ma conversation", "supprimer toutes mes données").
//!
//! # Why our own outbox in user.db, not matrix-sdk's `Room::send_queue()`
//!
//! matrix-sdk 0.18 ships a persisted send queue (`matrix-sdk-0.18.0/src/send_queue/mod.rs`) with
//! local echoes and transaction ids. We read it and keep our own outbox (`store.rs`, the
//! `chat_message` table), for these reasons:
//!
//! - **It needs a joined room.** `RoomSendQueue::send_raw` returns `RoomNotJoined` unless
//!   `room.state() == RoomState::Joined` (and a `Room` exists only once the SDK knows it). Our first
//!   message is written before the account or the room exist — offline on first use, or with the
//!   token refused — and must survive that: `chat_outbox.rs`'s
//!   `twenty_queued_while_synapse_is_down_arrive_once_in_order` queues 20 messages while
//!   `has_conversation` is false. With the SDK's queue we would still need our own queue in front.
//! - **It stops at the first error.** After any failed request, transient ones included, the
//!   sending task sets `locally_enabled` to false ("Disable the queue for this room after any kind
//!   of error happened") and waits for the app to call `set_enabled(true)`; its only retries are
//!   `RequestConfig::short_retry()`. The backoff and the "send now, the server is back" rule (a sync
//!   that succeeds) would be ours anyway. Ours retries with [`RetryPolicy`] and sends what waits as
//!   soon as a sync or [`Chat::connect`] gets an answer.
//! - **A second database.** Its requests live in the SDK's state store (table `send_queue_events`,
//!   matrix-sdk-sqlite migrations 003–010), encrypted with the store passphrase, and its local
//!   echoes are not our history rows: the screen would merge two sources (matrix-sdk-ui's timeline
//!   does that; we do not ship it). Ours is one table where the local echo *is* the message, read
//!   offline with the rest of the history, wiped in the same transaction as the user's other data
//!   (`db::user::PERSONAL_TABLES`), and not lost when the SDK's store is (a lost store keeps the
//!   outbox; a lost user.db is rebuilt from the server).
//! - **Same guarantee, already proven.** Both send with `room.send_raw(…).with_transaction_id(…)`,
//!   the server deduplicating by transaction id; ours keeps the id in the row from the moment the
//!   message is written. `chat_outbox.rs`'s `kill_9_after_the_server_accepted_a_message_then_restart`
//!   (killed between the server's answer and our record of it) and `kill_9_while_flushing_then_restart`
//!   prove each message reaches the server exactly once, in order, and shows once.
//!
//! What we give up: edits, reactions and media uploads through the queue (not in this chat). Worth
//! another look if the chat adopts matrix-sdk-ui's timeline.

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
    Chat, ChatConfig, ChatListener, ChatStatus, ChatUpdate, ConnectionState, ContactOptions,
    Deletion, FlushReport, RetryPolicy, SendOutcome, TaskHandle,
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
