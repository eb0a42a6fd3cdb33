//! The chat client: account, conversation, outbox, sync, listeners.
//!
//! Two background loops run while [`Chat::start`]'s handle lives: the sync loop (long-polls the
//! server, stores what arrives, tells listeners) and the outbox loop (sends queued messages in order,
//! one at a time, each with the transaction id it was given when queued, so a retry after a failure
//! or a kill never makes a second copy on the server).

use super::card::Card;
use super::channels::{ContactChannels, EmailChannel, PhoneChannel, ServiceHours};
use super::hours::Availability;
use super::session::{SessionStore, StoredSession};
use super::store::{self, Message, Placement, RemoteEvent};
use super::ChatError;
use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::config::{RequestConfig, SyncSettings, SyncToken};
use matrix_sdk::room::MessagesOptions;
use matrix_sdk::ruma::api::client::account::register::v3::Request as RegistrationRequest;
use matrix_sdk::ruma::api::client::filter::{FilterDefinition, RoomEventFilter};
use matrix_sdk::ruma::api::client::receipt::create_receipt::v3::ReceiptType;
use matrix_sdk::ruma::api::client::room::create_room;
use matrix_sdk::ruma::api::client::sync::sync_events::v3::Filter;
use matrix_sdk::ruma::api::client::uiaa;
use matrix_sdk::ruma::events::receipt::ReceiptThread;
use matrix_sdk::ruma::events::room::encryption::RoomEncryptionEventContent;
use matrix_sdk::ruma::events::{InitialStateEvent, StateEventType};
use matrix_sdk::ruma::serde::Raw;
use matrix_sdk::ruma::{
    assign, OwnedEventId, OwnedRoomId, OwnedTransactionId, OwnedUserId, TransactionId, UInt, UserId,
};
use matrix_sdk::store::RoomLoadSettings;
use matrix_sdk::{Client, Room, RoomState, SessionMeta, SessionTokens};
use orientation_core::db::crypt::UserKey;
use orientation_core::error::{Error, Result};
use rusqlite::Connection;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;
use tokio::sync::{broadcast, Notify};

mod account;
mod deletion;
mod outbox;
mod paging;
mod room;
mod sync;

use account::restore;
use sync::parse_event;

/// Longest message accepted (characters); Matrix events are limited to 64 KiB.
pub const MAX_MESSAGE_CHARS: usize = 8000;
/// Messages in a listener's first snapshot.
const SNAPSHOT: usize = 200;
/// Pages fetched at most to fill a gap after a long time offline.
const GAP_PAGES: usize = 20;
/// Events per history page.
const PAGE: u32 = 50;
/// Internal (non-network) send errors are retried this many times, then the message fails.
const MAX_INTERNAL_ATTEMPTS: u32 = 8;

const ROOM_ID: &str = "room_id";
const SYNC_TOKEN: &str = "sync_token";
const BACK_TOKEN: &str = "back_token";
const HISTORY_COMPLETE: &str = "history_complete";
const LEAVE_PENDING: &str = "leave_pending";
/// State event marking the rooms this app opens, so that a room created by a run killed before
/// recording it is found again instead of opening a second conversation.
const CONVERSATION_STATE: &str = "fr.spro.orientation.conversation";

/// Backoff of the outbox and the sync loop: `initial`, doubled at each failure, at most `max`.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub initial: Duration,
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Delay before attempt `attempts + 1`, after `attempts` failures (1 or more).
    pub fn delay(&self, attempts: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempts.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.initial.saturating_mul(factor).min(self.max)
    }
}

#[derive(Clone)]
pub struct ChatConfig {
    /// The Region's homeserver (`https://matrix.region.fr`).
    pub homeserver_url: String,
    /// Token that lets the app register accounts (the server refuses open registration).
    pub registration_token: Option<String>,
    /// The service's account: the conversation is a direct room with it.
    pub service_user_id: String,
    /// The user database (messages, outbox).
    pub user_db: PathBuf,
    /// Seals the messages' text and cards in the user database (core::db::crypt).
    pub user_key: UserKey,
    /// The Matrix SDK's own store (encryption keys, room state), encrypted with a passphrase kept in
    /// the [`SessionStore`].
    pub store_dir: PathBuf,
    /// Name of this device as the account lists it.
    pub device_name: String,
    pub hours: ServiceHours,
    pub contact: ContactChannels,
    pub retry: RetryPolicy,
    /// How long a sync request waits on the server for news.
    pub sync_timeout: Duration,
    /// Timeout of other requests.
    pub request_timeout: Duration,
}

