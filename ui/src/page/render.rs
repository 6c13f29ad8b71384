//! The page as the user left it: `index.html` rendered with the stored state.
//!
//! The template decides where each value goes, and the engine escapes it. What the user
//! typed (`input`, and `output`, the sentence around it) goes into an element's value and
//! content, as text. No value goes into a `data-*` attribute, which Datastar compiles as an
//! expression: the tab id is an element's value too, and `show` picks one of two attributes
//! written out in the template.

use super::{
    notifications::NotificationStatus,
    templates::{BODY, INDEX, TemplateError, Templates},
    updates::{Panel, UpdateStatus},
};
use crate::store::{PageState, Settings};
use serde::Serialize;

/// The page's context: what `index.html`, and the fragments it includes, read.
#[derive(Debug, Serialize)]
struct PageView<'a> {
    /// Whether the feed is shown.
    show: bool,
    /// This tab's id, which `$tab` starts from.
    tab: &'a str,
    input: &'a str,
    output: &'a str,
    /// What `#target` shows (`target.html`).
    time: &'a str,
    /// What the page should know about its saved state; empty if nothing.
    notice: &'a str,
    /// The update panel (`updates.html`).
    #[serde(flatten)]
    updates: Panel<'a>,
    /// `#notifications` (`notifications.html`), and whether the page offers Notify Me: only
    /// the desktop app can notify.
    notifications: &'a NotificationStatus,
    notify: bool,
    /// `#settings` (`settings.html`), in the desktop app, and whether it offers the tray's.
    settings: Settings,
    tray: bool,
    /// Whether the page includes live reload's hook (`live-reload.html`).
    live_reload: bool,
}

/// What a page is rendered from.
#[derive(Debug)]
pub struct Page<'a> {
    pub state: &'a PageState,
    /// This tab's id (`$tab`), from [`crate::PageEvents`]' `open_tab`.
    pub tab: &'a str,
    /// What the page should know about its saved state.
    pub notice: Option<&'a str>,
    pub updates: &'a UpdateStatus,
    pub notifications: &'a NotificationStatus,
    /// Whether the server has a native side that can notify.
    pub notify: bool,
    pub settings: Settings,
    /// Whether the desktop app has a tray icon.
    pub tray: bool,
    /// Whether live reload is on (debug builds), so that the page listens for edits.
    pub live_reload: bool,
}

impl Page<'_> {
    /// The whole page.
    pub fn render(&self, templates: &Templates) -> Result<String, TemplateError> {
        templates.render(INDEX, self.view())
    }

    /// Only its `<body>`, as live reload sends it.
    pub fn render_body(&self, templates: &Templates) -> Result<String, TemplateError> {
        templates.render_block(INDEX, BODY, self.view())
    }

    fn view(&self) -> PageView<'_> {
        PageView {
            show: self.state.show,
            tab: self.tab,
            input: &self.state.input,
            output: &self.state.output,
            time: &self.state.target,
            notice: self.notice.unwrap_or_default(),
            updates: self.updates.panel(),
            notifications: self.notifications,
            notify: self.notify,
            settings: self.settings,
            tray: self.tray,
            live_reload: self.live_reload,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(state: &PageState, notice: Option<&str>, updates: &UpdateStatus) -> String {
        Page {
            state,
            tab: "t1",
            notice,
            updates,
            notifications: &NotificationStatus::Quiet,
            notify: true,
            settings: Settings::default(),
            tray: false,
            live_reload: false,
        }
        .render(&Templates::built_in())
        .unwrap()
    }

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
        let page = page(&state, Some("Changes will not <be> kept."), &updates);
        assert!(
            page.contains(r#"value="it&#x27;s &lt;b&gt;&amp;""#),
            "the input, as text: {page}"
        );
        assert!(page.contains(">Your input: x</output>"), "{page}");
        assert!(
            page.contains(r#"data-signals:show__ifmissing="false""#),
            "{page}"
        );
        assert!(
            page.contains(r#"<input id="tab" type="hidden" value="t1" data-bind:tab>"#),
            "{page}"
        );
        assert!(page.contains(r#"<div id="target"><b>2026-11-30 10:00:00</b></div>"#));
        assert!(page.contains(r#"role="status">Changes will not &lt;be&gt; kept.</p>"#));
        let panel = updates.render(&Templates::built_in()).unwrap();
        assert!(page.contains(&panel), "{page}");
    }

    #[test]
    fn live_reload_gets_the_body_with_its_hook_first() {
        let state = PageState::default();
        let page = Page {
            state: &state,
            tab: "t1",
            notice: None,
            updates: &UpdateStatus::Hidden,
            notifications: &NotificationStatus::Quiet,
            notify: false,
            settings: Settings::default(),
            tray: false,
            live_reload: true,
        };
        let templates = Templates::built_in();
        let body = page.render_body(&templates).unwrap();
        assert!(
            body.starts_with(r#"<body><div id="live-reload" hidden data-init="@get('"#),
            "{body}"
        );
        assert!(body.ends_with("</body>"), "{body}");
        let whole = page.render(&templates).unwrap();
        assert!(whole.contains(&body));
        let without = Page {
            live_reload: false,
            ..page
        };
        assert!(!without.render(&templates).unwrap().contains("live-reload"));
    }

    /// Datastar compiles every `data-*` value as an expression: nothing typed may reach one.
    #[test]
    fn typed_text_never_reaches_an_attribute_datastar_compiles() {
        let typed = "use @dataclass(frozen=True) 🖕JS_ x _DS🚀 ${a} $b ;\\ \"' \u{2028}\0";
        let state = PageState {
            input: typed.into(),
            output: format!("Your input: {typed}, is 40 long."),
            ..PageState::default()
        };
        let page = page(&state, None, &UpdateStatus::Hidden);
        assert!(
            page.contains(r#"<p id="store-notice" role="status"></p>"#),
            "no notice"
        );
        for value in data_attribute_values(&page) {
            assert!(
                !value.contains("dataclass") && !value.contains("JS_"),
                "typed text in a data-* attribute: {value}"
            );
        }
        assert!(page.contains("use @dataclass(frozen=True)"));
    }

    /// The quoted value of every `data-*` attribute in `page`.
    fn data_attribute_values(page: &str) -> Vec<&str> {
        let mut values = Vec::new();
        let mut rest = page;
        while let Some(at) = rest.find(" data-") {
            rest = &rest[at + 1..];
            let name_end = rest
                .find(|c: char| c == '=' || c == '>' || c.is_whitespace())
                .unwrap_or(rest.len());
            let after = &rest[name_end..];
            let Some(quoted) = after.strip_prefix('=') else {
                continue;
            };
            let quote = quoted.chars().next().unwrap();
            let end = quoted[1..].find(quote).unwrap() + 1;
            values.push(&quoted[1..end]);
            rest = &quoted[end..];
        }
        values
    }
}
