//! `orientation`: the SPRO catalogue and its search at a terminal, and in scripts.

#[cfg(feature = "chat")]
mod chat;
mod cli_error;
mod discover;
mod fav;
mod output;
#[cfg(feature = "sync")]
mod update;

use clap::{Args, Parser, Subcommand};
use orientation_core::catalogue::import::source::{DirSource, EmbeddedSource, Source};
use orientation_core::catalogue::import::Report;
use orientation_core::catalogue::Catalogue;
use orientation_core::codes::{self, Funding, TeachingMode};
use orientation_core::error::InputError;
use orientation_core::search::{Kind, NearFrom, Query, QueryRequest};
use orientation_core::{text_fr, Error, Result};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

#[derive(Parser)]
#[command(
    name = "orientation",
    version,
    about = "Catalogue du Service public régional de l'orientation : métiers, formations, lieux, aides"
)]
struct Cli {
    /// Dossier où le catalogue (et les données de l'utilisateur) sont gardés.
    #[arg(long, global = true, env = "ORIENTATION_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Dossier des données ouvertes à partir desquelles construire le catalogue (par défaut : celles
    /// intégrées au programme).
    #[arg(long, global = true, env = "ORIENTATION_SOURCE")]
    source: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Chercher un métier, une formation, un lieu ou une aide.
    Search(Box<SearchArgs>),
    /// Afficher la fiche complète d'un identifiant (code ROME, formation, lieu, aide, certification).
    Show {
        id: String,
        #[arg(long)]
        json: bool,
        /// Pour une fiche métier : les formations les plus proches de ce lieu (code postal, commune ou « lat,lon »).
        #[arg(long)]
        near: Option<String>,
        /// Rayon autour de --near, en km.
        #[arg(long, default_value_t = 30.0)]
        radius: f64,
    },
    /// Découvrir des métiers : un quiz sur ce que vous aimez, des métiers expliqués, des formations près de chez vous.
    Discover(Box<discover::DiscoverArgs>),
    /// Construire le catalogue ou en afficher le contenu.
    Catalogue {
        #[command(subcommand)]
        action: CatalogueAction,
    },
    /// Discuter avec un conseiller du service (Matrix) : status, send, share, history, watch.
    #[cfg(feature = "chat")]
    Chat(chat::ChatArgs),
    #[command(flatten)]
    User(fav::UserCommand),
}

#[derive(Subcommand)]
enum CatalogueAction {
    /// (Re)construire le catalogue à partir des données ouvertes.
    Build,
    /// Compter ce que contient le catalogue, par sorte et par source, avec le rapport d'import.
    Info {
        #[arg(long)]
        json: bool,
        /// Lister chaque ligne écartée à l'import.
        #[arg(long)]
        issues: bool,
    },
    /// Publier le catalogue (keygen, publish) et le mettre à jour par HTTP (check, update).
    #[cfg(feature = "sync")]
    #[command(flatten)]
    Sync(update::SyncAction),
}

#[derive(Args)]
struct SearchArgs {
    /// Les mots cherchés (absent avec --jsonl).
    query: Option<String>,
    /// job, training, place ou aid.
    #[arg(long)]
    kind: Option<String>,
    /// Autour d'un lieu : code postal, commune ou « lat,lon ».
    #[arg(long)]
    near: Option<String>,
    /// Chercher les mots tels quels : ne pas lire de lieu parmi eux (« bts commerce lyon » cherche alors
    /// aussi le mot « lyon »).
    #[arg(long)]
    no_place: bool,
    /// Rayon autour de --near, en km.
    #[arg(long, default_value_t = 30.0)]
    radius: f64,
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Formations de ce niveau de sortie ou plus : européen 1 à 8, ou V à I.
    #[arg(long)]
    level_min: Option<String>,
    /// Formations de ce niveau de sortie ou moins.
    #[arg(long)]
    level_max: Option<String>,
    /// Financement : Région, « France Travail », CPF, OPCO, Agefiph, État, Entreprise, Personnel (répétable).
    #[arg(long)]
    funding: Vec<String>,
    /// Modalité : présentiel, mixte, distance (répétable).
    #[arg(long)]
    mode: Vec<String>,
    /// Une session commençant à partir de cette date (AAAA-MM-JJ ou JJ/MM/AAAA).
    #[arg(long)]
    start_after: Option<String>,
    /// Une session commençant au plus tard à cette date (AAAA-MM-JJ ou JJ/MM/AAAA).
    #[arg(long)]
    start_before: Option<String>,
    /// Seulement les formations dont les inscriptions sont ouvertes.
    #[arg(long)]
    open: bool,
    /// Durée maximale en heures.
    #[arg(long)]
    max_hours: Option<u32>,
    /// Seulement les formations qui indiquent un accueil des personnes handicapées.
    #[arg(long)]
    disability: bool,
    /// Métiers d'un grand domaine du ROME (lettre A à N).
    #[arg(long)]
    domain: Option<String>,
    /// Afficher les comptes par sorte et par valeur de filtre.
    #[arg(long)]
    facets: bool,
    /// Résultats en JSON.
    #[arg(long)]
    json: bool,
    /// Mode lot : une requête par ligne sur l'entrée standard, un objet JSON par ligne en sortie.
    #[arg(long, conflicts_with = "json")]
    jsonl: bool,
}

