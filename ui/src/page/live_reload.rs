//! Debug builds only: the page's files come from disk, and every edit is pushed to each open
//! page over SSE, so a change shows in milliseconds, with no rebuild, restart or reload.
//!
//! - A stylesheet edit re-points the page's `<link>` at a new version: the browser swaps the
//!   stylesheet in place.
//! - An edit of any template (the page, or a fragment it includes) sends the new `<body>`,
//!   rendered with the page's state, as a `datastar-patch-elements` event: Datastar morphs it
//!   into the page, so elements with the same `id` (the typed input, the feed) keep their
//!   state.
//! - A broken edit (a file missing mid-save, a template that does not parse) keeps the last
//!   good templates, and says why in the page and in the log. A page that renders but has no
//!   `body` block says so in the page.
//!
//! The page learns of edits through a hidden element, `live-reload.html`, that `index.html`
//! includes while live reload is on; it opens [`LIVE_RELOAD_PATH`]. The patches are rendered
//! from that file too. Release builds have neither the element nor the route.

use crate::page::{
    assets::PageFile,
    templates::{EMBEDDED, LIVE_RELOAD, TemplateError, Templates},
};
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use datastar::prelude::{ElementPatchMode, PatchElements};
use futures_util::StreamExt;
use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use serde::Serialize;
use std::{
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex, Weak,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};
use tokio::sync::broadcast;

/// The SSE route that carries edits to the page, under the server's base path.
pub const LIVE_RELOAD_PATH: &str = "/dev/reload";

const STYLESHEET_FILE: &str = "style.css";
const FAVICON_FILE: &str = "favicon.svg";
/// Editors save in several steps (truncate, write, rename): wait for the burst to end.
const SETTLE: Duration = Duration::from_millis(30);

/// The default assets directory of a debug build: `$DATASTAR_ASSETS_DIR`, else the source
/// tree's `ui/assets/`, if it is there and private to this user (`trusted`). Otherwise
/// the embedded files, with a log line.
pub fn default_dir() -> Option<PathBuf> {
    dir_from(std::env::var_os(crate::ASSETS_DIR_VARIABLE))
}

/// [`default_dir`], given the variable's value.
fn dir_from(variable: Option<std::ffi::OsString>) -> Option<PathBuf> {
    let dir = variable
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("assets"));
    if !dir.is_dir() {
        return None;
    }
    trusted(&dir)
        .inspect_err(|reason| {
            tracing::warn!(dir = %dir.display(), "live reload: {reason}; serving the built-in page instead");
        })
        .ok()
}

/// `dir`, resolved, if it is this user's alone ([`crate::private_files::users_own_dir`]):
/// the path is baked into debug builds at compile time, and another user who could create it
/// (under `/tmp`, say) or write into it would have their markup served into the signed-in
/// page.
fn trusted(dir: &Path) -> Result<PathBuf, crate::private_files::NotPrivate> {
    crate::private_files::users_own_dir(dir)
}

/// Reads one of the page's files from the watched directory, never through a symlink: a
/// link could lead out of it.
fn read_file(dir: &Path, name: &str) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    let mut file = options.open(dir.join(name))?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(format!(
            "{name} is not a regular file"
        )));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// One edit, as every open page receives it.
#[derive(Debug, Clone)]
enum Edit {
    Stylesheet {
        version: u64,
    },
    /// The templates changed: each page is rendered afresh, with its state.
    Page,
    Broken {
        reason: LiveReloadError,
    },
}

/// Why an edit could not be shown: the page keeps its last good version, and says this.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LiveReloadError {
    #[error("cannot read {path}: {source}")]
    Unreadable {
        path: PathBuf,
        source: Arc<std::io::Error>,
    },
    #[error(transparent)]
    Template(Arc<TemplateError>),
    #[error("the server is stopping")]
    Stopping,
}

impl From<TemplateError> for LiveReloadError {
    fn from(err: TemplateError) -> Self {
        Self::Template(Arc::new(err))
    }
}

