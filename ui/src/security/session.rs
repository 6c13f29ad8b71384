//! The launch token, swapped once for a session cookie.
//!
//! The window opens `/?token=…`; the server checks it, sets an `HttpOnly; SameSite=Strict`
//! cookie and redirects to the clean URL, so the token leaves the address bar and the
//! history. Every later request proves itself with the cookie.

use crate::{ApiError, App, Auth, Token};
use axum::{
    extract::{Query, Request},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

/// The cookie's name. Browsers do not isolate cookies by port, so each port gets its own
/// name, or two running instances would overwrite each other's session.
#[derive(Debug, Clone)]
pub struct SessionCookie {
    name: String,
}

impl SessionCookie {
    pub fn for_port(port: u16) -> Self {
        Self {
            name: format!("datastar_desktop_{port}"),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn set_cookie(&self, token: &Token) -> String {
        format!(
            "{}={}; HttpOnly; SameSite=Strict; Path=/",
            self.name,
            token.reveal()
        )
    }

    /// The value of our cookie, if the request carries it (in any of its `Cookie` headers).
    fn read<'a>(&self, headers: &'a HeaderMap) -> Option<&'a str> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find_map(|(name, value)| (name == self.name).then_some(value))
    }
}

#[derive(Deserialize)]
struct TokenParam {
    token: Option<String>,
}

/// What the session check decided for a request that may go on.
pub enum Admission {
    /// Signed in: on to the route.
    Proceed,
    /// A valid launch token: answer with the cookie and a redirect to the clean URL.
    SignedIn(Response),
}

pub fn check(app: &App, request: &Request) -> Result<Admission, ApiError> {
    let Auth::Token(token) = app.auth() else {
        return Ok(Admission::Proceed);
    };
    let cookie = app.session_cookie();

    if let Some(offered) = offered_token(request) {
        if !token.matches(&offered) {
            return Err(ApiError::WrongToken);
        }
        return Ok(Admission::SignedIn(sign_in(
            cookie,
            token,
            request.uri().path(),
        )));
    }

    match cookie.read(request.headers()) {
        Some(value) if token.matches(value) => Ok(Admission::Proceed),
        Some(_) => Err(ApiError::WrongToken),
        None => Err(ApiError::MissingSession),
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

fn sign_in(cookie: &SessionCookie, token: &Token, path: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    let location = HeaderValue::from_str(path).unwrap_or(HeaderValue::from_static("/"));
    headers.insert(header::LOCATION, location);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&cookie.set_cookie(token)) {
        headers.insert(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_our_cookie_among_others() {
        let cookie = SessionCookie::for_port(4000);
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            "a=1; datastar_desktop_4001=other".parse().unwrap(),
        );
        headers.append(
            header::COOKIE,
            "datastar_desktop_4000=mine; b=2".parse().unwrap(),
        );
        assert_eq!(cookie.read(&headers), Some("mine"));
        assert_eq!(SessionCookie::for_port(4002).read(&headers), None);
    }
}
