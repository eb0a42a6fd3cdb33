//! `orientation chat …`: the advisor chat at a terminal, against the local dev homeserver by default,
//! so a person can try it end to end (and `bench` measures send→receive latency).

use super::{data_dir, open_catalogue, Cli};
use clap::{Args, Subcommand};
use orientation_core::chat::advisor::{Advisor, AdvisorEvent};
use orientation_core::chat::hours::{french_hour, to_paris};
use orientation_core::chat::{
    Card, Chat, ChatConfig, ChatListener, ChatUpdate, ConnectionState, FileSessionStore, Message,
    SendState,
};
use orientation_core::{Error, Result};
use std::io::{BufRead, Write};
use std::path::PathBuf;
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
    /// Mesurer la latence envoi → réception par le serveur local (conseiller simulé).
    #[command(hide = true)]
    Bench {
        #[arg(long, default_value_t = 200)]
        messages: usize,
    },
}

/// The local dev homeserver's env.json: ORIENTATION_HS_DIR, else .dev/homeserver above the current
/// directory.
fn dev_env() -> Option<serde_json::Value> {
    let file = match std::env::var_os("ORIENTATION_HS_DIR") {
        Some(dir) => PathBuf::from(dir).join("env.json"),
        None => {
            let cwd = std::env::current_dir().ok()?;
            cwd.ancestors()
                .map(|d| d.join(".dev/homeserver/env.json"))
                .find(|f| f.is_file())?
        }
    };
    serde_json::from_slice(&std::fs::read(file).ok()?).ok()
}

fn env_str(env: &Option<serde_json::Value>, key: &str) -> Option<String> {
    env.as_ref()?.get(key)?.as_str().map(str::to_string)
}

fn config(cli: &Cli, args: &ChatArgs) -> Result<ChatConfig> {
    let env = dev_env();
    let url = args
        .homeserver
        .clone()
        .or_else(|| env_str(&env, "homeserver_url"))
        .unwrap_or_else(|| "http://127.0.0.1:8008".into());
    let service = args
        .service
        .clone()
        .or_else(|| env_str(&env, "advisor_user"))
        .unwrap_or_else(|| "@conseil:localhost".into());
    let mut c = ChatConfig::new(url, service, data_dir(cli)?);
    c.registration_token = args
        .registration_token
        .clone()
        .or_else(|| env_str(&env, "registration_token"));
    c.contact.phone = args.phone.clone();
    c.contact.email = args.email.clone();
    Ok(c)
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

async fn send(chat: &Chat, args: &ChatArgs, body: SendBody) -> Result<()> {
    // Registration needs the network; without it the message still waits in the outbox.
    if let Err(e) = chat.connect(args.name.as_deref()).await {
        eprintln!("Compte de discussion indisponible pour l'instant : {e}");
    }
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
            return Err(Error::Invalid(
                "le serveur a refusé le message (voir `orientation chat history`)".into(),
            ))
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

struct Printer;

impl ChatListener for Printer {
    fn on_update(&self, update: ChatUpdate) {
        let text = match update {
            ChatUpdate::Reset { messages } => {
                messages.iter().map(line).collect::<Vec<_>>().join("\n")
            }
            ChatUpdate::Upsert { message } => line(&message),
            ChatUpdate::Older { messages } => {
                messages.iter().map(line).collect::<Vec<_>>().join("\n")
            }
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

async fn watch(chat: &Chat, args: &ChatArgs) -> Result<()> {
    chat.connect(args.name.as_deref()).await?;
    let _tasks = chat.start();
    let _sub = chat.subscribe(Arc::new(Printer))?;
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
        Error::Invalid(
            "banc d'essai : lancez d'abord scripts/dev-homeserver (env.json introuvable)".into(),
        )
    })?;
    let (Some(url), Some(user), Some(password)) = (
        env_str(&Some(env.clone()), "homeserver_url"),
        env_str(&Some(env.clone()), "advisor_user"),
        env_str(&Some(env), "advisor_password"),
    ) else {
        return Err(Error::Invalid("env.json incomplet".into()));
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
        .ok_or_else(|| Error::Invalid("le conseiller n'a rien reçu".into()))?;
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
            .ok_or_else(|| Error::Invalid(format!("message {i} jamais reçu")))?;
        up.push(t1 - t0);
        let answer = format!("réponse {i}");
        let t0 = Instant::now();
        advisor.send(&room, &answer).await?;
        loop {
            let (b, at) = tokio::time::timeout(wait, rx.recv())
                .await
                .ok()
                .flatten()
                .ok_or_else(|| Error::Invalid(format!("réponse {i} jamais reçue")))?;
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
    let rt = runtime()?;
    rt.block_on(async {
        let chat = open(cli, args).await?;
        match &args.action {
            ChatAction::Status { json } => {
                if chat.user_id().is_some() {
                    let _ = chat.connect(None).await;
                    let _tasks = chat.start();
                    // One sync round, so "connexion" says something true.
                    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
                    while chat.connection() == ConnectionState::Offline
                        && tokio::time::Instant::now() < deadline
                    {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
                let s = chat.status()?;
                let mut out = std::io::stdout().lock();
                if *json {
                    let text = serde_json::to_string_pretty(&s)
                        .map_err(|e| Error::Invalid(e.to_string()))?;
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
                if let Some(p) = &s.contact.phone {
                    w(
                        &mut out,
                        "Téléphone",
                        &format!("{} – {}", p.display, p.availability.summary(now_s())),
                    )?;
                }
                if let Some(m) = &s.contact.email {
                    w(&mut out, "Courriel", &m.address)?;
                }
                Ok(())
            }
            ChatAction::Send { text } => send(&chat, args, SendBody::Text(text.clone())).await,
            ChatAction::Share { .. } => match card {
                Some(c) => send(&chat, args, SendBody::Card(c)).await,
                None => Err(Error::Invalid("fiche absente".into())),
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
                        .map_err(|e| Error::Invalid(e.to_string()))?;
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
            ChatAction::Watch => watch(&chat, args).await,
            ChatAction::Bench { messages } => bench(&chat, cli, (*messages).max(1)).await,
        }
    })
}
