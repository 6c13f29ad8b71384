//! The page reports what its user changed: the signals it would need back after a quit, a
//! crash or a restart. The server keeps them ([`crate::Store`]) and tells the page's other
//! tabs ([`changes::keep_edit`]).

use crate::{
    error::ApiError,
    limits::{MAX_INPUT_CHARS, MAX_SAVE_BYTES, MAX_TAB_CHARS, check_chars},
    page::changes::{self, Edit},
    security::DatastarAction,
    state::AppState,
};
use axum::{
    body::Bytes,
    extract::{State, rejection::BytesRejection},
    http::StatusCode,
};
use serde::Deserialize;

/// The signals a save may carry. The page sends only those its user changed
/// (`filterSignals` in `ui/assets/index.html`); any other is ignored.
#[derive(Debug, Deserialize)]
pub struct Saved {
    input: Option<String>,
    show: Option<bool>,
    #[serde(default)]
    tab: String,
}

/// Answers 204 once the change is on disk. A save too large, or not a JSON object of
/// signals, is refused before anything is stored.
///
/// `@post` sends the signals as a JSON body. It is read here rather than with `ReadSignals`,
/// whose rejection would turn a body over [`MAX_SAVE_BYTES`] into a plain 400.
pub async fn save(
    _: DatastarAction,
    State(app): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::SaveTooLarge(MAX_SAVE_BYTES)
        } else {
            ApiError::InvalidSave
        }
    })?;
    let Saved { input, show, tab } = parse(&body)?;
    check_chars(
        "input",
        input.as_deref().unwrap_or_default(),
        MAX_INPUT_CHARS,
    )?;
    check_chars("tab", &tab, MAX_TAB_CHARS)?;
    let edit = Edit {
        input: input.map(changes::page_text),
        show,
    };
    let kept = changes::keep_edit(app.store(), app.page_events(), &tab, edit).await;
    changes::report_save(
        app.store(),
        app.page_events(),
        &app.templates(),
        kept.as_ref().map(|_| ()),
    );
    kept.map_err(|err| {
        tracing::warn!(%err, "cannot save the page's state");
        ApiError::NotSaved
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// Signals are a JSON object: serde would also read a struct from an array (`[]`), which
/// would then save nothing and answer 204.
fn parse(body: &[u8]) -> Result<Saved, ApiError> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(body).map_err(|_| ApiError::InvalidSave)?;
    serde_json::from_value(serde_json::Value::Object(object)).map_err(|_| ApiError::InvalidSave)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_json_object_is_a_save() {
        assert!(parse(br#"{"input": "x", "tab": "t"}"#).is_ok());
        for body in [&b"[]"[..], b"[\"x\"]", b"\"x\"", b"null", b"{\"input\": 5}"] {
            assert!(
                matches!(parse(body), Err(ApiError::InvalidSave)),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn each_limit_names_its_field() {
        let err = check_chars("tab", &"t".repeat(MAX_TAB_CHARS + 1), MAX_TAB_CHARS).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "tab is {} characters long; the limit is {MAX_TAB_CHARS}",
                MAX_TAB_CHARS + 1
            )
        );
        assert_eq!(check_chars("input", "ok", MAX_INPUT_CHARS).unwrap(), 2);
    }
}
