//! Ed25519 keys of the publisher: the secret key signs `manifest.json`, the public key (compiled into the
//! Region's build, or given on the command line / in the FFI config) verifies it.
//!
//! Files are one line of lower-case hex: the 32-byte seed for the secret key (mode 0600), the 32-byte
//! public key in `KEYFILE.pub`.

use super::error::{io, SyncError};
use crate::error::{Error, Result};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct SecretKey(SigningKey);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

fn parse_32(text: &str, what: &str) -> Result<[u8; 32]> {
    let bytes = hex::decode(text.trim()).map_err(|_| SyncError::BadKey(what.to_string()))?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map_err(|_| Error::Sync(SyncError::BadKey(what.to_string())))
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if bytes.len() > 1024 {
        return Err(SyncError::BadKey(path.display().to_string()).into());
    }
    String::from_utf8(bytes).map_err(|_| SyncError::BadKey(path.display().to_string()).into())
}

impl SecretKey {
    pub fn read(path: &Path) -> Result<SecretKey> {
        let seed = parse_32(&read_text(path)?, &path.display().to_string())?;
        Ok(SecretKey(SigningKey::from_bytes(&seed)))
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl PublicKey {
    pub fn read(path: &Path) -> Result<PublicKey> {
        PublicKey::from_hex(&read_text(path)?)
            .map_err(|_| SyncError::BadKey(path.display().to_string()).into())
    }

    pub fn from_hex(text: &str) -> Result<PublicKey> {
        let bytes = parse_32(text, "la clé publique")?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| SyncError::BadKey("la clé publique".into()).into())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    /// Checks a detached signature (64 raw bytes) of `message`; strict: no malleable signatures.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        let sig = <[u8; 64]>::try_from(signature).map_err(|_| SyncError::BadSignature)?;
        self.0
            .verify_strict(message, &Signature::from_bytes(&sig))
            .map_err(|_| SyncError::BadSignature)?;
        Ok(())
    }
}

/// Writes a new key pair: the secret to `out` (created new, mode 0600; an existing file is refused so a
/// key is never overwritten by mistake) and the public key to `out.pub`. Returns the public key's path.
pub fn generate_key(out: &Path) -> Result<PathBuf> {
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed)
        .map_err(|e| SyncError::Publish(format!("pas d'aléa du système : {e}")))?;
    let key = SigningKey::from_bytes(&seed);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(out).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::Sync(SyncError::Publish(format!(
                "{} existe déjà : une clé n'est jamais écrasée",
                out.display()
            )))
        } else {
            io(out, e)
        }
    })?;
    writeln!(file, "{}", hex::encode(seed)).map_err(|e| io(out, e))?;
    file.sync_all().map_err(|e| io(out, e))?;
    let public = PathBuf::from(format!("{}.pub", out.display()));
    std::fs::write(
        &public,
        format!("{}\n", hex::encode(key.verifying_key().as_bytes())),
    )
    .map_err(|e| io(&public, e))?;
    Ok(public)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_pair_signs_and_verifies_and_refuses_other_messages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        let public_path = generate_key(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let secret = SecretKey::read(&path).unwrap();
        let public = PublicKey::read(&public_path).unwrap();
        assert_eq!(secret.public(), public);
        let sig = secret.sign(b"manifest");
        public.verify(b"manifest", &sig).unwrap();
        assert!(public.verify(b"manifesT", &sig).is_err());
        assert!(public.verify(b"manifest", &sig[..63]).is_err());
        // Never overwrites a key.
        assert!(generate_key(&path).is_err());
        assert_eq!(SecretKey::read(&path).unwrap().public(), public);
    }

    #[test]
    fn a_bad_key_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.pub");
        std::fs::write(&path, "pas une clé").unwrap();
        let err = PublicKey::read(&path).unwrap_err();
        assert!(err.to_string().contains("clé invalide"), "{err}");
    }
}
