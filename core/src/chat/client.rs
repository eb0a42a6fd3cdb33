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
use crate::error::{Error, Result};
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
use rusqlite::Connection;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;
use tokio::sync::{broadcast, Notify};

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

#[derive(Clone, Debug)]
pub struct ChatConfig {
    /// The Region's homeserver (`https://matrix.region.fr`).
    pub homeserver_url: String,
    /// Token that lets the app register accounts (the server refuses open registration).
    pub registration_token: Option<String>,
    /// The service's account: the conversation is a direct room with it.
    pub service_user_id: String,
    /// The user database (messages, outbox).
    pub user_db: PathBuf,
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

impl ChatConfig {
    /// Defaults for a data directory: `user.db` and `chat/` in it, Monday–Friday 9–17 hours.
    pub fn new(
        homeserver_url: impl Into<String>,
        service_user_id: impl Into<String>,
        data_dir: impl Into<PathBuf>,
    ) -> ChatConfig {
        let data_dir = data_dir.into();
        ChatConfig {
            homeserver_url: homeserver_url.into(),
            registration_token: None,
            service_user_id: service_user_id.into(),
            user_db: data_dir.join("user.db"),
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
    UserId::parse(s).map_err(|_| ChatError::BadUserId(s.chars().take(80).collect()).into())
}

fn localpart(user_id: &str) -> String {
    user_id
        .trim_start_matches('@')
        .split(':')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn sync_filter() -> Filter {
    let mut def = FilterDefinition::with_lazy_loading();
    let mut timeline = RoomEventFilter::with_lazy_loading();
    timeline.limit = Some(UInt::from(PAGE));
    def.room.timeline = timeline;
    Filter::FilterDefinition(def)
}

/// A timeline event's JSON as we keep it; `None` for what is not a message (state, reactions, edits).
fn parse_event(json: &str, own: &str) -> Option<RemoteEvent> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    let event_id = v.get("event_id")?.as_str()?.to_string();
    let sender = v.get("sender")?.as_str()?.to_string();
    let ts = v
        .get("origin_server_ts")
        .and_then(|t| t.as_i64())
        .unwrap_or(0);
    let txn_id = v
        .pointer("/unsigned/transaction_id")
        .and_then(|t| t.as_str())
        .map(str::to_string);
    let content = v.get("content")?;
    let (body, card) = match v.get("type")?.as_str()? {
        "m.room.message" => {
            if content
                .pointer("/m.relates_to/rel_type")
                .and_then(|r| r.as_str())
                == Some("m.replace")
            {
                return None;
            }
            let body = content.get("body")?.as_str()?;
            let body = match content.get("msgtype").and_then(|m| m.as_str()) {
                Some("m.text") | Some("m.notice") | None => body.to_string(),
                Some("m.emote") => format!("* {body}"),
                Some(_) => format!("[pièce jointe] {body}"),
            };
            (body, Card::from_event_content(content))
        }
        "m.room.encrypted" => (
            "Message chiffré illisible sur cet appareil.".to_string(),
            None,
        ),
        _ => return None,
    };
    let body: String = body.chars().take(MAX_MESSAGE_CHARS * 2).collect();
    Some(RemoteEvent {
        own: sender == own,
        event_id,
        sender,
        sender_name: None,
        body,
        card,
        ts,
        txn_id,
    })
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

async fn build_client(config: &ChatConfig, passphrase: &str) -> Result<Client> {
    let url = config.homeserver_url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ChatError::BadServerUrl.into());
    }
    std::fs::create_dir_all(&config.store_dir).map_err(|e| Error::io(&config.store_dir, e))?;
    let requests = RequestConfig::new()
        .timeout(config.request_timeout)
        .retry_limit(2)
        .max_retry_time(config.request_timeout);
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
        parse_user_id(&config.service_user_id)?;
        let conn = crate::db::user::open(&config.user_db)?;
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

    /// Makes sure the account exists and its session is valid: registers on first use (with the
    /// registration token, a generated username and password, and `display_name` or "Anonyme"),
    /// logs in again with the stored password if the server forgot the session. Offline with a stored
    /// session, it succeeds without checking (the sync will).
    pub async fn connect(&self, display_name: Option<&str>) -> Result<String> {
        self.check_alive()?;
        let client = self.client();
        if let Some(user) = client.user_id().map(|u| u.to_string()) {
            match client.whoami().await {
                Ok(_) => {}
                Err(e) => match classify(&matrix_sdk::Error::Http(Box::new(e))) {
                    Failure::Auth => self.login_again().await?,
                    Failure::Transient(_) => {}
                    Failure::Permanent(code) => return Err(ChatError::Refused(code).into()),
                    Failure::Internal(_) => return Err(ChatError::Internal("whoami").into()),
                },
            }
            self.inner.account_ready.notify_waiters();
            return Ok(user);
        }
        let user = self.register(display_name).await?;
        self.inner.account_ready.notify_waiters();
        self.inner.outbox_wake.notify_one();
        Ok(user)
    }

    async fn register(&self, display_name: Option<&str>) -> Result<String> {
        let client = self.client();
        let password = format!("{}{}", random_token(), random_token());
        let mut attempt = 0;
        let response = loop {
            attempt += 1;
            let username = format!("usager-{}", &random_token()[..16]);
            match self
                .register_with_token(&client, &username, &password)
                .await
            {
                Err(e)
                    if attempt < 3
                        && matches!(&e, Error::Chat(ChatError::Refused(c)) if c == "M_USER_IN_USE") =>
                {
                    continue
                }
                other => break other?,
            }
        };
        let session = client
            .matrix_auth()
            .session()
            .ok_or(ChatError::Internal("session absente après inscription"))?;
        let passphrase = self
            .inner
            .new_passphrase
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or(ChatError::Internal("phrase de passe absente"))?;
        self.inner.sessions.save(&StoredSession {
            homeserver_url: self.inner.config.homeserver_url.clone(),
            user_id: session.meta.user_id.to_string(),
            device_id: session.meta.device_id.to_string(),
            access_token: session.tokens.access_token.clone(),
            password,
            store_passphrase: passphrase,
        })?;
        let name = display_name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or("Anonyme");
        let name: String = name.chars().take(64).collect();
        if let Err(e) = client.account().set_display_name(Some(&name)).await {
            // The account works without it; the advisor sees the generated id meanwhile.
            tracing_free_note(&e);
        }
        Ok(response)
    }

    /// Registration through the user-interactive flow Synapse asks for: the registration token,
    /// then the dummy stage.
    async fn register_with_token(
        &self,
        client: &Client,
        username: &str,
        password: &str,
    ) -> Result<String> {
        let token = self.inner.config.registration_token.clone();
        let request = |auth: Option<uiaa::AuthData>| {
            let mut r = RegistrationRequest::new();
            r.username = Some(username.to_string());
            r.password = Some(password.to_string());
            r.initial_device_display_name = Some(self.inner.config.device_name.clone());
            r.auth = auth;
            r
        };
        let mut auth = None;
        for _ in 0..4 {
            match client.matrix_auth().register(request(auth.take())).await {
                Ok(r) => return Ok(r.user_id.to_string()),
                Err(e) => {
                    let Some(info) = e.as_uiaa_response() else {
                        return Err(chat_error(&e));
                    };
                    if info.auth_error.is_some() {
                        return Err(ChatError::RegistrationRefused.into());
                    }
                    let done = |t: &str| info.completed.iter().any(|c| c.as_str() == t);
                    let session = info.session.clone();
                    auth = Some(
                        if !done("m.login.registration_token")
                            && info.flows.iter().any(|f| {
                                f.stages
                                    .iter()
                                    .any(|s| s.as_str() == "m.login.registration_token")
                            })
                        {
                            let Some(token) = token.clone() else {
                                return Err(ChatError::RegistrationRefused.into());
                            };
                            let mut t = uiaa::RegistrationToken::new(token);
                            t.session = session;
                            uiaa::AuthData::RegistrationToken(t)
                        } else {
                            let mut d = uiaa::Dummy::new();
                            d.session = session;
                            uiaa::AuthData::Dummy(d)
                        },
                    );
                }
            }
        }
        Err(ChatError::RegistrationRefused.into())
    }

    /// The server forgot our access token: log in again as the same device (its encryption keys
    /// stay valid) with the stored password, on a fresh client over the same store.
    async fn login_again(&self) -> Result<()> {
        let stored = self.inner.sessions.load()?.ok_or(ChatError::NoAccount)?;
        let client = build_client(&self.inner.config, &stored.store_passphrase).await?;
        let response = client
            .matrix_auth()
            .login_username(&stored.user_id, &stored.password)
            .device_id(&stored.device_id)
            .initial_device_display_name(&self.inner.config.device_name)
            .send()
            .await
            .map_err(|e| match classify(&e) {
                Failure::Transient(_) => Error::from(ChatError::Offline),
                _ => ChatError::SessionExpired.into(),
            })?;
        let mut renewed = stored.clone();
        renewed.access_token = response.access_token.clone();
        renewed.device_id = response.device_id.to_string();
        self.inner.sessions.save(&renewed)?;
        match self.inner.client.write() {
            Ok(mut c) => *c = client,
            Err(p) => *p.into_inner() = client,
        }
        self.set_connection(ConnectionState::Offline);
        Ok(())
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

    /// Queues a text message. It shows at once (`Sending`) and goes out as soon as possible.
    pub fn send_text(&self, text: &str) -> Result<SendOutcome> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ChatError::EmptyMessage.into());
        }
        if text.chars().count() > MAX_MESSAGE_CHARS {
            return Err(ChatError::MessageTooLong(MAX_MESSAGE_CHARS).into());
        }
        self.enqueue(text, None)
    }

