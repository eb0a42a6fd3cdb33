//! Putting a verified catalogue in place, and undoing a swap that did not finish.
//!
//! Beside `catalogue.db`: `catalogue.db.new` (being written, removed when unfinished) and
//! `catalogue.db.previous` (a hard link to the catalogue being replaced, kept until the new one has
//! opened once). Every step is one rename or link, so a kill at any moment leaves a catalogue that opens,
//! or a `.previous` that [`recover`] puts back.

use super::error::io;
use crate::catalogue::Catalogue;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

pub(crate) fn side(catalogue: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}.{suffix}", catalogue.display()))
}

fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(path, e)),
    }
}

pub(crate) fn sync_dir(dir: &Path) {
    // Makes the renames durable; not every platform can open a directory, and nothing is lost without it.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The catalogue version installed at `catalogue`: None when there is no usable catalogue (a first
/// install), 0 for one built on this machine rather than downloaded.
pub fn installed_version(catalogue: &Path) -> Result<Option<u64>> {
    let cat = match Catalogue::open(catalogue) {
        Ok(c) => c,
        Err(Error::NoCatalogue | Error::Sql(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let v: Option<String> = cat
        .conn()
        .query_row(
            "SELECT value FROM meta WHERE key = 'catalogue_version'",
            [],
            |r| r.get(0),
        )
        .ok();
    Ok(Some(v.and_then(|v| v.parse().ok()).unwrap_or(0)))
}

/// Finishes or undoes what an interrupted update left: removes a half-written `.new`; if a `.previous`
/// is there, keeps the current catalogue when it opens (the swap was done) and puts the previous one back
/// otherwise. Call before opening the catalogue after an update may have been cut.
/// Does nothing while an update runs (it holds `updates/lock`, and finishes or undoes its own swap).
pub fn recover(catalogue: &Path) -> Result<()> {
    let lock = parent(catalogue).join("updates").join("lock");
    if let Ok(f) = std::fs::File::open(&lock) {
        match f.try_lock_shared() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(()),
            Err(std::fs::TryLockError::Error(_)) => {}
        }
        let result = recover_locked(catalogue);
        drop(f);
        return result;
    }
    recover_locked(catalogue)
}

/// [`recover`] for the update itself, which holds the lock.
pub(crate) fn recover_locked(catalogue: &Path) -> Result<()> {
    remove_if_there(&side(catalogue, "new"))?;
    remove_if_there(&side(catalogue, "new-journal"))?;
    let previous = side(catalogue, "previous");
    if !previous.exists() {
        return Ok(());
    }
    let opens = Catalogue::open(catalogue).and_then(|c| c.engine().map(|_| ()));
    if opens.is_ok() {
        remove_if_there(&previous)
    } else {
        rollback(catalogue)
    }
}

/// Moves the verified `new` file over `catalogue`, keeping the replaced file as `.previous`.
pub(crate) fn install(new: &Path, catalogue: &Path) -> Result<()> {
    let previous = side(catalogue, "previous");
    remove_if_there(&previous)?;
    if catalogue.exists() && std::fs::hard_link(catalogue, &previous).is_err() {
        std::fs::copy(catalogue, &previous).map_err(|e| io(&previous, e))?;
    }
    std::fs::rename(new, catalogue).map_err(|e| io(catalogue, e))?;
    sync_dir(parent(catalogue));
    Ok(())
}

/// The new catalogue has opened: the previous one is no longer needed.
pub(crate) fn confirm(catalogue: &Path) -> Result<()> {
    remove_if_there(&side(catalogue, "previous"))
}

/// Puts `.previous` back in place of a catalogue that does not open.
pub(crate) fn rollback(catalogue: &Path) -> Result<()> {
    let previous = side(catalogue, "previous");
    if previous.exists() {
        std::fs::rename(&previous, catalogue).map_err(|e| io(catalogue, e))?;
        sync_dir(parent(catalogue));
    }
    Ok(())
}
