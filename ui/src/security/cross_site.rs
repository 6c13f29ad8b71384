//! Refuses requests that a browser marks as coming from another site.
//!
//! The session cookie is `SameSite=Strict`, so such requests would fail anyway; this check
//! turns them away before any handler runs and says why.

use crate::error::ApiError;
use axum::http::{HeaderMap, HeaderName, header};

pub fn check(headers: &HeaderMap) -> Result<(), ApiError> {
    super::single(headers, header::ORIGIN, "Origin")?;
    super::single(headers, SEC_FETCH_SITE, "Sec-Fetch-Site")?;
    if is_cross_site(headers) {
        return Err(ApiError::CrossSite);
    }
    Ok(())
}

/// A `HeaderName`, not a `&str`: a string is parsed into a name on every lookup.
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Only `same-origin` and `none` (a navigation the user typed) pass, byte for byte as
/// browsers send them. `same-site` counts as foreign: another port on loopback is the same
/// *site* as we are, and it is exactly the neighbour we must keep out.
fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get(&SEC_FETCH_SITE)
        && !(site == "same-origin" || site == "none")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers.get(header::HOST).map(|host| host.as_bytes());
    // `Origin` is `http://` + our Host for same-origin requests; "null" and all else is foreign.
    origin.as_bytes().strip_prefix(b"http://") != host
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (name.parse().unwrap(), value.parse().unwrap()))
            .collect()
    }

    #[test]
    fn same_origin_and_direct_navigation_pass() {
        assert!(!is_cross_site(&headers(&[("host", "127.0.0.1:9")])));
        assert!(!is_cross_site(&headers(&[
            ("host", "127.0.0.1:9"),
            ("origin", "http://127.0.0.1:9"),
            ("sec-fetch-site", "same-origin"),
        ])));
        assert!(!is_cross_site(&headers(&[
            ("host", "127.0.0.1:9"),
            ("sec-fetch-site", "none"),
        ])));
    }

    #[test]
    fn foreign_origins_and_fetch_sites_are_refused() {
        for pairs in [
            &[("host", "127.0.0.1:9"), ("sec-fetch-site", "cross-site")][..],
            &[("host", "127.0.0.1:9"), ("sec-fetch-site", "same-site")][..],
            &[("host", "127.0.0.1:9"), ("origin", "http://127.0.0.1:8")][..],
            &[("host", "127.0.0.1:9"), ("origin", "https://127.0.0.1:9")][..],
            &[("host", "127.0.0.1:9"), ("origin", "null")][..],
            &[("host", "127.0.0.1:9"), ("sec-fetch-site", "Cross-Site")][..],
            &[("host", "127.0.0.1:9"), ("sec-fetch-site", "SAME-ORIGIN")][..],
            &[("host", "127.0.0.1:9"), ("sec-fetch-site", "anything")][..],
        ] {
            assert!(is_cross_site(&headers(pairs)), "{pairs:?}");
        }
    }
}