/// The registration token and the key stay out of logs and errors.
impl std::fmt::Debug for ChatConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatConfig")
            .field("homeserver_url", &self.homeserver_url)
            .field("service_user_id", &self.service_user_id)
            .field("user_db", &self.user_db)
            .field("store_dir", &self.store_dir)
            .finish_non_exhaustive()
    }
}

impl ChatConfig {
    /// Defaults for a data directory: `user.db` and `chat/` in it, Monday–Friday 9–17 hours.
    pub fn new(
        homeserver_url: impl Into<String>,
        service_user_id: impl Into<String>,
        data_dir: impl Into<PathBuf>,
        user_key: UserKey,
    ) -> ChatConfig {
        let data_dir = data_dir.into();
        ChatConfig {
            homeserver_url: homeserver_url.into(),
            registration_token: None,
            service_user_id: service_user_id.into(),
            user_db: data_dir.join("user.db"),
            user_key,
            store_dir: data_dir.join("chat"),
            device_name: "Orientation".into(),
            hours: ServiceHours::default(),
            contact: ContactChannels::default(),
            retry: RetryPolicy::default(),
            sync_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(20),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    /// Not synced yet, or the server is unreachable: messages wait in the outbox.
    Offline,
    Online,
    /// The server no longer knows this session and logging in again failed.
    SessionExpired,
}

impl ConnectionState {
    fn from_u8(v: u8) -> ConnectionState {
        match v {
            1 => ConnectionState::Online,
            2 => ConnectionState::SessionExpired,
            _ => ConnectionState::Offline,
        }
    }
}

/// What a listener receives: first a `Reset` (the current state), then changes.
// Upserts are by far the most frequent update and live only until the listener has them: boxing the
// message would cost an allocation each for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatUpdate {
    /// The whole visible conversation, oldest first (at subscription, after a deletion, or after the
    /// listener fell behind).
    Reset {
        messages: Vec<Message>,
    },
    /// A new message (at the end) or a change of one already shown (state, read, event id).
    Upsert {
        message: Message,
    },
    Remove {
        local_id: i64,
    },
    /// Older history loaded, oldest first: goes before everything shown.
    Older {
        messages: Vec<Message>,
    },
    /// Who is typing now on the service's side (display names); empty when nobody.
    Typing {
        names: Vec<String>,
    },
    Connection {
        state: ConnectionState,
    },
}

/// Receives a conversation's updates. Called from the chat's tasks: return quickly.
pub trait ChatListener: Send + Sync {
    fn on_update(&self, update: ChatUpdate);
}

/// A running subscription or background loop: stopped by `cancel()` or when dropped.
pub struct TaskHandle {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl TaskHandle {
    pub fn cancel(&self) {
        for t in &self.tasks {
            t.abort();
        }
    }

