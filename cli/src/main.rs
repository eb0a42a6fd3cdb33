//! `orientation`: the SPRO catalogue and its search at a terminal, and in scripts.

#[cfg(feature = "chat")]
mod chat;
mod fav;
mod output;
#[cfg(feature = "sync")]
mod update;

use clap::{Args, Parser, Subcommand};
use orientation_core::catalogue::import::source::{DirSource, EmbeddedSource, Source};
use orientation_core::catalogue::import::Report;
use orientation_core::catalogue::Catalogue;
use orientation_core::search::{filters, geo, Kind, Query};
use orientation_core::{Error, Result};
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
    },
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
    #[arg(long, value_parser = ["job", "training", "place", "aid"])]
    kind: Option<String>,
    /// Autour d'un lieu : code postal, commune ou « lat,lon ».
    #[arg(long)]
    near: Option<String>,
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
    /// Modalité : presentiel, mixte, distance (répétable).
    #[arg(long, value_parser = ["presentiel", "mixte", "distance"])]
    mode: Vec<String>,
    /// Une session commençant à partir de cette date (AAAA-MM-JJ).
    #[arg(long)]
    start_after: Option<String>,
    /// Une session commençant au plus tard à cette date (AAAA-MM-JJ).
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
    domain: Option<char>,
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

fn query_from(cat: &Catalogue, args: &SearchArgs, text: &str) -> Result<Query> {
    let mut q = Query::new(text);
    q.kind = args.kind.as_deref().and_then(Kind::parse);
    q.limit = args.limit.clamp(1, 1000);
    if !(args.radius.is_finite() && args.radius > 0.0) {
        return Err(Error::Invalid(
            "le rayon doit être un nombre de km positif".into(),
        ));
    }
    q.radius_km = args.radius;
    if let Some(near) = &args.near {
        q.near = Some(geo::resolve(cat.conn(), near)?);
    }
    let level = |text: &Option<String>| -> Result<Option<u8>> {
        text.as_deref()
            .map(|t| {
                filters::parse_level(t).ok_or_else(|| {
                    Error::Invalid(format!("niveau inconnu « {t} » (1 à 8, ou V à I)"))
                })
            })
            .transpose()
    };
    let date = |text: &Option<String>| -> Result<Option<u32>> {
        text.as_deref()
            .map(|t| {
                filters::date_number(t).ok_or_else(|| {
                    Error::Invalid(format!("date invalide « {t} » (AAAA-MM-JJ attendu)"))
                })
            })
            .transpose()
    };
    let f = &mut q.filters;
    f.level_min = level(&args.level_min)?;
    f.level_max = level(&args.level_max)?;
    for name in &args.funding {
        let bit = filters::funding_bit(name);
        if bit == 0 {
            let known: Vec<&str> = filters::FUNDING.iter().map(|(n, _)| *n).collect();
            return Err(Error::Invalid(format!(
                "financement inconnu « {name} » ({})",
                known.join(", ")
            )));
        }
        f.funding |= bit;
    }
    for m in &args.mode {
        f.modes |= filters::mode_bit(m);
    }
    f.start_after = date(&args.start_after)?;
    f.start_before = date(&args.start_before)?;
    f.registration_open = args.open;
    f.max_hours = args.max_hours;
    f.disability_access = args.disability;
    f.grand_domaine = match args.domain {
        Some(c) if c.is_ascii_alphabetic() && ('A'..='N').contains(&c.to_ascii_uppercase()) => {
            Some(c.to_ascii_uppercase())
        }
        Some(c) => {
            return Err(Error::Invalid(format!(
                "grand domaine inconnu « {c} » (A à N)"
            )))
        }
        None => None,
    };
    Ok(q)
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
            writeln!(out, "{obj}").map_err(|e| Error::io("<sortie standard>", e))?;
        }
        return Ok(());
    }
    let Some(text) = args.query.as_deref() else {
        return Err(Error::Invalid(
            "indiquez des mots à chercher, ou --jsonl pour lire les requêtes sur l'entrée standard"
                .into(),
        ));
    };
    let q = query_from(&cat, args, text)?;
    let page = engine.search_results(&q)?;
    if let Some(km) = page.widened_to_km {
        eprintln!(
            "Peu de résultats à {} km : rayon élargi à {km} km.",
            q.radius_km
        );
    }
    if args.json {
        let text =
            serde_json::to_string_pretty(&page).map_err(|e| Error::Invalid(e.to_string()))?;
        writeln!(out, "{text}").map_err(|e| Error::io("<sortie standard>", e))?;
    } else {
        output::results_table(&mut out, &page.hits)
            .map_err(|e| Error::io("<sortie standard>", e))?;
        if args.facets {
            output::facets(&mut out, &page.facets)
                .map_err(|e| Error::io("<sortie standard>", e))?;
        }
    }
    Ok(())
}

fn run(cli: &Cli) -> Result<()> {
    match &cli.command {
        Command::Search(args) => run_search(cli, args),
        Command::User(command) => fav::run(cli, command),
        Command::Show { id, json } => {
            let cat = open_catalogue(cli)?;
            let sheet = cat.show(id)?;
            let mut out = std::io::stdout().lock();
            if *json {
                let text = serde_json::to_string_pretty(&sheet)
                    .map_err(|e| Error::Invalid(e.to_string()))?;
                writeln!(out, "{text}").map_err(|e| Error::io("<sortie standard>", e))
            } else {
                output::sheet(&mut out, &sheet).map_err(|e| Error::io("<sortie standard>", e))
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
                    let text = serde_json::to_string_pretty(&info)
                        .map_err(|e| Error::Invalid(e.to_string()))?;
                    writeln!(out, "{text}").map_err(|e| Error::io("<sortie standard>", e))
                } else {
                    output::info(&mut out, &info, *issues)
                        .map_err(|e| Error::io("<sortie standard>", e))
                }
            }
            #[cfg(feature = "sync")]
            CatalogueAction::Sync(action) => update::run(cli, action),
        },
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("orientation : erreur : {e}");
            ExitCode::FAILURE
        }
    }
}
