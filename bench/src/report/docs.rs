//! The results block of BENCHMARKS.md, which `bench full` rewrites, and the headline
//! figures the README and the chapters in docs/ quote from it. Numbers in the docs come
//! from here, so that they cannot drift from what was measured: each quote is marked, and
//! a test matches it against the block.

use super::Report;
use anyhow::{Context, Result};
use std::path::Path;

const BEGIN: &str =
    "<!-- bench:results:begin: written by `make bench`; edits here are overwritten -->";
const END: &str = "<!-- bench:results:end -->";

/// The headline figures, by the names the block's headline table gives them.
pub const GET_RATIO: &str = "`/get` throughput at 64 connections, against the seed";
pub const FEEDS: &str = "live feeds held at once";
pub const RSS_PER_FEED: &str = "server RSS per live feed, at that many";
pub const COLD_START: &str = "desktop cold start to the first feed value";

/// Replaces the results block of the Markdown file at `path` with this run's results, and
/// the links to the plots it drew (paths relative to the file).
pub fn write_results(path: &Path, report: &Report, date: &str, plots: &[String]) -> Result<()> {
    let doc =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut results = format!(
        "\n## Results ({date}, medians of {} runs)\n",
        report.ours.len()
    );
    report.write_results(&mut results, 3);
    if !plots.is_empty() {
        results.push_str("\n### Plots\n\n");
        for plot in plots {
            let name = Path::new(plot)
                .file_stem()
                .map_or_else(String::new, |stem| stem.to_string_lossy().replace('-', " "));
            results.push_str(&format!("![{name}]({plot})\n\n"));
        }
    }
    let updated = replace_block(&doc, &results)
        .with_context(|| format!("{} has no {BEGIN} … {END} block", path.display()))?;
    std::fs::write(path, updated).with_context(|| format!("writing {}", path.display()))
}

fn replace_block(doc: &str, block: &str) -> Option<String> {
    let start = doc.find(BEGIN)? + BEGIN.len();
    let end = start + doc[start..].find(END)?;
    Some(format!("{}\n{block}\n{}", &doc[..start], &doc[end..]))
}

/// The headline table inside the results block: `(figure, value)` rows, for the test that
/// holds the README to it.
#[cfg(test)]
fn headline(doc: &str) -> Vec<(String, String)> {
    let Some(block) = doc
        .split_once(BEGIN)
        .and_then(|(_, rest)| rest.split_once(END))
        .map(|(block, _)| block)
    else {
        return Vec::new();
    };
    let Some((_, table)) = block.split_once("Headline\n") else {
        return Vec::new();
    };
    table
        .lines()
        .skip_while(|line| line.trim().is_empty())
        .take_while(|line| line.starts_with('|'))
        .skip(2)
        .filter_map(|line| {
            let mut cells = line.trim_matches('|').split('|').map(str::trim);
            Some((cells.next()?.to_owned(), cells.next()?.to_owned()))
        })
        .collect()
}

/// The key each headline figure is quoted by in the docs, as
/// `<!-- bench:KEY -->VALUE<!-- /bench -->`.
#[cfg(test)]
const QUOTED: [(&str, &str); 4] = [
    ("get-ratio", GET_RATIO),
    ("feeds", FEEDS),
    ("rss-per-feed", RSS_PER_FEED),
    ("cold-start", COLD_START),
];

/// Every `(key, value)` the Markdown `doc` quotes from the benchmark.
#[cfg(test)]
fn quotes(doc: &str) -> Vec<(&str, &str)> {
    doc.split("<!-- bench:")
        .skip(1)
        .map(|rest| {
            let (key, rest) = rest.split_once(" -->").unwrap_or((rest, ""));
            let value = rest
                .split_once("<!-- /bench -->")
                .map_or(rest, |(value, _)| value);
            (key, value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BENCHMARKS: &str = include_str!("../../../BENCHMARKS.md");

    /// README.md and every chapter under docs/.
    fn docs() -> Vec<(std::path::PathBuf, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let chapters = std::fs::read_dir(root.join("docs"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "md"));
        std::iter::once(root.join("README.md"))
            .chain(chapters)
            .map(|path| {
                let text = std::fs::read_to_string(&path).unwrap();
                (path, text)
            })
            .collect()
    }

    #[test]
    fn every_quoted_figure_is_the_measured_one() {
        let figures = headline(BENCHMARKS);
        let mut quoted = 0;
        for (path, text) in docs() {
            for (key, value) in quotes(&text) {
                let name = QUOTED
                    .iter()
                    .find(|(quoted, _)| *quoted == key)
                    .unwrap_or_else(|| panic!("{}: no headline figure {key:?}", path.display()))
                    .1;
                let (_, measured) = figures
                    .iter()
                    .find(|(figure, _)| figure == name)
                    .unwrap_or_else(|| panic!("BENCHMARKS.md's headline has no {name:?}"));
                assert_eq!(value, measured, "{} quotes {key}", path.display());
                quoted += 1;
            }
        }
        assert!(quoted >= QUOTED.len(), "the README quotes the headline");
    }

    #[test]
    fn a_quote_reads_back_as_written() {
        let doc = "at <!-- bench:feeds -->15,000<!-- /bench --> feeds";
        assert_eq!(quotes(doc), vec![("feeds", "15,000")]);
    }

    #[test]
    fn a_new_block_replaces_only_the_old_one() {
        let doc = format!("before\n{BEGIN}\nold\n{END}\nafter\n");
        let new = replace_block(&doc, "new").unwrap();
        assert_eq!(new, format!("before\n{BEGIN}\nnew\n{END}\nafter\n"));
        assert_eq!(replace_block("no block", "new"), None);
    }

    #[test]
    fn the_headline_reads_back_as_the_report_writes_it() {
        let mut table = super::super::table::Table::new(["figure", "value"]);
        table.row([GET_RATIO.to_owned(), "84.5×".to_owned()]);
        let doc = format!("{BEGIN}\n### Headline\n\n{table}\n{END}\n");
        assert_eq!(
            headline(&doc),
            vec![(GET_RATIO.to_owned(), "84.5×".to_owned())]
        );
    }
}
