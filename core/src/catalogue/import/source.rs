//! Where source files come from: a directory (data/ or a test's), or the copy embedded in the binary.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::PathBuf;

pub trait Source {
    /// Opens a file by its path relative to the data root; `.gz` files are decompressed.
    fn open(&self, rel: &str) -> Result<Box<dyn Read + '_>>;
    /// A short description for messages (`data/` or "données intégrées").
    fn describe(&self) -> String;
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
}