fn data_dir(cli: &Cli) -> Result<PathBuf> {
    let dir = match &cli.data_dir {
        Some(d) => d.clone(),
        None => dirs::data_dir()
            .or_else(dirs::home_dir)
            .ok_or_else(|| Error::DataDir(PathBuf::from("~")))?
            .join("orientation"),
    };
    std::fs::create_dir_all(&dir).map_err(|_| Error::DataDir(dir.clone()))?;
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"").map_err(|_| Error::DataDir(dir.clone()))?;
    let _ = std::fs::remove_file(probe);
    Ok(dir)
}

/// The key of the personal fields of user.db, kept in `<data-dir>/user.key` (mode 0600) like the chat
/// session beside it; created on first use.
fn user_key(cli: &Cli) -> Result<orientation_core::db::crypt::UserKey> {
    orientation_core::db::crypt::UserKey::load_or_create_file(&data_dir(cli)?.join("user.key"))
}

/// The user database's store. When its personal data was sealed with a key this data directory no
/// longer has, the core empties it and says so once: the sentence goes to stderr and the command goes on.
fn user_store(cli: &Cli) -> Result<orientation_core::favourites::Store> {
    use orientation_core::favourites::Store;
    let path = data_dir(cli)?.join("user.db");
    let key = user_key(cli)?;
    match Store::open(&path, &key) {
        Err(e @ Error::PersonalDataReset) => {
            eprintln!("{e}");
            Store::open(&path, &key)
        }
        other => other,
    }
}

fn source(cli: &Cli) -> Result<Box<dyn Source>> {
    Ok(match &cli.source {
        Some(dir) if dir.is_dir() => Box::new(DirSource(dir.clone())),
        Some(dir) => return Err(Error::DataDir(dir.clone())),
        None => Box::new(EmbeddedSource(embedded::FILES)),
    })
}

fn progress_bar() -> impl Fn(usize, usize, &str) {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} Construction du catalogue [{bar:30}] {pos}/{len} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    move |done, total, label| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(label.to_string());
        if done == total {
            bar.finish_and_clear();
        }
    }
}

fn report_summary(report: &Report, took: std::time::Duration) {
    eprintln!(
        "Catalogue construit en {:.1} s : {} lignes lues, {} écartées (voir `orientation catalogue info --issues`).",
        took.as_secs_f64(),
        report.sources.iter().map(|s| s.rows_read).sum::<u64>(),
        report.skipped()
    );
}

fn open_catalogue(cli: &Cli) -> Result<Catalogue> {
    let path = data_dir(cli)?.join("catalogue.db");
    // An update cut between its swap and the first opening leaves the previous catalogue to restore.
    #[cfg(feature = "sync")]
    orientation_core::sync::recover(&path)?;
    let src = source(cli)?;
    let start = std::time::Instant::now();
    let (catalogue, report) = Catalogue::open_or_build(&path, src.as_ref(), &progress_bar())?;
    if let Some(report) = report {
        report_summary(&report, start.elapsed());
    }
    Ok(catalogue)
}

/// The search the arguments ask for, checked by the core's one rule (`QueryRequest::validate`).
fn query_from(cat: &Catalogue, args: &SearchArgs, text: &str) -> Result<Query> {
    let near = args
        .near
        .as_deref()
        .map(|n| cat.resolve_place(n))
        .transpose()?;
    let level = |t: &Option<String>| t.as_deref().map(codes::parse_level).transpose();
    let request = QueryRequest {
        text: text.to_string(),
        kind: match args.kind.as_deref() {
            None => None,
            Some(k) => Some(Kind::parse(k).ok_or_else(|| InputError::Kind(k.into()))?),
        },
        near: near.as_ref().map(|r| r.point),
        radius_km: Some(args.radius),
        limit: Some(i64::try_from(args.limit).unwrap_or(i64::MAX)),
        level_min: level(&args.level_min)?,
        level_max: level(&args.level_max)?,
        funding: args
            .funding
            .iter()
            .map(|f| Funding::parse(f))
            .collect::<std::result::Result<_, _>>()?,
        modes: args
            .mode
            .iter()
            .map(|m| TeachingMode::parse(m))
            .collect::<std::result::Result<_, _>>()?,
        start_after: args.start_after.clone(),
        start_before: args.start_before.clone(),
        registration_open: args.open,
        max_hours: args.max_hours.map(i64::from),
        disability_access: args.disability,
        grand_domaine: args.domain.clone(),
        no_place_in_words: args.no_place,
    };
    let mut q = request.validate()?;
    if let Some(r) = near {
        q.near_label = Some(r.label);
        q.near_areas = r.areas;
    }
    Ok(q)
}

