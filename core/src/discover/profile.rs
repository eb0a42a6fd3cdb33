//! The quiz profile in the user database: one profile (form of address and answers in order), saved whole
//! after each change so the quiz resumes where it was left, wiped by "delete all my data" and carried by
//! the favourites export.

use super::questions::{Answer, Formality};
use super::session::{Profile, ProfileAnswer};
use crate::error::{Refusal, Result};
use crate::favourites::Store;
use rusqlite::{params, Connection, OptionalExtension};

/// Far above the number of questions; a longer profile is not ours.
pub const MAX_ANSWERS: usize = 500;
const MAX_QUESTION_ID: usize = 80;

/// Checks a profile from outside (an import): sizes, ids, no question twice.
pub fn check(p: &Profile) -> Result<()> {
    if p.answers.len() > MAX_ANSWERS {
        return Err(Refusal::QuizProfile("trop de réponses").into());
    }
    let mut seen = std::collections::HashSet::new();
    for a in &p.answers {
        let id = a.question.as_str();
        if id.is_empty() || id.chars().count() > MAX_QUESTION_ID || id.chars().any(char::is_control)
        {
            return Err(Refusal::QuizProfile("question invalide").into());
        }
        if !seen.insert(id) {
            return Err(Refusal::QuizProfile("question en double").into());
        }
    }
    Ok(())
}

pub(crate) fn read(conn: &Connection) -> Result<Option<Profile>> {
    let head: Option<(String, i64)> = conn
        .query_row(
            "SELECT formality, updated_at FROM discover_profile WHERE id = 1",
            [],
            |r| r.try_into(),
        )
        .optional()?;
    let Some((formality, updated_at)) = head else {
        return Ok(None);
    };
    let mut st =
        conn.prepare_cached("SELECT question, unseal('discover_answer.answer', answer) FROM discover_answer ORDER BY position")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut answers = Vec::new();
    for row in rows {
        let (question, answer) = row?;
        // An answer code this version does not know is left out rather than failing the whole profile.
        if let Some(answer) = Answer::parse(&answer) {
            answers.push(ProfileAnswer { question, answer });
        }
    }
    Ok(Some(Profile {
        formality: Formality::parse(&formality).unwrap_or_default(),
        answers,
        updated_at,
    }))
}

pub(crate) fn write(conn: &Connection, p: &Profile) -> Result<()> {
    check(p)?;
    conn.execute("DELETE FROM discover_answer", [])?;
    conn.execute(
        "INSERT INTO discover_profile(id, formality, updated_at) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET formality = excluded.formality, updated_at = excluded.updated_at",
        params![p.formality.code(), p.updated_at],
    )?;
    let mut ins = conn.prepare_cached(
        "INSERT INTO discover_answer(position, question, answer)
         VALUES (?1, ?2, seal('discover_answer.answer', ?3))",
    )?;
    for (i, a) in p.answers.iter().enumerate() {
        ins.execute(params![i as i64, a.question, a.answer.code()])?;
    }
    Ok(())
}

impl Store {
    /// The saved quiz profile, if the user started the quiz.
    pub fn discover_profile(&self) -> Result<Option<Profile>> {
        self.read(read)
    }

    /// Replaces the saved profile with this one, in one transaction.
    pub fn save_discover_profile(&self, p: &Profile) -> Result<()> {
        self.write(|tx| write(tx, p))
    }

    /// Forgets the quiz profile only (starting over); "delete all my data" also does.
    pub fn clear_discover_profile(&self) -> Result<()> {
        self.write(|tx| {
            tx.execute_batch("DELETE FROM discover_answer; DELETE FROM discover_profile;")?;
            Ok(())
        })
    }
}
