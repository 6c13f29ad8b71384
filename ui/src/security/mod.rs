//! Only the app's own window may use the server.
//!
//! A server on `127.0.0.1` is reachable by every web page in the user's browser and by every
//! local process. The checks here turn all of them away with a clear 4xx.
//! `SECURITY.md` explains the threat model.

mod cross_site;
mod headers;
mod host;
mod policy;
mod session;
mod token;

pub use headers::CONTENT_SECURITY_POLICY;
pub use host::AllowedHosts;
pub use policy::Policy;
pub use session::{SessionCookie, cookie_name as session_cookie_name, secret_base_path};
pub use token::{Auth, LaunchTokens, Token, TokenError};
pub mod token_rules {
    //! What a chosen token must be, and what a wrong guess costs.
    pub use super::token::{MIN_CHOSEN_LEN, WRONG_GUESS_MAX, WRONG_GUESS_STEP};
}

use crate::{error::ApiError, limits, native_requests::NativeRequest, sign_in_mark::SignInMark};
use axum::{
    Router,
    body::{Body, Bytes, HttpBody},
    extract::Request,
    http::{HeaderMap, HeaderName, HeaderValue, header},
    response::{IntoResponse, Response},
};
use futures_util::{FutureExt, future::BoxFuture};
use session::Admission;
use std::{
    any::Any,
    convert::Infallible,
    panic::AssertUnwindSafe,
    sync::Arc,
    task::{Context, Poll},
    time::Instant,
};
use tower::{BoxError, Service, ServiceExt};
use tracing::Instrument;

/// Puts the whole router behind the guard, which lets in what `policy` allows.
pub fn protect(routes: Router, policy: Arc<Policy>) -> Protected {
    Protected { routes, policy }
}

/// The routes behind the guard, as one tower service: what [`crate::router`] returns.
///
/// Our own service, around the router, rather than axum's `from_fn` layered onto it, because
/// every layer costs every request and `/get` is hot. `Router::layer` wraps each route on its
/// own, and `from_fn` then boxes its future, clones and boxes the route it wraps and boxes
/// that one's future too: six allocations per request. Here one boxed future remains. For
/// the same reason the guard also logs the request, where `tower_http`'s `TraceLayer` would
/// wrap (and box) every response body, and a feed body lives as long as its client; and it
/// catches panics, where `CatchPanicLayer` would box every body too.
#[derive(Clone)]
pub struct Protected {
    routes: Router,
    policy: Arc<Policy>,
}

impl<B> Service<axum::http::Request<B>> for Protected
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    /// A router is always ready, and so is the guard.
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: axum::http::Request<B>) -> Self::Future {
        let guarded = guard(
            self.policy.clone(),
            request.map(Body::new),
            self.routes.clone(),
        );
        Box::pin(guarded.map(Ok))
    }
}

/// Runs every check in the order below; the first that fails answers. Every response,
/// refusals and panics included, leaves with the security headers.
async fn guard(policy: Arc<Policy>, request: Request, routes: Router) -> Response {
    let span = request_span(&policy, &request);
    async move {
        let started = Instant::now();
        // Last line of defence: handlers do not panic, but if one ever does, the client
        // gets a message and the server keeps serving. A panic while a body streams (after
        // this returns) ends only that connection's task, which tokio catches.
        let mut response = AssertUnwindSafe(answer(&policy, request, routes))
            .catch_unwind()
            .await
            .unwrap_or_else(panic_response);
        headers::add(response.headers_mut());
        tracing::debug!(status = response.status().as_u16(), latency = ?started.elapsed(), "answered");
        response
    }
    .instrument(span)
    .await
}

