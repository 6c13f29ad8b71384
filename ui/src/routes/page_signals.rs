//! The signals an action reads from the page, or a 400 that says what it should have sent.
//!
//! `ReadSignals` reads them from wherever Datastar put them, but its own refusals name
//! neither where it looked nor what the action reads; ours name both.

use crate::error::{ApiError, Carrier};
use axum::{
    extract::{FromRequest, Request},
    http::Method,
};
use datastar::axum::ReadSignals;
use serde::de::DeserializeOwned;

/// What an action's signals must hold, in the words of its 400.
pub trait Expected {
    /// Completes "the body must be JSON signals, with …".
    const EXPECTED: &'static str;
}

/// [`Expected::EXPECTED`] for the actions that read the box's text.
pub const INPUT_AS_TEXT: &str = "`input` as a string";

/// An action's signals, read as `T`; every other signal on the page is ignored.
pub struct PageSignals<T>(pub T);

impl<T, S> FromRequest<S> for PageSignals<T>
where
    T: DeserializeOwned + Expected + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        // Where `ReadSignals` looks, by the same rule: the query for GET and DELETE.
        let carrier = match *request.method() {
            Method::GET | Method::DELETE => Carrier::Query,
            _ => Carrier::Body,
        };
        let ReadSignals(signals) = ReadSignals::<Option<T>>::from_request(request, state)
            .await
            .map_err(|_| ApiError::InvalidSignals {
                carrier,
                expected: T::EXPECTED,
            })?;
        signals.map(Self).ok_or(ApiError::MissingSignals(carrier))
    }
}
