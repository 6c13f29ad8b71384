//! Signed updates: asked for first, offered and installed from the page, with no IPC.
//!
//! Nothing leaves the machine until the user says so. The first launch asks in the page
//! (Check Automatically / Not Now) and the server keeps the answer in its store; with
//! automatic checks on, each launch checks once. Help → Check for Updates… always checks.
//!
//! The page's buttons reach this module as [`NativeRequest`]s, through the server
//! ([`datastar_ui::NativeRequests`]); each step goes back to every open page as an
//! [`UpdateStatus`], through the server too ([`AppState::show_update`]). The work:
//!
//! 1. fetch the manifest, bounded in time and size, and refuse an older version
//!    ([`manifest`]);
//! 2. hand it to `tauri-plugin-updater`, which picks this package's entry
//!    (`linux-x86_64-deb`);
//! 3. download, reporting bytes as they come, within a stall timeout and a size cap; the
//!    plugin checks the minisign signature against the public key in `tauri.conf.json`, and
//!    that the signature was made for the version announced;
//! 4. install (on Linux `pkexec dpkg -i`, which asks for the user's password once, and a
//!    cancelled prompt ends the install: [`system_install`]), then restart.
//!
//! Any refusal leaves the installed app as it was, and says why in the page.

mod manifest;
mod system_install;

use datastar_ui::{AppState, NativeRequest, UpdateChecks, UpdateStatus};
use manifest::{ManifestError, Offer};
use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};
use system_install::InstallError;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};
use tokio::sync::mpsc::Receiver;

/// The largest package the app will download: ours is a few MiB.
const MAX_PACKAGE_BYTES: u64 = 512 * 1024 * 1024;
/// A download that sends nothing for this long has failed.
const STALL_TIMEOUT: Duration = Duration::from_secs(30);
/// How often the page hears how far a download has got.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// Set once an update is installed: the app then starts again after it has quit.
#[derive(Debug, Default)]
pub struct RestartAfterExit(pub std::sync::atomic::AtomicBool);

/// The updater plugin, registered so that `app.updater()` can read its configuration
/// (`plugins.updater` in `tauri.conf.json`). It offers the page nothing: the window's
/// capability grants no permission at all.
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R, tauri_plugin_updater::Config> {
    tauri_plugin_updater::Builder::new().build()
}

/// Starts the updates' side of the app: says whether this launch is a new version, asks
/// the first launch's question or checks, then serves the page's requests in order.
pub fn start<R: Runtime>(app: &AppHandle<R>, server: AppState, requests: Receiver<NativeRequest>) {
    let updates = Updates {
        app: app.clone(),
        server,
        offer: None,
    };
    tauri::async_runtime::spawn(updates.run(requests));
}

struct Updates<R: Runtime> {
    app: AppHandle<R>,
    server: AppState,
    /// The update on offer in the page, until it is installed or a new check replaces it.
    offer: Option<Update>,
}

impl<R: Runtime> Updates<R> {
    async fn run(mut self, mut requests: Receiver<NativeRequest>) {
        self.say_if_updated().await;
        match self.server.store().preferences().update_checks {
            None => self.server.show_update(UpdateStatus::Question),
            Some(UpdateChecks::Automatic) => self.check(false).await,
            Some(UpdateChecks::NotNow) => {}
        }
        while let Some(request) = requests.recv().await {
            match request {
                NativeRequest::CheckForUpdates { asked_by_user } => self.check(asked_by_user).await,
                NativeRequest::InstallUpdate => self.install().await,
            }
        }
    }

    fn current_version(&self) -> &semver::Version {
        &self.app.package_info().version
    }

    /// The first launch of a new version says so, once.
    async fn say_if_updated(&self) {
        let current = self.current_version().to_string();
        let last = self.server.store().preferences().last_version;
        let was_older = last
            .as_deref()
            .and_then(|last| semver::Version::parse(last).ok())
            .is_some_and(|last| last < *self.current_version());
        if was_older {
            tracing::info!(from = ?last, to = %current, "this is the first launch of a new version");
            self.server.show_update(UpdateStatus::Updated {
                version: current.clone(),
            });
        }
        if last.as_deref() != Some(current.as_str())
            && let Err(err) = self.server.store().save_last_version(current).await
        {
            tracing::warn!(%err, "cannot record this version");
        }
    }

