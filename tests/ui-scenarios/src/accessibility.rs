//! The page for users of screen readers and keyboards: axe-core's rules, the live regions a
//! screen reader announces, and the keyboard path through the page.

use crate::wait_until;
use anyhow::{Context, Result, ensure};
use fantoccini::{
    Client, Locator,
    actions::{InputSource, KeyAction, KeyActions},
    key::Key,
};
use std::{path::PathBuf, time::Duration};

/// axe-core's browser bundle, installed from npm (pinned in `package.json`) for the tests
/// only: the app never serves it.
fn axe_source() -> Result<String> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {}: `scripts/setup.sh test` installs axe-core from npm",
            path.display()
        )
    })
}

/// axe-core finds no violation of its default rules (WCAG 2 A and AA, and best practices).
pub async fn axe_finds_no_violations(client: &Client) -> Result<()> {
    // The bundle runs as part of the script WebDriver evaluates, not through `eval`, which
    // the page's CSP forbids.
    let script = format!(
        "{}\n{}",
        axe_source()?,
        r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ["violations"] }).then(
            results => done(results.violations.map(v => ({
                rule: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ")),
            }))),
            error => done([{ rule: "axe-error", help: String(error), nodes: [] }]));
        "#
    );
    let violations = client.execute_async(&script, vec![]).await?;
    let violations = violations
        .as_array()
        .context("axe returned no list of violations")?;
    ensure!(
        violations.is_empty(),
        "axe-core found {} violation(s): {}",
        violations.len(),
        serde_json::to_string_pretty(violations)?
    );
    Ok(())
}

/// A screen reader announces the roundtrip's answer, the target's new time, and the feed
/// being shown or hidden, but not each value of the 1 Hz feed.
pub async fn screen_readers_hear_changes_but_not_the_feed(client: &Client) -> Result<()> {
    let report = client
        .execute(
            r#"
            const live = `[aria-live]:not([aria-live="off"]), [role="status"], [role="log"],
                          [role="alert"], [role="marquee"], [role="timer"], output`;
            const announced = id => document.getElementById(id)?.closest(live) != null;
            return {
                feed: announced("feed"),
                output: announced("output"),
                target: announced("target"),
                feedStatus: announced("feed-status"),
                feedStatusText: document.getElementById("feed-status")?.textContent,
            };
            "#,
            vec![],
        )
        .await?;
    ensure!(
        report["feed"] == false,
        "#feed is inside a live region: {report}"
    );
    for id in ["output", "target", "feedStatus"] {
        ensure!(report[id] == true, "{id} is not in a live region: {report}");
    }
    ensure!(
        report["feedStatusText"]
            .as_str()
            .is_some_and(|text| !text.trim().is_empty()),
        "#feed-status says nothing: {report}"
    );
    Ok(())
}

/// What Tab reaches, in order, from the page's heading.
const TAB_ORDER: [&str; 4] = ["input", "send", "target-button", "toggle"];
/// The same in the desktop app, whose page also has Notify Me and Settings….
const DESKTOP_TAB_ORDER: [&str; 6] = [
    "input",
    "send",
    "notify",
    "target-button",
    "toggle",
    "settings-open",
];

/// Tab walks the input, Send, Target and Toggle in that order (and in the desktop app,
/// Notify Me after Send and Settings… last), each with a visible focus ring, and Enter in the
/// input sends the roundtrip.
pub async fn keyboard_reaches_everything_in_order(client: &Client) -> Result<()> {
    let order: &[&str] = if client.find(Locator::Css("#notify")).await.is_ok() {
        &DESKTOP_TAB_ORDER
    } else {
        &TAB_ORDER
    };
    // Clicking the heading puts the start of keyboard navigation before the first control.
    client.find(Locator::Css("h1")).await?.click().await?;
    for &expected in order {
        press(client, Key::Tab).await?;
        let focused = focused(client).await?;
        ensure!(
            focused["id"] == expected,
            "Tab reached {focused} where #{expected} was expected"
        );
        ensure!(
            focused["ring"] == true,
            "#{expected} has focus but no visible focus ring: {focused}"
        );
    }
    Ok(())
}

/// Enter in the input sends the roundtrip, as the Send button does.
pub async fn enter_in_the_input_sends_the_roundtrip(client: &Client) -> Result<()> {
    let input = client.find(Locator::Css("#input")).await?;
    input.clear().await?;
    input.send_keys("by keyboard").await?;
    press(client, Key::Enter).await?;
    let expected = "Your input: by keyboard, is 11 long.";
    wait_until(
        Duration::from_secs(5),
        "Enter to send the roundtrip",
        async || {
            let shown = client.find(Locator::Css("#output")).await?.text().await?;
            Ok((shown == expected).then_some(()))
        },
    )
    .await
}

/// Presses and releases `key` wherever the focus is, as a user's keyboard would.
async fn press(client: &Client, key: Key) -> Result<()> {
    let key = char::from(key);
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    client.perform_actions(actions).await?;
    Ok(())
}

/// The focused element's id, and whether it shows a focus ring.
async fn focused(client: &Client) -> Result<serde_json::Value> {
    Ok(client
        .execute(
            r#"
            const element = document.activeElement;
            const style = getComputedStyle(element);
            return {
                id: element.id || element.tagName,
                ring: element.matches(":focus-visible") && style.outlineStyle !== "none"
                    && parseFloat(style.outlineWidth) >= 2,
            };
            "#,
            vec![],
        )
        .await?)
}
