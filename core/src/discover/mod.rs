//! "Je ne sais pas quoi faire": a short quiz from what a person likes and how they want to work to ROME
//! jobs, each with its reasons in words, its usual level of study and a hiring signal, then to the
//! trainings near home.
//!
//! - `questions`: the questions, as data (`data/discover/questions.tsv`), and the answer scale.
//! - `quiz::Quiz`: the catalogue's fiches with the tags the questions ask about, loaded once.
//! - `session::Session`: one person's answers, the adaptive next question, the ranked results.
//! - `texts`: the screens' fixed texts, in both forms of address.
//! - `profile`: the profile kept in the user database (resumable, exported, wiped with the rest).

pub mod profile;
pub mod questions;
pub mod quiz;
pub mod session;
pub mod texts;

pub use questions::{Answer, Formality, Question};
pub use quiz::{HiringLevel, HiringSignal, JobFacts, NearTraining, Quiz, TagKind, UsualLevel};
pub use session::{
    Choice, JobResult, Profile, ProfileAnswer, Progress, QuestionView, Reason, ResultFilters,
    Session, Tags, Warning, SUGGESTED_ANSWERS,
};
