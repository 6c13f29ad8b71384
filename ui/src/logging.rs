//! Tracing for both binaries: human-readable lines on stderr, filtered by `RUST_LOG`.

use std::io::IsTerminal;
use tracing_subscriber::{EnvFilter, Layer, layer::SubscriberExt, util::SubscriberInitExt};

/// `RUST_LOG` if it is set and valid, else `default` (for example `"datastar_ui=info"`).
pub fn env_filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default))
}

/// Log lines on stderr, coloured only on a terminal so that files and pipes stay plain.
pub fn stderr_layer<S>() -> impl Layer<S> + Send + Sync
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
}

/// Installs [`stderr_layer`] behind [`env_filter`] as the global subscriber.
pub fn init(default: &str) {
    tracing_subscriber::registry()
        .with(env_filter(default))
        .with(stderr_layer())
        .init();
}
