//! Catalogue updates against a real nginx on 127.0.0.1 (scripts/dev-catalogue-server): full, delta,
//! nothing new, resume, and every refusal: each leaves the installed catalogue as it was.

mod sync_support;

use orientation_core::catalogue::Catalogue;
use orientation_core::dates::today_number as today;
use orientation_core::favourites::{availability, Availability, ItemKind, ListFilter, Store};
use orientation_core::search::{Kind, Query};
use orientation_core::sync::{
    self, CheckOutcome, Manifest, SecretKey, SyncError, UpdateConfig, UpdateOutcome, Updater,
};
use orientation_core::Error;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use sync_support::*;

fn update(u: &Updater) -> orientation_core::Result<UpdateOutcome> {
    runtime().block_on(u.update(None, no_progress(), Arc::new(AtomicBool::new(false))))
}

fn installed_outcome(o: UpdateOutcome) -> Box<sync::update::Installed> {
    match o {
        UpdateOutcome::Updated(i) => i,
        other => panic!("expected an update, got {other:?}"),
    }
}

fn manifest_v2() -> Manifest {
    let f = fixture();
    Manifest::parse(
        &std::fs::read(f.pub_v2.join("manifest.json")).unwrap(),
        "0.1.0",
    )
    .unwrap()
}

#[test]
fn first_install_downloads_the_full_catalogue_into_an_empty_dir() {
    let f = fixture();
    let app = app_dir("full", false);
    let u = updater(&f.server.at("pub-v2"), &app);
    let check = runtime().block_on(u.check()).unwrap();
    let m = manifest_v2();
    assert_eq!(
        check,
        CheckOutcome::Available {
            installed: None,
            version: 2,
            download_size: m.full.compressed_size,
            delta: false
        }
    );
    let done = installed_outcome(update(&u).unwrap());
    assert_eq!((done.version, done.delta, done.previous), (2, false, None));
    assert_eq!(done.downloaded, m.full.compressed_size);
    assert_eq!(sha256_file(&app.join("catalogue.db")), m.full.sha256);
    assert_eq!(installed(&app), Some(2));
    let cat = Catalogue::open(&app.join("catalogue.db")).unwrap();
    let hits = cat
        .engine()
        .unwrap()
        .search(&Query::new("boulanger"))
        .unwrap();
    assert!(!hits.is_empty());
    assert!(!app.join("catalogue.db.previous").exists());
    assert!(leftovers(&app, ".part").is_empty());
}

#[test]
fn a_delta_brings_version_1_to_version_2_and_then_nothing_is_new() {
    let f = fixture();
    // A directory of its own, so the access log holds only this test's requests.
    let dir = f.root.join("delta");
    let _ = std::fs::remove_dir_all(&dir);
    copy_tree(&f.pub_v2, &dir);
    let app = app_dir("delta", true);
    let u = updater(&f.server.at("delta"), &app);
    let m = manifest_v2();
    let delta = &m.deltas[0];
    assert!(
        delta.compressed_size * 4 < m.full.compressed_size,
        "{delta:?}"
    );
    let done = installed_outcome(update(&u).unwrap());
    assert_eq!(
        (done.version, done.delta, done.previous),
        (2, true, Some(1))
    );
    assert_eq!(done.downloaded, delta.compressed_size);
    assert_eq!(sha256_file(&app.join("catalogue.db")), m.full.sha256);
    assert_eq!(
        f.server.log_lines(&format!("/delta/{}", delta.file)).len(),
        1
    );
    assert!(f
        .server
        .log_lines(&format!("/delta/{}", m.full.file))
        .is_empty());

    // Nothing new: the manifest comes back 304 and nothing is downloaded.
    let before = f.server.log_lines("/delta/manifest.json").len();
    assert_eq!(
        runtime().block_on(u.check()).unwrap(),
        CheckOutcome::UpToDate { version: 2 }
    );
    let lines = f.server.log_lines("/delta/manifest.json");
    assert_eq!(lines.len(), before + 1);
    assert!(lines.last().unwrap().contains("\" 304 "), "{lines:?}");
    assert!(matches!(
        update(&u).unwrap(),
        UpdateOutcome::UpToDate { version: 2 }
    ));
}