    /// Looks for a newer version. A check the user asked for shows every outcome; an
    /// automatic one shows only an offer, and logs why it found none.
    async fn check(&mut self, asked_by_user: bool) {
        if asked_by_user {
            self.server.show_update(UpdateStatus::Checking);
        }
        self.offer = None;
        match self.find().await {
            Ok(Some(update)) => {
                tracing::info!(version = %update.version, "an update is available");
                self.server.show_update(UpdateStatus::Available {
                    version: update.version.clone(),
                    notes: update.body.clone().unwrap_or_default(),
                });
                self.offer = Some(update);
            }
            Ok(None) if asked_by_user => self.server.show_update(UpdateStatus::UpToDate {
                version: self.current_version().to_string(),
            }),
            Ok(None) => tracing::info!("no update available"),
            Err(err) if !asked_by_user => tracing::info!("automatic update check: {err}"),
            Err(CheckError::Manifest(err)) if err.is_unreachable() => {
                tracing::info!("update check: {err}");
                self.server.show_update(UpdateStatus::Unreachable {
                    why: err.to_string(),
                });
            }
            Err(err) => {
                tracing::warn!("update check: {err}");
                self.server.show_update(UpdateStatus::Failed {
                    why: err.to_string(),
                });
            }
        }
    }

    async fn find(&self) -> Result<Option<Update>, CheckError> {
        let updater = self.app.updater()?;
        let endpoint = endpoint(&self.app)?;
        // Made per check, not at start-up, which it would slow (it reads the system's
        // certificates): checks are rare, and most launches make none.
        let client = http_client()?;
        let manifest = manifest::fetch(&client, &endpoint).await?;
        match manifest::offer(&manifest, self.current_version())? {
            Offer::UpToDate => Ok(None),
            Offer::Newer(_) => Ok(updater.restore_update(manifest)?),
        }
    }

    /// Downloads, verifies and installs the update on offer, then restarts into it.
    async fn install(&mut self) {
        let Some(update) = self.offer.take() else {
            self.server.show_update(UpdateStatus::Failed {
                why: "there is no update on offer; check for updates first".into(),
            });
            return;
        };
        let bytes = match self.download(&update).await {
            Ok(bytes) => bytes,
            Err(why) => {
                tracing::warn!(version = %update.version, "update download: {why}");
                self.server.show_update(UpdateStatus::Failed { why });
                return;
            }
        };
        self.server.show_update(UpdateStatus::Installing);
        let version = update.version.clone();
        // The system's installer runs for as long as its password prompt is open.
        let installed =
            tauri::async_runtime::spawn_blocking(move || system_install::install(&update, bytes))
                .await;
        match installed {
            Ok(Ok(())) => {
                tracing::info!(%version, "update installed; restarting");
                self.server.show_update(UpdateStatus::Restarting);
                // The app quits as it does from File → Quit (the window's place saved, the
                // server stopped), and `crate::run` starts the new version after.
                self.app
                    .state::<RestartAfterExit>()
                    .0
                    .store(true, Ordering::Relaxed);
                self.app.exit(0);
            }
            Ok(Err(err)) if is_refused_by_user(&err) => {
                tracing::warn!(%version, "update not installed: {err}");
                self.server.show_update(UpdateStatus::NotInstalled {
                    why: InstallError::NotAllowed.to_string(),
                });
            }
            Ok(Err(err)) => {
                tracing::warn!(%version, "update not installed: {err}");
                self.server.show_update(UpdateStatus::Failed {
                    why: err.to_string(),
                });
            }
            Err(err) => {
                tracing::error!(%version, %err, "the installer thread failed");
                self.server.show_update(UpdateStatus::Failed {
                    why: "the installer stopped unexpectedly".into(),
                });
            }
        }
    }

