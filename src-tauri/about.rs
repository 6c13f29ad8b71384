//! Help → About: what is running, and where its log is, for a bug report.

use std::path::Path;

/// The dialog's text: every version a bug report needs, and where the log is. `engine` is
/// the web engine's version, where the platform gives one.
pub fn about_text(log_file: Option<&Path>, engine: Option<&str>) -> String {
    let log = log_file.map_or_else(
        || "not written (see stderr)".to_owned(),
        |path| path.display().to_string(),
    );
    format!(
        "{name} {app}\n\n\
         Datastar client {datastar}\n\
         Tauri {tauri}\n\
         {engine_name} {engine}\n\n\
         Log file: {log}",
        name = crate::APP_NAME,
        app = env!("CARGO_PKG_VERSION"),
        datastar = datastar_ui::DATASTAR_VERSION,
        tauri = tauri::VERSION,
        engine_name = crate::platform::ENGINE,
        engine = engine.unwrap_or("(version unknown)"),
    )
}

/// A native dialog; it blocks, as About boxes do, until the user closes it.
pub fn show(log_file: Option<&Path>) {
    // The engine this process runs on, not the one it was built against.
    let engine = tauri::webview_version().ok();
    let text = about_text(log_file, engine.as_deref());
    let (summary, detail) = text.split_once("\n\n").unwrap_or((&text, ""));
    crate::platform::show_dialog(crate::platform::DialogLevel::Info, TITLE, summary, detail);
}

/// The dialog's window title, and the menu item that opens it.
pub const TITLE: &str = concat!("About ", crate::app_name!());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_every_version_and_the_log_file() {
        let text = about_text(Some(Path::new("/tmp/app.log")), Some("2.48.1"));
        for expected in [
            format!("{} {}", crate::APP_NAME, env!("CARGO_PKG_VERSION")),
            format!("Datastar client {}", datastar_ui::DATASTAR_VERSION),
            format!("Tauri {}", tauri::VERSION),
            format!("{} 2.48.1", crate::platform::ENGINE),
            "Log file: /tmp/app.log".to_owned(),
        ] {
            assert!(text.contains(&expected), "{text}");
        }
        assert!(about_text(None, None).contains("not written"));
        assert!(about_text(None, None).contains("(version unknown)"));
    }
}
