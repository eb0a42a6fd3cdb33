//! "Supprimer ma conversation" and the chat's part of "supprimer toutes mes données".

use super::*;

impl Chat {
    pub(super) async fn leave_pending(&self, client: &Client) {
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

    /// "Supprimer ma conversation": forgets the local history and outbox at once, and leaves (and
    /// forgets) the room on the server, now or at the next connection. The next message starts a
    /// new conversation; the old one does not come back with a sync (the sync token is kept, and a
    /// room left is never adopted again).
    pub async fn delete_conversation(&self) -> Result<Deletion> {
        self.check_alive()?;
        let _no_send_meanwhile = self.inner.flush_lock.lock().await;
        let had_room = {
            let db = self.db();
            let room = store::state(&db, ROOM_ID)?;
            if let Some(room) = &room {
                store::set_state(&db, LEAVE_PENDING, room)?;
            }
            store::wipe(&db, &[LEAVE_PENDING, SYNC_TOKEN])?;
            room.is_some()
        };
        self.emit(ChatUpdate::Reset {
            messages: Vec::new(),
        });
        self.leave_pending(&self.client()).await;
        let left = store::state(&self.db(), LEAVE_PENDING)?.is_none();
        Ok(Deletion::conversation(had_room, left))
    }

    /// "Supprimer toutes mes données", chat part: leaves and forgets the room, deactivates the
    /// account on the server (asking it to erase its messages), then wipes the local conversation,
    /// the SDK store and the stored session. Needs the network when there is an account: if the
    /// server cannot be reached nothing is deleted, so the user can try again rather than leave an
    /// account behind. Without an account (never registered) only the local copy goes.
    pub async fn delete_all_data(&self) -> Result<Deletion> {
        self.check_alive()?;
        let _no_send_meanwhile = self.inner.flush_lock.lock().await;
        let client = self.client();
        let had_account = client.user_id().is_some();
        if let Some(user) = client.user_id().map(|u| u.to_string()) {
            if let Some(room) = self.known_room() {
                match room.leave().await {
                    Ok(()) => {
                        let _ = room.forget().await;
                    }
                    Err(e) => {
                        if let Failure::Transient(_) = classify(&e) {
                            return Err(ChatError::Offline.into());
                        }
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
        Ok(Deletion::everything(had_account))
    }

    pub(super) async fn deactivate(
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
