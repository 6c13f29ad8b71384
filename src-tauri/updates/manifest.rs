//! The release manifest (`latest.json`), fetched here rather than by the updater plugin.
//!
//! The plugin reads whatever an endpoint sends into memory, with no size limit, and waits
//! for as long as it is made to unless given a timeout. A hostile or broken update server
//! must cost the app neither, so the manifest is fetched with a deadline and a size cap, its
//! version compared with ours, and only then handed to the plugin
//! (`Updater::restore_update`), which picks the entry for this package and, at download,
//! checks the signature, bound to that version.

use super::https_only::{HttpsOnly, NotHttps};
use semver::Version;
use std::time::Duration;

/// A manifest is a version, a date, release notes and a few URLs and signatures.
pub const MAX_MANIFEST_BYTES: usize = 64 * 1024;
/// How long a check may take, from connecting to the manifest's last byte.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a check found no answer, in words for the page ("Update failed: …").
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("could not connect to {host}")]
    Unreachable { host: String },
    #[error("the update server did not answer within {} s", CHECK_TIMEOUT.as_secs())]
    TimedOut,
    #[error("the update server answered {0}")]
    Status(reqwest::StatusCode),
    #[error("the release manifest is larger than {} KiB", MAX_MANIFEST_BYTES / 1024)]
    TooLarge,
    #[error("the release manifest could not be read: {0}")]
    Malformed(String),
    #[error("the update server offers version {offered}, older than this one ({current})")]
    Older { offered: Version, current: Version },
    #[error(transparent)]
    NotHttps(#[from] NotHttps),
}

impl ManifestError {
    /// No answer at all: offline, or the server is down. An automatic check says nothing
    /// of it but a log line.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Self::Unreachable { .. } | Self::TimedOut)
    }
}

/// What a manifest offers, measured against the running version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    UpToDate,
    Newer(Version),
}

/// Fetches the manifest at `url` with `client` (which follows only HTTPS redirects), within [`CHECK_TIMEOUT`] and [`MAX_MANIFEST_BYTES`].
pub async fn fetch(
    client: &reqwest::Client,
    url: &url::Url,
) -> Result<serde_json::Value, ManifestError> {
    tokio::time::timeout(CHECK_TIMEOUT, fetch_bounded(client, url))
        .await
        .map_err(|_| ManifestError::TimedOut)?
}

