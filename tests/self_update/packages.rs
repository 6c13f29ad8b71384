//! The packages the test updates between: built by `scripts/bundle.sh` as a release is, in
//! the dev profile, with a throwaway key and the updater pointed at the test's own release
//! server.

use anyhow::{Context, Result, bail, ensure};
use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// The repository, where `scripts/bundle.sh` and the Tauri CLI are.
fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A minisign key pair made by the Tauri CLI, offline, with an empty password.
pub struct KeyPair {
    pub private: String,
    pub public: String,
}

impl KeyPair {
    pub fn generate(dir: &Path, name: &str) -> Result<Self> {
        let file = dir.join(name);
        run(tauri()
            .args(["signer", "generate", "--ci", "-p", "", "-w"])
            .arg(&file))?;
        let mut public_file = file.clone().into_os_string();
        public_file.push(".pub");
        Ok(Self {
            private: std::fs::read_to_string(&file)?,
            public: std::fs::read_to_string(public_file)?,
        })
    }

    /// Signs `file` for `version`, as `tauri build` does, and returns the signature.
    pub fn sign(&self, file: &Path, version: &str) -> Result<String> {
        run(tauri()
            .args(["signer", "sign", "--app-version", version])
            .arg(file)
            .env("TAURI_SIGNING_PRIVATE_KEY", &self.private)
            .env("TAURI_SIGNING_PRIVATE_KEY_PASSWORD", ""))?;
        let mut signature = file.as_os_str().to_owned();
        signature.push(".sig");
        Ok(std::fs::read_to_string(signature)?)
    }
}

/// What one build left: its packages, copied out of `target/`, and its manifest.
pub struct Built {
    pub deb: PathBuf,
    pub rpm: PathBuf,
    pub manifest: serde_json::Value,
}

/// Builds the .deb and .rpm of `version`, under `identifier`, signed with `key`, their updater checking
/// `endpoint` over plain HTTP (allowed for this build only), and copies them into `dir`.
pub fn build(
    version: &str,
    identifier: &str,
    key: &KeyPair,
    endpoint: &str,
    release_url: &str,
    dir: &Path,
) -> Result<Built> {
    let config = serde_json::json!({
        "version": version,
        "identifier": identifier,
        "plugins": { "updater": {
            "pubkey": key.public,
            "endpoints": [endpoint],
            "dangerousInsecureTransportProtocol": true,
        }},
    });
    run(Command::new(repo().join("scripts/bundle.sh"))
        // Built in the dev profile, whose dependencies the desktop suite has already
        // compiled: each version then builds in seconds, where a release build, whose link
        // does all of the optimising, takes minutes each, and every dependency again besides.
        // What the test checks is the updater's path, the same code in both profiles; the
        // packages' own build, release-optimised, is `make bundle`'s, which
        // `scripts/check-deb.sh` installs and `scripts/check-release.sh` inspects.
        .arg("--debug")
        .arg("--config")
        .arg(config.to_string())
        // Without its symbols, a dev build's binary is half the size, and so is the time
        // the packages take to compress.
        .env("CARGO_PROFILE_DEV_STRIP", "symbols")
        .env("TAURI_SIGNING_PRIVATE_KEY", &key.private)
        .env("TAURI_SIGNING_PRIVATE_KEY_PASSWORD", "")
        .env("RELEASE_URL", release_url)
        .env("RELEASE_NOTES", format!("What is new in {version}.")))?;
    let bundle = ui_scenarios::target_dir()?.join("debug/bundle");
    let copy = |kind: &str| -> Result<PathBuf> {
        let found = std::fs::read_dir(bundle.join(kind))?
            .filter_map(|entry| Some(entry.ok()?.path()))
            .find(|path| path.extension().is_some_and(|ext| ext == kind))
            .with_context(|| format!("no .{kind} in {}", bundle.display()))?;
        let copied = dir.join(found.file_name().context("a file name")?);
        std::fs::copy(&found, &copied)?;
        let mut signature = found.into_os_string();
        signature.push(".sig");
        let mut copied_signature = copied.clone().into_os_string();
        copied_signature.push(".sig");
        std::fs::copy(signature, copied_signature)?;
        Ok(copied)
    };
    let built = Built {
        deb: copy("deb")?,
        rpm: copy("rpm")?,
        manifest: serde_json::from_str(&std::fs::read_to_string(bundle.join("latest.json"))?)?,
    };
    ensure!(built.manifest["version"] == version, "{}", built.manifest);
    Ok(built)
}

/// The package's version as dpkg knows it, or `None` if it is not installed.
pub fn installed_version(package: &str) -> Result<Option<String>> {
    let output = Command::new("dpkg-query")
        .args(["-W", "-f=${Status} ${Version}", package])
        .output()?;
    let text = String::from_utf8(output.stdout)?;
    Ok(text
        .strip_prefix("install ok installed ")
        .map(str::to_owned))
}

/// Installs `deb` as `scripts/check-deb.sh` does, and removes the package when dropped.
pub struct Installed(&'static str);

impl Installed {
    pub fn deb(deb: &Path, package: &'static str) -> Result<Self> {
        run(as_root("apt-get")
            .args(["install", "-y", "-qq", "--allow-downgrades"])
            .arg(deb)
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
        Ok(Self(package))
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = as_root("apt-get")
            .args(["remove", "-y", "-qq", self.0])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status();
    }
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.trim_ascii() == b"0")
}

fn as_root(program: &str) -> Command {
    if is_root() {
        Command::new(program)
    } else {
        let mut command = Command::new("sudo");
        command.arg("-n").arg(program);
        command
    }
}

fn tauri() -> Command {
    Command::new(repo().join("node_modules/.bin/tauri"))
}

fn run(command: &mut Command) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("running {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed: {status}");
    }
    Ok(())
}
