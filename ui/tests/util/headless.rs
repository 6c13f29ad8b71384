//! The `datastar-headless` binary, run as a user would run it.

use std::{process::Stdio, time::Duration};
use ui_scenarios::PrivateHome;

/// How long the server gets to print its first line: seconds here, but a Windows build
/// under Wine starts Wine's own services first.
const FIRST_LINE: Duration = Duration::from_secs(60);
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, ChildStderr, Command},
};

fn in_private_home(mut command: Command) -> (Command, PrivateHome) {
    let home = PrivateHome::new().expect("a private home");
    home.apply(command.as_std_mut());
    (command, home)
}

/// Names another build of the server for the portable tests to drive: a command line.
pub const OTHER_BUILD: &str = "DATASTAR_HEADLESS_COMMAND";

pub struct Headless {
    pub child: Child,
    /// The server's HOME and XDG directories, removed when the test is done with it.
    _home: PrivateHome,
    /// The URL from the first stdout line, exactly as printed.
    pub url: String,
    #[cfg_attr(
        not(target_os = "linux"),
        expect(dead_code, reason = "read by the Linux-only suites")
    )]
    pub stderr: Option<ChildStderr>,
}

impl Headless {
    /// Starts the binary and reads its first stdout line, which must be `Listening on URL`.
    pub async fn spawn(args: &[&str]) -> Self {
        Self::spawn_with_env(args, &[]).await
    }

    pub async fn spawn_with_env(args: &[&str], env: &[(&str, &std::path::Path)]) -> Self {
        let (mut command, home) = Self::command();
        command.args(args).envs(env.iter().copied());
        Self::start(command, home).await
    }

    /// The binary cargo built for these tests; or, with [`OTHER_BUILD`] set (to a command
    /// line such as `wine64 …/datastar-headless.exe`), another build of it, which the
    /// portable tests then drive instead (`make check-platforms`). Either runs in a private
    /// home, kept until the returned [`PrivateHome`] is dropped: a test never reads or writes
    /// the user's own files.
    fn command() -> (Command, PrivateHome) {
        let other = std::env::var(OTHER_BUILD).unwrap_or_default();
        let mut words = other.split_whitespace();
        let command = match words.next() {
            Some(program) => {
                let mut command = Command::new(program);
                command.args(words);
                command
            }
            None => Command::new(env!("CARGO_BIN_EXE_datastar-headless")),
        };
        in_private_home(command)
    }

    /// Runs the binary (or [`OTHER_BUILD`]) with `args` and the state in memory, expecting
    /// it to refuse to start: its exit status and output.
    pub async fn refused(args: &[&str]) -> std::process::Output {
        let (mut command, _home) = Self::command();
        let output = command
            .args(args)
            .arg("--in-memory")
            .env_remove("PORT")
            .kill_on_drop(true)
            .output();
        tokio::time::timeout(FIRST_LINE, output)
            .await
            .expect("an answer in time")
            .expect("run datastar-headless")
    }

    /// Runs the binary with its open-file limit set to `soft` and `hard`, as a desktop
    /// session sets it (often 1,024, and sometimes no room above that).
    #[cfg(target_os = "linux")]
    pub async fn spawn_with_file_limit(args: &[&str], soft: u64, hard: u64) -> Self {
        let (mut command, home) =
            in_private_home(Command::new(env!("CARGO_BIN_EXE_datastar-headless")));
        command.args(args);
        // SAFETY: `setrlimit` is a single system call, safe between fork and exec.
        unsafe {
            command.pre_exec(move || rlimit::setrlimit(rlimit::Resource::NOFILE, soft, hard));
        }
        Self::start(command, home).await
    }

    /// The server process's soft open-file limit, as the kernel reports it.
    #[cfg(target_os = "linux")]
    pub fn soft_file_limit(&self) -> u64 {
        ui_scenarios::soft_open_file_limit(self.child.id().expect("running")).expect("limits")
    }