    /// The package, verified, with its progress in the page. Ends with a reason if the
    /// server stalls for [`STALL_TIMEOUT`] or sends more than [`MAX_PACKAGE_BYTES`].
    async fn download(&self, update: &Update) -> Result<Vec<u8>, String> {
        let received = Arc::new(AtomicU64::new(0));
        let mut last_shown = Instant::now() - PROGRESS_INTERVAL;
        let server = self.server.clone();
        self.server.show_update(UpdateStatus::Downloading {
            received: 0,
            total: None,
        });
        let counted = received.clone();
        let download = update.download(
            move |chunk, total| {
                let so_far = counted.fetch_add(chunk as u64, Ordering::Relaxed) + chunk as u64;
                if last_shown.elapsed() >= PROGRESS_INTERVAL || Some(so_far) == total {
                    last_shown = Instant::now();
                    server.show_update(UpdateStatus::Downloading {
                        received: so_far,
                        total,
                    });
                }
            },
            || {},
        );
        let watchdog = async {
            let mut seen = 0;
            let mut since = Instant::now();
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                let now = received.load(Ordering::Relaxed);
                if now > MAX_PACKAGE_BYTES {
                    return format!(
                        "the download is larger than {} MiB",
                        MAX_PACKAGE_BYTES / 1024 / 1024
                    );
                }
                if now != seen {
                    (seen, since) = (now, Instant::now());
                } else if since.elapsed() >= STALL_TIMEOUT {
                    return format!("the download stalled for {} s", STALL_TIMEOUT.as_secs());
                }
            }
        };
        tokio::select! {
            downloaded = download => downloaded.map_err(|err| describe(&err)),
            why = watchdog => Err(why),
        }
    }
}

/// Why a check found nothing to offer.
#[derive(Debug, thiserror::Error)]
enum CheckError {
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error("{}", describe(.0))]
    Updater(#[from] tauri_plugin_updater::Error),
    #[error("no update endpoint is configured")]
    NoEndpoint,
    #[error("no HTTP client: {0}")]
    Client(String),
}

/// An HTTP client with the system's TLS, as the updater plugin's own.
fn http_client() -> Result<reqwest::Client, CheckError> {
    reqwest::Client::builder()
        .build()
        .map_err(|err| CheckError::Client(err.to_string()))
}

/// The endpoint in `tauri.conf.json` (`plugins.updater.endpoints`, the first one). The
/// plugin's own configuration check has refused a plain `http://` one unless the build
/// allowed it (`dangerousInsecureTransportProtocol`, for tests only).
fn endpoint<R: Runtime>(app: &AppHandle<R>) -> Result<url::Url, CheckError> {
    let config = app
        .config()
        .plugins
        .0
        .get("updater")
        .cloned()
        .ok_or(CheckError::NoEndpoint)?;
    let config: tauri_plugin_updater::Config = serde_json::from_value(config)
        .map_err(|err| CheckError::Updater(tauri_plugin_updater::Error::Serialization(err)))?;
    config
        .endpoints
        .into_iter()
        .next()
        .ok_or(CheckError::NoEndpoint)
}

/// The plugin's errors, in words for the page.
fn describe(err: &tauri_plugin_updater::Error) -> String {
    use tauri_plugin_updater::Error;
    match err {
        Error::Minisign(_)
        | Error::Base64(_)
        | Error::SignatureUtf8(_)
        | Error::SignedVersionMismatch { .. }
        | Error::MissingSignedVersion => format!("the signature does not match ({err})"),
        Error::Serialization(err) => format!("the release manifest could not be read: {err}"),
        Error::Network(why) => why.clone(),
        _ => err.to_string(),
    }
}

/// The system's installer did not run: the password prompt was cancelled, or no way to ask
/// for one was found.
fn is_refused_by_user(err: &InstallError) -> bool {
    use tauri_plugin_updater::Error;
    match err {
        InstallError::NotAllowed | InstallError::NoPkexec(_) => true,
        InstallError::Plugin(err) => {
            matches!(
                err,
                Error::PackageInstallFailed | Error::AuthenticationFailed | Error::DebInstallFailed
            ) || matches!(err, Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound)
        }
        InstallError::Installer { .. } | InstallError::TempFile(_) => false,
    }
}
