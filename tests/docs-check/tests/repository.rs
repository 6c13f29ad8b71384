//! This repository's docs, held to its tree.

use std::path::{Path, PathBuf};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(file: &str) -> String {
    std::fs::read_to_string(repository().join(file)).unwrap()
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let broken = docs_check::broken_links(&repository()).unwrap();
    let listed: Vec<_> = broken.iter().map(ToString::to_string).collect();
    assert!(broken.is_empty(), "broken links:\n{}", listed.join("\n"));
}

#[test]
fn the_readme_and_the_chapters_are_all_checked() {
    let files = docs_check::markdown_files(&repository()).unwrap();
    for file in [
        "README.md",
        "SECURITY.md",
        "BENCHMARKS.md",
        "docs/testing.md",
    ] {
        assert!(files.iter().any(|found| found.ends_with(file)), "{file}");
    }
}

/// docs/testing.md names the desktop modules `make mutants` mutates: the Makefile's list.
#[test]
fn the_mutated_modules_named_are_the_makefiles() {
    let makefile = read("Makefile");
    let in_makefile: Vec<&str> = makefile
        .lines()
        .find_map(|line| line.strip_prefix("DESKTOP_MUTATED = "))
        .expect("DESKTOP_MUTATED in the Makefile")
        .split_whitespace()
        .collect();
    let testing = read("docs/testing.md");
    let named: Vec<&str> = testing
        .split_once("<!-- mutated -->")
        .and_then(|(_, rest)| rest.split_once("<!-- /mutated -->"))
        .expect("docs/testing.md's <!-- mutated --> list")
        .0
        .split(", ")
        .map(|name| name.trim_matches('`'))
        .collect();
    assert_eq!(named, in_makefile);
}