#[test]
fn favourites_keep_their_snapshot_and_saved_searches_get_their_news_through_a_real_update() {
    let f = fixture();
    let app = app_dir("favourites", true);
    let store = Arc::new(Store::open(&app.join("user.db"), &user_key()).unwrap());
    let (gone_id, gone_name) = f.gone[0].clone();
    {
        let cat = Catalogue::open(&app.join("catalogue.db")).unwrap();
        let engine = cat.engine().unwrap();
        store.add(&cat, &gone_id, Some(ItemKind::Place)).unwrap();
        for (i, (_, name)) in f.added.iter().enumerate() {
            let mut q = Query::new(name);
            q.kind = Some(Kind::Place);
            store
                .save_search(&cat, &engine, &format!("agence {i} {name}"), &q, today())
                .unwrap();
        }
    }
    let favourites_before = store.list(&ListFilter::default()).unwrap();
    let u = updater(&f.server.at("pub-v2"), &app);
    let done = installed_outcome(
        runtime()
            .block_on(u.update(
                Some(store.clone()),
                no_progress(),
                Arc::new(AtomicBool::new(false)),
            ))
            .unwrap(),
    );
    assert_eq!(done.version, 2);
    // The favourite is still there, as it was, and says its agency is gone.
    let favourites_after = store.list(&ListFilter::default()).unwrap();
    assert_eq!(favourites_after.len(), 1);
    assert_eq!(favourites_after[0].snapshot, favourites_before[0].snapshot);
    assert_eq!(
        favourites_after[0].snapshot.title.to_uppercase(),
        gone_name.to_uppercase()
    );
    let cat = Catalogue::open(&app.join("catalogue.db")).unwrap();
    assert_eq!(
        availability(&cat, &favourites_after[0]).unwrap(),
        Availability::NoLongerOffered
    );
    // The agencies added in v2 are news for the searches saved on v1.
    let added: Vec<&str> = f.added.iter().map(|(id, _)| id.as_str()).collect();
    let news_ids: Vec<&str> = done
        .news
        .iter()
        .flat_map(|n| n.new_results.iter().map(|h| h.id.as_str()))
        .collect();
    assert!(
        added.iter().any(|id| news_ids.contains(id)),
        "news {news_ids:?} has none of {added:?}"
    );
    assert!(
        done.lines().iter().any(|l| l.contains("nouveau")),
        "{:?}",
        done.lines()
    );
}

#[test]
fn a_flipped_byte_is_refused_the_old_catalogue_kept_and_the_bad_part_removed() {
    let f = fixture();
    let dir = f.root.join("flipped");
    copy_tree(&f.pub_v2, &dir);
    let m = manifest_v2();
    let file = dir.join(&m.deltas[0].file);
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&file, bytes).unwrap();

    let app = app_dir("flipped", true);
    let before = sha256_file(&app.join("catalogue.db"));
    let err = update(&updater(&f.server.at("flipped"), &app)).unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::Corrupt(_))), "{err}");
    assert!(err.to_string().contains("abîmé"), "{err}");
    assert_eq!(sha256_file(&app.join("catalogue.db")), before);
    assert_eq!(installed(&app), Some(1));
    assert!(leftovers(&app, ".part").is_empty());
    assert!(!app.join("catalogue.db.new").exists());
}

#[test]
fn a_wrong_signature_is_refused_before_any_download() {
    let f = fixture();
    let dir = f.root.join("badsig");
    copy_tree(&f.pub_v2, &dir);
    let other = f.root.join("other-key");
    let _ = std::fs::remove_file(&other);
    sync::generate_key(&other).unwrap();
    let forged = SecretKey::read(&other)
        .unwrap()
        .sign(&std::fs::read(dir.join("manifest.json")).unwrap());
    std::fs::write(dir.join("manifest.json.sig"), forged).unwrap();

    let app = app_dir("badsig", true);
    let u = updater(&f.server.at("badsig"), &app);
    let err = runtime().block_on(u.check()).unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::BadSignature)), "{err}");
    let err = update(&u).unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::BadSignature)), "{err}");
    assert_eq!(installed(&app), Some(1));
    assert!(f
        .server
        .log_lines(&format!("/badsig/{}", manifest_v2().full.file))
        .is_empty());
    assert!(f
        .server
        .log_lines(&format!("/badsig/{}", manifest_v2().deltas[0].file))
        .is_empty());
}