    pub fn is_finished(&self) -> bool {
        self.tasks.iter().all(|t| t.is_finished())
    }
}

impl Drop for TaskHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Ways to reach the service besides the chat.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContactOptions {
    pub phone: Option<PhoneChannel>,
    pub email: Option<EmailChannel>,
}

/// The answer to a send: the local echo, and what to tell the user when the service is closed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SendOutcome {
    pub message: Message,
    pub chat: Availability,
    /// Outside opening hours: the message waits for the next opening; the other channels.
    pub outside_hours: Option<ContactOptions>,
    /// One sentence for the screen.
    pub notice: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChatStatus {
    pub user_id: Option<String>,
    pub device_id: Option<String>,
    pub has_conversation: bool,
    pub connection: ConnectionState,
    /// Messages waiting in the outbox.
    pub pending: u32,
    /// Messages the server refused (the user may retry or discard them).
    pub failed: u32,
    /// Display name of the advisor who answered last.
    pub last_advisor: Option<String>,
    pub chat: Availability,
    pub summary: String,
    pub contact: ContactOptions,
}

/// What a deletion did, and one sentence for the screen that says plainly what the server keeps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Deletion {
    /// The server has been told (room left, account closed); `false`: the room is left at the next
    /// connection.
    pub server_done: bool,
    pub notice: String,
}

impl Deletion {
    fn conversation(had_room: bool, left: bool) -> Deletion {
        let notice = match (had_room, left) {
            (false, _) => "Conversation effacée de cet appareil (elle n'avait pas encore été ouverte sur le serveur).",
            (true, true) => "Conversation effacée de cet appareil et quittée sur le serveur : elle ne reviendra pas. Les conseillers du service gardent les messages qu'ils ont reçus ; votre compte de discussion reste ouvert (« supprimer toutes mes données » le ferme).",
            (true, false) => "Conversation effacée de cet appareil. Le serveur est injoignable : elle y sera quittée à la prochaine connexion. Les conseillers du service gardent les messages qu'ils ont reçus.",
        };
        Deletion {
            server_done: !had_room || left,
            notice: notice.to_string(),
        }
    }

