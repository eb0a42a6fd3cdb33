//! The app's side: check for a newer catalogue and install it safely.
//!
//! State lives in `updates/` beside the catalogue: the last verified manifest and its signature, the
//! validators of its HTTP response (for the conditional GET), the `.part` file being downloaded and what
//! it is expected to be (`.part.json`: its SHA-256 and the server's ETag, for `If-Range`).

use super::error::{io, SyncError};
use super::keys::PublicKey;
use super::manifest::Manifest;
use super::publish::decoder;
use super::swap::{self, side};
use super::url::{base_url, check_url};
use crate::catalogue::store::CatalogueSchema;
use crate::catalogue::Catalogue;
use crate::db::Schema;
use crate::error::{Error, Result};
use crate::favourites::saved::SavedNews;
use crate::favourites::Store;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

const MAX_MANIFEST_BYTES: usize = 1 << 20;
const CHUNK: usize = 256 * 1024;

pub struct UpdateConfig {
    /// The published directory (`https://…/`; `http://` only to loopback).
    pub base_url: String,
    pub public_key: PublicKey,
    /// The catalogue database to replace (`catalogue.db` in the data directory).
    pub catalogue: PathBuf,
    pub connect_timeout: Duration,
    /// How long the server may send nothing before the update gives up (it resumes next time).
    pub stall_timeout: Duration,
}

