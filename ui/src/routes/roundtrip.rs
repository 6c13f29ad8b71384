//! State roundtrip: the server reads the page's signals and answers with a new `output`,
//! which it keeps and tells the page's other tabs.

use super::{
    OneEvent, one_event,
    page_signals::{Expected, INPUT_AS_TEXT, PageSignals},
};
use crate::{
    error::ApiError,
    limits::{MAX_INPUT_CHARS, check_chars},
    page::changes,
    security::DatastarAction,
    state::AppState,
};
use axum::extract::State;
use datastar::prelude::PatchSignals;
use serde::Deserialize;

/// The signals this route reads; every other signal on the page is ignored.
#[derive(Debug, Deserialize)]
pub struct Signals {
    /// A page that never typed anything may not send `input` at all.
    #[serde(default)]
    input: String,
    /// The tab that asked, which gets the answer in the response.
    tab: Option<String>,
}

impl Expected for Signals {
    const EXPECTED: &'static str = INPUT_AS_TEXT;
}

/// The answer is kept before it is sent: a tab never posts back what the server pushed. If
/// it cannot be kept (a full disk), the page still gets it, and every tab is told that
/// changes are not being kept.
pub async fn roundtrip(
    _: DatastarAction,
    State(app): State<AppState>,
    PageSignals(Signals { input, tab }): PageSignals<Signals>,
) -> Result<OneEvent, ApiError> {
    let output = describe(&changes::page_text(input))?;
    let kept = changes::keep_answer(app.store(), app.page_events(), tab.as_deref(), &output).await;
    if let Err(err) = &kept {
        tracing::warn!(%err, "cannot save the roundtrip's answer");
        changes::report_save(app.store(), app.page_events(), &app.templates(), Err(err));
    }
    let patch = serde_json::json!({ "output": output }).to_string();
    Ok(one_event(PatchSignals::new(patch)))
}

/// The sentence the page shows, for an input within the limit.
fn describe(input: &str) -> Result<String, ApiError> {
    check_chars("input", input, MAX_INPUT_CHARS)?;
    Ok(changes::answer_to(input))
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
