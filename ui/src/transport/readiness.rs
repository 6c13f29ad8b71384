//! The line a server prints on stdout once it accepts connections.
//!
//! Scripts, tests and the benchmark wait for this line instead of polling a port or reading
//! the log, so it is written and parsed only here.

const PREFIX: &str = "Listening on ";

/// `Listening on URL`: the first line on stdout, flushed before the server serves.
pub fn line(url: &str) -> String {
    format!("{PREFIX}{url}")
}

/// The URL in a readiness line, or `None` if `line` is something else.
pub fn url_from_line(line: &str) -> Option<&str> {
    line.trim_end().strip_prefix(PREFIX)
}

/// `host:port` of a URL the server printed (`http://host:port/...`), for clients that
/// connect to the socket rather than fetch the URL.
pub fn authority(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("http://")?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|authority| !authority.is_empty())
}

/// `host:port` from a readiness line: [`url_from_line`], then [`authority`].
pub fn authority_from_line(line: &str) -> Option<&str> {
    url_from_line(line).and_then(authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printed_line_gives_back_its_url() {
        let url = "http://127.0.0.1:4000/?token=abc";
        assert_eq!(url_from_line(&line(url)), Some(url));
        assert_eq!(url_from_line(&format!("{}\n", line(url))), Some(url));
        assert_eq!(url_from_line("error: cannot listen"), None);
    }

    #[test]
    fn a_url_gives_its_host_and_port() {
        assert_eq!(
            authority("http://127.1.2.3:4000/?token=abc"),
            Some("127.1.2.3:4000")
        );
        assert_eq!(
            authority("http://127.1.2.3:4000?token=abc"),
            Some("127.1.2.3:4000")
        );
        assert_eq!(authority("http://127.1.2.3:4000"), Some("127.1.2.3:4000"));
        assert_eq!(authority("http:///"), None);
        assert_eq!(authority("https://x:1/"), None);
        assert_eq!(
            authority_from_line(&line("http://127.0.0.9:80/")),
            Some("127.0.0.9:80")
        );
    }
}
