//! `orientation discover`: the "Découvrir" quiz at a terminal (one question at a time, results with their
//! reasons, then trainings near a place), and its scriptable JSON form.

use super::{open_catalogue, Cli};
use clap::Args;
use orientation_core::catalogue::Catalogue;
use orientation_core::codes;
use orientation_core::discover::texts::{progress_text, texts};
use orientation_core::discover::{
    Answer, Formality, JobResult, NearTraining, QuestionView, Quiz, ResultFilters, Session,
};
use orientation_core::error::InputError;
use orientation_core::favourites::Store;
use orientation_core::{Error, Refusal, Result};
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::sync::Arc;

#[derive(Args)]
pub struct DiscoverArgs {
    /// Sortie JSON pour les scripts : la question suivante et les métiers, après les --answer donnés.
    #[arg(long)]
    json: bool,
    /// Une réponse QUESTION=VALEUR (oui, plutot_oui, plutot_non, non, ne_sais_pas), dans l'ordre (répétable).
    #[arg(long = "answer", value_name = "QUESTION=VALEUR")]
    answers: Vec<String>,
    /// Vouvoyer (tutoiement par défaut).
    #[arg(long)]
    vous: bool,
    /// Avec --json : partir du profil enregistré et y enregistrer les réponses données.
    #[arg(long)]
    profile: bool,
    /// Recommencer le quiz : oublier le profil enregistré.
    #[arg(long)]
    restart: bool,
    /// Métiers dont le niveau d'études habituel est au plus celui-ci (1 à 8, ou V à I).
    #[arg(long)]
    level_max: Option<String>,
    /// Métiers dont le niveau d'études habituel est au moins celui-ci.
    #[arg(long)]
    level_min: Option<String>,
    /// Seulement les métiers qui recrutent beaucoup (enquête BMO).
    #[arg(long)]
    hiring: bool,
    /// Seulement les métiers qui ont une formation près de ce lieu (code postal, commune ou « lat,lon »).
    #[arg(long)]
    near: Option<String>,
    /// Rayon autour de --near, en km.
    #[arg(long, default_value_t = 30.0)]
    radius: f64,
    /// Nombre de métiers affichés.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Les formations d'un métier (code ROME) près de --near, sans passer par le quiz.
    #[arg(long, value_name = "ROME")]
    job: Option<String>,
}

fn out_err(e: std::io::Error) -> Error {
    Error::io("<sortie standard>", e)
}

fn parse_answer(text: &str) -> Result<(String, Answer)> {
    let bad = || Error::from(Refusal::Answer(orientation_core::error::echo(text)));
    let (q, a) = text.split_once('=').ok_or_else(bad)?;
    let a = Answer::parse(a).ok_or_else(bad)?;
    Ok((q.trim().to_string(), a))
}

fn filters_from(cat: &Catalogue, args: &DiscoverArgs) -> Result<ResultFilters> {
    let level = |t: &Option<String>| -> Result<Option<u8>> {
        Ok(t.as_deref().map(codes::parse_level).transpose()?)
    };
    if !(args.radius.is_finite()
        && args.radius > 0.0
        && args.radius <= f64::from(orientation_core::search::MAX_RADIUS_KM))
    {
        return Err(InputError::Radius {
            max: orientation_core::search::MAX_RADIUS_KM,
        }
        .into());
    }
    Ok(ResultFilters {
        level_max: level(&args.level_max)?,
        level_min: level(&args.level_min)?,
        hiring: args.hiring,
        near: args
            .near
            .as_deref()
            .map(|n| cat.resolve_place(n).map(|r| r.point))
            .transpose()?,
        radius_km: args.radius,
        limit: args.limit.clamp(1, 2000),
    })
}

fn store(cli: &Cli) -> Result<Store> {
    crate::user_store(cli)
}

/// The JSON form: `{"next": {...} | null, "answered": N, "jobs": [...]}` (stable; fields may be added).
fn json_of(session: &Session, next: Option<&QuestionView>, jobs: &[JobResult]) -> Value {
    json!({
        "next": next.map(|q| json!({
            "id": q.id,
            "text": q.text,
            "choices": q.choices,
            "tags": q.tags,
        })),
        "answered": session.answered(),
        "jobs": jobs.iter().map(|j| json!({
            "rome": j.rome,
            "title": j.title,
            "score": j.score,
            "reasons": j.reasons.iter().map(|r| r.text.as_str()).collect::<Vec<_>>(),
            "warnings": j.warnings.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
            "level": j.level.as_ref().map(|l| l.text.as_str()),
            "hiring": j.hiring.as_ref().map(|h| h.text.as_str()),
        })).collect::<Vec<_>>(),
    })
}