    /// Queues a shared catalogue item.
    pub fn share(&self, card: &Card) -> Result<SendOutcome> {
        let card = card.clone().sanitised();
        self.enqueue(&card.to_text(), Some(&card))
    }

    fn enqueue(&self, body: &str, card: Option<&Card>) -> Result<SendOutcome> {
        self.check_alive()?;
        let me = self.user_id().unwrap_or_default();
        let txn = TransactionId::new();
        let message = store::enqueue(&self.db(), txn.as_str(), &me, body, card, now_ms())?;
        self.emit(ChatUpdate::Upsert {
            message: message.clone(),
        });
        self.inner.outbox_wake.notify_one();
        let now = now_ms() / 1000;
        let chat = self.inner.config.hours.chat.availability(now);
        let outside_hours =
            (!chat.open).then(|| self.contact_options(Some(body).filter(|_| card.is_none()), card));
        let notice = if chat.open {
            "Message transmis à un conseiller.".to_string()
        } else {
            match chat.next_opening {
                Some(at) => format!(
                    "Le service est fermé : votre message sera traité à la réouverture, {}. Vous pouvez aussi écrire par courriel ou appeler.",
                    super::hours::french_moment(at, now)
                ),
                None => "Le service est fermé : votre message sera traité à la réouverture.".to_string(),
            }
        };
        Ok(SendOutcome {
            message,
            chat,
            outside_hours,
            notice,
        })
    }

