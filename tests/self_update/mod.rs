//! The installed app updates itself, offline: from its first-launch question to a restarted
//! new version, through every refusal on the way.
//!
//! The test builds two versions of the app with `scripts/bundle.sh`, as a release is built
//! but in the dev profile (`packages.rs` says why), with a throwaway key and the updater
//! pointed at a release server of its own on loopback (plain HTTP, allowed in these builds
//! only). It installs the older `.deb` as `scripts/check-deb.sh` does, drives the installed
//! app's real window through tauri-driver, and removes the package at the end.
//!
//! The updater installs with `pkexec dpkg -i`, which asks for the user's password. Here a
//! stand-in `pkexec`, first on the app's PATH, runs the command as the test's root (or
//! through `sudo -n`), or refuses as a user who cancels the prompt would.
//!
//! Needs root (dpkg), Xvfb, tauri-driver and WebKitWebDriver: `make check-updates`.

mod packages;
mod release;

use crate::support::{
    identifier, require_display,
    x11::{Display, keys},
};
use anyhow::{Context, Result, ensure};
use datastar_desktop::{DOWNLOAD_LIMITS, LEGACY_IDENTIFIER};
use datastar_ui::UpdateButton;
use fantoccini::{Client, Locator};
use packages::{Installed, KeyPair, installed_version};
use release::{Answer, Release, ReleaseServer};
use std::{collections::HashMap, path::Path, time::Duration};
use ui_scenarios::{PrivateHome, drivers::TauriDriver, process, wait_until};

const PACKAGE: &str = "datastar-desktop";
const BINARY: &str = "/usr/bin/datastar-desktop";
const OLD: &str = "0.1.0";
const NEW: &str = "0.1.1";

/// What the page gets to show a step; a check that hangs takes the app's whole deadline.
const STEP: Duration = Duration::from_secs(30);

