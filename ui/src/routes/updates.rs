//! The update panel's buttons: each a Datastar action that the server either answers itself
//! (the user's answer, which it keeps) or hands to the native side as a [`NativeRequest`].
//! Only a server with a native side (the desktop app) has these routes.

use crate::{
    error::ApiError, native_requests::NativeRequest, page::updates::UpdateStatus,
    security::DatastarAction, state::AppState, store::UpdateChecks,
};
use axum::{extract::State, http::StatusCode};

/// "Check Automatically": remembered, and a first check now.
pub async fn automatic(
    _: DatastarAction,
    State(app): State<AppState>,
) -> Result<StatusCode, ApiError> {
    answer(&app, UpdateChecks::Automatic).await?;
    ask(
        &app,
        NativeRequest::CheckForUpdates {
            asked_by_user: false,
        },
    )
}

/// "Not Now": remembered; only Help → Check for Updates… checks from now on.
pub async fn not_now(
    _: DatastarAction,
    State(app): State<AppState>,
) -> Result<StatusCode, ApiError> {
    answer(&app, UpdateChecks::NotNow).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// "Check Again", after a check or an update that failed.
pub async fn check(_: DatastarAction, State(app): State<AppState>) -> Result<StatusCode, ApiError> {
    ask(
        &app,
        NativeRequest::CheckForUpdates {
            asked_by_user: true,
        },
    )
}

/// "Install and Restart". The native side owns the offer (the signed package to fetch), so
/// it alone knows whether there is one; without one, the panel says so.
pub async fn install(
    _: DatastarAction,
    State(app): State<AppState>,
) -> Result<StatusCode, ApiError> {
    ask(&app, NativeRequest::InstallUpdate)
}

/// "Cancel", while a download runs.
pub async fn cancel(
    _: DatastarAction,
    State(app): State<AppState>,
) -> Result<StatusCode, ApiError> {
    ask(&app, NativeRequest::CancelDownload)
}

/// "Later" and "Dismiss": the panel goes away until the next check, and so does a download
/// under way. The native side does it, as it is the one that would show its next step.
pub async fn later(_: DatastarAction, State(app): State<AppState>) -> Result<StatusCode, ApiError> {
    ask(&app, NativeRequest::Dismiss)
}

/// Keeps the user's answer to the first launch's question, and puts the question away.
async fn answer(app: &AppState, checks: UpdateChecks) -> Result<(), ApiError> {
    app.store()
        .save_update_checks(checks)
        .await
        .map_err(|err| {
            tracing::warn!(%err, "cannot keep the answer about updates");
            ApiError::NotSaved
        })?;
    app.show_update(UpdateStatus::Hidden);
    // The answer is also the settings' first checkbox, in every tab.
    let settings = app.store().preferences().settings();
    app.page_events()
        .send(crate::page::changes::settings_signals(settings));
    Ok(())
}

fn ask(app: &AppState, request: NativeRequest) -> Result<StatusCode, ApiError> {
    app.native().ok_or(ApiError::NativeGone)?.send(request)?;
    Ok(StatusCode::ACCEPTED)
}
