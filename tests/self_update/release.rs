//! The release server the installed app updates from: `latest.json` and the packages, on
//! loopback, each way a real or hostile update server might answer.

use axum::{
    Router,
    body::Body,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use futures_util::StreamExt;
use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};
use tokio::net::TcpListener;

/// How the server answers the next check and download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The newer version, signed with the app's key, sent slowly enough to watch.
    Good,
    /// Signed with another key.
    SignedByAnother,
    /// With an empty signature.
    Unsigned,
    /// The package with one byte changed after signing.
    Tampered,
    /// An older version than the one installed.
    Older,
    /// A valid manifest past the app's size cap.
    Oversized,
    Malformed,
    NotFound,
    /// Accepts, and never answers.
    Hangs,
    /// Redirects the manifest to plain HTTP on another host.
    ManifestToPlainHttp,
    /// Names a package on plain HTTP on another host.
    PlainHttpPackage,
    /// Redirects the package to plain HTTP on another host.
    PackageToPlainHttp,
    /// The good release, whose package comes a byte at a time, one every [`DRIP`].
    Drips,
}

/// How often a dripping download sends its next byte: often enough that it never stalls.
pub const DRIP: Duration = Duration::from_secs(2);

/// The package, and what the server knows of the newer release.
pub struct Release {
    /// The manifest `scripts/bundle.sh` wrote for the newer version.
    pub manifest: serde_json::Value,
    /// The signature of the `.deb` made with another key.
    pub foreign_signature: String,
    /// Package file name → bytes.
    pub packages: HashMap<String, Vec<u8>>,
}

#[derive(Clone)]
pub struct ReleaseServer {
    /// The same server, named so that it is another origin than the one built into the app:
    /// `http://localhost:<port>`.
    pub elsewhere: String,
    release: Arc<Release>,
    answer: Arc<Mutex<Answer>>,
    /// Every request the app has made, so that a test can tell it made none.
    requests: Arc<AtomicUsize>,
}

/// The chunks the package is sent in, and the pause after each: a 6 MiB package takes
/// about 4 s, so that the page's progress bar can be seen moving.
const CHUNK: usize = 32 * 1024;
const PAUSE: Duration = Duration::from_millis(20);

impl ReleaseServer {
    /// Serves `release` on `listener` (bound before the app was built, so that its URL could
    /// be built into the app).
    pub fn start(listener: TcpListener, release: Release) -> Self {
        let port = listener
            .local_addr()
            .map(|addr| addr.port())
            .unwrap_or_default();
        let server = Self {
            elsewhere: format!("http://localhost:{port}"),
            release: Arc::new(release),
            answer: Arc::new(Mutex::new(Answer::Good)),
            requests: Arc::default(),
        };
        let router = Router::new()
            .route("/latest.json", get(manifest))
            .route("/download/{name}", get(package))
            .with_state(server.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        server
    }

    pub fn answer(&self, answer: Answer) {
        *self.answer.lock().unwrap() = answer;
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn current(&self) -> Answer {
        self.requests.fetch_add(1, Ordering::SeqCst);
        *self.answer.lock().unwrap()
    }
}

async fn manifest(State(server): State<ReleaseServer>) -> Response {
    let mut manifest = server.release.manifest.clone();
    let deb = &mut manifest["platforms"]["linux-x86_64-deb"];
    match server.current() {
        Answer::Good | Answer::Tampered | Answer::Drips | Answer::PackageToPlainHttp => {}
        Answer::ManifestToPlainHttp => {
            return Redirect::to(&format!("{}/latest.json", server.elsewhere)).into_response();
        }
        Answer::PlainHttpPackage => {
            let url = deb["url"].as_str().unwrap_or_default();
            let path = url.splitn(4, '/').nth(3).unwrap_or_default();
            deb["url"] = format!("{}/{path}", server.elsewhere).into();
        }
        Answer::SignedByAnother => {
            deb["signature"] = server.release.foreign_signature.clone().into();
        }
        Answer::Unsigned => deb["signature"] = "".into(),
        Answer::Older => manifest["version"] = "0.0.1".into(),
        Answer::Oversized => manifest["notes"] = "x".repeat(100 * 1024).into(),
        Answer::Malformed => return "{not json".into_response(),
        Answer::NotFound => return StatusCode::NOT_FOUND.into_response(),
        Answer::Hangs => std::future::pending().await,
    }
    axum::Json(manifest).into_response()
}

async fn package(State(server): State<ReleaseServer>, Path(name): Path<String>) -> Response {
    let answer = server.current();
    let Some(bytes) = server.release.packages.get(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut bytes = bytes.clone();
    match answer {
        Answer::Tampered => {
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0xff;
        }
        Answer::PackageToPlainHttp => {
            return Redirect::to(&format!("{}/download/{name}", server.elsewhere)).into_response();
        }
        Answer::Drips => {
            let drip = futures_util::stream::iter(bytes).then(|byte| async move {
                tokio::time::sleep(DRIP).await;
                Ok::<_, std::convert::Infallible>(vec![byte])
            });
            return Body::from_stream(drip).into_response();
        }
        _ => {}
    }
    let length = bytes.len();
    let chunks = futures_util::stream::iter(
        bytes
            .chunks(CHUNK)
            .map(|chunk| chunk.to_vec())
            .collect::<Vec<_>>(),
    )
    .then(|chunk| async move {
        tokio::time::sleep(PAUSE).await;
        Ok::<_, std::convert::Infallible>(chunk)
    });
    (
        [(axum::http::header::CONTENT_LENGTH, length.to_string())],
        Body::from_stream(chunks),
    )
        .into_response()
}
