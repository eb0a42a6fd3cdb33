//! `manifest.json`: what a published directory holds. Signed as the exact bytes served, so the client
//! verifies before it parses anything beyond the format number.

use super::error::SyncError;
use super::FORMAT;
use crate::error::Result;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format of this manifest ([`FORMAT`]); a client refuses a higher one.
    pub format: u32,
    /// The catalogue's version: 1 for the first publication in a directory, then one more each time.
    pub catalogue_version: u64,
    /// When it was published, RFC 3339 UTC.
    pub created: String,
    /// The catalogue database's `user_version` (schema).
    pub schema_version: i64,
    /// The oldest app version that can read this catalogue (semver "x.y.z").
    pub min_app_version: String,
    /// The open data it was built from.
    pub sources: Vec<SourceEntry>,
    /// The whole catalogue, compressed.
    pub full: FileEntry,
    /// Deltas from earlier versions to this one.
    #[serde(default)]
    pub deltas: Vec<DeltaEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceEntry {
    pub file: String,
    pub label: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// File name inside the published directory.
    pub file: String,
    /// Size of the catalogue database once decompressed, in bytes.
    pub size: u64,
    /// SHA-256 of the decompressed database.
    pub sha256: String,
    /// Size of the file to download.
    pub compressed_size: u64,
    /// SHA-256 of the file to download.
    pub compressed_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeltaEntry {
    /// The catalogue version this delta applies to.
    pub from_version: u64,
    /// SHA-256 of that version's database file: the delta applies to exactly those bytes.
    pub from_sha256: String,
    pub file: String,
    pub compressed_size: u64,
    pub compressed_sha256: String,
}

/// Parses "x.y.z" (extra parts and pre-release tags ignored) for comparison.
fn semver(text: &str) -> Option<(u64, u64, u64)> {
    let core = text.split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
        parts.next().flatten().unwrap_or(0),
    ))
}

fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !name.starts_with('.')
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit())
}

impl Manifest {
    /// Reads a manifest whose signature has been checked: format first (a newer one may be shaped
    /// differently), then the fields, then what a client relies on (file names, hashes, app version).
    pub fn parse(bytes: &[u8], app_version: &str) -> Result<Manifest> {
        #[derive(Deserialize)]
        struct Head {
            format: u32,
        }
        let head: Head = serde_json::from_slice(bytes)
            .map_err(|e| SyncError::BadManifest(format!("format absent ou illisible ({e})")))?;
        if head.format > FORMAT {
            return Err(SyncError::FormatTooNew {
                found: head.format,
                known: FORMAT,
            }
            .into());
        }
        let m: Manifest =
            serde_json::from_slice(bytes).map_err(|e| SyncError::BadManifest(e.to_string()))?;
        let bad = |what: &str| Err(SyncError::BadManifest(what.to_string()).into());
        let files = std::iter::once((&m.full.file, &m.full.compressed_sha256))
            .chain(m.deltas.iter().map(|d| (&d.file, &d.compressed_sha256)));
        for (file, sha) in files {
            if !is_plain_file_name(file) {
                return bad("nom de fichier invalide");
            }
            if !is_sha256(sha) {
                return bad("empreinte SHA-256 invalide");
            }
        }
        if !is_sha256(&m.full.sha256) || m.deltas.iter().any(|d| !is_sha256(&d.from_sha256)) {
            return bad("empreinte SHA-256 invalide");
        }
        match (semver(&m.min_app_version), semver(app_version)) {
            (Some(min), Some(ours)) if min > ours => {
                return Err(SyncError::AppTooOld {
                    min: m.min_app_version.clone(),
                    ours: app_version.to_string(),
                }
                .into())
            }
            (None, _) => return bad("version minimale de l'application illisible"),
            _ => {}
        }
        Ok(m)
    }

    pub fn to_json(&self) -> Result<Vec<u8>> {
        let mut v =
            serde_json::to_vec_pretty(self).map_err(|e| SyncError::Publish(e.to_string()))?;
        v.push(b'\n');
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        let sha = "a".repeat(64);
        Manifest {
            format: FORMAT,
            catalogue_version: 2,
            created: "2026-12-01T12:00:00Z".into(),
            schema_version: 1,
            min_app_version: "0.1.0".into(),
            sources: vec![],
            full: FileEntry {
                file: "catalogue-2.db.zst".into(),
                size: 10,
                sha256: sha.clone(),
                compressed_size: 5,
                compressed_sha256: sha.clone(),
            },
            deltas: vec![DeltaEntry {
                from_version: 1,
                from_sha256: sha.clone(),
                file: "catalogue-1-2.delta.zst".into(),
                compressed_size: 3,
                compressed_sha256: sha,
            }],
        }
    }

    #[test]
    fn round_trips_and_checks_what_the_client_relies_on() {
        let m = sample();
        assert_eq!(Manifest::parse(&m.to_json().unwrap(), "0.1.0").unwrap(), m);

        let mut newer = serde_json::to_value(&m).unwrap();
        newer["format"] = serde_json::json!(FORMAT + 1);
        newer["full"] = serde_json::json!("a shape we do not know");
        let err = Manifest::parse(newer.to_string().as_bytes(), "0.1.0").unwrap_err();
        assert!(err.to_string().contains("plus récent"), "{err}");

        let mut escape = m.clone();
        escape.deltas[0].file = "../../user.db".into();
        assert!(Manifest::parse(&escape.to_json().unwrap(), "0.1.0").is_err());

        let mut needs_newer = m.clone();
        needs_newer.min_app_version = "0.10.0".into();
        let err = Manifest::parse(&needs_newer.to_json().unwrap(), "0.9.3").unwrap_err();
        assert!(
            err.to_string().contains("mettez l'application à jour"),
            "{err}"
        );
        assert!(Manifest::parse(&needs_newer.to_json().unwrap(), "0.10.0").is_ok());

        assert!(Manifest::parse(b"\xff\xfe not json", "0.1.0").is_err());
    }
}