#[test]
fn a_manifest_of_a_newer_format_asks_for_a_newer_app() {
    let f = fixture();
    let dir = f.root.join("newer");
    copy_tree(&f.pub_v2, &dir);
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    value["format"] = serde_json::json!(sync::FORMAT + 1);
    let bytes = serde_json::to_vec_pretty(&value).unwrap();
    let key = SecretKey::read(&f.secret).unwrap();
    std::fs::write(dir.join("manifest.json.sig"), key.sign(&bytes)).unwrap();
    std::fs::write(dir.join("manifest.json"), bytes).unwrap();

    let app = app_dir("newer", true);
    let err = update(&updater(&f.server.at("newer"), &app)).unwrap_err();
    assert!(
        matches!(err, Error::Sync(SyncError::FormatTooNew { .. })),
        "{err}"
    );
    assert!(
        err.to_string().contains("mettez l'application à jour"),
        "{err}"
    );
    assert_eq!(installed(&app), Some(1));
}

#[test]
fn not_found_and_server_errors_are_told_apart() {
    let f = fixture();
    let app = app_dir("status", true);
    let err = runtime()
        .block_on(updater(&f.server.at("nothing-here"), &app).check())
        .unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::NotFound(_))), "{err}");
    let err = update(&updater(&f.server.at("error500/pub-v2"), &app)).unwrap_err();
    assert!(
        matches!(err, Error::Sync(SyncError::ServerUnavailable(500))),
        "{err}"
    );
    assert!(err.to_string().starts_with("serveur indisponible"), "{err}");
    assert_eq!(installed(&app), Some(1));
}

#[test]
fn a_server_that_never_answers_times_out_with_a_clear_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts and never says a word.
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        listener.set_nonblocking(true).unwrap();
        let end = std::time::Instant::now() + Duration::from_secs(20);
        while std::time::Instant::now() < end && open.len() < 8 {
            if let Ok((s, _)) = listener.accept() {
                open.push(s);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let app = app_dir("stalled", true);
    let mut config = UpdateConfig::new(
        &format!("http://127.0.0.1:{port}/"),
        fixture().public.clone(),
        &app.join("catalogue.db"),
    );
    config.stall_timeout = Duration::from_secs(1);
    let started = std::time::Instant::now();
    let err = runtime()
        .block_on(Updater::new(config).unwrap().check())
        .unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::Stalled(1))), "{err}");
    assert!(err.to_string().contains("ne répond plus"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(15));
    assert_eq!(installed(&app), Some(1));
    drop(held);
}

#[test]
fn offline_is_a_clear_error_not_a_broken_catalogue() {
    // A port nobody listens on.
    let port = free_port();
    let app = app_dir("offline", true);
    let err = update(&updater(&format!("http://127.0.0.1:{port}/"), &app)).unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::Offline)), "{err}");
    assert!(err.to_string().starts_with("hors ligne"), "{err}");
    assert_eq!(installed(&app), Some(1));
}

#[test]
fn plain_http_to_another_host_is_refused_before_any_connection() {
    let app = app_dir("insecure", true);
    let config = UpdateConfig::new(
        "http://catalogue.invalid/spro/",
        fixture().public.clone(),
        &app.join("catalogue.db"),
    );
    let err = Updater::new(config).err().expect("refused");
    assert!(matches!(err, Error::Sync(SyncError::Insecure(_))), "{err}");
    assert!(err.to_string().contains("HTTPS obligatoire"), "{err}");
}

#[test]
fn https_opens_with_a_tls_handshake_and_a_server_that_hangs_up_is_a_clear_error() {
    // A loopback server that reads what the updater sends to an https:// address, then hangs up. A
    // ClientHello means the TLS stack and its crypto provider (ring, core::tls) made their key shares.
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut head = [0u8; 6];
        stream.read_exact(&mut head).unwrap();
        head
    });
    let app = app_dir("tls", true);
    let err = runtime()
        .block_on(updater(&format!("https://127.0.0.1:{port}/"), &app).check())
        .unwrap_err();
    let head = server.join().unwrap();
    assert_eq!(head[0], 0x16, "a TLS handshake record, got {head:?}");
    assert_eq!(head[1], 0x03, "TLS record version, got {head:?}");
    assert_eq!(head[5], 0x01, "a ClientHello, got {head:?}");
    assert!(matches!(err, Error::Sync(SyncError::Offline)), "{err}");
    assert_eq!(installed(&app), Some(1));
}

