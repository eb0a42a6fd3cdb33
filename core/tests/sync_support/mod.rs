//! What the update tests share: two real catalogue versions published once per test binary, and a real
//! nginx (scripts/dev-catalogue-server) serving them on 127.0.0.1.
//!
//! Version 1 is built from data/ without the last 10 France Travail agencies of
//! structures/pole_emploi_agences_2019-11.csv, version 2 from data/ without the first 10: between the two,
//! 10 real agencies disappear and 10 appear (no invented rows).

#![allow(dead_code)]

use orientation_core::catalogue::import::source::DirSource;
use orientation_core::sync::{self, PublicKey, PublishOptions, SecretKey, UpdateConfig, Updater};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub const AGENCIES: &str = "structures/pole_emploi_agences_2019-11.csv";
pub const CHANGED: usize = 10;

pub struct Fixture {
    pub root: PathBuf,
    pub secret: PathBuf,
    pub public: PublicKey,
    /// Published directories (under `root`, so the server serves them): v1 alone, then v1 + v2.
    pub pub_v1: PathBuf,
    pub pub_v2: PathBuf,
    /// The version 1 catalogue database, as a client holds it after installing v1.
    pub v1_db: PathBuf,
    pub server: Server,
    /// Agency ids only in v1, and only in v2 (with their names).
    pub gone: Vec<(String, String)>,
    pub added: Vec<(String, String)>,
}

pub fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn agencies_rows() -> (String, Vec<String>) {
    let text = std::fs::read_to_string(repo().join("data").join(AGENCIES)).unwrap();
    let mut lines = text.lines().map(str::to_string);
    let header = lines.next().unwrap();
    (header, lines.collect())
}

fn id_and_name(row: &str) -> (String, String) {
    let mut f = row.split(',');
    // Catalogue ids of France Travail agencies are "ft:" + reference_pe.
    (
        format!("ft:{}", f.next().unwrap()),
        f.next().unwrap().to_string(),
    )
}

fn source_without(dir: &Path, keep: impl Fn(usize, usize) -> bool) {
    copy_tree(&repo().join("data"), dir);
    let (header, rows) = agencies_rows();
    let n = rows.len();
    let mut text = header + "\n";
    for (i, r) in rows.iter().enumerate() {
        if keep(i, n) {
            text.push_str(r);
            text.push('\n');
        }
    }
    std::fs::write(dir.join(AGENCIES), text).unwrap();
}

pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let name = std::env::current_exe()
            .ok()
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            // "sync_update-<hash>": one fixture per test file, whatever the build.
            .map(|s| s.split('-').next().unwrap_or_default().to_string())
            .unwrap_or_else(|| "sync".into());
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("sync-fixture-{name}"));
        let state = repo().join(".dev/sync-tests").join(&name);
        let _ = Server::stop_state(&state);
        // The tests count requests in the access log: a log left by an earlier run would count them too.
        let _ = std::fs::remove_file(state.join("access.log"));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let secret = root.join("key");
        let public = PublicKey::read(&sync::generate_key(&secret).unwrap()).unwrap();
        let key = SecretKey::read(&secret).unwrap();
        let src1 = root.join("src1");
        let src2 = root.join("src2");
        source_without(&src1, |i, n| i < n - CHANGED);
        source_without(&src2, |i, _| i >= CHANGED);
        let options = PublishOptions {
            level: 3,
            ..PublishOptions::default()
        };
        let quiet = |_: usize, _: usize, _: &str| {};
        let pub_v1 = root.join("pub-v1");
        let r1 = sync::publish(&pub_v1, &key, &DirSource(src1), &quiet, &options).unwrap();
        assert_eq!(r1.manifest.catalogue_version, 1);
        let pub_v2 = root.join("pub-v2");
        copy_tree(&pub_v1, &pub_v2);
        let r2 = sync::publish(&pub_v2, &key, &DirSource(src2), &quiet, &options).unwrap();
        assert_eq!(r2.manifest.catalogue_version, 2);
        assert_eq!(r2.manifest.deltas.len(), 1);
        // The installed v1: decompressed from what was published.
        let v1_db = root.join("v1.db");
        let zst = std::fs::read(pub_v1.join("catalogue-1.db.zst")).unwrap();
        std::fs::write(&v1_db, zstd::decode_all(zst.as_slice()).unwrap()).unwrap();
        let (_, rows) = agencies_rows();
        let gone = rows[..CHANGED].iter().map(|r| id_and_name(r)).collect();
        let added = rows[rows.len() - CHANGED..]
            .iter()
            .map(|r| id_and_name(r))
            .collect();
        let server = Server::start(&state, &root, "4m");
        Fixture {
            root,
            secret,
            public,
            pub_v1,
            pub_v2,
            v1_db,
            server,
            gone,
            added,
        }
    })
}