    /// Puts a failed message back in the outbox.
    pub fn retry(&self, local_id: i64) -> Result<Message> {
        let m = store::retry_failed(&self.db(), local_id)?.ok_or(ChatError::UnknownMessage)?;
        self.emit(ChatUpdate::Upsert { message: m.clone() });
        self.inner.outbox_wake.notify_one();
        Ok(m)
    }

    /// Drops a message the server has not accepted (failed or still queued).
    pub fn discard(&self, local_id: i64) -> Result<()> {
        if !store::discard(&self.db(), local_id)? {
            return Err(ChatError::UnknownMessage.into());
        }
        self.emit(ChatUpdate::Remove { local_id });
        Ok(())
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

    fn known_room(&self) -> Option<Room> {
        let id = store::state(&self.db(), ROOM_ID).ok().flatten()?;
        let id = OwnedRoomId::try_from(id).ok()?;
        self.client().get_room(&id)
    }

    /// The conversation's room: the stored one, else an existing direct room with the service (a
    /// previous run created it but was killed before recording it), else a new encrypted one.
    async fn ensure_room(&self) -> std::result::Result<Room, Failure> {
        let client = self.client();
        let stored =
            store::state(&self.db(), ROOM_ID).map_err(|_| Failure::Internal("db".into()))?;
        if let Some(id) = stored {
            let id = OwnedRoomId::try_from(id).map_err(|_| Failure::Internal("room id".into()))?;
            match client.get_room(&id) {
                Some(room) if room.state() == RoomState::Joined => return Ok(room),
                // Known to us but not yet to a fresh SDK store: the next sync brings it.
                None => return Err(Failure::Transient("room not synced".into())),
                // We were removed from it: the service closed that conversation; open a new one.
                Some(_) => {
                    let db = self.db();
                    for key in [ROOM_ID, BACK_TOKEN, HISTORY_COMPLETE] {
                        store::clear_state(&db, key).map_err(|_| Failure::Internal("db".into()))?;
                    }
                }
            }
        }
        if !self.inner.synced.load(Ordering::SeqCst) {
            // A room from an earlier run may exist: only a sync can tell.
            return Err(Failure::Transient("not synced".into()));
        }
        let room = match self.find_conversation(&client).await {
            Some(room) => room,
            None => self.create_conversation(&client).await?,
        };
        store::set_state(&self.db(), ROOM_ID, room.room_id().as_str())
            .map_err(|_| Failure::Internal("db".into()))?;
        Ok(room)
    }

    /// A joined room this app opened (marked with [`CONVERSATION_STATE`]) or a direct room with the
    /// service.
    async fn find_conversation(&self, client: &Client) -> Option<Room> {
        // A room the user deleted but has not left yet (offline) is not the conversation any more.
        let leaving = store::state(&self.db(), LEAVE_PENDING).ok().flatten();
        let rooms = client.joined_rooms().into_iter();
        for room in rooms.filter(|r| Some(r.room_id().as_str()) != leaving.as_deref()) {
            let marked = room
                .get_state_events(StateEventType::from(CONVERSATION_STATE))
                .await
                .is_ok_and(|events| !events.is_empty());
            if marked {
                return Some(room);
            }
        }
        let service = UserId::parse(&self.inner.config.service_user_id).ok()?;
        let found = client
            .get_dm_rooms(&service)
            .find(|r| Some(r.room_id().as_str()) != leaving.as_deref());
        found
    }

    /// A direct, encrypted room with the service, marked as ours.
    async fn create_conversation(&self, client: &Client) -> std::result::Result<Room, Failure> {
        let service = UserId::parse(&self.inner.config.service_user_id)
            .map_err(|_| Failure::Internal("service id".into()))?;
        let marker =
            serde_json::json!({"type": CONVERSATION_STATE, "state_key": "", "content": {"v": 1}});
        let marker = Raw::from_json_string(marker.to_string())
            .map_err(|_| Failure::Internal("marker".into()))?;
        let request = assign!(create_room::v3::Request::new(), {
            invite: vec![service],
            is_direct: true,
            preset: Some(create_room::v3::RoomPreset::TrustedPrivateChat),
            name: Some("Orientation".to_string()),
            initial_state: vec![
                InitialStateEvent::with_empty_state_key(
                    RoomEncryptionEventContent::with_recommended_defaults(),
                )
                .to_raw_any(),
                marker,
            ],
        });
        client.create_room(request).await.map_err(|e| classify(&e))
    }

    /// Sends what the outbox holds, oldest first, stopping at the first message that must wait (so
    /// the order on the server is the order of writing).
    pub async fn flush_outbox(&self) -> Result<FlushReport> {
        self.check_alive()?;
        let _one_at_a_time = self.inner.flush_lock.lock().await;
        let mut report = FlushReport::default();
        loop {
            let Some(p) = store::next_pending(&self.db())? else {
                break;
            };
            if p.next_attempt_ms > now_ms() || self.client().user_id().is_none() {
                break;
            }
            let outcome = match self.ensure_room().await {
                Ok(room) => {
                    let content = match &p.card {
                        Some(card) => card.event_content(),
                        None => serde_json::json!({"msgtype": "m.text", "body": p.body}),
                    };
                    let txn: OwnedTransactionId = p.txn_id.clone().into();
                    room.send_raw("m.room.message", content)
                        .with_transaction_id(&txn)
                        .await
                        .map(|r| r.response.event_id)
                        .map_err(|e| classify(&e))
                }
                Err(f) => Err(f),
            };
            match outcome {
                Ok(event_id) => {
                    #[cfg(debug_assertions)]
                    self.failpoint_after_send().await;
                    let (m, duplicate) =
                        store::mark_sent(&self.db(), p.local_id, event_id.as_str())?;
                    if let Some(d) = duplicate {
                        self.emit(ChatUpdate::Remove { local_id: d });
                    }
                    if let Some(m) = m {
                        self.emit(ChatUpdate::Upsert { message: m });
                    }
                    report.sent += 1;
                }
                Err(Failure::Permanent(code)) => {
                    if let Some(m) = store::mark_failed(&self.db(), p.local_id, &code)? {
                        self.emit(ChatUpdate::Upsert { message: m });
                    }
                    report.failed += 1;
                }
                Err(Failure::Internal(code)) if p.attempts + 1 >= MAX_INTERNAL_ATTEMPTS => {
                    if let Some(m) = store::mark_failed(&self.db(), p.local_id, &code)? {
                        self.emit(ChatUpdate::Upsert { message: m });
                    }
                    report.failed += 1;
                }
                Err(f) => {
                    let code = match &f {
                        Failure::Transient(c) | Failure::Internal(c) | Failure::Permanent(c) => {
                            c.clone()
                        }
                        Failure::Auth => "M_UNKNOWN_TOKEN".into(),
                    };
                    if f == Failure::Auth {
                        self.set_connection(ConnectionState::SessionExpired);
                    }
                    let attempts = p.attempts.saturating_add(1);
                    let delay = self.inner.config.retry.delay(attempts);
                    let next = now_ms()
                        .saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
                    if let Some(m) =
                        store::mark_retry(&self.db(), p.local_id, attempts, next, &code)?
                    {
                        self.emit(ChatUpdate::Upsert { message: m });
                    }
                    break;
                }
            }
        }
        report.remaining = store::pending_count(&self.db())?;
        Ok(report)
    }

    /// Test hook (debug builds only): `ORIENTATION_CHAT_FAILPOINT=after-send:N` stops this process
    /// dead after the N-th message the server accepted and before the outbox records it, the worst
    /// moment to be killed. The test kills the process there.
    #[cfg(debug_assertions)]
    async fn failpoint_after_send(&self) {
        let n = self.inner.sends.fetch_add(1, Ordering::SeqCst) + 1;
        let Ok(spec) = std::env::var("ORIENTATION_CHAT_FAILPOINT") else {
            return;
        };
        if spec
            .strip_prefix("after-send:")
            .and_then(|v| v.parse::<u32>().ok())
            == Some(n)
        {
            eprintln!("failpoint after-send:{n} reached");
            loop {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
        }
    }

    async fn outbox_loop(&self) {
        loop {
            if self.inner.deleted.load(Ordering::SeqCst) {
                return;
            }
            let _ = self.flush_outbox().await;
            let head = store::next_pending(&self.db()).ok().flatten();
            let wait = match head {
                None => None,
                Some(p) => {
                    let ms = p.next_attempt_ms.saturating_sub(now_ms()).max(0);
                    let ms = u64::try_from(ms).unwrap_or(0);
                    // Due now but blocked (no account yet): look again after the first backoff step.
                    Some(if ms == 0 {
                        self.inner.config.retry.initial
                    } else {
                        Duration::from_millis(ms)
                    })
                }
            };
            match wait {
                Some(d) => {
                    tokio::select! {
                        _ = self.inner.outbox_wake.notified() => {}
                        _ = tokio::time::sleep(d) => {}
                    }
                }
                None => self.inner.outbox_wake.notified().await,
            }
        }
    }

    async fn sync_loop(&self) {
        let mut failures: u32 = 0;
        loop {
            if self.inner.deleted.load(Ordering::SeqCst) {
                return;
            }
            let client = self.client();
            if client.user_id().is_none() {
                let ready = self.inner.account_ready.notified();
                if self.client().user_id().is_none() {
                    ready.await;
                }
                continue;
            }
            let token = store::state(&self.db(), SYNC_TOKEN).ok().flatten();
            let mut settings = SyncSettings::new().filter(sync_filter());
            settings = match &token {
                Some(t) => settings
                    .token(t.clone())
                    .timeout(self.inner.config.sync_timeout),
                // Our own token, not the SDK's: what we have not stored must come again. Synapse
                // answers an initial sync at once whatever the timeout, but keeps its answer for a
                // couple of minutes keyed by (since, timeout…): a varying timeout gets a fresh one
                // (a stale one would replay the room from an old point).
                None => settings
                    .token(SyncToken::NoToken)
                    .timeout(Duration::from_millis(1 + (now_ms().rem_euclid(997)) as u64)),
            };
            match client.sync_once(settings).await {
                Ok(response) => {
                    let was_offline = self.connection() != ConnectionState::Online;
                    failures = 0;
                    self.set_connection(ConnectionState::Online);
                    if was_offline {
                        // Back online: whatever waits in the outbox goes now, not at its backoff time.
                        let _ = self.db().execute(
                            "UPDATE chat_message SET next_attempt = 0 WHERE state = 'sending'",
                            [],
                        );
                        self.inner.outbox_wake.notify_one();
                    }
                    let processed = self.process_sync(&client, response).await;
                    self.inner.synced.store(true, Ordering::SeqCst);
                    self.inner.sync_done.notify_waiters();
                    if processed.is_err() {
                        failures += 1;
                        tokio::time::sleep(self.inner.config.retry.delay(failures)).await;
                    }
                    self.leave_pending(&client).await;
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    if classify(&e) == Failure::Auth {
                        if self.login_again().await.is_err() {
                            self.set_connection(ConnectionState::SessionExpired);
                            return;
                        }
                        continue;
                    }
                    self.set_connection(ConnectionState::Offline);
                    tokio::time::sleep(self.inner.config.retry.delay(failures)).await;
                }
            }
        }
    }

    async fn display_name(&self, room: &Room, user: &str) -> String {
        if let Ok(uid) = UserId::parse(user) {
            if let Ok(Some(m)) = room.get_member_no_sync(&uid).await {
                if let Some(n) = m.display_name() {
                    return n.to_string();
                }
            }
        }
        localpart(user)
    }

    /// Stores a sync's news for our room and the new sync token, in one transaction, then tells the
    /// listeners.
    async fn process_sync(
        &self,
        client: &Client,
        response: matrix_sdk::sync::SyncResponse,
    ) -> Result<()> {
        let _history = self.inner.history_lock.lock().await;
        let own = client.user_id().map(|u| u.to_string()).unwrap_or_default();
        let mut room_id = store::state(&self.db(), ROOM_ID)?;
        if room_id.is_none() {
            // Our room exists but is not recorded (a run killed after creating it, or a lost
            // database): adopt it.
            if let Some(room) = self.find_conversation(client).await {
                store::set_state(&self.db(), ROOM_ID, room.room_id().as_str())?;
                room_id = Some(room.room_id().to_string());
            }
        }
        let mut events: Vec<RemoteEvent> = Vec::new();
        let mut gap: Vec<RemoteEvent> = Vec::new();
        let mut set_back_token: Option<String> = None;
        let mut typing: Option<Vec<String>> = None;
        let mut read_up_to: Vec<String> = Vec::new();
        let room_update = room_id
            .as_deref()
            .and_then(|id| OwnedRoomId::try_from(id).ok())
            .and_then(|id| response.rooms.joined.get(&id).map(|u| (id, u)));
        if let Some((id, update)) = room_update {
            let room = client.get_room(&id);
            let has_back_token = store::state(&self.db(), BACK_TOKEN)?.is_some();
            for ev in &update.timeline.events {
                if let Some(mut e) = parse_event(ev.raw().json().get(), &own) {
                    if let (Some(room), false) = (&room, e.own) {
                        e.sender_name = Some(self.display_name(room, &e.sender).await);
                    }
                    events.push(e);
                }
            }
            if !has_back_token {
                set_back_token = update.timeline.prev_batch.clone();
            } else if update.timeline.limited {
                if let (Some(room), Some(from)) = (&room, update.timeline.prev_batch.clone()) {
                    gap = self.fetch_gap(room, from, &own).await;
                }
            }
            for raw in &update.ephemeral {
                let Ok(v) = serde_json::from_str::<serde_json::Value>(raw.json().get()) else {
                    continue;
                };
                match v.get("type").and_then(|t| t.as_str()) {
                    Some("m.typing") => {
                        let mut names = Vec::new();
                        let ids = v.pointer("/content/user_ids").and_then(|u| u.as_array());
                        for u in ids.into_iter().flatten().filter_map(|u| u.as_str()) {
                            if u != own {
                                names.push(match &room {
                                    Some(r) => self.display_name(r, u).await,
                                    None => localpart(u),
                                });
                            }
                        }
                        typing = Some(names);
                    }
                    Some("m.receipt") => {
                        if let Some(map) = v.get("content").and_then(|c| c.as_object()) {
                            for (event_id, kinds) in map {
                                let others_read = ["m.read", "m.read.private"].iter().any(|k| {
                                    kinds
                                        .get(*k)
                                        .and_then(|u| u.as_object())
                                        .is_some_and(|users| users.keys().any(|u| *u != own))
                                });
                                if others_read {
                                    read_up_to.push(event_id.clone());
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut changed: Vec<Message> = Vec::new();
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            for e in gap.iter().chain(events.iter()) {
                if let Some(m) = store::store_remote(&tx, e, Placement::Newest)? {
                    changed.push(m);
                }
            }
            if let Some(t) = &set_back_token {
                store::set_state(&tx, BACK_TOKEN, t)?;
            }
            for e in &read_up_to {
                changed.extend(store::mark_read_up_to(&tx, e)?);
            }
            store::set_state(&tx, SYNC_TOKEN, &response.next_batch)?;
            tx.commit()?;
        }
        for message in changed {
            self.emit(ChatUpdate::Upsert { message });
        }
        if let Some(names) = typing {
            self.emit(ChatUpdate::Typing { names });
        }
        // A conversation without a paging token: the SDK skipped this sync because it already had
        // its token (our database was lost, the SDK's store was not), or the room came without a
        // timeline. Its latest messages are read from the server instead, so that the history shows
        // and paging has a starting point.
        let known = room_id
            .as_deref()
            .and_then(|id| OwnedRoomId::try_from(id).ok())
            .and_then(|id| client.get_room(&id));
        if let Some(room) = known {
            if let (None, false) = self.paging_state()? {
                self.page_back(&room, PAGE, &own).await?;
            }
        }
        Ok(())
    }

    /// The token older history is read from, and whether the room's beginning has been reached.
    fn paging_state(&self) -> Result<(Option<String>, bool)> {
        let db = self.db();
        Ok((
            store::state(&db, BACK_TOKEN)?,
            store::state(&db, HISTORY_COMPLETE)?.is_some(),
        ))
    }

    /// Where to read older history from when no token is stored: just before the oldest message we
    /// hold (what we hold reaches the live end: the sync keeps it so), or the live end when we hold
    /// none.
    async fn back_token_before_oldest(&self, room: &Room) -> Result<Option<String>> {
        let Some(oldest) = store::oldest_event(&self.db())? else {
            return Ok(None);
        };
        let Ok(oldest) = OwnedEventId::try_from(oldest) else {
            return Ok(None);
        };
        match room
            .event_with_context(&oldest, true, UInt::from(0u32), None)
            .await
        {
            Ok(context) => Ok(context.prev_batch_token),
            // The server does not know that event in this room: the live end, where known events
            // are skipped, is still right.
            Err(e) if matches!(classify(&e), Failure::Permanent(_)) => Ok(None),
            Err(e) => Err(chat_error(&e)),
        }
    }

    /// Events between what we have and a limited sync's chunk, oldest first.
    async fn fetch_gap(&self, room: &Room, from: String, own: &str) -> Vec<RemoteEvent> {
        let mut out = Vec::new();
        let mut from = Some(from);
        'pages: for _ in 0..GAP_PAGES {
            let mut options = MessagesOptions::backward();
            options.from = from.take();
            options.limit = UInt::from(PAGE);
            let Ok(page) = room.messages(options).await else {
                break;
            };
            for ev in &page.chunk {
                if let Some(mut e) = parse_event(ev.raw().json().get(), own) {
                    if store::is_known(&self.db(), &e.event_id).unwrap_or(false) {
                        break 'pages;
                    }
                    if !e.own {
                        e.sender_name = Some(self.display_name(room, &e.sender).await);
                    }
                    out.push(e);
                }
            }
            match page.end {
                Some(end) if !page.chunk.is_empty() => from = Some(end),
                _ => break,
            }
        }
        out.reverse();
        out
    }

    /// Loads up to about `limit` older messages from the server into the local history. Returns how
    /// many were added: 0 only when the beginning of the conversation is reached (or before there is
    /// one). When the conversation's room is not known yet (first run, lost database), waits for
    /// the first sync after [`Chat::start`]; without one within a sync and a request timeout, the
    /// service is unreachable.
    pub async fn load_older(&self, limit: u32) -> Result<usize> {
        self.check_alive()?;
        if self.client().user_id().is_none() {
            return Ok(0);
        }
        if self.known_room().is_none() {
            // Only a sync tells whether there is a conversation (a lost database forgot its room).
            self.wait_first_sync().await?;
        }
        let _history = self.inner.history_lock.lock().await;
        let Some(room) = self.known_room() else {
            return Ok(0);
        };
        let own = self.user_id().unwrap_or_default();
        self.page_back(&room, limit.clamp(1, 500), &own).await
    }

    async fn wait_first_sync(&self) -> Result<()> {
        let synced = async {
            loop {
                let done = self.inner.sync_done.notified();
                tokio::pin!(done);
                // Registered before the check: a sync ending in between still wakes us.
                done.as_mut().enable();
                if self.inner.synced.load(Ordering::SeqCst) {
                    return;
                }
                done.await;
            }
        };
        let bound = self.inner.config.sync_timeout + self.inner.config.request_timeout;
        tokio::time::timeout(bound, synced)
            .await
            .map_err(|_| ChatError::Offline.into())
    }

    /// One page of older history (the next one if a page holds no message), stored before
    /// everything shown. Called with the history lock held.
    async fn page_back(&self, room: &Room, limit: u32, own: &str) -> Result<usize> {
        // Pages holding only state events (room creation…) add nothing: go on to the next one.
        for _ in 0..GAP_PAGES {
            let (token, complete) = self.paging_state()?;
            if complete {
                return Ok(0);
            }
            let from = match token {
                Some(token) => Some(token),
                None => self.back_token_before_oldest(room).await?,
            };
            let mut options = MessagesOptions::backward();
            options.from = from;
            options.limit = UInt::from(limit);
            let page = room.messages(options).await.map_err(|e| chat_error(&e))?;
            let mut parsed = Vec::new();
            for ev in &page.chunk {
                if let Some(mut e) = parse_event(ev.raw().json().get(), own) {
                    if !e.own {
                        e.sender_name = Some(self.display_name(room, &e.sender).await);
                    }
                    parsed.push(e);
                }
            }
            let mut added = Vec::new();
            {
                let mut db = self.db();
                let tx = db.transaction()?;
                for e in &parsed {
                    if let Some(m) = store::store_remote(&tx, e, Placement::Oldest)? {
                        added.push(m);
                    }
                }
                match &page.end {
                    Some(end) if !page.chunk.is_empty() => store::set_state(&tx, BACK_TOKEN, end)?,
                    _ => store::set_state(&tx, HISTORY_COMPLETE, "1")?,
                }
                tx.commit()?;
            }
            if !added.is_empty() {
                added.reverse();
                let n = added.len();
                self.emit(ChatUpdate::Older { messages: added });
                return Ok(n);
            }
        }
        Ok(0)
    }

    async fn leave_pending(&self, client: &Client) {
        let Ok(Some(id)) = store::state(&self.db(), LEAVE_PENDING) else {
            return;
        };
        let Ok(id) = OwnedRoomId::try_from(id) else {
            let _ = store::clear_state(&self.db(), LEAVE_PENDING);
            return;
        };
        let done = match client.get_room(&id) {
            Some(room)
                if room.state() == RoomState::Joined || room.state() == RoomState::Invited =>
            {
                room.leave().await.is_ok()
            }
            _ => true,
        };
        if done {
            if let Some(room) = client.get_room(&id) {
                let _ = room.forget().await;
            }
            let _ = store::clear_state(&self.db(), LEAVE_PENDING);
        }
    }

    /// "Supprimer ma conversation": forgets the local history and outbox at once, and leaves the
    /// room on the server (now, or at the next connection). The next message starts a new one.
    pub async fn delete_conversation(&self) -> Result<()> {
        self.check_alive()?;
        let _no_send_meanwhile = self.inner.flush_lock.lock().await;
        {
            let db = self.db();
            if let Some(room) = store::state(&db, ROOM_ID)? {
                store::set_state(&db, LEAVE_PENDING, &room)?;
            }
            store::wipe(&db, &[LEAVE_PENDING, SYNC_TOKEN])?;
        }
        self.emit(ChatUpdate::Reset {
            messages: Vec::new(),
        });
        self.leave_pending(&self.client()).await;
        Ok(())
    }

    /// "Supprimer toutes mes données", chat part: leaves the room, deactivates the account on the
    /// server (erasing its messages for new readers), then wipes the local conversation, the SDK store
    /// and the stored session. Needs the network: if the server cannot be reached nothing is
    /// deleted, so the user can try again rather than leave an account behind.
    pub async fn delete_all_data(&self) -> Result<()> {
        self.check_alive()?;
        let _no_send_meanwhile = self.inner.flush_lock.lock().await;
        let client = self.client();
        if let Some(user) = client.user_id().map(|u| u.to_string()) {
            if let Some(room) = self.known_room() {
                if let Err(e) = room.leave().await {
                    if let Failure::Transient(_) = classify(&e) {
                        return Err(ChatError::Offline.into());
                    }
                }
            }
            let password = self.inner.sessions.load()?.map(|s| s.password);
            self.deactivate(&client, &user, password).await?;
        }
        self.inner.deleted.store(true, Ordering::SeqCst);
        store::wipe(&self.db(), &[])?;
        self.inner.sessions.clear()?;
        let dir = &self.inner.config.store_dir;
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        self.emit(ChatUpdate::Reset {
            messages: Vec::new(),
        });
        self.inner.outbox_wake.notify_one();
        self.inner.account_ready.notify_waiters();
        Ok(())
    }

    async fn deactivate(
        &self,
        client: &Client,
        user: &str,
        password: Option<String>,
    ) -> Result<()> {
        let first = client.account().deactivate(None, None, true).await;
        let e = match first {
            Ok(_) => return Ok(()),
            Err(e) => e,
        };
        let Some(info) = e.as_uiaa_response() else {
            return Err(chat_error(&e));
        };
        let password = password.ok_or(ChatError::NoAccount)?;
        let mut auth = uiaa::Password::new(
            uiaa::UserIdentifier::Matrix(uiaa::MatrixUserIdentifier::new(user.to_string())),
            password,
        );
        auth.session = info.session.clone();
        client
            .account()
            .deactivate(None, Some(uiaa::AuthData::Password(auth)), true)
            .await
            .map(|_| ())
            .map_err(|e| chat_error(&e))
    }
}

/// Display-name failures are not worth an error; nothing is logged (no PII in logs).
fn tracing_free_note(_e: &matrix_sdk::Error) {}

async fn restore(client: &Client, s: &StoredSession) -> Result<()> {
    let session = MatrixSession {
        meta: SessionMeta {
            user_id: parse_user_id(&s.user_id)?,
            device_id: s.device_id.as_str().into(),
        },
        tokens: SessionTokens {
            access_token: s.access_token.clone(),
            refresh_token: None,
        },
    };
    client
        .matrix_auth()
        .restore_session(session, RoomLoadSettings::default())
        .await
        .map_err(|_| ChatError::LocalStore("session").into())
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
    fn events_parsed_as_messages_cards_or_nothing() {
        let text = r#"{"type":"m.room.message","event_id":"$1","sender":"@conseil:localhost",
            "origin_server_ts":5,"content":{"msgtype":"m.text","body":"Bonjour"}}"#;
        let e = parse_event(text, "@me:localhost").unwrap();
        assert_eq!((e.body.as_str(), e.own, e.ts), ("Bonjour", false, 5));
        let own = r#"{"type":"m.room.message","event_id":"$2","sender":"@me:localhost",
            "content":{"msgtype":"m.text","body":"x"},"unsigned":{"transaction_id":"abc"}}"#;
        let e = parse_event(own, "@me:localhost").unwrap();
        assert!(e.own);
        assert_eq!(e.txn_id.as_deref(), Some("abc"));
        let edit = r#"{"type":"m.room.message","event_id":"$3","sender":"@a:b",
            "content":{"body":"y","m.relates_to":{"rel_type":"m.replace"}}}"#;
        assert!(parse_event(edit, "@me:localhost").is_none());
        let state = r#"{"type":"m.room.member","event_id":"$4","sender":"@a:b","content":{}}"#;
        assert!(parse_event(state, "@me:localhost").is_none());
        for broken in [
            "",
            "[]",
            "{\"type\":3}",
            r#"{"type":"m.room.message","event_id":"$5","sender":"@a:b","content":{"body":7}}"#,
        ] {
            assert!(parse_event(broken, "@me:localhost").is_none());
        }
        let card = super::super::card::Card {
            kind: super::super::card::CardKind::Job,
            id: "D1102".into(),
            title: "Boulanger".into(),
            fields: vec![],
            url: None,
        };
        let json = serde_json::json!({"type": "m.room.message", "event_id": "$6", "sender": "@a:b",
            "content": card.event_content()})
        .to_string();
        assert_eq!(parse_event(&json, "@me:x").unwrap().card, Some(card));
    }
}
