//! Saved text stays text: whatever the user types or pastes comes back exactly after a
//! reload or a relaunch, never runs, and never stops the page. The same steps in Chromium
//! and in the Tauri window.
//!
//! Datastar compiles every `data-*` attribute as an expression, after rewriting `@name(`
//! into an action call (even inside a string) and unescaping `🖕JS_…_DS🚀` spans into code.
//! Each text here broke the page, or ran, while the page's signals were written into one.

use crate::{Scenario, scenarios::text_of, state::input_value, wait_until};
use anyhow::{Result, ensure};
use fantoccini::{Client, Locator, key::Key};
use std::{path::Path, time::Duration};

/// How long the page and the server get to show or keep a change.
const REACTION: Duration = Duration::from_secs(5);

/// The texts found to break the page, or to run, at every load; and a NUL, which HTML
/// cannot carry, so that the server keeps U+FFFD in its place ([`kept_as`]).
pub const FOUND: [&str; 6] = [
    "use @dataclass(frozen=True) here",
    "see x@y(z) here",
    "a;b\\",
    "see @in🖕JS_ (document.title='RAN',{})?1:_DS🚀( here",
    "note: @dataclass(frozen=True)",
    "a NUL\0here",
];

/// `text` as the server keeps it, and so as it comes back: exactly, but for U+0000, which
/// no HTML page can hold, and which the server keeps as U+FFFD, as a browser would show it.
pub fn kept_as(text: &str) -> String {
    text.replace('\0', "\u{fffd}")
}

/// What the page shows as its title: a text that ran would change it.
const TITLE: &str = "Datastar Desktop";

/// Texts made from every piece Datastar's rewriting treats specially, each next to others,
/// as one generator of this module's own (a fixed sequence, so that a failure repeats).
pub fn generated() -> Vec<String> {
    const PIECES: [&str; 16] = [
        "@x(",
        ";",
        "\\",
        "\"",
        "'",
        "${",
        "$x",
        "🖕JS_",
        "_DS🚀",
        "\u{2028}",
        "`",
        "</output><script>document.title='RAN'</script>",
        "{document.title='RAN'}",
        "&amp;",
        ")",
        "@post('updates/automatic')",
    ];
    // A stride of 5, coprime with the 16 pieces: each text starts one piece further on, so
    // that the 8 texts use every piece, each beside different neighbours.
    (0..8)
        .map(|start: usize| {
            (0..6)
                .map(|step| PIECES[(start + step * 5) % PIECES.len()])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// How a text reaches the box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// Key by key, through WebDriver (characters in the Basic Multilingual Plane only:
    /// ChromeDriver types no others).
    Typed,
    /// All at once, as a paste does: the box's value changes and it fires one `input`.
    Pasted,
}

impl Entry {
    /// Typed where WebDriver can type it, pasted otherwise.
    pub fn for_text(text: &str) -> Self {
        if text
            .chars()
            .all(|c| c <= '\u{ffff}' && c != '\u{2028}' && c != '\0')
        {
            Self::Typed
        } else {
            Self::Pasted
        }
    }
}

/// Puts `text` in the box as `entry` says, sends it with Enter, and waits until the store in
/// `data_dir` holds both the text and the answer.
pub async fn enter_and_send(
    client: &Client,
    data_dir: &Path,
    text: &str,
    entry: Entry,
) -> Result<()> {
    let input = client.find(Locator::Css("#input")).await?;
    input.clear().await?;
    match entry {
        Entry::Typed => input.send_keys(text).await?,
        Entry::Pasted => {
            client
                .execute(
                    "const box = document.querySelector('#input');
                     box.value = arguments[0];
                     box.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'}));",
                    vec![serde_json::Value::from(text)],
                )
                .await?;
        }
    }
    input.send_keys(&char::from(Key::Enter).to_string()).await?;
    let (kept, answer) = (kept_as(text), answer_to(text));
    wait_until(
        REACTION,
        &format!("{text:?} and its answer to be kept"),
        async || {
            let stored = datastar_ui::Store::peek(data_dir).ok().flatten();
            Ok(stored
                .filter(|state| state.input == kept && state.output == answer)
                .map(|_| ()))
        },
    )
    .await
}

/// Checks, on a page just loaded, that `text` is back exactly, with its answer, that nothing
/// ran, and that the page works: its feed started, which a page whose Datastar stopped on a
/// bad expression never does.
pub async fn is_back_as_text(client: &Client, text: &str) -> Result<()> {
    let kept = kept_as(text);
    wait_until(
        REACTION,
        &format!("{text:?} to be back in the box"),
        async || Ok((input_value(client).await? == kept).then_some(())),
    )
    .await?;
    let answer = client
        .find(Locator::Css("#output"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(answer == answer_to(text), "the answer reads {answer:?}");
    let title = client.title().await?;
    ensure!(title == TITLE, "something ran: the title is {title:?}");
    wait_until(REACTION, "the feed to start", async || {
        Ok((!text_of(client, "#feed").await?.is_empty()).then_some(()))
    })
    .await
}

/// Every text to try, with each way it can reach the box: the texts found, then the
/// generated ones; each typed (where WebDriver can) and pasted.
pub fn all_entries() -> Vec<(String, Entry)> {
    FOUND
        .iter()
        .map(|text| text.to_string())
        .chain(generated())
        .flat_map(|text| {
            let mut entries = vec![(text.clone(), Entry::Pasted)];
            if Entry::for_text(&text) == Entry::Typed {
                entries.insert(0, (text, Entry::Typed));
            }
            entries
        })
        .collect()
}

/// The page's feed ticks and it keeps saving: what a relaunch must leave working.
pub async fn page_works(client: &Client, data_dir: &Path, text: &str) -> Result<()> {
    Scenario::FeedTicks.run(client).await?;
    still_saves(client, data_dir, text).await
}

/// Types one more character and waits until the store has the box's new text: the page
/// still saves. (Where the key goes is the driver's choice: Chromium's types at the end of
/// the box, WebKit's over its selected text.)
pub async fn still_saves(client: &Client, data_dir: &Path, text: &str) -> Result<()> {
    client
        .find(Locator::Css("#input"))
        .await?
        .send_keys("!")
        .await?;
    let expected = input_value(client).await?;
    ensure!(
        expected.contains('!') && expected != kept_as(text),
        "the box reads {expected:?}"
    );
    wait_until(REACTION, "the page to keep saving", async || {
        let stored = datastar_ui::Store::peek(data_dir).ok().flatten();
        Ok(stored.filter(|state| state.input == expected).map(|_| ()))
    })
    .await?;
    ensure!(
        text_of(client, "#store-notice").await?.is_empty(),
        "the page says its changes are not kept"
    );
    Ok(())
}

/// The roundtrip's sentence, as the server words it (lengths in Unicode scalar values).
pub fn answer_to(text: &str) -> String {
    let kept = kept_as(text);
    format!("Your input: {kept}, is {} long.", kept.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_texts_use_every_piece() {
        let texts = generated().join(" ");
        for piece in ["@x(", "🖕JS_", "_DS🚀", "\u{2028}", "${", "\\", "'", "\""] {
            assert!(texts.contains(piece), "{piece:?} is never generated");
        }
    }
}
