//! Every request the updater makes is HTTPS: the manifest, the package, and each redirect
//! on the way to either.
//!
//! tauri-plugin-updater refuses a plain `http://` endpoint, but it follows a redirect from
//! one to `http://` anywhere, and it downloads from an `http://` package URL with only a
//! warning in the log. Whoever sits on that plain hop could then do all that a hostile update
//! server can: hold the updater, fill the disk up to the size cap, choose the release notes.
//! The signature still refuses a changed package, so this is about the user's time and the
//! page's text, not the package's integrity.
//!
//! A test build (`dangerousInsecureTransportProtocol`) may use plain HTTP, but only to its
//! own endpoint's origin: a redirect or a package elsewhere is refused as in a release.

use std::time::Duration;
use url::{Origin, Url};

/// reqwest's own default: enough for a CDN's hops, not for a loop.
const MAX_REDIRECTS: usize = 10;
/// How long the updater waits for a TCP and TLS connection before it calls the server
/// unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An address the updater will not use, in words for the page ("Update failed: …").
#[derive(Debug, Clone, thiserror::Error)]
#[error("{url} is not HTTPS, and the update is refused")]
pub struct NotHttps {
    pub url: Url,
}

/// The rule, for one app's endpoint.
#[derive(Debug, Clone)]
pub struct HttpsOnly {
    /// The test build's own release server, the only plain-HTTP origin it may reach.
    plain_allowed: Option<Origin>,
}

impl HttpsOnly {
    /// The rule for an app whose endpoint is `endpoint`. `insecure_allowed` is the plugin's
    /// `dangerousInsecureTransportProtocol`, off in every release.
    pub fn new(endpoint: &Url, insecure_allowed: bool) -> Self {
        Self {
            plain_allowed: insecure_allowed.then(|| endpoint.origin()),
        }
    }

    /// Whether the updater may fetch `url`.
    pub fn check(&self, url: &Url) -> Result<(), NotHttps> {
        let allowed = url.scheme() == "https"
            || self
                .plain_allowed
                .as_ref()
                .is_some_and(|origin| url.scheme() == "http" && url.origin() == *origin);
        if allowed {
            Ok(())
        } else {
            Err(NotHttps { url: url.clone() })
        }
    }

    /// An HTTP client with the system's TLS that follows a redirect only where
    /// [`Self::check`] allows. Made per check, not at start-up, which it would slow (it reads
    /// the system's certificates): checks are rare, and most launches make none.
    pub fn client(&self) -> reqwest::Result<reqwest::Client> {
        let rule = self.clone();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
            }
            match rule.check(attempt.url()) {
                Ok(()) => attempt.follow(),
                Err(refused) => attempt.error(refused),
            }
        });
        reqwest::Client::builder()
            .redirect(redirects)
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
    }

    /// The refusal behind a failed request, if it was a redirect this rule refused.
    pub fn refused(err: &reqwest::Error) -> Option<NotHttps> {
        let mut source = std::error::Error::source(err);
        while let Some(err) = source {
            if let Some(refused) = err.downcast_ref::<NotHttps>() {
                return Some(refused.clone());
            }
            source = err.source();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        text.parse().unwrap()
    }

    #[test]
    fn a_release_uses_https_only() {
        let rule = HttpsOnly::new(&url("https://releases.example/latest.json"), false);
        assert!(rule.check(&url("https://cdn.example/app.deb")).is_ok());
        for refused in [
            "http://releases.example/latest.json",
            "http://cdn.example/app.deb",
            "ftp://cdn.example/app.deb",
            "file:///tmp/app.deb",
        ] {
            let err = rule.check(&url(refused)).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("{refused} is not HTTPS, and the update is refused")
            );
        }
    }

    #[test]
    fn a_test_build_reaches_its_own_plain_server_and_nothing_else() {
        let rule = HttpsOnly::new(&url("http://127.0.0.1:8123/latest.json"), true);
        assert!(
            rule.check(&url("http://127.0.0.1:8123/download/a.deb"))
                .is_ok()
        );
        assert!(rule.check(&url("https://cdn.example/a.deb")).is_ok());
        for refused in [
            "http://localhost:8123/download/a.deb",
            "http://127.0.0.1:8124/download/a.deb",
            "http://cdn.example/a.deb",
        ] {
            assert!(rule.check(&url(refused)).is_err(), "{refused}");
        }
    }
}
