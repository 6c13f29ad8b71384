//! What a user does on the page, and what they must see.

use crate::{accessibility, wait_until};
use anyhow::{Context, Result, bail, ensure};
use chrono::{Local, NaiveDateTime};
use fantoccini::{Client, Locator};
use std::time::Duration;

/// Time the page gets to react to a click before a scenario fails.
const REACTION: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Typing `héllo` and clicking Send shows `Your input: héllo, is 5 long.`
    RoundtripCountsCharacters,
    /// Clicking Target puts the server's current local time in `#target`.
    TargetShowsServerTime,
    /// The feed shows a new value every second.
    FeedTicks,
    /// Toggle hides the feed, and a second click shows it again.
    ToggleHidesAndShowsFeed,
    /// Everything the page loaded came from its own server.
    NothingLoadedFromOutside,
    /// axe-core finds no accessibility violation.
    AxeFindsNoViolations,
    /// A screen reader announces results and the feed's visibility, not every feed value.
    ScreenReadersHearChangesButNotTheFeed,
    /// Tab reaches the input, Send, Target and Toggle in order, each with a focus ring.
    KeyboardReachesEverythingInOrder,
    /// Enter in the input sends the roundtrip.
    EnterInTheInputSendsTheRoundtrip,
}

impl Scenario {
    pub const ALL: [Scenario; 9] = [
        Self::RoundtripCountsCharacters,
        Self::TargetShowsServerTime,
        Self::FeedTicks,
        Self::ToggleHidesAndShowsFeed,
        Self::NothingLoadedFromOutside,
        Self::AxeFindsNoViolations,
        Self::ScreenReadersHearChangesButNotTheFeed,
        Self::KeyboardReachesEverythingInOrder,
        Self::EnterInTheInputSendsTheRoundtrip,
    ];

    pub async fn run(self, client: &Client) -> Result<()> {
        match self {
            Self::RoundtripCountsCharacters => roundtrip_counts_characters(client).await,
            Self::TargetShowsServerTime => target_shows_server_time(client).await,
            Self::FeedTicks => feed_ticks(client).await,
            Self::ToggleHidesAndShowsFeed => toggle_hides_and_shows_feed(client).await,
            Self::NothingLoadedFromOutside => nothing_loaded_from_outside(client).await,
            Self::AxeFindsNoViolations => accessibility::axe_finds_no_violations(client).await,
            Self::ScreenReadersHearChangesButNotTheFeed => {
                accessibility::screen_readers_hear_changes_but_not_the_feed(client).await
            }
            Self::KeyboardReachesEverythingInOrder => {
                accessibility::keyboard_reaches_everything_in_order(client).await
            }
            Self::EnterInTheInputSendsTheRoundtrip => {
                accessibility::enter_in_the_input_sends_the_roundtrip(client).await
            }
        }
        .with_context(|| format!("scenario {self:?}"))
    }

    /// Runs every scenario in order, on a page that has just loaded.
    pub async fn run_all(client: &Client) -> Result<()> {
        for scenario in Self::ALL {
            scenario.run(client).await?;
            eprintln!("scenario {scenario:?}: ok");
        }
        Ok(())
    }
}

pub(crate) async fn text_of(client: &Client, selector: &str) -> Result<String> {
    Ok(client.find(Locator::Css(selector)).await?.text().await?)
}

async fn roundtrip_counts_characters(client: &Client) -> Result<()> {
    let input = client.find(Locator::Css("#input")).await?;
    input.clear().await?;
    input.send_keys("héllo").await?;
    client.find(Locator::Css("#send")).await?.click().await?;

    let expected = "Your input: héllo, is 5 long.";
    let mut last = String::new();
    let outcome = wait_until(
        REACTION,
        "#output to show the roundtrip answer",
        async || {
            last = text_of(client, "#output").await?;
            Ok((last == expected).then_some(()))
        },
    )
    .await;
    outcome.with_context(|| format!("#output reads {last:?}"))
}

