//! A loopback address of this launch's own, such as `127.83.4.172`.
//!
//! Browsers scope cookies by host but not by port, so a session cookie for `127.0.0.1` would
//! go to every other server on `127.0.0.1` the browser visits. On an address of our own, it
//! goes to no one else. Linux routes all of `127.0.0.0/8` to loopback; where only
//! `127.0.0.1` works (macOS, by default), we fall back to it and say so in the log.

use std::{
    io,
    net::{Ipv4Addr, TcpListener},
};

/// A random address in `127.0.0.0/8`, away from `127.0.0.x`, where other servers live.
pub fn random_address() -> Ipv4Addr {
    let [b, c, d]: [u8; 3] = rand::random();
    Ipv4Addr::new(127, b.max(1), c, d.clamp(1, 254))
}

/// Binds `port` (0 for any) on a [`random_address`], or on `127.0.0.1` where the system has
/// no other loopback address. The listener is non-blocking, ready for tokio.
pub fn bind(port: u16) -> io::Result<TcpListener> {
    let private = random_address();
    let listener = match TcpListener::bind((private, port)) {
        Err(err) if err.kind() == io::ErrorKind::AddrNotAvailable => {
            tracing::warn!(
                %private,
                "this system has no loopback address but 127.0.0.1: the session cookie is \
                 shared with other servers on 127.0.0.1 (see SECURITY.md)"
            );
            TcpListener::bind((Ipv4Addr::LOCALHOST, port))?
        }
        bound => bound?,
    };
    listener.set_nonblocking(true)?;
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_loopback_and_vary() {
        let addresses: Vec<Ipv4Addr> = (0..20).map(|_| random_address()).collect();
        assert!(
            addresses
                .iter()
                .all(|a| a.is_loopback() && a.octets()[1] != 0)
        );
        assert!(addresses.iter().any(|a| *a != addresses[0]));
    }

    #[test]
    fn binds_a_private_address() {
        let listener = bind(0).unwrap();
        let addr = listener.local_addr().unwrap();
        assert!(addr.ip().is_loopback());
        assert_ne!(addr.ip(), std::net::IpAddr::from(Ipv4Addr::LOCALHOST));
    }
}
