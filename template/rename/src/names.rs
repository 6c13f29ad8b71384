//! The new app's names, checked, in every spelling the sources use.

use std::fmt;

/// This project's identity, as its sources spell it, with the new app's spelling of each.
/// Longest first: the identifier holds the package name, which must not be replaced inside it.
pub struct Names {
    pub product: String,
    replacements: Vec<(&'static str, String)>,
}

/// A value the template cannot use, with the rule it broke.
#[derive(Debug, PartialEq)]
pub struct InvalidName {
    what: &'static str,
    value: String,
    rule: &'static str,
}

impl fmt::Display for InvalidName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?} {}", self.what, self.value, self.rule)
    }
}

impl std::error::Error for InvalidName {}

impl Names {
    pub fn new(name: &str, product: &str, identifier: &str) -> Result<Self, InvalidName> {
        let invalid = |what, value: &str, rule| InvalidName {
            what,
            value: value.to_owned(),
            rule,
        };
        if !is_kebab(name) {
            return Err(invalid(
                "project name",
                name,
                "must be lowercase words of letters and digits joined by '-', like acme-notes",
            ));
        }
        // The product name goes into Rust and JSON strings, HTML and a .desktop file as it
        // is, so it holds nothing any of them would read as syntax.
        if product.is_empty()
            || product.len() > 48
            || product.starts_with(' ')
            || !product
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || " .+-".contains(c))
        {
            return Err(invalid(
                "product name",
                product,
                "must be 1 to 48 letters, digits, spaces, '.', '+' or '-', like Acme Notes",
            ));
        }
        if !is_reverse_dns(identifier) {
            return Err(invalid(
                "identifier",
                identifier,
                "must be reverse-DNS, lowercase, like com.acme.notes",
            ));
        }
        let snake = name.replace('-', "_");
        let shouty = snake.to_ascii_uppercase();
        let pascal: String = name
            .split('-')
            .map(|word| word[..1].to_ascii_uppercase() + &word[1..])
            .collect();
        let replacements = vec![
            (
                "dev.datastar-desktop.DatastarDesktop",
                identifier.to_owned(),
            ),
            ("Datastar Desktop", product.to_owned()),
            ("DatastarDesktop", pascal),
            ("DATASTAR_DESKTOP", shouty.clone()),
            ("datastar_desktop", snake.clone()),
            ("datastar-desktop", name.to_owned()),
            // The server crate and its binary are this project's too; Datastar, the library,
            // keeps its name everywhere else.
            ("DATASTAR_HEADLESS", format!("{shouty}_HEADLESS")),
            ("datastar-headless", format!("{name}-headless")),
            ("datastar_headless", format!("{snake}_headless")),
            ("datastar-ui", format!("{name}-ui")),
            ("datastar_ui", format!("{snake}_ui")),
        ];
        Ok(Self {
            product: product.to_owned(),
            replacements,
        })
    }

    /// The text with every one of this project's names replaced; `None` if it names none.
    pub fn apply(&self, text: &str) -> Option<String> {
        if !self
            .replacements
            .iter()
            .any(|(ours, _)| text.contains(ours))
        {
            return None;
        }
        let renamed = self
            .replacements
            .iter()
            .fold(text.to_owned(), |text, (ours, theirs)| {
                text.replace(ours, theirs)
            });
        Some(renamed)
    }
}

fn is_word(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_lowercase())
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

fn is_kebab(name: &str) -> bool {
    name.len() <= 64 && name.split('-').all(is_word)
}

fn is_reverse_dns(identifier: &str) -> bool {
    let labels: Vec<&str> = identifier.split('.').collect();
    identifier.len() <= 128
        && labels.len() >= 2
        && labels.iter().all(|label| {
            label.starts_with(|c: char| c.is_ascii_lowercase())
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> Names {
        Names::new("acme-notes", "Acme Notes", "com.acme.notes").unwrap()
    }

    #[test]
    fn every_spelling_becomes_the_new_apps() {
        let ours = r#"identifier "dev.datastar-desktop.DatastarDesktop", title "Datastar Desktop",
            crate datastar_desktop, binary datastar-desktop, DATASTAR_DESKTOP_PORT,
            datastar_ui::serve, datastar-ui, datastar-headless, datastar_headless, DATASTAR_HEADLESS_COMMAND"#;
        let theirs = r#"identifier "com.acme.notes", title "Acme Notes",
            crate acme_notes, binary acme-notes, ACME_NOTES_PORT,
            acme_notes_ui::serve, acme-notes-ui, acme-notes-headless, acme_notes_headless, ACME_NOTES_HEADLESS_COMMAND"#;
        assert_eq!(acme().apply(ours).as_deref(), Some(theirs));
    }

    #[test]
    fn datastar_the_library_keeps_its_name() {
        let text = "datastar = \"0.4\"; use datastar::prelude::*; Datastar v1.0.2, DATASTAR_TOKEN";
        assert_eq!(acme().apply(text), None);
    }

    #[test]
    fn a_single_word_name_is_capitalised() {
        let names = Names::new("notes", "Notes", "org.example.notes").unwrap();
        assert_eq!(names.apply("DatastarDesktop").as_deref(), Some("Notes"));
    }

    #[test]
    fn values_that_would_break_a_source_file_are_refused() {
        for name in [
            "",
            "Acme",
            "acme_notes",
            "acme--notes",
            "-acme",
            "acme-",
            "1acme",
        ] {
            assert!(Names::new(name, "Acme", "com.acme").is_err(), "{name:?}");
        }
        for product in [
            "",
            " Acme",
            "Acme \"Notes\"",
            "Acme <b>",
            "Acme\nNotes",
            "Acme & Co",
        ] {
            assert!(
                Names::new("acme", product, "com.acme").is_err(),
                "{product:?}"
            );
        }
        for identifier in [
            "acme",
            "com.Acme",
            "com..acme",
            "com.acme-",
            "com.1acme",
            "com.acme.",
        ] {
            assert!(
                Names::new("acme", "Acme", identifier).is_err(),
                "{identifier:?}"
            );
        }
        let err = Names::new("acme", "Acme", "NotDns").err().unwrap();
        assert_eq!(
            err.to_string(),
            "identifier \"NotDns\" must be reverse-DNS, lowercase, like com.acme.notes"
        );
    }
}
