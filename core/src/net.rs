//! The one rule for every remote address the app talks to (the chat's homeserver, catalogue updates):
//! HTTPS anywhere, plain HTTP only to this machine (loopback: 127.0.0.0/8, ::1, localhost) for tests and
//! development. Checked before any connection is attempted; `core::sync` checks each redirect again.
//! Always compiled, whatever the features, so the chat and the updates share this one rule.

pub use url::Url;

/// Why an address was refused. The text says what is required; it holds the address (which is
/// configuration, never user data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlRefusal {
    #[error("HTTPS obligatoire (http:// seulement vers cette machine : 127.0.0.1, ::1, localhost) : {0}")]
    Insecure(String),
    #[error("adresse invalide (https://… attendu) : {0}")]
    Invalid(String),
}

/// Whether the host is this machine: 127.0.0.0/8, ::1, `localhost` and its subdomains.
pub fn is_loopback(url: &Url) -> bool {
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

/// Refuses what is not https with a host (or http to loopback).
pub fn check_url(url: &Url) -> Result<(), UrlRefusal> {
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" | "https" => Err(UrlRefusal::Insecure(url.as_str().to_string())),
        _ => Err(UrlRefusal::Invalid(url.as_str().to_string())),
    }
}

/// Parses `text` (trimmed) and applies [`check_url`].
pub fn parse_remote_url(text: &str) -> Result<Url, UrlRefusal> {
    let text = text.trim();
    let url = Url::parse(text).map_err(|_| UrlRefusal::Invalid(text.to_string()))?;
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
            "https://matrix.region.fr",
            "http://127.0.0.1:8090/",
            "http://127.3.4.5/x",
            "http://[::1]:80/",
            "http://localhost:1234/a/b",
            "http://LOCALHOST./",
            " http://127.0.0.1:8008 ",
        ] {
            assert!(parse_remote_url(ok).is_ok(), "{ok}");
        }
        for insecure in [
            "http://catalogue.invalid/",
            "http://10.0.0.1/",
            "http://[::2]/",
            "http://localhost.evil.invalid/",
            "http://127.0.0.1.nip.invalid/",
        ] {
            let err = parse_remote_url(insecure).unwrap_err();
            assert!(matches!(err, UrlRefusal::Insecure(_)), "{insecure}");
            assert!(err.to_string().contains("HTTPS obligatoire"), "{err}");
        }
        for invalid in [
            "ftp://127.0.0.1/",
            "file:///etc/passwd",
            "pas une adresse",
            "",
        ] {
            assert!(
                matches!(parse_remote_url(invalid), Err(UrlRefusal::Invalid(_))),
                "{invalid}"
            );
        }
    }
}
