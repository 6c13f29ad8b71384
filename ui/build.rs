//! Embeds the Datastar client and our own assets with build-time fingerprints.
//!
//! The Datastar bundle is third-party code, so it is fetched at build time by
//! `scripts/fetch-datastar.sh` and never committed. This script refuses to build
//! without it, or with a file whose SHA-256 is not the one we audited, and hands
//! the code a content hash of every embedded asset to use as its ETag.

use sha2::{Digest, Sha256};
use std::{env, fs, path::Path};

/// SHA-256 of the official Datastar v1.0.2 bundle (as shipped in `rama-http` 0.4.0).
const DATASTAR_SHA256: &str = "2837d87acf6ee0ba8e4e63765926c25a98d63883b02f88be194a86b81d3fd24a";

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&root);

    let bundle = root.join("vendor/datastar.js");
    println!("cargo:rerun-if-changed={}", bundle.display());
    let Ok(bytes) = fs::read(&bundle) else {
        fail(
            "the Datastar client is missing: run `scripts/fetch-datastar.sh` (or `make setup`) first",
        );
    };
    let digest = sha256_hex(&bytes);
    if digest != DATASTAR_SHA256 {
        fail(&format!(
            "ui/vendor/datastar.js has SHA-256 {digest}, not the audited v1.0.2 bundle: delete it and run `scripts/fetch-datastar.sh`"
        ));
    }
    println!("cargo:rustc-env=ASSET_ETAG_DATASTAR_JS={}", &digest[..16]);

    for (name, file) in [
        ("STYLE_CSS", "assets/style.css"),
        ("FAVICON_SVG", "assets/favicon.svg"),
    ] {
        let path = root.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes =
            fs::read(&path).unwrap_or_else(|err| fail(&format!("cannot read {file}: {err}")));
        println!(
            "cargo:rustc-env=ASSET_ETAG_{name}={}",
            &sha256_hex(&bytes)[..16]
        );
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One sentence, as a cargo error, so the fix is the first thing a newcomer reads.
fn fail(message: &str) -> ! {
    println!("cargo::error={message}");
    std::process::exit(1);
}
