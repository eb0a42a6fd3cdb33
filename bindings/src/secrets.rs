//! The shell's secure storage (Android Keystore, iOS Keychain) as the core needs it: one opaque string
//! per store. The chat keeps its session in one (`Orientation::chat`), the user database the key of its
//! personal fields in another (`Orientation::with_key_store`).

use crate::error::{OrientationError, Result};
use orientation_core::db::crypt::UserKey;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the shell keeps a secret (the chat's access token, device, generated password and store key;
/// or the key of the user database's personal fields): one opaque string, to be kept in the Android
/// Keystore or the iOS Keychain, never in plain preferences.
#[uniffi::export(with_foreign)]
pub trait SecureTokenStore: Send + Sync {
    /// The saved secret, or `None` before the first registration.
    fn load(&self) -> Result<Option<String>, OrientationError>;
    fn save(&self, secret: String) -> Result<(), OrientationError>;
    /// Forgets the secret ("delete all my data").
    fn clear(&self) -> Result<(), OrientationError>;
}

/// Where the key of the user database's personal fields comes from.
pub(crate) enum KeySource {
    /// The shell's secure storage (`Orientation::with_key_store`).
    Foreign(Arc<dyn SecureTokenStore>),
    /// A 0600 file in the data directory (`Orientation::new`: desktop tools and tests).
    File(PathBuf),
}

impl KeySource {
    /// The key, created and saved on first use. A secret that is not a key, or that the store cannot
    /// read back, is replaced by a new key: the personal data sealed with the old one is then started afresh, and the
    /// user told (`PersonalDataReset`), rather than the app refusing to start.
    pub(crate) fn key(&self) -> Result<UserKey> {
        match self {
            KeySource::File(path) => Ok(UserKey::load_or_create_file(path)?),
            KeySource::Foreign(store) => {
                // A store that cannot give its secret back (the Keystore key went with a reset lock
                // screen or a restored backup) has lost the key as surely as one that gives garbage.
                match store.load() {
                    Ok(Some(text)) => match UserKey::from_secret_text(&text) {
                        Ok(key) => return Ok(key),
                        Err(_) => {
                            tracing::warn!("clé des données personnelles illisible : remplacée")
                        }
                    },
                    Ok(None) => {}
                    Err(_) => tracing::warn!("clé des données personnelles perdue : remplacée"),
                }
                let key = UserKey::generate();
                store.save(key.to_secret_text().to_string())?;
                Ok(key)
            }
        }
    }
}
