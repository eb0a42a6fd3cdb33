//! One person's way through the quiz: the answers in order, the next question (the one that best splits
//! the jobs still likely), and the ranked jobs with their reasons.
//!
//! Scoring: each answer sits on a scale from -1 (non) to 1 (oui); each fiche has the answer its own data
//! gives (`Quiz::expected`: 1 for a principal centre d'intérêt, the major RIASEC letter or a listed context,
//! 0.5 for a secondary one or the minor letter, -1 otherwise). A job's misfit is the sum of squared gaps
//! over the answered questions (a question only about work contexts weighs half); jobs are ranked by misfit, then by how much the "oui" answers say for them,
//! then by planned hires, then by code, so the same answers always give the same order.
//!
//! Constraints: a "non" to a question marked `contrainte` refuses its work contexts. A job whose fiche lists a
//! refused context is ranked after every job that does not, and always carries a warning saying which
//! context and which answer; a "plutôt non" only adds the warning.

use super::questions::{Answer, Formality};
use super::quiz::{HiringLevel, HiringSignal, Quiz, TagKind, UsualLevel};
use crate::error::{Error, Refusal, Result};
use crate::territory::Point;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// About this many answers are enough for the results to settle (the progress bar's length).
pub const SUGGESTED_ANSWERS: usize = 12;

/// A question below this spread over the likely jobs would not change their order: the quiz stops there.
const MIN_SPLIT: f32 = 1e-3;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tags {
    pub centres_interet: Vec<String>,
    pub riasec: Vec<String>,
    pub contextes: Vec<String>,
}

/// A question as a screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionView {
    pub id: String,
    pub text: String,
    pub why: String,
    pub choices: Vec<Choice>,
    pub tags: Tags,
    /// The answer already given, when the question is shown again to change it.
    pub current: Option<Answer>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub answered: usize,
    pub suggested: usize,
    pub total: usize,
    /// No question left that would change the results.
    pub done: bool,
}

/// Why a job is suggested: a "oui" or "plutôt oui" answer, and the tag of the fiche that matches it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// "tu aimes le travail manuel".
    pub text: String,
    pub question: String,
    pub kind: TagKind,
    pub code: String,
    /// The tag in the ROME's words: "J'aime le travail manuel", "En extérieur".
    pub label: String,
}

/// A refused context the job's fiche lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// "Travail de nuit : tu as répondu non".
    pub text: String,
    pub question: String,
    pub code: String,
    pub label: String,
    /// The answer was "non" (the job is ranked after the others), not "plutôt non".
    pub refused: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobResult {
    pub rome: String,
    pub title: String,
    pub parent_rome: String,
    pub grand_domaine: Option<String>,
    pub grand_domaine_label: Option<String>,
    /// How well the job fits the answers, 0 to 100.
    pub score: u32,
    pub reasons: Vec<Reason>,
    pub warnings: Vec<Warning>,
    pub level: Option<UsualLevel>,
    pub hiring: Option<HiringSignal>,
}

/// The filters a person applies after the quiz.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultFilters {
    /// Jobs whose usual level is at most this (European 1–8); jobs with no known level are left out.
    pub level_max: Option<u8>,
    pub level_min: Option<u8>,
    /// Only jobs that "recrute beaucoup".
    pub hiring: bool,
    /// Only jobs with a training within `radius_km` of this point (or taught at a distance).
    pub near: Option<Point>,
    pub radius_km: f64,
    pub limit: usize,
}

impl Default for ResultFilters {
    fn default() -> Self {
        ResultFilters {
            level_max: None,
            level_min: None,
            hiring: false,
            near: None,
            radius_km: 30.0,
            limit: 10,
        }
    }
}

/// One answer of a profile, by question id (ids survive a change of the questions file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileAnswer {
    pub question: String,
    pub answer: Answer,
}

/// What the user database keeps of the quiz, and the favourites export carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    #[serde(default)]
    pub formality: Formality,
    pub answers: Vec<ProfileAnswer>,
    /// Unix seconds.
    #[serde(default)]
    pub updated_at: i64,
}

pub struct Session {
    quiz: Arc<Quiz>,
    formality: Formality,
    /// (question index, answer), in the order given.
    answers: Vec<(usize, Answer)>,
}