impl UpdateConfig {
    pub fn new(base_url: &str, public_key: PublicKey, catalogue: &Path) -> UpdateConfig {
        UpdateConfig {
            base_url: base_url.to_string(),
            public_key,
            catalogue: catalogue.to_path_buf(),
            connect_timeout: Duration::from_secs(10),
            stall_timeout: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Manifest,
    Download,
    Verify,
    Apply,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Manifest => "Recherche de mise à jour",
            Phase::Download => "Téléchargement",
            Phase::Verify => "Vérification",
            Phase::Apply => "Installation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub phase: Phase,
    /// Bytes done out of `total` in this phase (0 / 0 for the manifest).
    pub done: u64,
    pub total: u64,
}

pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CheckOutcome {
    UpToDate {
        version: u64,
    },
    Available {
        /// None on a first install.
        installed: Option<u64>,
        version: u64,
        /// Bytes to download (the delta's when one applies).
        download_size: u64,
        delta: bool,
    },
}

impl CheckOutcome {
    /// One line of French for the user.
    pub fn message(&self) -> String {
        match self {
            CheckOutcome::UpToDate { version } => {
                format!("Le catalogue est à jour (version {version}).")
            }
            CheckOutcome::Available {
                version,
                download_size,
                ..
            } => format!(
                "Mise à jour disponible : version {version} ({} à télécharger).",
                super::size_fr(*download_size)
            ),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Installed {
    pub previous: Option<u64>,
    pub version: u64,
    pub delta: bool,
    /// Bytes received during this call (less than the file when a download resumed).
    pub downloaded: u64,
    /// Where the download resumed from (0 when it started afresh).
    pub resumed_from: u64,
    /// What is new for the saved searches in the new catalogue (only those with news).
    pub news: Vec<SavedNews>,
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Installed {
    /// What to tell the user, one line each: the update, then each saved search with news.
    pub fn lines(&self) -> Vec<String> {
        let how = match (self.delta, self.previous) {
            (true, Some(p)) => format!("par différence depuis la version {p}"),
            _ => "catalogue complet".to_string(),
        };
        let mut lines = vec![format!(
            "Catalogue mis à jour : version {} ({how}, {} téléchargés).",
            self.version,
            super::size_fr(self.downloaded)
        )];
        if self.resumed_from > 0 {
            lines.push(format!(
                "Téléchargement repris après {}.",
                super::size_fr(self.resumed_from)
            ));
        }
        for n in &self.news {
            let mut parts = Vec::new();
            if !n.new_results.is_empty() {
                parts.push(count(
                    n.new_results.len(),
                    "nouveau résultat",
                    "nouveaux résultats",
                ));
            }
            if !n.new_sessions.is_empty() {
                parts.push(count(
                    n.new_sessions.len(),
                    "nouvelle session",
                    "nouvelles sessions",
                ));
            }
            if !n.opened.is_empty() {
                parts.push(count(
                    n.opened.len(),
                    "inscription ouverte",
                    "inscriptions ouvertes",
                ));
            }
            lines.push(format!("« {} » : {}.", n.name, parts.join(", ")));
        }
        lines
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UpdateOutcome {
    UpToDate { version: u64 },
    Updated(Box<Installed>),
}

#[derive(Default, Serialize, Deserialize)]
struct HttpValidators {
    etag: Option<String>,
    last_modified: Option<String>,
}

#[derive(Serialize, Deserialize, PartialEq)]
struct PartMeta {
    compressed_sha256: String,
    etag: Option<String>,
}

/// What to download: the full file or one delta.
struct Target {
    file: String,
    compressed_size: u64,
    compressed_sha256: String,
    delta: bool,
}

pub struct Updater {
    config: UpdateConfig,
    base: Url,
    client: reqwest::Client,
    dir: PathBuf,
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn sha256_file(path: &Path, mut each: impl FnMut(u64)) -> Result<(u64, String)> {
    let mut f = std::fs::File::open(path).map_err(|e| io(path, e))?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(|e| io(path, e))?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
        each(n);
    }
    Ok((n, hex::encode(h.finalize())))
}

fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

impl Updater {
    /// Checks the address (refused before any connection when it is not HTTPS or loopback).
    pub fn new(config: UpdateConfig) -> Result<Updater> {
        let base = base_url(&config.base_url)?;
        crate::tls::install_crypto_provider();
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.stall_timeout)
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                if attempt.previous().len() > 5 || check_url(attempt.url()).is_err() {
                    attempt.stop()
                } else {
                    attempt.follow()
                }
            }))
            .user_agent(concat!("orientation/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| SyncError::BadUrl(config.base_url.clone()))?;
        let dir = parent(&config.catalogue).join("updates");
        Ok(Updater {
            config,
            base,
            client,
            dir,
        })
    }

    fn url(&self, file: &str) -> Result<Url> {
        self.base
            .join(file)
            .map_err(|_| SyncError::BadUrl(file.to_string()).into())
    }

    fn net_error(&self, e: reqwest::Error) -> Error {
        if e.is_timeout() {
            SyncError::Stalled(self.config.stall_timeout.as_secs()).into()
        } else {
            SyncError::Offline.into()
        }
    }

    fn status_error(&self, status: StatusCode, file: &str) -> Error {
        match status.as_u16() {
            404 | 410 => SyncError::NotFound(file.to_string()).into(),
            s @ 500..=599 => SyncError::ServerUnavailable(s).into(),
            s => SyncError::UnexpectedStatus(s).into(),
        }
    }

    /// Sends a request, waiting at most the stall timeout for the response headers.
    async fn send(&self, req: reqwest::RequestBuilder) -> Result<reqwest::Response> {
        match tokio::time::timeout(self.config.stall_timeout, req.send()).await {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(e)) => Err(self.net_error(e)),
            Err(_) => Err(SyncError::Stalled(self.config.stall_timeout.as_secs()).into()),
        }
    }

    async fn next_chunk(&self, resp: &mut reqwest::Response) -> Result<Option<Vec<u8>>> {
        match tokio::time::timeout(self.config.stall_timeout, resp.chunk()).await {
            Ok(Ok(c)) => Ok(c.map(|b| b.to_vec())),
            Ok(Err(e)) => Err(self.net_error(e)),
            Err(_) => Err(SyncError::Stalled(self.config.stall_timeout.as_secs()).into()),
        }
    }

    async fn body(&self, mut resp: reqwest::Response, limit: usize) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(c) = self.next_chunk(&mut resp).await? {
            out.extend_from_slice(&c);
            if out.len() > limit {
                return Err(SyncError::BadManifest("trop grand".into()).into());
            }
        }
        Ok(out)
    }

    fn lock(&self) -> Result<std::fs::File> {
        std::fs::create_dir_all(&self.dir).map_err(|e| io(&self.dir, e))?;
        let path = self.dir.join("lock");
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        match f.try_lock() {
            Ok(()) => Ok(f),
            Err(std::fs::TryLockError::WouldBlock) => Err(SyncError::Busy.into()),
            Err(std::fs::TryLockError::Error(e)) => Err(io(&path, e)),
        }
    }

    /// The current manifest, verified: from the server, or the cached copy when the server answers 304.
    async fn manifest(&self) -> Result<Manifest> {
        let cached = self.dir.join("manifest.json");
        let cached_sig = self.dir.join("manifest.json.sig");
        let validators_path = self.dir.join("manifest.http.json");
        let validators: HttpValidators = std::fs::read(&validators_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let have_cache = cached.exists() && cached_sig.exists();
        for attempt in 0..2 {
            let mut req = self.client.get(self.url("manifest.json")?);
            if have_cache && attempt == 0 {
                if let Some(etag) = &validators.etag {
                    req = req.header(reqwest::header::IF_NONE_MATCH, etag);
                }
                if let Some(lm) = &validators.last_modified {
                    req = req.header(reqwest::header::IF_MODIFIED_SINCE, lm);
                }
            }
            let resp = self.send(req).await?;
            if resp.status() == StatusCode::NOT_MODIFIED && have_cache {
                let bytes = std::fs::read(&cached).map_err(|e| io(&cached, e))?;
                let sig = std::fs::read(&cached_sig).map_err(|e| io(&cached_sig, e))?;
                if self.config.public_key.verify(&bytes, &sig).is_ok() {
                    return Manifest::parse(&bytes, crate::version());
                }
                continue; // the cache is damaged: fetch it whole
            }
            if !resp.status().is_success() {
                return Err(self.status_error(resp.status(), "manifest.json"));
            }
            let fresh = HttpValidators {
                etag: header(resp.headers(), reqwest::header::ETAG),
                last_modified: header(resp.headers(), reqwest::header::LAST_MODIFIED),
            };
            let bytes = self.body(resp, MAX_MANIFEST_BYTES).await?;
            let resp = self
                .send(self.client.get(self.url("manifest.json.sig")?))
                .await?;
            if !resp.status().is_success() {
                return Err(self.status_error(resp.status(), "manifest.json.sig"));
            }
            let sig = self.body(resp, 1024).await?;
            if self.config.public_key.verify(&bytes, &sig).is_err() {
                // Published between our two requests? Once more, then refuse.
                if attempt == 0 {
                    continue;
                }
                return Err(SyncError::BadSignature.into());
            }
            let manifest = Manifest::parse(&bytes, crate::version())?;
            crate::files::write_atomic(&cached_sig, &sig)?;
            crate::files::write_atomic(&cached, &bytes)?;
            let v =
                serde_json::to_vec(&fresh).map_err(|e| SyncError::BadManifest(e.to_string()))?;
            crate::files::write_atomic(&validators_path, &v)?;
            return Ok(manifest);
        }
        Err(SyncError::BadSignature.into())
    }

    /// What to download to go from the installed catalogue to `m`; None when up to date.
    fn target(&self, m: &Manifest, installed: Option<u64>) -> Result<Option<Target>> {
        if installed.is_some_and(|v| v >= m.catalogue_version) {
            return Ok(None);
        }
        if let Some(v) = installed {
            if let Some(d) = m.deltas.iter().find(|d| d.from_version == v) {
                let (_, sha) = sha256_file(&self.config.catalogue, |_| {})?;
                if sha == d.from_sha256 {
                    return Ok(Some(Target {
                        file: d.file.clone(),
                        compressed_size: d.compressed_size,
                        compressed_sha256: d.compressed_sha256.clone(),
                        delta: true,
                    }));
                }
            }
        }
        Ok(Some(Target {
            file: m.full.file.clone(),
            compressed_size: m.full.compressed_size,
            compressed_sha256: m.full.compressed_sha256.clone(),
            delta: false,
        }))
    }

    /// Checks the server for a newer catalogue (a conditional GET of the manifest). Changes nothing
    /// but the cached manifest.
    pub async fn check(&self) -> Result<CheckOutcome> {
        let _lock = self.lock()?;
        swap::recover_locked(&self.config.catalogue)?;
        let m = self.manifest().await?;
        let installed = swap::installed_version(&self.config.catalogue)?;
        Ok(match self.target(&m, installed)? {
            None => CheckOutcome::UpToDate {
                version: installed.unwrap_or(m.catalogue_version),
            },
            Some(t) => CheckOutcome::Available {
                installed,
                version: m.catalogue_version,
                download_size: t.compressed_size,
                delta: t.delta,
            },
        })
    }

    /// Downloads, verifies and installs the newest catalogue when there is one. `store` (the user
    /// database, read only) gives the saved searches' news in the new catalogue. Setting `cancel` stops
    /// at the next chunk: the `.part` file stays for the next call to resume.
    pub async fn update(
        &self,
        store: Option<Arc<Store>>,
        progress: ProgressFn,
        cancel: Arc<AtomicBool>,
    ) -> Result<UpdateOutcome> {
        let _lock = self.lock()?;
        progress(Progress {
            phase: Phase::Manifest,
            done: 0,
            total: 0,
        });
        swap::recover_locked(&self.config.catalogue)?;
        let m = self.manifest().await?;
        let installed = swap::installed_version(&self.config.catalogue)?;
        let Some(target) = self.target(&m, installed)? else {
            return Ok(UpdateOutcome::UpToDate {
                version: installed.unwrap_or(m.catalogue_version),
            });
        };
        let part = self.dir.join(format!("{}.part", target.file));
        let (downloaded, resumed_from) = self.download(&target, &part, &progress, &cancel).await?;

        let catalogue = self.config.catalogue.clone();
        let p = progress.clone();
        let c = cancel.clone();
        let manifest = m.clone();
        let delta = target.delta;
        let installed_cat = tokio::task::spawn_blocking(move || {
            verify_and_install(&manifest, &target, &part, &catalogue, &p, &c)
        })
        .await
        .map_err(|_| Error::Internal("installation interrompue"))??;

        let news = match store {
            Some(store) => tokio::task::spawn_blocking(move || news(&store, &installed_cat))
                .await
                .map_err(|_| Error::Internal("nouveautés interrompues"))?
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "nouveautés des recherches enregistrées");
                    Vec::new()
                }),
            None => Vec::new(),
        };
        Ok(UpdateOutcome::Updated(Box::new(Installed {
            previous: installed,
            version: m.catalogue_version,
            delta,
            downloaded,
            resumed_from,
            news,
        })))
    }

    /// Downloads `target` into `part`, resuming what an earlier call left. Returns (bytes received now,
    /// offset resumed from).
    async fn download(
        &self,
        target: &Target,
        part: &Path,
        progress: &ProgressFn,
        cancel: &AtomicBool,
    ) -> Result<(u64, u64)> {
        let meta_path = PathBuf::from(format!("{}.json", part.display()));
        // Parts of other files (an older manifest) are of no use any more.
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for e in entries.flatten() {
                let p = e.path();
                let name = e.file_name().to_string_lossy().into_owned();
                if (name.ends_with(".part") || name.ends_with(".part.json"))
                    && p != part
                    && p != meta_path
                {
                    remove(&p);
                }
            }
        }
        let mut meta: PartMeta = std::fs::read(&meta_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .filter(|m: &PartMeta| m.compressed_sha256 == target.compressed_sha256)
            .unwrap_or_else(|| {
                remove(part);
                PartMeta {
                    compressed_sha256: target.compressed_sha256.clone(),
                    etag: None,
                }
            });
        let mut have = std::fs::metadata(part).map(|m| m.len()).unwrap_or(0);
        if have > target.compressed_size {
            remove(part);
            have = 0;
        }
        let resumed_from = have;
        let mut received = 0u64;
        let total = target.compressed_size;
        progress(Progress {
            phase: Phase::Download,
            done: have,
            total,
        });
        if have == total {
            return Ok((0, resumed_from));
        }
        let save_meta = |meta: &PartMeta| -> Result<()> {
            let v = serde_json::to_vec(meta).map_err(|e| SyncError::BadManifest(e.to_string()))?;
            crate::files::write_atomic(&meta_path, &v)
        };
        let url = self.url(&target.file)?;
        let mut req = self.client.get(url);
        if have > 0 {
            req = req.header(reqwest::header::RANGE, format!("bytes={have}-"));
            if let Some(etag) = meta
                .etag
                .as_deref()
                .and_then(|e| HeaderValue::from_str(e).ok())
            {
                req = req.header(reqwest::header::IF_RANGE, etag);
            }
        }
        let mut resp = self.send(req).await?;
        let status = resp.status();
        let append = match status {
            StatusCode::PARTIAL_CONTENT => {
                let start = header(resp.headers(), reqwest::header::CONTENT_RANGE).and_then(|r| {
                    r.strip_prefix("bytes ")
                        .and_then(|r| r.split('-').next())
                        .and_then(|s| s.trim().parse::<u64>().ok())
                });
                if start != Some(have) {
                    remove(part);
                    return Err(SyncError::UnexpectedStatus(206).into());
                }
                true
            }
            StatusCode::OK => false,
            StatusCode::RANGE_NOT_SATISFIABLE => {
                // What we hold is not a prefix of the file any more: start again next time.
                remove(part);
                remove(&meta_path);
                return Err(SyncError::Corrupt("reprise refusée par le serveur".into()).into());
            }
            s => return Err(self.status_error(s, &target.file)),
        };
        if !append {
            have = 0;
        }
        meta.etag = header(resp.headers(), reqwest::header::ETAG);
        save_meta(&meta)?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(part)
            .map_err(|e| io(part, e))?;
        let result: Result<()> = async {
            while let Some(chunk) = self.next_chunk(&mut resp).await? {
                if cancel.load(Ordering::SeqCst) {
                    return Err(SyncError::Cancelled.into());
                }
                if have + chunk.len() as u64 > total {
                    return Err(SyncError::Corrupt("fichier plus grand qu'annoncé".into()).into());
                }
                file.write_all(&chunk).map_err(|e| io(part, e))?;
                have += chunk.len() as u64;
                received += chunk.len() as u64;
                progress(Progress {
                    phase: Phase::Download,
                    done: have,
                    total,
                });
            }
            Ok(())
        }
        .await;
        let synced = file.sync_all().map_err(|e| io(part, e));
        drop(file);
        match result.and(synced) {
            Ok(()) if have == total => Ok((received, resumed_from)),
            // The server ended the body early: keep what came, the next call resumes.
            Ok(()) => Err(SyncError::Offline.into()),
            Err(e @ Error::Sync(SyncError::DiskFull))
            | Err(e @ Error::Sync(SyncError::Corrupt(_))) => {
                remove(part);
                remove(&meta_path);
                Err(e)
            }
            Err(e) => Err(e),
        }
    }
}

/// Verifies the downloaded file, builds the new catalogue beside the current one, checks it and swaps
/// it in. Runs on a blocking thread.
fn verify_and_install(
    m: &Manifest,
    target: &Target,
    part: &Path,
    catalogue: &Path,
    progress: &ProgressFn,
    cancel: &AtomicBool,
) -> Result<PathBuf> {
    let meta_path = PathBuf::from(format!("{}.json", part.display()));
    let refuse = |what: String| -> Error {
        remove(part);
        remove(&meta_path);
        SyncError::Corrupt(what).into()
    };
    let total = target.compressed_size;
    let (size, sha) = sha256_file(part, |done| {
        progress(Progress {
            phase: Phase::Verify,
            done,
            total,
        })
    })?;
    if size != target.compressed_size {
        return Err(refuse(format!("{size} octets au lieu de {total}")));
    }
    if sha != target.compressed_sha256 {
        return Err(refuse("empreinte SHA-256 différente".into()));
    }

    let new = side(catalogue, "new");
    remove(&new);
    let reference = if target.delta {
        Some(std::fs::read(catalogue).map_err(|e| io(catalogue, e))?)
    } else {
        None
    };
    let written = (|| -> Result<String> {
        let input = std::fs::File::open(part).map_err(|e| io(part, e))?;
        let mut dec = decoder(std::io::BufReader::new(input), reference.as_deref())
            .map_err(|e| SyncError::Corrupt(format!("décompression : {e}")))?;
        let mut out = std::fs::File::create(&new).map_err(|e| io(&new, e))?;
        let mut h = sha2::Sha256::new();
        let mut buf = vec![0u8; CHUNK];
        let mut n = 0u64;
        loop {
            if cancel.load(Ordering::SeqCst) {
                return Err(SyncError::Cancelled.into());
            }
            let k = dec
                .read(&mut buf)
                .map_err(|e| SyncError::Corrupt(format!("décompression : {e}")))?;
            if k == 0 {
                break;
            }
            n += k as u64;
            if n > m.full.size {
                return Err(SyncError::Corrupt("catalogue plus grand qu'annoncé".into()).into());
            }
            h.update(&buf[..k]);
            out.write_all(&buf[..k]).map_err(|e| io(&new, e))?;
            progress(Progress {
                phase: Phase::Apply,
                done: n,
                total: m.full.size,
            });
        }
        out.sync_all().map_err(|e| io(&new, e))?;
        if n != m.full.size {
            return Err(
                SyncError::Corrupt(format!("{n} octets au lieu de {}", m.full.size)).into(),
            );
        }
        Ok(hex::encode(h.finalize()))
    })();
    drop(reference);
    let sha = match written {
        Ok(sha) => sha,
        Err(e) => {
            remove(&new);
            if matches!(e, Error::Sync(SyncError::Corrupt(_))) {
                remove(part);
                remove(&meta_path);
            }
            return Err(e);
        }
    };
    if sha != m.full.sha256 {
        remove(&new);
        return Err(refuse(
            "catalogue reconstitué différent de celui publié".into(),
        ));
    }
    if let Err(e) = check_catalogue(&new, m.catalogue_version) {
        remove(&new);
        remove(part);
        remove(&meta_path);
        return Err(e);
    }
    swap::install(&new, catalogue)?;
    remove(part);
    remove(&meta_path);
    // The new catalogue must open (and its engine load) before the previous one goes.
    match Catalogue::open(catalogue).and_then(|c| c.engine().map(|_| ())) {
        Ok(()) => swap::confirm(catalogue)?,
        Err(e) => {
            swap::rollback(catalogue)?;
            return Err(SyncError::BadCatalogue(format!("ne s'ouvre pas : {e}")).into());
        }
    }
    Ok(catalogue.to_path_buf())
}

/// `PRAGMA integrity_check`, the schema version and the catalogue version of a downloaded catalogue.
fn check_catalogue(path: &Path, version: u64) -> Result<()> {
    let bad = |what: String| Err(SyncError::BadCatalogue(what).into());
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let ok: String = conn
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .unwrap_or_else(|e| e.to_string());
    if ok != "ok" {
        return bad("intégrité".into());
    }
    let schema = crate::db::user_version(&conn)?;
    if schema != CatalogueSchema::VERSION {
        return bad(format!(
            "schéma {schema}, cette application lit le schéma {}",
            CatalogueSchema::VERSION
        ));
    }
    let v: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'catalogue_version'",
            [],
            |r| r.get(0),
        )
        .ok();
    if v.as_deref() != Some(version.to_string().as_str()) {
        return bad("version différente de celle annoncée".into());
    }
    Ok(())
}

fn news(store: &Store, catalogue: &Path) -> Result<Vec<SavedNews>> {
    let cat = Catalogue::open(catalogue)?;
    let engine = cat.engine()?;
    let today = crate::dates::today_number();
    Ok(store
        .check_saved_searches(&cat, &engine, today)?
        .into_iter()
        .filter(|n| !n.is_empty())
        .collect())
}
