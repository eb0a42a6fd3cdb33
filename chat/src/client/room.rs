//! The conversation's room: found again, adopted or created (direct, encrypted, marked as ours).

use super::*;

impl Chat {
    pub(super) fn known_room(&self) -> Option<Room> {
        let id = store::state(&self.db(), ROOM_ID).ok().flatten()?;
        let id = OwnedRoomId::try_from(id).ok()?;
        self.client().get_room(&id)
    }

    /// The conversation's room: the stored one, else an existing direct room with the service (a
    /// previous run created it but was killed before recording it), else a new encrypted one.
    pub(super) async fn ensure_room(&self) -> std::result::Result<Room, Failure> {
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
    pub(super) async fn find_conversation(&self, client: &Client) -> Option<Room> {
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
    pub(super) async fn create_conversation(
        &self,
        client: &Client,
    ) -> std::result::Result<Room, Failure> {
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

    pub(super) async fn display_name(&self, room: &Room, user: &str) -> String {
        if let Ok(uid) = UserId::parse(user) {
            if let Ok(Some(m)) = room.get_member_no_sync(&uid).await {
                if let Some(n) = m.display_name() {
                    return n.to_string();
                }
            }
        }
        localpart(user)
    }
}