struct Scores {
    misfit: Vec<f32>,
    support: Vec<f32>,
    /// 0 fine, 1 a refused context.
    refused: Vec<bool>,
    /// Sum of the weights of the answers that count (not "je ne sais pas").
    valued: f32,
}

impl Session {
    pub fn new(quiz: Arc<Quiz>, formality: Formality) -> Session {
        Session {
            quiz,
            formality,
            answers: Vec::new(),
        }
    }

    /// Resumes a saved profile; answers to questions that no longer exist are dropped.
    pub fn from_profile(quiz: Arc<Quiz>, profile: &Profile) -> Session {
        let mut s = Session::new(quiz, profile.formality);
        for a in &profile.answers {
            if let Some(q) = s.quiz.question_index(&a.question) {
                s.set(q, a.answer);
            }
        }
        s
    }

    pub fn profile(&self) -> Profile {
        Profile {
            formality: self.formality,
            answers: self
                .answers
                .iter()
                .map(|&(q, answer)| ProfileAnswer {
                    question: self.quiz.questions[q].id.clone(),
                    answer,
                })
                .collect(),
            updated_at: crate::favourites::now(),
        }
    }

    pub fn quiz(&self) -> &Arc<Quiz> {
        &self.quiz
    }

    pub fn formality(&self) -> Formality {
        self.formality
    }

    pub fn set_formality(&mut self, f: Formality) {
        self.formality = f;
    }

    pub fn answers(&self) -> Vec<(String, Answer)> {
        self.answers
            .iter()
            .map(|&(q, a)| (self.quiz.questions[q].id.clone(), a))
            .collect()
    }

    fn set(&mut self, q: usize, a: Answer) {
        match self.answers.iter_mut().find(|(x, _)| *x == q) {
            Some(slot) => slot.1 = a,
            None => self.answers.push((q, a)),
        }
    }

    /// Answers a question, or changes an earlier answer (it keeps its place in the order).
    pub fn answer(&mut self, question: &str, a: Answer) -> Result<()> {
        let q = self
            .quiz
            .question_index(question)
            .ok_or_else(|| Error::from(Refusal::UnknownQuestion(crate::error::echo(question))))?;
        self.set(q, a);
        Ok(())
    }

    /// Takes back the last answer; returns its question's id (None when nothing was answered).
    pub fn back(&mut self) -> Option<String> {
        self.answers
            .pop()
            .map(|(q, _)| self.quiz.questions[q].id.clone())
    }

    /// Forgets the answer to one question (editing a profile).
    pub fn forget(&mut self, question: &str) -> bool {
        let before = self.answers.len();
        self.answers
            .retain(|&(q, _)| self.quiz.questions[q].id != question.trim());
        self.answers.len() != before
    }

    pub fn reset(&mut self) {
        self.answers.clear();
    }

    pub fn answered(&self) -> usize {
        self.answers.len()
    }

    fn scores(&self) -> Scores {
        let n = self.quiz.jobs.len();
        let mut s = Scores {
            misfit: vec![0.0; n],
            support: vec![0.0; n],
            refused: vec![false; n],
            valued: 0.0,
        };
        for &(q, a) in &self.answers {
            let Some(v) = a.value() else {
                continue;
            };
            let w = self.quiz.weight[q];
            s.valued += w;
            let row = &self.quiz.expected[q * n..(q + 1) * n];
            let refuses = a == Answer::Non && self.quiz.questions[q].constraint;
            for (j, &e) in row.iter().enumerate() {
                let gap = v - e;
                s.misfit[j] += w * gap * gap;
                if v > 0.0 && e > 0.0 {
                    s.support[j] += v * e;
                }
                // Only a listed context refuses: a matching centre d'intérêt on the same question does not.
                if refuses && !s.refused[j] {
                    let job = &self.quiz.jobs[j];
                    s.refused[j] = self.quiz.questions[q]
                        .contexts
                        .iter()
                        .any(|c| job.has_context(c));
                }
            }
        }
        s
    }