async fn fetch_bounded(
    client: &reqwest::Client,
    url: &url::Url,
) -> Result<serde_json::Value, ManifestError> {
    let mut response = client
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|err| {
            tracing::debug!(%err, "update check");
            match HttpsOnly::refused(&err) {
                Some(refused) => ManifestError::NotHttps(refused),
                None => ManifestError::Unreachable {
                    host: url.host_str().unwrap_or_default().to_owned(),
                },
            }
        })?;
    if !response.status().is_success() {
        return Err(ManifestError::Status(response.status()));
    }
    if response
        .content_length()
        .is_some_and(|length| length > MAX_MANIFEST_BYTES as u64)
    {
        return Err(ManifestError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| ManifestError::Malformed(err.to_string()))?
    {
        if body.len() + chunk.len() > MAX_MANIFEST_BYTES {
            return Err(ManifestError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|err| ManifestError::Malformed(err.to_string()))
}

/// What `manifest` offers to a running `current`. An older version is refused outright:
/// the server is wrong or hostile, and a downgrade would bring back fixed bugs.
pub fn offer(manifest: &serde_json::Value, current: &Version) -> Result<Offer, ManifestError> {
    let version = manifest
        .get("version")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| ManifestError::Malformed("it names no version".into()))?;
    // Tauri's own manifests may write `v1.2.3`.
    let offered = Version::parse(version.trim_start_matches('v'))
        .map_err(|err| ManifestError::Malformed(format!("version {version:?}: {err}")))?;
    match offered.cmp(current) {
        std::cmp::Ordering::Greater => Ok(Offer::Newer(offered)),
        std::cmp::Ordering::Equal => Ok(Offer::UpToDate),
        std::cmp::Ordering::Less => Err(ManifestError::Older {
            offered,
            current: current.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_a_newer_version_is_an_offer_and_an_older_one_is_refused() {
        let current = Version::new(0, 2, 0);
        let offer_of = |version: &str| offer(&json!({ "version": version }), &current);
        assert_eq!(
            offer_of("0.3.0").unwrap(),
            Offer::Newer(Version::new(0, 3, 0))
        );
        assert_eq!(
            offer_of("v0.2.1").unwrap(),
            Offer::Newer(Version::new(0, 2, 1))
        );
        assert_eq!(offer_of("0.2.0").unwrap(), Offer::UpToDate);
        let older = offer_of("0.1.9").unwrap_err();
        assert_eq!(
            older.to_string(),
            "the update server offers version 0.1.9, older than this one (0.2.0)"
        );
        assert!(!older.is_unreachable());
        for bad in [
            json!({}),
            json!({ "version": 3 }),
            json!({ "version": "three" }),
        ] {
            assert!(matches!(
                offer(&bad, &current),
                Err(ManifestError::Malformed(_))
            ));
        }
    }

    /// A server that answers each connection with `response`, once.
    async fn serve(response: Vec<u8>) -> url::Url {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut head = [0; 4096];
                let _ = stream.read(&mut head).await;
                let _ = stream.write_all(&response).await;
            }
        });
        format!("http://{addr}/latest.json").parse().unwrap()
    }

    fn http(status: &str, body: &str) -> Vec<u8> {
        format!(
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }

    /// As the app makes it, for a test build whose endpoint is `url`.
    fn client_for(url: &url::Url) -> reqwest::Client {
        HttpsOnly::new(url, true).client().unwrap()
    }

    #[tokio::test]
    async fn a_manifest_is_read_whole_and_bad_ones_get_their_reason() {
        let good = serve(http("200 OK", r#"{"version":"1.0.0"}"#)).await;
        assert_eq!(
            fetch(&client_for(&good), &good).await.unwrap()["version"],
            "1.0.0"
        );

        let missing = serve(http("404 Not Found", "no")).await;
        let client = client_for(&missing);
        assert_eq!(
            fetch(&client, &missing).await.unwrap_err().to_string(),
            "the update server answered 404 Not Found"
        );
        let malformed = serve(http("200 OK", "{not json")).await;
        assert!(matches!(
            fetch(&client, &malformed).await,
            Err(ManifestError::Malformed(_))
        ));
        let huge = "x".repeat(MAX_MANIFEST_BYTES + 1);
        let announced = serve(http("200 OK", &huge)).await;
        assert!(matches!(
            fetch(&client, &announced).await,
            Err(ManifestError::TooLarge)
        ));
        // No length announced: the cap still holds as the bytes arrive.
        let mut chunked = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
        chunked.extend(huge.as_bytes());
        let unannounced = serve(chunked).await;
        assert!(matches!(
            fetch(&client, &unannounced).await,
            Err(ManifestError::TooLarge)
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn a_server_that_never_answers_times_out() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/latest.json", listener.local_addr().unwrap())
            .parse()
            .unwrap();
        let held = tokio::spawn(async move {
            let connection = listener.accept().await;
            std::future::pending::<()>().await;
            drop(connection);
        });
        let err = fetch(&client_for(&url), &url).await.unwrap_err();
        assert!(matches!(err, ManifestError::TimedOut), "{err}");
        assert!(err.is_unreachable(), "an automatic check stays silent");
        held.abort();
    }

    #[tokio::test]
    async fn no_server_is_unreachable() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/latest.json")
            .parse()
            .unwrap();
        let err = fetch(&client_for(&url), &url).await.unwrap_err();
        assert!(err.is_unreachable(), "{err}");
    }

    #[tokio::test]
    async fn a_redirect_to_plain_http_elsewhere_is_refused() {
        let elsewhere = serve(http("200 OK", r#"{"version":"1.0.0"}"#)).await;
        let elsewhere = elsewhere.as_str().replace("127.0.0.1", "localhost");
        let redirect = format!(
            "HTTP/1.1 302 Found\r\nLocation: {elsewhere}\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n"
        );
        let url = serve(redirect.into_bytes()).await;
        let err = fetch(&client_for(&url), &url).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{elsewhere} is not HTTPS, and the update is refused")
        );
        assert!(
            !err.is_unreachable(),
            "a refusal, not a server that is down"
        );
    }
}