/// Presses *Target HTML Element* and returns the time `#target` then shows.
pub(crate) async fn show_target(client: &Client) -> Result<String> {
    client
        .find(Locator::Css("#target-button"))
        .await?
        .click()
        .await?;
    wait_until(REACTION, "#target to show a time", async || {
        match client.find(Locator::Css("#target b")).await {
            Ok(bold) => Ok(Some(bold.text().await?)),
            Err(_) => Ok(None),
        }
    })
    .await
}

async fn target_shows_server_time(client: &Client) -> Result<()> {
    let shown = show_target(client).await?;
    let time = NaiveDateTime::parse_from_str(&shown, datastar_ui::TIME_FORMAT)
        .with_context(|| format!("#target shows {shown:?}, not YYYY-MM-DD HH:MM:SS"))?;
    let skew = (Local::now().naive_local() - time).num_milliseconds().abs();
    ensure!(
        skew <= 2_000,
        "#target shows {time}, {skew} ms away from now"
    );
    Ok(())
}

async fn feed_ticks(client: &Client) -> Result<()> {
    let first = wait_until(REACTION, "the first feed value", async || {
        let value = text_of(client, "#feed").await?;
        Ok((!value.is_empty()).then_some(value))
    })
    .await?;
    let mut seen = vec![first];
    let result = wait_until(
        Duration::from_millis(3_500),
        "#feed to change twice",
        async || {
            let value = text_of(client, "#feed").await?;
            if seen.last() != Some(&value) {
                seen.push(value);
            }
            Ok((seen.len() >= 3).then_some(()))
        },
    )
    .await;
    result.with_context(|| format!("feed values seen: {seen:?}"))?;
    for value in &seen {
        ensure!(
            value.len() == 16
                && value
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
            "feed value {value:?} is not 16 lowercase hex characters"
        );
    }
    Ok(())
}

async fn toggle_hides_and_shows_feed(client: &Client) -> Result<()> {
    let toggle = client.find(Locator::Css("#toggle")).await?;
    toggle_from_outside_hides_and_shows_feed(client, async || Ok(toggle.click().await?)).await
}

/// What the Toggle Feed button does, done by `toggle` instead: a native menu's accelerator
/// in the window, a signal to the headless server. It reaches the page through the server.
pub async fn toggle_from_outside_hides_and_shows_feed(
    client: &Client,
    mut toggle: impl AsyncFnMut() -> Result<()>,
) -> Result<()> {
    for expect_shown in [false, true] {
        toggle().await?;
        let what = if expect_shown {
            "the feed to show again"
        } else {
            "the feed to hide"
        };
        wait_until(REACTION, what, async || {
            let shown = client
                .find(Locator::Css("#feed"))
                .await?
                .is_displayed()
                .await?;
            Ok((shown == expect_shown).then_some(()))
        })
        .await?;
    }
    Ok(())
}

async fn nothing_loaded_from_outside(client: &Client) -> Result<()> {
    let report = client
        .execute(
            "return { origin: location.origin, urls: performance.getEntries()
                .filter(e => e.entryType === 'navigation' || e.entryType === 'resource')
                .map(e => e.name) };",
            vec![],
        )
        .await?;
    let origin = report["origin"].as_str().context("no location.origin")?;
    let urls: Vec<&str> = report["urls"]
        .as_array()
        .context("no performance entries")?
        .iter()
        .filter_map(|url| url.as_str())
        .collect();
    let host = datastar_ui::readiness::authority(origin)
        .and_then(|authority| authority.parse::<std::net::SocketAddr>().ok());
    ensure!(
        host.is_some_and(|host| host.ip().is_loopback()),
        "the page itself comes from {origin}, not a loopback address"
    );
    // The page must have loaded its own client, or this check proves nothing.
    ensure!(
        urls.iter().any(|url| url.ends_with(".js")),
        "no script among the loaded resources: {urls:?}"
    );
    let outside: Vec<_> = urls
        .iter()
        .filter(|url| !url.starts_with(&format!("{origin}/")))
        .collect();
    if !outside.is_empty() {
        bail!("the page loaded from outside {origin}: {outside:?}");
    }
    Ok(())
}
