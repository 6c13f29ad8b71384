//! Limits that protect the server from oversized or abusive requests, and the checks that
//! apply the request-size ones before anything else reads a request.

use crate::error::ApiError;
use axum::{extract::Request, http::Uri};
use std::time::Duration;

/// Longest `?query` we read; longer gets 414 with a message.
pub const MAX_QUERY_BYTES: usize = 48 * 1024;
/// Longest request head (request line, headers and the blank line) we read; longer gets
/// 431 with a message. Hyper's read buffer is capped at the same size, which bounds what
/// a head can cost before it is parsed.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Largest save the page may send: its signals, as JSON, with the input at its limit;
/// larger gets 413 with a message, and nothing is stored.
pub const MAX_SAVE_BYTES: usize = 64 * 1024;
/// Longest roundtrip input, in Unicode scalar values: what the page sends, and what the
/// store gives back (a longer one in the file is clipped to it as it is read).
pub const MAX_INPUT_CHARS: usize = 10_000;
/// Longest roundtrip answer: the sentence around the longest input.
pub const MAX_OUTPUT_CHARS: usize = MAX_INPUT_CHARS + 64;
/// Longest tab id: the server makes them 32 characters long.
pub const MAX_TAB_CHARS: usize = 64;
/// Longest time `#target` shows, as read back from the store: the server writes 19.
pub const MAX_TARGET_CHARS: usize = 64;
/// Live `/feed` streams one server carries before it answers 503.
pub const DEFAULT_MAX_FEEDS: usize = 10_000;
/// Time a client gets to send a complete request head (slowloris defence).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Silence on a feed before it sends a keep-alive comment.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Refuses a head over [`MAX_HEAD_BYTES`], measured as it came over the wire:
/// `GET /path?query HTTP/1.1`, each `Name: value` line, and the blank line, all with their
/// CRLFs.
pub(crate) fn check_head(request: &Request) -> Result<(), ApiError> {
    // Measured, not formatted: this runs on every request, `/get` included.
    let uri = request.uri();
    let target = uri
        .path_and_query()
        .map_or(0, |target| target.as_str().len())
        + uri
            .authority()
            .map_or(0, |authority| authority.as_str().len() + "http://".len());
    let request_line = request.method().as_str().len() + " ".len() + target + " HTTP/1.1\r\n".len();
    let headers: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    let bytes = request_line + headers + 2;
    if bytes > MAX_HEAD_BYTES {
        return Err(ApiError::HeadTooLarge {
            bytes,
            limit: MAX_HEAD_BYTES,
        });
    }
    Ok(())
}

/// `text`'s length in Unicode scalar values, or a refusal that names `field` if it is over
/// `limit`.
pub(crate) fn check_chars(
    field: &'static str,
    text: &str,
    limit: usize,
) -> Result<usize, ApiError> {
    let chars = text.chars().count();
    if chars > limit {
        return Err(ApiError::TooLong {
            field,
            chars,
            limit,
        });
    }
    Ok(chars)
}

/// Refuses a query over [`MAX_QUERY_BYTES`].
pub(crate) fn check_query(uri: &Uri) -> Result<(), ApiError> {
    let bytes = uri.query().map_or(0, str::len);
    if bytes > MAX_QUERY_BYTES {
        return Err(ApiError::QueryTooLong {
            bytes,
            limit: MAX_QUERY_BYTES,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_of_exactly_the_limit_passes() {
        let query =
            |bytes: usize| -> Uri { format!("/get?{}", "q".repeat(bytes)).parse().unwrap() };
        assert!(check_query(&query(MAX_QUERY_BYTES)).is_ok());
        assert!(check_query(&query(MAX_QUERY_BYTES + 1)).is_err());
    }
}