    /// The next question: among those not answered, the one whose expected answers spread the most over
    /// the jobs still likely (each job weighed by exp(-misfit / 2), refused jobs not at all). Ties go to the
    /// question listed first. None when every question is answered or none would change anything.
    pub fn next_question(&self) -> Option<QuestionView> {
        let q = self.next_index()?;
        Some(self.view(q))
    }

    fn next_index(&self) -> Option<usize> {
        let s = self.scores();
        let n = self.quiz.jobs.len();
        let best_misfit = s
            .misfit
            .iter()
            .zip(&s.refused)
            .filter(|(_, r)| !**r)
            .map(|(m, _)| *m)
            .fold(f32::INFINITY, f32::min);
        let all_refused = !best_misfit.is_finite();
        // Jobs far behind weigh nothing (exp(-20) and less): leave them out of the sums.
        let likely: Vec<(usize, f32)> = (0..n)
            .filter_map(|j| {
                if s.refused[j] && !all_refused {
                    return None;
                }
                let base = if all_refused { 0.0 } else { best_misfit };
                let w = (-(s.misfit[j] - base) / 2.0).exp();
                (w > 2e-9).then_some((j, w))
            })
            .collect();
        let total: f32 = likely.iter().map(|x| x.1).sum();
        if total <= 0.0 {
            return None;
        }
        let mut best: Option<(usize, f32)> = None;
        for q in 0..self.quiz.questions.len() {
            if self.answers.iter().any(|(x, _)| *x == q) {
                continue;
            }
            let row = &self.quiz.expected[q * n..(q + 1) * n];
            let mean: f32 = likely.iter().map(|&(j, w)| row[j] * w).sum::<f32>() / total;
            let spread: f32 = likely
                .iter()
                .map(|&(j, w)| w * (row[j] - mean) * (row[j] - mean))
                .sum::<f32>()
                / total;
            let spread = spread * self.quiz.weight[q];
            if spread > MIN_SPLIT && best.is_none_or(|b| spread > b.1) {
                best = Some((q, spread));
            }
        }
        best.map(|b| b.0)
    }

    /// A question by id, as a screen shows it (with the answer already given, if any).
    pub fn question(&self, id: &str) -> Option<QuestionView> {
        self.quiz.question_index(id).map(|q| self.view(q))
    }

    fn view(&self, q: usize) -> QuestionView {
        let question = &self.quiz.questions[q];
        QuestionView {
            id: question.id.clone(),
            text: question.text(self.formality).to_string(),
            why: question.why.clone(),
            choices: Answer::ALL
                .into_iter()
                .map(|a| Choice {
                    value: a.code().to_string(),
                    label: a.label().to_string(),
                })
                .collect(),
            tags: Tags {
                centres_interet: question.interests.clone(),
                riasec: question.riasec.iter().map(|c| c.to_string()).collect(),
                contextes: question.contexts.clone(),
            },
            current: self.answers.iter().find(|(x, _)| *x == q).map(|(_, a)| *a),
        }
    }

    pub fn progress(&self) -> Progress {
        Progress {
            answered: self.answers.len(),
            suggested: SUGGESTED_ANSWERS,
            total: self.quiz.questions.len(),
            done: self.next_index().is_none(),
        }
    }

    /// Job indexes in rank order (all of them), with the scores.
    fn ranked(&self) -> (Vec<usize>, Scores) {
        let s = self.scores();
        let mut order: Vec<usize> = (0..self.quiz.jobs.len()).collect();
        let hires = |j: usize| {
            self.quiz.jobs[j]
                .hiring
                .as_ref()
                .map(|h| h.planned_hires)
                .unwrap_or(0)
        };
        order.sort_by(|&a, &b| {
            s.refused[a]
                .cmp(&s.refused[b])
                .then(s.misfit[a].total_cmp(&s.misfit[b]))
                .then(s.support[b].total_cmp(&s.support[a]))
                .then(hires(b).cmp(&hires(a)))
                .then(self.quiz.jobs[a].rome.cmp(&self.quiz.jobs[b].rome))
        });
        (order, s)
    }

