//! The demo in the real Tauri window (WebKitGTK), through tauri-driver: the same scenarios
//! as in Chromium, plus what only the desktop shell can get wrong.

use crate::support::{desktop_app, require_display};
use anyhow::{Result, ensure};
use fantoccini::Client;
use ui_scenarios::{Scenario, drivers};

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver; `make test` runs it"]
async fn demo_works_in_the_tauri_window_without_ipc() -> Result<()> {
    require_display();
    let session = drivers::tauri_app(desktop_app()).await?;

    Scenario::run_all(&session.client).await?;
    let proof = page_gets_no_tauri_ipc(&session.client).await?;
    eprintln!("no IPC: {proof:?}");

    let screenshot = session.screenshot("tauri-window").await?;
    eprintln!("screenshot: {}", screenshot.display());
    session.close().await
}

/// Debug builds serve `ui/assets/` live: edits show in the window, without a reload.
#[cfg(debug_assertions)]
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver; `make test` runs it"]
async fn edits_to_the_page_show_live_in_the_tauri_window() -> Result<()> {
    use ui_scenarios::live_reload::{self, AssetsCopy};
    require_display();
    let assets = AssetsCopy::new()?;
    let session = drivers::tauri_app_with_env(
        desktop_app(),
        &[(datastar_ui::ASSETS_DIR_VARIABLE, assets.path())],
    )
    .await?;
    live_reload::prepare(&session.client).await?;
    let latency = live_reload::edit_both(&session.client, &assets, 1).await?;
    eprintln!("live edit: {latency:?}");
    live_reload::broken_edit_keeps_the_page(&session.client, &assets).await?;
    session.close().await
}

/// Core commands the page could try if it had IPC. Each must be refused.
const COMMANDS: [(&str, &str); 4] = [
    ("plugin:app|version", "{}"),
    ("plugin:window|title", r#"{"label": "main"}"#),
    (
        "plugin:event|emit",
        r#"{"event": "probe", "payload": null}"#,
    ),
    ("plugin:webview|get_all_webviews", "{}"),
];

/// How the page was shown to have no IPC.
#[derive(Debug)]
enum NoIpc {
    /// `window.__TAURI_INTERNALS__` does not exist in the page at all.
    InternalsAbsent,
    /// It exists (Tauri injects it into every page), and refused each command as not allowed.
    EveryCommandRefused,
}

async fn page_gets_no_tauri_ipc(client: &Client) -> Result<NoIpc> {
    let script = r#"
        const [commands, done] = [arguments[0], arguments[arguments.length - 1]];
        const internals = window.__TAURI_INTERNALS__;
        if (!internals || typeof internals.invoke !== "function") {
            done({ absent: true, results: [] });
            return;
        }
        const timeout = new Promise(resolve => setTimeout(() => resolve("timeout"), 5000));
        Promise.all(commands.map(([cmd, args]) => Promise.race([
            internals.invoke(cmd, JSON.parse(args)).then(
                value => ({ cmd, allowed: true, detail: JSON.stringify(value) }),
                error => ({ cmd, allowed: false, detail: String(error) })),
            timeout.then(() => ({ cmd, allowed: null, detail: "no answer within 5 s" })),
        ]))).then(results => done({ absent: false, results }));
    "#;
    let commands = serde_json::to_value(COMMANDS)?;
    let report = client.execute_async(script, vec![commands]).await?;
    eprintln!("IPC probe: {report}");
    if report["absent"] == true {
        return Ok(NoIpc::InternalsAbsent);
    }
    let results = report["results"].as_array().cloned().unwrap_or_default();
    ensure!(results.len() == COMMANDS.len(), "probe report: {report}");
    for result in results {
        ensure!(
            result["allowed"] == false
                && result["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("not allowed")),
            "IPC was not refused as not allowed: {result}"
        );
    }
    Ok(NoIpc::EveryCommandRefused)
}