pub fn run(cli: &Cli, args: &DiscoverArgs) -> Result<()> {
    let cat = open_catalogue(cli)?;
    let quiz = Arc::new(Quiz::load(&cat)?);
    let filters = filters_from(&cat, args)?;
    if let Some(rome) = &args.job {
        return trainings_of(&quiz, rome, &filters, args);
    }
    let answers: Vec<(String, Answer)> = args
        .answers
        .iter()
        .map(|a| parse_answer(a))
        .collect::<Result<_>>()?;
    let wanted = args.vous.then_some(Formality::Vous);
    let uses_profile = !args.json || args.profile;
    let store = if uses_profile || args.restart {
        Some(store(cli)?)
    } else {
        None
    };
    if args.restart {
        if let Some(s) = &store {
            s.clear_discover_profile()?;
        }
    }
    let saved = match (&store, uses_profile) {
        (Some(s), true) => s.discover_profile()?,
        _ => None,
    };
    let resumed = saved.as_ref().is_some_and(|p| !p.answers.is_empty());
    let mut session = match &saved {
        Some(p) => Session::from_profile(quiz.clone(), p),
        None => Session::new(quiz.clone(), Formality::Tu),
    };
    if let Some(f) = wanted {
        session.set_formality(f);
    }
    for (q, a) in &answers {
        session.answer(q, *a)?;
    }
    let save = |session: &Session| -> Result<()> {
        match (&store, uses_profile) {
            (Some(s), true) => s.save_discover_profile(&session.profile()),
            _ => Ok(()),
        }
    };
    if !answers.is_empty() || wanted.is_some() {
        save(&session)?;
    }
    if args.json {
        let next = session.next_question();
        let jobs = session.results(&filters);
        let text = serde_json::to_string_pretty(&json_of(&session, next.as_ref(), &jobs))
            .map_err(Error::Encode)?;
        let mut out = std::io::stdout().lock();
        return writeln!(out, "{text}").map_err(out_err);
    }
    interactive(&cat, &quiz, &mut session, &filters, resumed, &save, args)
}

/// `--job ROME --near LIEU`: the trainings for one job near a place (what the quiz's last screen shows).
fn trainings_of(
    quiz: &Quiz,
    rome: &str,
    filters: &ResultFilters,
    args: &DiscoverArgs,
) -> Result<()> {
    let (Some(point), Some(place)) = (filters.near, args.near.as_deref()) else {
        return Err(Error::Usage(
            "indiquez un lieu avec --near (code postal, commune ou « lat,lon »)",
        ));
    };
    let job = quiz
        .job(rome)
        .ok_or_else(|| Error::UnknownId(orientation_core::error::echo(rome)))?;
    let (found, widened) = quiz.trainings_near_widening(&job.rome, point, filters.radius_km, 30)?;
    let elsewhere = if found.is_empty() {
        quiz.trainings_for(&job.rome, 10)?
    } else {
        Vec::new()
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let v = json!({
            "rome": job.rome,
            "title": job.title,
            "near": place,
            "radius_km": widened.unwrap_or(filters.radius_km),
            "widened_to_km": widened,
            "trainings": found,
            "elsewhere": elsewhere,
        });
        let text = serde_json::to_string_pretty(&v).map_err(Error::Encode)?;
        return writeln!(out, "{text}").map_err(out_err);
    }
    let f = if args.vous {
        Formality::Vous
    } else {
        Formality::Tu
    };
    if let Some(km) = widened {
        writeln!(
            out,
            "Peu de formations à {} km : rayon élargi à {km} km.",
            filters.radius_km
        )
        .map_err(out_err)?;
    }
    writeln!(
        out,
        "{} {place} ({} km) pour {} :",
        texts(f).near_title,
        widened.unwrap_or(filters.radius_km),
        job.title
    )
    .map_err(out_err)?;
    print_trainings(&mut out, f, &found, &elsewhere).map_err(out_err)
}

fn print_trainings(
    out: &mut impl Write,
    f: Formality,
    found: &[NearTraining],
    elsewhere: &[NearTraining],
) -> std::io::Result<()> {
    if found.is_empty() {
        writeln!(out, "{}", texts(f).no_training_near)?;
        if !elsewhere.is_empty() {
            writeln!(out, "{}", texts(f).trainings_anywhere)?;
            for t in elsewhere {
                writeln!(out, "  {}  ({})", t.title, t.id)?;
            }
        }
    }
    for t in found {
        let at = match t.distance_km {
            Some(d) => format!("{d:.1} km"),
            None => "à distance".to_string(),
        };
        writeln!(out, "  {:<10} {}  ({})", at, t.title, t.id)?;
        if let Some(s) = &t.subtitle {
            writeln!(out, "  {:<10} {}", "", s)?;
        }
    }
    Ok(())
}

fn read_line(input: &mut impl BufRead) -> Result<Option<String>> {
    let mut line = Vec::new();
    let n = input
        .read_until(b'\n', &mut line)
        .map_err(|e| Error::io("<entrée standard>", e))?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&line).trim().to_string()))
}

