//! The page, and the fragments the server patches into it, are Jinja templates in
//! `ui/assets/`: files a designer edits, filled by [minijinja], which escapes every value as
//! HTML. Nothing the user typed is ever placed into markup by hand, nor into a `data-*`
//! attribute, which Datastar compiles as an expression: see `index.html`.
//!
//! minijinja rather than askama: askama checks templates as it compiles, but an edited file
//! would then need a rebuild, where live reload (debug builds) renders the file as it is on
//! disk. What askama would catch at compile time, a unit test catches here: it renders every
//! embedded template.

use serde::Serialize;
use std::sync::{Arc, LazyLock};

/// The page.
pub const INDEX: &str = "index.html";
/// `#target`, as the page first shows it and as `GET target` replaces it.
pub const TARGET: &str = "target.html";

/// The update panel, `#updates` (see [`super::updates`]).
pub const UPDATES: &str = "updates.html";

/// `#store-notice`: what the page should know about its saved state.
pub const NOTICE: &str = "notice.html";

/// `#notifications`: what became of the desktop app's notifications (see
/// [`super::notifications`]).
pub const NOTIFICATIONS: &str = "notifications.html";

/// `#settings`: the desktop app's settings.
pub const SETTINGS: &str = "settings.html";

/// Live reload's hook in the page, and the patches it sends (debug builds).
pub const LIVE_RELOAD: &str = "live-reload.html";

/// The block of [`INDEX`] that is the page's `<body>`: what live reload sends.
pub const BODY: &str = "body";

/// Every template's name, and its text as built into the binary.
pub const EMBEDDED: [(&str, &str); 7] = [
    (INDEX, include_str!("../../assets/index.html")),
    (TARGET, include_str!("../../assets/target.html")),
    (UPDATES, include_str!("../../assets/updates.html")),
    (NOTICE, include_str!("../../assets/notice.html")),
    (
        NOTIFICATIONS,
        include_str!("../../assets/notifications.html"),
    ),
    (SETTINGS, include_str!("../../assets/settings.html")),
    (LIVE_RELOAD, include_str!("../../assets/live-reload.html")),
];

/// A template that does not parse, or that failed while it rendered.
#[derive(Debug, thiserror::Error)]
#[error("template {name}: {source}")]
pub struct TemplateError {
    name: String,
    source: minijinja::Error,
}

/// A set of templates, ready to render.
#[derive(Debug)]
pub struct Templates {
    env: minijinja::Environment<'static>,
}

static BUILT_IN: LazyLock<Arc<Templates>> = LazyLock::new(|| {
    // The embedded templates are checked by this module's tests: this cannot fail in a
    // build whose tests pass, and if it did, a page with the error beats a panic.
    Arc::new(Templates::with(&[]).unwrap_or_else(|err| {
        tracing::error!(%err, "a built-in template is broken");
        Templates::broken(&err)
    }))
});

impl Templates {
    /// The templates built into the binary.
    pub fn built_in() -> Arc<Self> {
        BUILT_IN.clone()
    }

    /// The built-in templates, with `files` (name, text) in place of theirs: live reload's
    /// copies, as they are on disk now. Refused if any does not parse.
    pub fn with(files: &[(String, String)]) -> Result<Self, TemplateError> {
        let mut env = minijinja::Environment::new();
        for (name, text) in EMBEDDED {
            let text = files
                .iter()
                .find(|(file, _)| file == name)
                .map_or_else(|| text.to_owned(), |(_, text)| text.clone());
            env.add_template_owned(name, text)
                .map_err(|source| TemplateError::new(name, source))?;
        }
        Ok(Self { env })
    }

    /// Templates that each say what is wrong, as text.
    fn broken(err: &TemplateError) -> Self {
        let mut env = minijinja::Environment::new();
        for (name, _) in EMBEDDED {
            // Plain text, escaped by the engine: nothing here can fail to parse.
            let _ = env.add_template_owned(name, "{{ error }}");
        }
        env.add_global("error", err.to_string());
        Self { env }
    }

    /// Renders the template `name` with `context`.
    pub fn render(&self, name: &str, context: impl Serialize) -> Result<String, TemplateError> {
        self.template(name)?
            .render(Self::value(&context))
            .map_err(|source| TemplateError::new(name, source))
    }

    /// Renders only the block `block` of the template `name`, with `context`.
    pub fn render_block(
        &self,
        name: &str,
        block: &str,
        context: impl Serialize,
    ) -> Result<String, TemplateError> {
        self.template(name)?
            .render_captured(Self::value(&context))
            .and_then(|mut rendered| rendered.with_state_mut(|state| state.render_block(block)))
            .map_err(|source| TemplateError::new(name, source))
    }

    fn template(&self, name: &str) -> Result<minijinja::Template<'_, '_>, TemplateError> {
        self.env
            .get_template(name)
            .map_err(|source| TemplateError::new(name, source))
    }

    fn value(context: &impl Serialize) -> minijinja::Value {
        minijinja::Value::from(minijinja::value::Serde(context))
    }
}

impl TemplateError {
    fn new(name: &str, source: minijinja::Error) -> Self {
        Self {
            name: name.to_owned(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each module that renders a template tests what it renders; this checks that they all
    /// parse, as live reload checks an edited one.
    #[test]
    fn every_built_in_template_parses() {
        Templates::with(&[]).unwrap_or_else(|err| panic!("{err}"));
    }

    /// Datastar compiles every `data-*` attribute's value as an expression, so a value the
    /// engine put there would run as code, however well escaped as HTML.
    #[test]
    fn no_template_value_is_written_into_a_datastar_attribute() {
        for (name, text) in EMBEDDED {
            for (at, _) in text.match_indices(" data-") {
                let attribute = &text[at + 1..];
                let name_end = attribute
                    .find(|c: char| c.is_whitespace() || matches!(c, '=' | '>' | '`'))
                    .unwrap_or(attribute.len());
                let Some(rest) = attribute[name_end..].strip_prefix('=') else {
                    continue;
                };
                let quote = rest.chars().next().unwrap();
                let value = &rest[1..][..rest[1..].find(quote).unwrap()];
                let attribute = &attribute[..name_end];
                assert!(
                    !(value.contains("{{") || value.contains("{%") || attribute.contains('{')),
                    "{name}: {attribute}={quote}{value}{quote}"
                );
            }
        }
    }

    #[test]
    fn values_are_escaped_as_html() {
        let templates = Templates::with(&[]).unwrap();
        let target = templates
            .render(TARGET, serde_json::json!({ "time": "<b>&\"'" }))
            .unwrap();
        assert!(target.contains("&lt;b&gt;&amp;&quot;&#x27;"), "{target}");
    }

    #[test]
    fn a_file_that_does_not_parse_is_refused() {
        let broken = [(TARGET.to_owned(), "{% if %}".to_owned())];
        let err = Templates::with(&broken).unwrap_err();
        assert!(
            err.to_string().starts_with("template target.html:"),
            "{err}"
        );
    }
}