    fn everything(had_account: bool) -> Deletion {
        let notice = if had_account {
            "Discussion supprimée : conversation quittée, compte fermé sur le serveur (qui efface vos messages pour tout nouveau lecteur) et copie locale effacée. Les conseillers qui ont déjà lu vos messages en gardent la copie."
        } else {
            "Discussion supprimée de cet appareil (aucun compte n'avait été créé sur le serveur)."
        };
        Deletion {
            server_done: true,
            notice: notice.to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FlushReport {
    pub sent: u32,
    pub failed: u32,
    /// Still in the outbox (server unreachable, or waiting for their retry time).
    pub remaining: u32,
}

/// How a failed request should be handled.
#[derive(Debug, PartialEq, Eq)]
enum Failure {
    /// Network down, server error, rate limited: try again later.
    Transient(String),
    /// The server refused this request: retrying the same would fail again.
    Permanent(String),
    /// The access token is no longer valid.
    Auth,
    /// A local problem (store, encryption): retried a few times.
    Internal(String),
}

fn classify(e: &matrix_sdk::Error) -> Failure {
    if let Some(api) = e.as_client_api_error() {
        let code = api
            .error_kind()
            .map(|k| k.errcode().to_string())
            .unwrap_or_else(|| format!("HTTP {}", api.status_code.as_u16()));
        let status = api.status_code.as_u16();
        if code == "M_UNKNOWN_TOKEN" {
            return Failure::Auth;
        }
        if status == 429 || status == 408 || status >= 500 {
            return Failure::Transient(code);
        }
        return Failure::Permanent(code);
    }
    match e {
        matrix_sdk::Error::Http(h) => match h.as_ref() {
            matrix_sdk::HttpError::Reqwest(_) => Failure::Transient("network".into()),
            _ => Failure::Transient("http".into()),
        },
        _ => Failure::Internal("local".into()),
    }
}

fn chat_error(e: &matrix_sdk::Error) -> Error {
    match classify(e) {
        Failure::Transient(_) => ChatError::Offline,
        Failure::Permanent(code) => ChatError::Refused(code),
        Failure::Auth => ChatError::SessionExpired,
        Failure::Internal(_) => ChatError::Internal("matrix"),
    }
    .into()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// 128 random bits, hex (from the SDK's v4 UUIDs).
fn random_token() -> String {
    TransactionId::new().to_string()
}

fn parse_user_id(s: &str) -> Result<OwnedUserId> {
    UserId::parse(s).map_err(|_| ChatError::BadUserId(orientation_core::error::echo(s)).into())
}

fn localpart(user_id: &str) -> String {
    user_id
        .trim_start_matches('@')
        .split(':')
        .next()
        .unwrap_or_default()
        .to_string()
}

struct Inner {
    config: ChatConfig,
    sessions: Arc<dyn SessionStore>,
    client: RwLock<Client>,
    /// Passphrase of a store created before the account exists (saved with the session).
    new_passphrase: Mutex<Option<String>>,
    db: Mutex<Connection>,
    updates: broadcast::Sender<ChatUpdate>,
    outbox_wake: Notify,
    account_ready: Notify,
    flush_lock: tokio::sync::Mutex<()>,
    connection: AtomicU8,
    /// A sync has been processed since start: rooms the server knows are known here too.
    synced: AtomicBool,
    /// Woken each time a sync has been processed.
    sync_done: Notify,
    /// Held while history from the server is written (a sync's events, a page of older ones): a page
    /// read from the live end must not interleave with a sync's events.
    history_lock: tokio::sync::Mutex<()>,
    deleted: AtomicBool,
    runtime: tokio::runtime::Handle,
    #[cfg(debug_assertions)]
    sends: std::sync::atomic::AtomicU32,
}

/// The advisor chat of this app user. Cheap to clone; all clones share one client and database.
#[derive(Clone)]
pub struct Chat {
    inner: Arc<Inner>,
}

/// The homeserver's address under the one rule of `core::net`: https, or http to this machine only.
fn check_server_url(url: &str) -> Result<()> {
    match orientation_core::net::parse_remote_url(url) {
        Ok(_) => Ok(()),
        Err(orientation_core::net::UrlRefusal::Insecure(_)) => {
            Err(ChatError::InsecureServerUrl.into())
        }
        Err(orientation_core::net::UrlRefusal::Invalid(_)) => Err(ChatError::BadServerUrl.into()),
    }
}

async fn build_client(config: &ChatConfig, passphrase: &str) -> Result<Client> {
    let url = config.homeserver_url.trim();
    check_server_url(url)?;
    std::fs::create_dir_all(&config.store_dir).map_err(|e| Error::io(&config.store_dir, e))?;
    let requests = RequestConfig::new()
        .timeout(config.request_timeout)
        .retry_limit(2)
        .max_retry_time(config.request_timeout);
    orientation_core::tls::install_crypto_provider();
    Client::builder()
        .homeserver_url(url)
        .sqlite_store(&config.store_dir, Some(passphrase))
        .request_config(requests)
        .build()
        .await
        .map_err(|e| match e {
            matrix_sdk::ClientBuildError::Url(_) => ChatError::BadServerUrl.into(),
            _ => ChatError::LocalStore("ouverture").into(),
        })
}

impl Chat {
    /// Opens the chat: the local conversation is readable at once, offline. A stored session is
    /// resumed without any network request; without one, [`Chat::connect`] registers an account.
    /// Must be called within a tokio runtime; its tasks run on that runtime.
    pub async fn open(config: ChatConfig, sessions: Arc<dyn SessionStore>) -> Result<Chat> {
        // Before anything is opened or sent: no packet to a server the rule refuses.
        check_server_url(&config.homeserver_url)?;
        parse_user_id(&config.service_user_id)?;
        let conn = orientation_core::db::user::open(&config.user_db, &config.user_key)?;
        let stored = sessions.load()?;
        let (client, new_passphrase) = match &stored {
            Some(s)
                if s.homeserver_url.trim_end_matches('/')
                    != config.homeserver_url.trim_end_matches('/') =>
            {
                return Err(ChatError::OtherServer.into())
            }
            Some(s) => {
                let client = build_client(&config, &s.store_passphrase).await?;
                restore(&client, s).await?;
                (client, None)
            }
            None => {
                // A store without a session is what a failed registration leaves: nothing to keep.
                if config.store_dir.exists() {
                    std::fs::remove_dir_all(&config.store_dir)
                        .map_err(|e| Error::io(&config.store_dir, e))?;
                }
                let passphrase = random_token();
                (build_client(&config, &passphrase).await?, Some(passphrase))
            }
        };
        let (updates, _) = broadcast::channel(1024);
        Ok(Chat {
            inner: Arc::new(Inner {
                config,
                sessions,
                client: RwLock::new(client),
                new_passphrase: Mutex::new(new_passphrase),
                db: Mutex::new(conn),
                updates,
                outbox_wake: Notify::new(),
                account_ready: Notify::new(),
                flush_lock: tokio::sync::Mutex::new(()),
                connection: AtomicU8::new(0),
                synced: AtomicBool::new(false),
                sync_done: Notify::new(),
                history_lock: tokio::sync::Mutex::new(()),
                deleted: AtomicBool::new(false),
                runtime: tokio::runtime::Handle::current(),
                #[cfg(debug_assertions)]
                sends: std::sync::atomic::AtomicU32::new(0),
            }),
        })
    }

    fn client(&self) -> Client {
        match self.inner.client.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn db(&self) -> MutexGuard<'_, Connection> {
        self.inner.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn emit(&self, update: ChatUpdate) {
        // No receiver is fine: nobody is listening.
        let _ = self.inner.updates.send(update);
    }

    fn set_connection(&self, state: ConnectionState) {
        let v = state as u8;
        if self.inner.connection.swap(v, Ordering::SeqCst) != v {
            self.emit(ChatUpdate::Connection { state });
        }
    }

    /// The server answered: listeners hear it, and whatever waits in the outbox goes now, not at
    /// its backoff time.
    fn back_online(&self) {
        self.set_connection(ConnectionState::Online);
        let _ = self.db().execute(
            "UPDATE chat_message SET next_attempt = 0 WHERE state = 'sending'",
            [],
        );
        self.inner.outbox_wake.notify_one();
    }

    /// The connection as last seen: `Offline` until the server has answered once (a sync,
    /// [`Chat::connect`] or [`Chat::check_connection`]).
    pub fn connection(&self) -> ConnectionState {
        ConnectionState::from_u8(self.inner.connection.load(Ordering::SeqCst))
    }

    fn check_alive(&self) -> Result<()> {
        if self.inner.deleted.load(Ordering::SeqCst) {
            return Err(ChatError::NoAccount.into());
        }
        Ok(())
    }

    /// The app user's Matrix id, once the account exists.
    pub fn user_id(&self) -> Option<String> {
        self.client().user_id().map(|u| u.to_string())
    }

    pub fn device_id(&self) -> Option<String> {
        self.client().device_id().map(|d| d.to_string())
    }

    /// Starts the sync and outbox loops on the runtime the chat was opened on. They stop when the
    /// handle is dropped or cancelled.
    pub fn start(&self) -> TaskHandle {
        let sync = {
            let me = self.clone();
            self.inner
                .runtime
                .spawn(async move { me.sync_loop().await })
        };
        let outbox = {
            let me = self.clone();
            self.inner
                .runtime
                .spawn(async move { me.outbox_loop().await })
        };
        TaskHandle {
            tasks: vec![sync, outbox],
        }
    }

    /// Gives `listener` the conversation now (a `Reset`), then every change until the handle goes.
    pub fn subscribe(&self, listener: Arc<dyn ChatListener>) -> Result<TaskHandle> {
        let mut rx = self.inner.updates.subscribe();
        let snapshot = store::messages(&self.db(), None, SNAPSHOT)?;
        listener.on_update(ChatUpdate::Reset { messages: snapshot });
        listener.on_update(ChatUpdate::Connection {
            state: self.connection(),
        });
        let me = self.clone();
        let task = self.inner.runtime.spawn(async move {
            loop {
                match rx.recv().await {
                    Ok(u) => listener.on_update(u),
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let fresh = store::messages(&me.db(), None, SNAPSHOT);
                        if let Ok(messages) = fresh {
                            listener.on_update(ChatUpdate::Reset { messages });
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        Ok(TaskHandle { tasks: vec![task] })
    }

    /// The conversation as stored (works offline): up to `limit` messages before `before_local_id`
    /// (the newest if `None`), oldest first.
    pub fn history(&self, before_local_id: Option<i64>, limit: usize) -> Result<Vec<Message>> {
        store::messages(&self.db(), before_local_id, limit)
    }

    pub fn contact_options(&self, draft: Option<&str>, card: Option<&Card>) -> ContactOptions {
        let now = now_ms() / 1000;
        let c = &self.inner.config;
        ContactOptions {
            phone: c.contact.phone_channel(&c.hours.phone, now),
            email: c.contact.email_channel(draft, card),
        }
    }

    pub fn status(&self) -> Result<ChatStatus> {
        let client = self.client();
        let (pending, failed, room, last_advisor) = {
            let db = self.db();
            let failed: i64 = db.query_row(
                "SELECT count(*) FROM chat_message WHERE state = 'failed'",
                [],
                |r| r.get(0),
            )?;
            let last: Option<String> = db
                .query_row(
                    "SELECT sender_name FROM chat_message WHERE outgoing = 0 AND sender_name IS NOT NULL
                     ORDER BY pos DESC LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .ok();
            (
                store::pending_count(&db)?,
                failed.clamp(0, i64::from(u32::MAX)) as u32,
                store::state(&db, ROOM_ID)?,
                last,
            )
        };
        let now = now_ms() / 1000;
        let chat = self.inner.config.hours.chat.availability(now);
        Ok(ChatStatus {
            user_id: client.user_id().map(|u| u.to_string()),
            device_id: client.device_id().map(|d| d.to_string()),
            has_conversation: room.is_some(),
            connection: self.connection(),
            pending,
            failed,
            last_advisor,
            summary: chat.summary(now),
            chat,
            contact: self.contact_options(None, None),
        })
    }

    /// Tells the service the user is typing (or stopped).
    pub async fn set_typing(&self, typing: bool) -> Result<()> {
        let Some(room) = self.known_room() else {
            return Ok(());
        };
        room.typing_notice(typing).await.map_err(|e| chat_error(&e))
    }

    /// Tells the service the user has read its latest message.
    pub async fn mark_read(&self) -> Result<()> {
        let Some(room) = self.known_room() else {
            return Ok(());
        };
        let Some(event) = store::last_received_event(&self.db())? else {
            return Ok(());
        };
        let event = OwnedEventId::try_from(event).map_err(|_| ChatError::Internal("event id"))?;
        room.send_single_receipt(ReceiptType::Read, ReceiptThread::Unthreaded, event)
            .await
            .map_err(|e| chat_error(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_without_overflow() {
        let p = RetryPolicy {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(10),
        };
        assert_eq!(p.delay(1), Duration::from_millis(500));
        assert_eq!(p.delay(2), Duration::from_secs(1));
        assert_eq!(p.delay(4), Duration::from_secs(4));
        assert_eq!(p.delay(6), Duration::from_secs(10));
        assert_eq!(p.delay(u32::MAX), Duration::from_secs(10));
    }

    #[test]
    fn the_config_never_shows_its_registration_token_or_key() {
        let key = UserKey::generate();
        let mut config = ChatConfig::new(
            "https://matrix.region.fr",
            "@conseil:region.fr",
            "/d",
            key.clone(),
        );
        config.registration_token = Some("jeton-secret-d-inscription".into());
        let shown = format!("{config:?}");
        assert!(shown.contains("matrix.region.fr"), "{shown}");
        assert!(!shown.contains("jeton-secret"), "{shown}");
        let secret = key.to_secret_text();
        let digits = secret.rsplit(':').next().unwrap_or_default();
        assert!(!shown.contains(&digits[..12]), "{shown}");
    }

    #[test]
    fn homeserver_is_https_or_this_machine() {
        for ok in [
            "https://matrix.region.fr",
            "http://127.0.0.1:8008",
            "http://localhost:8008/",
        ] {
            assert!(check_server_url(ok).is_ok(), "{ok}");
        }
        let err = check_server_url("http://matrix.region.invalid").unwrap_err();
        assert!(
            matches!(err, Error::Chat(ChatError::InsecureServerUrl)),
            "{err}"
        );
        assert!(err.to_string().contains("HTTPS obligatoire"), "{err}");
        assert!(matches!(
            check_server_url("matrix.region.fr"),
            Err(Error::Chat(ChatError::BadServerUrl))
        ));
    }
}
