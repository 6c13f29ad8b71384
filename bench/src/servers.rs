//! The servers under test: ours (the release headless binary), the seed demo, and a bare
//! axum server answering `/get` alone, the floor ours is held to.

use crate::cpus::{Cpus, Role};
use anyhow::{Context, Result, bail};
use std::{
    net::{SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    net::TcpStream,
    process::{Child, Command},
};

pub struct Server {
    pub name: &'static str,
    pub addr: SocketAddr,
    /// The path the routes live under: ours has a secret one, the seed none.
    base_path: String,
    pub child: Child,
    cookie: Option<String>,
    /// The SSE event name of a feed tick: Datastar v1 for ours, pre-1.0 for the seed.
    pub feed_event: &'static str,
    /// Ours keeps the page's state on disk, as users run it, in a directory of its own.
    _data_dir: Option<tempfile::TempDir>,
}

/// Our headless server's release binary, in the target directory.
const OURS: &str = "release/datastar-headless";

/// The bare axum server's release binary (`bench/src/bin/bare-axum.rs`).
const BARE: &str = "release/bare-axum";

/// Room for the largest fan-out any plan measures (15,000), with a margin.
const MAX_FEEDS: usize = 20_000;

impl Server {
    /// Our headless server, release build, with room for the largest fan-out, signed in
    /// as a browser would be: by opening the printed URL and keeping the cookie it sets.
    pub async fn ours(repo: &Path, cpus: &Cpus) -> Result<Self> {
        Self::start_ours(
            repo,
            cpus.command(Role::Server, ui_scenarios::target_dir()?.join(OURS)),
        )
        .await
    }

    /// Ours, with its open-file limit (soft and hard) set to `file_limit`, as a desktop
    /// session might set it.
    pub async fn ours_with_file_limit(repo: &Path, cpus: &Cpus, file_limit: u64) -> Result<Self> {
        let mut command = cpus.command(Role::Server, ui_scenarios::target_dir()?.join(OURS));
        // SAFETY: `setrlimit` is a single system call, safe between fork and exec.
        unsafe {
            command.pre_exec(move || {
                rlimit::setrlimit(rlimit::Resource::NOFILE, file_limit, file_limit)
            });
        }
        Self::start_ours(repo, command).await
    }

    async fn start_ours(repo: &Path, mut command: Command) -> Result<Self> {
        // On a real disk: the report checks that `/get` writes nothing to it.
        let data_dir = crate::scratch_dir(repo)?;
        command
            .args(["--port", "0", "--max-feeds", &MAX_FEEDS.to_string()])
            .arg("--data-dir")
            .arg(data_dir.path());
        let (child, launch_url) = spawn_until_ready(command).await?;
        let addr: SocketAddr = datastar_ui::readiness::authority(&launch_url)
            .with_context(|| format!("unexpected URL {launch_url:?}"))?
            .parse()?;
        // `http://IP:PORT/s/<secret>/?token=…`: the path between the authority and `/?`.
        let base_path = launch_url
            .split_once(&addr.to_string())
            .and_then(|(_, rest)| rest.split_once("/?"))
            .map(|(path, _)| path.to_owned())
            .with_context(|| format!("no base path in {launch_url:?}"))?;
        let cookie = sign_in(&launch_url).await?;
        Ok(Self {
            name: "ours",
            addr,
            base_path,
            child,
            cookie: Some(cookie),
            feed_event: "datastar-patch-signals",
            _data_dir: Some(data_dir),
        })
    }

    /// The bare axum server: `/get` only, with nothing around it.
    pub async fn bare(cpus: &Cpus) -> Result<Self> {
        let (child, url) = spawn_until_first_line(
            cpus.command(Role::Server, ui_scenarios::target_dir()?.join(BARE)),
        )
        .await?;
        let addr = url
            .trim_end()
            .strip_prefix("http://")
            .with_context(|| format!("unexpected first line {url:?}"))?
            .parse()?;
        Ok(Self {
            name: "bare axum",
            addr,
            base_path: String::new(),
            child,
            cookie: None,
            feed_event: "",
            _data_dir: None,
        })
    }

    /// The seed demo (Python, Starlette, uvicorn), in a virtualenv made on first use.
    pub async fn seed(seed_dir: &Path, venv: &Path, cpus: &Cpus) -> Result<Self> {
        ensure_venv(seed_dir, venv).await?;
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = cpus
            .command(Role::Server, venv.join("bin/python"))
            .arg("app.py")
            .current_dir(seed_dir)
            .env("PORT", port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting the seed")?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        ui_scenarios::wait_until(Duration::from_secs(20), "the seed to listen", async || {
            Ok(TcpStream::connect(addr).await.ok().map(|_| ()))
        })
        .await?;
        Ok(Self {
            name: "seed",
            addr,
            base_path: String::new(),
            child,
            cookie: None,
            feed_event: "datastar-merge-fragments",
            _data_dir: None,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or_default()
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{}{path_and_query}", self.addr, self.base_path)
    }

    /// The headers a signed-in Datastar `@get` carries.
    pub fn headers(&self) -> Vec<String> {
        let mut headers = vec!["Datastar-Request: true".to_owned()];
        headers.extend(self.cookie.iter().map(|cookie| format!("Cookie: {cookie}")));
        headers
    }

    /// A complete raw HTTP/1.1 GET, for the hand-rolled clients.
    pub fn raw_get(&self, path_and_query: &str) -> String {
        let mut request = format!(
            "GET {}{path_and_query} HTTP/1.1\r\nHost: {}\r\n",
            self.base_path, self.addr
        );
        for header in self.headers() {
            request.push_str(&header);
            request.push_str("\r\n");
        }
        request.push_str("\r\n");
        request
    }
}

/// Starts our headless server and waits for its readiness line; returns the URL it printed.
pub async fn spawn_until_ready(command: Command) -> Result<(Child, String)> {
    let (child, first) = spawn_until_first_line(command).await?;
    let url = datastar_ui::readiness::url_from_line(&first)
        .with_context(|| format!("unexpected first line {first:?}"))?
        .to_owned();
    Ok((child, url))
}

/// Starts a server and returns its first line on stdout, once it has printed it.
async fn spawn_until_first_line(mut command: Command) -> Result<(Child, String)> {
    let mut child = command
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .context("starting the headless server")?;
    let stdout = child.stdout.take().context("stdout")?;
    let first = BufReader::new(stdout)
        .lines()
        .next_line()
        .await?
        .context("no first line")?;
    Ok((child, first))
}

/// Opens the launch URL and returns the `name=value` of the session cookie it sets, which
/// the benchmark's own clients then send by hand.
async fn sign_in(launch_url: &str) -> Result<String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let response = client.get(launch_url).send().await?;
    let cookie = response
        .cookies()
        .next()
        .with_context(|| format!("signing in set no cookie: {}", response.status()))?;
    Ok(format!("{}={}", cookie.name(), cookie.value()))
}

async fn ensure_venv(seed_dir: &Path, venv: &Path) -> Result<()> {
    let python = venv.join("bin/python");
    let ready = Command::new(&python)
        .args(["-c", "import starlette, uvicorn"])
        .stderr(Stdio::null())
        .status()
        .await
        .is_ok_and(|status| status.success());
    if ready {
        return Ok(());
    }
    eprintln!(
        "bench: creating the seed's virtualenv in {}",
        venv.display()
    );
    run(Command::new("python3").arg("-m").arg("venv").arg(venv)).await?;
    run(Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(seed_dir.join("requirements.txt")))
    .await
}

async fn run(command: &mut Command) -> Result<()> {
    let status = command.status().await?;
    if !status.success() {
        bail!("{command:?} failed: {status}");
    }
    Ok(())
}

/// Where the seed lives: `$SEED_DIR`, else `../shared/seed` beside the repository.
pub fn seed_dir(repo: &Path) -> Option<PathBuf> {
    let dir = std::env::var_os("SEED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("../shared/seed"));
    dir.join("app.py").is_file().then_some(dir)
}
