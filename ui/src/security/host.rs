//! The defence against DNS rebinding: a page on `evil.example` that resolves to our address
//! still sends `Host: evil.example`, so anything but the address we serve is refused.
//!
//! Only the literal address the server is bound to passes, not `localhost` nor `[::1]`: those
//! name addresses we do not hold, which another local user could bind to receive a sign-in
//! URL meant for us.

use crate::ApiError;
use axum::http::{HeaderMap, header};
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
    fn a_wildcard_bind_is_served_as_127_0_0_1() {
        let hosts = AllowedHosts::for_addr("0.0.0.0:4321".parse().unwrap());
        assert!(hosts.allows("127.0.0.1:4321"));
        assert!(!hosts.allows("0.0.0.0:4321"));
    }
}
