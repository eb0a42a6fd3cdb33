//! The quiz's view of the catalogue, loaded once: every ROME fiche with the tags the questions ask about
//! (centres d'intérêt, RIASEC, work contexts), the usual level of the certifications that lead to it, its
//! BMO hiring signal, and where its trainings are. Plus, per question and fiche, the answer the fiche's own
//! data gives (`expected`), which the scoring and the adaptive order work on.

use super::questions::{self, bad_questions, Answer, Question};
use crate::catalogue::Catalogue;
use crate::error::{Error, Result};
use crate::territory::{self, Point};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// What kind of data a tag is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TagKind {
    CentreInteret,
    Riasec,
    Contexte,
}

/// The usual level of study of a job: the most common European level of the active certifications that
/// lead to it (RNCP and Certif Info links to the fiche's ROME v3 code).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsualLevel {
    pub level: u8,
    pub label: String,
    pub min: u8,
    pub max: u8,
    /// How many certifications with a level the figure comes from.
    pub certifications: u32,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HiringLevel {
    /// Among the quarter of BMO job families with the most hiring projects.
    Beaucoup,
    Moyen,
    /// Among the quarter with the fewest.
    Peu,
}

/// A hiring signal from BMO 2024, through Orientation's approximate ROME → FAP matching (only when the
/// match rests on the fiche's own title, score ≥ 0.4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HiringSignal {
    pub level: HiringLevel,
    /// "recrute beaucoup", "recrute", "recrute peu".
    pub label: String,
    /// Planned hires in France in 2024 for the matched FAP job(s).
    pub planned_hires: i64,
    /// Share of them the employers expect to be difficult (None when BMO gives no figure).
    pub difficult_share: Option<f64>,
    pub fap_label: String,
    pub text: String,
}

/// A fiche as the quiz sees it.
#[derive(Debug, Clone)]
pub struct JobFacts {
    pub rome: String,
    pub title: String,
    pub parent_rome: String,
    pub grand_domaine: Option<String>,
    pub grand_domaine_label: Option<String>,
    /// (centre d'intérêt code, principal).
    pub interests: Vec<(String, bool)>,
    pub riasec_major: Option<char>,
    pub riasec_minor: Option<char>,
    /// Work-context OGR codes, sorted.
    pub contexts: Vec<String>,
    pub level: Option<UsualLevel>,
    pub hiring: Option<HiringSignal>,
}

impl JobFacts {
    pub fn has_context(&self, code: &str) -> bool {
        self.contexts
            .binary_search_by(|c| c.as_str().cmp(code))
            .is_ok()
    }
}

/// A training for a job, near a place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearTraining {
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// None for a distance-learning training with no place.
    pub distance_km: Option<f64>,
    pub distance_learning: bool,
}

#[derive(Debug, Clone)]
struct Spot {
    id: String,
    title: String,
    subtitle: Option<String>,
    at: Option<Point>,
    distance_learning: bool,
}

/// How a fiche matches a question: the expected answer of a person whose tastes are the fiche's data.
/// Principal centre d'intérêt, major RIASEC letter or a listed context: yes (1); a secondary centre
/// d'intérêt or the minor letter: rather yes (0.5); no tag: no (-1).
pub(crate) const YES: f32 = 1.0;
pub(crate) const RATHER: f32 = 0.5;
pub(crate) const NO: f32 = -1.0;

/// A question only about work contexts weighs half: the ROME lists a fiche's usual contexts, not all the
/// places it may be done in, and what a person likes says more about a job than where it is done. It also
/// makes the quiz start with what the person likes.
const CONTEXT_WEIGHT: f32 = 0.5;

/// How far "near me" widens when too few trainings lie within the radius asked.
const WIDE_KM: f64 = 100.0;

