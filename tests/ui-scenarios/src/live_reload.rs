//! Editing the page's files while it is open (debug builds): each edit shows without a
//! reload, and what the user typed survives it.
//!
//! The server must serve the copy made by [`AssetsCopy::new`] (through
//! `DATASTAR_ASSETS_DIR`, or `Config::live_reload`).

use crate::wait_until;
use anyhow::{Context, Result, ensure};
use fantoccini::{Client, Locator};
use std::{
    path::{Path, PathBuf},
    time::Duration,
};
use tokio::time::Instant;

/// Generous: these tests check that edits arrive, not how fast. The benchmark times them
/// against the 0.5 s target.
const ARRIVAL: Duration = Duration::from_secs(3);
const TYPED: &str = "typed before the edit";

/// A throwaway copy of `ui/assets/` for a server to watch.
pub struct AssetsCopy {
    dir: tempfile::TempDir,
}

impl AssetsCopy {
    pub fn new() -> Result<Self> {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/assets");
        let dir = tempfile::tempdir()?;
        for entry in std::fs::read_dir(&source)? {
            let entry = entry?;
            std::fs::copy(entry.path(), dir.path().join(entry.file_name()))?;
        }
        Ok(Self { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Rewrites `name` as an editor would: a new file renamed over the old one.
    fn save(&self, name: &str, contents: &str) -> Result<()> {
        let temporary = self.file(&format!(".{name}.swp"));
        std::fs::write(&temporary, contents)?;
        std::fs::rename(&temporary, self.file(name))?;
        Ok(())
    }

    fn read(&self, name: &str) -> Result<String> {
        Ok(std::fs::read_to_string(self.file(name))?)
    }
}

/// How long each kind of edit took to show, from the save to the page.
#[derive(Debug, Clone, Copy)]
pub struct EditLatency {
    pub stylesheet: Duration,
    pub markup: Duration,
}

/// Waits until the page holds the edit stream, and types into the input.
pub async fn prepare(client: &Client) -> Result<()> {
    wait_until(ARRIVAL, "the page to connect to live reload", async || {
        Ok(client
            .find(Locator::Css("#live-reload-error[data-connected]"))
            .await
            .ok()
            .map(|_| ()))
    })
    .await?;
    let input = client.find(Locator::Css("#input")).await?;
    input.clear().await?;
    input.send_keys(TYPED).await?;
    // A full reload would lose this; a morph keeps it.
    client
        .execute("window.liveEditMarker = 'still here';", vec![])
        .await?;
    Ok(())
}

/// One stylesheet edit and one markup edit, numbered `round` so that each differs from the
/// last; both must show with the typed input kept, the feed ticking and no reload.
pub async fn edit_both(client: &Client, assets: &AssetsCopy, round: u32) -> Result<EditLatency> {
    let stylesheet = assets.read("style.css")?;
    let spacing = format!("{}px", round % 5 + 1);
    let saved = Instant::now();
    assets.save(
        "style.css",
        &format!("{stylesheet}\nh1 {{ letter-spacing: {spacing}; }}\n"),
    )?;
    wait_until(ARRIVAL, "the stylesheet edit to show", async || {
        let shown = client
            .execute(
                "return getComputedStyle(document.querySelector('h1')).letterSpacing;",
                vec![],
            )
            .await?;
        Ok((shown.as_str() == Some(spacing.as_str())).then_some(()))
    })
    .await?;
    let stylesheet_latency = saved.elapsed();
    assets.save("style.css", &stylesheet)?;

    let page = assets.read("index.html")?;
    let probe = format!(r#"<p id="live-edit-probe">Edit number {round}</p>"#);
    let saved = Instant::now();
    assets.save(
        "index.html",
        &page.replacen("</main>", &format!("{probe}</main>"), 1),
    )?;
    wait_until(ARRIVAL, "the markup edit to show", async || {
        let text = text_if_present(client, "#live-edit-probe").await?;
        Ok((text.as_deref() == Some(&format!("Edit number {round}"))).then_some(()))
    })
    .await?;
    let markup_latency = saved.elapsed();
    assets.save("index.html", &page)?;
    state_survived(client).await?;
    Ok(EditLatency {
        stylesheet: stylesheet_latency,
        markup: markup_latency,
    })
}

/// A half-saved page keeps the last good one, and the page says why.
pub async fn broken_edit_keeps_the_page(client: &Client, assets: &AssetsCopy) -> Result<()> {
    let page = assets.read("index.html")?;
    let probe = r#"<p id="live-edit-probe">Last good edit</p>"#;
    assets.save(
        "index.html",
        &page.replacen("</main>", &format!("{probe}</main>"), 1),
    )?;
    wait_until(ARRIVAL, "the good edit to show", async || {
        Ok(text_if_present(client, "#live-edit-probe")
            .await?
            .map(|_| ()))
    })
    .await?;

    assets.save("index.html", &page[..page.len() / 2])?;
    let error = wait_until(
        ARRIVAL,
        "the page to show the broken edit's error",
        async || {
            let text = text_if_present(client, "#live-reload-error").await?;
            Ok(text.filter(|text| !text.is_empty()))
        },
    )
    .await?;
    ensure!(
        error.contains("index.html"),
        "the error names the file: {error:?}"
    );
    ensure!(
        text_if_present(client, "#live-edit-probe").await?.is_some(),
        "the last good page was replaced by a broken one"
    );
    state_survived(client).await?;

    assets.save("index.html", &page)?;
    wait_until(ARRIVAL, "the fixed page to clear the error", async || {
        let text = text_if_present(client, "#live-reload-error").await?;
        Ok(text.is_some_and(|text| text.is_empty()).then_some(()))
    })
    .await
}

async fn state_survived(client: &Client) -> Result<()> {
    let marker = client
        .execute("return window.liveEditMarker;", vec![])
        .await?;
    ensure!(
        marker.as_str() == Some("still here"),
        "the page was reloaded, not patched"
    );
    let typed = client
        .execute("return document.getElementById('input').value;", vec![])
        .await?;
    ensure!(
        typed.as_str() == Some(TYPED),
        "the typed input became {typed}"
    );
    let before = text_if_present(client, "#feed")
        .await?
        .context("no #feed")?;
    wait_until(ARRIVAL, "the feed to keep ticking", async || {
        let now = text_if_present(client, "#feed").await?;
        Ok((now.as_ref() != Some(&before)).then_some(()))
    })
    .await
}

async fn text_if_present(client: &Client, selector: &str) -> Result<Option<String>> {
    match client.find(Locator::Css(selector)).await {
        Ok(element) => Ok(Some(element.text().await?)),
        Err(_) => Ok(None),
    }
}
