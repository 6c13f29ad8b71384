//! Deep links: `datastar-desktop://roundtrip?input=hello%20there` fills the page's box and
//! answers the roundtrip, in the running window (a second launch hands the link over through
//! the single-instance plugin, then exits) or on a cold start.
//!
//! Any local program can open a link, so a link is untrusted input. It is read into one of
//! the few [`Link`]s the app knows, or ignored with one log line: never a panic, and never a
//! navigation, since the window only ever shows the server's page. What a link asks for goes
//! to the server, which keeps it and tells the page, as the menu's Toggle Feed does.

use datastar_ui::{AppState, changes, limits::MAX_INPUT_CHARS};
use tauri::{AppHandle, Runtime, Url, plugin::Plugin};
use tauri_plugin_deep_link::DeepLinkExt;

/// Longer links are ignored unread: the longest input, every character percent-encoded as
/// four UTF-8 bytes, fits, with room for the rest of the link.
const MAX_LINK_BYTES: usize = MAX_INPUT_CHARS * 12 + 256;

/// What a link can ask of the app.
#[derive(Debug, PartialEq)]
pub enum Link {
    /// `<scheme>://roundtrip?input=TEXT`: the box holds TEXT, and the page answers it.
    Roundtrip { input: String },
}

/// Why a link was ignored, for its one log line.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum Ignored {
    #[error("it is {0} bytes long, more than {MAX_LINK_BYTES}")]
    TooLong(usize),
    #[error("the app has no {0:?} to open")]
    UnknownPlace(String),
    #[error("it holds a parameter {0:?}, which the app does not read")]
    UnknownParameter(String),
    #[error("it gives `input` more than once")]
    RepeatedInput,
    #[error("its input is {0} characters long, more than {MAX_INPUT_CHARS}")]
    InputTooLong(usize),
}

impl Link {
    /// The link `url` names, if it is one the app knows. The scheme has been matched already,
    /// by the plugin, against `tauri.conf.json`'s.
    pub fn parse(url: &Url) -> Result<Self, Ignored> {
        let length = url.as_str().len();
        if length > MAX_LINK_BYTES {
            return Err(Ignored::TooLong(length));
        }
        // `scheme://roundtrip` has the place as its host; `scheme:roundtrip`, as its path.
        let place = match url.host_str() {
            Some(host) if matches!(url.path(), "" | "/") => host,
            Some(host) => return Err(Ignored::UnknownPlace(format!("{host}{}", url.path()))),
            None => url.path(),
        };
        if place != "roundtrip" || url.fragment().is_some() || url.username() != "" {
            return Err(Ignored::UnknownPlace(place.chars().take(64).collect()));
        }
        let mut input = None;
        for (name, value) in url.query_pairs() {
            if name != "input" {
                return Err(Ignored::UnknownParameter(name.chars().take(64).collect()));
            }
            if input.replace(value).is_some() {
                return Err(Ignored::RepeatedInput);
            }
        }
        let input = input.unwrap_or_default().into_owned();
        let chars = input.chars().count();
        if chars > MAX_INPUT_CHARS {
            return Err(Ignored::InputTooLong(chars));
        }
        Ok(Self::Roundtrip { input })
    }
}

/// The plugin that reads a link from the command line (`Exec=… %u` in the `.desktop` entry)
/// and from a second launch's.
pub fn plugin<R: Runtime>() -> impl Plugin<R> {
    tauri_plugin_deep_link::init()
}

/// Hands the server the link this launch was started with, and every one a later launch
/// passes on. The first is kept before this returns, so that the page opens with it.
pub fn follow_links<R: Runtime>(app: &AppHandle<R>, server: &AppState) {
    let deep_link = app.deep_link();
    match deep_link.get_current() {
        Ok(urls) => {
            for url in urls.into_iter().flatten() {
                if let Some(keep) = follow(server, &url) {
                    tauri::async_runtime::block_on(keep);
                }
            }
        }
        Err(err) => tracing::warn!(%err, "cannot read the link this launch was started with"),
    }
    let server = server.clone();
    deep_link.on_open_url(move |event| {
        for url in event.urls() {
            if let Some(keep) = follow(&server, &url) {
                tauri::async_runtime::spawn(keep);
            }
        }
    });
}

