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
//! # Why a crate of its own
//!
//! The data half of the chat (store, session, hours, cards, channels, [`ChatError`]) is
//! `orientation_core::chat`, re-exported here; this crate holds what talks to matrix-sdk. Rust
//! compiles generic code in the crate that uses it, so the client's async functions over
//! matrix-sdk's types were compiled, and optimised at level 3, inside orientation-core with the
//! search: the core waited for the whole Matrix stack and then took 238 s (`cargo build --timings
//! --release`, 2 cores). Here they are compiled unoptimised in the release profile (a few requests a
//! minute do not need more), and the core builds while matrix-sdk does. The shipped library's
//! profile (release-mobile) optimises this crate for size like the rest of the Matrix stack.
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
mod client;

pub use client::{
    Chat, ChatConfig, ChatListener, ChatStatus, ChatUpdate, ConnectionState, ContactOptions,
    Deletion, FlushReport, RetryPolicy, SendOutcome, TaskHandle,
};
/// The Matrix SDK this crate is built on, for the service side of tests and tools.
pub use matrix_sdk;
pub use orientation_core::chat::{
    card, channels, hours, session, store, Availability, Card, CardField, CardKind, ChatError,
    ContactChannels, EmailChannel, FileSessionStore, Message, OpeningHours, PhoneChannel,
    SendState, ServiceHours, SessionStore, StoredSession,
};