/// The watched directory, the last templates that could be used, and the open pages' channel.
#[derive(Debug)]
pub struct LiveReload {
    dir: PathBuf,
    last_good: Mutex<Arc<Templates>>,
    stylesheet_version: AtomicU64,
    edits: broadcast::Sender<Edit>,
    /// Held for its `Drop`: the watcher stops with the server.
    _watcher: Option<Debouncer<notify::RecommendedWatcher, RecommendedCache>>,
}

impl LiveReload {
    /// Serves from `dir` and watches it. If the watch cannot start (no inotify instances
    /// left, say), pages are still read from disk on every load, and the log says so.
    pub fn start(dir: PathBuf) -> Arc<Self> {
        let last_good = read_templates(&dir).unwrap_or_else(|reason| {
            tracing::warn!("live reload: {reason}; serving the built-in page until it is fixed");
            Templates::with(&[]).expect("the built-in templates parse (a unit test checks)")
        });
        let (edits, _) = broadcast::channel(16);
        let live = Arc::new_cyclic(|live| {
            let watcher = match watch(&dir, live.clone()) {
                Ok(watcher) => Some(watcher),
                Err(err) => {
                    tracing::warn!(%err, dir = %dir.display(), "live reload: cannot watch; reload the page to see edits");
                    None
                }
            };
            Self {
                dir,
                last_good: Mutex::new(Arc::new(last_good)),
                stylesheet_version: AtomicU64::new(0),
                edits,
                _watcher: watcher,
            }
        });
        tracing::info!(dir = %live.dir.display(), "live reload: serving the page's files from disk");
        live
    }

    /// The templates as they are on disk now (the last good version).
    pub fn templates(&self) -> Arc<Templates> {
        self.last_good.lock().map_or_else(
            |poisoned| poisoned.into_inner().clone(),
            |last| last.clone(),
        )
    }

    /// Serves the stylesheet or the icon as it is on disk now, never cached. (The page itself
    /// is rendered from [`LiveReload::templates`], with the stored state.)
    pub fn respond(&self, file: PageFile) -> Response {
        let (body, content_type) = match file {
            PageFile::Stylesheet => (
                read_file(&self.dir, STYLESHEET_FILE),
                "text/css; charset=utf-8",
            ),
            PageFile::Favicon => (read_file(&self.dir, FAVICON_FILE), "image/svg+xml"),
        };
        match body {
            Ok(body) => (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
                body,
            )
                .into_response(),
            // Mid-save: the next edit event brings the file back.
            Err(err) => (StatusCode::NOT_FOUND, format!("{err}\n")).into_response(),
        }
    }

    /// Every edit from now on, as Datastar events for one page, whose `<body>` `render_body`
    /// renders afresh from the templates when they change. The first event marks the page as
    /// connected, so that a test knows when its edits will be seen.
    pub fn subscribe<R>(
        self: &Arc<Self>,
        render_body: R,
    ) -> impl futures_util::Stream<Item = PatchElements> + use<R>
    where
        R: Fn(&Templates) -> Result<String, TemplateError> + Send + 'static,
    {
        let connected = part(
            Some(&self.templates()),
            Part::Status {
                connected: true,
                reason: None,
            },
        );
        let live = Arc::downgrade(self);
        let edits = crate::page::subscription::messages(self.edits.subscribe()).map(move |edit| {
            let templates = live.upgrade().map(|live| live.templates());
            patch_for(edit, templates.as_deref(), &render_body)
        });
        futures_util::stream::once(std::future::ready(connected)).chain(edits)
    }

