//! Every relative link in a repository's Markdown, checked against the tree: the file it
//! names exists, and the `#anchor` it names is a heading there. GitHub shows a dead link
//! without a word; `make test` runs this over this repository (`tests/repository.rs`) and over
//! a project made from the template (`scripts/check-template.sh`, through `src/main.rs`).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::{
    collections::{BTreeMap, HashSet},
    fmt,
    path::{Path, PathBuf},
};

/// A link whose file or anchor is not there.
#[derive(Debug, PartialEq)]
pub struct BrokenLink {
    /// The Markdown file it is in, relative to the root.
    pub file: PathBuf,
    /// The link, as written.
    pub target: String,
    pub why: &'static str,
}

impl fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ({}) {}", self.file.display(), self.target, self.why)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot read {path}: {source}")]
pub struct ReadError {
    path: PathBuf,
    source: std::io::Error,
}

/// What one Markdown file holds that links need: its headings' anchors and its links.
#[derive(Debug, Default)]
struct Page {
    anchors: HashSet<String>,
    links: Vec<String>,
}

/// The Markdown a repository shows: `*.md` at its root and under `docs/`.
pub fn markdown_files(root: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let root = normalise(root);
    let mut files = Vec::new();
    for dir in [root.to_owned(), root.join("docs")] {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound && dir != root => continue,
            Err(source) => return Err(ReadError { path: dir, source }),
        };
        for entry in entries {
            let path = entry
                .map_err(|source| ReadError {
                    path: dir.clone(),
                    source,
                })?
                .path();
            if path.extension().is_some_and(|ext| ext == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Every broken relative link in the Markdown under `root` ([`markdown_files`]).
pub fn broken_links(root: &Path) -> Result<Vec<BrokenLink>, ReadError> {
    let root = &normalise(root);
    let mut pages = BTreeMap::new();
    for path in markdown_files(root)? {
        let text = std::fs::read_to_string(&path).map_err(|source| ReadError {
            path: path.clone(),
            source,
        })?;
        pages.insert(path, read_page(&text));
    }
    let mut broken = Vec::new();
    for (path, page) in &pages {
        let file = path.strip_prefix(root).unwrap_or(path).to_owned();
        for target in &page.links {
            let fail = |why| BrokenLink {
                file: file.clone(),
                target: target.clone(),
                why,
            };
            if is_external(target) {
                continue;
            }
            let (linked, anchor) = target.split_once('#').unwrap_or((target, ""));
            let linked_path = if linked.is_empty() {
                path.clone()
            } else {
                normalise(&path.parent().unwrap_or(root).join(linked))
            };
            if !linked_path.exists() {
                broken.push(fail("names no file"));
                continue;
            }
            if anchor.is_empty() {
                continue;
            }
            match pages.get(&linked_path) {
                Some(linked_page) if linked_page.anchors.contains(anchor) => {}
                Some(_) => broken.push(fail("names no heading there")),
                None => broken.push(fail("has an anchor into a file that is not Markdown")),
            }
        }
    }
    Ok(broken)
}

/// A link that leaves the repository: a URL with a scheme.
fn is_external(target: &str) -> bool {
    target.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// `a/b/../c` as `a/c`, without touching the file system, so that a link through a
/// missing directory is reported as missing rather than failing to resolve.
fn normalise(path: &Path) -> PathBuf {
    // Absolute first: `.` alone would normalise to an empty path, which names no directory.
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The anchors GitHub gives the headings of `text`, and every link and image in it.
fn read_page(text: &str) -> Page {
    let mut page = Page::default();
    let mut slugger = github_slugger::Slugger::default();
    let mut heading: Option<String> = None;
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(title) = heading.take() {
                    page.anchors.insert(slugger.slug(&title));
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(title) = heading.as_mut() {
                    title.push_str(&text);
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                page.links.push(dest_url.into_string());
            }
            _ => {}
        }
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_githubs_anchors() {
        let page = read_page("# How it works\n## The `datastar` client\n## Tests\n## Tests\n");
        for anchor in ["how-it-works", "the-datastar-client", "tests", "tests-1"] {
            assert!(
                page.anchors.contains(anchor),
                "{anchor}: {:?}",
                page.anchors
            );
        }
    }

    /// `docs-check` with no argument checks `.`, the current directory.
    #[test]
    fn a_relative_root_is_read_where_it_is() {
        let files = markdown_files(Path::new(".")).expect("the current directory");
        let here = std::env::current_dir().unwrap();
        assert!(
            files.iter().all(|file| file.starts_with(&here)),
            "{files:?}"
        );
        assert_eq!(
            normalise(Path::new("docs/../README.md")),
            here.join("README.md")
        );
    }

    #[test]
    fn links_and_images_are_read_and_urls_left_alone() {
        let page = read_page("[a](docs/a.md#x) ![b](b.png) | [c](#c) |\n");
        assert_eq!(page.links, ["docs/a.md#x", "b.png", "#c"]);
        assert!(is_external("https://data-star.dev"));
        assert!(is_external("mailto:someone@example.invalid"));
        assert!(!is_external("docs/a.md#x"));
    }

    #[test]
    fn a_missing_file_and_a_missing_heading_are_each_reported() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("docs")).unwrap();
        std::fs::write(
            root.path().join("README.md"),
            "# Top\n[ok](docs/a.md#there) [gone](docs/gone.md) [no](docs/a.md#nowhere) [self](#top)\n",
        )
        .unwrap();
        std::fs::write(
            root.path().join("docs/a.md"),
            "## There\n[up](../README.md#top)\n",
        )
        .unwrap();
        let broken = broken_links(root.path()).unwrap();
        let targets: Vec<_> = broken.iter().map(|b| b.target.as_str()).collect();
        assert_eq!(targets, ["docs/gone.md", "docs/a.md#nowhere"]);
    }
}
