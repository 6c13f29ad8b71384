//! Who may come in, for one server: the hosts its address answers to, the secret path every
//! route lives under, the launch tokens and the session cookie. The guard reads only this,
//! so that the security room needs nothing from the state above it.

use super::{AllowedHosts, Auth, LaunchTokens, SessionCookie, Token, secret_base_path};
use crate::native_requests::NativeRequests;
use std::net::SocketAddr;

#[derive(Debug)]
pub struct Policy {
    addr: SocketAddr,
    /// `/s/<128 random bits>`: every route lives under it, and the session cookie is scoped
    /// to it.
    base_path: String,
    auth: Auth,
    launch_tokens: LaunchTokens,
    allowed_hosts: AllowedHosts,
    session_cookie: SessionCookie,
    /// Told when a page comes back without its session, so that a window can sign in
    /// afresh; `None` for a server with no native side.
    native: Option<NativeRequests>,
}

impl Policy {
    /// `addr` is the address the listener actually bound (port 0 resolved): the Host check
    /// and the session cookie's name both depend on the real port.
    pub fn new(addr: SocketAddr, auth: Auth, native: Option<NativeRequests>) -> Self {
        let base_path = secret_base_path();
        Self {
            addr,
            allowed_hosts: AllowedHosts::for_addr(addr),
            session_cookie: SessionCookie::new(addr.port(), &base_path),
            base_path,
            launch_tokens: LaunchTokens::new(match &auth {
                Auth::Token(token) => Some(token.clone()),
                Auth::Disabled => None,
            }),
            auth,
            native,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    pub fn launch_tokens(&self) -> &LaunchTokens {
        &self.launch_tokens
    }

    pub fn allowed_hosts(&self) -> &AllowedHosts {
        &self.allowed_hosts
    }

    pub fn session_cookie(&self) -> &SessionCookie {
        &self.session_cookie
    }

    pub fn native(&self) -> Option<&NativeRequests> {
        self.native.as_ref()
    }

    /// A token that signs one more browser in, once; `None` without auth.
    pub fn issue_token(&self) -> Option<Token> {
        match &self.auth {
            Auth::Token(_) => Some(self.launch_tokens.issue()),
            Auth::Disabled => None,
        }
    }
}