pub struct Quiz {
    pub(crate) questions: Vec<Question>,
    pub(crate) jobs: Vec<JobFacts>,
    /// expected[q * jobs + j].
    pub(crate) expected: Vec<f32>,
    /// Per question: how much its answer weighs in a job's misfit and in choosing the next question.
    pub(crate) weight: Vec<f32>,
    interest_labels: HashMap<String, String>,
    context_labels: HashMap<String, String>,
    spots: Vec<Spot>,
    /// parent ROME code → indexes in `spots`.
    spots_by_rome: HashMap<String, Vec<u32>>,
    by_rome: HashMap<String, usize>,
}

pub fn riasec_label(letter: char) -> &'static str {
    match letter {
        'R' => "réaliste",
        'I' => "investigateur",
        'A' => "artistique",
        'S' => "social",
        'E' => "entreprenant",
        'C' => "conventionnel",
        _ => "inconnu",
    }
}

/// 12345 → "12 345" (narrow no-break space, as French typography wants).
pub(crate) fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

fn letter(s: Option<String>) -> Option<char> {
    s.and_then(|s| s.trim().chars().next())
        .filter(|c| "RIASEC".contains(*c))
}

impl Quiz {
    /// The quiz with the questions shipped in `data/discover/questions.tsv`.
    pub fn load(cat: &Catalogue) -> Result<Quiz> {
        Quiz::with_questions(cat, questions::parse(questions::BUILTIN)?)
    }

    /// The quiz with these questions; every tag must exist in the catalogue's ROME data.
    pub fn with_questions(cat: &Catalogue, questions: Vec<Question>) -> Result<Quiz> {
        let conn = cat.conn();
        let interest_labels = pairs(conn, "SELECT code, label FROM interest")?;
        let context_labels = pairs(conn, "SELECT code_ogr, label FROM work_context")?;
        for q in &questions {
            if let Some(c) = q
                .interests
                .iter()
                .find(|c| !interest_labels.contains_key(*c))
            {
                return Err(bad_questions(format!(
                    "question « {} » : centre d'intérêt « {c} » absent du ROME",
                    q.id
                )));
            }
            if let Some(c) = q.contexts.iter().find(|c| !context_labels.contains_key(*c)) {
                return Err(bad_questions(format!(
                    "question « {} » : contexte de travail « {c} » absent du ROME",
                    q.id
                )));
            }
        }
        let mut jobs = load_jobs(conn)?;
        let by_rome: HashMap<String, usize> = jobs
            .iter()
            .enumerate()
            .map(|(i, j)| (j.rome.clone(), i))
            .collect();
        add_tags(conn, &mut jobs, &by_rome)?;
        add_levels(conn, &mut jobs)?;
        add_hiring(conn, &mut jobs, &by_rome)?;
        let (spots, spots_by_rome) = load_spots(conn)?;
        let mut quiz = Quiz {
            questions,
            jobs,
            expected: Vec::new(),
            weight: Vec::new(),
            interest_labels,
            context_labels,
            spots,
            spots_by_rome,
            by_rome,
        };
        let n = quiz.jobs.len();
        let mut expected = vec![NO; quiz.questions.len() * n];
        for (qi, q) in quiz.questions.iter().enumerate() {
            for (ji, j) in quiz.jobs.iter().enumerate() {
                expected[qi * n + ji] = quiz.best_tag(q, j).map(|t| t.2).unwrap_or(NO);
            }
        }
        quiz.expected = expected;
        quiz.weight = quiz
            .questions
            .iter()
            .map(|q| {
                if q.interests.is_empty() && q.riasec.is_empty() {
                    CONTEXT_WEIGHT
                } else {
                    1.0
                }
            })
            .collect();
        Ok(quiz)
    }

    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    pub fn jobs(&self) -> &[JobFacts] {
        &self.jobs
    }

    pub fn job(&self, rome: &str) -> Option<&JobFacts> {
        self.by_rome
            .get(&rome.trim().to_uppercase())
            .map(|&i| &self.jobs[i])
    }

    pub(crate) fn job_index(&self, rome: &str) -> Option<usize> {
        self.by_rome.get(&rome.trim().to_uppercase()).copied()
    }

