//! `orientation chat …`: the advisor chat at a terminal, against the local dev homeserver by default,
//! so a person can try it end to end (and `bench` measures send→receive latency).

use super::{data_dir, open_catalogue, Cli};
use clap::{Args, Subcommand};
use orientation_chat::advisor::{Advisor, AdvisorEvent};
use orientation_chat::hours::{french_hour, to_paris};
use orientation_chat::{
    Card, Chat, ChatConfig, ChatError, ChatListener, ChatUpdate, ConnectionState, FileSessionStore,
    Message, SendState,
};
use orientation_core::{Error, Result};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct ChatArgs {
    /// Serveur Matrix de la Région (par défaut : le serveur local de scripts/dev-homeserver).
    #[arg(long, global = true, env = "ORIENTATION_CHAT_HOMESERVER")]
    homeserver: Option<String>,
    /// Jeton d'inscription fourni par la Région (par défaut : celui du serveur local).
    #[arg(long, global = true, env = "ORIENTATION_CHAT_REGISTRATION_TOKEN")]
    registration_token: Option<String>,
    /// Compte Matrix du service (par défaut : @conseil:localhost).
    #[arg(long, global = true, env = "ORIENTATION_CHAT_SERVICE")]
    service: Option<String>,
    /// Nom affiché aux conseillers à la création du compte (par défaut : « Anonyme »).
    #[arg(long, global = true)]
    name: Option<String>,
    /// Numéro de téléphone du service, proposé hors des heures d'ouverture.
    #[arg(long, global = true, env = "ORIENTATION_CHAT_PHONE")]
    phone: Option<String>,
    /// Adresse électronique du service, proposée hors des heures d'ouverture.
    #[arg(long, global = true, env = "ORIENTATION_CHAT_EMAIL")]
    email: Option<String>,
    #[command(subcommand)]
    action: ChatAction,
}

#[derive(Subcommand)]
enum ChatAction {
    /// Compte, connexion, messages en attente, heures d'ouverture et autres moyens de contact.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Envoyer un message (il attend dans la boîte d'envoi si le serveur est injoignable).
    Send { text: String },
    /// Partager une fiche du catalogue (métier, formation, lieu, aide) avec un conseiller.
    Share { id: String },
    /// La conversation enregistrée (lisible hors ligne).
    History {
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Charger d'abord les messages plus anciens depuis le serveur.
        #[arg(long)]
        older: bool,
        #[arg(long)]
        json: bool,
    },
    /// Suivre la conversation en direct ; chaque ligne tapée est envoyée (Ctrl-D pour finir).
    Watch,
    /// Supprimer la conversation : effacée de cet appareil et quittée sur le serveur (le compte reste ;
    /// `orientation delete-my-data` le ferme).
    Delete {
        /// Confirmer la suppression (rien n'est supprimé sans).
        #[arg(long)]
        yes: bool,
    },
    /// Mesurer la latence envoi → réception par le serveur local (conseiller simulé).
    #[command(hide = true)]
    Bench {
        #[arg(long, default_value_t = 200)]
        messages: usize,
    },
}

/// Where the local dev homeserver's env.json is looked for, first found wins: `ORIENTATION_HS_DIR`
/// (only there when set), `.dev/homeserver` in the current directory or above, then in the repository
/// this binary was built from (so `orientation chat …` works from any directory on a developer's
/// machine).
fn env_candidates(hs_dir: Option<PathBuf>, cwd: Option<PathBuf>, repo: &Path) -> Vec<PathBuf> {
    if let Some(dir) = hs_dir {
        return vec![dir.join("env.json")];
    }
    let mut out: Vec<PathBuf> = cwd
        .iter()
        .flat_map(|c| c.ancestors().map(|d| d.join(".dev/homeserver/env.json")))
        .collect();
    out.push(repo.join(".dev/homeserver/env.json"));
    out
}

/// The repository this binary was built from (the CLI crate's parent directory).
fn build_repo() -> PathBuf {
    let cli_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    cli_dir.parent().unwrap_or(cli_dir).to_path_buf()
}