    fn apply(&self, files: Vec<String>) {
        if files.iter().any(|file| file == STYLESHEET_FILE) {
            let version = self.stylesheet_version.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::info!("live reload: {STYLESHEET_FILE} changed");
            let _ = self.edits.send(Edit::Stylesheet { version });
        }
        if files
            .iter()
            .any(|file| EMBEDDED.iter().any(|(name, _)| name == file))
        {
            let edit = match read_templates(&self.dir) {
                Ok(templates) => {
                    tracing::info!("live reload: the page's templates changed");
                    if let Ok(mut last_good) = self.last_good.lock() {
                        *last_good = Arc::new(templates);
                    }
                    Edit::Page
                }
                Err(reason) => {
                    tracing::warn!("live reload: {reason}; the page keeps its last good version");
                    Edit::Broken { reason }
                }
            };
            let _ = self.edits.send(edit);
        }
    }
}

/// Watches `dir` itself rather than its files, because editors replace a file by renaming
/// a new one over it, which ends a watch on the old file. Each settled burst of changes
/// reaches `live` as the names of the files it touched. Reads are not changes: serving a
/// file opens it, and must not look like an edit.
fn watch(
    dir: &Path,
    live: Weak<LiveReload>,
) -> notify::Result<Debouncer<notify::RecommendedWatcher, RecommendedCache>> {
    let mut debouncer = new_debouncer(SETTLE, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let files: Vec<String> = events
            .iter()
            .filter(|event| !event.kind.is_access())
            .flat_map(|event| &event.paths)
            .filter_map(|path| Some(path.file_name()?.to_str()?.to_owned()))
            .collect();
        if let Some(live) = live.upgrade()
            && !files.is_empty()
        {
            live.apply(files);
        }
    })?;
    debouncer.watch(dir, RecursiveMode::NonRecursive)?;
    Ok(debouncer)
}

/// Every template in `dir`, if they can be used: readable, UTF-8, each one parsing, and the
/// page with a whole `<body>`.
fn read_templates(dir: &Path) -> Result<Templates, LiveReloadError> {
    let mut files = Vec::new();
    for (name, _) in EMBEDDED {
        let text = read_file(dir, name)
            .and_then(|bytes| String::from_utf8(bytes).map_err(std::io::Error::other))
            .map_err(|source| LiveReloadError::Unreadable {
                path: dir.join(name),
                source: Arc::new(source),
            })?;
        files.push((name.to_owned(), text));
    }
    Ok(Templates::with(&files)?)
}

