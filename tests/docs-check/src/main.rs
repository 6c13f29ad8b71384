//! `docs-check [ROOT]`: lists the broken relative links in the Markdown under ROOT (by
//! default the current directory), and fails if there is one.

use std::{path::PathBuf, process::ExitCode};

fn main() -> ExitCode {
    let root = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    match docs_check::broken_links(&root) {
        Ok(broken) if broken.is_empty() => ExitCode::SUCCESS,
        Ok(broken) => {
            for link in broken {
                eprintln!("docs-check: {link}");
            }
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("docs-check: {err}");
            ExitCode::FAILURE
        }
    }
}
