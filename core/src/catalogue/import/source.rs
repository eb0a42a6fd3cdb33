//! Where source files come from: a directory (data/ or a test's), or the copy embedded in the binary.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::PathBuf;

pub trait Source {
    /// Opens a file by its path relative to the data root; `.gz` files are decompressed.
    fn open(&self, rel: &str) -> Result<Box<dyn Read + '_>>;
    /// A short description for messages (`data/` or "données intégrées").
    fn describe(&self) -> String;
    /// The files directly in a folder (relative paths, sorted), for sources whose number of files is not
    /// fixed: a Region's LHEO exports. Empty when the folder does not exist.
    fn list(&self, _dir: &str) -> Vec<String> {
        Vec::new()
    }
}

fn maybe_gunzip<'a>(rel: &str, r: Box<dyn Read + 'a>) -> Box<dyn Read + 'a> {
    if rel.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(r))
    } else {
        r
    }
}

pub struct DirSource(pub PathBuf);

impl Source for DirSource {
    fn open(&self, rel: &str) -> Result<Box<dyn Read + '_>> {
        let path = self.0.join(rel);
        let file = std::fs::File::open(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::MissingSource(path.clone()),
            _ => Error::io(&path, e),
        })?;
        Ok(maybe_gunzip(rel, Box::new(std::io::BufReader::new(file))))
    }
    fn describe(&self) -> String {
        self.0.display().to_string()
    }
    fn list(&self, dir: &str) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.0.join(dir)) else {
            return Vec::new();
        };
        let mut out: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().to_str().map(|n| format!("{dir}/{n}")))
            .collect();
        out.sort();
        out
    }
}

/// Files compiled into the binary (see `orientation-cli`'s embedded data), as (relative path, bytes).
pub struct EmbeddedSource(pub &'static [(&'static str, &'static [u8])]);

impl Source for EmbeddedSource {
    fn open(&self, rel: &str) -> Result<Box<dyn Read + '_>> {
        let bytes = self
            .0
            .iter()
            .find(|(p, _)| *p == rel)
            .map(|(_, b)| *b)
            .ok_or_else(|| Error::MissingSource(PathBuf::from(rel)))?;
        Ok(maybe_gunzip(rel, Box::new(bytes)))
    }
    fn describe(&self) -> String {
        "données intégrées".into()
    }
    fn list(&self, dir: &str) -> Vec<String> {
        let prefix = format!("{dir}/");
        let mut out: Vec<String> = self
            .0
            .iter()
            .map(|(p, _)| *p)
            .filter(|p| {
                p.strip_prefix(&prefix)
                    .is_some_and(|rest| !rest.contains('/'))
            })
            .map(str::to_string)
            .collect();
        out.sort();
        out
    }
}
