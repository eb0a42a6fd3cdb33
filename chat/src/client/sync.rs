//! The sync loop: long-polls the server, stores what arrives (filling gaps after a long time
//! offline), tells listeners.

use super::*;

pub(super) fn sync_filter() -> Filter {
    let mut def = FilterDefinition::with_lazy_loading();
    let mut timeline = RoomEventFilter::with_lazy_loading();
    timeline.limit = Some(UInt::from(PAGE));
    def.room.timeline = timeline;
    Filter::FilterDefinition(def)
}
/// A timeline event's JSON as we keep it; `None` for what is not a message (state, reactions, edits).
pub(super) fn parse_event(json: &str, own: &str) -> Option<RemoteEvent> {
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

impl Chat {
    pub(super) async fn sync_loop(&self) {
        let mut failures: u32 = 0;
        // The first sync of a run catches up at once instead of long-polling: what arrived while
        // the app was closed shows now, and the connection is known to be up (or not) now.
        let mut caught_up = false;
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
                Some(t) if caught_up => settings
                    .token(t.clone())
                    .timeout(self.inner.config.sync_timeout),
                // A short timeout that varies for the same reason as below.
                Some(t) => settings
                    .token(t.clone())
                    .timeout(Duration::from_millis(1 + (now_ms().rem_euclid(97)) as u64)),
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
                    if was_offline || !caught_up {
                        self.back_online();
                    }
                    caught_up = true;
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

    /// Stores a sync's news for our room and the new sync token, in one transaction, then tells the
    /// listeners.
    pub(super) async fn process_sync(
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

    /// Events between what we have and a limited sync's chunk, oldest first.
    pub(super) async fn fetch_gap(&self, room: &Room, from: String, own: &str) -> Vec<RemoteEvent> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let card = crate::card::Card {
            kind: crate::card::CardKind::Job,
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
