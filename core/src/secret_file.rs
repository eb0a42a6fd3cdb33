//! Files that hold a secret (the user database's key, the chat session, the publisher's signing key):
//! readable and writable by their owner only (mode 0600 on Unix), written whole and synced.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

fn options() -> std::fs::OpenOptions {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts
}

fn write_all(mut file: std::fs::File, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()
}

/// Creates `path` (and its directory) with `bytes`; an existing file is an error, never overwritten.
/// Atomic: written whole to a private temporary file, then linked into place, so a kill never leaves
/// a half-written secret (which would lock the user out of their data).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let file = options()
        .create(true)
        .truncate(true)
        .open(&tmp)
        .map_err(|e| Error::io(&tmp, e))?;
    write_all(file, bytes).map_err(|e| Error::io(&tmp, e))?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    linked.map_err(|e| Error::io(path, e))
}

/// Replaces `path` atomically with `bytes`: written to a private temporary file beside it, then renamed.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::files::write_atomic_private(path, bytes)
}

/// Whether `path` is readable or writable by anyone but its owner (always false off Unix).
pub fn is_shared(path: &Path) -> Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        Ok(meta.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(false)
    }
}
