//! "Découvrir" for the shells: a session object over the core's quiz (`orientation_core::discover`), with
//! records shaped for the screens (question, choices, progress; jobs with reasons, level, hiring signal,
//! star). Every change of answer is saved to the user database at once, so the quiz resumes after the app
//! is killed; "delete all my data" wipes the profile.

use crate::catalogue::Catalogue;
use crate::error::{OrientationError, Result};
use crate::orientation::Orientation;
use orientation_core::discover::{self as core, texts};
use orientation_core::favourites::{ItemKind, Store};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum DiscoverAnswer {
    Oui,
    PlutotOui,
    PlutotNon,
    Non,
    NeSaisPas,
}

impl From<DiscoverAnswer> for core::Answer {
    fn from(a: DiscoverAnswer) -> Self {
        match a {
            DiscoverAnswer::Oui => core::Answer::Oui,
            DiscoverAnswer::PlutotOui => core::Answer::PlutotOui,
            DiscoverAnswer::PlutotNon => core::Answer::PlutotNon,
            DiscoverAnswer::Non => core::Answer::Non,
            DiscoverAnswer::NeSaisPas => core::Answer::NeSaisPas,
        }
    }
}

impl From<core::Answer> for DiscoverAnswer {
    fn from(a: core::Answer) -> Self {
        match a {
            core::Answer::Oui => DiscoverAnswer::Oui,
            core::Answer::PlutotOui => DiscoverAnswer::PlutotOui,
            core::Answer::PlutotNon => DiscoverAnswer::PlutotNon,
            core::Answer::Non => DiscoverAnswer::Non,
            core::Answer::NeSaisPas => DiscoverAnswer::NeSaisPas,
        }
    }
}

/// Tutoiement (a pupil) or vouvoiement (an adult).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Formality {
    Tu,
    Vous,
}

impl From<Formality> for core::Formality {
    fn from(f: Formality) -> Self {
        match f {
            Formality::Tu => core::Formality::Tu,
            Formality::Vous => core::Formality::Vous,
        }
    }
}

