//! Catalogue publishing and updates over HTTP.
//!
//! The Region publishes a plain static tree (`publish`): `catalogue-<version>.db.zst`, deltas from the last
//! few versions (`catalogue-<from>-<to>.delta.zst`, zstd "patch-from": the old catalogue file is the
//! dictionary, so applying gives the new file byte for byte), a `manifest.json` describing them and its
//! detached Ed25519 signature `manifest.json.sig`. Any HTTP server or CDN can serve it.
//!
//! The app (`Updater`) checks the manifest with a conditional GET, downloads the delta or the full file
//! into a `.part` file resumed with HTTP Range, verifies signature, size and SHA-256, decompresses beside
//! the catalogue, checks it (`PRAGMA integrity_check`, schema version, catalogue version) and swaps it in
//! with a rename. The previous catalogue stays as `catalogue.db.previous` until the new one has opened
//! once ([`recover`] puts it back otherwise). The user database is never opened for writing here.

mod error;
pub mod keys;
pub mod manifest;
pub mod publish;
mod swap;
pub mod update;
mod url;

pub use error::SyncError;
pub use keys::{generate_key, PublicKey, SecretKey};
pub use manifest::Manifest;
pub use publish::{publish, PublishOptions, PublishReport};
pub use swap::{installed_version, recover};
pub use update::{CheckOutcome, Phase, Progress, UpdateConfig, UpdateOutcome, Updater};
pub use url::check_url;

/// The manifest format this build reads and writes. A manifest of a higher format is refused.
pub const FORMAT: u32 = 1;

/// Lower-case hex SHA-256.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

/// A size in French units: "850 ko", "12,3 Mo".
pub fn size_fr(bytes: u64) -> String {
    const KO: f64 = 1000.0;
    let b = bytes as f64;
    let (value, unit) = if b < KO {
        return format!("{bytes} octets");
    } else if b < KO * KO {
        (b / KO, "ko")
    } else if b < KO * KO * KO {
        (b / KO / KO, "Mo")
    } else {
        (b / KO / KO / KO, "Go")
    };
    let text = if value < 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    format!("{} {unit}", text.replace('.', ","))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_as_french() {
        assert_eq!(super::size_fr(12), "12 octets");
        assert_eq!(super::size_fr(850_000), "850 ko");
        assert_eq!(super::size_fr(12_345_678), "12 Mo");
        assert_eq!(super::size_fr(1_234_567), "1,2 Mo");
    }
}