    /// Without `--data-dir`, the state is kept in memory: a test never writes the user's
    /// data directory.
    async fn start(mut command: Command, home: PrivateHome) -> Self {
        let chose = command
            .as_std()
            .get_args()
            .any(|arg| arg == "--data-dir" || arg == "--in-memory");
        if !chose {
            command.arg("--in-memory");
        }
        let mut child = command
            .env_remove("PORT")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start datastar-headless");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        // Wine starts its own services with a program's first start there.
        let first = tokio::time::timeout(FIRST_LINE, lines.next_line())
            .await
            .expect("a first line in time")
            .expect("readable stdout")
            .expect("a first line");
        let url = datastar_ui::readiness::url_from_line(&first)
            .unwrap_or_else(|| panic!("first line is {first:?}"))
            .to_owned();
        let stderr = child.stderr.take();
        Self {
            child,
            _home: home,
            url,
            stderr,
        }
    }

    /// The page's URL without the token or the trailing `/`: `http://IP:PORT/s/<secret>`,
    /// to which a route's path (`/feed`) is appended.
    pub fn base(&self) -> &str {
        let page = self
            .url
            .split_once('?')
            .map_or(self.url.as_str(), |(page, _)| page);
        page.trim_end_matches('/')
    }

    /// The server's process id.
    #[cfg_attr(
        not(target_os = "linux"),
        expect(dead_code, reason = "used by the Linux-only suites")
    )]
    pub fn pid(&self) -> u32 {
        self.child.id().expect("running")
    }

    /// The name of the session cookie this server sets.
    #[cfg_attr(
        not(target_os = "linux"),
        expect(dead_code, reason = "used by the Linux-only suites")
    )]
    pub fn cookie_name(&self) -> String {
        let port = datastar_ui::readiness::authority(self.origin())
            .and_then(|authority| authority.rsplit_once(':'))
            .and_then(|(_, port)| port.parse().ok())
            .expect("a port in the URL");
        datastar_ui::session_cookie_name(port)
    }

    /// The address the server listens on, for the raw-socket clients.
    #[cfg_attr(
        not(target_os = "linux"),
        expect(dead_code, reason = "used by the Linux-only suites")
    )]
    pub fn addr(&self) -> std::net::SocketAddr {
        datastar_ui::readiness::authority(self.origin())
            .and_then(|authority| authority.parse().ok())
            .expect("an IP and a port in the URL")
    }

    /// `http://IP:PORT` without the path or query.
    pub fn origin(&self) -> &str {
        let after_scheme = self.url.find("://").map_or(0, |i| i + 3);
        let end = self.url[after_scheme..]
            .find('/')
            .map_or(self.url.len(), |i| after_scheme + i);
        &self.url[..end]
    }

    /// A browser-like client (it keeps cookies) signed in with the printed URL.
    pub async fn signed_in_client(&self) -> reqwest::Client {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let page = client.get(&self.url).send().await.expect("sign in");
        assert_eq!(page.status(), 200, "the printed URL signs in");
        client
    }

    /// Opens `/feed` with `client`: the response, whatever its status.
    pub async fn open_feed(&self, client: &reqwest::Client) -> reqwest::Response {
        client
            .get(format!("{}/feed?datastar=%7B%7D", self.base()))
            .header("datastar-request", "true")
            .send()
            .await
            .expect("feed request")
    }

    /// Sends SIGTERM, as a service manager would.
    #[cfg(target_os = "linux")]
    pub fn terminate(&self) {
        self.signal("-TERM");
    }

    /// Sends a signal (`"-TERM"`, `"-USR1"`) with `kill`.
    #[cfg(target_os = "linux")]
    pub fn signal(&self, signal: &str) {
        let pid = self.child.id().expect("running").to_string();
        let status = std::process::Command::new("kill")
            .args([signal, &pid])
            .status()
            .expect("kill");
        assert!(status.success());
    }
}
