//! `orientation fav|saved|compare|delete-my-data`: the user's favourites, saved searches and comparisons,
//! kept in <data-dir>/user.db.

use super::{data_dir, open_catalogue, query_from, Cli, SearchArgs};
use clap::{Args, Subcommand};
use orientation_core::catalogue::Catalogue;
use orientation_core::favourites::compare::{self, Comparison};
use orientation_core::favourites::saved::{SavedNews, SavedSearch, SessionNews};
use orientation_core::favourites::{
    availability, Availability, Details, Favourite, ItemKind, ItemRef, ListFilter, SessionDates,
    Status, Store,
};
use orientation_core::{dates, text_fr};

use orientation_core::{Error, Refusal, Result};
use serde::Serialize;
use std::io::{BufRead, Read, Write};
use std::path::PathBuf;

const KINDS: [&str; 5] = ["job", "training", "session", "place", "aid"];

#[derive(Subcommand)]
pub enum UserCommand {
    /// Favoris : ajouter, retirer, annoter, suivre, lister, exporter, importer.
    Fav {
        #[command(subcommand)]
        action: FavAction,
    },
    /// Recherches enregistrées, et ce qui est nouveau depuis la dernière consultation.
    Saved {
        #[command(subcommand)]
        action: SavedAction,
    },
    /// Comparer 2 à 4 formations côte à côte.
    Compare(CompareArgs),
    /// Supprimer toutes mes données : favoris, recherches enregistrées, profil « Découvrir » (et historique de discussion).
    DeleteMyData {
        /// Confirmer la suppression (rien n'est supprimé sans).
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Args)]
pub struct Target {
    /// Identifiant du catalogue (D1102, lheo:07_10…).
    id: String,
    /// Sorte, quand une formation et sa session ont le même identifiant.
    #[arg(long, value_parser = KINDS)]
    kind: Option<String>,
}

