//! What another local user can throw at the server without a token, for the tests and the
//! benchmark alike: connections that each hold a request head just under the limit.

use std::{net::SocketAddr, sync::Arc};
use tokio::{io::AsyncWriteExt, net::TcpStream, sync::Semaphore};

/// Opens `count` connections to `addr`, `in_flight` at a time, and sends each a request head
/// of about `head_bytes` that never ends. Returns the connections the server has not closed
/// by then, for the caller to hold.
pub async fn held_heads(
    addr: SocketAddr,
    count: usize,
    in_flight: usize,
    head_bytes: usize,
) -> Vec<TcpStream> {
    let head = Arc::new(format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nX-Pad: {}",
        "p".repeat(head_bytes.saturating_sub(64))
    ));
    let slots = Arc::new(Semaphore::new(in_flight));
    let mut tasks = Vec::with_capacity(count);
    for _ in 0..count {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            break;
        };
        let head = head.clone();
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.ok()?;
            let _ = stream.write_all(head.as_bytes()).await;
            drop(permit);
            Some(stream)
        }));
    }
    let mut held = Vec::with_capacity(count);
    for task in tasks {
        if let Ok(Some(stream)) = task.await {
            held.push(stream);
        }
    }
    held
}
