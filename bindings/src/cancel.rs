//! Cancelling a catalogue build without a hook in the core: the build reads every source file through a
//! `Source`, so a source that fails once cancelled makes the import stop at its next read, with an error
//! that rolls its transaction back and leaves the previous catalogue in place.

use orientation_core::catalogue::import::source::Source;
use orientation_core::{Error, Result};
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub(crate) struct CancellableSource<S> {
    pub inner: S,
    pub cancelled: Arc<AtomicBool>,
}

fn cancelled_error() -> std::io::Error {
    // Not `ErrorKind::Interrupted`: readers retry on that one.
    std::io::Error::other("construction annulée")
}

struct CancellableRead<'a> {
    inner: Box<dyn Read + 'a>,
    cancelled: Arc<AtomicBool>,
}

impl Read for CancellableRead<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.cancelled.load(Ordering::Relaxed) {
            return Err(cancelled_error());
        }
        self.inner.read(buf)
    }
}

impl<S: Source> Source for CancellableSource<S> {
    fn open(&self, rel: &str) -> Result<Box<dyn Read + '_>> {
        if self.cancelled.load(Ordering::Relaxed) {
            return Err(Error::io(rel, cancelled_error()));
        }
        Ok(Box::new(CancellableRead {
            inner: self.inner.open(rel)?,
            cancelled: self.cancelled.clone(),
        }))
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn list(&self, dir: &str) -> Vec<String> {
        self.inner.list(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orientation_core::catalogue::import::source::EmbeddedSource;

    static FILES: &[(&str, &[u8])] = &[("a.csv", b"x;y\n1;2\n")];

    #[test]
    fn reads_pass_through_until_cancelled_then_fail() {
        let cancelled = Arc::new(AtomicBool::new(false));
        let src = CancellableSource {
            inner: EmbeddedSource(FILES),
            cancelled: cancelled.clone(),
        };
        let mut text = String::new();
        src.open("a.csv")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "x;y\n1;2\n");
        let mut reader = src.open("a.csv").unwrap();
        cancelled.store(true, Ordering::SeqCst);
        assert!(reader.read(&mut [0u8; 4]).is_err());
        assert!(src.open("a.csv").is_err());
        assert_eq!(src.describe(), "données intégrées");
    }
}
