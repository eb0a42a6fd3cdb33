//! The conversation as kept in the user database: messages (ours and the service's, in display order),
//! the outbox (our messages not yet acknowledged by the server) and a little state (room, sync token,
//! pagination token). One table holds both messages and outbox so that a local echo is the message.
//!
//! Schema: `chat_message` and `chat_state`, created by the user database's step 2 → 3.

use super::card::Card;
use crate::error::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SendState {
    /// In the outbox: not yet acknowledged by the server (first try or retrying).
    Sending,
    Sent,
    /// Refused by the server for good: the user may retry or discard it.
    Failed,
    /// From someone else.
    Received,
}

impl SendState {
    fn as_str(self) -> &'static str {
        match self {
            SendState::Sending => "sending",
            SendState::Sent => "sent",
            SendState::Failed => "failed",
            SendState::Received => "received",
        }
    }

    fn parse(s: &str) -> SendState {
        match s {
            "sending" => SendState::Sending,
            "sent" => SendState::Sent,
            "failed" => SendState::Failed,
            _ => SendState::Received,
        }
    }
}

/// A message of the conversation, as the screen shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Message {
    /// Stable for the life of the message (local echo and sent message share it).
    pub local_id: i64,
    pub event_id: Option<String>,
    pub outgoing: bool,
    pub sender_id: String,
    /// Who answered (advisors may change); `None` for our own messages.
    pub sender_name: Option<String>,
    pub body: String,
    pub card: Option<Card>,
    /// Server time once sent, local time before (milliseconds since the Unix epoch).
    pub timestamp_ms: i64,
    pub state: SendState,
    /// Our message was read by the service.
    pub read: bool,
    /// Failed attempts so far (for "nouvelle tentative…").
    pub attempts: u32,
    /// When the next attempt is due (ms), while retrying.
    pub retry_at_ms: Option<i64>,
}

/// Body and card are sealed (core::db::crypt): read through `unseal`, written through `seal`.
const COLUMNS: &str = "local_id, event_id, outgoing, sender, sender_name, \
                       unseal('chat_message.body', body), unseal('chat_message.card', card), ts, state, \
                       read, attempts, next_attempt";

fn message(r: &Row) -> rusqlite::Result<Message> {
    let card: Option<String> = r.get(6)?;
    let state = SendState::parse(&r.get::<_, String>(8)?);
    let attempts: i64 = r.get(10)?;
    let next: i64 = r.get(11)?;
    Ok(Message {
        local_id: r.get(0)?,
        event_id: r.get(1)?,
        outgoing: r.get(2)?,
        sender_id: r.get(3)?,
        sender_name: r.get(4)?,
        body: r.get(5)?,
        card: card
            .and_then(|c| serde_json::from_str::<Card>(&c).ok())
            .map(Card::sanitised),
        timestamp_ms: r.get(7)?,
        state,
        read: r.get(9)?,
        attempts: attempts.clamp(0, i64::from(u32::MAX)) as u32,
        retry_at_ms: (state == SendState::Sending && attempts > 0).then_some(next),
    })
}

pub fn get(conn: &Connection, local_id: i64) -> Result<Option<Message>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM chat_message WHERE local_id = ?1"),
            [local_id],
            message,
        )
        .optional()?)
}

/// Up to `limit` messages before position `before` (all if `None`), oldest first.
pub fn messages(
    conn: &Connection,
    before_local_id: Option<i64>,
    limit: usize,
) -> Result<Vec<Message>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM chat_message
         WHERE ?1 IS NULL OR pos < (SELECT pos FROM chat_message WHERE local_id = ?1)
         ORDER BY pos DESC LIMIT ?2"
    ))?;
    let mut out = st
        .query_map(params![before_local_id, limit], message)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    out.reverse();
    Ok(out)
}

fn next_pos(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(max(pos), 0) + 1 FROM chat_message",
        [],
        |r| r.get(0),
    )?)
}

fn prev_pos(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(min(pos), 0) - 1 FROM chat_message",
        [],
        |r| r.get(0),
    )?)
}

