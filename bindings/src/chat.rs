//! The advisor chat as the shells see it: `Orientation::chat(token_store, service)` opens it once and hands
//! out a `Chat`. The work is the chat crate's (`orientation_chat`); this file shapes its answers into
//! records, runs its async work on the bindings' runtime, and adapts the shell's secure storage
//! (`SecureTokenStore`: Android Keystore, iOS Keychain) to the core's session store.
//!
//! The conversation arrives through `subscribe`: a `Reset` first, then changes, until the returned
//! `TaskHandle` is cancelled or dropped. `start` runs the sync and the outbox while its handle lives
//! (the shell keeps it while the app is in the foreground).

use crate::catalogue::Catalogue;
use crate::error::{OrientationError, Result};
use crate::runtime::{self, TaskHandle};
use orientation_chat::{
    self as core_chat, Card as CoreCard, CardKind as CoreCardKind, Chat as CoreChat, ChatConfig,
    ChatError, ContactChannels, SendState, ServiceHours, SessionStore, StoredSession,
};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

/// Who the app talks to, given by the shell (the Region's settings).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChatService {
    /// The service's Matrix account (`@conseil:region.fr`): the conversation is a direct room with it.
    pub service_user_id: String,
    /// Lets the app register its account (the server refuses open registration).
    #[uniffi(default = None)]
    pub registration_token: Option<String>,
    /// The free phone number, as shown ("0 800 123 456"), offered outside the chat's hours.
    #[uniffi(default = None)]
    pub phone: Option<String>,
    /// The service's e-mail address, offered with a prefilled message outside the chat's hours.
    #[uniffi(default = None)]
    pub email: Option<String>,
}

pub use crate::secrets::SecureTokenStore;

/// The core's session store over the shell's secure storage.
struct ForeignSessions(Arc<dyn SecureTokenStore>);

fn unreadable() -> orientation_core::Error {
    ChatError::LocalStore("session illisible").into()
}

impl SessionStore for ForeignSessions {
    fn load(&self) -> orientation_core::Result<Option<StoredSession>> {
        match self.0.load() {
            Ok(Some(s)) => serde_json::from_str(&s).map(Some).map_err(|_| unreadable()),
            Ok(None) => Ok(None),
            Err(_) => Err(unreadable()),
        }
    }

    fn save(&self, session: &StoredSession) -> orientation_core::Result<()> {
        let json = serde_json::to_string(session).map_err(|_| unreadable())?;
        self.0.save(json).map_err(|_| {
            orientation_core::Error::from(ChatError::LocalStore("session non enregistrée"))
        })
    }