/// What an edit changes in the page. `render_body` renders the page's `<body>` with its
/// state from the templates as they are now.
fn patch_for(
    edit: Edit,
    templates: Option<&Templates>,
    render_body: &impl Fn(&Templates) -> Result<String, TemplateError>,
) -> PatchElements {
    match edit {
        Edit::Stylesheet { version } => part(templates, Part::Stylesheet { version })
            .selector(r#"link[rel="stylesheet"][href^="assets/style.css"]"#)
            .mode(ElementPatchMode::Outer),
        Edit::Page => match templates.map(render_body) {
            Some(Ok(body)) => PatchElements::new(body),
            Some(Err(err)) => broken(templates, err.into()),
            None => broken(templates, LiveReloadError::Stopping),
        },
        Edit::Broken { reason } => broken(templates, reason),
    }
}

fn broken(templates: Option<&Templates>, reason: LiveReloadError) -> PatchElements {
    part(
        templates,
        Part::Status {
            connected: true,
            reason: Some(reason.to_string()),
        },
    )
}

/// One of `live-reload.html`'s parts, as `part` there names it.
#[derive(Debug, Serialize)]
#[serde(tag = "part", rename_all = "kebab-case")]
enum Part {
    Stylesheet {
        version: u64,
    },
    /// The alert under the hook: marked connected once the edit stream is open, and saying
    /// why an edit could not be used.
    Status {
        connected: bool,
        reason: Option<String>,
    },
}

/// `part` from the live templates, or, if an edit broke that, from the built-in ones (whose
/// rendering the tests check).
fn part(templates: Option<&Templates>, part: Part) -> PatchElements {
    let rendered = templates
        .and_then(|templates| templates.render(LIVE_RELOAD, &part).ok())
        .or_else(|| Templates::built_in().render(LIVE_RELOAD, &part).ok())
        .unwrap_or_default();
    PatchElements::new(rendered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_debug_build_serves_the_source_tree_unless_told_otherwise() {
        // Compared resolved, as Windows writes one path two ways (with `\\?\` or not).
        let resolved = |dir: Option<PathBuf>| dir.map(|dir| dir.canonicalize().unwrap());
        let source_tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
        assert_eq!(
            resolved(dir_from(None)),
            Some(source_tree.canonicalize().unwrap())
        );
        let elsewhere = tempfile::tempdir().unwrap();
        assert_eq!(
            resolved(dir_from(Some(elsewhere.path().into()))),
            Some(elsewhere.path().canonicalize().unwrap())
        );
        assert_eq!(dir_from(Some("/no/such/dir".into())), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_others_can_write_is_not_served() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let open = home.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(
            trusted(&open)
                .unwrap_err()
                .to_string()
                .contains("other users may write")
        );
        assert_eq!(dir_from(Some(open.clone().into())), None);

        // Under a directory that others can write, without the sticky bit.
        let inner = open.join("assets");
        std::fs::create_dir(&inner).unwrap();
        std::fs::set_permissions(&inner, std::fs::Permissions::from_mode(0o700)).unwrap();
        assert!(
            trusted(&inner)
                .unwrap_err()
                .to_string()
                .contains("above it")
        );

        // `/tmp`'s sticky bit keeps others from replacing what is ours there.
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o1777)).unwrap();
        assert!(trusted(&inner).is_ok());
    }

    #[cfg(unix)]
    #[test]
    #[ignore = "needs root, to give a directory to another user"]
    fn another_users_directory_is_not_served() {
        let home = tempfile::tempdir().unwrap();
        let theirs = home.path().join("theirs");
        std::fs::create_dir(&theirs).unwrap();
        std::os::unix::fs::chown(&theirs, Some(65_534), Some(65_534)).unwrap();
        assert!(
            trusted(&theirs)
                .unwrap_err()
                .to_string()
                .contains("another user")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_directory_is_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.css"), "body{}").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.css"),
            dir.path().join(STYLESHEET_FILE),
        )
        .unwrap();
        assert!(read_file(dir.path(), STYLESHEET_FILE).is_err());
        std::fs::write(dir.path().join(FAVICON_FILE), "<svg/>").unwrap();
        assert_eq!(read_file(dir.path(), FAVICON_FILE).unwrap(), b"<svg/>");
    }

    #[test]
    fn the_hook_opens_this_route_and_each_part_renders() {
        let templates = Templates::built_in();
        let hook = templates.render(LIVE_RELOAD, ()).unwrap();
        assert!(
            hook.contains(&format!(
                "@get('{}'",
                LIVE_RELOAD_PATH.trim_start_matches('/')
            )),
            "{hook}"
        );
        let connected = templates
            .render(
                LIVE_RELOAD,
                Part::Status {
                    connected: true,
                    reason: None,
                },
            )
            .unwrap();
        assert_eq!(
            connected,
            r#"<div id="live-reload-error" role="alert" data-connected></div>"#
        );
        let stylesheet = templates
            .render(LIVE_RELOAD, Part::Stylesheet { version: 3 })
            .unwrap();
        assert_eq!(
            stylesheet,
            format!(r#"<link rel="stylesheet" href="assets/{STYLESHEET_FILE}?v=3">"#)
        );
    }

    #[test]
    fn errors_are_shown_as_text() {
        let patch = patch_for(
            Edit::Broken {
                reason: LiveReloadError::Unreadable {
                    path: "<script>".into(),
                    source: Arc::new(std::io::ErrorKind::NotFound.into()),
                },
            },
            None,
            &|_| Ok(String::new()),
        );
        let event = patch.into_datastar_event();
        assert!(
            event
                .data
                .iter()
                .any(|line| line.contains("&lt;script&gt;"))
        );
    }
}