impl From<core::Formality> for Formality {
    fn from(f: core::Formality) -> Self {
        match f {
            core::Formality::Tu => Formality::Tu,
            core::Formality::Vous => Formality::Vous,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DiscoverChoice {
    pub answer: DiscoverAnswer,
    /// "Plutôt oui".
    pub label: String,
}

/// The ROME codes a question asks about.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DiscoverTags {
    pub centres_interet: Vec<String>,
    pub riasec: Vec<String>,
    pub contextes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DiscoverProgress {
    pub answered: u32,
    /// About this many answers are enough (the bar's length).
    pub suggested: u32,
    pub total: u32,
    /// No question left that would change the results.
    pub done: bool,
    /// "Question 5 sur environ 12".
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DiscoverQuestion {
    pub id: String,
    pub text: String,
    /// Why it is asked (the ROME data it is about).
    pub why: String,
    pub choices: Vec<DiscoverChoice>,
    pub tags: DiscoverTags,
    /// The answer already given, when shown again to change it.
    pub current: Option<DiscoverAnswer>,
    pub progress: DiscoverProgress,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReasonKind {
    CentreInteret,
    Riasec,
    Contexte,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DiscoverReason {
    /// "tu aimes le travail manuel".
    pub text: String,
    pub question_id: String,
    pub kind: ReasonKind,
    pub code: String,
    /// The tag in the ROME's words.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DiscoverWarning {
    /// "Travail de nuit : tu as répondu non".
    pub text: String,
    pub question_id: String,
    pub code: String,
    pub label: String,
    /// "non" (the job is ranked after the others) rather than "plutôt non".
    pub refused: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DiscoverLevel {
    pub level: u8,
    pub label: String,
    pub min: u8,
    pub max: u8,
    pub certifications: u32,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HiringLevel {
    Beaucoup,
    Moyen,
    Peu,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DiscoverHiring {
    pub level: HiringLevel,
    /// "recrute beaucoup".
    pub label: String,
    pub planned_hires: i64,
    pub difficult_share: Option<f64>,
    pub fap_label: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DiscoverJob {
    pub rome: String,
    pub title: String,
    pub grand_domaine: Option<String>,
    pub grand_domaine_label: Option<String>,
    /// 0 to 100.
    pub score: u32,
    pub reasons: Vec<DiscoverReason>,
    pub warnings: Vec<DiscoverWarning>,
    pub level: Option<DiscoverLevel>,
    pub hiring: Option<DiscoverHiring>,
    /// Starred with `Favourites::add(rome, Job)` like any job.
    pub is_favourite: bool,
}

/// Filters after the quiz.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DiscoverFilters {
    /// Usual level of study at most (European 1–8); jobs with no known level are left out.
    #[uniffi(default = None)]
    pub level_max: Option<u8>,
    #[uniffi(default = None)]
    pub level_min: Option<u8>,
    /// Only jobs that "recrute beaucoup".
    #[uniffi(default = false)]
    pub hiring: bool,
    /// A postcode, a commune or "lat,lon": only jobs with a training within `radius_km`.
    #[uniffi(default = None)]
    pub near: Option<String>,
    #[uniffi(default = 30.0)]
    pub radius_km: f64,
    #[uniffi(default = 10)]
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NearTraining {
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// None for a training taught at a distance, or one whose place the catalogue does not know.
    pub distance_km: Option<f64>,
    pub distance_learning: bool,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NearTrainings {
    pub trainings: Vec<NearTraining>,
    /// Set when too few lay within the radius asked and it was widened to this many km.
    pub widened_to_km: Option<f64>,
    /// When none lies near: the trainings that lead to the job wherever they are taught.
    pub elsewhere: Vec<NearTraining>,
}

/// The screens' fixed texts, in the session's form of address.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DiscoverTexts {
    pub intro: String,
    pub results_title: String,
    pub no_results: String,
    pub because: String,
    pub level: String,
    pub hiring: String,
    pub warning: String,
    pub no_training_near: String,
    pub trainings_anywhere: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DiscoverGivenAnswer {
    pub question_id: String,
    pub text: String,
    pub answer: DiscoverAnswer,
}

fn near(t: core::NearTraining) -> NearTraining {
    NearTraining {
        id: t.id,
        title: t.title,
        subtitle: t.subtitle,
        distance_km: t.distance_km,
        distance_learning: t.distance_learning,
    }
}

fn job(r: core::JobResult, is_favourite: bool) -> DiscoverJob {
    DiscoverJob {
        rome: r.rome,
        title: r.title,
        grand_domaine: r.grand_domaine,
        grand_domaine_label: r.grand_domaine_label,
        score: r.score,
        reasons: r.reasons.into_iter().map(reason).collect(),
        warnings: r
            .warnings
            .into_iter()
            .map(|w| DiscoverWarning {
                text: w.text,
                question_id: w.question,
                code: w.code,
                label: w.label,
                refused: w.refused,
            })
            .collect(),
        level: r.level.map(|l| DiscoverLevel {
            level: l.level,
            label: l.label,
            min: l.min,
            max: l.max,
            certifications: l.certifications,
            text: l.text,
        }),
        hiring: r.hiring.map(|h| DiscoverHiring {
            level: match h.level {
                core::HiringLevel::Beaucoup => HiringLevel::Beaucoup,
                core::HiringLevel::Moyen => HiringLevel::Moyen,
                core::HiringLevel::Peu => HiringLevel::Peu,
            },
            label: h.label,
            planned_hires: h.planned_hires,
            difficult_share: h.difficult_share,
            fap_label: h.fap_label,
            text: h.text,
        }),
        is_favourite,
    }
}

fn reason(r: core::Reason) -> DiscoverReason {
    DiscoverReason {
        text: r.text,
        question_id: r.question,
        kind: match r.kind {
            core::TagKind::CentreInteret => ReasonKind::CentreInteret,
            core::TagKind::Riasec => ReasonKind::Riasec,
            core::TagKind::Contexte => ReasonKind::Contexte,
        },
        code: r.code,
        label: r.label,
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The quiz is loaded once per opened catalogue (a fraction of a second) and shared by the sessions.
static QUIZ: Mutex<Option<(Weak<Catalogue>, Arc<core::Quiz>)>> = Mutex::new(None);

fn quiz_for(catalogue: &Arc<Catalogue>) -> Result<Arc<core::Quiz>> {
    let mut slot = lock(&QUIZ);
    if let Some((cat, quiz)) = slot.as_ref() {
        if cat.upgrade().is_some_and(|c| Arc::ptr_eq(&c, catalogue)) {
            return Ok(quiz.clone());
        }
    }
    let quiz = Arc::new(core::Quiz::load(&catalogue.db())?);
    *slot = Some((Arc::downgrade(catalogue), quiz.clone()));
    Ok(quiz)
}

/// One person's quiz. Methods may be called from any thread; `results` reads the user database for the
/// stars: call it off the main thread.
#[derive(uniffi::Object)]
pub struct DiscoverSession {
    session: Mutex<core::Session>,
    catalogue: Arc<Catalogue>,
    /// The user database the profile is saved to.
    store: Arc<Store>,
}

impl DiscoverSession {
    fn view(&self, s: &core::Session, q: core::QuestionView) -> DiscoverQuestion {
        let p = s.progress();
        DiscoverQuestion {
            id: q.id,
            text: q.text,
            why: q.why,
            choices: core::Answer::ALL
                .into_iter()
                .map(|a| DiscoverChoice {
                    answer: a.into(),
                    label: a.label().to_string(),
                })
                .collect(),
            tags: DiscoverTags {
                centres_interet: q.tags.centres_interet,
                riasec: q.tags.riasec,
                contextes: q.tags.contextes,
            },
            current: q.current.map(Into::into),
            progress: progress(s, &p),
        }
    }

    fn save(&self, s: &core::Session) -> Result<()> {
        Ok(self.store.save_discover_profile(&s.profile())?)
    }
}

fn progress(s: &core::Session, p: &core::Progress) -> DiscoverProgress {
    DiscoverProgress {
        answered: p.answered as u32,
        suggested: p.suggested as u32,
        total: p.total as u32,
        done: p.done,
        label: texts::progress_text(s.formality(), p.answered + 1),
    }
}

#[uniffi::export]
impl Orientation {
    /// The "Découvrir" quiz, resumed from the saved profile when there is one (`restart` forgets it first).
    /// `formality` sets tu/vous (kept in the profile); None keeps the saved one (tu for a new profile).
    /// Needs the catalogue (`CatalogueMissing` before it is built).
    pub fn discover(
        &self,
        formality: Option<Formality>,
        restart: bool,
    ) -> Result<Arc<DiscoverSession>> {
        let catalogue = self.catalogue()?;
        let store = self.user_store()?;
        let quiz = quiz_for(&catalogue)?;
        if restart {
            store.clear_discover_profile()?;
        }
        let mut session = match store.discover_profile()? {
            Some(p) => core::Session::from_profile(quiz, &p),
            None => core::Session::new(quiz, core::Formality::Tu),
        };
        if let Some(f) = formality {
            session.set_formality(f.into());
            store.save_discover_profile(&session.profile())?;
        }
        Ok(Arc::new(DiscoverSession {
            session: Mutex::new(session),
            catalogue,
            store,
        }))
    }
}

#[uniffi::export]
impl DiscoverSession {
    /// The next question (the one that best splits the jobs still likely); None when the quiz is over.
    pub fn question(&self) -> Option<DiscoverQuestion> {
        let s = lock(&self.session);
        s.next_question().map(|q| self.view(&s, q))
    }

    /// A question by id, with the answer given (to change it); `InvalidInput` for an unknown id.
    pub fn question_by_id(&self, id: String) -> Result<DiscoverQuestion> {
        let s = lock(&self.session);
        let q = s.question(&id).ok_or(OrientationError::InvalidInput)?;
        Ok(self.view(&s, q))
    }

    /// Answers (or changes the answer to) a question, saves the profile, and returns the next question.
    pub fn answer(
        &self,
        question_id: String,
        answer: DiscoverAnswer,
    ) -> Result<Option<DiscoverQuestion>> {
        let mut s = lock(&self.session);
        s.answer(&question_id, answer.into())?;
        self.save(&s)?;
        Ok(s.next_question().map(|q| self.view(&s, q)))
    }

    /// Takes back the last answer and returns that question, to ask it again; None at the start.
    pub fn back(&self) -> Result<Option<DiscoverQuestion>> {
        let mut s = lock(&self.session);
        let Some(id) = s.back() else {
            return Ok(None);
        };
        self.save(&s)?;
        Ok(s.question(&id).map(|q| self.view(&s, q)))
    }

    /// Forgets the answer to one question (editing the profile); false when it had none.
    pub fn remove_answer(&self, question_id: String) -> Result<bool> {
        let mut s = lock(&self.session);
        let removed = s.forget(&question_id);
        if removed {
            self.save(&s)?;
        }
        Ok(removed)
    }

    /// Forgets every answer (the profile too) and starts over.
    pub fn restart(&self) -> Result<()> {
        let mut s = lock(&self.session);
        s.reset();
        self.save(&s)
    }

    pub fn set_formality(&self, formality: Formality) -> Result<()> {
        let mut s = lock(&self.session);
        s.set_formality(formality.into());
        self.save(&s)
    }

    pub fn formality(&self) -> Formality {
        lock(&self.session).formality().into()
    }

    pub fn progress(&self) -> DiscoverProgress {
        let s = lock(&self.session);
        let p = s.progress();
        progress(&s, &p)
    }

    /// The answers given, in order (the profile screen).
    pub fn answers(&self) -> Vec<DiscoverGivenAnswer> {
        let s = lock(&self.session);
        s.answers()
            .into_iter()
            .filter_map(|(id, a)| {
                let q = s.question(&id)?;
                Some(DiscoverGivenAnswer {
                    question_id: id,
                    text: q.text,
                    answer: a.into(),
                })
            })
            .collect()
    }

    /// The ranked jobs for the answers so far (any time: the user may stop whenever), filtered.
    /// `UnknownPlace` when `near` is not found, `InvalidQuery` for a level out of 1–8 or a bad radius.
    pub fn results(&self, filters: DiscoverFilters) -> Result<Vec<DiscoverJob>> {
        let level_ok = |l: Option<u8>| l.is_none_or(|l| (1..=8).contains(&l));
        let valid = level_ok(filters.level_max)
            && level_ok(filters.level_min)
            && filters.radius_km.is_finite()
            && filters.radius_km > 0.0
            && filters.limit > 0;
        if !valid {
            return Err(OrientationError::InvalidQuery);
        }
        let near = match &filters.near {
            Some(text) => Some(self.catalogue.db().resolve_place(text)?.point),
            None => None,
        };
        let results = lock(&self.session).results(&core::ResultFilters {
            level_max: filters.level_max,
            level_min: filters.level_min,
            hiring: filters.hiring,
            near,
            radius_km: filters.radius_km,
            limit: filters.limit.min(2000) as usize,
        });
        let items: Vec<(ItemKind, &str)> = results
            .iter()
            .map(|r| (ItemKind::Job, r.rome.as_str()))
            .collect();
        // A star is a nicety: a user database that fails to answer must not cost the results.
        let stars = self
            .store
            .contains_many(&items)
            .unwrap_or_else(|_| vec![false; items.len()]);
        Ok(results
            .into_iter()
            .zip(stars)
            .map(|(r, star)| job(r, star))
            .collect())
    }

    /// Why a job fits the answers so far; `UnknownId` for a code that is not a ROME fiche.
    pub fn reasons(&self, rome: String) -> Result<Vec<DiscoverReason>> {
        Ok(lock(&self.session)
            .reasons(&rome)?
            .into_iter()
            .map(reason)
            .collect())
    }

    /// The trainings that lead to the job near a place (postcode, commune or "lat,lon"), nearest first;
    /// widened to 100 km when fewer than 5 lie within `radius_km`.
    pub fn trainings_near(
        &self,
        rome: String,
        place: String,
        radius_km: f64,
    ) -> Result<NearTrainings> {
        if !(radius_km.is_finite() && radius_km > 0.0) {
            return Err(OrientationError::InvalidQuery);
        }
        let point = self.catalogue.db().resolve_place(&place)?.point;
        let quiz = lock(&self.session).quiz().clone();
        let (found, widened) = quiz.trainings_near_widening(&rome, point, radius_km, 30)?;
        let elsewhere = if found.is_empty() {
            quiz.trainings_for(&rome, 10)?
        } else {
            Vec::new()
        };
        Ok(NearTrainings {
            trainings: found.into_iter().map(near).collect(),
            widened_to_km: widened,
            elsewhere: elsewhere.into_iter().map(near).collect(),
        })
    }

    pub fn texts(&self) -> DiscoverTexts {
        let t = texts::texts(lock(&self.session).formality());
        DiscoverTexts {
            intro: t.intro,
            results_title: t.results_title,
            no_results: t.no_results,
            because: t.because,
            level: t.level,
            hiring: t.hiring,
            warning: t.warning,
            no_training_near: t.no_training_near,
            trainings_anywhere: t.trainings_anywhere,
        }
    }
}