fn dev_env() -> Option<serde_json::Value> {
    let candidates = env_candidates(
        std::env::var_os("ORIENTATION_HS_DIR").map(PathBuf::from),
        std::env::current_dir().ok(),
        &build_repo(),
    );
    let file = candidates.into_iter().find(|f| f.is_file())?;
    serde_json::from_slice(&std::fs::read(file).ok()?).ok()
}

fn env_str(env: &Option<serde_json::Value>, key: &str) -> Option<String> {
    env.as_ref()?.get(key)?.as_str().map(str::to_string)
}

/// What to pass when no local server is found: said at once, not after a 30 s wait.
const HOW_TO_CONFIGURE: &str = "aucun serveur de discussion trouvé : passez --homeserver URL, \
     --registration-token JETON et --service @compte:serveur (ou les variables \
     ORIENTATION_CHAT_HOMESERVER, ORIENTATION_CHAT_REGISTRATION_TOKEN, ORIENTATION_CHAT_SERVICE), \
     ou lancez scripts/dev-homeserver pour un serveur local";

fn config(cli: &Cli, args: &ChatArgs) -> Result<ChatConfig> {
    let env = dev_env();
    let url = args
        .homeserver
        .clone()
        .or_else(|| env_str(&env, "homeserver_url"))
        .ok_or_else(|| ChatError::NotConfigured(HOW_TO_CONFIGURE.into()))?;
    let service = args
        .service
        .clone()
        .or_else(|| env_str(&env, "advisor_user"))
        .ok_or_else(|| ChatError::NotConfigured(HOW_TO_CONFIGURE.into()))?;
    let mut c = ChatConfig::new(url, service, data_dir(cli)?, crate::user_key(cli)?);
    c.registration_token = args
        .registration_token
        .clone()
        .or_else(|| env_str(&env, "registration_token"));
    c.contact.phone = args.phone.clone();
    c.contact.email = args.email.clone();
    Ok(c)
}

/// How long `chat status` waits for the server's answer to its one request.
const STATUS_PROBE: Duration = Duration::from_millis(800);

/// The chat's part of `orientation delete-my-data`: when this data directory has a chat account,
/// it is closed on the server with its conversation (see [`Chat::delete_all_data`]); a chat without
/// an account is only local (wiped with the rest of user.db). Returns the sentence to show. If the
/// server cannot be reached, nothing is deleted and the error says so.
pub(crate) fn delete_my_chat_data(cli: &Cli) -> Result<Option<String>> {
    let dir = data_dir(cli)?;
    let sessions = Arc::new(FileSessionStore::new(dir.join("chat-session.json")));
    let Some(session) = orientation_chat::SessionStore::load(sessions.as_ref())? else {
        let store = dir.join("chat");
        if store.exists() {
            std::fs::remove_dir_all(&store).map_err(|e| Error::io(&store, e))?;
        }
        return Ok(None);
    };
    // The account's own server; the service's id does not matter to a deletion.
    let service =
        env_str(&dev_env(), "advisor_user").unwrap_or_else(|| "@conseil:localhost".into());
    let config = ChatConfig::new(
        session.homeserver_url.clone(),
        service,
        dir,
        crate::user_key(cli)?,
    );
    let rt = runtime()?;
    rt.block_on(async {
        let chat = Chat::open(config, sessions).await?;
        match chat.delete_all_data().await {
            Ok(done) => Ok(Some(done.notice)),
            Err(Error::Chat(ChatError::Offline)) => Err(ChatError::NotConfigured(
                "rien n'a été supprimé : le serveur de discussion est injoignable, et votre compte \
                 de discussion doit y être fermé avec la conversation ; réessayez une fois connecté"
                    .into(),
            )
            .into()),
            Err(e) => Err(e),
        }
    })
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("<tokio>", e))
}

async fn open(cli: &Cli, args: &ChatArgs) -> Result<Chat> {
    let c = config(cli, args)?;
    let sessions = Arc::new(FileSessionStore::new(
        data_dir(cli)?.join("chat-session.json"),
    ));
    Chat::open(c, sessions).await
}