#[derive(Subcommand)]
pub enum FavAction {
    /// Ajouter aux favoris (« - » : un identifiant par ligne sur l'entrée standard, chacun écrit sur la
    /// sortie une fois enregistré).
    Add {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        note: Option<String>,
        /// Pour une formation : à étudier, à contacter, candidature envoyée, accepté, refusé.
        #[arg(long)]
        status: Option<String>,
        /// Étiquette (répétable).
        #[arg(long)]
        tag: Vec<String>,
    },
    /// Retirer des favoris.
    Rm {
        #[command(flatten)]
        target: Target,
    },
    /// Écrire la note d'un favori (sans texte : l'effacer).
    Note {
        #[command(flatten)]
        target: Target,
        text: Option<String>,
    },
    /// Suivre une formation : à étudier, à contacter, candidature envoyée, accepté, refusé, aucun.
    Status {
        #[command(flatten)]
        target: Target,
        status: String,
    },
    /// Ajouter (ou avec --remove, retirer) des étiquettes.
    Tag {
        #[command(flatten)]
        target: Target,
        #[arg(required = true)]
        tags: Vec<String>,
        #[arg(long)]
        remove: bool,
    },
    /// Déplacer un favori à la place N de la liste (1 : en tête).
    Move {
        #[command(flatten)]
        target: Target,
        position: usize,
    },
    /// Lister les favoris, avec ce qui a changé dans le catalogue depuis leur ajout.
    List {
        #[arg(long, value_parser = KINDS)]
        kind: Option<String>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        tag: Option<String>,
        /// Seulement le nombre.
        #[arg(long)]
        count: bool,
        #[arg(long)]
        json: bool,
    },
    /// Exporter favoris et recherches enregistrées (JSON versionné) vers un fichier ou la sortie standard.
    Export {
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Importer un export (« - » : l'entrée standard) ; un document invalide ne change rien.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
pub enum SavedAction {
    /// Enregistrer une recherche : un nom, les mots cherchés et les mêmes filtres que `search`.
    Add {
        name: String,
        #[command(flatten)]
        search: Box<SearchArgs>,
    },
    /// Lister les recherches enregistrées.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Ce qui est nouveau pour chaque recherche (ou une seule) depuis la dernière consultation.
    Check {
        name: Option<String>,
        /// Marquer comme vu ensuite.
        #[arg(long)]
        seen: bool,
        /// Juger « inscriptions ouvertes » à cette date (AAAA-MM-JJ) plutôt qu'aujourd'hui.
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Supprimer une recherche enregistrée.
    Rm { name: String },
}

#[derive(Args)]
pub struct CompareArgs {
    /// 2 à 4 identifiants de formations.
    #[arg(required = true)]
    ids: Vec<String>,
    /// Distances depuis ce lieu : code postal, commune ou « lat,lon ».
    #[arg(long)]
    near: Option<String>,
    /// Juger « inscriptions ouvertes » à cette date (AAAA-MM-JJ) plutôt qu'aujourd'hui.
    #[arg(long)]
    date: Option<String>,
    #[arg(long)]
    json: bool,
}

fn out_err(e: std::io::Error) -> Error {
    Error::io("<sortie standard>", e)
}

fn store(cli: &Cli) -> Result<Store> {
    crate::user_store(cli)
}

/// The catalogue when it is there; listing favourites never waits for a build.
fn existing_catalogue(cli: &Cli) -> Option<Catalogue> {
    Catalogue::open(&data_dir(cli).ok()?.join("catalogue.db")).ok()
}

fn kind_arg(kind: &Option<String>) -> Option<ItemKind> {
    kind.as_deref().and_then(ItemKind::parse)
}

fn status_arg(text: &str) -> Result<Status> {
    Status::parse(text).ok_or_else(|| {
        Error::from(Refusal::UnknownStatus {
            given: orientation_core::error::echo(text),
            known: Status::ALL.iter().map(|s| s.label()).collect(),
        })
    })
}

fn date_arg(text: &Option<String>) -> Result<u32> {
    match text {
        None => Ok(dates::today_number()),
        Some(t) => Ok(dates::typed_number(t)?),
    }
}

/// The favourite a command is about: by kind and id, or by id alone when only one favourite has it.
fn target(store: &Store, t: &Target) -> Result<ItemRef> {
    if let Some(kind) = kind_arg(&t.kind) {
        return Ok(ItemRef::typed(kind, &t.id));
    }
    Ok(store.find_one(&t.id)?.item())
}

fn dates_line(dates: &[SessionDates]) -> String {
    let mut dates: Vec<&SessionDates> = dates.iter().collect();
    dates.sort_by(|a, b| a.start.cmp(&b.start));
    let parts: Vec<String> = dates
        .into_iter()
        .map(|d| text_fr::period(d.start.as_deref(), d.end.as_deref()))
        .collect();
    if parts.is_empty() {
        "aucune session".into()
    } else {
        parts.join(", ")
    }
}

fn describe(f: &Favourite) -> String {
    format!(
        "{} « {} » ({})",
        f.kind.label(),
        f.snapshot.title,
        f.item_id
    )
}

fn run_fav(cli: &Cli, action: &FavAction) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match action {
        FavAction::Add {
            target: t,
            note,
            status,
            tag,
        } => {
            let status = status.as_deref().map(status_arg).transpose()?;
            let tags: Vec<&str> = tag.iter().map(String::as_str).collect();
            let details = Details {
                note: note.as_deref(),
                status,
                tags: &tags,
            };
            let cat = open_catalogue(cli)?;
            let store = store(cli)?;
            let kind = kind_arg(&t.kind);
            if t.id == "-" {
                // One id per line; each is written out once committed, so a script (or a test killing
                // this process) knows exactly what is saved.
                for line in std::io::stdin().lock().lines() {
                    let line = line.map_err(|e| Error::io("<entrée standard>", e))?;
                    let id = line.trim();
                    if id.is_empty() {
                        continue;
                    }
                    let (f, _) = store.add_with(&cat, id, kind, &details)?;
                    writeln!(out, "{}", f.item_id).map_err(out_err)?;
                    out.flush().map_err(out_err)?;
                }
                return Ok(());
            }
            let (f, new) = store.add_with(&cat, &t.id, kind, &details)?;
            let what = if new {
                "Ajouté aux favoris"
            } else {
                "Déjà dans vos favoris"
            };
            writeln!(out, "{what} : {}", describe(&f)).map_err(out_err)
        }
        FavAction::Rm { target: t } => {
            let store = store(cli)?;
            let item = target(&store, t)?;
            let f = store.take(&item)?;
            writeln!(out, "Retiré des favoris : {}", describe(&f)).map_err(out_err)
        }
        FavAction::Note { target: t, text } => {
            let store = store(cli)?;
            let f = store.set_note(&target(&store, t)?, text.as_deref())?;
            let done = if f.note.is_some() {
                "Note enregistrée"
            } else {
                "Note effacée"
            };
            writeln!(out, "{done} : {}", describe(&f)).map_err(out_err)
        }
        FavAction::Status { target: t, status } => {
            let store = store(cli)?;
            let folded = status.trim().to_lowercase();
            let status = match folded.as_str() {
                "aucun" | "none" | "" => None,
                _ => Some(status_arg(status)?),
            };
            let f = store.set_status(&target(&store, t)?, status)?;
            writeln!(
                out,
                "Statut {} : {}",
                f.status.map_or("effacé", |s| s.label()),
                describe(&f)
            )
            .map_err(out_err)
        }
        FavAction::Tag {
            target: t,
            tags,
            remove,
        } => {
            let store = store(cli)?;
            let item = target(&store, t)?;
            let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
            let f = if *remove {
                store.remove_tags(&item, &tags)?
            } else {
                store.add_tags(&item, &tags)?
            };
            writeln!(out, "Étiquettes : {} — {}", f.tags.join(", "), describe(&f)).map_err(out_err)
        }
        FavAction::Move {
            target: t,
            position,
        } => {
            let store = store(cli)?;
            store.move_to(&target(&store, t)?, position.saturating_sub(1))?;
            Ok(())
        }
        FavAction::List {
            kind,
            status,
            tag,
            count,
            json,
        } => {
            let filter = ListFilter {
                kind: kind_arg(kind),
                status: status.as_deref().map(status_arg).transpose()?,
                tag: tag.clone(),
            };
            let store = store(cli)?;
            if *count {
                return writeln!(out, "{}", store.count(&filter)?).map_err(out_err);
            }
            let favs = store.list(&filter)?;
            let cat = existing_catalogue(cli);
            let states: Vec<Option<Availability>> = favs
                .iter()
                .map(|f| cat.as_ref().map(|c| availability(c, f)).transpose())
                .collect::<Result<_>>()?;
            if *json {
                #[derive(Serialize)]
                struct Row<'a> {
                    #[serde(flatten)]
                    favourite: &'a Favourite,
                    availability: &'a Option<Availability>,
                }
                let rows: Vec<Row> = favs
                    .iter()
                    .zip(&states)
                    .map(|(favourite, availability)| Row {
                        favourite,
                        availability,
                    })
                    .collect();
                let text = serde_json::to_string_pretty(&rows).map_err(Error::Encode)?;
                return writeln!(out, "{text}").map_err(out_err);
            }
            list_text(&mut out, &favs, &states).map_err(out_err)
        }
        FavAction::Export { output } => {
            let text = store(cli)?.export_json()?;
            // On stderr, so a piped export stays a clean document.
            eprintln!("{}", orientation_core::shell_text::export_notice());
            match output {
                Some(path) => {
                    // Whole or not at all: a crash never leaves half an export in place.
                    orientation_core::files::write_atomic(path, text.as_bytes())?;
                    eprintln!("Export écrit dans {}", path.display());
                    Ok(())
                }
                None => writeln!(out, "{text}").map_err(out_err),
            }
        }
        FavAction::Import { file } => {
            let mut bytes = Vec::new();
            if file.as_os_str() == "-" {
                std::io::stdin()
                    .lock()
                    .read_to_end(&mut bytes)
                    .map_err(|e| Error::io("<entrée standard>", e))?;
            } else {
                bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
            }
            let s = store(cli)?.import_json(&bytes)?;
            writeln!(
                out,
                "Import : {} favori(s) ajouté(s), {} mis à jour, {} déjà à jour ; {} recherche(s) ajoutée(s), {} déjà présente(s).",
                s.favourites_added, s.favourites_updated, s.favourites_kept, s.searches_added, s.searches_kept
            )
            .map_err(out_err)
        }
    }
}

fn list_text(
    out: &mut impl Write,
    favs: &[Favourite],
    states: &[Option<Availability>],
) -> std::io::Result<()> {
    if favs.is_empty() {
        return writeln!(out, "Aucun favori.");
    }
    for (i, (f, state)) in favs.iter().zip(states).enumerate() {
        writeln!(
            out,
            "{:>2}. {:<9} {:<24} {}",
            i + 1,
            f.kind.label(),
            f.item_id,
            f.snapshot.title
        )?;
        let s = &f.snapshot;
        let mut facts: Vec<String> = [s.subtitle.clone(), s.place.clone()]
            .into_iter()
            .flatten()
            .collect();
        if matches!(f.kind, ItemKind::Training | ItemKind::Session) {
            facts.push(dates_line(&s.dates));
        }
        if !facts.is_empty() {
            writeln!(out, "    {}", facts.join(" · "))?;
        }
        let mut follow = Vec::new();
        if let Some(st) = f.status {
            follow.push(format!("statut : {}", st.label()));
        }
        if !f.tags.is_empty() {
            follow.push(format!("étiquettes : {}", f.tags.join(", ")));
        }
        if !follow.is_empty() {
            writeln!(out, "    {}", follow.join(" · "))?;
        }
        if let Some(note) = &f.note {
            writeln!(out, "    note : {}", note.replace('\n', "\n           "))?;
        }
        match state {
            Some(Availability::Offered) | None => {}
            Some(a @ Availability::NoLongerOffered) => {
                writeln!(out, "    ⚠ {} (tel qu'ajouté ci-dessus)", a.label())?
            }
            Some(a @ Availability::DatesChanged { dates }) => {
                writeln!(out, "    ⚠ {} : désormais {}", a.label(), dates_line(dates))?
            }
            Some(a @ Availability::Updated { title, .. }) => {
                writeln!(out, "    ⚠ {} : « {title} »", a.label())?
            }
        }
    }
    Ok(())
}

fn find_saved(store: &Store, name: &str) -> Result<SavedSearch> {
    store
        .find_saved_search(name)?
        .ok_or_else(|| Error::from(Refusal::NoSuchSearch(orientation_core::error::echo(name))))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn session_line(s: &SessionNews) -> String {
    format!(
        "session {} de « {} » : {}{}",
        s.session_id,
        s.training_title,
        text_fr::period(s.start.as_deref(), s.end.as_deref()),
        if s.registration_open {
            " (inscriptions ouvertes)"
        } else {
            ""
        }
    )
}

fn news_text(out: &mut impl Write, n: &SavedNews) -> std::io::Result<()> {
    if n.is_empty() {
        return writeln!(out, "« {} » : rien de nouveau", n.name);
    }
    let mut parts = Vec::new();
    if !n.new_results.is_empty() {
        parts.push(plural(
            n.new_results.len(),
            "nouveau résultat",
            "nouveaux résultats",
        ));
    }
    if !n.new_sessions.is_empty() {
        parts.push(plural(
            n.new_sessions.len(),
            "nouvelle session",
            "nouvelles sessions",
        ));
    }
    if !n.opened.is_empty() {
        parts.push(plural(
            n.opened.len(),
            "inscription ouverte",
            "inscriptions ouvertes",
        ));
    }
    writeln!(out, "« {} » : {}", n.name, parts.join(", "))?;
    for h in &n.new_results {
        let id = h.rome.as_deref().unwrap_or(&h.id);
        writeln!(
            out,
            "  + {} {id} {}",
            ItemKind::from(h.kind).label(),
            h.title
        )?;
    }
    for s in &n.new_sessions {
        writeln!(out, "  + {}", session_line(s))?;
    }
    for s in &n.opened {
        writeln!(out, "  ↗ inscriptions ouvertes : {}", session_line(s))?;
    }
    Ok(())
}

fn run_saved(cli: &Cli, action: &SavedAction) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match action {
        SavedAction::Add { name, search } => {
            if search.jsonl {
                return Err(Error::Usage(
                    "--jsonl ne s'applique pas à une recherche enregistrée",
                ));
            }
            let text = search.query.as_deref().unwrap_or("");
            let cat = open_catalogue(cli)?;
            let q = query_from(&cat, search, text)?;
            let engine = cat.engine()?;
            let saved = store(cli)?.save_search(&cat, &engine, name, &q, dates::today_number())?;
            writeln!(
                out,
                "Recherche « {} » enregistrée ; `orientation saved check` dira ce qui est nouveau.",
                saved.name
            )
            .map_err(out_err)
        }
        SavedAction::List { json } => {
            let all = store(cli)?.saved_searches()?;
            if *json {
                let text = serde_json::to_string_pretty(&all).map_err(Error::Encode)?;
                return writeln!(out, "{text}").map_err(out_err);
            }
            if all.is_empty() {
                return writeln!(out, "Aucune recherche enregistrée.").map_err(out_err);
            }
            for s in &all {
                let mut what = Vec::new();
                if !s.query.text.trim().is_empty() {
                    what.push(format!("« {} »", s.query.text.trim()));
                }
                if let Some(k) = s.query.kind {
                    what.push(ItemKind::from(k).label().to_string());
                }
                if let Some(p) = s.query.near {
                    let place = s.query.near_label.clone().unwrap_or_else(|| {
                        format!("{}, {}", text_fr::number(p.lat), text_fr::number(p.lon))
                    });
                    what.push(format!(
                        "à {} km de {place}",
                        text_fr::number(s.query.radius_km)
                    ));
                }
                if !s.query.filters.is_empty() {
                    what.push("avec filtres".into());
                }
                writeln!(out, "{:<24} {}", s.name, what.join(" · ")).map_err(out_err)?;
            }
            Ok(())
        }
        SavedAction::Check {
            name,
            seen,
            date,
            json,
        } => {
            let today = date_arg(date)?;
            let store = store(cli)?;
            let searches = match name {
                Some(n) => vec![find_saved(&store, n)?],
                None => store.saved_searches()?,
            };
            let cat = open_catalogue(cli)?;
            let engine = cat.engine()?;
            let mut all = Vec::new();
            for s in &searches {
                all.push(store.check_saved_search(&cat, &engine, s, today)?);
            }
            if *json {
                let text = serde_json::to_string_pretty(&all).map_err(Error::Encode)?;
                writeln!(out, "{text}").map_err(out_err)?;
            } else if all.is_empty() {
                writeln!(out, "Aucune recherche enregistrée.").map_err(out_err)?;
            } else {
                for n in &all {
                    news_text(&mut out, n).map_err(out_err)?;
                }
            }
            if *seen {
                for s in &searches {
                    store.mark_seen(&cat, &engine, s, today)?;
                }
            }
            Ok(())
        }
        SavedAction::Rm { name } => {
            let store = store(cli)?;
            let s = find_saved(&store, name)?;
            store.remove_saved_search(s.id)?;
            writeln!(out, "Recherche « {} » supprimée.", s.name).map_err(out_err)
        }
    }
}

/// Greedy word wrap to `width` characters; a word longer than the width is cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let mut word: String = word.to_string();
            while word.chars().count() > width {
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let head: String = word.chars().take(width).collect();
                word = word.chars().skip(width).collect();
                lines.push(head);
            }
            let needed =
                line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
            if needed > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    if lines.is_empty() {
        lines.push("—".into());
    }
    lines
}

fn compare_text(out: &mut impl Write, c: &Comparison) -> std::io::Result<()> {
    const LABEL: usize = 18;
    const TOTAL: usize = 118;
    let n = c.trainings.len().max(1);
    let width = ((TOTAL - LABEL) / n).saturating_sub(3).max(12);
    for r in &c.rows {
        let wrapped: Vec<Vec<String>> = r
            .cells
            .iter()
            .map(|cell| {
                let mark = if cell.best { "★ " } else { "" };
                wrap(&format!("{mark}{}", cell.lines.join(" ; ")), width)
            })
            .collect();
        let labels = wrap(&r.label, LABEL);
        let height = wrapped
            .iter()
            .map(Vec::len)
            .max()
            .unwrap_or(1)
            .max(labels.len());
        for row in 0..height {
            let mut line = format!(
                "{:<LABEL$}",
                labels.get(row).map(String::as_str).unwrap_or("")
            );
            for cell in &wrapped {
                let text = cell.get(row).map(String::as_str).unwrap_or("");
                line.push_str(&format!(" │ {text:<width$}"));
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        writeln!(out, "{}", "─".repeat(LABEL + n * (width + 3)))?;
    }
    Ok(())
}

fn run_compare(cli: &Cli, args: &CompareArgs) -> Result<()> {
    let today = date_arg(&args.date)?;
    let cat = open_catalogue(cli)?;
    let from = args
        .near
        .as_deref()
        .map(|n| cat.resolve_place(n).map(|r| r.point))
        .transpose()?;
    let ids: Vec<&str> = args.ids.iter().map(String::as_str).collect();
    let c = compare::compare(&cat, &ids, from, today)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let text = serde_json::to_string_pretty(&c).map_err(Error::Encode)?;
        return writeln!(out, "{text}").map_err(out_err);
    }
    compare_text(&mut out, &c).map_err(out_err)
}

pub fn run(cli: &Cli, command: &UserCommand) -> Result<()> {
    match command {
        UserCommand::Fav { action } => run_fav(cli, action),
        UserCommand::Saved { action } => run_saved(cli, action),
        UserCommand::Compare(args) => run_compare(cli, args),
        UserCommand::DeleteMyData { yes } => {
            if !yes {
                return Err(Error::Usage(
                    "rien n'a été supprimé : ajoutez --yes pour confirmer la suppression de toutes vos données",
                ));
            }
            // The chat first: it needs the server, and if it fails nothing is deleted.
            #[cfg(feature = "chat")]
            let chat = crate::chat::delete_my_chat_data(cli)?;
            #[cfg(not(feature = "chat"))]
            let chat: Option<String> = None;
            store(cli)?.delete_all_my_data()?;
            println!("Toutes vos données ont été supprimées (favoris, recherches enregistrées, profil « Découvrir », discussion).");
            if let Some(notice) = chat {
                println!("{notice}");
            }
            Ok(())
        }
    }
}
