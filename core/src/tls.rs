//! The process's one TLS crypto provider: rustls on `ring`.
//!
//! rustls picks its provider from the features it was built with, and when more than one is compiled in
//! (on Android, matrix-sdk's dependencies also turn on rustls' default `aws-lc-rs`), it refuses to guess:
//! building a client then needs a process default. Our patched reqwest (third_party/README.md) falls back
//! to ring when none is installed; installing it here, before any HTTP client (updates, the chat, the
//! advisor) is built, makes every build and platform use the same ciphers whatever the feature set.
//! Why ring: one crypto library instead of two, and aws-lc-sys was the biggest C build of the tree and the
//! biggest crypto in the shipped library (README, "Measuring").

use std::sync::Once;

/// Installs ring as the process-wide default provider. Idempotent and cheap after the first call; if
/// another provider was installed first (an embedding app's choice), that one stays: rustls allows one
/// default per process and any of them checks certificates the same way.
pub fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err only means a default is already there: nothing to do then.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
