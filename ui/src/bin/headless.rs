//! The demo server without a window, for any browser: `datastar-headless --port 3000`.

use anyhow::Context;
use clap::Parser;
use datastar_ui::{App, Auth, Config, Token, limits, readiness};
use std::{io::Write, net::IpAddr, process::ExitCode};
use tokio::net::TcpListener;

#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on; 0 picks any free port.
    #[arg(long, env = "PORT", default_value_t = 3000)]
    port: u16,
    /// Use this token instead of a random one (letters, digits, '-', '_', '.', '~').
    #[arg(long, conflicts_with = "no_auth")]
    token: Option<Token>,
    /// Let anyone who can reach the port use the server, without a token.
    #[arg(long)]
    no_auth: bool,
    /// Concurrent feed streams allowed before new ones get 503.
    #[arg(long, default_value_t = limits::DEFAULT_MAX_FEEDS)]
    max_feeds: usize,
}

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
    // --max-feeds. Raising the soft limit to the hard one needs no privileges.
    if let Err(err) = rlimit::increase_nofile_limit(u64::MAX) {
        tracing::warn!(%err, "cannot raise the open-file limit");
    }

    let listener = TcpListener::bind((args.host, args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.host, args.port))?;
    let auth = if args.no_auth {
        // Printed, not logged, so that no RUST_LOG setting can hide it.
        eprintln!("warning: --no-auth: anyone who can reach this port can use the server");
        Auth::Disabled
    } else {
        Auth::Token(args.token.unwrap_or_else(Token::generate))
    };
    let app = App::new(
        listener.local_addr()?,
        Config {
            auth,
            max_feeds: args.max_feeds,
            ..Config::default()
        },
    );

    // Scripts wait for this first line, so it is flushed before anything else runs.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", readiness::line(&app.launch_url()))?;
    stdout.flush()?;
    drop(stdout);

    datastar_ui::serve(listener, app, shutdown_signal()).await?;
    Ok(())
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
