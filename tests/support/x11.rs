//! Finding the app's windows and closing them the way a window manager does.

use anyhow::{Context, Result};
use std::time::Duration;
use x11rb::{
    CURRENT_TIME,
    connection::Connection,
    protocol::{
        xproto::{
            AtomEnum, ClientMessageEvent, ConfigureWindowAux, ConnectionExt, EventMask,
            ImageFormat, InputFocus, KEY_PRESS_EVENT, KEY_RELEASE_EVENT, MapState, Window,
        },
        xtest::ConnectionExt as _,
    },
    rust_connection::RustConnection,
};

/// Keysyms the tests press (see X11's `keysymdef.h`).
pub mod keys {
    pub const CONTROL: u32 = 0xffe3;
    pub const SHIFT: u32 = 0xffe1;
    pub const F1: u32 = 0xffbe;
    pub const F: u32 = 0x0066;
    pub const R: u32 = 0x0072;
    pub const EQUAL: u32 = 0x003d;
    pub const MINUS: u32 = 0x002d;
    pub const ZERO: u32 = 0x0030;
    pub const COMMA: u32 = 0x002c;
    pub const Q: u32 = 0x0071;
    pub const F10: u32 = 0xffc7;
    pub const LEFT: u32 = 0xff51;
    pub const DOWN: u32 = 0xff54;
    pub const RETURN: u32 = 0xff0d;
}

/// Where a window is and how big, in root coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

pub struct Display {
    conn: RustConnection,
    root: Window,
    /// The screen's width and height, in pixels.
    pub screen: (u16, u16),
}

