//! Personal fields of the user database sealed at rest, field by field (docs/privacy.md).
//!
//! Each sealed value is `1 ‖ nonce (24 bytes) ‖ XChaCha20-Poly1305(text)`, a BLOB, with the column's
//! name as associated data (a value cannot be moved into another column unnoticed). The 32-byte key is
//! the person's own ([`UserKey`]), kept by the shell's secure storage (Android Keystore, iOS Keychain) or
//! by the CLI in a 0600 file; it never enters the database, the logs or an error.
//!
//! The SQL sees two functions on every user-database connection: `seal(column, text)` and
//! `unseal(column, blob)` (NULL gives NULL). Code writes `seal('favourite.note', ?2)` and reads
//! `unseal('favourite.note', note)`; ids, kinds, positions and timestamps stay plain (they order and join).

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value, ValueRef};
use rusqlite::Connection;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use zeroize::Zeroizing;

const FORMAT: u8 = 1;
const NONCE_LEN: usize = 24;
/// What the secret text of a key starts with (then 64 hex digits).
const KEY_PREFIX: &str = "orientation-user-key-v1:";

/// Why a key or a sealed value could not be used. No variant holds a key or a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptError {
    #[error("clé de chiffrement des données personnelles illisible")]
    BadKey,
    #[error("donnée personnelle illisible avec cette clé (clé perdue ou changée)")]
    Unreadable,
    #[error("donnée personnelle enregistrée en clair : refusée")]
    NotSealed,
}

/// The key of the personal fields of one user database: 32 random bytes. `Debug` prints nothing of it,
/// its memory is wiped when dropped.
#[derive(Clone)]
pub struct UserKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UserKey(…)")
    }
}

impl UserKey {
    /// A new random key (the operating system's generator).
    pub fn generate() -> UserKey {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(key.as_slice());
        UserKey(bytes)
    }

    /// The text a secure store keeps: a prefix and 64 hex digits.
    pub fn to_secret_text(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("{KEY_PREFIX}{}", hex::encode(self.0.as_slice())))
    }

    /// Reads the text of [`UserKey::to_secret_text`] (surrounding blanks ignored).
    pub fn from_secret_text(text: &str) -> Result<UserKey, CryptError> {
        let digits = text
            .trim()
            .strip_prefix(KEY_PREFIX)
            .ok_or(CryptError::BadKey)?;
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(digits, bytes.as_mut_slice()).map_err(|_| CryptError::BadKey)?;
        Ok(UserKey(bytes))
    }

    /// The key kept in the 0600 file at `path` (the CLI's way, beside its session file), created on
    /// first use. A file that is not a key is an error, never replaced: replacing it would make every
    /// personal field unreadable.
    pub fn load_or_create_file(path: &Path) -> crate::Result<UserKey> {
        match std::fs::read_to_string(path) {
            Ok(text) => UserKey::from_secret_text(&text)
                .map_err(|_| crate::Error::Crypt(CryptError::BadKey)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = UserKey::generate();
                crate::secret_file::write_new(path, key.to_secret_text().as_bytes())?;
                Ok(key)
            }
            Err(e) => Err(crate::Error::io(path, e)),
        }
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(self.0.as_slice()))
    }
}

/// Seals and opens the fields of one column family with one key.
#[derive(Clone)]
pub struct FieldCipher(Arc<XChaCha20Poly1305>);

impl fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FieldCipher(…)")
    }
}

impl FieldCipher {
    pub fn new(key: &UserKey) -> FieldCipher {
        FieldCipher(Arc::new(key.cipher()))
    }

    pub fn seal(&self, column: &str, text: &str) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .0
            .encrypt(
                &nonce,
                Payload {
                    msg: text.as_bytes(),
                    aad: column.as_bytes(),
                },
            )
            // Encryption fails only past 256 GiB per message: our fields are a few kB.
            .unwrap_or_default();
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(FORMAT);
        out.extend_from_slice(nonce.as_slice());
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, column: &str, sealed: &[u8]) -> Result<String, CryptError> {
        let (format, rest) = sealed.split_first().ok_or(CryptError::Unreadable)?;
        if *format != FORMAT || rest.len() < NONCE_LEN {
            return Err(CryptError::Unreadable);
        }
        let (nonce, body) = rest.split_at(NONCE_LEN);
        let plain = self
            .0
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: column.as_bytes(),
                },
            )
            .map_err(|_| CryptError::Unreadable)?;
        String::from_utf8(plain).map_err(|_| CryptError::Unreadable)
    }
}

fn column_name<'a>(ctx: &'a Context<'_>) -> rusqlite::Result<&'a str> {
    ctx.get_raw(0)
        .as_str()
        .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))
}

