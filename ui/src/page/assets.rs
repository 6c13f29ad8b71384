//! The files the page loads, embedded in the binary so the app works offline.

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

/// One embedded file with its content type, cache policy and build-time fingerprint.
pub struct Asset {
    body: &'static [u8],
    content_type: &'static str,
    etag: &'static str,
    cache_control: &'static str,
}

/// Revalidate on every load: cheap (a 304) and a page edit shows up at once.
const REVALIDATE: &str = "no-cache";
/// For files whose URL names their version: they can never change under that URL.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The Datastar client's version, as the Rust code knows it. The page's `<script>` names
/// the same path (a test checks it against [`DATASTAR_JS_PATH`]), and `ui/build.rs` checks
/// the vendored file's hash, so a new client means changing this, the page, the hash and
/// `scripts/fetch-datastar.sh` together.
macro_rules! datastar_version {
    () => {
        "1.0.2"
    };
}

/// The version of the Datastar client the page runs.
pub const DATASTAR_VERSION: &str = datastar_version!();

/// The URL of the Datastar client, versioned so it can be cached forever.
pub const DATASTAR_JS_PATH: &str = concat!("/assets/datastar-", datastar_version!(), ".js");

pub const DATASTAR_JS: Asset = Asset {
    body: include_bytes!("../../vendor/datastar.js"),
    content_type: "text/javascript; charset=utf-8",
    etag: concat!("\"", env!("ASSET_ETAG_DATASTAR_JS"), "\""),
    cache_control: IMMUTABLE,
};

pub const STYLE_CSS: Asset = Asset {
    body: include_bytes!("../../assets/style.css"),
    content_type: "text/css; charset=utf-8",
    etag: concat!("\"", env!("ASSET_ETAG_STYLE_CSS"), "\""),
    cache_control: REVALIDATE,
};

pub const FAVICON_SVG: Asset = Asset {
    body: include_bytes!("../../assets/favicon.svg"),
    content_type: "image/svg+xml",
    etag: concat!("\"", env!("ASSET_ETAG_FAVICON_SVG"), "\""),
    cache_control: REVALIDATE,
};

/// The files of the page that are ours: embedded in every build, and served from disk by a
/// debug build's live reload. The Datastar client is third-party and versioned, so it is
/// always the embedded copy.
#[derive(Debug, Clone, Copy)]
pub enum PageFile {
    Stylesheet,
    Favicon,
}

impl PageFile {
    /// The embedded copy.
    pub fn respond(self, request_headers: &HeaderMap) -> Response {
        match self {
            Self::Stylesheet => STYLE_CSS.respond(request_headers),
            Self::Favicon => FAVICON_SVG.respond(request_headers),
        }
    }
}

impl Asset {
    /// Serves the file, or a bodiless 304 when the client already holds this version.
    pub fn respond(&self, request_headers: &HeaderMap) -> Response {
        let headers = [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            ),
            (header::ETAG, HeaderValue::from_static(self.etag)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(self.cache_control),
            ),
        ];
        if self.matches(request_headers) {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        (headers, self.body).into_response()
    }

    fn matches(&self, request_headers: &HeaderMap) -> bool {
        request_headers
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|tag| tag.trim().trim_start_matches("W/"))
            .any(|tag| tag == self.etag || tag == "*")
    }
}
