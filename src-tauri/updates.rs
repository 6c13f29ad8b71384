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
//! 1. fetch the manifest, bounded in time and size, over HTTPS only, and refuse an older
//!    version ([`manifest`], [`https_only`]);
//! 2. hand it to `tauri-plugin-updater`, which picks this package's entry
//!    (`linux-x86_64-deb`);
//! 3. download the package to a private file, bounded in size, time and pace, checking its
//!    minisign signature against the key in `tauri.conf.json`, bound to the version
//!    announced, as the bytes arrive ([`download`], [`signature`]); requests keep being
//!    served meanwhile, so Cancel, Later and Check stop it at once;
//! 4. install (on Linux `pkexec dpkg -i`, which asks for the user's password once, and a
//!    cancelled prompt ends the install: [`system_install`]), then restart.
//!
//! Any refusal leaves the installed app as it was, and says why in the page.

mod download;
mod https_only;
mod manifest;
mod signature;
mod system_install;

use datastar_ui::{AppState, NativeRequest, UpdateChecks, UpdateStatus};
pub use download::LIMITS as DOWNLOAD_LIMITS;
use download::{DownloadError, Package};
use https_only::HttpsOnly;
use manifest::{ManifestError, Offer};
use signature::PackageSignature;
use std::sync::{Arc, Mutex, PoisonError, atomic::Ordering};
use system_install::InstallError;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};
use tokio::sync::mpsc::Receiver;
use tokio_util::task::AbortOnDropHandle;

/// The flag behind `mutex`: a bool that a panic elsewhere cannot leave half-written.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

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
        download: None,
    };
    tauri::async_runtime::spawn(updates.run(requests));
}

struct Updates<R: Runtime> {
    app: AppHandle<R>,
    server: AppState,
    /// The update on offer, until it is installed, dismissed, or a new check replaces it. The
    /// only copy: the server shows the panel it is told, and hands every Install here.
    offer: Option<Update>,
    /// The download under way, awaited beside the page's requests.
    download: Option<Downloading>,
}

/// A download under way: a task, which dropping its handle stops (removing what it wrote),
/// and whether it may still show its progress.
struct Downloading {
    task: AbortOnDropHandle<(Update, Result<Package, DownloadError>)>,
    /// Cleared, under its lock, before the download is stopped: the task may be in the middle
    /// of a poll on another thread, and its last progress must not land after the step that
    /// replaces it ("cancelled", a new check).
    shows_progress: Arc<Mutex<bool>>,
}

impl Downloading {
    fn stop(self) {
        *lock(&self.shows_progress) = false;
        drop(self.task);
    }
}

/// What the loop does next.
enum Next {
    Serve(NativeRequest),
    Install(Box<Update>, Result<Package, DownloadError>),
    /// The download's task panicked.
    Failed(tokio::task::JoinError),
    Stop,
}

impl<R: Runtime> Updates<R> {
    async fn run(mut self, mut requests: Receiver<NativeRequest>) {
        self.say_if_updated().await;
        if !has_key(&self.app) {
            // A new app made from the template has no key until its author makes one: it
            // asks nothing, and a check the user asks for says why it cannot.
            tracing::info!("updates are off: {}", UpdateError::NoKey);
        } else {
            match self.server.store().preferences().update_checks {
                None => self.server.show_update(UpdateStatus::Question),
                Some(UpdateChecks::Automatic) => self.check(false).await,
                Some(UpdateChecks::NotNow) => {}
            }
        }
        loop {
            let next = match self.download.as_mut() {
                None => requests.recv().await.map_or(Next::Stop, Next::Serve),
                Some(download) => tokio::select! {
                    request = requests.recv() => request.map_or(Next::Stop, Next::Serve),
                    finished = &mut download.task => match finished {
                        Ok((update, downloaded)) => Next::Install(Box::new(update), downloaded),
                        Err(err) => Next::Failed(err),
                    },
                },
            };
            match next {
                Next::Serve(request) => self.serve(request).await,
                Next::Install(update, downloaded) => {
                    self.download = None;
                    self.install(*update, downloaded).await;
                }
                Next::Failed(err) => {
                    self.download = None;
                    tracing::error!(%err, "the update download stopped unexpectedly");
                    self.server.show_update(UpdateStatus::Failed {
                        why: "the download stopped unexpectedly".into(),
                    });
                }
                Next::Stop => break,
            }
        }
    }

