//! Gives a copy of this template a new app's names.
//!
//! cargo-generate's post hook (`template/rename.rhai`) runs it in the copy it is making:
//!
//! ```text
//! template-rename <project-name> "<Product Name>" <identifier>
//! ```
//!
//! The template's sources are plain Rust, TOML and HTML that build as they are, so they carry
//! this project's names rather than placeholders. This replaces each of those names, in every
//! text file, by the new app's, then makes the few cuts that drop what belongs to this project
//! alone. A cut that no longer matches its file exactly once stops it with the file's name: the
//! template has drifted, and `scripts/check-template.sh` says so before a user finds out.
//!
//! It needs nothing but the standard library, so the hook can build it before the copy's own
//! workspace is consistent, offline.

mod names;
mod rewrite;

use std::{path::Path, process::ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [name, product, identifier] = args.as_slice() else {
        eprintln!("usage: template-rename <project-name> <product name> <identifier>");
        return ExitCode::from(2);
    };
    let names = match names::Names::new(name, product, identifier) {
        Ok(names) => names,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    match rewrite::rewrite_tree(Path::new("."), &names) {
        Ok(changed) => {
            println!("{changed} files now name {}", names.product);
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