    fn clear(&self) -> orientation_core::Result<()> {
        self.0.clear().map_err(|_| {
            orientation_core::Error::from(ChatError::LocalStore("session non effacée"))
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MessageState {
    /// In the outbox: shown at once, sent as soon as the server answers (retried, never twice).
    Sending,
    Sent,
    /// Refused by the server: `retry` or `discard`.
    Failed,
    /// From the service.
    Received,
}

impl From<SendState> for MessageState {
    fn from(s: SendState) -> Self {
        match s {
            SendState::Sending => MessageState::Sending,
            SendState::Sent => MessageState::Sent,
            SendState::Failed => MessageState::Failed,
            SendState::Received => MessageState::Received,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChatCardKind {
    Job,
    Training,
    Place,
    Aid,
    Certification,
}

impl From<CoreCardKind> for ChatCardKind {
    fn from(k: CoreCardKind) -> Self {
        match k {
            CoreCardKind::Job => ChatCardKind::Job,
            CoreCardKind::Training => ChatCardKind::Training,
            CoreCardKind::Place => ChatCardKind::Place,
            CoreCardKind::Aid => ChatCardKind::Aid,
            CoreCardKind::Certification => ChatCardKind::Certification,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChatCardField {
    pub label: String,
    pub value: String,
}

/// A catalogue item shared in the conversation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChatCard {
    pub kind: ChatCardKind,
    /// The catalogue id: opens the sheet.
    pub id: String,
    pub title: String,
    pub fields: Vec<ChatCardField>,
    pub url: Option<String>,
}

impl From<CoreCard> for ChatCard {
    fn from(c: CoreCard) -> Self {
        ChatCard {
            kind: c.kind.into(),
            id: c.id,
            title: c.title,
            fields: c
                .fields
                .into_iter()
                .map(|f| ChatCardField {
                    label: f.label,
                    value: f.value,
                })
                .collect(),
            url: c.url,
        }
    }
}

/// A message of the conversation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChatMessage {
    /// Stable for the life of the message: the local echo and the sent message share it.
    pub local_id: i64,
    pub event_id: Option<String>,
    /// Matrix id of the sender.
    pub sender: String,
    /// Who answered, as the service names its advisors (advisors change: show it on each answer).
    pub sender_name: Option<String>,
    /// From the service rather than from the user.
    pub is_advisor: bool,
    /// The text; for a card, its readable form.
    pub body: String,
    pub card: Option<ChatCard>,
    pub state: MessageState,
    /// The user's message was read by the service.
    pub read: bool,
    /// Server time once sent, phone time before (milliseconds since the Unix epoch).
    pub timestamp_ms: i64,
    /// Failed attempts so far ("nouvel essai…").
    pub attempts: u32,
}

impl From<core_chat::Message> for ChatMessage {
    fn from(m: core_chat::Message) -> Self {
        ChatMessage {
            local_id: m.local_id,
            event_id: m.event_id,
            sender: m.sender_id,
            sender_name: m.sender_name,
            is_advisor: !m.outgoing,
            body: m.body,
            card: m.card.map(Into::into),
            state: m.state.into(),
            read: m.read,
            timestamp_ms: m.timestamp_ms,
            attempts: m.attempts,
        }
    }
}

fn messages(v: Vec<core_chat::Message>) -> Vec<ChatMessage> {
    v.into_iter().map(Into::into).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChatConnection {
    /// Not synced yet, or the server cannot be reached: messages wait in the outbox.
    Offline,
    Online,
    /// The server no longer knows this device and logging in again failed.
    SessionExpired,
}

impl From<core_chat::ConnectionState> for ChatConnection {
    fn from(s: core_chat::ConnectionState) -> Self {
        match s {
            core_chat::ConnectionState::Offline => ChatConnection::Offline,
            core_chat::ConnectionState::Online => ChatConnection::Online,
            core_chat::ConnectionState::SessionExpired => ChatConnection::SessionExpired,
        }
    }
}

/// What a timeline listener receives: a `Reset` first (the conversation as stored, oldest first), then
/// changes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ChatTimelineUpdate {
    Reset {
        messages: Vec<ChatMessage>,
    },
    /// A new message (append it) or a change of one shown (same `local_id`).
    Upsert {
        message: ChatMessage,
    },
    Remove {
        local_id: i64,
    },
    /// Older history, oldest first: goes before everything shown.
    Older {
        messages: Vec<ChatMessage>,
    },
    /// Who is typing on the service's side now; empty when nobody.
    Typing {
        names: Vec<String>,
    },
    Connection {
        state: ChatConnection,
    },
}

impl From<core_chat::ChatUpdate> for ChatTimelineUpdate {
    fn from(u: core_chat::ChatUpdate) -> Self {
        use core_chat::ChatUpdate as U;
        match u {
            U::Reset { messages: m } => ChatTimelineUpdate::Reset {
                messages: messages(m),
            },
            U::Upsert { message } => ChatTimelineUpdate::Upsert {
                message: message.into(),
            },
            U::Remove { local_id } => ChatTimelineUpdate::Remove { local_id },
            U::Older { messages: m } => ChatTimelineUpdate::Older {
                messages: messages(m),
            },
            U::Typing { names } => ChatTimelineUpdate::Typing { names },
            U::Connection { state } => ChatTimelineUpdate::Connection {
                state: state.into(),
            },
        }
    }
}

#[uniffi::export(with_foreign)]
pub trait ChatTimelineListener: Send + Sync {
    /// Called from a background thread: return quickly (hand the update to the UI thread).
    fn on_update(&self, update: ChatTimelineUpdate) -> Result<(), OrientationError>;
}

struct ForeignListener(Arc<dyn ChatTimelineListener>);

impl core_chat::ChatListener for ForeignListener {
    fn on_update(&self, update: core_chat::ChatUpdate) {
        // A failing listener does not stop the conversation: the next update may well go through.
        let _ = self.0.on_update(update.into());
    }
}

/// Whether a channel is open now.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChatAvailability {
    pub open: bool,
    /// While open: when it closes (ms since the Unix epoch).
    pub closes_at_ms: Option<i64>,
    /// While closed: the next opening (ms since the Unix epoch); `None` if none within a year.
    pub next_opening_ms: Option<i64>,
    /// Closed for a public holiday: its name ("lundi de Pentecôte").
    pub holiday: Option<String>,
}

impl From<core_chat::Availability> for ChatAvailability {
    fn from(a: core_chat::Availability) -> Self {
        ChatAvailability {
            open: a.open,
            closes_at_ms: a.closes_at.map(|s| s.saturating_mul(1000)),
            next_opening_ms: a.next_opening.map(|s| s.saturating_mul(1000)),
            holiday: a.holiday.map(str::to_string),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PhoneContact {
    /// As shown ("0 800 123 456").
    pub display: String,
    /// `tel:` link.
    pub uri: String,
    /// A free call (numéro vert).
    pub free: bool,
    pub availability: ChatAvailability,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EmailContact {
    pub address: String,
    pub subject: String,
    pub body: String,
    /// `mailto:` link with the subject and body prefilled.
    pub uri: String,
}

/// The other ways to reach the service.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChatContactOptions {
    pub phone: Option<PhoneContact>,
    pub email: Option<EmailContact>,
}

impl From<core_chat::ContactOptions> for ChatContactOptions {
    fn from(c: core_chat::ContactOptions) -> Self {
        ChatContactOptions {
            phone: c.phone.map(|p| PhoneContact {
                display: p.display,
                uri: p.uri,
                free: p.free,
                availability: p.availability.into(),
            }),
            email: c.email.map(|e| EmailContact {
                address: e.address,
                subject: e.subject,
                body: e.body,
                uri: e.uri,
            }),
        }
    }
}

/// The answer to a send: the local echo, and what to tell the user when the service is closed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChatSendOutcome {
    pub message: ChatMessage,
    pub availability: ChatAvailability,
    /// Outside opening hours: the message waits for the next opening; the phone and e-mail to offer.
    pub outside_hours: Option<ChatContactOptions>,
    /// One sentence for the screen, in French.
    pub notice: String,
}

impl From<core_chat::SendOutcome> for ChatSendOutcome {
    fn from(o: core_chat::SendOutcome) -> Self {
        ChatSendOutcome {
            message: o.message.into(),
            availability: o.chat.into(),
            outside_hours: o.outside_hours.map(Into::into),
            notice: o.notice,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChatStatus {
    /// `None` before the first registration.
    pub user_id: Option<String>,
    pub has_conversation: bool,
    pub connection: ChatConnection,
    /// Messages waiting in the outbox.
    pub pending: u32,
    /// Messages the server refused.
    pub failed: u32,
    /// Name of the advisor who answered last.
    pub last_advisor: Option<String>,
    pub availability: ChatAvailability,
    /// The chat's hours in one French sentence ("Ouvert jusqu'à 17 h").
    pub summary: String,
    pub contact: ChatContactOptions,
}

/// Runs `work` on the bindings' runtime (where the chat's client lives) and waits for it from the
/// foreign executor; dropping the wait (a cancelled coroutine) aborts the work.
async fn on_runtime<T, F>(work: F) -> Result<T>
where
    T: Send + 'static,
    F: Future<Output = Result<T>> + Send + 'static,
{
    struct AbortOnDrop(tokio::task::AbortHandle);
    impl Drop for AbortOnDrop {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let task = runtime::handle()?.spawn(work);
    let _guard = AbortOnDrop(task.abort_handle());
    task.await.unwrap_or_else(|e| {
        if e.is_panic() {
            tracing::error!("une tâche de la discussion a échoué");
        }
        Err(OrientationError::Internal)
    })
}

/// Keeps a core handle alive inside a bindings `TaskHandle`: cancelling or dropping the latter drops
/// the former, which stops the core's tasks.
fn hold(handle: core_chat::TaskHandle) -> Result<Arc<TaskHandle>> {
    runtime::spawn(async move {
        let _held = handle;
        std::future::pending::<()>().await;
    })
}

/// Holds a value whose drop needs a tokio runtime (matrix-sdk's client spawns clean-up tasks when it
/// goes), while the foreign side may drop its last reference on any thread, outside any runtime.
struct DropOnRuntime<T>(Option<T>);

impl<T> DropOnRuntime<T> {
    fn new(value: T) -> Self {
        DropOnRuntime(Some(value))
    }
}

impl<T> std::ops::Deref for DropOnRuntime<T> {
    type Target = T;
    fn deref(&self) -> &T {
        match &self.0 {
            Some(value) => value,
            // Only `drop` takes the value out, and nothing derefs after it.
            None => unreachable!("value used after drop"),
        }
    }
}

impl<T> Drop for DropOnRuntime<T> {
    fn drop(&mut self) {
        let value = self.0.take();
        match runtime::handle() {
            Ok(handle) => {
                let _inside = handle.enter();
                drop(value);
            }
            Err(_) => drop(value),
        }
    }
}

/// The advisor chat: one conversation with the Region's service.
#[derive(uniffi::Object)]
pub struct Chat {
    inner: DropOnRuntime<CoreChat>,
    hours: ServiceHours,
    catalogue: Box<dyn Fn() -> Result<Arc<Catalogue>> + Send + Sync>,
}

/// The chat opened by `Orientation::chat`, kept for the life of the `Orientation`.
pub(crate) type ChatSlot = tokio::sync::Mutex<Option<Arc<Chat>>>;

impl Chat {
    pub(crate) async fn open(
        data_dir: PathBuf,
        homeserver_url: String,
        service: ChatService,
        token_store: Arc<dyn SecureTokenStore>,
        user_key: orientation_core::db::crypt::UserKey,
        catalogue: Box<dyn Fn() -> Result<Arc<Catalogue>> + Send + Sync>,
    ) -> Result<Arc<Chat>> {
        let mut config =
            ChatConfig::new(homeserver_url, service.service_user_id, data_dir, user_key);
        config.registration_token = service.registration_token;
        config.contact = ContactChannels {
            phone: service.phone,
            email: service.email,
            ..ContactChannels::default()
        };
        let hours = config.hours.clone();
        let sessions: Arc<dyn SessionStore> = Arc::new(ForeignSessions(token_store));
        // The core's client spawns its tasks on the runtime it is opened on: ours.
        let inner = on_runtime(async move { Ok(CoreChat::open(config, sessions).await?) }).await?;
        Ok(Arc::new(Chat {
            inner: DropOnRuntime::new(inner),
            hours,
            catalogue,
        }))
    }

    fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}

#[uniffi::export]
impl Chat {
    /// Makes sure the account exists: registers it on first use (no e-mail, no phone number;
    /// `display_name` or "Anonyme"), resumes the saved session afterwards. Returns the Matrix user id.
    /// Offline with a saved session it succeeds at once; without one it throws `ChatOffline`.
    pub async fn connect(&self, display_name: Option<String>) -> Result<String> {
        let chat = self.inner.clone();
        on_runtime(async move { Ok(chat.connect(display_name.as_deref()).await?) }).await
    }

    /// Runs the sync (messages, typing, receipts) and the outbox until the handle is cancelled or
    /// dropped. Keep it while the app is in the foreground.
    pub fn start(&self) -> Result<Arc<TaskHandle>> {
        hold(self.inner.start())
    }

    /// Calls `listener` with the conversation as stored (a `Reset`), then with every change, until the
    /// handle is cancelled or dropped. Works offline.
    pub fn subscribe(&self, listener: Arc<dyn ChatTimelineListener>) -> Result<Arc<TaskHandle>> {
        hold(self.inner.subscribe(Arc::new(ForeignListener(listener)))?)
    }

    /// The stored conversation (offline): up to `limit` messages before `before_local_id` (the newest
    /// when `None`), oldest first.
    pub fn history(&self, before_local_id: Option<i64>, limit: u32) -> Result<Vec<ChatMessage>> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        Ok(messages(self.inner.history(before_local_id, limit)?))
    }

    /// Fetches older messages from the server into the stored history (listeners get `Older`).
    /// Returns how many were added: 0 at the beginning of the conversation.
    pub async fn load_older(&self, limit: u32) -> Result<u32> {
        let chat = self.inner.clone();
        let n = on_runtime(async move { Ok(chat.load_older(limit).await?) }).await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Queues a text: it shows at once (`Sending`) and goes out as soon as possible, even after the app
    /// is killed. `InvalidMessage` when empty or longer than 8 000 characters.
    pub fn send_text(&self, text: String) -> Result<ChatSendOutcome> {
        Ok(self.inner.send_text(&text)?.into())
    }

    /// Shares a catalogue item (job, training, place, aid) as a card an advisor can read anywhere.
    pub fn share(&self, item_id: String) -> Result<ChatSendOutcome> {
        let sheet = (self.catalogue)()?.db().show(&item_id)?;
        Ok(self.inner.share(&CoreCard::from_sheet(&sheet))?.into())
    }

    /// Puts a failed message back in the outbox.
    pub fn retry(&self, local_id: i64) -> Result<ChatMessage> {
        Ok(self.inner.retry(local_id)?.into())
    }

    /// Drops a message the server has not accepted.
    pub fn discard(&self, local_id: i64) -> Result<()> {
        Ok(self.inner.discard(local_id)?)
    }

    /// The chat's opening hours now: open, or closed until when.
    pub fn availability(&self) -> ChatAvailability {
        self.hours.chat.availability(Self::now()).into()
    }

    /// The chat's hours in one French sentence.
    pub fn availability_summary(&self) -> String {
        let now = Self::now();
        self.hours.chat.availability(now).summary(now)
    }

    /// The chat's opening hours at `now_ms` (ms since the Unix epoch) rather than now: the shell's clock
    /// decides (and its tests inject one).
    pub fn availability_at(&self, now_ms: i64) -> ChatAvailability {
        self.hours.chat.availability(now_ms.div_euclid(1000)).into()
    }

    /// The chat's hours in one French sentence, at `now_ms` (ms since the Unix epoch).
    pub fn availability_summary_at(&self, now_ms: i64) -> String {
        let now = now_ms.div_euclid(1000);
        self.hours.chat.availability(now).summary(now)
    }

    /// The phone and e-mail channels, the e-mail prefilled with `draft` and the card of `item_id`.
    pub fn contact_options(
        &self,
        draft: Option<String>,
        item_id: Option<String>,
    ) -> Result<ChatContactOptions> {
        let card = match item_id {
            Some(id) => Some(CoreCard::from_sheet(&(self.catalogue)()?.db().show(&id)?)),
            None => None,
        };
        Ok(self
            .inner
            .contact_options(draft.as_deref(), card.as_ref())
            .into())
    }

    pub fn status(&self) -> Result<ChatStatus> {
        let s = self.inner.status()?;
        Ok(ChatStatus {
            user_id: s.user_id,
            has_conversation: s.has_conversation,
            connection: s.connection.into(),
            pending: s.pending,
            failed: s.failed,
            last_advisor: s.last_advisor,
            availability: s.chat.into(),
            summary: s.summary,
            contact: s.contact.into(),
        })
    }

    /// Tells the service the user is typing (or stopped).
    pub async fn set_typing(&self, typing: bool) -> Result<()> {
        let chat = self.inner.clone();
        on_runtime(async move { Ok(chat.set_typing(typing).await?) }).await
    }

    /// Tells the service the user has read its latest message.
    pub async fn mark_read(&self) -> Result<()> {
        let chat = self.inner.clone();
        on_runtime(async move { Ok(chat.mark_read().await?) }).await
    }

    /// "Supprimer ma conversation": wipes the local history and outbox at once and leaves the room on
    /// the server (now, or at the next connection); it does not come back. The next message starts a
    /// new conversation. Returns the sentence to show (what the server keeps).
    pub async fn delete_conversation(&self) -> Result<String> {
        let chat = self.inner.clone();
        on_runtime(async move { Ok(chat.delete_conversation().await?.notice) }).await
    }

    /// The chat's part of "delete all my data" (`Orientation::delete_all_my_data` calls it): leaves
    /// the room, closes the account on the server, then wipes the local conversation and the saved
    /// secret. Needs the network (`ChatOffline` otherwise, and nothing is deleted). Returns the
    /// sentence to show.
    pub async fn delete_all_data(&self) -> Result<String> {
        let chat = self.inner.clone();
        on_runtime(async move { Ok(chat.delete_all_data().await?.notice) }).await
    }
}

impl Chat {
    /// The chat's part of "delete all my data", from a thread outside the runtime (the synchronous
    /// `Orientation::delete_all_my_data`).
    pub(crate) fn delete_all_data_blocking(&self) -> Result<String> {
        let chat = self.inner.clone();
        let handle = runtime::handle()?;
        let work = async move { chat.delete_all_data().await };
        let done = match tokio::runtime::Handle::try_current() {
            // Called from a task of a multi-thread runtime: let it block this worker.
            Ok(_) => tokio::task::block_in_place(|| handle.block_on(work)),
            Err(_) => handle.block_on(work),
        };
        done.map(|d| d.notice).map_err(OrientationError::from)
    }
}

/// The service side, for the foreign test suites only: an advisor logged in on its own device, which
/// accepts the app's invitation and answers. Only in builds with `test-hooks`.
#[cfg(feature = "test-hooks")]
pub mod test_advisor {
    use super::*;
    use orientation_chat::advisor::{Advisor, AdvisorEvent};
    use std::time::Duration;

    #[derive(uniffi::Object)]
    pub struct TestAdvisor {
        inner: DropOnRuntime<Arc<tokio::sync::Mutex<Advisor>>>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
    pub struct TestAdvisorMessage {
        pub room_id: String,
        pub sender: String,
        /// Decrypted text.
        pub body: String,
    }

    /// Logs the advisor in (a new device; its store in `store_dir`). Log in before the app sends, so
    /// the app encrypts for this device too.
    #[uniffi::export]
    pub async fn test_advisor_login(
        homeserver_url: String,
        user: String,
        password: String,
        store_dir: String,
    ) -> Result<Arc<TestAdvisor>> {
        let advisor = on_runtime(async move {
            Ok(Advisor::login(&homeserver_url, &user, &password, store_dir.as_ref()).await?)
        })
        .await?;
        Ok(Arc::new(TestAdvisor {
            inner: DropOnRuntime::new(Arc::new(tokio::sync::Mutex::new(advisor))),
        }))
    }

    #[uniffi::export]
    impl TestAdvisor {
        /// The next message from someone else, or `None` after `timeout_ms`.
        pub async fn next_message(&self, timeout_ms: u64) -> Result<Option<TestAdvisorMessage>> {
            let inner = Arc::clone(&self.inner);
            on_runtime(async move {
                let mut advisor = inner.lock().await;
                let me = advisor.user_id().unwrap_or_default();
                Ok(advisor
                    .wait_for(Duration::from_millis(timeout_ms), |e| match e {
                        AdvisorEvent::Message {
                            room_id,
                            sender,
                            body,
                            ..
                        } if *sender != me => Some(TestAdvisorMessage {
                            room_id: room_id.clone(),
                            sender: sender.clone(),
                            body: body.clone(),
                        }),
                        _ => None,
                    })
                    .await)
            })
            .await
        }

        /// Answers in `room_id`; returns the event id.
        pub async fn reply(&self, room_id: String, text: String) -> Result<String> {
            let inner = Arc::clone(&self.inner);
            on_runtime(async move { Ok(inner.lock().await.send(&room_id, &text).await?) }).await
        }
    }
}