#[tokio::test]
#[ignore = "builds and installs packages as root, needs Xvfb and tauri-driver; `make check-updates` runs it"]
async fn the_installed_app_updates_itself_from_the_page() -> Result<()> {
    require_display();
    ensure!(
        packages::is_root()
            || std::process::Command::new("sudo")
                .args(["-n", "true"])
                .status()?
                .success(),
        "installing packages needs root, or sudo without a password"
    );
    let work = tempfile::tempdir()?;
    let key = KeyPair::generate(work.path(), "update.key")?;
    let another = KeyPair::generate(work.path(), "another.key")?;
    // Bound before the builds, so that its address can be built into them.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let endpoint = format!("{base}/latest.json");
    let downloads = format!("{base}/download");

    // The old version is a release from before the identifier changed: the update moves
    // its directories, and everything below checks that nothing in them was lost.
    let new = packages::build(NEW, &identifier(), &key, &endpoint, &downloads, work.path())?;
    let old = packages::build(
        OLD,
        LEGACY_IDENTIFIER,
        &key,
        &endpoint,
        &downloads,
        work.path(),
    )?;
    the_rpm_is_in_the_manifest_and_signed(&new.manifest, &new.rpm, &key)?;
    let release = Release {
        manifest: new.manifest.clone(),
        foreign_signature: another.sign(&copy_of(&new.deb, work.path())?, NEW)?,
        packages: [&new.deb, &new.rpm]
            .into_iter()
            .map(|path| Ok((file_name(path)?, std::fs::read(path)?)))
            .collect::<Result<HashMap<_, _>>>()?,
    };
    let server = ReleaseServer::start(listener, release);

    let _installed = Installed::deb(&old.deb, PACKAGE)?;
    assert_eq!(installed_version(PACKAGE)?.as_deref(), Some(OLD));
    let stubs = Stubs::new(work.path())?;
    let display = Display::open()?;
    not_now_means_no_check_at_the_next_launch(&server, &stubs).await?;

    let home = PrivateHome::new()?;
    let old_data = home.data_dir().join(LEGACY_IDENTIFIER);
    let data = home.data_dir().join(identifier());
    let session = launch(&home, &stubs).await?;
    let page = &session.client;

    // Nothing leaves the machine until the user says so.
    wait_for_panel(page, "Check Automatically").await?;
    ensure!(
        server.requests() == 0,
        "the app asked the network before the user said yes"
    );
    type_into_input(page, "typed before the update", &old_data).await?;
    press(page, UpdateButton::Automatic).await?;
    wait_for_panel(page, &format!("Version {NEW} is available.")).await?;
    wait_for_panel(page, &format!("What is new in {NEW}.")).await?;
    press(page, UpdateButton::Later).await?;
    wait_until(STEP, "the offer to go away", async || {
        Ok(panel(page).await?.is_empty().then_some(()))
    })
    .await?;

    // Help → Check for Updates…, from the keyboard: F10 opens the menu bar on File, Left
    // wraps round to Help, whose first item it is.
    server.answer(Answer::Older);
    let window = display
        .wait_for_title(datastar_desktop::APP_NAME, STEP)
        .await?;
    let place = display.geometry(window)?;
    // Each key goes only once GTK has drawn the menu it opened: a key sent sooner reaches
    // the page instead, and the walk ends in the wrong menu.
    let before = display.open_menus()?;
    display.press(window, &[keys::F10])?;
    let file = display.wait_for_menu(&before, STEP).await?;
    display.press_where_focused(&[keys::LEFT])?;
    display.wait_for_menu(&file, STEP).await?;
    // The open menu holds the keyboard now, and takes these two in order.
    display.press_where_focused(&[keys::DOWN])?;
    display.press_where_focused(&[keys::RETURN])?;
    wait_for_panel(
        page,
        &format!(
            "Update failed: the update server offers version 0.0.1, older than this one ({OLD})."
        ),
    )
    .await?;

    // Each refusal says why, and leaves the installed app alone.
    let refusals = [
        (
            Answer::Oversized,
            "Update failed: the release manifest is larger than 64 KiB.",
        ),
        (
            Answer::Malformed,
            "Update failed: the release manifest could not be read",
        ),
        (
            Answer::NotFound,
            "Update failed: the update server answered 404 Not Found.",
        ),
        (
            Answer::Hangs,
            "Could not reach the update server: the update server did not answer within 15 s.",
        ),
    ];
    for (answer, says) in refusals {
        server.answer(answer);
        press(page, UpdateButton::Check).await?;
        wait_for_panel(page, says).await?;
        assert_eq!(
            installed_version(PACKAGE)?.as_deref(),
            Some(OLD),
            "{answer:?}"
        );
    }
    let refused_downloads = [
        (
            Answer::SignedByAnother,
            "Update failed: the signature does not match",
        ),
        (
            Answer::Unsigned,
            "Update failed: the release's signature cannot be read",
        ),
        (
            Answer::Tampered,
            "Update failed: the signature does not match",
        ),
    ];
    for (answer, says) in refused_downloads {
        server.answer(answer);
        offer_and_install(page).await?;
        wait_for_panel(page, says).await?;
        assert_eq!(
            installed_version(PACKAGE)?.as_deref(),
            Some(OLD),
            "{answer:?}"
        );
    }

    // Past the first hop, plain HTTP is refused, for the manifest and for the package,
    // before a byte of either is read. (These builds may use plain HTTP to their own release
    // server only; a release build refuses it everywhere.)
    server.answer(Answer::ManifestToPlainHttp);
    press(page, UpdateButton::Check).await?;
    wait_for_panel(
        page,
        &format!(
            "Update failed: {}/latest.json is not HTTPS",
            server.elsewhere
        ),
    )
    .await?;
    for answer in [Answer::PlainHttpPackage, Answer::PackageToPlainHttp] {
        server.answer(answer);
        offer_and_install(page).await?;
        wait_for_panel(
            page,
            &format!("Update failed: {}/download/", server.elsewhere),
        )
        .await?;
        wait_for_panel(page, "is not HTTPS, and the update is refused.").await?;
    }

    // A server that drips its package holds the updater no longer than the user wants:
    // Cancel stops the download at once, Check is answered in the middle of one, and one
    // left alone is given up once a window passes below the minimum pace.
    server.answer(Answer::Drips);
    offer_and_install(page).await?;
    wait_for_panel(page, "Downloading the update").await?;
    press(page, UpdateButton::Cancel).await?;
    wait_for_panel(
        page,
        "The update was not installed: the download was cancelled.",
    )
    .await?;
    offer_and_install(page).await?;
    wait_for_panel(page, "Downloading the update").await?;
    post_from_page(page, UpdateButton::Check).await?;
    wait_for_panel(page, &format!("Version {NEW} is available.")).await?;
    press(page, UpdateButton::Install).await?;
    wait_for_panel(page, "Downloading the update").await?;
    // The app's window for the pace, and a step to say so.
    wait_until(
        DOWNLOAD_LIMITS.window + STEP,
        "the dripping download to be given up",
        async || {
            Ok(panel(page)
                .await?
                .contains("Update failed: the download was too slow: less than 64 KiB in 30 s.")
                .then_some(()))
        },
    )
    .await?;
    assert_eq!(installed_version(PACKAGE)?.as_deref(), Some(OLD));

    // The user cancels the password prompt: said, and the app keeps running. One prompt
    // for one click: no other is shown, and `sudo`, though it would work, never runs.
    server.answer(Answer::Good);
    stubs.take_calls()?;
    stubs.refuse_password(true)?;
    offer_and_install(page).await?;
    wait_for_panel(
        page,
        "The update was not installed: the system did not allow it",
    )
    .await?;
    assert_eq!(installed_version(PACKAGE)?.as_deref(), Some(OLD));
    assert_eq!(
        stubs.take_calls()?,
        ["pkexec"],
        "one prompt, and nothing after it"
    );
    stubs.refuse_password(false)?;

    // Installed, with the download's progress in the page, then restarted.
    let before = process::find_process(PACKAGE).context("the app's process")?;
    offer_and_install(page).await?;
    let progress = watch_progress(page).await?;
    ensure!(
        progress
            .iter()
            .any(|&(value, max)| value > 0.0 && value < max),
        "the progress bar never showed a download under way: {progress:?}"
    );
    wait_until(
        Duration::from_secs(120),
        "dpkg to report the new version",
        async || Ok((installed_version(PACKAGE)?.as_deref() == Some(NEW)).then_some(())),
    )
    .await?;
    let requests_before_restart = server.requests();
    let restarted = wait_until(STEP, "the app to restart", async || {
        Ok(process::find_process(PACKAGE).filter(|&pid| pid != before))
    })
    .await?;
    ensure!(
        process::executable(restarted).as_deref() == Some(Path::new(BINARY)),
        "the restarted app is not the installed binary"
    );
    // The new version, running: it records itself as the last version to run.
    wait_until(
        STEP,
        "the restarted app to record its version",
        async || {
            let preferences = datastar_ui::Store::peek_preferences(&data).ok();
            Ok(preferences
                .and_then(|preferences| preferences.last_version)
                .filter(|version| version == NEW)
                .map(|_| ()))
        },
    )
    .await?;
    ensure!(
        !old_data.exists() && !home.config_dir().join(LEGACY_IDENTIFIER).exists(),
        "the former identifier's directories were not moved"
    );
    // Automatic checks are on, an answer given under the former identifier: the new
    // version checks once as it starts.
    wait_until(STEP, "the restarted app to check for updates", async || {
        Ok((server.requests() > requests_before_restart).then_some(()))
    })
    .await?;
    drop(session);

    // Closed and opened again, the page is as it was left before the update.
    let window = display
        .wait_for_title(datastar_desktop::APP_NAME, STEP)
        .await?;
    display.request_close(window)?;
    wait_until(STEP, "the restarted app to quit", async || {
        Ok((!is_running(restarted)).then_some(()))
    })
    .await?;
    let session = launch(&home, &stubs).await?;
    assert_eq!(
        ui_scenarios::state::input_value(&session.client).await?,
        "typed before the update"
    );
    let window = display
        .wait_for_title(datastar_desktop::APP_NAME, STEP)
        .await?;
    assert_eq!(display.geometry(window)?, place, "the window where it was");
    session.close().await
}