    pub fn question_index(&self, id: &str) -> Option<usize> {
        let id = id.trim();
        self.questions.iter().position(|q| q.id == id)
    }

    pub(crate) fn expected(&self, q: usize, j: usize) -> f32 {
        self.expected[q * self.jobs.len() + j]
    }

    /// The answer a person whose tastes are exactly the fiche's data would give (the bench's personas).
    pub fn persona_answer(&self, question: usize, job: usize) -> Answer {
        let e = self.expected(question, job);
        if e >= YES {
            Answer::Oui
        } else if e > 0.0 {
            Answer::PlutotOui
        } else {
            Answer::Non
        }
    }

    pub fn interest_label(&self, code: &str) -> Option<&str> {
        self.interest_labels.get(code).map(String::as_str)
    }

    pub fn context_label(&self, code: &str) -> Option<&str> {
        self.context_labels.get(code).map(String::as_str)
    }

    /// The strongest of the question's tags that the fiche holds: (kind, code, expected answer).
    pub(crate) fn best_tag(&self, q: &Question, j: &JobFacts) -> Option<(TagKind, String, f32)> {
        let mut best: Option<(TagKind, String, f32)> = None;
        let mut offer = |kind, code: String, e: f32| {
            if best.as_ref().is_none_or(|b| e > b.2) {
                best = Some((kind, code, e));
            }
        };
        for c in &q.interests {
            if let Some((_, principal)) = j.interests.iter().find(|(x, _)| x == c) {
                offer(
                    TagKind::CentreInteret,
                    c.clone(),
                    if *principal { YES } else { RATHER },
                );
            }
        }
        for &l in &q.riasec {
            if j.riasec_major == Some(l) {
                offer(TagKind::Riasec, l.to_string(), YES);
            } else if j.riasec_minor == Some(l) {
                offer(TagKind::Riasec, l.to_string(), RATHER);
            }
        }
        for c in &q.contexts {
            if j.has_context(c) {
                offer(TagKind::Contexte, c.clone(), YES);
            }
        }
        best
    }

    /// Words for a tag, from the catalogue: "J'aime le travail manuel", "RIASEC : réaliste (majeur)",
    /// "En extérieur".
    pub(crate) fn tag_label(&self, kind: TagKind, code: &str, j: &JobFacts) -> String {
        match kind {
            TagKind::CentreInteret => self.interest_label(code).unwrap_or(code).to_string(),
            TagKind::Contexte => self.context_label(code).unwrap_or(code).to_string(),
            TagKind::Riasec => {
                let l = code.chars().next().unwrap_or('?');
                let rank = if j.riasec_major == Some(l) {
                    "majeur"
                } else {
                    "mineur"
                };
                format!("profil RIASEC {} ({rank})", riasec_label(l))
            }
        }
    }

    /// Whether the job has at least one training within `radius_km` of `center` (or at a distance).
    pub(crate) fn has_training_near(&self, j: usize, center: Point, radius_km: f64) -> bool {
        self.spots_by_rome
            .get(&self.jobs[j].parent_rome)
            .is_some_and(|idx| {
                idx.iter().any(|&i| {
                    let s = &self.spots[i as usize];
                    s.distance_learning
                        || s.at
                            .is_some_and(|p| territory::distance_km(center, p) <= radius_km)
                })
            })
    }