/// Adds `seal(column, text)` and `unseal(column, blob)` to `conn`, with this key.
pub fn install(conn: &Connection, key: &UserKey) -> rusqlite::Result<()> {
    let cipher = FieldCipher::new(key);
    let sealer = cipher.clone();
    // Not deterministic: a fresh nonce each time. Direct only: no view or trigger may call them.
    conn.create_scalar_function(
        "seal",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DIRECTONLY,
        move |ctx| {
            let column = column_name(ctx)?;
            Ok(match ctx.get_raw(1) {
                ValueRef::Null => Value::Null,
                ValueRef::Text(t) => {
                    let text = std::str::from_utf8(t)
                        .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
                    Value::Blob(sealer.seal(column, text))
                }
                // A blob is already sealed (a migration that meets it twice leaves it).
                ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                ValueRef::Integer(i) => Value::Blob(sealer.seal(column, &i.to_string())),
                ValueRef::Real(r) => Value::Blob(sealer.seal(column, &r.to_string())),
            })
        },
    )?;
    conn.create_scalar_function(
        "unseal",
        2,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_DIRECTONLY,
        move |ctx| {
            let column = column_name(ctx)?;
            match ctx.get_raw(1) {
                ValueRef::Null => Ok(Value::Null),
                ValueRef::Blob(b) => cipher
                    .open(column, b)
                    .map(Value::Text)
                    .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e))),
                // A personal field in clear is a bug (a write that forgot `seal`): refused, so tests see it.
                _ => Err(rusqlite::Error::UserFunctionError(Box::new(
                    CryptError::NotSealed,
                ))),
            }
        },
    )?;
    Ok(())
}

/// The crypt error inside an SQLite error, if that is what it is. SQLite carries a function's error
/// back as its message: the variants' texts are told apart.
pub fn crypt_error(e: &rusqlite::Error) -> Option<CryptError> {
    match e {
        rusqlite::Error::UserFunctionError(inner) => inner.downcast_ref::<CryptError>().cloned(),
        rusqlite::Error::SqliteFailure(_, Some(message)) => [
            CryptError::Unreadable,
            CryptError::NotSealed,
            CryptError::BadKey,
        ]
        .into_iter()
        .find(|c| message == &c.to_string()),
        _ => None,
    }
}

/// One fixed key for the unit tests that reopen a database.
#[cfg(test)]
pub(crate) fn test_key() -> UserKey {
    UserKey(Zeroizing::new([7u8; 32]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_field_opens_with_its_key_and_column_only() {
        let key = UserKey::generate();
        let c = FieldCipher::new(&key);
        let sealed = c.seal("favourite.note", "refusé, rappeler lundi");
        assert!(!String::from_utf8_lossy(&sealed).contains("refusé"));
        assert_eq!(
            c.open("favourite.note", &sealed).unwrap(),
            "refusé, rappeler lundi"
        );
        // Two seals of one text differ (fresh nonce): equal notes do not show as equal.
        assert_ne!(sealed, c.seal("favourite.note", "refusé, rappeler lundi"));
        assert_eq!(
            c.open("chat_message.body", &sealed),
            Err(CryptError::Unreadable)
        );
        let other = FieldCipher::new(&UserKey::generate());
        assert_eq!(
            other.open("favourite.note", &sealed),
            Err(CryptError::Unreadable)
        );
        for broken in [
            &[][..],
            &[1u8][..],
            &sealed[..sealed.len() - 1],
            &[2u8; 60][..],
        ] {
            assert_eq!(
                c.open("favourite.note", broken),
                Err(CryptError::Unreadable)
            );
        }
    }

    #[test]
    fn a_key_goes_through_its_secret_text_and_never_shows_in_debug() {
        let key = UserKey::generate();
        let text = key.to_secret_text();
        let back = UserKey::from_secret_text(&format!("  {}\n", text.as_str())).unwrap();
        let sealed = FieldCipher::new(&key).seal("x", "bonjour");
        assert_eq!(
            FieldCipher::new(&back).open("x", &sealed).unwrap(),
            "bonjour"
        );
        let hex_part = text.as_str().trim_start_matches(KEY_PREFIX);
        assert_eq!(hex_part.len(), 64);
        for shown in [format!("{key:?}"), format!("{:?}", FieldCipher::new(&key))] {
            assert!(!shown.contains(&hex_part[..16]), "{shown}");
        }
        for bad in ["", "orientation-user-key-v1:zz", "abc", hex_part] {
            assert_eq!(
                UserKey::from_secret_text(bad).unwrap_err(),
                CryptError::BadKey
            );
        }
    }

    #[test]
    fn sql_functions_seal_open_and_refuse_clear_text() {
        let conn = Connection::open_in_memory().unwrap();
        install(&conn, &UserKey::generate()).unwrap();
        let (kind, back): (String, String) = conn
            .query_row(
                "SELECT typeof(seal('t.c', 'note')), unseal('t.c', seal('t.c', 'note'))",
                [],
                |r| r.try_into(),
            )
            .unwrap();
        assert_eq!((kind.as_str(), back.as_str()), ("blob", "note"));
        let null: Option<String> = conn
            .query_row("SELECT unseal('t.c', seal('t.c', NULL))", [], |r| r.get(0))
            .unwrap();
        assert_eq!(null, None);
        let err = conn
            .query_row("SELECT unseal('t.c', 'en clair')", [], |r| {
                r.get::<_, String>(0)
            })
            .unwrap_err();
        assert_eq!(crypt_error(&err), Some(CryptError::NotSealed));
    }

    #[test]
    fn the_key_file_is_created_0600_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("user.key");
        let a = UserKey::load_or_create_file(&path).unwrap();
        let b = UserKey::load_or_create_file(&path).unwrap();
        assert_eq!(a.to_secret_text(), b.to_secret_text());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        std::fs::write(&path, "pas une clé").unwrap();
        assert!(UserKey::load_or_create_file(&path).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "pas une clé");
    }
}
