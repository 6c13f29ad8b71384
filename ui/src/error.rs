//! Every way a request can fail, each with its status and a one-line message.

use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

/// A request the server refuses. The message is what the client reads, so it says what
/// was wrong and, where it helps, what to do instead.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{}", .0.missing())]
    MissingSignals(Carrier),
    #[error("the {carrier} must be JSON signals, with {expected}")]
    InvalidSignals {
        carrier: Carrier,
        expected: &'static str,
    },
    #[error("a save must be a JSON object of signals, with `input` a string and `show` a boolean")]
    InvalidSave,
    #[error("{field} is {chars} characters long; the limit is {limit}")]
    TooLong {
        field: &'static str,
        chars: usize,
        limit: usize,
    },
    #[error("the save is larger than its limit of {0} bytes")]
    SaveTooLarge(usize),
    #[error("the query string is {bytes} bytes long; the limit is {limit}")]
    QueryTooLong { bytes: usize, limit: usize },
    #[error("the request head is {bytes} bytes long; the limit is {limit}")]
    HeadTooLarge { bytes: usize, limit: usize },
    #[error("this endpoint only answers Datastar requests (`Datastar-Request: true`)")]
    NotADatastarRequest,
    #[error("the server is carrying its maximum of {0} live feeds; try again later")]
    TooManyFeeds(usize),
    #[error("no such page: {0}")]
    NotFound(String),
    #[error("method {0} is not allowed on this route")]
    MethodNotAllowed(String),
    #[error("unexpected Host header {0:?}: this server only answers its own loopback address")]
    WrongHost(String),
    #[error("the request names {target:?} in its target but {host:?} in Host: send one address")]
    TargetAuthorityMismatch { target: String, host: String },
    #[error("cross-site request refused")]
    CrossSite,
    #[error("not signed in: open the URL that the app printed, with its ?token=")]
    MissingSession,
    #[error(
        "wrong or already used token: each sign-in URL works once; start the app again for a new one"
    )]
    WrongToken,
    #[error("this session has ended (the server restarted): sign in again with a new URL")]
    StaleSession,
    #[error("the {0} header appears more than once")]
    DuplicateHeader(&'static str),
    #[error("the server could not save the page's state; it is still running")]
    NotSaved,
    #[error("the app is still busy with earlier requests; try again in a moment")]
    NativeBusy,
    #[error("the app's native side has stopped; restart the app")]
    NativeGone,
    #[error("the server hit an internal error; it is still running")]
    Internal,
}

/// Where an action's signals come in: Datastar's `@get` sends them in the `datastar` query
/// parameter, and `@post` as the request's JSON body. A refusal names the one it read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    Query,
    Body,
}

impl Carrier {
    fn missing(self) -> &'static str {
        match self {
            Self::Query => {
                "missing the `datastar` query parameter: send this request with Datastar's @get"
            }
            Self::Body => "missing the signals: send this request with Datastar's @post",
        }
    }
}

impl std::fmt::Display for Carrier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Query => "`datastar` parameter",
            Self::Body => "body",
        })
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingSignals(_)
            | Self::InvalidSignals { .. }
            | Self::InvalidSave
            | Self::NotADatastarRequest
            | Self::DuplicateHeader(_)
            | Self::TargetAuthorityMismatch { .. } => StatusCode::BAD_REQUEST,
            Self::TooLong { .. } | Self::SaveTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::QueryTooLong { .. } => StatusCode::URI_TOO_LONG,
            Self::HeadTooLarge { .. } => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::TooManyFeeds(_) | Self::NotSaved | Self::NativeBusy | Self::NativeGone => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::WrongHost(_) => StatusCode::MISDIRECTED_REQUEST,
            Self::CrossSite => StatusCode::FORBIDDEN,
            Self::MissingSession | Self::WrongToken | Self::StaleSession => {
                StatusCode::UNAUTHORIZED
            }
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(%status, "{self}");
        } else {
            tracing::debug!(%status, "{self}");
        }
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{self}\n"),
        )
            .into_response()
    }
}