    /// The trainings that lead to the job (through its ROME v3 parent code) within `radius_km` of
    /// `center`, nearest first, then those taught at a distance.
    pub fn trainings_near(
        &self,
        rome: &str,
        center: Point,
        radius_km: f64,
        limit: usize,
    ) -> Result<Vec<NearTraining>> {
        let Some(j) = self.job_index(rome) else {
            return Err(Error::UnknownId(crate::error::echo(rome)));
        };
        let radius_km = crate::search::checked_radius(radius_km)?;
        let mut out: Vec<NearTraining> = self
            .spots_by_rome
            .get(&self.jobs[j].parent_rome)
            .into_iter()
            .flatten()
            .filter_map(|&i| {
                let s = &self.spots[i as usize];
                let d = s.at.map(|p| territory::distance_km(center, p));
                let inside = d.is_some_and(|d| d <= radius_km);
                (inside || s.distance_learning).then(|| NearTraining {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    subtitle: s.subtitle.clone(),
                    distance_km: d
                        .filter(|d| *d <= radius_km)
                        .map(|d| (d * 10.0).round() / 10.0),
                    distance_learning: s.distance_learning,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            a.distance_km
                .unwrap_or(f64::MAX)
                .total_cmp(&b.distance_km.unwrap_or(f64::MAX))
                .then_with(|| a.title.cmp(&b.title))
                .then_with(|| a.id.cmp(&b.id))
        });
        out.truncate(limit);
        Ok(out)
    }

    /// Every training that leads to the job, by title, wherever it is taught (national programmes have no
    /// place in the catalogue): what to show when none lies near.
    pub fn trainings_for(&self, rome: &str, limit: usize) -> Result<Vec<NearTraining>> {
        let Some(j) = self.job_index(rome) else {
            return Err(Error::UnknownId(crate::error::echo(rome)));
        };
        let mut out: Vec<NearTraining> = self
            .spots_by_rome
            .get(&self.jobs[j].parent_rome)
            .into_iter()
            .flatten()
            .map(|&i| {
                let s = &self.spots[i as usize];
                NearTraining {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    subtitle: s.subtitle.clone(),
                    distance_km: None,
                    distance_learning: s.distance_learning,
                }
            })
            .collect();
        out.sort_by(|a, b| a.title.cmp(&b.title).then_with(|| a.id.cmp(&b.id)));
        out.truncate(limit);
        Ok(out)
    }

    /// Like `trainings_near`, but when fewer than 5 lie within the radius, widens it to 100 km (as search
    /// does) and returns the radius used, so the screen can say so.
    pub fn trainings_near_widening(
        &self,
        rome: &str,
        center: Point,
        radius_km: f64,
        limit: usize,
    ) -> Result<(Vec<NearTraining>, Option<f64>)> {
        let found = self.trainings_near(rome, center, radius_km, limit)?;
        if found.len() >= 5.min(limit) || radius_km >= WIDE_KM {
            return Ok((found, None));
        }
        Ok((
            self.trainings_near(rome, center, WIDE_KM, limit)?,
            Some(WIDE_KM),
        ))
    }
}

fn pairs(conn: &Connection, sql: &str) -> Result<HashMap<String, String>> {
    let mut st = conn.prepare(sql)?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn load_jobs(conn: &Connection) -> Result<Vec<JobFacts>> {
    let mut st = conn.prepare(
        "SELECT j.code_rome, j.title, j.parent_rome, j.grand_domaine, g.label, j.riasec_major, j.riasec_minor
         FROM job j LEFT JOIN grand_domaine g ON g.code = j.grand_domaine ORDER BY j.code_rome",
    )?;
    let rows = st.query_map([], |r| {
        Ok(JobFacts {
            rome: r.get(0)?,
            title: r.get(1)?,
            parent_rome: r.get(2)?,
            grand_domaine: r.get(3)?,
            grand_domaine_label: r.get(4)?,
            interests: Vec::new(),
            riasec_major: letter(r.get(5)?),
            riasec_minor: letter(r.get(6)?),
            contexts: Vec::new(),
            level: None,
            hiring: None,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn add_tags(
    conn: &Connection,
    jobs: &mut [JobFacts],
    by_rome: &HashMap<String, usize>,
) -> Result<()> {
    let mut st = conn
        .prepare("SELECT code_rome, code, principal FROM job_interest ORDER BY code_rome, code")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let rome: String = r.get(0)?;
        if let Some(&i) = by_rome.get(&rome) {
            jobs[i].interests.push((r.get(1)?, r.get(2)?));
        }
    }
    let mut st =
        conn.prepare("SELECT code_rome, code_ogr FROM job_context ORDER BY code_rome, code_ogr")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let rome: String = r.get(0)?;
        if let Some(&i) = by_rome.get(&rome) {
            jobs[i].contexts.push(r.get(1)?);
        }
    }
    for j in jobs.iter_mut() {
        j.contexts.sort();
        j.contexts.dedup();
    }
    Ok(())
}

fn add_levels(conn: &Connection, jobs: &mut [JobFacts]) -> Result<()> {
    let mut st = conn.prepare(
        "SELECT cr.rome, c.level_eu, count(*) FROM certification_rome cr JOIN certification c ON c.id = cr.cert_id
         WHERE c.level_eu BETWEEN 1 AND 8 AND coalesce(c.active, 1) = 1 GROUP BY cr.rome, c.level_eu",
    )?;
    let mut by_parent: HashMap<String, BTreeMap<u8, u32>> = HashMap::new();
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let (rome, level, n): (String, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if let (Ok(level), Ok(n)) = (u8::try_from(level), u32::try_from(n)) {
            *by_parent.entry(rome).or_default().entry(level).or_default() += n;
        }
    }
    for j in jobs.iter_mut() {
        let Some(levels) = by_parent.get(&j.parent_rome) else {
            continue;
        };
        // The most common level; on a tie, the lower one (the way in).
        let Some((&level, _)) = levels.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) else {
            continue;
        };
        let (Some(&min), Some(&max)) = (levels.keys().next(), levels.keys().next_back()) else {
            continue;
        };
        let total: u32 = levels.values().sum();
        // Inside a sentence: "le plus souvent niveau 4 (bac)".
        let label = crate::codes::level_label(level).replacen("Niveau", "niveau", 1);
        let span = if min == max {
            String::new()
        } else {
            format!(" (niveaux {min} à {max})")
        };
        let plural = if total > 1 { "s" } else { "" };
        j.level = Some(UsualLevel {
            level,
            text: format!(
                "le plus souvent {label}, d'après {total} certification{plural} qui mène{} à ce métier{span}",
                if total > 1 { "nt" } else { "" }
            ),
            label,
            min,
            max,
            certifications: total,
        });
    }
    Ok(())
}

/// Matches under this score were inferred from the ROME domain, not from the fiche's own title
/// (`catalogue::import::labour`): too loose for a hiring signal.
const MIN_FAP_SCORE: f64 = 0.4;

fn add_hiring(
    conn: &Connection,
    jobs: &mut [JobFacts],
    by_rome: &HashMap<String, usize>,
) -> Result<()> {
    // National hires per FAP, for the thresholds and the figures.
    let mut st = conn.prepare(
        "SELECT fap, max(fap_label), sum(hires), sum(difficult), count(difficult) FROM bmo GROUP BY fap",
    )?;
    let mut faps: HashMap<String, (String, i64, Option<i64>)> = HashMap::new();
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let fap: String = r.get(0)?;
        let hires: Option<i64> = r.get(2)?;
        let difficult: Option<i64> = r.get(3)?;
        let counted: i64 = r.get(4)?;
        if let Some(h) = hires {
            faps.insert(fap, (r.get(1)?, h, difficult.filter(|_| counted > 0)));
        }
    }
    let mut volumes: Vec<i64> = faps.values().map(|v| v.1).collect();
    volumes.sort_unstable();
    if volumes.is_empty() {
        return Ok(());
    }
    let quantile = |p: f64| volumes[((volumes.len() - 1) as f64 * p).round() as usize];
    let (low, high) = (quantile(0.25), quantile(0.75));
    let mut st = conn.prepare(
        "SELECT code_rome, fap, score FROM job_fap WHERE score >= ?1 ORDER BY code_rome, score DESC, fap",
    )?;
    let mut best: HashMap<String, (f64, Vec<String>)> = HashMap::new();
    let mut rows = st.query([MIN_FAP_SCORE])?;
    while let Some(r) = rows.next()? {
        let (rome, fap, score): (String, String, f64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let e = best.entry(rome).or_insert((score, Vec::new()));
        if (score - e.0).abs() < 1e-9 {
            e.1.push(fap);
        }
    }
    for (rome, (_, matched)) in best {
        let Some(&i) = by_rome.get(&rome) else {
            continue;
        };
        let known: Vec<&(String, i64, Option<i64>)> =
            matched.iter().filter_map(|f| faps.get(f)).collect();
        if known.is_empty() {
            continue;
        }
        let hires: i64 = known.iter().map(|k| k.1).sum();
        let difficult: Option<i64> = known.iter().map(|k| k.2).sum();
        let names: Vec<&str> = known.iter().map(|k| k.0.as_str()).collect();
        // The figure for a tie is the sum over the FAP jobs the fiche matched equally well.
        let per_fap = hires / known.len() as i64;
        let (level, label) = if per_fap >= high {
            (HiringLevel::Beaucoup, "recrute beaucoup")
        } else if per_fap <= low {
            (HiringLevel::Peu, "recrute peu")
        } else {
            (HiringLevel::Moyen, "recrute")
        };
        let share = difficult
            .filter(|_| hires > 0)
            .map(|d| (d as f64 / hires as f64).clamp(0.0, 1.0));
        let fap_label = names.join(" ; ");
        let difficult_text = share
            .map(|s| format!(", dont {} % jugés difficiles", (s * 100.0).round()))
            .unwrap_or_default();
        jobs[i].hiring = Some(HiringSignal {
            level,
            label: label.to_string(),
            planned_hires: hires,
            difficult_share: share,
            text: format!(
                "{label} : {} projets de recrutement en 2024{difficult_text} (enquête BMO de France Travail, \
                 métier « {fap_label} », rapproché de cette fiche par Orientation)",
                thousands(hires)
            ),
            fap_label,
        });
    }
    Ok(())
}

type Spots = (Vec<Spot>, HashMap<String, Vec<u32>>);

fn load_spots(conn: &Connection) -> Result<Spots> {
    let mut st = conn.prepare(
        "SELECT tr.rome, t.id, t.title, coalesce(t.type, ''), s.name, s.status, s.city,
                s.lat, s.lon,
                EXISTS (SELECT 1 FROM action a WHERE a.training_id = t.id AND a.teaching_mode = 'distance')
         FROM training_rome tr JOIN training t ON t.id = tr.training_id
         LEFT JOIN (SELECT a.training_id, p.name, p.status, p.city, p.lat, p.lon,
                           row_number() OVER (PARTITION BY a.training_id ORDER BY a.id) AS n
                    FROM action a JOIN place p ON p.id = a.place_id WHERE p.lat IS NOT NULL) s
                ON s.training_id = t.id AND s.n = 1
         ORDER BY tr.rome, t.id",
    )?;
    let mut spots: Vec<Spot> = Vec::new();
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut by_rome: HashMap<String, Vec<u32>> = HashMap::new();
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let rome: String = r.get(0)?;
        let id: String = r.get(1)?;
        let at = match (r.get::<_, Option<f64>>(7)?, r.get::<_, Option<f64>>(8)?) {
            (Some(lat), Some(lon)) => Some(Point { lat, lon }),
            _ => None,
        };
        let i = match index.get(&id) {
            Some(&i) => i,
            None => {
                let i = spots.len() as u32;
                spots.push(Spot {
                    id: id.clone(),
                    title: r.get(2)?,
                    subtitle: crate::catalogue::index::training_subtitle(
                        &r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?.as_deref(),
                        r.get::<_, Option<String>>(5)?.as_deref(),
                        r.get::<_, Option<String>>(6)?.as_deref(),
                    ),
                    at,
                    distance_learning: r.get(9)?,
                });
                index.insert(id, i);
                i
            }
        };
        let list = by_rome.entry(rome).or_default();
        if !list.contains(&i) {
            list.push(i);
        }
    }
    Ok((spots, by_rome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_the_french_way() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(12345), "12\u{202f}345");
        assert_eq!(thousands(1234567), "1\u{202f}234\u{202f}567");
    }
}