    async fn serve(&mut self, request: NativeRequest) {
        match request {
            NativeRequest::CheckForUpdates { asked_by_user } => {
                self.stop_download("a new check");
                self.check(asked_by_user).await;
            }
            NativeRequest::InstallUpdate if self.download.is_some() => {
                tracing::debug!("install asked for while the update downloads");
            }
            NativeRequest::InstallUpdate => self.start_download(),
            NativeRequest::CancelDownload => {
                if self.stop_download("cancelled in the page") {
                    self.server.show_update(UpdateStatus::NotInstalled {
                        why: "the download was cancelled".into(),
                    });
                }
            }
            NativeRequest::Dismiss => {
                self.stop_download("dismissed in the page");
                self.offer = None;
                self.server.show_update(UpdateStatus::Hidden);
            }
            NativeRequest::SignInAgain
            | NativeRequest::Notify { .. }
            | NativeRequest::ApplySettings => {
                tracing::debug!("not the updater's to answer");
            }
        }
    }

    /// Stops the download under way, if any: whether there was one.
    fn stop_download(&mut self, why: &str) -> bool {
        let Some(download) = self.download.take() else {
            return false;
        };
        download.stop();
        tracing::info!("update download stopped: {why}");
        true
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
                if !asked_by_user && !crate::main_window::is_focused(&self.app) {
                    let news = format!("Version {} is available.", update.version);
                    crate::notifications::notify(&self.app, &self.server, &news);
                }
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
            Err(UpdateError::Manifest(err)) if err.is_unreachable() => {
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

    async fn find(&self) -> Result<Option<Update>, UpdateError> {
        let updater = self.app.updater()?;
        let config = updater_config(&self.app)?;
        require_key(&config)?;
        let endpoint = config.endpoints.first().ok_or(UpdateError::NoEndpoint)?;
        let rule = HttpsOnly::new(endpoint, config.dangerous_insecure_transport_protocol);
        rule.check(endpoint).map_err(ManifestError::from)?;
        let client = rule.client().map_err(UpdateError::Client)?;
        let manifest = manifest::fetch(&client, endpoint).await?;
        match manifest::offer(&manifest, self.current_version())? {
            Offer::UpToDate => Ok(None),
            Offer::Newer(_) => Ok(updater.restore_update(manifest)?),
        }
    }

    /// Starts downloading the update on offer; [`Self::run`] polls it beside the page's
    /// requests, and installs what it brings.
    fn start_download(&mut self) {
        let Some(update) = self.offer.take() else {
            self.server.show_update(UpdateStatus::Failed {
                why: "there is no update on offer; check for updates first".into(),
            });
            return;
        };
        let prepared = updater_config(&self.app).and_then(|config| {
            let endpoint = config.endpoints.first().ok_or(UpdateError::NoEndpoint)?;
            let rule = HttpsOnly::new(endpoint, config.dangerous_insecure_transport_protocol);
            let signature = PackageSignature::new(&config.pubkey, &update.signature)
                .map_err(DownloadError::from)?;
            Ok((rule, signature))
        });
        let (rule, signature) = match prepared {
            Ok(prepared) => prepared,
            Err(err) => {
                tracing::warn!(version = %update.version, "update download: {err}");
                self.server.show_update(UpdateStatus::Failed {
                    why: err.to_string(),
                });
                return;
            }
        };
        let server = self.server.clone();
        let shows_progress = Arc::new(Mutex::new(true));
        let progress = shows_progress.clone();
        let task = tokio::spawn(async move {
            let downloaded = download::download(
                &rule,
                &signature,
                &update,
                system_install::package_suffix(),
                |received, total| {
                    let shows = lock(&progress);
                    if *shows {
                        server.show_update(UpdateStatus::Downloading { received, total });
                    }
                },
            )
            .await;
            (update, downloaded)
        });
        self.download = Some(Downloading {
            task: AbortOnDropHandle::new(task),
            shows_progress,
        });
    }

    /// Installs a downloaded, verified package, then restarts into it.
    async fn install(&mut self, update: Update, downloaded: Result<Package, DownloadError>) {
        let package = match downloaded {
            Ok(package) => package,
            Err(err) => {
                tracing::warn!(version = %update.version, "update download: {err}");
                self.server.show_update(UpdateStatus::Failed {
                    why: err.to_string(),
                });
                return;
            }
        };
        self.server.show_update(UpdateStatus::Installing);
        let version = update.version.clone();
        // The system's installer runs for as long as its password prompt is open.
        let installed = tauri::async_runtime::spawn_blocking(move || {
            system_install::install(&update, package.path())
        })
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
}

/// Why a check found nothing to offer, or a download could not start.
#[derive(Debug, thiserror::Error)]
enum UpdateError {
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error("{}", describe(.0))]
    Updater(#[from] tauri_plugin_updater::Error),
    #[error("no update endpoint is configured")]
    NoEndpoint,
    #[error("this build has no key to check updates with (`make keys` makes one)")]
    NoKey,
    #[error("no HTTP client: {0}")]
    Client(reqwest::Error),
    #[error(transparent)]
    Download(#[from] DownloadError),
}

/// The updater's configuration in `tauri.conf.json` (`plugins.updater`). The plugin's own
/// check has refused a plain `http://` endpoint unless the build allowed it
/// (`dangerousInsecureTransportProtocol`, for tests only).
fn updater_config<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<tauri_plugin_updater::Config, UpdateError> {
    let config = app
        .config()
        .plugins
        .0
        .get("updater")
        .cloned()
        .ok_or(UpdateError::NoEndpoint)?;
    let config = serde_json::from_value(config)
        .map_err(|err| UpdateError::Updater(tauri_plugin_updater::Error::Serialization(err)))?;
    #[cfg(debug_assertions)]
    let config = test_endpoint(config);
    Ok(config)
}

/// Debug builds only: an update endpoint over plain HTTP, for a test that serves its own
/// manifest on loopback and only looks at the offer (a download would still need a package
/// signed with the key in `tauri.conf.json`). Release builds read `tauri.conf.json` alone.
#[cfg(debug_assertions)]
pub const ENDPOINT_VARIABLE: &str = "DATASTAR_DESKTOP_UPDATE_ENDPOINT";

#[cfg(debug_assertions)]
fn test_endpoint(mut config: tauri_plugin_updater::Config) -> tauri_plugin_updater::Config {
    if let Some(endpoint) = std::env::var(ENDPOINT_VARIABLE)
        .ok()
        .and_then(|endpoint| endpoint.parse().ok())
    {
        config.endpoints = vec![endpoint];
        config.dangerous_insecure_transport_protocol = true;
    }
    config
}

/// Whether `tauri.conf.json` holds the public key that updates are checked against.
fn has_key<R: Runtime>(app: &AppHandle<R>) -> bool {
    updater_config(app).is_ok_and(|config| require_key(&config).is_ok())
}

/// A config without a key checks nothing: a new app made from the template has none until
/// its author runs `make keys`.
fn require_key(config: &tauri_plugin_updater::Config) -> Result<(), UpdateError> {
    match config.pubkey.trim() {
        "" => Err(UpdateError::NoKey),
        _ => Ok(()),
    }
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
        InstallError::NotAllowed => true,
        #[cfg(target_os = "linux")]
        InstallError::NoPkexec(_) => true,
        InstallError::Plugin(err) => {
            matches!(
                err,
                Error::PackageInstallFailed | Error::AuthenticationFailed | Error::DebInstallFailed
            ) || matches!(err, Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound)
        }
        #[cfg(target_os = "linux")]
        InstallError::Installer { .. } => false,
        InstallError::Package(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pubkey: &str) -> tauri_plugin_updater::Config {
        serde_json::from_value(serde_json::json!({
            "pubkey": pubkey,
            "endpoints": ["https://example.invalid/latest.json"],
        }))
        .unwrap()
    }

    #[test]
    fn without_a_key_updates_are_off_and_say_why() {
        for empty in ["", "  \n"] {
            let err = require_key(&config(empty)).unwrap_err();
            assert!(err.to_string().contains("`make keys`"), "{err}");
        }
        assert!(require_key(&config("dW50cnVzdGVk")).is_ok());
    }
}