/// A user who answers Not Now is not asked again, and the next launch checks nothing.
async fn not_now_means_no_check_at_the_next_launch(
    server: &ReleaseServer,
    stubs: &Stubs,
) -> Result<()> {
    let home = PrivateHome::new()?;
    let session = launch(&home, stubs).await?;
    wait_for_panel(&session.client, "Not Now").await?;
    press(&session.client, UpdateButton::NotNow).await?;
    let data = home.data_dir().join(LEGACY_IDENTIFIER);
    wait_until(STEP, "the answer to be kept", async || {
        let kept = datastar_ui::Store::peek_preferences(&data).ok();
        Ok(kept
            .and_then(|preferences| preferences.update_checks)
            .filter(|&checks| checks == datastar_ui::UpdateChecks::NotNow)
            .map(|_| ()))
    })
    .await?;
    session.close().await?;
    let session = launch(&home, stubs).await?;
    // The page is loaded, its feed ticking: the app is past the moment it would check.
    ui_scenarios::Scenario::FeedTicks
        .run(&session.client)
        .await?;
    ensure!(panel(&session.client).await?.is_empty(), "asked again");
    session.close().await?;
    ensure!(server.requests() == 0, "a check after Not Now");
    Ok(())
}

/// The installed app, in `home`, with the stand-ins first on its PATH.
async fn launch(home: &PrivateHome, stubs: &Stubs) -> Result<ui_scenarios::drivers::Session> {
    TauriDriver::start_in(home.clone(), &[("PATH", &stubs.path)])
        .await?
        .launch(Path::new(BINARY))
        .await
}

