//! A connection's socket that charges what it reads to the connection's slot, so that the
//! bytes a stranger makes the server buffer count against the strangers' memory budget
//! ([`super::connections`]).

use super::connections::Connection;
use pin_project_lite::pin_project;
use std::{
    io,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

pin_project! {
    pub struct ChargedReads<S> {
        #[pin]
        socket: S,
        slot: Arc<Connection>,
    }
}

impl<S> ChargedReads<S> {
    pub fn new(socket: S, slot: Arc<Connection>) -> Self {
        Self { socket, slot }
    }
}

impl<S: AsyncRead> AsyncRead for ChargedReads<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.project();
        let before = buf.filled().len();
        let read = this.socket.poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = read {
            this.slot.charge_read(buf.filled().len() - before);
        }
        read
    }
}

impl<S: AsyncWrite> AsyncWrite for ChargedReads<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.project().socket.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().socket.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.socket.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().socket.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().socket.poll_shutdown(cx)
    }
}
