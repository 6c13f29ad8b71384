//! Installs a verified package with one password prompt: on Linux, `pkexec dpkg -i` for the
//! `.deb` (`pkexec rpm -U` for the `.rpm`), and nothing else.
//!
//! tauri-plugin-updater's own install, when pkexec fails or its prompt is cancelled, asks
//! again through zenity, then kdialog, then runs `sudo`: four prompts for one click, and
//! with `sudo` credentials cached, an install that the user just said no to. The plugin
//! cannot be told to stop after pkexec, so the app runs pkexec itself for the package
//! formats that need it. Other bundles (an AppImage, Windows, macOS) install through the
//! plugin, which asks at most once there.

use std::path::Path;
use tauri_plugin_updater::Update;

/// pkexec's own exit statuses: the user was not authorised, or dismissed the prompt.
#[cfg(target_os = "linux")]
const NOT_AUTHORISED: [i32; 2] = [126, 127];

/// Why the package was not installed.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// The password prompt was cancelled, or the user may not install packages.
    #[error("the system did not allow it (was the password prompt cancelled?)")]
    NotAllowed,
    #[cfg(target_os = "linux")]
    #[error("{program} failed ({status})")]
    Installer {
        program: &'static str,
        status: std::process::ExitStatus,
    },
    #[cfg(target_os = "linux")]
    #[error("cannot run pkexec, which asks for the password: {0}")]
    NoPkexec(std::io::Error),
    #[error("cannot read the downloaded package: {0}")]
    Package(std::io::Error),
    #[error(transparent)]
    Plugin(#[from] tauri_plugin_updater::Error),
}

/// The file name ending the system's installer expects of this package.
pub fn package_suffix() -> &'static str {
    #[cfg(target_os = "linux")]
    {
        use tauri::utils::{config::BundleType, platform::bundle_type};
        match bundle_type() {
            Some(BundleType::Deb) => return ".deb",
            Some(BundleType::Rpm) => return ".rpm",
            _ => {}
        }
    }
    ""
}

/// Installs `package`, the package of `update`, already verified against the app's key.
pub fn install(update: &Update, package: &Path) -> Result<(), InstallError> {
    #[cfg(target_os = "linux")]
    {
        use tauri::utils::{config::BundleType, platform::bundle_type};
        match bundle_type() {
            Some(BundleType::Deb) => return with_pkexec("dpkg", "-i", package),
            Some(BundleType::Rpm) => return with_pkexec("rpm", "-U", package),
            _ => {}
        }
    }
    // The other bundles (an AppImage, Windows, macOS) are installed by the plugin, from
    // memory, and it checks the signature once more.
    let bytes = std::fs::read(package).map_err(InstallError::Package)?;
    Ok(update.install(bytes)?)
}

/// `pkexec <program> <argument> <package>`, once: whatever it answers ends the install.
/// The package is a private file of the user's (0600); root, which reads it, needs no
/// permission.
#[cfg(target_os = "linux")]
fn with_pkexec(program: &'static str, argument: &str, package: &Path) -> Result<(), InstallError> {
    let status = std::process::Command::new("pkexec")
        .arg(program)
        .arg(argument)
        .arg(package)
        .status()
        .map_err(InstallError::NoPkexec)?;
    match status.code() {
        Some(0) => Ok(()),
        Some(code) if NOT_AUTHORISED.contains(&code) => Err(InstallError::NotAllowed),
        _ => Err(InstallError::Installer { program, status }),
    }
}