/// Checks again from a failed step, and asks to install what is offered.
async fn offer_and_install(page: &Client) -> Result<()> {
    press(page, UpdateButton::Check).await?;
    wait_for_panel(page, &format!("Version {NEW} is available.")).await?;
    press(page, UpdateButton::Install).await
}

/// The progress bar's `value` and `max`, read until the download ends.
async fn watch_progress(page: &Client) -> Result<Vec<(f64, f64)>> {
    let mut seen = Vec::new();
    let read = "const bar = document.querySelector('#update-progress');
                return bar && bar.hasAttribute('max') ? [bar.value, bar.max] : null;";
    for _ in 0..600 {
        match page.execute(read, vec![]).await {
            Ok(serde_json::Value::Array(pair)) => {
                let number = |i: usize| pair.get(i).and_then(serde_json::Value::as_f64);
                if let (Some(value), Some(max)) = (number(0), number(1)) {
                    seen.push((value, max));
                }
            }
            Ok(_) if !seen.is_empty() => break,
            Ok(_) => {}
            // The app restarted under the driver.
            Err(_) => break,
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(seen)
}

async fn panel(page: &Client) -> Result<String> {
    Ok(page
        .execute(
            "return document.querySelector('#updates').textContent.trim();",
            vec![],
        )
        .await?
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

async fn wait_for_panel(page: &Client, text: &str) -> Result<()> {
    let waited = wait_until(STEP, &format!("the page to say {text:?}"), async || {
        Ok(panel(page).await?.contains(text).then_some(()))
    })
    .await;
    match waited {
        Ok(()) => Ok(()),
        Err(err) => {
            let says = panel(page).await.unwrap_or_default();
            Err(err.context(format!("the panel says {says:?}")))
        }
    }
}

/// Presses one of the update panel's buttons.
async fn press(page: &Client, button: UpdateButton) -> Result<()> {
    let selector = format!("#{}", button.id());
    page.find(Locator::Css(&selector)).await?.click().await?;
    Ok(())
}

/// Sends a button's action from the page's own script, as a click on a button that the
/// panel does not show at this step would.
async fn post_from_page(page: &Client, button: UpdateButton) -> Result<()> {
    let status = page
        .execute_async(
            "const [path, done] = arguments;
             fetch(path, { method: 'POST', headers: { 'Datastar-Request': 'true' }, body: '{}' })
                 .then((response) => done(response.status), (err) => done(String(err)));",
            vec![button.path().into()],
        )
        .await?;
    ensure!(status == 202, "{} answered {status}", button.path());
    Ok(())
}

/// Types `text` and waits until the server has it on disk.
async fn type_into_input(page: &Client, text: &str, data: &Path) -> Result<()> {
    page.find(Locator::Css("#input"))
        .await?
        .send_keys(text)
        .await?;
    wait_until(STEP, "the typed text to be stored", async || {
        let stored = datastar_ui::Store::peek(data).ok().flatten();
        Ok(stored.filter(|state| state.input == text).map(|_| ()))
    })
    .await
}

fn is_running(pid: u32) -> bool {
    process::comm(pid).is_some()
}

fn file_name(path: &Path) -> Result<String> {
    Ok(path
        .file_name()
        .and_then(|name| name.to_str())
        .context("a file name")?
        .to_owned())
}

fn copy_of(file: &Path, dir: &Path) -> Result<std::path::PathBuf> {
    let copy = dir.join("foreign").join(file_name(file)?);
    std::fs::create_dir_all(copy.parent().context("a parent")?)?;
    std::fs::copy(file, &copy)?;
    Ok(copy)
}

/// The .rpm cannot be installed on this Debian machine, but its manifest entry can be
/// checked: it names the package, and its signature verifies with the app's key.
fn the_rpm_is_in_the_manifest_and_signed(
    manifest: &serde_json::Value,
    rpm: &Path,
    key: &KeyPair,
) -> Result<()> {
    use base64::Engine;
    let entry = &manifest["platforms"]["linux-x86_64-rpm"];
    let url = entry["url"].as_str().context("an rpm url")?;
    ensure!(
        url.ends_with(&urlencoding(&file_name(rpm)?)),
        "the rpm entry names {url}"
    );
    let decode = |text: &str| -> Result<String> {
        Ok(String::from_utf8(
            base64::engine::general_purpose::STANDARD.decode(text.trim())?,
        )?)
    };
    let public = minisign_verify::PublicKey::decode(&decode(&key.public)?)?;
    let signature = minisign_verify::Signature::decode(&decode(
        entry["signature"].as_str().context("an rpm signature")?,
    )?)?;
    public.verify(&std::fs::read(rpm)?, &signature, true)?;
    Ok(())
}

fn urlencoding(name: &str) -> String {
    name.replace(' ', "%20")
}

/// Stand-ins for the system's password prompts, first on the app's PATH.
struct Stubs {
    dir: std::path::PathBuf,
    path: std::path::PathBuf,
}

impl Stubs {
    fn new(work: &Path) -> Result<Self> {
        use std::os::unix::fs::PermissionsExt;
        let dir = work.join("stubs");
        std::fs::create_dir_all(&dir)?;
        // Each stand-in first notes that it ran, in `calls`.
        let pkexec = "#!/bin/sh\n\
            # polkit's pkexec, as a user answers it: refused (126) or run as root.\n\
            [ -e \"$(dirname \"$0\")/refuse\" ] && exit 126\n\
            [ \"$(id -u)\" -eq 0 ] && exec \"$@\"\n\
            exec /usr/bin/sudo -n \"$@\"\n";
        // What tauri-plugin-updater falls back to after pkexec: password dialogs that the
        // user cancels, and a `sudo` whose credentials are cached, which would install with
        // no prompt at all. None of them may run.
        let refused = "#!/bin/sh\nexit 1\n";
        let cached_sudo = "#!/bin/sh\nexec \"$@\"\n";
        for (name, script) in [
            ("pkexec", pkexec),
            ("zenity", refused),
            ("kdialog", refused),
            ("sudo", cached_sudo),
        ] {
            let file = dir.join(name);
            let script = script.replacen(
                "\n",
                &format!("\necho {name} >>\"$(dirname \"$0\")/calls\"\n"),
                1,
            );
            std::fs::write(&file, script)?;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755))?;
        }
        let path = std::env::join_paths(std::iter::once(dir.clone()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))?;
        Ok(Self {
            dir,
            path: path.into(),
        })
    }

    /// The stand-ins that ran since the last call, in order.
    fn take_calls(&self) -> Result<Vec<String>> {
        let file = self.dir.join("calls");
        let calls = match std::fs::read_to_string(&file) {
            Ok(calls) => calls.lines().map(str::to_owned).collect(),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(err) => return Err(err.into()),
        };
        let _ = std::fs::remove_file(file);
        Ok(calls)
    }

    fn refuse_password(&self, refuse: bool) -> Result<()> {
        let flag = self.dir.join("refuse");
        if refuse {
            std::fs::write(flag, "")?;
        } else if flag.exists() {
            std::fs::remove_file(flag)?;
        }
        Ok(())
    }
}