impl Display {
    /// Connects, retrying for a few seconds: under Xvfb a connection made just as another
    /// test's app exits is sometimes reset.
    pub fn open() -> Result<Self> {
        let mut attempt = 0;
        let (conn, screen) = loop {
            match x11rb::connect(None) {
                Ok(connected) => break connected,
                Err(_) if attempt < 50 => {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(err) => return Err(err).context("connecting to the X display"),
            }
        };
        let screen = &conn.setup().roots[screen];
        let (root, size) = (
            screen.root,
            (screen.width_in_pixels, screen.height_in_pixels),
        );
        Ok(Self {
            conn,
            root,
            screen: size,
        })
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
        Ok(self.windows_of(pid, title)?.first().copied())
    }

    /// Visible top-level windows of process `pid` titled `title`: the app's window, and
    /// any dialog it shows under the same title.
    pub fn windows_of(&self, pid: u32, title: &str) -> Result<Vec<Window>> {
        Ok(self
            .windows_titled(title)?
            .into_iter()
            .filter(|&(_, window_pid)| window_pid == Some(pid))
            .map(|(window, _)| window)
            .collect())
    }

    /// What `window` shows, pixel by pixel: a test can tell whether it changes.
    pub fn pixels(&self, window: Window) -> Result<Vec<u8>> {
        let size = self.conn.get_geometry(window)?.reply()?;
        let image = self
            .conn
            .get_image(
                ImageFormat::Z_PIXMAP,
                window,
                0,
                0,
                size.width,
                size.height,
                !0,
            )?
            .reply()?;
        Ok(image.data)
    }

    /// Visible top-level windows titled `title`, with their process ids.
    pub fn windows_titled(&self, title: &str) -> Result<Vec<(Window, Option<u32>)>> {
        let mut found = Vec::new();
        for window in self.top_level_windows()? {
            // A window may vanish between the listing and the question: skip it.
            let Ok(attributes) = self.conn.get_window_attributes(window)?.reply() else {
                continue;
            };
            if attributes.map_state != MapState::VIEWABLE {
                continue;
            }
            if let (Ok(window_title), Ok(pid)) =
                (self.window_title(window), self.window_pid(window))
                && window_title == title
            {
                found.push((window, pid));
            }
        }
        Ok(found)
    }

    /// The apps' own top-level windows: the window manager's list when one runs (it puts
    /// each window in a frame of its own), the root's children when none does.
    fn top_level_windows(&self) -> Result<Vec<Window>> {
        if !self.has_window_manager()? {
            return Ok(self.conn.query_tree(self.root)?.reply()?.children);
        }
        let managed = self
            .conn
            .get_property(
                false,
                self.root,
                self.atom("_NET_CLIENT_LIST")?,
                AtomEnum::WINDOW,
                0,
                4096,
            )?
            .reply()?;
        Ok(managed.value32().map(Iterator::collect).unwrap_or_default())
    }

    /// Whether a window manager runs on this display: its check window is named on the
    /// root, and still exists (a window manager that was killed leaves the name behind).
    pub fn has_window_manager(&self) -> Result<bool> {
        let check = self
            .conn
            .get_property(
                false,
                self.root,
                self.atom("_NET_SUPPORTING_WM_CHECK")?,
                AtomEnum::WINDOW,
                0,
                1,
            )?
            .reply()?;
        let Some(window) = check.value32().and_then(|mut values| values.next()) else {
            return Ok(false);
        };
        Ok(self.conn.get_window_attributes(window)?.reply().is_ok())
    }

    /// Asks the window manager to maximise `window`, as its title bar's button does.
    pub fn maximize(&self, window: Window) -> Result<()> {
        const ADD: u32 = 1;
        let (vertical, horizontal) = (
            self.atom("_NET_WM_STATE_MAXIMIZED_VERT")?,
            self.atom("_NET_WM_STATE_MAXIMIZED_HORZ")?,
        );
        self.ask_window_manager(window, "_NET_WM_STATE", [ADD, vertical, horizontal, 1, 0])
    }

    /// Asks the window manager to minimise `window`, as its title bar's button does.
    pub fn minimize(&self, window: Window) -> Result<()> {
        const ICONIC_STATE: u32 = 3;
        self.ask_window_manager(window, "WM_CHANGE_STATE", [ICONIC_STATE, 0, 0, 0, 0])
    }

    /// Asks the window manager to bring `window` back and focus it, as a taskbar does.
    pub fn activate(&self, window: Window) -> Result<()> {
        const FROM_A_PAGER: u32 = 2;
        self.ask_window_manager(window, "_NET_ACTIVE_WINDOW", [FROM_A_PAGER, 0, 0, 0, 0])
    }

    fn ask_window_manager(&self, window: Window, message: &str, data: [u32; 5]) -> Result<()> {
        let event = ClientMessageEvent::new(32, window, self.atom(message)?, data);
        self.conn.send_event(
            false,
            self.root,
            EventMask::SUBSTRUCTURE_REDIRECT | EventMask::SUBSTRUCTURE_NOTIFY,
            event,
        )?;
        self.conn.flush()?;
        Ok(())
    }

    /// Whether the window manager shows `window` maximised.
    pub fn is_maximized(&self, window: Window) -> Result<bool> {
        let state = self.wm_state(window)?;
        Ok(state.contains(&self.atom("_NET_WM_STATE_MAXIMIZED_VERT")?)
            && state.contains(&self.atom("_NET_WM_STATE_MAXIMIZED_HORZ")?))
    }

    /// Whether `window` is minimised (hidden by the window manager).
    pub fn is_minimized(&self, window: Window) -> Result<bool> {
        Ok(self
            .wm_state(window)?
            .contains(&self.atom("_NET_WM_STATE_HIDDEN")?))
    }

    /// The window the window manager calls active (focused).
    pub fn active_window(&self) -> Result<Option<Window>> {
        let active = self
            .conn
            .get_property(
                false,
                self.root,
                self.atom("_NET_ACTIVE_WINDOW")?,
                AtomEnum::WINDOW,
                0,
                1,
            )?
            .reply()?;
        Ok(active.value32().and_then(|mut values| values.next()))
    }

    fn wm_state(&self, window: Window) -> Result<Vec<u32>> {
        let state = self
            .conn
            .get_property(
                false,
                window,
                self.atom("_NET_WM_STATE")?,
                AtomEnum::ATOM,
                0,
                64,
            )?
            .reply()?;
        Ok(state.value32().map(Iterator::collect).unwrap_or_default())
    }

    /// Waits for any visible window titled `title`, whichever process owns it.
    pub async fn wait_for_title(&self, title: &str, timeout: Duration) -> Result<Window> {
        ui_scenarios::wait_until(timeout, &format!("a window {title:?}"), async || {
            Ok(self
                .windows_titled(title)?
                .first()
                .map(|&(window, _)| window))
        })
        .await
    }

    /// The menus open on the display. GTK draws each open menu as a window of its own,
    /// override-redirect and mapped on the root only while the menu is open, so a test can
    /// wait for one instead of guessing how long GTK takes to draw it.
    pub fn open_menus(&self) -> Result<Vec<Window>> {
        let mut open = Vec::new();
        for window in self.conn.query_tree(self.root)?.reply()?.children {
            // A window may vanish between the listing and the question: skip it.
            let Ok(attributes) = self.conn.get_window_attributes(window)?.reply() else {
                continue;
            };
            if attributes.override_redirect && attributes.map_state == MapState::VIEWABLE {
                open.push(window);
            }
        }
        Ok(open)
    }

    /// Waits for a menu to open that is not one of `before`, and returns the menus then open.
    pub async fn wait_for_menu(&self, before: &[Window], timeout: Duration) -> Result<Vec<Window>> {
        ui_scenarios::wait_until(timeout, "a menu to open", async || {
            let open = self.open_menus()?;
            Ok(open
                .iter()
                .any(|menu| !before.contains(menu))
                .then_some(open))
        })
        .await
    }

    pub fn geometry(&self, window: Window) -> Result<Geometry> {
        let geometry = self.conn.get_geometry(window)?.reply()?;
        let origin = self
            .conn
            .translate_coordinates(window, self.root, 0, 0)?
            .reply()?;
        Ok(Geometry {
            x: origin.dst_x.into(),
            y: origin.dst_y.into(),
            width: geometry.width.into(),
            height: geometry.height.into(),
        })
    }

    /// Moves and resizes `window`, as a user dragging its frame would.
    pub fn move_resize(&self, window: Window, to: Geometry) -> Result<()> {
        let aux = ConfigureWindowAux::new()
            .x(to.x)
            .y(to.y)
            .width(to.width)
            .height(to.height);
        self.conn.configure_window(window, &aux)?;
        self.conn.flush()?;
        Ok(())
    }

    /// Presses `keysyms` together on `window` (modifiers first), then releases them, through
    /// the XTEST extension: as a user's keyboard would.
    pub fn press(&self, window: Window, keysyms: &[u32]) -> Result<()> {
        self.conn
            .set_input_focus(InputFocus::PARENT, window, CURRENT_TIME)?;
        self.press_where_focused(keysyms)
    }

    /// Presses `keysyms` as [`Display::press`] does, wherever the keyboard is: in an open
    /// menu, which holds it until it closes.
    pub fn press_where_focused(&self, keysyms: &[u32]) -> Result<()> {
        let codes = keysyms
            .iter()
            .map(|&keysym| self.keycode(keysym))
            .collect::<Result<Vec<u8>>>()?;
        for &code in &codes {
            self.conn
                .xtest_fake_input(KEY_PRESS_EVENT, code, CURRENT_TIME, self.root, 0, 0, 0)?;
        }
        for &code in codes.iter().rev() {
            self.conn.xtest_fake_input(
                KEY_RELEASE_EVENT,
                code,
                CURRENT_TIME,
                self.root,
                0,
                0,
                0,
            )?;
        }
        self.conn.flush()?;
        Ok(())
    }

    fn keycode(&self, keysym: u32) -> Result<u8> {
        let setup = self.conn.setup();
        let (first, last) = (setup.min_keycode, setup.max_keycode);
        let mapping = self
            .conn
            .get_keyboard_mapping(first, last - first + 1)?
            .reply()?;
        let per = usize::from(mapping.keysyms_per_keycode);
        mapping
            .keysyms
            .chunks(per)
            .position(|syms| syms.contains(&keysym))
            .map(|index| first + index as u8)
            .with_context(|| format!("no key for keysym {keysym:#x}"))
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