    /// The ranked jobs that pass the filters, at most `filters.limit`.
    pub fn results(&self, filters: &ResultFilters) -> Vec<JobResult> {
        let (order, s) = self.ranked();
        let mut out = Vec::new();
        for j in order {
            if out.len() >= filters.limit {
                break;
            }
            let job = &self.quiz.jobs[j];
            let level = job.level.as_ref().map(|l| l.level);
            if filters
                .level_max
                .is_some_and(|m| level.is_none_or(|l| l > m))
                || filters
                    .level_min
                    .is_some_and(|m| level.is_none_or(|l| l < m))
            {
                continue;
            }
            if filters.hiring
                && !job
                    .hiring
                    .as_ref()
                    .is_some_and(|h| h.level == HiringLevel::Beaucoup)
            {
                continue;
            }
            if let Some(p) = filters.near {
                if !self.quiz.has_training_near(j, p, filters.radius_km) {
                    continue;
                }
            }
            let fit = if s.valued <= 0.0 {
                0.0
            } else {
                1.0 - s.misfit[j] / (4.0 * s.valued)
            };
            out.push(JobResult {
                rome: job.rome.clone(),
                title: job.title.clone(),
                parent_rome: job.parent_rome.clone(),
                grand_domaine: job.grand_domaine.clone(),
                grand_domaine_label: job.grand_domaine_label.clone(),
                score: (fit.clamp(0.0, 1.0) * 100.0).round() as u32,
                reasons: self.reasons_of(j),
                warnings: self.warnings_of(j),
                level: job.level.clone(),
                hiring: job.hiring.clone(),
            });
        }
        out
    }

    /// The ROME codes in rank order, without building the results (the bench).
    pub fn ranking(&self, n: usize) -> Vec<&str> {
        let (order, _) = self.ranked();
        order
            .into_iter()
            .take(n)
            .map(|j| self.quiz.jobs[j].rome.as_str())
            .collect()
    }

    /// Why this job fits the answers given so far; `UnknownId` for a code that is not a fiche.
    pub fn reasons(&self, rome: &str) -> Result<Vec<Reason>> {
        let j = self
            .quiz
            .job_index(rome)
            .ok_or_else(|| Error::UnknownId(crate::error::echo(rome)))?;
        Ok(self.reasons_of(j))
    }

    fn reasons_of(&self, j: usize) -> Vec<Reason> {
        let job = &self.quiz.jobs[j];
        let mut reasons: Vec<(f32, Reason)> = Vec::new();
        for &(q, a) in &self.answers {
            if !a.is_yes() {
                continue;
            }
            let question = &self.quiz.questions[q];
            let Some((kind, code, e)) = self.quiz.best_tag(question, job) else {
                continue;
            };
            let strength = a.value().unwrap_or(0.0) * e;
            reasons.push((
                strength,
                Reason {
                    text: question.reason(self.formality).to_string(),
                    question: question.id.clone(),
                    label: self.quiz.tag_label(kind, &code, job),
                    kind,
                    code,
                },
            ));
        }
        // Strongest first (a principal centre d'intérêt before a secondary one); stable, so equal ones keep
        // the order of the answers.
        reasons.sort_by(|a, b| b.0.total_cmp(&a.0));
        reasons.into_iter().map(|r| r.1).collect()
    }

    fn warnings_of(&self, j: usize) -> Vec<Warning> {
        let job = &self.quiz.jobs[j];
        let mut out = Vec::new();
        for &(q, a) in &self.answers {
            let question = &self.quiz.questions[q];
            if !question.constraint || !matches!(a, Answer::Non | Answer::PlutotNon) {
                continue;
            }
            for c in question.contexts.iter().filter(|c| job.has_context(c)) {
                let label = self.quiz.context_label(c).unwrap_or(c).to_string();
                let said = match (self.formality, a) {
                    (Formality::Tu, Answer::Non) => "tu as répondu non",
                    (Formality::Tu, _) => "tu as répondu plutôt non",
                    (Formality::Vous, Answer::Non) => "vous avez répondu non",
                    (Formality::Vous, _) => "vous avez répondu plutôt non",
                };
                out.push(Warning {
                    text: format!("{label} : {said}"),
                    question: question.id.clone(),
                    code: c.clone(),
                    label,
                    refused: a == Answer::Non,
                });
            }
        }
        out
    }
}
