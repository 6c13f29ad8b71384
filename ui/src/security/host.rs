//! The defence against DNS rebinding: a page on `evil.example` that resolves to 127.0.0.1
//! still sends `Host: evil.example`, so anything but our own loopback names is refused.

use crate::ApiError;
use axum::http::{HeaderMap, header};
use std::net::SocketAddr;

/// The `Host` values this server answers to: its loopback names with its real port.
#[derive(Debug, Clone)]
pub struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    pub fn for_addr(addr: SocketAddr) -> Self {
        let port = addr.port();
        let mut hosts = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ];
        // Bound to a specific address, the literal IP is ours too (an IP cannot be rebound).
        if !addr.ip().is_unspecified() {
            let own = addr.to_string();
            if !hosts.contains(&own) {
                hosts.push(own);
            }
        }
        Self(hosts)
    }

    pub fn allows(&self, host: &str) -> bool {
        self.0
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(host))
    }
}

pub fn check(allowed: &AllowedHosts, headers: &HeaderMap) -> Result<(), ApiError> {
    let host = headers
        .get(header::HOST)
        .map_or(&[][..], |value| value.as_bytes());
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
    fn allows_loopback_names_on_our_port_only() {
        let hosts = AllowedHosts::for_addr("127.0.0.1:4321".parse().unwrap());
        for ok in [
            "127.0.0.1:4321",
            "localhost:4321",
            "LOCALHOST:4321",
            "[::1]:4321",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "",
            "127.0.0.1",
            "127.0.0.1:4322",
            "evil.example:4321",
            "localhost.evil:4321",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
    }

    #[test]
    fn a_specific_bind_address_is_ours_and_a_wildcard_is_not() {
        let specific = AllowedHosts::for_addr("127.0.0.2:4321".parse().unwrap());
        assert!(specific.allows("127.0.0.2:4321"));
        let wildcard = AllowedHosts::for_addr("0.0.0.0:4321".parse().unwrap());
        assert!(!wildcard.allows("0.0.0.0:4321"));
    }
}
