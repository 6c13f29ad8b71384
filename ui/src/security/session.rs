//! Signing in: a launch token, used once, is swapped for a session cookie.
//!
//! The window opens `/s/<path>/?token=…`; the server uses the token up, sets an
//! `HttpOnly; SameSite=Strict` cookie holding a separate session secret, and redirects to
//! `/s/<path>/`, so the token leaves the address bar and the history and could not sign
//! anyone in again anyway. Every later request proves itself with the cookie.
//!
//! The cookie's `Path` is that secret path. Browsers send a cookie to every port of its
//! host, and another local user can open a port on our address: `SameSite=Strict` keeps the
//! cookie off the first navigation there, but not off that page's own requests, which are
//! same-site. With the path, the browser sends the cookie only to URLs under it, which the
//! other port's owner cannot guess.

use super::{Auth, Policy, Token};
use crate::error::ApiError;
use axum::{
    extract::{Query, Request},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

/// The session cookie's name for a server on `port`.
pub fn cookie_name(port: u16) -> String {
    format!("datastar_desktop_{port}")
}

/// `/s/` and 128 random bits: the path every route of one server run lives under.
pub fn secret_base_path() -> String {
    format!("/s/{}", crate::random::hex::<16>())
}

/// The session cookie: its name, its path, and the secret it carries for this server's
/// lifetime.
///
/// The name has the port in it: browsers do not isolate cookies by port, so two instances
/// on one address (where only `127.0.0.1` is usable) would otherwise overwrite each other.
#[derive(Debug, Clone)]
pub struct SessionCookie {
    name: String,
    /// The server's base path, with its trailing slash.
    path: String,
    secret: Token,
}

impl SessionCookie {
    /// A fresh secret: a cookie from an earlier run of the server is refused.
    pub fn new(port: u16, base_path: &str) -> Self {
        Self {
            name: cookie_name(port),
            path: format!("{base_path}/"),
            secret: Token::generate(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn set_cookie(&self) -> String {
        format!(
            "{}={}; HttpOnly; SameSite=Strict; Path={}",
            self.name,
            self.secret.reveal(),
            self.path
        )
    }

    /// Whether any of the request's cookies with our name holds our secret. Any, not the
    /// first: a page elsewhere on this host may set a decoy of the same name (on a longer
    /// path, which browsers send first), and that must not sign the user out.
    fn verify(&self, headers: &HeaderMap) -> Verdict {
        let mut verdict = Verdict::Absent;
        for value in self.values(headers) {
            if self.secret.matches(value) {
                return Verdict::Valid;
            }
            verdict = Verdict::Invalid;
        }
        verdict
    }

    fn values<'a>(&'a self, headers: &'a HeaderMap) -> impl Iterator<Item = &'a str> + 'a {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter_map(move |(name, value)| (name == self.name).then_some(value))
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Valid,
    Invalid,
    Absent,
}

#[derive(Deserialize)]
struct TokenParam {
    token: Option<String>,
}

/// What the session check decided for a request that may go on.
pub enum Admission {
    /// Signed in (or auth is off): on to the route.
    Proceed,
    /// A launch token, now used up: answer with the cookie and a redirect to `/`.
    SignedIn(Response),
}

pub fn check(policy: &Policy, request: &Request) -> Result<Admission, ApiError> {
    if let Auth::Disabled = policy.auth() {
        return Ok(Admission::Proceed);
    }
    let cookie = policy.session_cookie();
    // A signed-in browser that opens its launch URL again just goes on.
    let verdict = cookie.verify(request.headers());
    if verdict == Verdict::Valid {
        return Ok(Admission::Proceed);
    }
    if let Some(offered) = offered_token(request) {
        if !policy.launch_tokens().redeem(&offered) {
            return Err(ApiError::WrongToken);
        }
        return Ok(Admission::SignedIn(sign_in(cookie)));
    }
    match verdict {
        Verdict::Invalid => Err(ApiError::StaleSession),
        _ => Err(ApiError::MissingSession),
    }
}

/// Only parses the query when it may hold a token: `/get` carries every signal there.
fn offered_token(request: &Request) -> Option<String> {
    request
        .uri()
        .query()
        .filter(|query| query.contains("token="))?;
    Query::<TokenParam>::try_from_uri(request.uri())
        .ok()?
        .0
        .token
}

/// Always to the page, under the base path: echoing the request's path would make this an
/// open redirect (`//other-host/` is a URL on another host), with the new cookie on the way.
fn sign_in(cookie: &SessionCookie) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(page) = HeaderValue::from_str(&cookie.path) {
        headers.insert(header::LOCATION, page);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&cookie.set_cookie()) {
        headers.insert(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookies(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::COOKIE, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_cookie_is_scoped_to_the_secret_path() {
        let path = secret_base_path();
        assert_eq!(
            path.len(),
            "/s/".len() + 32,
            "128 bits, hex-encoded: {path}"
        );
        assert_ne!(path, secret_base_path());
        let cookie = SessionCookie::new(4000, &path);
        assert!(cookie.set_cookie().ends_with(&format!("; Path={path}/")));
        let response = sign_in(&cookie);
        assert_eq!(
            response.headers()[header::LOCATION],
            format!("{path}/").as_str()
        );
    }

    #[test]
    fn any_cookie_of_our_name_with_our_secret_signs_in() {
        let cookie = SessionCookie::new(4000, "/s/x");
        let ours = format!("datastar_desktop_4000={}", cookie.secret.reveal());
        assert_eq!(
            cookie.verify(&cookies(&["a=1; datastar_desktop_4000=decoy", &ours])),
            Verdict::Valid
        );
        assert_eq!(
            cookie.verify(&cookies(&["datastar_desktop_4000=decoy; b=2"])),
            Verdict::Invalid
        );
        assert_eq!(
            cookie.verify(&cookies(&["datastar_desktop_4001=x"])),
            Verdict::Absent
        );
        assert_eq!(
            SessionCookie::new(4000, "/s/x").verify(&cookies(&[&ours])),
            Verdict::Invalid,
            "another server's secret"
        );
    }
}
