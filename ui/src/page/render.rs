//! The page as the user left it: the stored state put into the page's markup as it is
//! served. The markup stays a plain file (`ui/assets/index.html`); this fills three places
//! in it, each found by what it is, and leaves the page as it is if one is missing.
//!
//! - The initial signals, on `data-signals__ifmissing`, which also carry the page's tab id
//!   (so that a change it makes is not sent back to it). `__ifmissing` means a live-reload
//!   edit of the markup, whose signals are the file's defaults, never overwrites them.
//! - `#target`, with what it last showed.
//! - `#store-notice`, with what the page should know about its saved state, if anything.
//! - `#updates`, with the update panel as it stands ([`UpdateStatus`]).

use super::escape;
use super::updates::{PANEL_ID, UpdateStatus};
use crate::store::PageState;

const SIGNALS: &str = "data-signals__ifmissing='";
const EMPTY_TARGET: &str = r#"<div id="target"></div>"#;
const EMPTY_NOTICE: &str = r#"<p id="store-notice" role="status"></p>"#;

/// `page` with `state`, `tab`, `notice` and `updates` in it.
pub fn render(
    page: &str,
    state: &PageState,
    tab: &str,
    notice: Option<&str>,
    updates: &UpdateStatus,
) -> String {
    let signals = serde_json::json!({
        "input": state.input,
        "output": state.output,
        "show": state.show,
        "tab": tab,
    });
    let mut page = replace_attribute(page, SIGNALS, &escape(&signals.to_string()));
    page = page.replacen(
        EMPTY_TARGET,
        &crate::routes::target_element(&state.target),
        1,
    );
    if let Some(notice) = notice {
        let filled = format!(
            r#"<p id="store-notice" role="status">{}</p>"#,
            escape(notice)
        );
        page = page.replacen(EMPTY_NOTICE, &filled, 1);
    }
    if *updates != UpdateStatus::Hidden {
        let empty = UpdateStatus::Hidden.render();
        debug_assert!(empty.contains(PANEL_ID));
        page = page.replacen(&empty, &updates.render(), 1);
    }
    page
}

/// A new tab id: 128 random bits, hex-encoded.
pub fn new_tab_id() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `page` with the value of the first single-quoted attribute that starts with `prefix`
/// set to `value`.
fn replace_attribute(page: &str, prefix: &str, value: &str) -> String {
    let Some(start) = page.find(prefix).map(|at| at + prefix.len()) else {
        return page.to_owned();
    };
    let Some(end) = page[start..].find('\'').map(|at| start + at) else {
        return page.to_owned();
    };
    format!("{}{value}{}", &page[..start], &page[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = concat!(
        r#"<main data-signals__ifmissing='{"input": "", "output": "", "show": true}'>"#,
        r#"<p id="store-notice" role="status"></p><section id="updates" hidden></section>"#,
        r#"<div id="target"></div></main>"#
    );

    #[test]
    fn the_page_comes_back_as_it_was_left() {
        let state = PageState {
            input: "it's <b>&".into(),
            output: "Your input: x".into(),
            show: false,
            target: "2026-11-30 10:00:00".into(),
        };
        let updates = UpdateStatus::Updated {
            version: "0.2.0".into(),
        };
        let page = render(
            PAGE,
            &state,
            "t1",
            Some("Changes will not <be> kept."),
            &updates,
        );
        assert!(
            page.contains(r#"data-signals__ifmissing='{&quot;input&quot;:&quot;it&#39;s &lt;b&gt;&amp;&quot;,"#),
            "{page}"
        );
        assert!(
            page.contains("&quot;show&quot;:false")
                && page.contains("&quot;tab&quot;:&quot;t1&quot;")
        );
        assert!(page.contains(r#"<div id="target"><b>2026-11-30 10:00:00</b></div>"#));
        assert!(page.contains(r#"role="status">Changes will not &lt;be&gt; kept.</p>"#));
        assert!(page.contains(&updates.render()), "{page}");
    }

    #[test]
    fn a_page_without_the_places_is_served_as_it_is() {
        assert_eq!(
            render(
                "<p>plain</p>",
                &PageState::default(),
                "t",
                None,
                &UpdateStatus::Question
            ),
            "<p>plain</p>"
        );
        assert_eq!(new_tab_id().len(), 32);
        assert_ne!(new_tab_id(), new_tab_id());
    }
}
