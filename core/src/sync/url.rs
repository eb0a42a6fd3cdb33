//! Which addresses an update may be fetched from: HTTPS anywhere, plain HTTP only to this machine
//! (loopback: 127.0.0.0/8, ::1, localhost) for tests and development. Checked before any connection,
//! and again on each redirect.

use super::error::SyncError;
use crate::error::Result;
use reqwest::Url;

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        None => false,
    }
}

/// Refuses what is not https (or http to loopback).
pub fn check_url(url: &Url) -> std::result::Result<(), SyncError> {
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" | "https" => Err(SyncError::Insecure(url.as_str().to_string())),
        _ => Err(SyncError::BadUrl(url.as_str().to_string())),
    }
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