/// Writing to a closed pipe (`orientation search … | head`) ends the output quietly.
fn out_err(e: std::io::Error) -> Error {
    Error::io("<sortie standard>", e)
}

fn run_search(cli: &Cli, args: &SearchArgs) -> Result<()> {
    let cat = open_catalogue(cli)?;
    let engine = cat.engine()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.jsonl {
        let stdin = std::io::stdin();
        for line in stdin.lock().split(b'\n') {
            let line = line.map_err(|e| Error::io("<entrée standard>", e))?;
            // A phone keyboard may send broken UTF-8/UTF-16: search what can be read.
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches('\r');
            let start = std::time::Instant::now();
            let q = query_from(&cat, args, text)?;
            let results = engine.search(&q)?;
            let took_us = start.elapsed().as_micros() as u64;
            let obj = serde_json::json!({"query": text, "results": results, "took_us": took_us});
            writeln!(out, "{obj}").map_err(out_err)?;
        }
        return Ok(());
    }
    let Some(text) = args.query.as_deref() else {
        return Err(Error::Usage(
            "indiquez des mots à chercher, ou --jsonl pour lire les requêtes sur l'entrée standard",
        ));
    };
    let q = query_from(&cat, args, text)?;
    let page = engine.search_results(&q)?;
    match &page.near {
        Some(n) if n.found_by == NearFrom::Given => eprintln!("Autour {}.", text_fr::de(&n.label)),
        Some(n) => eprintln!(
            "Compris : {} (« {} »).",
            n.said,
            n.words.as_deref().unwrap_or("")
        ),
        None => {}
    }
    if let Some(i) = &page.intent {
        eprintln!("Compris : {} (« {} »).", i.said, i.words);
    }
    if let Some(notice) = &page.notice {
        eprintln!("{notice}.");
    }
    if let Some(km) = page.widened_to_km {
        eprintln!(
            "Peu de résultats à {} : rayon élargi à {}.",
            text_fr::distance_km(q.radius_km),
            text_fr::distance_km(km)
        );
    }
    if args.json {
        writeln!(out, "{}", to_json(&page)).map_err(out_err)?;
    } else {
        output::results_table(&mut out, &page.hits).map_err(out_err)?;
        if args.facets {
            output::facets(&mut out, &page.facets, &cat).map_err(out_err)?;
        }
    }
    Ok(())
}

fn run(cli: &Cli) -> Result<()> {
    match &cli.command {
        Command::Search(args) => run_search(cli, args),
        Command::User(command) => fav::run(cli, command),
        Command::Discover(args) => discover::run(cli, args),
        Command::Show {
            id,
            json,
            near,
            radius,
        } => {
            let cat = open_catalogue(cli)?;
            let sheet = match near {
                Some(place) => {
                    let place = cat.resolve_place(place)?;
                    QueryRequest {
                        radius_km: Some(*radius),
                        ..QueryRequest::default()
                    }
                    .validate()?;
                    cat.show_near(id, orientation_core::dates::today_number(), &place, *radius)?
                }
                None => cat.show(id)?,
            };
            let mut out = std::io::stdout().lock();
            if *json {
                writeln!(out, "{}", to_json(&sheet)).map_err(out_err)
            } else {
                output::sheet(&mut out, &sheet).map_err(out_err)
            }
        }
        #[cfg(feature = "chat")]
        Command::Chat(args) => chat::run(cli, args),
        Command::Catalogue { action } => match action {
            CatalogueAction::Build => {
                let path = data_dir(cli)?.join("catalogue.db");
                let src = source(cli)?;
                let start = std::time::Instant::now();
                let report = Catalogue::build(&path, src.as_ref(), &progress_bar())?;
                report_summary(&report, start.elapsed());
                println!("{}", path.display());
                Ok(())
            }
            CatalogueAction::Info { json, issues } => {
                let cat = open_catalogue(cli)?;
                let info = cat.info()?;
                let mut out = std::io::stdout().lock();
                if *json {
                    writeln!(out, "{}", to_json(&info)).map_err(out_err)
                } else {
                    output::info(&mut out, &info, *issues).map_err(out_err)
                }
            }
            #[cfg(feature = "sync")]
            CatalogueAction::Sync(action) => update::run(cli, action),
        },
    }
}

/// A value as pretty JSON (our records always serialise: a failure would be a bug, said as such).
pub(crate) fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| format!("{{\"erreur\": \"JSON impossible : {e}\"}}"))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return cli_error::report(e),
    };
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): nothing more to say.
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("orientation : erreur : {e}");
            ExitCode::FAILURE
        }
    }
}