fn out_err(e: std::io::Error) -> Error {
    Error::io("<sortie standard>", e)
}

fn line(m: &Message) -> String {
    let t = to_paris(m.timestamp_ms / 1000);
    let who = if m.outgoing {
        "Vous".to_string()
    } else {
        m.sender_name.clone().unwrap_or_else(|| m.sender_id.clone())
    };
    let state = match (m.state, m.read) {
        (SendState::Sending, _) if m.attempts > 0 => " (nouvel essai…)",
        (SendState::Sending, _) => " (envoi…)",
        (SendState::Failed, _) => " (échec)",
        (SendState::Sent, true) => " (lu)",
        _ => "",
    };
    let body = m.body.replace('\n', "\n        ");
    format!(
        "{:02}/{:02} {} {who} : {body}{state}",
        t.date.day,
        t.date.month,
        french_hour(t)
    )
}

/// Waits (at most `limit`) until nothing is left to send; returns what is still waiting.
async fn wait_flushed(chat: &Chat, limit: Duration) -> Result<u32> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let pending = chat.status()?.pending;
        if pending == 0 || tokio::time::Instant::now() >= deadline {
            return Ok(pending);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Before queuing a message: an account exists or can be created (a registration token is known),
/// and the server does not refuse it. Only an unreachable server lets the message wait.
async fn ready_to_send(chat: &Chat, args: &ChatArgs, has_token: bool) -> Result<()> {
    if chat.user_id().is_none() && !has_token {
        return Err(ChatError::NotConfigured(format!(
            "pas encore de compte de discussion et pas de jeton d'inscription pour en créer un : {}",
            HOW_TO_CONFIGURE.trim_start_matches("aucun serveur de discussion trouvé : ")
        ))
        .into());
    }
    match chat.connect(args.name.as_deref()).await {
        Ok(_) => Ok(()),
        // The message waits in the outbox; the account is created when the server answers.
        Err(Error::Chat(ChatError::Offline)) => {
            eprintln!("Serveur de discussion injoignable pour l'instant.");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

async fn send(chat: &Chat, args: &ChatArgs, has_token: bool, body: SendBody) -> Result<()> {
    ready_to_send(chat, args, has_token).await?;
    let _tasks = chat.start();
    let outcome = match body {
        SendBody::Text(t) => chat.send_text(&t)?,
        SendBody::Card(c) => chat.share(&c)?,
    };
    println!("{}", outcome.notice);
    if let Some(options) = &outcome.outside_hours {
        if let Some(p) = &options.phone {
            println!(
                "Téléphone{} : {} ({})",
                if p.free { " (appel gratuit)" } else { "" },
                p.display,
                p.availability.summary(now_s())
            );
        }
        if let Some(m) = &options.email {
            println!("Courriel : {}\n  {}", m.address, m.uri);
        }
    }
    let left = wait_flushed(chat, Duration::from_secs(30)).await?;
    let sent = chat
        .history(None, 500)?
        .into_iter()
        .find(|m| m.local_id == outcome.message.local_id);
    match sent.map(|m| m.state) {
        Some(SendState::Sent) => println!("Envoyé."),
        Some(SendState::Failed) => {
            return Err(ChatError::Refused(
                "message refusé, voir `orientation chat history`".into(),
            )
            .into())
        }
        _ => println!(
            "Pas encore envoyé ({left} en attente) : le message partira à la prochaine connexion."
        ),
    }
    Ok(())
}

enum SendBody {
    Text(String),
    Card(Card),
}

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Prints the conversation as it goes. A message is printed once; what changes afterwards (sent,
/// read, failed) is a short note that does not repeat the text.
#[derive(Default)]
struct Printer {
    /// Messages printed, with the state they were printed in.
    shown: std::sync::Mutex<std::collections::HashMap<i64, (SendState, bool)>>,
}

impl Printer {
    fn print_new(&self, messages: &[Message]) -> String {
        let mut shown = self.shown.lock().unwrap_or_else(|p| p.into_inner());
        for m in messages {
            shown.insert(m.local_id, (m.state, m.read));
        }
        messages.iter().map(line).collect::<Vec<_>>().join("\n")
    }

    fn print_change(&self, m: &Message) -> String {
        let mut shown = self.shown.lock().unwrap_or_else(|p| p.into_inner());
        let before = shown.insert(m.local_id, (m.state, m.read));
        let Some((state, read)) = before else {
            return line(m);
        };
        let at = to_paris(m.timestamp_ms / 1000);
        let which = format!("votre message de {}", french_hour(at));
        match (m.state, m.read) {
            (s, r) if (s, r) == (state, read) => String::new(),
            (SendState::Sent, true) if !read => format!("— {which} a été lu —"),
            (SendState::Sent, _) if state != SendState::Sent => format!("— {which} est envoyé —"),
            (SendState::Failed, _) => format!("— {which} a été refusé par le serveur —"),
            _ => String::new(),
        }
    }
}

impl ChatListener for Printer {
    fn on_update(&self, update: ChatUpdate) {
        let text = match update {
            ChatUpdate::Reset { messages } => {
                self.shown.lock().unwrap_or_else(|p| p.into_inner()).clear();
                self.print_new(&messages)
            }
            ChatUpdate::Upsert { message } => self.print_change(&message),
            ChatUpdate::Older { messages } => self.print_new(&messages),
            ChatUpdate::Remove { .. } => return,
            ChatUpdate::Typing { names } if names.is_empty() => return,
            ChatUpdate::Typing { names } => format!("… {} écrit", names.join(", ")),
            ChatUpdate::Connection { state } => match state {
                ConnectionState::Online => "— connecté —".into(),
                ConnectionState::Offline => "— hors ligne : les messages attendent —".into(),
                ConnectionState::SessionExpired => "— session expirée —".into(),
            },
        };
        if !text.is_empty() {
            println!("{text}");
        }
    }
}

async fn watch(chat: &Chat, args: &ChatArgs, has_token: bool) -> Result<()> {
    ready_to_send(chat, args, has_token).await?;
    let _tasks = chat.start();
    let _sub = chat.subscribe(Arc::new(Printer::default()))?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for l in std::io::stdin()
            .lock()
            .lines()
            .map_while(std::result::Result::ok)
        {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    while let Some(l) = rx.recv().await {
        if l.trim().is_empty() {
            continue;
        }
        if let Err(e) = chat.send_text(&l) {
            eprintln!("orientation : {e}");
        }
    }
    let left = wait_flushed(chat, Duration::from_secs(10)).await?;
    if left > 0 {
        eprintln!("{left} message(s) en attente : ils partiront à la prochaine connexion.");
    }
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Send→receive latency: the app sends, the advisor's sync gets it (decrypted); then the other way,
/// the advisor answers and the app's listener gets it. One message at a time.
async fn bench(chat: &Chat, cli: &Cli, n: usize) -> Result<()> {
    let env = dev_env().ok_or_else(|| {
        ChatError::NotConfigured(
            "banc d'essai : lancez d'abord scripts/dev-homeserver (env.json introuvable)".into(),
        )
    })?;
    let (Some(url), Some(user), Some(password)) = (
        env_str(&Some(env.clone()), "homeserver_url"),
        env_str(&Some(env.clone()), "advisor_user"),
        env_str(&Some(env), "advisor_password"),
    ) else {
        return Err(ChatError::NotConfigured("banc d'essai : env.json incomplet".into()).into());
    };
    let store = data_dir(cli)?.join("bench-advisor");
    let mut advisor = Advisor::login(&url, &user, &password, &store).await?;
    chat.connect(Some("Banc d'essai")).await?;
    let _tasks = chat.start();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, Instant)>();
    struct Arrivals(tokio::sync::mpsc::UnboundedSender<(String, Instant)>);
    impl ChatListener for Arrivals {
        fn on_update(&self, u: ChatUpdate) {
            if let ChatUpdate::Upsert { message } = u {
                if !message.outgoing {
                    let _ = self.0.send((message.body, Instant::now()));
                }
            }
        }
    }
    let _sub = chat.subscribe(Arc::new(Arrivals(tx)))?;
    let wait = Duration::from_secs(60);
    // Warm-up: room creation and key sharing are not part of the steady state.
    chat.send_text("bench: ouverture")?;
    let room = advisor
        .wait_for(wait, |e| match e {
            AdvisorEvent::Message { room_id, body, .. } if body == "bench: ouverture" => {
                Some(room_id.clone())
            }
            _ => None,
        })
        .await
        .ok_or_else(|| ChatError::TimedOut("le conseiller n'a rien reçu".into()))?;
    advisor.send(&room, "bench: bonjour").await?;
    while rx
        .recv()
        .await
        .map(|(b, _)| b != "bench: bonjour")
        .unwrap_or(false)
    {}

    let mut up = Vec::with_capacity(n);
    let mut down = Vec::with_capacity(n);
    let started = Instant::now();
    for i in 0..n {
        let body = format!("bench {i}");
        let t0 = Instant::now();
        chat.send_text(&body)?;
        let t1 = advisor
            .wait_for(wait, |e| match e {
                AdvisorEvent::Message {
                    body: b,
                    received_at,
                    ..
                } if *b == body => Some(*received_at),
                _ => None,
            })
            .await
            .ok_or_else(|| ChatError::TimedOut(format!("message {i} jamais reçu")))?;
        up.push(t1 - t0);
        let answer = format!("réponse {i}");
        let t0 = Instant::now();
        advisor.send(&room, &answer).await?;
        loop {
            let (b, at) = tokio::time::timeout(wait, rx.recv())
                .await
                .ok()
                .flatten()
                .ok_or_else(|| ChatError::TimedOut(format!("réponse {i} jamais reçue")))?;
            if b == answer {
                down.push(at - t0);
                break;
            }
        }
    }
    let total = started.elapsed();
    advisor.logout().await;
    up.sort();
    down.sort();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "chat latency through {url}, {n} messages each way, one at a time, encrypted room ({:.1} s):",
        total.as_secs_f64()
    )
    .map_err(out_err)?;
    for (label, v) in [
        ("app → advisor (send → advisor's sync)", &up),
        ("advisor → app (send → app listener)", &down),
    ] {
        writeln!(
            out,
            "  {label}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            ms(percentile(v, 50.0)),
            ms(percentile(v, 99.0)),
            ms(*v.last().unwrap_or(&Duration::ZERO))
        )
        .map_err(out_err)?;
    }
    Ok(())
}

pub fn run(cli: &Cli, args: &ChatArgs) -> Result<()> {
    // `share` reads the catalogue (synchronous, may build it) before any async work.
    let card = match &args.action {
        ChatAction::Share { id } => Some(Card::from_sheet(&open_catalogue(cli)?.show(id)?)),
        _ => None,
    };
    let has_token = config(cli, args)?.registration_token.is_some();
    let rt = runtime()?;
    rt.block_on(async {
        let chat = open(cli, args).await?;
        match &args.action {
            ChatAction::Status { json } => {
                // One request, no sync: the answer comes from what is stored and that probe.
                chat.check_connection(STATUS_PROBE).await;
                let s = chat.status()?;
                let mut out = std::io::stdout().lock();
                if *json {
                    let text = serde_json::to_string_pretty(&s)
                        .map_err(Error::Encode)?;
                    return writeln!(out, "{text}").map_err(out_err);
                }
                let w = |out: &mut std::io::StdoutLock, k: &str, v: &str| {
                    writeln!(out, "{k:<22}{v}").map_err(out_err)
                };
                w(
                    &mut out,
                    "Compte",
                    s.user_id
                        .as_deref()
                        .unwrap_or("aucun (créé au premier message)"),
                )?;
                w(
                    &mut out,
                    "Connexion",
                    match s.connection {
                        ConnectionState::Online => "en ligne",
                        ConnectionState::Offline => "hors ligne",
                        ConnectionState::SessionExpired => "session expirée",
                    },
                )?;
                w(
                    &mut out,
                    "Conversation",
                    if s.has_conversation {
                        "ouverte"
                    } else {
                        "pas encore"
                    },
                )?;
                w(&mut out, "En attente d'envoi", &s.pending.to_string())?;
                w(&mut out, "Refusés", &s.failed.to_string())?;
                if let Some(a) = &s.last_advisor {
                    w(&mut out, "Dernier conseiller", a)?;
                }
                w(&mut out, "Discussion", &s.summary)?;
                match &s.contact.phone {
                    Some(p) => w(
                        &mut out,
                        "Téléphone",
                        &format!("{} – {}", p.display, p.availability.summary(now_s())),
                    )?,
                    None => w(
                        &mut out,
                        "Téléphone",
                        "non renseigné (--phone ou ORIENTATION_CHAT_PHONE)",
                    )?,
                }
                match &s.contact.email {
                    Some(m) => w(&mut out, "Courriel", &m.address)?,
                    None => w(
                        &mut out,
                        "Courriel",
                        "non renseigné (--email ou ORIENTATION_CHAT_EMAIL)",
                    )?,
                }
                Ok(())
            }
            ChatAction::Send { text } => {
                send(&chat, args, has_token, SendBody::Text(text.clone())).await
            }
            ChatAction::Share { .. } => match card {
                Some(c) => send(&chat, args, has_token, SendBody::Card(c)).await,
                None => Err(Error::Usage("fiche à partager absente")),
            },
            ChatAction::History { limit, older, json } => {
                // The page loaded goes above the `limit` newest messages, so it is what one sees first.
                let mut shown = *limit;
                if *older && chat.user_id().is_some() {
                    let _ = chat.connect(None).await;
                    let _tasks = chat.start();
                    let _ = wait_flushed(&chat, Duration::from_secs(5)).await;
                    match chat.load_older(*limit as u32).await {
                        Ok(loaded) => shown += loaded,
                        Err(e) => eprintln!("Historique plus ancien indisponible : {e}"),
                    }
                }
                let messages = chat.history(None, shown)?;
                let mut out = std::io::stdout().lock();
                if *json {
                    let text = serde_json::to_string_pretty(&messages)
                        .map_err(Error::Encode)?;
                    return writeln!(out, "{text}").map_err(out_err);
                }
                if messages.is_empty() {
                    writeln!(out, "Aucun message.").map_err(out_err)?;
                }
                for m in &messages {
                    writeln!(out, "{}", line(m)).map_err(out_err)?;
                }
                Ok(())
            }
            ChatAction::Watch => watch(&chat, args, has_token).await,
            ChatAction::Delete { yes } => {
                if !yes {
                    return Err(ChatError::NotConfigured(
                        "rien n'a été supprimé : ajoutez --yes pour confirmer la suppression de la conversation".into(),
                    )
                    .into());
                }
                // Tells the server now when it answers (else the room is left at the next connection).
                let _ = chat.check_connection(STATUS_PROBE).await;
                let done = chat.delete_conversation().await?;
                println!("{}", done.notice);
                Ok(())
            }
            ChatAction::Bench { messages } => bench(&chat, cli, (*messages).max(1)).await,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_json_is_found_from_the_binarys_repository_when_run_from_elsewhere() {
        let repo = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let env = repo.path().join(".dev/homeserver/env.json");
        std::fs::create_dir_all(env.parent().unwrap()).unwrap();
        std::fs::write(&env, "{}").unwrap();
        let found = env_candidates(None, Some(elsewhere.path().to_path_buf()), repo.path())
            .into_iter()
            .find(|f| f.is_file());
        assert_eq!(found, Some(env.clone()));
        // ORIENTATION_HS_DIR names the one place to look.
        let only = env_candidates(
            Some(elsewhere.path().to_path_buf()),
            Some(repo.path().to_path_buf()),
            repo.path(),
        );
        assert_eq!(only, [elsewhere.path().join("env.json")]);
        // From inside a checkout, its own server comes first.
        let inside = repo.path().join("cli/src");
        let first = env_candidates(None, Some(inside), elsewhere.path())
            .into_iter()
            .find(|f| f.is_file());
        assert_eq!(first, Some(env));
    }
}