/// Waits until the app's .part file holds at least `bytes`.
fn wait_for_part(app: &std::path::Path, bytes: u64) {
    let end = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let size = leftovers(app, ".part")
            .first()
            .and_then(|n| std::fs::metadata(app.join("updates").join(n)).ok())
            .map_or(0, |m| m.len());
        if size >= bytes {
            return;
        }
        assert!(
            std::time::Instant::now() < end,
            "the download never reached {bytes} bytes"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_download_cut_by_the_server_resumes_where_it_stopped() {
    let f = fixture();
    // A server of its own, slow, so it can be stopped mid-transfer without disturbing the other tests.
    let state = repo().join(".dev/sync-tests/resume-server");
    let server = Server::start(&state, &f.root, "2m");
    let app = app_dir("resume-server", false);
    let total = manifest_v2().full.compressed_size;
    let slow = updater(&server.at("slow/pub-v2"), &app);
    let rt = runtime();
    let task = rt.spawn(async move {
        slow.update(None, no_progress(), Arc::new(AtomicBool::new(false)))
            .await
    });
    wait_for_part(&app, 1_000_000);
    server.stop();
    let err = rt.block_on(task).unwrap().unwrap_err();
    assert!(matches!(&err, Error::Sync(e) if e.is_transient()), "{err}");
    assert_eq!(installed(&app), None);
    assert_eq!(leftovers(&app, ".part").len(), 1);

    server.restart();
    let done = installed_outcome(update(&updater(&server.at("pub-v2"), &app)).unwrap());
    server.stop();
    assert!(done.resumed_from >= 1_000_000, "{done:?}");
    assert_eq!(done.resumed_from + done.downloaded, total);
    assert_eq!(
        sha256_file(&app.join("catalogue.db")),
        manifest_v2().full.sha256
    );
}

#[test]
fn cancelling_stops_the_download_and_keeps_the_part_for_later() {
    let f = fixture();
    let app = app_dir("cancel", false);
    let u = updater(&f.server.at("slow/pub-v2"), &app);
    let cancel = Arc::new(AtomicBool::new(false));
    let c = cancel.clone();
    let progress: sync::update::ProgressFn = Arc::new(move |p| {
        if p.phase == sync::Phase::Download && p.done > 200_000 {
            c.store(true, Ordering::SeqCst);
        }
    });
    let err = runtime()
        .block_on(u.update(None, progress, cancel))
        .unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::Cancelled)), "{err}");
    assert_eq!(leftovers(&app, ".part").len(), 1);
    assert_eq!(installed(&app), None);
}

#[test]
fn a_full_disk_is_a_clear_error_and_the_old_catalogue_stays() {
    let f = fixture();
    let mnt = f.root.join("small-disk");
    std::fs::create_dir_all(&mnt).unwrap();
    let v1_size = std::fs::metadata(&f.v1_db).unwrap().len();
    // Room for the old catalogue and the delta, not for the new catalogue beside it.
    let size = v1_size + v1_size / 4;
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(&mnt)
        .output();
    match mounted {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            println!(
                "SKIPPED a_full_disk: cannot mount a tmpfs here ({})",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            return;
        }
        Err(e) => {
            println!("SKIPPED a_full_disk: no mount command ({e})");
            return;
        }
    }
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mnt.clone());
    std::fs::copy(&f.v1_db, mnt.join("catalogue.db")).unwrap();
    let before = sha256_file(&mnt.join("catalogue.db"));
    let err = update(&updater(&f.server.at("pub-v2"), &mnt)).unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::DiskFull)), "{err}");
    assert!(
        err.to_string().contains("espace disque insuffisant"),
        "{err}"
    );
    assert_eq!(sha256_file(&mnt.join("catalogue.db")), before);
    assert!(!mnt.join("catalogue.db.new").exists());
    assert!(Catalogue::open(&mnt.join("catalogue.db")).is_ok());
}

/// One key for the databases of this test (their personal fields are sealed with it).
fn user_key() -> orientation_core::db::crypt::UserKey {
    orientation_core::db::crypt::UserKey::from_secret_text(&format!(
        "orientation-user-key-v1:{}",
        "11".repeat(32)
    ))
    .unwrap()
}
