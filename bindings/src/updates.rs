//! `CatalogueUpdates`: catalogue updates over HTTP for the shells (`Orientation::updates()`), a thin wrapper over
//! `orientation_core::sync::Updater` run on the bindings' runtime.
//!
//! Open `Catalogue` objects keep answering while an update downloads and after it swaps (they hold the
//! old file open); once the swap is done, `Orientation::catalogue()` opens the new one.

use crate::error::{OrientationError, Result};
use crate::favourites::SavedSearchNews;
use crate::runtime;
use orientation_core::favourites::Store;
use orientation_core::sync::{self, CheckOutcome, Phase, UpdateOutcome, Updater};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum UpdatePhase {
    Manifest,
    Download,
    Verify,
    Apply,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UpdateProgress {
    pub phase: UpdatePhase,
    /// Bytes done out of `total` in this phase (0 / 0 while the manifest is fetched).
    pub done: u64,
    pub total: u64,
    /// The phase in French ("Téléchargement").
    pub label: String,
}

#[uniffi::export(with_foreign)]
pub trait UpdateProgressListener: Send + Sync {
    /// Called from a background thread as the update goes.
    fn on_progress(&self, progress: UpdateProgress) -> Result<(), OrientationError>;
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum UpdateCheck {
    UpToDate {
        version: u64,
        message: String,
    },
    Available {
        version: u64,
        /// Bytes to download (a delta's when one applies).
        download_size: u64,
        delta: bool,
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UpdateResult {
    /// False when the catalogue was already up to date.
    pub updated: bool,
    pub version: u64,
    pub delta: bool,
    /// Bytes received by this call (less than the file when a download resumed).
    pub downloaded: u64,
    pub resumed_from: u64,
    /// What to show, in French, one line each.
    pub lines: Vec<String>,
    /// The saved searches with something new in the new catalogue: notify.
    pub news: Vec<SavedSearchNews>,
}

type StoreFn = Box<dyn Fn() -> Result<Arc<Store>> + Send + Sync>;
type SwappedFn = Box<dyn Fn() + Send + Sync>;

#[derive(uniffi::Object)]
pub struct CatalogueUpdates {
    updater: Arc<Updater>,
    store: StoreFn,
    swapped: SwappedFn,
    running: Mutex<Option<Arc<AtomicBool>>>,
}

impl CatalogueUpdates {
    pub(crate) fn new(updater: Updater, store: StoreFn, swapped: SwappedFn) -> CatalogueUpdates {
        CatalogueUpdates {
            updater: Arc::new(updater),
            store,
            swapped,
            running: Mutex::new(None),
        }
    }
}

fn phase(p: Phase) -> UpdatePhase {
    match p {
        Phase::Manifest => UpdatePhase::Manifest,
        Phase::Download => UpdatePhase::Download,
        Phase::Verify => UpdatePhase::Verify,
        Phase::Apply => UpdatePhase::Apply,
    }
}

/// Sets the cancel flag when the waiting future is dropped (a cancelled coroutine or task): the update
/// stops at its next chunk and keeps its `.part` for the next call.
struct CancelOnDrop(Arc<AtomicBool>);
impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

async fn on_runtime<T: Send + 'static>(
    work: impl std::future::Future<Output = orientation_core::Result<T>> + Send + 'static,
) -> Result<T> {
    match runtime::handle()?.spawn(work).await {
        Ok(r) => r.map_err(OrientationError::from),
        Err(_) => {
            tracing::error!("la mise à jour du catalogue a échoué");
            Err(OrientationError::Internal)
        }
    }
}

#[uniffi::export]
impl CatalogueUpdates {
    /// Asks the server whether a newer catalogue is published (a conditional GET: cheap to repeat).
    /// `UpdateOffline` / `UpdateServerUnavailable` are ordinary: the catalogue in hand keeps working.
    pub async fn check(&self) -> Result<UpdateCheck> {
        let updater = self.updater.clone();
        let outcome = on_runtime(async move { updater.check().await }).await?;
        let message = outcome.message();
        Ok(match outcome {
            CheckOutcome::UpToDate { version } => UpdateCheck::UpToDate { version, message },
            CheckOutcome::Available {
                version,
                download_size,
                delta,
                ..
            } => UpdateCheck::Available {
                version,
                download_size,
                delta,
                message,
            },
        })
    }

    /// Downloads (resuming what an earlier call left), verifies and installs the newest catalogue.
    /// `cancel()` or cancelling the coroutine stops it with `Cancelled`; the next call resumes.
    pub async fn update(
        &self,
        listener: Option<Arc<dyn UpdateProgressListener>>,
    ) -> Result<UpdateResult> {
        let cancel = Arc::new(AtomicBool::new(false));
        {
            let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
            if running.is_some() {
                return Err(OrientationError::Busy);
            }
            *running = Some(cancel.clone());
        }
        struct Release<'a>(&'a Mutex<Option<Arc<AtomicBool>>>);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                *self.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
            }
        }
        let _release = Release(&self.running);
        let _cancel_on_drop = CancelOnDrop(cancel.clone());
        let store = (self.store)()
            .map_err(
                |e| tracing::warn!(error = %e, "base utilisateur indisponible : pas de nouveautés"),
            )
            .ok();
        let progress: sync::update::ProgressFn = Arc::new(move |p: sync::Progress| {
            if let Some(l) = &listener {
                // A failing listener does not stop the update.
                let _ = l.on_progress(UpdateProgress {
                    phase: phase(p.phase),
                    done: p.done,
                    total: p.total,
                    label: p.phase.label().to_string(),
                });
            }
        });
        let updater = self.updater.clone();
        let c = cancel.clone();
        let outcome = on_runtime(async move { updater.update(store, progress, c).await }).await?;
        Ok(match outcome {
            UpdateOutcome::UpToDate { version } => UpdateResult {
                updated: false,
                version,
                delta: false,
                downloaded: 0,
                resumed_from: 0,
                lines: vec![CheckOutcome::UpToDate { version }.message()],
                news: Vec::new(),
            },
            UpdateOutcome::Updated(done) => {
                (self.swapped)();
                UpdateResult {
                    updated: true,
                    version: done.version,
                    delta: done.delta,
                    downloaded: done.downloaded,
                    resumed_from: done.resumed_from,
                    lines: done.lines(),
                    news: done.news.into_iter().map(SavedSearchNews::from).collect(),
                }
            }
        })
    }

    /// Stops the running update, if any (Swift does not propagate task cancellation).
    pub fn cancel(&self) {
        if let Some(flag) = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            flag.store(true, Ordering::SeqCst);
        }
    }
}