fn print_results(out: &mut impl Write, f: Formality, jobs: &[JobResult]) -> std::io::Result<()> {
    let t = texts(f);
    writeln!(out, "\n{}", t.results_title)?;
    writeln!(out, "{}", "─".repeat(t.results_title.chars().count()))?;
    if jobs.is_empty() {
        return writeln!(out, "{}", t.no_results);
    }
    for (i, j) in jobs.iter().enumerate() {
        writeln!(
            out,
            "{:>2}. {}  {}  ({} %)",
            i + 1,
            j.rome,
            j.title,
            j.score
        )?;
        if !j.reasons.is_empty() {
            let reasons: Vec<&str> = j.reasons.iter().map(|r| r.text.as_str()).collect();
            writeln!(out, "    {} : {}", t.because, reasons.join(" ; "))?;
        }
        for w in &j.warnings {
            writeln!(out, "    {} : {}", t.warning, w.text)?;
        }
        if let Some(l) = &j.level {
            writeln!(out, "    {} : {}", t.level, l.text)?;
        }
        if let Some(h) = &j.hiring {
            writeln!(out, "    {} : {}", t.hiring, h.text)?;
        }
    }
    Ok(())
}

fn interactive(
    cat: &Catalogue,
    quiz: &Quiz,
    session: &mut Session,
    filters: &ResultFilters,
    resumed: bool,
    save: &dyn Fn(&Session) -> Result<()>,
    args: &DiscoverArgs,
) -> Result<()> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stdout().lock();
    let f = session.formality();
    let tu = f == Formality::Tu;
    writeln!(out, "{}", texts(f).intro).map_err(out_err)?;
    if resumed {
        writeln!(
            out,
            "(Reprise du quiz : {} réponse(s) déjà enregistrée(s) ; --restart pour recommencer.)",
            session.answered()
        )
        .map_err(out_err)?;
    }
    // The quiz, one question at a time.
    while let Some(q) = session.next_question() {
        writeln!(out, "\n{}", progress_text(f, session.answered() + 1)).map_err(out_err)?;
        writeln!(out, "{}", q.text).map_err(out_err)?;
        let choices: Vec<String> = q
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{} {}", i + 1, c.label))
            .collect();
        writeln!(out, "  {}", choices.join("   ")).map_err(out_err)?;
        writeln!(
            out,
            "  r : revenir à la question précédente · s : voir les métiers · q : quitter"
        )
        .map_err(out_err)?;
        write!(out, "> ").map_err(out_err)?;
        out.flush().map_err(out_err)?;
        let Some(line) = read_line(&mut input)? else {
            break;
        };
        match line.as_str() {
            "s" | "S" | "" => break,
            "q" | "Q" => return Ok(()),
            "r" | "R" => {
                if session.back().is_none() {
                    writeln!(out, "C'est la première question.").map_err(out_err)?;
                }
                save(session)?;
                continue;
            }
            _ => {}
        }
        let answer = line
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| Answer::ALL.get(i).copied())
            .or_else(|| Answer::parse(&line));
        match answer {
            Some(a) => {
                session.answer(&q.id, a)?;
                save(session)?;
            }
            None => {
                writeln!(
                    out,
                    "Réponse non comprise : un chiffre de 1 à 5, r, s ou q."
                )
                .map_err(out_err)?;
            }
        }
    }
    // Results, then trainings near a place for the job picked.
    loop {
        let jobs = session.results(filters);
        print_results(&mut out, f, &jobs).map_err(out_err)?;
        if jobs.is_empty() {
            return Ok(());
        }
        writeln!(
            out,
            "\n{} pour voir ses formations près de chez {}, ou Entrée pour finir.",
            if tu {
                "Tape le numéro d'un métier"
            } else {
                "Tapez le numéro d'un métier"
            },
            if tu { "toi" } else { "vous" }
        )
        .map_err(out_err)?;
        write!(out, "> ").map_err(out_err)?;
        out.flush().map_err(out_err)?;
        let Some(line) = read_line(&mut input)? else {
            return Ok(());
        };
        let Some(job) = line
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| jobs.get(i))
        else {
            return Ok(());
        };
        let place = match &args.near {
            Some(p) => p.clone(),
            None => {
                write!(out, "Près de quel lieu (code postal, commune) ? ").map_err(out_err)?;
                out.flush().map_err(out_err)?;
                match read_line(&mut input)? {
                    Some(p) if !p.is_empty() => p,
                    _ => return Ok(()),
                }
            }
        };
        let point = match filters.near {
            Some(p) => p,
            None => match cat.resolve_place(&place) {
                Ok(r) => r.point,
                Err(e) => {
                    writeln!(out, "{e}").map_err(out_err)?;
                    continue;
                }
            },
        };
        let (trainings, widened) =
            quiz.trainings_near_widening(&job.rome, point, filters.radius_km, 15)?;
        let radius = widened.unwrap_or(filters.radius_km);
        if let Some(km) = widened {
            writeln!(
                out,
                "Peu de formations à {} km : rayon élargi à {km} km.",
                filters.radius_km
            )
            .map_err(out_err)?;
        }
        writeln!(
            out,
            "\n{} {place} ({radius} km) pour {} :",
            texts(f).near_title,
            job.title
        )
        .map_err(out_err)?;
        let elsewhere = if trainings.is_empty() {
            quiz.trainings_for(&job.rome, 8)?
        } else {
            Vec::new()
        };
        print_trainings(&mut out, f, &trainings, &elsewhere).map_err(out_err)?;
        writeln!(
            out,
            "Fiche complète du métier : orientation show {}",
            job.rome
        )
        .map_err(out_err)?;
    }
}
