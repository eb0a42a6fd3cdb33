//! `orientation catalogue keygen|publish|check|update`: the Region publishes, a terminal updates.
//! Everything is done by `orientation_core::sync`; this file reads arguments and renders.

use crate::{data_dir, progress_bar, source, Cli};
use clap::{Args, Subcommand};
use orientation_core::sync::{
    self, CheckOutcome, Phase, PublicKey, PublishOptions, SecretKey, SyncError, UpdateConfig,
    UpdateOutcome, Updater,
};
use orientation_core::{Error, Result};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Subcommand)]
pub enum SyncAction {
    /// Créer une paire de clés de publication : KEYFILE (secrète, 0600) et KEYFILE.pub.
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Construire et publier le catalogue dans DIR (fichier complet, deltas, manifest signé).
    Publish {
        /// Dossier publié (à servir tel quel par un serveur HTTP ou un CDN).
        #[arg(long)]
        out: PathBuf,
        /// Clé secrète créée par `catalogue keygen`.
        #[arg(long)]
        key: PathBuf,
        /// Niveau de compression zstd (1 à 22).
        #[arg(long, default_value_t = 19, value_parser = clap::value_parser!(i32).range(1..=22))]
        level: i32,
    },
    /// Chercher une mise à jour du catalogue sur le serveur.
    Check(RemoteArgs),
    /// Télécharger et installer la mise à jour du catalogue (reprend un téléchargement interrompu).
    Update(RemoteArgs),
}

#[derive(Args)]
pub struct RemoteArgs {
    /// Adresse du dossier publié (https://…, ou http:// vers cette machine).
    #[arg(long, env = "ORIENTATION_CATALOGUE_URL")]
    from: Option<String>,
    /// Clé publique du catalogue (KEYFILE.pub).
    #[arg(long, env = "ORIENTATION_CATALOGUE_PUBLIC_KEY")]
    public_key: Option<PathBuf>,
    /// Secondes sans réponse du serveur avant d'abandonner.
    #[arg(long, env = "ORIENTATION_UPDATE_TIMEOUT", default_value_t = 30)]
    timeout: u64,
    #[arg(long)]
    json: bool,
}

/// The Region's build compiles its address and key in; other builds are given them.
const BUILT_IN_URL: Option<&str> = option_env!("ORIENTATION_BUILTIN_CATALOGUE_URL");
const BUILT_IN_KEY: Option<&str> = option_env!("ORIENTATION_BUILTIN_CATALOGUE_PUBLIC_KEY");

fn updater(cli: &Cli, args: &RemoteArgs) -> Result<Updater> {
    let url = args
        .from
        .clone()
        .or(BUILT_IN_URL.map(str::to_string))
        .ok_or(SyncError::NoUrl)?;
    let key = match (&args.public_key, BUILT_IN_KEY) {
        (Some(path), _) => PublicKey::read(path)?,
        (None, Some(hex)) => PublicKey::from_hex(hex)?,
        (None, None) => return Err(SyncError::NoPublicKey.into()),
    };
    let mut config = UpdateConfig::new(&url, key, &data_dir(cli)?.join("catalogue.db"));
    config.stall_timeout = Duration::from_secs(args.timeout.max(1));
    Updater::new(config)
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("<tokio>", e))
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(Error::Encode)?;
    writeln!(std::io::stdout(), "{text}").map_err(|e| Error::io("<sortie standard>", e))
}

fn bytes_bar() -> impl Fn(sync::Progress) + Send + Sync {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg:26} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let last = Mutex::new(None::<Phase>);
    move |p: sync::Progress| {
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        if *last != Some(p.phase) {
            bar.set_message(p.phase.label());
            bar.reset_elapsed();
            *last = Some(p.phase);
        }
        bar.set_length(p.total);
        bar.set_position(p.done);
        if p.phase == Phase::Apply && p.done == p.total && p.total > 0 {
            bar.finish_and_clear();
        }
    }
}

pub fn run(cli: &Cli, action: &SyncAction) -> Result<()> {
    match action {
        SyncAction::Keygen { out } => {
            let public = sync::generate_key(out)?;
            eprintln!(
                "Clé secrète : {} (à garder secrète). Clé publique à donner à l'application : {}",
                out.display(),
                public.display()
            );
            println!("{}", public.display());
            Ok(())
        }
        SyncAction::Publish { out, key, level } => {
            let key = SecretKey::read(key)?;
            let src = source(cli)?;
            let options = PublishOptions {
                level: *level,
                ..PublishOptions::default()
            };
            let report = sync::publish(out, &key, src.as_ref(), &progress_bar(), &options)?;
            let m = &report.manifest;
            eprintln!(
                "Catalogue version {} publié dans {} : {} ({} compressé), {} delta(s).",
                m.catalogue_version,
                out.display(),
                sync::size_fr(m.full.size),
                sync::size_fr(m.full.compressed_size),
                m.deltas.len()
            );
            for d in &m.deltas {
                eprintln!(
                    "  depuis la version {} : {}",
                    d.from_version,
                    sync::size_fr(d.compressed_size)
                );
            }
            println!("{}", out.join("manifest.json").display());
            Ok(())
        }
        SyncAction::Check(args) => {
            let updater = updater(cli, args)?;
            let outcome = runtime()?.block_on(updater.check())?;
            if args.json {
                return print_json(&outcome);
            }
            println!("{}", outcome.message());
            Ok(())
        }
        SyncAction::Update(args) => {
            let updater = updater(cli, args)?;
            let user_db = data_dir(cli)?.join("user.db");
            // The user database is only read (saved searches' news), and only when it exists.
            let store = if user_db.exists() {
                Some(Arc::new(crate::user_store(cli)?))
            } else {
                None
            };
            let progress: sync::update::ProgressFn = if args.json {
                Arc::new(|_| {})
            } else {
                Arc::new(bytes_bar())
            };
            let cancel = Arc::new(AtomicBool::new(false));
            let outcome = runtime()?.block_on(updater.update(store, progress, cancel))?;
            if args.json {
                return print_json(&outcome);
            }
            match outcome {
                UpdateOutcome::UpToDate { version } => {
                    println!("{}", CheckOutcome::UpToDate { version }.message())
                }
                UpdateOutcome::Updated(installed) => {
                    for line in installed.lines() {
                        println!("{line}");
                    }
                }
            }
            Ok(())
        }
    }
}
