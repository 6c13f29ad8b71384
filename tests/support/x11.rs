//! Finding the app's windows and closing them the way a window manager does.

use anyhow::{Context, Result};
use std::time::Duration;
use x11rb::{
    connection::Connection,
    protocol::xproto::{AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, MapState, Window},
    rust_connection::RustConnection,
};

pub struct Display {
    conn: RustConnection,
    root: Window,
}

impl Display {
    pub fn open() -> Result<Self> {
        let (conn, screen) = x11rb::connect(None).context("connecting to the X display")?;
        let root = conn.setup().roots[screen].root;
        Ok(Self { conn, root })
    }

    /// Waits for a visible top-level window of process `pid` whose title is `title`.
    pub async fn wait_for_window(
        &self,
        pid: u32,
        title: &str,
        timeout: Duration,
    ) -> Result<Window> {
        ui_scenarios::wait_until(
            timeout,
            &format!("a window {title:?} of pid {pid}"),
            async || self.find_window(pid, title),
        )
        .await
    }

    fn find_window(&self, pid: u32, title: &str) -> Result<Option<Window>> {
        let tree = self.conn.query_tree(self.root)?.reply()?;
        for window in tree.children {
            let attributes = self.conn.get_window_attributes(window)?.reply()?;
            if attributes.map_state != MapState::VIEWABLE {
                continue;
            }
            if self.window_pid(window)? == Some(pid) && self.window_title(window)? == title {
                return Ok(Some(window));
            }
        }
        Ok(None)
    }

    fn window_pid(&self, window: Window) -> Result<Option<u32>> {
        let atom = self.atom("_NET_WM_PID")?;
        let reply = self
            .conn
            .get_property(false, window, atom, AtomEnum::CARDINAL, 0, 1)?
            .reply()?;
        Ok(reply.value32().and_then(|mut values| values.next()))
    }

    fn window_title(&self, window: Window) -> Result<String> {
        let (name, utf8) = (self.atom("_NET_WM_NAME")?, self.atom("UTF8_STRING")?);
        let reply = self
            .conn
            .get_property(false, window, name, utf8, 0, 1024)?
            .reply()?;
        Ok(String::from_utf8_lossy(&reply.value).into_owned())
    }

    /// Asks the window to close, as the title bar's close button does: `WM_DELETE_WINDOW`.
    pub fn request_close(&self, window: Window) -> Result<()> {
        let protocols = self.atom("WM_PROTOCOLS")?;
        let delete = self.atom("WM_DELETE_WINDOW")?;
        let event = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
        self.conn
            .send_event(false, window, EventMask::NO_EVENT, event)?;
        self.conn.flush()?;
        Ok(())
    }

    fn atom(&self, name: &str) -> Result<u32> {
        Ok(self.conn.intern_atom(false, name.as_bytes())?.reply()?.atom)
    }
}
