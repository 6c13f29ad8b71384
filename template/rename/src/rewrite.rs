//! The copy rewritten: the new names in every text file, and the cuts.

use std::{fmt, fs, io, path::Path, path::PathBuf};

use crate::names::Names;

/// Directories that are not the app's sources: version control, build output, fetched
/// packages, and the template's own tools (which the hook deletes next).
const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules", "template"];

/// What belongs to this project alone, cut from files a new app keeps: each `(file, ours,
/// theirs)` must find `ours` exactly once.
const CUTS: &[(&str, &str, &str)] = &[
    // The benchmark against the seed demo and the check of this project's docs are not
    // copied (cargo-generate.toml's `ignore`).
    (
        "Cargo.toml",
        r#"members = ["ui", "tests/ui-scenarios", "tests/docs-check", "bench"]"#,
        r#"members = ["ui", "tests/ui-scenarios"]"#,
    ),
    ("Makefile", " bench bench-smoke", ""),
    // The template's own check is not copied either.
    ("Makefile", " check-template", ""),
    ("Makefile", " a project generated from the template,", ""),
    (
        "Makefile",
        "## A project made from this template with cargo-generate, and its own checks.\n\
         check-template: setup-test\n\
         \tscripts/check-template.sh\n\n",
        "",
    ),
    ("Makefile", "\tscripts/check-template.sh\n", ""),
    ("Makefile", " the benchmark smoke run,", ""),
    ("Makefile", "\t$(MAKE) bench-smoke\n", ""),
    (
        "Makefile",
        "\n## The full benchmark against the seed (about 15 minutes); writes .bench/results-full.md\n\
         bench: setup-test bundle\n\
         \txvfb-run -a -s \"-screen 0 1280x1024x24\" cargo run --release --locked -p bench -- full\n\
         \n\
         ## A few seconds of every benchmark, so it cannot rot (needs `make bundle` first).\n\
         bench-smoke:\n\
         \txvfb-run -a -s \"-screen 0 1280x1024x24\" cargo run --release --locked -p bench -- smoke\n",
        "",
    ),
];

/// The updater's public key: a new app trusts no one's releases until it has its own key
/// (`make keys`).
const UPDATER_KEY: (&str, &str) = ("tauri.conf.json", "\"pubkey\": \"");

#[derive(Debug)]
pub enum RewriteError {
    Io(PathBuf, io::Error),
    /// A cut that does not match its file exactly once: the template has drifted from it.
    Drifted {
        file: &'static str,
        ours: &'static str,
        found: usize,
    },
}

impl fmt::Display for RewriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(path, err) => write!(f, "{}: {err}", path.display()),
            Self::Drifted { file, ours, found } => write!(
                f,
                "{file}: the template's cut {ours:?} matches {found} times, not once: \
                 update CUTS in template/rename/src/rewrite.rs"
            ),
        }
    }
}

impl std::error::Error for RewriteError {}

/// Rewrites every text file under `root`; returns how many changed.
pub fn rewrite_tree(root: &Path, names: &Names) -> Result<usize, RewriteError> {
    for &(file, ours, theirs) in CUTS {
        edit(&root.join(file), |text| cut(file, text, ours, theirs))?;
    }
    edit(&root.join(UPDATER_KEY.0), without_updater_key)?;
    let mut changed = 0;
    for path in text_files(root)? {
        let Some(text) = read_text(&path)? else {
            continue;
        };
        if let Some(renamed) = names.apply(&text) {
            fs::write(&path, renamed).map_err(|err| RewriteError::Io(path.clone(), err))?;
            changed += 1;
        }
    }
    Ok(changed)
}

fn edit(
    path: &Path,
    change: impl FnOnce(&str) -> Result<String, RewriteError>,
) -> Result<(), RewriteError> {
    let text = fs::read_to_string(path).map_err(|err| RewriteError::Io(path.into(), err))?;
    let changed = change(&text)?;
    fs::write(path, changed).map_err(|err| RewriteError::Io(path.into(), err))
}

fn cut(
    file: &'static str,
    text: &str,
    ours: &'static str,
    theirs: &str,
) -> Result<String, RewriteError> {
    match text.matches(ours).count() {
        1 => Ok(text.replacen(ours, theirs, 1)),
        found => Err(RewriteError::Drifted { file, ours, found }),
    }
}

/// The config with the updater's public key emptied, whatever it was.
fn without_updater_key(text: &str) -> Result<String, RewriteError> {
    let (file, key) = UPDATER_KEY;
    let drifted = |found| RewriteError::Drifted {
        file,
        ours: key,
        found,
    };
    let start = match text.matches(key).count() {
        1 => text.find(key).map_or(0, |at| at + key.len()),
        found => return Err(drifted(found)),
    };
    let end = text[start..].find('"').ok_or(drifted(0))? + start;
    Ok(format!("{}{}", &text[..start], &text[end..]))
}

/// Every file under `root`, outside [`SKIPPED_DIRS`], sorted so that runs are alike.
fn text_files(root: &Path) -> Result<Vec<PathBuf>, RewriteError> {
    let mut files = Vec::new();
    let mut dirs = vec![root.to_owned()];
    while let Some(dir) = dirs.pop() {
        let entries = fs::read_dir(&dir).map_err(|err| RewriteError::Io(dir.clone(), err))?;
        for entry in entries {
            let entry = entry.map_err(|err| RewriteError::Io(dir.clone(), err))?;
            let path = entry.path();
            let kind = entry
                .file_type()
                .map_err(|err| RewriteError::Io(path.clone(), err))?;
            if kind.is_dir() {
                let skipped =
                    dir == root && SKIPPED_DIRS.iter().any(|skip| entry.file_name() == *skip);
                if !skipped {
                    dirs.push(path);
                }
            } else if kind.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The file's text, or `None` for a binary file (an icon, a font).
fn read_text(path: &Path) -> Result<Option<String>, RewriteError> {
    let bytes = fs::read(path).map_err(|err| RewriteError::Io(path.into(), err))?;
    Ok(String::from_utf8(bytes).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_updater_key_is_emptied() {
        let config = "{\n  \"pubkey\": \"dW50cnVzdGVk\",\n  \"endpoints\": []\n}";
        assert_eq!(
            without_updater_key(config).unwrap(),
            "{\n  \"pubkey\": \"\",\n  \"endpoints\": []\n}"
        );
        assert!(without_updater_key("{}").is_err());
    }

    #[test]
    fn a_cut_that_matches_twice_or_never_says_the_template_drifted() {
        assert_eq!(cut("f", "a b a", "b", "c").unwrap(), "a c a");
        for text in ["a a", "b b"] {
            let err = cut("f", text, "b", "c").unwrap_err().to_string();
            assert!(err.starts_with("f: the template's cut \"b\""), "{err}");
        }
    }
}