/// Puts one of our messages in the outbox (and so on screen, as `Sending`).
pub fn enqueue(
    conn: &Connection,
    txn_id: &str,
    sender: &str,
    body: &str,
    card: Option<&Card>,
    now_ms: i64,
) -> Result<Message> {
    let card = card.and_then(|c| serde_json::to_string(c).ok());
    conn.execute(
        "INSERT INTO chat_message(pos, txn_id, outgoing, sender, body, card, ts, state)
         VALUES (?1, ?2, 1, ?3, seal('chat_message.body', ?4), seal('chat_message.card', ?5), ?6, 'sending')",
        params![next_pos(conn)?, txn_id, sender, body, card, now_ms],
    )?;
    let id = conn.last_insert_rowid();
    get(conn, id)?.ok_or_else(|| crate::Error::Internal("message introuvable après écriture"))
}

/// An outbox entry ready to go.
#[derive(Clone, Debug)]
pub struct Pending {
    pub local_id: i64,
    pub txn_id: String,
    pub body: String,
    pub card: Option<Card>,
    pub attempts: u32,
    pub next_attempt_ms: i64,
}

/// The oldest message still to send (order of sending is order of writing).
pub fn next_pending(conn: &Connection) -> Result<Option<Pending>> {
    Ok(conn
        .query_row(
            "SELECT local_id, txn_id, unseal('chat_message.body', body), unseal('chat_message.card', card),
                    attempts, next_attempt FROM chat_message
             WHERE state = 'sending' ORDER BY pos LIMIT 1",
            [],
            |r| {
                let card: Option<String> = r.get(3)?;
                let attempts: i64 = r.get(4)?;
                Ok(Pending {
                    local_id: r.get(0)?,
                    txn_id: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    body: r.get(2)?,
                    card: card.and_then(|c| serde_json::from_str(&c).ok()),
                    attempts: attempts.clamp(0, i64::from(u32::MAX)) as u32,
                    next_attempt_ms: r.get(5)?,
                })
            },
        )
        .optional()?)
}

pub fn pending_count(conn: &Connection) -> Result<u32> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM chat_message WHERE state = 'sending'",
        [],
        |r| r.get(0),
    )?;
    Ok(n.clamp(0, i64::from(u32::MAX)) as u32)
}

