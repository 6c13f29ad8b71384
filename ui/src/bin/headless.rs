//! The demo server without a window, for any browser: `datastar-headless --port 3000`.

use anyhow::{Context, bail};
use clap::Parser;
use datastar_ui::{AppState, Auth, Config, Store, Token, limits, loopback, readiness};
use std::{
    io::Read,
    io::Write,
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    process::ExitCode,
};
use tokio::net::TcpListener;

#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on [default: a random loopback address of this run's own, such as
    /// 127.83.4.172, so that its session cookie goes to no other local server].
    #[arg(long)]
    host: Option<IpAddr>,
    /// Port to listen on; 0 picks any free port.
    #[arg(long, env = "PORT", default_value_t = 3000)]
    port: u16,
    /// Use this sign-in token instead of a random one (letters, digits, '-', '_', '.', '~').
    /// As a flag, every local user can read it in `ps`: prefer the DATASTAR_TOKEN variable
    /// or --token-file. Like a random one, it signs in once.
    #[arg(long, env = "DATASTAR_TOKEN", hide_env_values = true, conflicts_with_all = ["no_auth", "token_file"])]
    token: Option<Token>,
    /// Read the sign-in token from this file, which only its owner may read (mode 600).
    #[arg(long, value_name = "PATH", conflicts_with = "no_auth")]
    token_file: Option<PathBuf>,
    /// Let anyone who can reach the port use the server, without a token.
    #[arg(long)]
    no_auth: bool,
    /// Concurrent feed streams allowed before new ones get 503.
    #[arg(long, default_value_t = limits::DEFAULT_MAX_FEEDS)]
    max_feeds: usize,
    /// Keep the page's state in this directory [default: `datastar-headless` in the user's
    /// data directory, such as ~/.local/share/datastar-headless].
    #[arg(
        long,
        env = "DATASTAR_DATA_DIR",
        value_name = "DIR",
        conflicts_with = "in_memory"
    )]
    data_dir: Option<PathBuf>,
    /// Keep the page's state in memory only, for this run.
    #[arg(long)]
    in_memory: bool,
}

/// The data directory's name under the user's: one store per data directory.
const DATA_DIR_NAME: &str = "datastar-headless";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line, with every cause: "cannot listen on …: Address already in use".
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

#[tokio::main]
async fn run() -> anyhow::Result<()> {
    datastar_ui::logging::init("datastar_ui=info,datastar_headless=info");
    let args = Args::parse();
    // Every feed is an open socket: a 1,024-file soft limit would cap feeds long before
    // --max-feeds.
    datastar_ui::raise_open_file_limit();

    // The token first: a bad one is refused before the port is taken.
    let auth = if args.no_auth {
        // Printed, not logged, so that no RUST_LOG setting can hide it.
        eprintln!("warning: --no-auth: anyone who can reach this port can use the server");
        Auth::Disabled
    } else if let Some(path) = &args.token_file {
        Auth::Token(read_token_file(path)?)
    } else {
        Auth::Token(args.token.unwrap_or_else(Token::generate))
    };
    let store = if args.in_memory {
        Store::in_memory()
    } else {
        let dir = args
            .data_dir
            .clone()
            .or_else(|| dirs::data_local_dir().map(|data| data.join(DATA_DIR_NAME)))
            .context("this system has no data directory: pass --data-dir or --in-memory")?;
        Store::open(&dir)
    };
    let listener = match args.host {
        Some(host) => loopback::listen(SocketAddr::new(host, args.port))
            .with_context(|| format!("cannot listen on {host}:{}", args.port)),
        None => loopback::bind(args.port)
            .with_context(|| format!("cannot listen on a loopback address, port {}", args.port)),
    }
    .and_then(|listener| Ok(TcpListener::from_std(listener)?))?;
    let app = AppState::new(
        listener.local_addr()?,
        Config {
            auth,
            max_feeds: args.max_feeds,
            store,
            ..Config::default()
        },
    );

    // Scripts wait for this first line, so it is flushed before anything else runs.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", readiness::line(&app.launch_url()))?;
    stdout.flush()?;
    drop(stdout);

    forward_toggle_signal(&app);
    datastar_ui::serve(listener, app, shutdown_signal()).await?;
    Ok(())
}

/// `kill -USR1 PID` toggles the feed in every open page, as the desktop app's menu does:
/// the same [`datastar_ui::PageEvents`] handle, with a signal where the desktop has a menu.
/// Windows has no such signal: there the toggle is the page's own button only.
fn forward_toggle_signal(app: &AppState) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut toggles = match signal(SignalKind::user_defined1()) {
            Ok(toggles) => toggles,
            Err(err) => {
                tracing::warn!(%err, "cannot listen for SIGUSR1; the feed toggle stays page-only");
                return;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            while toggles.recv().await.is_some() {
                match datastar_ui::changes::toggle_feed(app.store(), app.page_events()).await {
                    Ok(shown) => tracing::info!(shown, "SIGUSR1: toggled the feed"),
                    Err(err) => tracing::warn!(%err, "SIGUSR1: cannot toggle the feed"),
                }
            }
        });
    }
    #[cfg(not(unix))]
    {
        let _ = app;
        tracing::debug!("no SIGUSR1 on this platform: the feed toggle is the page's own");
    }
}

/// The largest token file read: one line holds a token, and more is not a token file.
const MAX_TOKEN_FILE_BYTES: u64 = 4_096;

/// A token kept in a file that only its owner can read, unlike a command line.
fn read_token_file(path: &Path) -> anyhow::Result<Token> {
    let describe = || format!("cannot use the token file {}", path.display());
    let file = open_token_file(path).with_context(describe)?;
    let mut text = String::new();
    file.take(MAX_TOKEN_FILE_BYTES)
        .read_to_string(&mut text)
        .with_context(describe)?;
    text.trim_end_matches(['\n', '\r'])
        .parse()
        .with_context(describe)
}

/// Opens the token file and checks the file it opened (`fstat`, not the path, which could be
/// swapped in between): a regular file, of this user, that no one else may read, and small.
/// Opened non-blocking, so that a FIFO in its place is refused rather than waited on.
#[cfg(unix)]
fn open_token_file(path: &Path) -> anyhow::Result<std::fs::File> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        bail!("it is not a regular file");
    }
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        bail!("it belongs to another user (uid {}, not {me})", meta.uid());
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        bail!("other users may read it (mode {mode:o}); run `chmod 600` on it");
    }
    if meta.len() > MAX_TOKEN_FILE_BYTES {
        bail!(
            "it is {} bytes long; a token file holds one line of at most {MAX_TOKEN_FILE_BYTES}",
            meta.len()
        );
    }
    Ok(file)
}

/// On Windows a file in the user's profile is private by its ACL; only its size is checked.
#[cfg(not(unix))]
fn open_token_file(path: &Path) -> anyhow::Result<std::fs::File> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > MAX_TOKEN_FILE_BYTES {
        bail!(
            "it is {len} bytes long; a token file holds one line of at most {MAX_TOKEN_FILE_BYTES}"
        );
    }
    Ok(file)
}

/// Ctrl-C in a terminal, SIGTERM from a service manager or a test harness.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        () = terminate => {},
    }
}