/// What the link asks of the server, to run; `None` for a link that is ignored.
fn follow(server: &AppState, url: &Url) -> Option<impl Future<Output = ()> + use<>> {
    match Link::parse(url) {
        Ok(Link::Roundtrip { input }) => {
            tracing::info!("a link fills the page's input and answers it");
            let server = server.clone();
            Some(async move {
                let kept =
                    changes::fill_and_answer(server.store(), server.page_events(), input).await;
                if let Err(err) = kept {
                    tracing::warn!(%err, "cannot keep what the link asked for");
                }
            })
        }
        Err(why) => {
            tracing::warn!("a link was ignored: {why}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(link: &str) -> Result<Link, Ignored> {
        Link::parse(&link.parse().unwrap())
    }

    fn roundtrip(input: &str) -> Result<Link, Ignored> {
        Ok(Link::Roundtrip {
            input: input.into(),
        })
    }

    #[test]
    fn a_roundtrip_link_gives_its_input_decoded() {
        let scheme = "datastar-desktop";
        for (link, input) in [
            ("://roundtrip?input=hello%20there", "hello there"),
            ("://roundtrip/?input=h%C3%A9llo+%F0%9F%91%8D", "héllo 👍"),
            (":roundtrip?input=a%26b%3Dc", "a&b=c"),
            ("://roundtrip", ""),
            (
                "://roundtrip?input=%3Cscript%3E%40get('x')",
                "<script>@get('x')",
            ),
        ] {
            assert_eq!(
                parse(&format!("{scheme}{link}")),
                roundtrip(input),
                "{link}"
            );
        }
    }

    #[test]
    fn the_docs_state_these_limits() {
        let thousands = |n: usize| format!("{},{:03}", n / 1000, n % 1000);
        let input = format!("{} characters", thousands(MAX_INPUT_CHARS));
        let link = format!("{} bytes", thousands(MAX_LINK_BYTES));
        for (name, doc) in [
            ("docs/desktop.md", include_str!("../docs/desktop.md")),
            ("SECURITY.md", include_str!("../SECURITY.md")),
        ] {
            let doc = doc.split_whitespace().collect::<Vec<_>>().join(" ");
            for limit in [&input, &link] {
                assert!(
                    doc.contains(limit.as_str()),
                    "{name} does not say {limit:?}"
                );
            }
        }
    }

    #[test]
    fn anything_else_is_ignored_with_its_reason() {
        let scheme = "datastar-desktop";
        for (link, why) in [
            ("://settings", Ignored::UnknownPlace("settings".into())),
            (
                "://roundtrip/more",
                Ignored::UnknownPlace("roundtrip/more".into()),
            ),
            (
                "://user@roundtrip",
                Ignored::UnknownPlace("roundtrip".into()),
            ),
            ("://roundtrip#x", Ignored::UnknownPlace("roundtrip".into())),
            ("://roundtrip?go=1", Ignored::UnknownParameter("go".into())),
            ("://roundtrip?input=a&input=b", Ignored::RepeatedInput),
        ] {
            assert_eq!(parse(&format!("{scheme}{link}")), Err(why), "{link}");
        }
        let long = "x".repeat(MAX_INPUT_CHARS + 1);
        assert_eq!(
            parse(&format!("{scheme}://roundtrip?input={long}")),
            Err(Ignored::InputTooLong(MAX_INPUT_CHARS + 1))
        );
        let huge = format!("{scheme}://roundtrip?input={}", "x".repeat(MAX_LINK_BYTES));
        assert!(matches!(parse(&huge), Err(Ignored::TooLong(_))));
        // The longest input, each character as four bytes, percent-encoded, still fits.
        let longest = format!(
            "{scheme}://roundtrip?input={}",
            "%F0%9F%91%8D".repeat(MAX_INPUT_CHARS)
        );
        assert!(matches!(parse(&longest), Ok(Link::Roundtrip { .. })));
    }
}
