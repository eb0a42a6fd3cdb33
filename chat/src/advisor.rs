//! The service's side of the conversation, kept to what tests, the latency benchmark and a trial from
//! a terminal need: log in as an advisor, join the rooms users open, see their messages (decrypted),
//! typing notices and read receipts, and answer.

use super::card::Card;
use super::ChatError;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::room::MessagesOptions;
use matrix_sdk::ruma::api::client::account::register::v3::Request as RegistrationRequest;
use matrix_sdk::ruma::api::client::receipt::create_receipt::v3::ReceiptType;
use matrix_sdk::ruma::api::client::uiaa;
use matrix_sdk::ruma::events::receipt::ReceiptThread;
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId, UInt};
use matrix_sdk::Client;
use orientation_core::error::{Error, Result};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

#[derive(Clone, Debug, PartialEq)]
pub enum AdvisorEvent {
    Message {
        room_id: String,
        event_id: String,
        sender: String,
        body: String,
        card: Option<Card>,
        /// When this client's sync returned it (for latency measurements).
        received_at: Instant,
    },
    Typing {
        room_id: String,
        user_ids: Vec<String>,
    },
    Read {
        room_id: String,
        event_id: String,
        user_id: String,
    },
}

/// A logged-in advisor with its sync loop running.
pub struct Advisor {
    client: Client,
    events: mpsc::UnboundedReceiver<AdvisorEvent>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Advisor {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn err(e: &matrix_sdk::Error) -> Error {
    match e.as_client_api_error() {
        Some(api) => ChatError::Refused(
            api.error_kind()
                .map(|k| k.errcode().to_string())
                .unwrap_or_else(|| format!("HTTP {}", api.status_code.as_u16())),
        )
        .into(),
        None => ChatError::Offline.into(),
    }
}

async fn advisor_client(homeserver_url: &str, store_dir: &Path) -> Result<Client> {
    orientation_core::tls::install_crypto_provider();
    Client::builder()
        .homeserver_url(homeserver_url)
        .sqlite_store(store_dir, None)
        .build()
        .await
        .map_err(|_| ChatError::LocalStore("conseiller").into())
}

fn room_id(id: &str) -> Result<OwnedRoomId> {
    OwnedRoomId::try_from(id).map_err(|_| ChatError::Internal("room id").into())
}

impl Advisor {
    /// Logs in (a new device, its store in `store_dir`), syncs once to publish its encryption keys
    /// and skip the past, then follows the server: invitations are accepted, news are queued for
    /// [`Advisor::next_event`].
    pub async fn login(
        homeserver_url: &str,
        user: &str,
        password: &str,
        store_dir: &Path,
    ) -> Result<Advisor> {
        let client = advisor_client(homeserver_url, store_dir).await?;
        client
            .matrix_auth()
            .login_username(user, password)
            .initial_device_display_name("Orientation – poste conseiller")
            .send()
            .await
            .map_err(|e| err(&e))?;
        Advisor::follow(client).await
    }

    /// Creates another advisor account with the registration token (a colleague taking over a
    /// conversation), sets its display name, and follows the server like [`Advisor::login`].
    pub async fn register(
        homeserver_url: &str,
        registration_token: &str,
        username: &str,
        display_name: &str,
        store_dir: &Path,
    ) -> Result<Advisor> {
        let client = advisor_client(homeserver_url, store_dir).await?;
        let password = format!("{}-mot-de-passe", username);
        let request = |auth: Option<uiaa::AuthData>| {
            let mut r = RegistrationRequest::new();
            r.username = Some(username.to_string());
            r.password = Some(password.clone());
            r.initial_device_display_name = Some("Orientation – poste conseiller".to_string());
            r.auth = auth;
            r
        };
        let mut auth = None;
        let mut registered = false;
        for _ in 0..4 {
            match client.matrix_auth().register(request(auth.take())).await {
                Ok(_) => {
                    registered = true;
                    break;
                }
                Err(e) => {
                    let Some(info) = e.as_uiaa_response() else {
                        return Err(err(&e));
                    };
                    let token_done = info
                        .completed
                        .iter()
                        .any(|c| c.as_str() == "m.login.registration_token");
                    let session = info.session.clone();
                    auth = Some(if token_done {
                        let mut d = uiaa::Dummy::new();
                        d.session = session;
                        uiaa::AuthData::Dummy(d)
                    } else {
                        let mut t = uiaa::RegistrationToken::new(registration_token.to_string());
                        t.session = session;
                        uiaa::AuthData::RegistrationToken(t)
                    });
                }
            }
        }
        if !registered {
            return Err(ChatError::RegistrationRefused.into());
        }
        client
            .account()
            .set_display_name(Some(display_name))
            .await
            .map_err(|e| err(&e))?;
        Advisor::follow(client).await
    }

    /// Invites a colleague into a conversation (handover); their client joins by itself.
    pub async fn invite(&self, room: &str, user_id: &str) -> Result<()> {
        let room = self
            .client
            .get_room(&room_id(room)?)
            .ok_or(ChatError::Internal("salon inconnu du conseiller"))?;
        let user = OwnedUserId::try_from(user_id).map_err(|_| ChatError::Internal("user id"))?;
        room.invite_user_by_id(&user).await.map_err(|e| err(&e))
    }

    /// Syncs once to publish the encryption keys and skip the past, then follows the server.
    async fn follow(client: Client) -> Result<Advisor> {
        let first = client
            .sync_once(SyncSettings::new().timeout(Duration::ZERO))
            .await
            .map_err(|e| err(&e))?;
        for id in first.rooms.invited.keys() {
            let _ = client.join_room_by_id(id).await;
        }
        let (tx, events) = mpsc::unbounded_channel();
        let c = client.clone();
        let task = tokio::spawn(async move {
            let own = c.user_id().map(|u| u.to_string()).unwrap_or_default();
            loop {
                let settings = SyncSettings::new().timeout(Duration::from_secs(10));
                let response = match c.sync_once(settings).await {
                    Ok(r) => r,
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        continue;
                    }
                };
                let received_at = Instant::now();
                for id in response.rooms.invited.keys() {
                    let _ = c.join_room_by_id(id).await;
                }
                for (id, update) in &response.rooms.joined {
                    for ev in &update.timeline.events {
                        let Ok(v) =
                            serde_json::from_str::<serde_json::Value>(ev.raw().json().get())
                        else {
                            continue;
                        };
                        if v.get("type").and_then(|t| t.as_str()) != Some("m.room.message") {
                            continue;
                        }
                        let sender = v.get("sender").and_then(|s| s.as_str()).unwrap_or_default();
                        if sender == own {
                            continue;
                        }
                        let content = v.get("content").cloned().unwrap_or_default();
                        let _ = tx.send(AdvisorEvent::Message {
                            room_id: id.to_string(),
                            event_id: v
                                .get("event_id")
                                .and_then(|e| e.as_str())
                                .unwrap_or_default()
                                .to_string(),
                            sender: sender.to_string(),
                            body: content
                                .get("body")
                                .and_then(|b| b.as_str())
                                .unwrap_or_default()
                                .to_string(),
                            card: Card::from_event_content(&content),
                            received_at,
                        });
                    }
                    for raw in &update.ephemeral {
                        let Ok(v) = serde_json::from_str::<serde_json::Value>(raw.json().get())
                        else {
                            continue;
                        };
                        match v.get("type").and_then(|t| t.as_str()) {
                            Some("m.typing") => {
                                let user_ids = v
                                    .pointer("/content/user_ids")
                                    .and_then(|u| u.as_array())
                                    .into_iter()
                                    .flatten()
                                    .filter_map(|u| u.as_str())
                                    .filter(|u| *u != own)
                                    .map(str::to_string)
                                    .collect();
                                let _ = tx.send(AdvisorEvent::Typing {
                                    room_id: id.to_string(),
                                    user_ids,
                                });
                            }
                            Some("m.receipt") => {
                                let map = v.get("content").and_then(|c| c.as_object());
                                for (event_id, kinds) in map.into_iter().flatten() {
                                    let users = kinds.get("m.read").and_then(|u| u.as_object());
                                    for user_id in users.into_iter().flatten().map(|(u, _)| u) {
                                        if *user_id != own {
                                            let _ = tx.send(AdvisorEvent::Read {
                                                room_id: id.to_string(),
                                                event_id: event_id.clone(),
                                                user_id: user_id.clone(),
                                            });
                                        }
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
        });
        Ok(Advisor {
            client,
            events,
            task,
        })
    }

    pub fn user_id(&self) -> Option<String> {
        self.client.user_id().map(|u| u.to_string())
    }

    /// The next event, or `None` after `timeout`.
    pub async fn next_event(&mut self, timeout: Duration) -> Option<AdvisorEvent> {
        tokio::time::timeout(timeout, self.events.recv())
            .await
            .ok()
            .flatten()
    }

    /// Waits for an event `pick` accepts, dropping the others; `None` after `timeout`.
    pub async fn wait_for<T>(
        &mut self,
        timeout: Duration,
        mut pick: impl FnMut(&AdvisorEvent) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let ev = tokio::time::timeout(left, self.events.recv())
                .await
                .ok()??;
            if let Some(t) = pick(&ev) {
                return Some(t);
            }
        }
    }

    /// Answers in a room; returns the event id.
    pub async fn send(&self, room: &str, text: &str) -> Result<String> {
        let room = self
            .client
            .get_room(&room_id(room)?)
            .ok_or(ChatError::Internal("salon inconnu du conseiller"))?;
        let content = serde_json::json!({"msgtype": "m.text", "body": text});
        room.send_raw("m.room.message", content)
            .await
            .map(|r| r.response.event_id.to_string())
            .map_err(|e| err(&e))
    }

    pub async fn typing(&self, room: &str, typing: bool) -> Result<()> {
        let room = self
            .client
            .get_room(&room_id(room)?)
            .ok_or(ChatError::Internal("salon inconnu du conseiller"))?;
        room.typing_notice(typing).await.map_err(|e| err(&e))
    }

    pub async fn read(&self, room: &str, event_id: &str) -> Result<()> {
        let room = self
            .client
            .get_room(&room_id(room)?)
            .ok_or(ChatError::Internal("salon inconnu du conseiller"))?;
        let event =
            OwnedEventId::try_from(event_id).map_err(|_| ChatError::Internal("event id"))?;
        room.send_single_receipt(ReceiptType::Read, ReceiptThread::Unthreaded, event)
            .await
            .map_err(|e| err(&e))
    }

    /// Every message of a room as the server keeps it, oldest first: (sender, body), decrypted; a
    /// message this device cannot decrypt reads "<chiffré>".
    pub async fn room_messages(&self, room: &str) -> Result<Vec<(String, String)>> {
        let room = self
            .client
            .get_room(&room_id(room)?)
            .ok_or(ChatError::Internal("salon inconnu du conseiller"))?;
        let mut out = Vec::new();
        let mut from = None;
        loop {
            let mut options = MessagesOptions::backward();
            options.from = from.take();
            options.limit = UInt::from(100u32);
            let page = room.messages(options).await.map_err(|e| err(&e))?;
            for ev in &page.chunk {
                let Ok(v) = serde_json::from_str::<serde_json::Value>(ev.raw().json().get()) else {
                    continue;
                };
                let sender = v
                    .get("sender")
                    .and_then(|s| s.as_str())
                    .unwrap_or_default()
                    .to_string();
                match v.get("type").and_then(|t| t.as_str()) {
                    Some("m.room.message") => {
                        let body = v
                            .pointer("/content/body")
                            .and_then(|b| b.as_str())
                            .unwrap_or_default();
                        out.push((sender, body.to_string()));
                    }
                    Some("m.room.encrypted") => out.push((sender, "<chiffré>".to_string())),
                    _ => {}
                }
            }
            match page.end {
                Some(end) if !page.chunk.is_empty() => from = Some(end),
                _ => break,
            }
        }
        out.reverse();
        Ok(out)
    }

    /// Ends this device's session (tests log out so devices do not pile up on the account).
    pub async fn logout(self) {
        self.task.abort();
        let _ = self.client.matrix_auth().logout().await;
    }
}
