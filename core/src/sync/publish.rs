//! The Region's side: build the catalogue, compress it, make deltas from the last few versions found in
//! the output directory (each checked by applying it), write and sign the manifest. The directory stays
//! a plain static tree: upload it as is to any HTTP server or CDN (manifest.json last).

use super::error::{io, SyncError};
use super::keys::SecretKey;
use super::manifest::{DeltaEntry, FileEntry, Manifest, SourceEntry};
use super::{sha256_hex, FORMAT};
use crate::catalogue::import::{source::Source, Progress, Report};
use crate::catalogue::store::CatalogueSchema;
use crate::catalogue::Catalogue;
use crate::db::Schema;
use crate::error::{Error, Result};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// How many earlier versions get a delta to the new one.
pub const DELTAS_KEPT: usize = 3;

pub struct PublishOptions {
    /// zstd level of the full file and the deltas (1 to 22).
    pub level: i32,
    pub deltas: usize,
}

impl Default for PublishOptions {
    fn default() -> Self {
        PublishOptions {
            level: 19,
            deltas: DELTAS_KEPT,
        }
    }
}

pub struct PublishReport {
    pub manifest: Manifest,
    pub build: Report,
    pub dir: PathBuf,
}

pub(crate) fn full_name(version: u64) -> String {
    format!("catalogue-{version}.db.zst")
}

fn delta_name(from: u64, to: u64) -> String {
    format!("catalogue-{from}-{to}.delta.zst")
}

/// Versions of the full files present in `dir` (`catalogue-N.db.zst`).
fn published_versions(dir: &Path) -> Result<Vec<u64>> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for e in entries {
        let e = e.map_err(|e| Error::io(dir, e))?;
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(v) = name
            .strip_prefix("catalogue-")
            .and_then(|n| n.strip_suffix(".db.zst"))
            .and_then(|n| n.parse::<u64>().ok())
        {
            found.push(v);
        }
    }
    found.sort_unstable();
    Ok(found)
}

/// A window large enough for the delta's reference (the old file) and the new file.
fn window_log(len: usize) -> u32 {
    let mut log = 10u32;
    while log < 31 && (1usize << log) < len {
        log += 1;
    }
    log
}

/// Compresses `data`, with `reference` as the dictionary for a delta.
pub(crate) fn compress(data: &[u8], reference: Option<&[u8]>, level: i32) -> Result<Vec<u8>> {
    let fail = |e: std::io::Error| Error::Sync(SyncError::Publish(format!("compression : {e}")));
    let mut out = Vec::new();
    {
        let mut enc = match reference {
            Some(r) => zstd::stream::Encoder::with_ref_prefix(&mut out, level, r),
            None => zstd::stream::Encoder::new(&mut out, level),
        }
        .map_err(fail)?;
        let span = data.len().max(reference.map_or(0, <[u8]>::len));
        enc.window_log(window_log(span)).map_err(fail)?;
        enc.long_distance_matching(true).map_err(fail)?;
        enc.include_checksum(true).map_err(fail)?;
        enc.set_pledged_src_size(Some(data.len() as u64))
            .map_err(fail)?;
        enc.write_all(data).map_err(fail)?;
        enc.finish().map_err(fail)?;
    }
    Ok(out)
}

/// A reader that decompresses `input`, with `reference` as the dictionary of a delta.
pub(crate) fn decoder<'a, R: std::io::BufRead + 'a>(
    input: R,
    reference: Option<&'a [u8]>,
) -> std::io::Result<zstd::stream::Decoder<'a, R>> {
    let mut dec = match reference {
        Some(r) => zstd::stream::Decoder::with_ref_prefix(input, r)?,
        None => zstd::stream::Decoder::with_buffer(input)?,
    };
    dec.window_log_max(31)?;
    Ok(dec)
}

fn decompress(data: &[u8], reference: Option<&[u8]>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    decoder(data, reference)
        .and_then(|mut d| d.read_to_end(&mut out))
        .map_err(|e| SyncError::Publish(format!("décompression : {e}")))?;
    Ok(out)
}

