//! Where the chat account's secrets live. The shells implement [`SessionStore`] over the Android
//! Keystore or the iOS Keychain; [`FileSessionStore`] is for the CLI and the tests.

use crate::chat::ChatError;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Everything needed to resume the account without logging in again, and to log in again if the
/// server forgot the access token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSession {
    pub homeserver_url: String,
    pub user_id: String,
    pub device_id: String,
    pub access_token: String,
    /// Generated at registration, never shown: lets the app log in again (and prove itself when
    /// deleting the account).
    pub password: String,
    /// Encrypts the Matrix SDK's local store (encryption keys, room state).
    pub store_passphrase: String,
}

/// Secrets stay out of logs and error messages.
impl std::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSession")
            .field("homeserver_url", &self.homeserver_url)
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

/// Secure storage of the session, implemented by each platform.
pub trait SessionStore: Send + Sync {
    fn load(&self) -> Result<Option<StoredSession>>;
    fn save(&self, session: &StoredSession) -> Result<()>;
    /// Forgets the session (account deleted, or "delete all my data").
    fn clear(&self) -> Result<()>;
}

/// A JSON file readable by its owner only, replaced atomically.
pub struct FileSessionStore {
    path: PathBuf,
}

impl FileSessionStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileSessionStore { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl SessionStore for FileSessionStore {
    fn load(&self) -> Result<Option<StoredSession>> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&self.path, e)),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|_| Error::Chat(ChatError::LocalStore("session illisible")))
    }

    fn save(&self, session: &StoredSession) -> Result<()> {
        let json = serde_json::to_vec_pretty(session).map_err(Error::Encode)?;
        crate::secret_file::replace(&self.path, &json)
    }

    fn clear(&self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(&self.path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> StoredSession {
        StoredSession {
            homeserver_url: "http://127.0.0.1:8008".into(),
            user_id: "@usager-1:localhost".into(),
            device_id: "DEV".into(),
            access_token: "secret-token".into(),
            password: "secret-password".into(),
            store_passphrase: "secret-passphrase".into(),
        }
    }

    #[test]
    fn file_store_round_trip_private_and_clear() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileSessionStore::new(dir.path().join("a/session.json"));
        assert_eq!(store.load().unwrap(), None);
        store.save(&session()).unwrap();
        assert_eq!(store.load().unwrap(), Some(session()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "readable by others: {mode:o}");
        }
        store.clear().unwrap();
        store.clear().unwrap();
        assert_eq!(store.load().unwrap(), None);
    }

    #[test]
    fn debug_and_errors_never_show_secrets() {
        let text = format!("{:?}", session());
        assert!(!text.contains("secret"), "{text}");
        assert!(!text.contains("usager"), "{text}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, b"{\"access_token\": \"secret-token\"").unwrap();
        let err = FileSessionStore::new(&path).load().unwrap_err().to_string();
        assert!(!err.contains("secret"), "{err}");
    }
}
