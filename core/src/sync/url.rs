//! Which addresses an update may be fetched from: the one rule of `core::net` (HTTPS anywhere, plain
//! HTTP only to this machine). Checked before any connection, and again on each redirect.

use super::error::SyncError;
use crate::error::Result;
use crate::net::UrlRefusal;
use reqwest::Url;

/// The shared rule of `core::net`, with the updates' own words.
pub fn check_url(url: &Url) -> std::result::Result<(), SyncError> {
    crate::net::check_url(url).map_err(|e| match e {
        UrlRefusal::Insecure(u) => SyncError::Insecure(u),
        UrlRefusal::Invalid(u) => SyncError::BadUrl(u),
    })
}

/// The published directory's address, made to end with "/" so file names join under it.
pub(crate) fn base_url(text: &str) -> Result<Url> {
    let mut text = text.trim().to_string();
    if !text.ends_with('/') {
        text.push('/');
    }
    let url = Url::parse(&text).map_err(|_| SyncError::BadUrl(text.clone()))?;
    check_url(&url)?;
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_to_loopback() {
        for ok in [
            "https://catalogue.example.fr/spro",
            "http://127.0.0.1:8090/",
            "http://127.3.4.5/x",
            "http://[::1]:80/",
            "http://localhost:1234/a/b",
            "http://LOCALHOST./",
        ] {
            assert!(base_url(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://catalogue.invalid/",
            "http://10.0.0.1/",
            "http://[::2]/",
            "http://localhost.evil.invalid/",
            "http://127.0.0.1.nip.invalid/",
            "ftp://127.0.0.1/",
            "file:///etc/passwd",
            "pas une adresse",
        ] {
            assert!(base_url(refused).is_err(), "{refused}");
        }
        assert_eq!(
            base_url("http://127.0.0.1:9/pub")
                .unwrap()
                .join("manifest.json")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9/pub/manifest.json"
        );
    }
}