fn write_atomic(dir: &Path, name: &str, data: &[u8]) -> Result<()> {
    crate::files::write_atomic(&dir.join(name), data)
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Builds the catalogue from `source` and publishes it into `out` as the next version.
pub fn publish(
    out: &Path,
    key: &SecretKey,
    source: &dyn Source,
    progress: &dyn Progress,
    options: &PublishOptions,
) -> Result<PublishReport> {
    std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
    let earlier = published_versions(out)?;
    let previous_manifest = match std::fs::read(out.join("manifest.json")) {
        Ok(bytes) => Some(Manifest::parse(&bytes, crate::version())?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(out.join("manifest.json"), e)),
    };
    let version = earlier
        .iter()
        .copied()
        .chain(previous_manifest.map(|m| m.catalogue_version))
        .max()
        .unwrap_or(0)
        + 1;

    let work = out.join(".publishing");
    if work.exists() {
        std::fs::remove_dir_all(&work).map_err(|e| io(&work, e))?;
    }
    std::fs::create_dir_all(&work).map_err(|e| io(&work, e))?;
    let db = work.join("catalogue.db");
    let build = Catalogue::build(&db, source, progress)?;
    {
        let conn = rusqlite::Connection::open(&db)?;
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('catalogue_version', ?1)",
            [version.to_string()],
        )?;
    }
    // The catalogue must open as a client will open it.
    Catalogue::open(&db)?.engine()?;
    let new = std::fs::read(&db).map_err(|e| io(&db, e))?;
    let sha = sha256_hex(&new);

    let full = compress(&new, None, options.level)?;
    let full_entry = FileEntry {
        file: full_name(version),
        size: new.len() as u64,
        sha256: sha.clone(),
        compressed_size: full.len() as u64,
        compressed_sha256: sha256_hex(&full),
    };

    let mut deltas = Vec::new();
    for &from in earlier.iter().rev().take(options.deltas) {
        let old_zst = std::fs::read(out.join(full_name(from)))
            .map_err(|e| io(&out.join(full_name(from)), e))?;
        let old = decompress(&old_zst, None)?;
        let delta = compress(&new, Some(&old), options.level)?;
        // Checked as a client applies it: the result must be the new file, byte for byte.
        if sha256_hex(&decompress(&delta, Some(&old))?) != sha {
            return Err(SyncError::Publish(format!(
                "le delta depuis la version {from} ne redonne pas le nouveau catalogue"
            ))
            .into());
        }
        if delta.len() >= full.len() {
            continue; // no gain over the full file
        }
        let name = delta_name(from, version);
        write_atomic(out, &name, &delta)?;
        deltas.push(DeltaEntry {
            from_version: from,
            from_sha256: sha256_hex(&old),
            file: name,
            compressed_size: delta.len() as u64,
            compressed_sha256: sha256_hex(&delta),
        });
    }
    write_atomic(out, &full_entry.file, &full)?;

    let manifest = Manifest {
        format: FORMAT,
        catalogue_version: version,
        created: now_rfc3339(),
        schema_version: CatalogueSchema::VERSION,
        min_app_version: crate::version().to_string(),
        sources: build
            .sources
            .iter()
            .map(|s| SourceEntry {
                file: s.file.clone(),
                label: s.label.clone(),
                version: s.version.clone(),
            })
            .collect(),
        full: full_entry,
        deltas,
    };
    let json = manifest.to_json()?;
    // Signature first, then the manifest: a client that fetches between the two sees a mismatch, which
    // it retries, never a manifest naming files not yet there.
    write_atomic(out, "manifest.json.sig", &key.sign(&json))?;
    write_atomic(out, "manifest.json", &json)?;
    super::swap::sync_dir(out);
    std::fs::remove_dir_all(&work).map_err(|e| io(&work, e))?;
    Ok(PublishReport {
        manifest,
        build,
        dir: out.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delta_rebuilds_the_new_bytes_exactly_from_the_old() {
        // Pseudo-random bytes: the full file barely compresses, the delta is the change only.
        let mut x = 0x2545_f491_u32;
        let old: Vec<u8> = (0..800_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let mut new = old.clone();
        new[1234] ^= 0xff;
        new.extend_from_slice(b"appended rows");
        let delta = compress(&new, Some(&old), 3).unwrap();
        let full = compress(&new, None, 3).unwrap();
        assert!(
            delta.len() * 10 < full.len(),
            "{} vs {}",
            delta.len(),
            full.len()
        );
        assert_eq!(decompress(&delta, Some(&old)).unwrap(), new);
        assert_eq!(decompress(&full, None).unwrap(), new);
        // Applied to other bytes, it does not give the new file.
        let mut other = old.clone();
        other[50] ^= 1;
        assert_ne!(decompress(&delta, Some(&other)).ok(), Some(new));
    }
}
