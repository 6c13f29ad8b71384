//! Stand-ins for desktop services on a test's private session bus, through python3-dbusmock,
//! and D-Bus calls through `gdbus`, as a desktop shell would make them.

use super::SessionBus;
use anyhow::{Context, Result};
use std::{path::Path, process::Stdio, time::Duration};
use tokio::process::{Child, Command};
use ui_scenarios::wait_until;

/// Time for a stand-in to claim its name, with room for a loaded machine.
const START: Duration = Duration::from_secs(10);

/// dbusmock's `template` (a name it ships, or a file's path) serving `name`, logging each call
/// it gets to `log`; returns once `name` is on the bus.
pub async fn start_mock(bus: &SessionBus, template: &str, name: &str, log: &Path) -> Result<Child> {
    // Debian's python3, which has the dbusmock module, whatever python3 comes first on PATH.
    let mock = Command::new("/usr/bin/python3")
        .args(["-m", "dbusmock", "--template", template, "-l"])
        .arg(log)
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("python3-dbusmock (`make setup-test` installs it)")?;
    wait_until(START, "the stand-in to own its name", async || {
        let owned = gdbus(
            bus,
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &[name],
        )
        .await?;
        Ok((owned == "(true,)").then_some(()))
    })
    .await?;
    Ok(mock)
}

/// A D-Bus method call through `gdbus`; its reply, as GVariant text.
pub async fn gdbus(
    bus: &SessionBus,
    destination: &str,
    path: &str,
    method: &str,
    args: &[&str],
) -> Result<String> {
    let output = Command::new("gdbus")
        .args(["call", "--address", &bus.address, "--dest", destination])
        .args(["--object-path", path, "--method", method, "--"])
        .args(args)
        .output()
        .await
        .context("gdbus (`make setup-test` installs it)")?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
