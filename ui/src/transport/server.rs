//! The transport: accept connections and serve the router over HTTP/1.1.
//!
//! `axum::serve` would do, but it hides hyper's knobs, and this server needs three of them:
//! a header-read timeout against slowloris, a cap on its read buffer that matches our head
//! limit, and flattened writes, so that a feed, which lives for as long as its
//! client, keeps no queue of small events per connection. It also caps open connections
//! (see [`crate::transport::connections`]).

use super::{charged_reads::ChargedReads, connections::Connections};
use crate::sign_in_mark::SignInMark;
use axum::{extract::Request, response::Response};
use futures_util::FutureExt;
use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use std::{convert::Infallible, future::Future, io, sync::Arc, time::Duration};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tower::{Service, ServiceExt};

/// How long `accept` rests after failing (out of descriptors, usually).
const ACCEPT_BACK_OFF: Duration = Duration::from_millis(5);
/// The longest the accept loop waits for an evicted connection to close.
const EVICTION_GRACE: Duration = Duration::from_millis(100);

/// What the transport needs to know: no routes, no state.
#[derive(Debug, Clone)]
pub struct Transport {
    /// How long a client may take to send a request's head.
    pub header_read_timeout: Duration,
    /// The cap on open connections.
    pub connections: Arc<Connections>,
    /// Cancelled as the server stops, so that responses that last (feeds) end.
    pub stopping: CancellationToken,
}

/// Serves `service` on `listener` until `shutdown` completes, then shuts down gracefully:
/// it stops accepting, ends every open feed, lets in-flight responses finish and returns.
pub async fn serve<S>(
    listener: TcpListener,
    service: S,
    transport: Transport,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(transport.header_read_timeout)
        .max_buf_size(crate::limits::MAX_HEAD_BYTES)
        .writev(false);
    // Shared: each connection's task holds a pointer to it, not a copy.
    let http = Arc::new(http);
    let connections = GracefulShutdown::new();
    let memory = tokio::spawn(give_back_memory_after_floods(transport.connections.clone()));
    let mut shutdown = std::pin::pin!(shutdown);

    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(err) => {
                    // Usually EMFILE, which the cap is there to prevent: back off briefly
                    // instead of spinning, and keep serving.
                    tracing::warn!(%err, "accept failed");
                    tokio::time::sleep(ACCEPT_BACK_OFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Over the cap with every slot signed in: turn the newcomer away at once.
        let Some(slot) = transport.connections.open() else {
            continue;
        };
        // Latency matters more than packet count for small SSE events.
        let _ = stream.set_nodelay(true);
        // Each request on a connection not yet signed in carries a mark for the guard to
        // set. Once it is set, requests skip the insert (a hash map insert on the hottest
        // path): on a kept-alive connection, every request but the first.
        let service = TowerToHyperService::new(service.clone().map_request({
            let slot = slot.clone();
            move |request: hyper::Request<hyper::body::Incoming>| {
                let mut request = request.map(axum::body::Body::new);
                if !slot.is_signed_in() {
                    let slot = slot.clone();
                    request
                        .extensions_mut()
                        .insert(SignInMark::new(move || slot.mark_signed_in()));
                }
                request
            }
        }));
        // Handed to hyper only once its client has sent something: hyper's read buffer is
        // most of what a connection costs, and a burst of clients that have connected but
        // not written yet (a reconnect storm) then costs next to nothing. Two tasks, the
        // wait and the connection, so that a feed, which lives for hours, holds nothing of
        // the wait.
        let (http, watcher) = (http.clone(), connections.watcher());
        let first_bytes = first_bytes(stream, transport.header_read_timeout);
        tokio::spawn(slot.clone().evictable(first_bytes).map(move |waited| {
            let stream = match waited {
                Some(Some(stream)) => stream,
                Some(None) => return tracing::debug!("connection sent nothing before it ended"),
                None => return tracing::debug!("connection evicted to make room"),
            };
            let io = TokioIo::new(ChargedReads::new(stream, slot.clone()));
            let connection = watcher.watch(http.serve_connection(io, service));
            // `map` rather than an `async move` block, which would hold the connection twice.
            tokio::spawn(slot.evictable(connection).map(|ended| match ended {
                Some(Err(err)) => tracing::debug!(%err, "connection ended with an error"),
                Some(Ok(())) => {}
                None => tracing::debug!("connection evicted to make room"),
            }));
        }));
        // A connection this one evicted gives its descriptor back before the next accept.
        transport.connections.evictions_closed(EVICTION_GRACE).await;
    }

    tracing::debug!("shutting down");
    memory.abort();
    drop(listener);
    transport.stopping.cancel();
    connections.shutdown().await;
    Ok(())
}

/// `stream` once its client has sent a byte (or hung up), or `None` if it has sent nothing
/// within `timeout`, which stands in for hyper's header-read timeout until hyper has it.
async fn first_bytes(stream: TcpStream, timeout: Duration) -> Option<TcpStream> {
    // `peek`, not `readable`: a socket just accepted may be reported readable with nothing
    // to read, and `peek` waits through that until a byte (or the end) has come.
    match tokio::time::timeout(timeout, stream.peek(&mut [0; 1])).await {
        Ok(Ok(_)) => Some(stream),
        Ok(Err(_)) | Err(_) => None,
    }
}

/// How often the server looks for a flood that has ended.
const FLOOD_CHECK: Duration = Duration::from_secs(2);

/// After a flood of connections that never signed in has been turned away, hands the memory
/// they used back to the system. glibc keeps freed memory in its per-thread arenas for
/// reuse, so without this a flood's tens of MiB stay in the server's RSS long after.
async fn give_back_memory_after_floods(connections: Arc<Connections>) {
    loop {
        tokio::time::sleep(FLOOD_CHECK).await;
        if connections.take_flood() {
            tracing::debug!("a flood has ended: giving its memory back");
            trim_freed_memory();
        }
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim_freed_memory() {
    // SAFETY: `malloc_trim` only returns free pages to the system; glibc makes it safe to
    // call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Other allocators and systems give freed memory back on their own terms.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim_freed_memory() {}
