//! The defence against DNS rebinding: a page on `evil.example` that resolves to our address
//! still sends `Host: evil.example`, so anything but the address we serve is refused.
//!
//! Only the literal address the server is bound to passes, not `localhost` nor `[::1]`: those
//! name addresses we do not hold, which another local user could bind to receive a sign-in
//! URL meant for us.

use crate::error::ApiError;
use axum::http::{HeaderMap, Uri, header};
use std::net::{Ipv4Addr, SocketAddr};

/// The one `Host` value this server answers to.
#[derive(Debug, Clone)]
pub struct AllowedHosts(String);

impl AllowedHosts {
    /// A wildcard bind is served as `127.0.0.1`, the address its URL names.
    pub fn for_addr(addr: SocketAddr) -> Self {
        let addr = if addr.ip().is_unspecified() {
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port())
        } else {
            addr
        };
        Self(addr.to_string())
    }

    pub fn allows(&self, host: &str) -> bool {
        self.0 == host
    }
}

pub fn check(allowed: &AllowedHosts, headers: &HeaderMap) -> Result<(), ApiError> {
    let host =
        super::single(headers, header::HOST, "Host")?.map_or(&[][..], |value| value.as_bytes());
    if std::str::from_utf8(host).is_ok_and(|host| allowed.allows(host)) {
        return Ok(());
    }
    Err(ApiError::WrongHost(
        String::from_utf8_lossy(host).into_owned(),
    ))
}

/// An absolute-form target (`GET http://evil.example/ HTTP/1.1`) must name the same
/// authority as `Host`: a proxy in front would route by the one, and we would check the
/// other. Origin-form targets (`GET / HTTP/1.1`), which browsers send, have none.
pub fn check_target(uri: &Uri, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(target) = uri.authority() else {
        return Ok(());
    };
    let host = headers
        .get(header::HOST)
        .map(|host| String::from_utf8_lossy(host.as_bytes()).into_owned())
        .unwrap_or_default();
    if target.as_str() == host {
        return Ok(());
    }
    Err(ApiError::TargetAuthorityMismatch {
        target: target.as_str().to_owned(),
        host,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_our_own_address_only() {
        let hosts = AllowedHosts::for_addr("127.4.5.6:4321".parse().unwrap());
        assert!(hosts.allows("127.4.5.6:4321"));
        for bad in [
            "",
            "127.4.5.6",
            "127.4.5.6:4322",
            "127.0.0.1:4321",
            "localhost:4321",
            "[::1]:4321",
            "evil.example:4321",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
    }

    #[test]
    fn an_absolute_target_must_name_the_host() {
        let headers = |host: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, host.parse().unwrap());
            headers
        };
        let ours = headers("127.4.5.6:4321");
        let uri = |target: &str| target.parse::<Uri>().unwrap();
        assert!(check_target(&uri("/get"), &ours).is_ok());
        assert!(check_target(&uri("http://127.4.5.6:4321/get"), &ours).is_ok());
        let refused = check_target(&uri("http://evil.example/"), &ours).unwrap_err();
        assert_eq!(refused.status(), axum::http::StatusCode::BAD_REQUEST);
        assert!(check_target(&uri("http://127.4.5.6:4322/"), &ours).is_err());
    }

    #[test]
    fn a_wildcard_bind_is_served_as_127_0_0_1() {
        let hosts = AllowedHosts::for_addr("0.0.0.0:4321".parse().unwrap());
        assert!(hosts.allows("127.0.0.1:4321"));
        assert!(!hosts.allows("0.0.0.0:4321"));
    }
}
