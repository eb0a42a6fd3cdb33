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

    // Which hosts are accepted is `core::net`'s rule and tested there; here, what this module adds.
    #[test]
    fn base_url_ends_with_a_slash_and_says_refusals_in_update_words() {
        assert_eq!(
            base_url(" http://127.0.0.1:9/pub ")
                .unwrap()
                .join("manifest.json")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9/pub/manifest.json"
        );
        assert!(matches!(
            base_url("http://catalogue.invalid/"),
            Err(crate::Error::Sync(SyncError::Insecure(_)))
        ));
        assert!(matches!(
            base_url("pas une adresse"),
            Err(crate::Error::Sync(SyncError::BadUrl(_)))
        ));
    }
}
