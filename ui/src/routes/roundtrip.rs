//! State roundtrip: the server reads the page's signals and answers with a new `output`.

use super::{OneEvent, one_event};
use crate::{ApiError, limits::MAX_INPUT_CHARS, security::DatastarAction};
use axum::response::Response;
use datastar::{axum::ReadSignals, prelude::PatchSignals};
use serde::Deserialize;

/// The signals this route reads; every other signal on the page is ignored.
#[derive(Debug, Deserialize)]
pub struct Signals {
    /// A page that never typed anything may not send `input` at all.
    #[serde(default)]
    input: String,
}

/// The extractor's own rejection is replaced by ours, which says what a valid request holds.
pub async fn roundtrip(
    _: DatastarAction,
    signals: Result<ReadSignals<Option<Signals>>, Response>,
) -> Result<OneEvent, ApiError> {
    let ReadSignals(signals) = signals.map_err(|_| ApiError::InvalidSignals)?;
    let Signals { input } = signals.ok_or(ApiError::MissingSignals)?;
    let output = describe(&input)?;
    let patch = serde_json::json!({ "output": output }).to_string();
    Ok(one_event(PatchSignals::new(patch)))
}

/// The sentence the page shows. Length is in Unicode scalar values, as the seed's
/// Python `len()` counts: `héllo` is 5 long, `👍` is 1.
fn describe(input: &str) -> Result<String, ApiError> {
    let chars = input.chars().count();
    if chars > MAX_INPUT_CHARS {
        return Err(ApiError::InputTooLong {
            chars,
            limit: MAX_INPUT_CHARS,
        });
    }
    Ok(format!("Your input: {input}, is {chars} long."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_unicode_scalar_values_not_bytes() {
        for (input, expected) in [("", 0), ("abc", 3), ("héllo", 5), ("日本", 2), ("👍", 1)] {
            assert_eq!(
                describe(input).unwrap(),
                format!("Your input: {input}, is {expected} long.")
            );
        }
    }

    #[test]
    fn refuses_input_past_the_limit() {
        assert!(describe(&"a".repeat(MAX_INPUT_CHARS)).is_ok());
        let err = describe(&"a".repeat(MAX_INPUT_CHARS + 1)).unwrap_err();
        assert_eq!(err.status(), axum::http::StatusCode::PAYLOAD_TOO_LARGE);
    }
}