/// The server acknowledged our message. If the sync already stored the event as a separate row (it
/// came back before the answer), that row goes: its id is returned so the screen can drop it.
pub fn mark_sent(
    conn: &Connection,
    local_id: i64,
    event_id: &str,
) -> Result<(Option<Message>, Option<i64>)> {
    let duplicate: Option<i64> = conn
        .query_row(
            "SELECT local_id FROM chat_message WHERE event_id = ?1 AND local_id != ?2",
            params![event_id, local_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(d) = duplicate {
        conn.execute("DELETE FROM chat_message WHERE local_id = ?1", [d])?;
    }
    conn.execute(
        "UPDATE chat_message SET event_id = ?2, state = 'sent', error = NULL
         WHERE local_id = ?1",
        params![local_id, event_id],
    )?;
    Ok((get(conn, local_id)?, duplicate))
}

/// A failed attempt that will be retried at `next_attempt_ms`. `error` is a code, never text.
pub fn mark_retry(
    conn: &Connection,
    local_id: i64,
    attempts: u32,
    next_attempt_ms: i64,
    error: &str,
) -> Result<Option<Message>> {
    conn.execute(
        "UPDATE chat_message SET attempts = ?2, next_attempt = ?3, error = ?4
         WHERE local_id = ?1 AND state = 'sending'",
        params![local_id, attempts, next_attempt_ms, error],
    )?;
    get(conn, local_id)
}

pub fn mark_failed(conn: &Connection, local_id: i64, error: &str) -> Result<Option<Message>> {
    conn.execute(
        "UPDATE chat_message SET state = 'failed', error = ?2 WHERE local_id = ?1 AND state = 'sending'",
        params![local_id, error],
    )?;
    get(conn, local_id)
}

/// Puts a failed message back in the outbox, at the end (it is sent after what is already queued, so
/// it moves to the bottom of the conversation, where the user will see it go).
pub fn retry_failed(conn: &Connection, local_id: i64) -> Result<Option<Message>> {
    conn.execute(
        "UPDATE chat_message SET state = 'sending', attempts = 0, next_attempt = 0, error = NULL,
                pos = (SELECT coalesce(max(pos), 0) + 1 FROM chat_message)
         WHERE local_id = ?1 AND state = 'failed'",
        [local_id],
    )?;
    get(conn, local_id)
}

/// Drops one of our messages that the server never accepted (failed, or still queued).
pub fn discard(conn: &Connection, local_id: i64) -> Result<bool> {
    Ok(conn.execute(
        "DELETE FROM chat_message WHERE local_id = ?1 AND state IN ('failed', 'sending')",
        [local_id],
    )? > 0)
}

/// A message event read from the server (sync or history).
#[derive(Clone, Debug)]
pub struct RemoteEvent {
    pub event_id: String,
    pub sender: String,
    pub sender_name: Option<String>,
    pub body: String,
    pub card: Option<Card>,
    pub ts: i64,
    /// Present on our own events, for the device that sent them.
    pub txn_id: Option<String>,
    pub own: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// After everything known (live, or a gap filled before live events).
    Newest,
    /// Before everything known (older history).
    Oldest,
}

/// Stores a server event once: a known event id is left alone; our own event is matched to its local
/// echo by transaction id. Returns the message if the screen must show a change.
pub fn store_remote(
    conn: &Connection,
    ev: &RemoteEvent,
    placement: Placement,
) -> Result<Option<Message>> {
    let known: Option<i64> = conn
        .query_row(
            "SELECT local_id FROM chat_message WHERE event_id = ?1",
            [&ev.event_id],
            |r| r.get(0),
        )
        .optional()?;
    if known.is_some() {
        return Ok(None);
    }
    if ev.own {
        if let Some(txn) = &ev.txn_id {
            let echo: Option<i64> = conn
                .query_row(
                    "SELECT local_id FROM chat_message WHERE txn_id = ?1",
                    [txn],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = echo {
                conn.execute(
                    "UPDATE chat_message SET event_id = ?2, state = 'sent', ts = ?3, error = NULL
                     WHERE local_id = ?1",
                    params![id, ev.event_id, ev.ts],
                )?;
                return get(conn, id);
            }
        }
    }
    let pos = match placement {
        Placement::Newest => next_pos(conn)?,
        Placement::Oldest => prev_pos(conn)?,
    };
    let card = ev.card.as_ref().and_then(|c| serde_json::to_string(c).ok());
    conn.execute(
        "INSERT INTO chat_message(pos, event_id, outgoing, sender, sender_name, body, card, ts, state)
         VALUES (?1, ?2, ?3, ?4, ?5, seal('chat_message.body', ?6), seal('chat_message.card', ?7), ?8, ?9)",
        params![
            pos,
            ev.event_id,
            ev.own,
            ev.sender,
            if ev.own { None } else { ev.sender_name.as_deref() },
            ev.body,
            card,
            ev.ts,
            if ev.own { SendState::Sent } else { SendState::Received }.as_str(),
        ],
    )?;
    get(conn, conn.last_insert_rowid())
}

pub fn is_known(conn: &Connection, event_id: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM chat_message WHERE event_id = ?1",
            [event_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The oldest message the server knows (the history before it is what paging back brings).
pub fn oldest_event(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT event_id FROM chat_message WHERE event_id IS NOT NULL ORDER BY pos LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// Someone else read up to `event_id`: our messages up to there are read. Returns those that changed.
pub fn mark_read_up_to(conn: &Connection, event_id: &str) -> Result<Vec<Message>> {
    let mut st = conn.prepare_cached(
        "UPDATE chat_message SET read = 1
         WHERE outgoing = 1 AND read = 0 AND state = 'sent'
           AND pos <= (SELECT pos FROM chat_message WHERE event_id = ?1)
         RETURNING local_id",
    )?;
    let ids = st
        .query_map([event_id], |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(m) = get(conn, id)? {
            out.push(m);
        }
    }
    out.sort_by_key(|m| m.local_id);
    Ok(out)
}

/// The newest message from someone else (what our read receipt points at).
pub fn last_received_event(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT event_id FROM chat_message WHERE outgoing = 0 AND event_id IS NOT NULL
             ORDER BY pos DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn state(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM chat_state WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn set_state(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO chat_state(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

pub fn clear_state(conn: &Connection, key: &str) -> Result<()> {
    conn.execute("DELETE FROM chat_state WHERE key = ?1", [key])?;
    Ok(())
}

/// Forgets the conversation: messages, outbox and state ("delete my conversation", "delete all my
/// data"). Keys given in `keep` survive (a pending leave must outlive the wipe).
pub fn wipe(conn: &Connection, keep: &[&str]) -> Result<()> {
    conn.execute("DELETE FROM chat_message", [])?;
    let mut st = conn.prepare("SELECT key FROM chat_state")?;
    let keys = st
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for k in keys.iter().filter(|k| !keep.contains(&k.as_str())) {
        clear_state(conn, k)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn =
            crate::db::user::open(&dir.path().join("user.db"), &crate::db::crypt::test_key())
                .unwrap();
        (dir, conn)
    }

    fn remote(id: &str, own: bool, txn: Option<&str>) -> RemoteEvent {
        RemoteEvent {
            event_id: id.into(),
            sender: if own { "@me:x" } else { "@conseil:x" }.into(),
            sender_name: Some("Conseil SPRO".into()),
            body: format!("corps {id}"),
            card: None,
            ts: 1000,
            txn_id: txn.map(str::to_string),
            own,
        }
    }

    #[test]
    fn outbox_is_fifo_and_local_echo_becomes_the_sent_message() {
        let (_d, conn) = db();
        let a = enqueue(&conn, "t1", "@me:x", "un", None, 1).unwrap();
        let b = enqueue(&conn, "t2", "@me:x", "deux", None, 2).unwrap();
        assert_eq!(a.state, SendState::Sending);
        assert_eq!(next_pending(&conn).unwrap().unwrap().txn_id, "t1");
        assert_eq!(pending_count(&conn).unwrap(), 2);

        // The sync brings our event back before the send answer: matched by transaction id.
        let m = store_remote(&conn, &remote("$1", true, Some("t1")), Placement::Newest)
            .unwrap()
            .unwrap();
        assert_eq!((m.local_id, m.state), (a.local_id, SendState::Sent));
        // The answer then changes nothing and leaves no duplicate.
        let (m, dup) = mark_sent(&conn, a.local_id, "$1").unwrap();
        assert_eq!(dup, None);
        assert_eq!(m.unwrap().event_id.as_deref(), Some("$1"));
        assert_eq!(next_pending(&conn).unwrap().unwrap().local_id, b.local_id);

        // Seen twice (sync and history): stored once.
        assert!(
            store_remote(&conn, &remote("$1", true, None), Placement::Oldest)
                .unwrap()
                .is_none()
        );
        assert_eq!(messages(&conn, None, 10).unwrap().len(), 2);
    }

    #[test]
    fn own_event_without_transaction_id_is_merged_when_the_answer_comes() {
        let (_d, conn) = db();
        let a = enqueue(&conn, "t1", "@me:x", "un", None, 1).unwrap();
        let other = store_remote(&conn, &remote("$1", true, None), Placement::Newest)
            .unwrap()
            .unwrap();
        assert_ne!(other.local_id, a.local_id);
        let (m, dup) = mark_sent(&conn, a.local_id, "$1").unwrap();
        assert_eq!(dup, Some(other.local_id));
        assert_eq!(m.unwrap().state, SendState::Sent);
        assert_eq!(messages(&conn, None, 10).unwrap().len(), 1);
    }

    #[test]
    fn order_live_then_older_history_and_paging() {
        let (_d, conn) = db();
        store_remote(&conn, &remote("$3", false, None), Placement::Newest).unwrap();
        store_remote(&conn, &remote("$4", false, None), Placement::Newest).unwrap();
        // Backwards pagination gives newest first.
        store_remote(&conn, &remote("$2", false, None), Placement::Oldest).unwrap();
        store_remote(&conn, &remote("$1", false, None), Placement::Oldest).unwrap();
        let all: Vec<_> = messages(&conn, None, 10)
            .unwrap()
            .into_iter()
            .map(|m| m.event_id.unwrap())
            .collect();
        assert_eq!(all, ["$1", "$2", "$3", "$4"]);
        let last_two = messages(&conn, None, 2).unwrap();
        assert_eq!(last_two[0].event_id.as_deref(), Some("$3"));
        let before = messages(&conn, Some(last_two[0].local_id), 10).unwrap();
        let ids: Vec<_> = before.iter().map(|m| m.event_id.clone().unwrap()).collect();
        assert_eq!(ids, ["$1", "$2"]);
        assert_eq!(last_received_event(&conn).unwrap().as_deref(), Some("$4"));
    }

    #[test]
    fn oldest_event_skips_what_the_server_does_not_know_yet() {
        let (_d, conn) = db();
        assert_eq!(oldest_event(&conn).unwrap(), None);
        // A local echo before any server event: not a place to page back from.
        enqueue(&conn, "t1", "@me:x", "un", None, 1).unwrap();
        assert_eq!(oldest_event(&conn).unwrap(), None);
        store_remote(&conn, &remote("$5", false, None), Placement::Newest).unwrap();
        store_remote(&conn, &remote("$4", false, None), Placement::Oldest).unwrap();
        store_remote(&conn, &remote("$6", false, None), Placement::Newest).unwrap();
        assert_eq!(oldest_event(&conn).unwrap().as_deref(), Some("$4"));
    }

    #[test]
    fn receipts_mark_our_sent_messages_up_to_the_event() {
        let (_d, conn) = db();
        let a = enqueue(&conn, "t1", "@me:x", "un", None, 1).unwrap();
        mark_sent(&conn, a.local_id, "$a").unwrap();
        store_remote(&conn, &remote("$r", false, None), Placement::Newest).unwrap();
        let b = enqueue(&conn, "t2", "@me:x", "deux", None, 2).unwrap();
        mark_sent(&conn, b.local_id, "$b").unwrap();
        let changed = mark_read_up_to(&conn, "$r").unwrap();
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].local_id, a.local_id);
        assert!(changed[0].read);
        assert!(mark_read_up_to(&conn, "$r").unwrap().is_empty());
        assert!(mark_read_up_to(&conn, "$unknown").unwrap().is_empty());
        assert_eq!(mark_read_up_to(&conn, "$b").unwrap().len(), 1);
    }

    #[test]
    fn failed_retry_discard_and_wipe() {
        let (_d, conn) = db();
        let a = enqueue(&conn, "t1", "@me:x", "un", None, 1).unwrap();
        let m = mark_retry(&conn, a.local_id, 2, 5000, "network")
            .unwrap()
            .unwrap();
        assert_eq!((m.attempts, m.retry_at_ms), (2, Some(5000)));
        let m = mark_failed(&conn, a.local_id, "M_FORBIDDEN")
            .unwrap()
            .unwrap();
        assert_eq!(m.state, SendState::Failed);
        assert!(next_pending(&conn).unwrap().is_none());
        enqueue(&conn, "t2", "@me:x", "deux", None, 2).unwrap();
        let m = retry_failed(&conn, a.local_id).unwrap().unwrap();
        assert_eq!((m.state, m.attempts), (SendState::Sending, 0));
        // Moved after "deux": sent after it.
        assert_eq!(next_pending(&conn).unwrap().unwrap().txn_id, "t2");
        assert!(discard(&conn, a.local_id).unwrap());
        set_state(&conn, "room_id", "!r").unwrap();
        set_state(&conn, "leave_pending", "!r").unwrap();
        wipe(&conn, &["leave_pending"]).unwrap();
        assert!(messages(&conn, None, 10).unwrap().is_empty());
        assert_eq!(state(&conn, "room_id").unwrap(), None);
        assert_eq!(
            state(&conn, "leave_pending").unwrap().as_deref(),
            Some("!r")
        );
    }
}
