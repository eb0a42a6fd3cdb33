//! The outbox: messages queued in user.db first (local echo), sent in order with their own
//! transaction ids, retried with backoff.

use super::*;

impl Chat {
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

    pub(super) fn enqueue(&self, body: &str, card: Option<&Card>) -> Result<SendOutcome> {
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
                    crate::hours::french_moment(at, now)
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
    pub(super) async fn failpoint_after_send(&self) {
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

    pub(super) async fn outbox_loop(&self) {
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
}
