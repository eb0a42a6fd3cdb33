//! `Orientation`, the one object a shell creates: opened with a config, it hands out the feature objects
//! (the catalogue, favourites; the advisor chat next) and builds the catalogue in the background.

use crate::cancel::CancellableSource;
use crate::catalogue::Catalogue;
use crate::error::{OrientationError, Result};
use crate::favourites::Favourites;
use crate::runtime::{self, TaskHandle};
use crate::sheets::BuildReport;
use orientation_core::catalogue::import::source::DirSource;
use orientation_core::catalogue::Catalogue as CoreCatalogue;
use orientation_core::favourites::Store;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;

/// Where the catalogue comes from. The library embeds no data.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum CatalogueSource {
    /// A directory of open data laid out like the repository's `data/`: the catalogue is built from it
    /// into the data directory (`build_catalogue`, or `open_catalogue` when there is none yet).
    OpenData { dir: String },
    /// A catalogue file built beforehand (`orientation catalogue build`), shipped with the app and copied
    /// out of its assets by the shell: opened where it is, read-only, never rebuilt.
    File { path: String },
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OrientationConfig {
    /// A private, writable directory (Android `filesDir`, iOS Application Support): the catalogue and the
    /// user's data live there.
    pub data_dir: String,
    pub catalogue_source: CatalogueSource,
    /// The Matrix homeserver of the advisor chat (`chat()` needs it).
    #[uniffi(default = None)]
    pub homeserver_url: Option<String>,
    /// BCP 47 tag of the user's language. Texts are French whatever it says, for now.
    #[uniffi(default = "fr-FR")]
    pub locale: String,
    /// The day registration states are judged on, "AAAA-MM-JJ" (tests, demonstrations); None: today in
    /// Paris, as the app should.
    #[uniffi(default = None)]
    pub today: Option<String>,
    /// Where catalogue updates are published (`updates()`): https://…/ (http:// only to this machine).
    #[uniffi(default = None)]
    pub catalogue_update_url: Option<String>,
    /// The publisher's Ed25519 public key, 64 hex characters (the content of `KEYFILE.pub`).
    #[uniffi(default = None)]
    pub catalogue_public_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BuildProgress {
    /// Steps done out of `total`; `done == total` at the end.
    pub done: i32,
    pub total: i32,
    /// The step being run, in French ("Formations Onisep").
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum CatalogueState {
    /// No usable catalogue: build one (or ship one).
    Missing,
    Building {
        progress: BuildProgress,
    },
    /// `catalogue()` opens it; after a rebuild, call it again for the new one.
    Ready,
}

#[uniffi::export(with_foreign)]
pub trait BuildProgressListener: Send + Sync {
    /// Called from a background thread at each step of the build.
    fn on_progress(&self, progress: BuildProgress) -> Result<(), OrientationError>;
}

#[uniffi::export(with_foreign)]
pub trait CatalogueStateListener: Send + Sync {
    /// Called from a background thread: first with the current state, then at each change.
    fn on_state(&self, state: CatalogueState) -> Result<(), OrientationError>;
}

/// The running build, if any: its cancel flag.
type BuildSlot = Mutex<Option<Arc<AtomicBool>>>;

struct Shared {
    catalogue_path: PathBuf,
    /// Some for `CatalogueSource::OpenData`.
    open_data: Option<PathBuf>,
    state: watch::Sender<CatalogueState>,
    /// The opened catalogue, handed out again until a rebuild replaces the file.
    opened: Mutex<Option<Arc<Catalogue>>>,
    build: BuildSlot,
    /// The user database (favourites, saved searches), in the data directory; opened on first use.
    user_db: PathBuf,
    /// `OrientationConfig.today` as YYYYMMDD.
    today: Option<u32>,
    store: Mutex<Option<Arc<Store>>>,
    /// The key of the user database's personal fields, read once from its source.
    keys: crate::secrets::KeySource,
    key: Mutex<Option<orientation_core::db::crypt::UserKey>>,
    /// The personal data was found sealed with another key and started afresh: `favourites()` says so
    /// once, whoever opened the store first (the catalogue's stars do, and cannot tell the user).
    reset_to_tell: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    fn state_on_disk(&self) -> CatalogueState {
        match CoreCatalogue::open(&self.catalogue_path) {
            Ok(_) => CatalogueState::Ready,
            Err(_) => CatalogueState::Missing,
        }
    }

    fn catalogue(&self) -> Result<Arc<Catalogue>> {
        let mut opened = lock(&self.opened);
        if let Some(c) = opened.as_ref() {
            return Ok(c.clone());
        }
        let stars = self
            .store()
            .map_err(
                |e| tracing::warn!(error = %e, "base utilisateur indisponible : pas d'étoiles"),
            )
            .ok();
        // An update cut between its swap and the new catalogue's first opening is finished or undone.
        #[cfg(feature = "sync")]
        if let Err(e) = orientation_core::sync::recover(&self.catalogue_path) {
            tracing::warn!(error = %e, "reprise d'une mise à jour interrompue");
        }
        let catalogue = Arc::new(Catalogue::open(
            CoreCatalogue::open(&self.catalogue_path)?,
            stars,
            self.today,
        )?);
        *opened = Some(catalogue.clone());
        Ok(catalogue)
    }

    /// The user database, opened (and migrated) once and shared by the catalogue's stars and
    /// `Favourites`.
    fn store(&self) -> Result<Arc<Store>> {
        let mut slot = lock(&self.store);
        if let Some(s) = slot.as_ref() {
            return Ok(s.clone());
        }
        let key = self.user_key()?;
        let store = match Store::open(&self.user_db, &key) {
            Err(orientation_core::Error::PersonalDataReset) => {
                tracing::warn!(
                    "données personnelles illisibles avec cette clé : reparties de zéro"
                );
                self.reset_to_tell.store(true, Ordering::SeqCst);
                Store::open(&self.user_db, &key)?
            }
            other => other?,
        };
        let store = Arc::new(store);
        *slot = Some(store.clone());
        Ok(store)
    }

    fn user_key(&self) -> Result<orientation_core::db::crypt::UserKey> {
        let mut slot = lock(&self.key);
        if let Some(k) = slot.as_ref() {
            return Ok(k.clone());
        }
        let key = self.keys.key()?;
        *slot = Some(key.clone());
        Ok(key)
    }

    /// Builds the catalogue from the open data, on the calling (blocking) thread. Also restores the state
    /// and frees the build slot, whatever happens: the future that waits for it may be gone.
    fn build(
        &self,
        dir: &Path,
        cancelled: &Arc<AtomicBool>,
        listener: Option<&Arc<dyn BuildProgressListener>>,
    ) -> Result<BuildReport> {
        let start = std::time::Instant::now();
        let progress = |done: usize, total: usize, label: &str| {
            let p = BuildProgress {
                done: i32::try_from(done).unwrap_or(i32::MAX),
                total: i32::try_from(total).unwrap_or(i32::MAX),
                label: label.to_string(),
            };
            self.state.send_replace(CatalogueState::Building {
                progress: p.clone(),
            });
            if let Some(l) = listener {
                // A failing listener does not stop the build.
                let _ = l.on_progress(p);
            }
        };
        let source = CancellableSource {
            inner: DirSource(dir.to_path_buf()),
            cancelled: cancelled.clone(),
        };
        let outcome = CoreCatalogue::build(&self.catalogue_path, &source, &progress);
        let result = match outcome {
            Ok(report) => {
                // The file was replaced: the next `catalogue()` opens the new one.
                *lock(&self.opened) = None;
                let report = BuildReport::from(&report);
                tracing::info!(
                    rows = report.rows_read,
                    skipped = report.rows_skipped,
                    ms = start.elapsed().as_millis() as u64,
                    "catalogue construit"
                );
                Ok(report)
            }
            Err(_) if cancelled.load(Ordering::SeqCst) => {
                tracing::info!("construction du catalogue annulée");
                Err(OrientationError::Cancelled)
            }
            Err(e) => Err(e.into()),
        };
        self.state.send_replace(self.state_on_disk());
        *lock(&self.build) = None;
        result
    }
}

/// The entry point of the Rust core. Create one per process, off the main thread (it checks the data
/// directory), and keep it for the life of the app.
#[derive(uniffi::Object)]
pub struct Orientation {
    config: OrientationConfig,
    shared: Arc<Shared>,
    /// The advisor chat, opened once on first use by `chat(token_store, service)`.
    #[cfg(feature = "chat")]
    chat: crate::chat::ChatSlot,
}

fn writable_dir(dir: &Path) -> Result<()> {
    let fail = |_| OrientationError::DataDir;
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"").map_err(fail)?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

impl Orientation {
    /// The user database, for the feature objects of other modules (the quiz profile).
    pub(crate) fn user_store(&self) -> Result<Arc<Store>> {
        self.shared.store()
    }
}

#[uniffi::export]
impl Orientation {
    /// Checks the config and the data directory (created if needed). Opens nothing else yet. The key of
    /// the personal data (notes, tags, saved searches, messages) is kept in `user.key` (0600) in the data
    /// directory: for desktop tools and tests. Phone shells use `with_key_store`.
    #[uniffi::constructor]
    pub fn new(config: OrientationConfig) -> Result<Arc<Orientation>> {
        let file = PathBuf::from(&config.data_dir).join("user.key");
        Self::open(config, crate::secrets::KeySource::File(file))
    }

    /// Like `new`, with the key of the personal data kept by the shell's secure storage (Android
    /// Keystore, iOS Keychain): created there on first use. A lost key makes the personal data
    /// unreadable: it starts afresh and `favourites()` says so once (`PersonalDataReset`).
    #[uniffi::constructor]
    pub fn with_key_store(
        config: OrientationConfig,
        key_store: Arc<dyn crate::secrets::SecureTokenStore>,
    ) -> Result<Arc<Orientation>> {
        Self::open(config, crate::secrets::KeySource::Foreign(key_store))
    }
}

impl Orientation {
    fn open(
        config: OrientationConfig,
        keys: crate::secrets::KeySource,
    ) -> Result<Arc<Orientation>> {
        if config.data_dir.trim().is_empty() {
            return Err(OrientationError::InvalidConfig);
        }
        let data_dir = PathBuf::from(&config.data_dir);
        writable_dir(&data_dir)?;
        let (catalogue_path, open_data) = match &config.catalogue_source {
            CatalogueSource::OpenData { dir } if !dir.trim().is_empty() => {
                (data_dir.join("catalogue.db"), Some(PathBuf::from(dir)))
            }
            CatalogueSource::File { path } if !path.trim().is_empty() => {
                (PathBuf::from(path), None)
            }
            _ => return Err(OrientationError::InvalidConfig),
        };
        let today = config
            .today
            .as_deref()
            .map(orientation_core::dates::typed_number)
            .transpose()
            .map_err(|_| OrientationError::InvalidConfig)?;
        let (state, _) = watch::channel(CatalogueState::Missing);
        let shared = Arc::new(Shared {
            catalogue_path,
            open_data,
            state,
            opened: Mutex::new(None),
            build: Mutex::new(None),
            user_db: data_dir.join("user.db"),
            store: Mutex::new(None),
            today,
            keys,
            key: Mutex::new(None),
            reset_to_tell: AtomicBool::new(false),
        });
        shared.state.send_replace(shared.state_on_disk());
        tracing::info!(version = orientation_core::version(), "Orientation prêt");
        Ok(Arc::new(Orientation {
            config,
            shared,
            #[cfg(feature = "chat")]
            chat: crate::chat::ChatSlot::default(),
        }))
    }
}

#[uniffi::export]
impl Orientation {
    /// The user's favourites, saved searches and comparisons (user.db in the data directory, created on
    /// first use). Works before the catalogue is built for listing; adding needs the catalogue.
    ///
    /// When the personal data was sealed with a key the shell no longer has (a new phone, a reset
    /// lock screen), it was emptied: the first call after says so with `PersonalDataReset` (French text
    /// to show), and the next works.
    pub fn favourites(&self) -> Result<Arc<Favourites>> {
        let store = self.shared.store()?;
        if self.shared.reset_to_tell.swap(false, Ordering::SeqCst) {
            return Err(OrientationError::PersonalDataReset);
        }
        let shared = self.shared.clone();
        Ok(Arc::new(Favourites::new(
            store,
            Box::new(move || shared.catalogue()),
        )))
    }

    /// "Delete all my data": favourites, saved searches, the "Découvrir" profile and, with the chat, the
    /// conversation: the room is left, the account closed on the server, the local copy and the saved
    /// secret wiped (`Chat::delete_all_data`; needs the network, `ChatOffline` otherwise). All or nothing:
    /// when the chat part fails nothing is deleted. A device with chat data whose chat is not opened in
    /// this process gets `ChatNotOpen` (open it with `chat()` first). The catalogue is not the user's and
    /// stays. Blocks while the server answers: call it off the main thread.
    pub fn delete_all_my_data(&self) -> Result<()> {
        #[cfg(feature = "chat")]
        self.delete_chat_data()?;
        Ok(self.shared.store()?.delete_all_my_data()?)
    }

    /// The config this object was opened with.
    pub fn config(&self) -> OrientationConfig {
        self.config.clone()
    }

    pub fn catalogue_state(&self) -> CatalogueState {
        self.shared.state.borrow().clone()
    }

    /// Calls `listener` with the current state, then at each change, until the handle is cancelled or
    /// dropped.
    pub fn watch_catalogue(
        &self,
        listener: Arc<dyn CatalogueStateListener>,
    ) -> Result<Arc<TaskHandle>> {
        let mut rx = self.shared.state.subscribe();
        runtime::spawn(async move {
            loop {
                let state = rx.borrow_and_update().clone();
                let _ = listener.on_state(state);
                if rx.changed().await.is_err() {
                    break;
                }
            }
        })
    }

    /// The catalogue, opened on first call (a fraction of a second: call it off the main thread) and the
    /// same object afterwards, until a rebuild. `CatalogueMissing` when there is none: build it.
    pub fn catalogue(&self) -> Result<Arc<Catalogue>> {
        self.shared.catalogue()
    }

    /// Builds the catalogue from the open data (`CatalogueSource::OpenData`), replacing the current one only
    /// once the new one is complete. Runs in the background; `listener` hears each step.
    ///
    /// Cancelling the coroutine (Kotlin) or task (Python) cancels the build, and so does
    /// `cancel_catalogue_build()` (Swift does not propagate cancellation): it then throws `Cancelled` and
    /// the previous catalogue stays. `Busy` if a build is already running.
    pub async fn build_catalogue(
        &self,
        listener: Option<Arc<dyn BuildProgressListener>>,
    ) -> Result<BuildReport> {
        let Some(dir) = self.shared.open_data.clone() else {
            return Err(OrientationError::InvalidConfig);
        };
        let cancelled = {
            let mut slot = lock(&self.shared.build);
            if slot.is_some() {
                return Err(OrientationError::Busy);
            }
            let flag = Arc::new(AtomicBool::new(false));
            *slot = Some(flag.clone());
            flag
        };
        let shared = self.shared.clone();
        let flag = cancelled.clone();
        runtime::run_blocking(
            move || shared.build(&dir, &flag, listener.as_ref()),
            move || cancelled.store(true, Ordering::SeqCst),
        )
        .await
    }

    /// Opens the catalogue, building it first when there is none or it cannot be read (a catalogue holds no
    /// user data: rebuilding it loses nothing). What the app calls at start-up.
    pub async fn open_catalogue(
        &self,
        listener: Option<Arc<dyn BuildProgressListener>>,
    ) -> Result<Arc<Catalogue>> {
        let shared = self.shared.clone();
        match runtime::run_blocking(move || shared.catalogue(), || {}).await {
            Err(OrientationError::CatalogueMissing | OrientationError::Storage)
                if self.shared.open_data.is_some() =>
            {
                self.build_catalogue(listener).await?;
                self.catalogue()
            }
            other => other,
        }
    }

    /// Cancels the running catalogue build, if any.
    pub fn cancel_catalogue_build(&self) {
        if let Some(flag) = lock(&self.shared.build).as_ref() {
            flag.store(true, Ordering::SeqCst);
        }
    }
}

#[cfg(feature = "chat")]
impl Orientation {
    fn delete_chat_data(&self) -> Result<()> {
        // Held through the deletion: a `chat()` meanwhile waits, then opens the new conversation.
        let Ok(mut slot) = self.chat.try_lock() else {
            // The chat is being opened right now.
            return Err(OrientationError::Busy);
        };
        match slot.clone() {
            Some(chat) => {
                chat.delete_all_data_blocking()?;
                // A deleted chat refuses everything (its account is gone): the next `chat()` opens a
                // new one, which registers a new account as on a first run. Kept, the old one made the
                // Conseiller screen say "compte … pas utilisable" until the app restarted.
                *slot = None;
                Ok(())
            }
            // The chat's secret is in the shell's store, reachable only through an opened chat.
            None if PathBuf::from(&self.config.data_dir).join("chat").exists() => {
                Err(OrientationError::ChatNotOpen)
            }
            None => Ok(()),
        }
    }
}

#[cfg(feature = "chat")]
#[uniffi::export]
impl Orientation {
    /// The advisor chat, on the homeserver of the config (`InvalidConfig` without one). Opened on first
    /// call (reads the saved session from `token_store`, no network) and the same object afterwards;
    /// `Chat::connect` registers the account on first use.
    pub async fn chat(
        &self,
        token_store: Arc<dyn crate::chat::SecureTokenStore>,
        service: crate::chat::ChatService,
    ) -> Result<Arc<crate::chat::Chat>> {
        let Some(url) = self.config.homeserver_url.clone() else {
            return Err(OrientationError::InvalidConfig);
        };
        let mut slot = self.chat.lock().await;
        if let Some(chat) = slot.as_ref() {
            return Ok(chat.clone());
        }
        let shared = self.shared.clone();
        let chat = crate::chat::Chat::open(
            PathBuf::from(&self.config.data_dir),
            url,
            service,
            token_store,
            self.shared.user_key()?,
            Box::new(move || shared.catalogue()),
        )
        .await?;
        *slot = Some(chat.clone());
        Ok(chat)
    }
}

#[cfg(feature = "sync")]
#[uniffi::export]
impl Orientation {
    /// Catalogue updates over HTTP, from `catalogue_update_url` checked with `catalogue_public_key`
    /// (`InvalidConfig` without them, or for an address that is not https or loopback).
    pub fn updates(&self) -> Result<Arc<crate::updates::CatalogueUpdates>> {
        let (Some(url), Some(key)) = (
            self.config.catalogue_update_url.as_deref(),
            self.config.catalogue_public_key.as_deref(),
        ) else {
            return Err(OrientationError::InvalidConfig);
        };
        let key = orientation_core::sync::PublicKey::from_hex(key)
            .map_err(|_| OrientationError::InvalidConfig)?;
        let config =
            orientation_core::sync::UpdateConfig::new(url, key, &self.shared.catalogue_path);
        let updater = orientation_core::sync::Updater::new(config)?;
        let store = self.shared.clone();
        let swapped = self.shared.clone();
        Ok(Arc::new(crate::updates::CatalogueUpdates::new(
            updater,
            Box::new(move || store.store()),
            Box::new(move || {
                // Objects handed out keep the old file open; the next `catalogue()` opens the new one.
                *lock(&swapped.opened) = None;
                swapped.state.send_replace(swapped.state_on_disk());
            }),
        )))
    }
}
