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
}
