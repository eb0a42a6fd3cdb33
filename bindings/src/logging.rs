//! `tracing` events of the Rust side, forwarded to a logger the shell implements (logcat on Android,
//! os_log on iOS). Spans are not forwarded: the shells' loggers have no use for them.
//!
//! Nothing we log holds user data: no query text, no message text, no path under the user's name.

use crate::error::OrientationError;
use std::cell::Cell;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    fn of(level: &Level) -> LogLevel {
        match *level {
            Level::ERROR => LogLevel::Error,
            Level::WARN => LogLevel::Warn,
            Level::INFO => LogLevel::Info,
            Level::DEBUG => LogLevel::Debug,
            _ => LogLevel::Trace,
        }
    }

    fn code(self) -> u8 {
        self as u8
    }

    fn filter(self) -> tracing::level_filters::LevelFilter {
        use tracing::level_filters::LevelFilter;
        match self {
            LogLevel::Error => LevelFilter::ERROR,
            LogLevel::Warn => LevelFilter::WARN,
            LogLevel::Info => LevelFilter::INFO,
            LogLevel::Debug => LevelFilter::DEBUG,
            LogLevel::Trace => LevelFilter::TRACE,
        }
    }
}

/// One log line: `message` holds the event's text followed by its fields as `key=value`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LogRecord {
    pub level: LogLevel,
    /// The Rust module that logged (`orientation_ffi::catalogue`): a tag for logcat / a category for os_log.
    pub target: String,
    pub message: String,
}

/// Implemented by the shell. Called from any thread, including while another call is in progress: keep it
/// quick and thread-safe. An error thrown here is ignored (logging never fails an operation).
#[uniffi::export(with_foreign)]
pub trait Logger: Send + Sync {
    fn log(&self, record: LogRecord) -> Result<(), OrientationError>;
}

static LOGGER: RwLock<Option<Arc<dyn Logger>>> = RwLock::new(None);
/// The most detailed level forwarded; 255 while no logger is set.
static MAX_LEVEL: AtomicU8 = AtomicU8::new(u8::MAX);
static INSTALLED: OnceLock<bool> = OnceLock::new();

thread_local! {
    /// Set while a record is being handed to the logger, so that whatever the logger calls back into
    /// cannot log in a loop.
    static FORWARDING: Cell<bool> = const { Cell::new(false) };
}

/// Sends the Rust side's log records at `level` and above to `logger`, replacing any previous logger.
/// Call it once at start-up, before opening `Orientation`, to see everything.
#[uniffi::export]
pub fn set_logger(logger: Arc<dyn Logger>, level: LogLevel) {
    match LOGGER.write() {
        Ok(mut slot) => *slot = Some(logger),
        Err(poisoned) => *poisoned.into_inner() = Some(logger),
    }
    MAX_LEVEL.store(level.code(), Ordering::SeqCst);
    let installed = *INSTALLED.get_or_init(|| {
        // Another global subscriber (a host application's) wins: we then forward nothing.
        tracing::subscriber::set_global_default(Forwarder).is_ok()
    });
    if installed {
        tracing::callsite::rebuild_interest_cache();
    }
}

/// Stops forwarding log records.
#[uniffi::export]
pub fn clear_logger() {
    MAX_LEVEL.store(u8::MAX, Ordering::SeqCst);
    match LOGGER.write() {
        Ok(mut slot) => *slot = None,
        Err(poisoned) => *poisoned.into_inner() = None,
    }
    tracing::callsite::rebuild_interest_cache();
}

fn level_enabled(level: &Level) -> bool {
    let max = MAX_LEVEL.load(Ordering::Relaxed);
    max != u8::MAX && LogLevel::of(level).code() <= max
}

struct Forwarder;

#[derive(Default)]
struct Text {
    message: String,
    fields: String,
}

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }
}

impl Subscriber for Forwarder {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if metadata.is_event() && level_enabled(metadata.level()) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        let max = MAX_LEVEL.load(Ordering::Relaxed);
        Some(match max {
            u8::MAX => tracing::level_filters::LevelFilter::OFF,
            _ => [
                LogLevel::Error,
                LogLevel::Warn,
                LogLevel::Info,
                LogLevel::Debug,
                LogLevel::Trace,
            ]
            .into_iter()
            .find(|l| l.code() == max)
            .map_or(tracing::level_filters::LevelFilter::TRACE, LogLevel::filter),
        })
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.is_event() && level_enabled(metadata.level())
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        if FORWARDING.with(Cell::get) {
            return;
        }
        let logger = match LOGGER.read() {
            Ok(slot) => slot.clone(),
            Err(_) => None,
        };
        let Some(logger) = logger else {
            return;
        };
        let mut text = Text::default();
        event.record(&mut text);
        let meta = event.metadata();
        let record = LogRecord {
            level: LogLevel::of(meta.level()),
            target: meta.target().to_string(),
            message: format!("{}{}", text.message, text.fields),
        };
        FORWARDING.with(|f| f.set(true));
        let _ = logger.log(record);
        FORWARDING.with(|f| f.set(false));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    struct Collect(Mutex<Vec<LogRecord>>);

    impl Logger for Collect {
        fn log(&self, record: LogRecord) -> Result<(), OrientationError> {
            if let Ok(mut v) = self.0.lock() {
                v.push(record);
            }
            // A logger that fails must not break anything.
            Err(OrientationError::Internal)
        }
    }

    #[test]
    fn events_reach_the_logger_at_its_level_and_stop_when_cleared() {
        let logger = Arc::new(Collect(Mutex::new(Vec::new())));
        set_logger(logger.clone(), LogLevel::Info);
        tracing::info!(docs = 3, "catalogue ouvert");
        tracing::debug!("trop détaillé");
        set_logger(logger.clone(), LogLevel::Debug);
        tracing::debug!("maintenant visible");
        clear_logger();
        tracing::error!("après clear");
        let got = logger.0.lock().unwrap().clone();
        let ours: Vec<&LogRecord> = got
            .iter()
            .filter(|r| r.target == "orientation_ffi::logging::tests")
            .collect();
        assert_eq!(ours.len(), 2, "{got:?}");
        assert_eq!(ours[0].level, LogLevel::Info);
        assert_eq!(ours[0].message, "catalogue ouvert docs=3");
        assert_eq!(ours[1].message, "maintenant visible");
    }
}
