//! Installs a verified package with one password prompt: on Linux, `pkexec dpkg -i` for the
//! `.deb` (`pkexec rpm -U` for the `.rpm`), and nothing else.
//!
//! tauri-plugin-updater's own install, when pkexec fails or its prompt is cancelled, asks
//! again through zenity, then kdialog, then runs `sudo`: four prompts for one click, and
//! with `sudo` credentials cached, an install that the user just said no to. The plugin
//! cannot be told to stop after pkexec, so the app runs pkexec itself for the package
//! formats that need it. Other bundles (an AppImage, Windows, macOS) install through the
//! plugin, which asks at most once there.

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
    #[error("{program} failed ({status})")]
    Installer {
        program: &'static str,
        status: std::process::ExitStatus,
    },
    #[error("cannot run pkexec, which asks for the password: {0}")]
    NoPkexec(std::io::Error),
    #[error("cannot keep the package in a temporary file: {0}")]
    TempFile(std::io::Error),
    #[error(transparent)]
    Plugin(#[from] tauri_plugin_updater::Error),
}

/// Installs `bytes`, the package of `update`, already verified against the app's key.
pub fn install(update: &Update, bytes: Vec<u8>) -> Result<(), InstallError> {
    #[cfg(target_os = "linux")]
    {
        use tauri::utils::{config::BundleType, platform::bundle_type};
        match bundle_type() {
            Some(BundleType::Deb) => return with_pkexec("dpkg", "-i", ".deb", &bytes),
            Some(BundleType::Rpm) => return with_pkexec("rpm", "-U", ".rpm", &bytes),
            _ => {}
        }
    }
    Ok(update.install(bytes)?)
}

/// `pkexec <program> <argument> <package>`, once: whatever it answers ends the install.
#[cfg(target_os = "linux")]
fn with_pkexec(
    program: &'static str,
    argument: &str,
    extension: &str,
    bytes: &[u8],
) -> Result<(), InstallError> {
    use std::io::Write;
    // Private (0600), and removed when dropped; root, which reads it, needs no permission.
    let mut package = tempfile::Builder::new()
        .prefix("update-")
        .suffix(extension)
        .tempfile()
        .map_err(InstallError::TempFile)?;
    package
        .write_all(bytes)
        .and_then(|()| package.flush())
        .map_err(InstallError::TempFile)?;
    let status = std::process::Command::new("pkexec")
        .arg(program)
        .arg(argument)
        .arg(package.path())
        .status()
        .map_err(InstallError::NoPkexec)?;
    match status.code() {
        Some(0) => Ok(()),
        Some(code) if NOT_AUTHORISED.contains(&code) => Err(InstallError::NotAllowed),
        _ => Err(InstallError::Installer { program, status }),
    }
}