/// The route's response if every check passes, else the first refusal.
async fn answer(policy: &Policy, request: Request, routes: Router) -> Response {
    match admit(policy, &request) {
        Ok(admission) => {
            // A connection that proved itself is never evicted to make room. Only requests
            // on a connection not yet signed in carry the mark.
            if let Some(mark) = request.extensions().get::<SignInMark>() {
                mark.set();
            }
            match admission {
                Admission::Proceed => match routes.oneshot(request).await {
                    Ok(response) => response,
                    Err(infallible) => match infallible {},
                },
                Admission::SignedIn(redirect) => redirect,
            }
        }
        Err(refusal) => {
            match refusal {
                ApiError::WrongToken => policy.launch_tokens().after_wrong_guess().await,
                ApiError::MissingSession | ApiError::StaleSession => {
                    page_came_back_signed_out(policy, &request);
                }
                _ => {}
            }
            // A refused client gets its answer and no kept-alive connection to hold.
            let mut response = refusal.into_response();
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

/// A request under the secret path without a valid session comes from a page that knew
/// the path and lost its cookie (in the desktop app, because WebKit's network process died
/// with it): the native side, if any, signs the window in afresh. Only the path is a sign of
/// ours; a stranger who does not know it is just refused.
fn page_came_back_signed_out(policy: &Policy, request: &Request) {
    let Some(native) = policy.native() else {
        return;
    };
    let under_base = request
        .uri()
        .path()
        .strip_prefix(policy.base_path())
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if !under_base {
        return;
    }
    // A full queue already holds requests the shell has yet to read; the page keeps asking.
    if let Err(err) = native.send(NativeRequest::SignInAgain) {
        tracing::debug!(%err, "the native side was not told of a signed-out page");
    }
}

fn admit(policy: &Policy, request: &Request) -> Result<Admission, ApiError> {
    limits::check_head(request)?;
    host::check(policy.allowed_hosts(), request.headers())?;
    host::check_target(request.uri(), request.headers())?;
    limits::check_query(request.uri())?;
    cross_site::check(request.headers())?;
    session::check(policy, request)
}

/// A `HeaderName`, not a `&str`: a string is parsed into a name on every lookup.
const DATASTAR_REQUEST: HeaderName = HeaderName::from_static("datastar-request");

/// Proof that a request is a Datastar action: Datastar always sends `Datastar-Request:
/// true`, and nothing else should call an action. Every action handler takes one.
///
/// An extractor rather than a middleware layer, which would box a future on every request,
/// and `/get` is hot.
#[derive(Debug, Clone, Copy)]
pub struct DatastarAction;

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for DatastarAction {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, ApiError> {
        let value = single(&parts.headers, DATASTAR_REQUEST, "Datastar-Request")?;
        if value.is_some_and(|value| value == "true") {
            Ok(Self)
        } else {
            Err(ApiError::NotADatastarRequest)
        }
    }
}

/// The header's one value, if any. Twice is an error, not a choice: a proxy and the server
/// could each read a different one.
fn single<'a>(
    headers: &'a HeaderMap,
    name: impl header::AsHeaderName,
    display: &'static str,
) -> Result<Option<&'a HeaderValue>, ApiError> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(ApiError::DuplicateHeader(display));
    }
    Ok(first)
}

/// Logs the path only, and without the secret base path: the query may carry the launch
/// token or the user's input, and the base path is half of what opens the server.
fn request_span(policy: &Policy, request: &Request) -> tracing::Span {
    let path = request.uri().path();
    let path = path.strip_prefix(policy.base_path()).unwrap_or(path);
    tracing::debug_span!("request", method = %request.method(), path)
}

fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic");
    tracing::error!(detail, "a handler panicked");
    ApiError::Internal.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{body::Body, http::StatusCode, routing::get};
    use tower::ServiceExt;

    fn request(policy: &Policy, path: &str) -> Request {
        Request::builder()
            .uri(path)
            .header("host", policy.addr().to_string())
            .body(Body::empty())
            .expect("a valid request")
    }

    /// The route exists only in this test: no real handler panics, so only a planted one
    /// can show that the layer turns a panic into a message and a 500.
    #[tokio::test]
    async fn a_panicking_handler_gets_a_500_with_a_message() {
        async fn planted() -> &'static str {
            panic!("planted")
        }
        let policy = Arc::new(Policy::new(
            "127.0.0.1:4000".parse().unwrap(),
            Auth::Disabled,
            None,
        ));
        let routes = Router::new().route("/panic", get(planted));
        let response = protect(routes, policy.clone())
            .oneshot(request(&policy, "/panic"))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers()[header::CONTENT_SECURITY_POLICY],
            CONTENT_SECURITY_POLICY,
            "with the security headers, like every response"
        );
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        assert_eq!(body, format!("{}\n", ApiError::Internal));
    }
}