/// A free port on 127.0.0.1 (bound, read, released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// nginx through scripts/dev-catalogue-server.
pub struct Server {
    pub state: PathBuf,
    pub port: u16,
    pub root: PathBuf,
    pub rate: String,
    pub url: String,
}

impl Server {
    fn script(state: &Path, port: u16, rate: &str) -> Command {
        let mut c = Command::new(repo().join("scripts/dev-catalogue-server"));
        c.env("ORIENTATION_CATALOGUE_SERVER_DIR", state)
            .env("ORIENTATION_CATALOGUE_PORT", port.to_string())
            .env("ORIENTATION_CATALOGUE_SLOW_RATE", rate);
        c
    }

    fn stop_state(state: &Path) -> std::io::Result<std::process::Output> {
        Self::script(state, 1, "1k").arg("stop").output()
    }

    pub fn start(state: &Path, root: &Path, rate: &str) -> Server {
        let port = free_port();
        let out = Self::script(state, port, rate)
            .arg("start")
            .arg(root)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "dev-catalogue-server start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let url = stdout.lines().last().unwrap().trim().to_string();
        assert_eq!(url, format!("http://127.0.0.1:{port}/"));
        Server {
            state: state.to_path_buf(),
            port,
            root: root.to_path_buf(),
            rate: rate.to_string(),
            url,
        }
    }

    pub fn stop(&self) {
        let out = Self::script(&self.state, self.port, &self.rate)
            .arg("stop")
            .output()
            .unwrap();
        assert!(out.status.success());
    }

    /// Starts again on the same port and root.
    pub fn restart(&self) {
        let out = Self::script(&self.state, self.port, &self.rate)
            .arg("start")
            .arg(&self.root)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The address of a directory under the root (`sub` like "pub-v2" or "slow/pub-v2").
    pub fn at(&self, sub: &str) -> String {
        format!("{}{sub}/", self.url)
    }

    /// The access log's lines for a path.
    pub fn log_lines(&self, path: &str) -> Vec<String> {
        std::fs::read_to_string(self.state.join("access.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(&format!("GET {path} ")))
            .map(str::to_string)
            .collect()
    }
}

/// A data directory for one test, optionally holding the version 1 catalogue.
pub fn app_dir(name: &str, with_v1: bool) -> PathBuf {
    let dir = fixture().root.join("apps").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    if with_v1 {
        std::fs::copy(&fixture().v1_db, dir.join("catalogue.db")).unwrap();
    }
    dir
}

pub fn updater(url: &str, app: &Path) -> Updater {
    let mut config = UpdateConfig::new(url, fixture().public.clone(), &app.join("catalogue.db"));
    config.stall_timeout = Duration::from_secs(5);
    Updater::new(config).unwrap()
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

pub fn no_progress() -> sync::update::ProgressFn {
    Arc::new(|_| {})
}

pub fn sha256_file(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

pub fn installed(app: &Path) -> Option<u64> {
    sync::installed_version(&app.join("catalogue.db")).unwrap()
}

/// Files left in the app's updates/ directory with this suffix.
pub fn leftovers(app: &Path, suffix: &str) -> Vec<String> {
    std::fs::read_dir(app.join("updates"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(suffix))
                .collect()
        })
        .unwrap_or_default()
}
