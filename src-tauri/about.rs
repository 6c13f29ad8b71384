//! Help → About: what is running, and where its log is, for a bug report.

use std::path::Path;

/// The dialog's text: every version a bug report needs, and where the log is.
pub fn about_text(log_file: Option<&Path>, webkit: (u32, u32, u32)) -> String {
    let log = log_file.map_or_else(
        || "not written (see stderr)".to_owned(),
        |path| path.display().to_string(),
    );
    format!(
        "{name} {app}\n\n\
         Datastar client {datastar}\n\
         Tauri {tauri}\n\
         WebKitGTK {major}.{minor}.{micro}\n\n\
         Log file: {log}",
        name = crate::APP_NAME,
        app = env!("CARGO_PKG_VERSION"),
        datastar = datastar_ui::DATASTAR_VERSION,
        tauri = tauri::VERSION,
        major = webkit.0,
        minor = webkit.1,
        micro = webkit.2,
    )
}

/// The WebKitGTK library this process runs on (not the one it was built against).
pub fn webkit_version() -> (u32, u32, u32) {
    // SAFETY: three getters of constants, callable at any time from any thread.
    unsafe {
        (
            webkit2gtk_sys::webkit_get_major_version(),
            webkit2gtk_sys::webkit_get_minor_version(),
            webkit2gtk_sys::webkit_get_micro_version(),
        )
    }
}

/// A native dialog; it blocks, as About boxes do, until the user closes it.
pub fn show(log_file: Option<&Path>) {
    let text = about_text(log_file, webkit_version());
    let (summary, detail) = text.split_once("\n\n").unwrap_or((&text, ""));
    crate::dialog::show(crate::dialog::Level::Info, TITLE, summary, detail);
}

/// The dialog's window title, and the menu item that opens it.
pub const TITLE: &str = concat!("About ", crate::app_name!());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_every_version_and_the_log_file() {
        let text = about_text(Some(Path::new("/tmp/app.log")), (2, 48, 1));
        for expected in [
            format!("{} {}", crate::APP_NAME, env!("CARGO_PKG_VERSION")),
            format!("Datastar client {}", datastar_ui::DATASTAR_VERSION),
            format!("Tauri {}", tauri::VERSION),
            "WebKitGTK 2.48.1".to_owned(),
            "Log file: /tmp/app.log".to_owned(),
        ] {
            assert!(text.contains(&expected), "{text}");
        }
        assert!(about_text(None, (2, 48, 1)).contains("not written"));
    }
}
