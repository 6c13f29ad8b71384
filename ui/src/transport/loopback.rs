//! A loopback address of this launch's own, such as `127.83.4.172`.
//!
//! Browsers scope cookies by host but not by port, so a session cookie for `127.0.0.1` would
//! go to every other server on `127.0.0.1` the browser visits. On an address of our own, it
//! goes to no one else. Linux routes all of `127.0.0.0/8` to loopback; where only
//! `127.0.0.1` works (macOS, by default), we fall back to it and say so in the log.

use socket2::{Domain, Socket, Type};
use std::{
    io,
    net::{Ipv4Addr, SocketAddr, TcpListener},
};

/// The listen backlog asked for: room for a flood of connects, so that the signed-in
/// page's own never waits for a SYN to be retransmitted. The kernel caps it at
/// `net.core.somaxconn` (4,096 on current kernels); std's listeners ask for 128.
pub const LISTEN_BACKLOG: i32 = 4_096;

/// A random address in `127.0.0.0/8`, away from `127.0.0.x`, where other servers live.
pub fn random_address() -> Ipv4Addr {
    let [b, c, d]: [u8; 3] = rand::random();
    Ipv4Addr::new(127, b.max(1), c, d.clamp(1, 254))
}

/// Binds `port` (0 for any) on a [`random_address`], or on `127.0.0.1` where the system has
/// no other loopback address. The listener is non-blocking, ready for tokio.
pub fn bind(port: u16) -> io::Result<TcpListener> {
    bind_with(port, |address, port| {
        listen(SocketAddr::from((address, port)))
    })
}

/// A non-blocking listener on `addr` with a [`LISTEN_BACKLOG`], ready for tokio.
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    // As std's listeners do: a restarted server may bind its port again at once.
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(LISTEN_BACKLOG)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// [`bind`]'s choice of address, with the system's bind passed in, so that a test can play
/// a system (macOS) that has only `127.0.0.1`.
fn bind_with<L>(port: u16, bind: impl Fn(Ipv4Addr, u16) -> io::Result<L>) -> io::Result<L> {
    let private = random_address();
    match bind(private, port) {
        Err(err) if err.kind() == io::ErrorKind::AddrNotAvailable => {
            tracing::warn!(
                %private,
                "this system has no loopback address but 127.0.0.1: the session cookie is \
                 shared with other servers on 127.0.0.1 (see SECURITY.md)"
            );
            bind(Ipv4Addr::LOCALHOST, port)
        }
        bound => bound,
    }
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

    /// macOS has only `127.0.0.1` on `lo0`: any other address fails to bind.
    fn only_localhost(address: Ipv4Addr, port: u16) -> io::Result<(Ipv4Addr, u16)> {
        if address == Ipv4Addr::LOCALHOST {
            Ok((address, port))
        } else {
            Err(io::ErrorKind::AddrNotAvailable.into())
        }
    }

    #[test]
    fn without_other_loopback_addresses_it_falls_back_to_localhost() {
        assert_eq!(
            bind_with(4000, only_localhost).unwrap(),
            (Ipv4Addr::LOCALHOST, 4000)
        );
    }

    #[test]
    fn other_bind_errors_are_not_hidden_by_the_fallback() {
        let taken = bind_with(4000, |_, _| -> io::Result<()> {
            Err(io::ErrorKind::AddrInUse.into())
        });
        assert_eq!(taken.unwrap_err().kind(), io::ErrorKind::AddrInUse);
        let private = bind_with(4000, |address, port| Ok((address, port))).unwrap();
        assert_ne!(
            private.0,
            Ipv4Addr::LOCALHOST,
            "a private address when it binds"
        );
    }

    /// `ss` shows a listener's backlog in its Send-Q column. Linux only: no other system
    /// here has `ss`, or shows the backlog.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_backlog_is_sized_for_floods() {
        let listener = bind(0).unwrap();
        let port = listener.local_addr().unwrap().port();
        let ss = std::process::Command::new("ss")
            .args(["-ltnH", &format!("sport = :{port}")])
            .output()
            .unwrap();
        let line = String::from_utf8(ss.stdout).unwrap();
        let backlog: u32 = line.split_whitespace().nth(2).unwrap().parse().unwrap();
        // The kernel may cap it (at `net.core.somaxconn`), never raise it.
        assert!((1_024..=LISTEN_BACKLOG as u32).contains(&backlog), "{line}");
    }

    #[test]
    fn binds_a_private_address() {
        let listener = bind(0).unwrap();
        let addr = listener.local_addr().unwrap();
        assert!(addr.ip().is_loopback());
        assert_ne!(addr.ip(), std::net::IpAddr::from(Ipv4Addr::LOCALHOST));
    }
}
