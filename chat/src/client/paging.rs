//! Older history, page by page, from the server into the local conversation.

use super::*;

impl Chat {
    /// The token older history is read from, and whether the room's beginning has been reached.
    pub(super) fn paging_state(&self) -> Result<(Option<String>, bool)> {
        let db = self.db();
        Ok((
            store::state(&db, BACK_TOKEN)?,
            store::state(&db, HISTORY_COMPLETE)?.is_some(),
        ))
    }

    /// Where to read older history from when no token is stored: just before the oldest message we
    /// hold (what we hold reaches the live end: the sync keeps it so), or the live end when we hold
    /// none.
    pub(super) async fn back_token_before_oldest(&self, room: &Room) -> Result<Option<String>> {
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

    pub(super) async fn wait_first_sync(&self) -> Result<()> {
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
    pub(super) async fn page_back(&self, room: &Room, limit: u32, own: &str) -> Result<usize> {
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
}
