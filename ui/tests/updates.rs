//! The update panel over HTTP: the page's buttons reach the native side as requests, the
//! native side's steps reach every page as patches, and the answer to the first launch's
//! question is kept. The native updater itself is tested in the real window
//! (`tests/self_update/`).

use crate::util::{PAGE_SIGNALS, SseStream, TestServer, shipped};
use datastar_ui::{
    Config, NativeRequest, NativeRequests, Store, UpdateButton, UpdateChecks, UpdateStatus,
};
use tokio::sync::mpsc::Receiver;

/// A server with a native side, as the desktop app runs it, and that side's inbox.
async fn desktop_server(store: Store) -> (TestServer, Receiver<NativeRequest>) {
    let (native, inbox) = NativeRequests::channel();
    let config = Config {
        store,
        native: Some(native),
        ..shipped()
    };
    (TestServer::start_with(config).await, inbox)
}

fn press(server: &TestServer, button: UpdateButton) -> reqwest::RequestBuilder {
    server.post_action(&format!("/{}", button.path()), PAGE_SIGNALS)
}

#[tokio::test]
async fn the_first_launch_question_is_answered_once_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    let (server, mut inbox) = desktop_server(store.clone()).await;
    server.app.show_update(UpdateStatus::Question);
    let page = server.get("/").send().await.unwrap().text().await.unwrap();
    assert!(page.contains(">Check Automatically</button>"), "{page}");
    assert!(page.contains(">Not Now</button>"));

    let response = press(&server, UpdateButton::Automatic)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(
        inbox.recv().await,
        Some(NativeRequest::CheckForUpdates {
            asked_by_user: false
        })
    );
    assert_eq!(server.app.update_status(), UpdateStatus::Hidden);
    let page = server.get("/").send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("Check Automatically"), "asked once");
    assert_eq!(
        Store::peek_preferences(dir.path()).unwrap().update_checks,
        Some(UpdateChecks::Automatic),
        "on disk"
    );

    let response = press(&server, UpdateButton::NotNow).send().await.unwrap();
    assert_eq!(response.status(), 204);
    assert!(inbox.try_recv().is_err(), "Not Now asks nothing of the app");
    assert_eq!(
        store.preferences().update_checks,
        Some(UpdateChecks::NotNow)
    );
}

#[tokio::test]
async fn every_button_but_not_now_is_the_native_sides_to_answer() {
    let (server, mut inbox) = desktop_server(Store::in_memory()).await;
    // With or without an update in the panel: the native side owns the offer, and says in
    // the panel when there is none.
    let response = press(&server, UpdateButton::Install).send().await.unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(inbox.recv().await, Some(NativeRequest::InstallUpdate));

    let response = press(&server, UpdateButton::Check).send().await.unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(
        inbox.recv().await,
        Some(NativeRequest::CheckForUpdates {
            asked_by_user: true
        })
    );
    // The native side answers these even while it downloads, and shows their outcome.
    for (button, request) in [
        (UpdateButton::Cancel, NativeRequest::CancelDownload),
        (UpdateButton::Later, NativeRequest::Dismiss),
    ] {
        let response = press(&server, button).send().await.unwrap();
        assert_eq!(response.status(), 202, "{button:?}");
        assert_eq!(inbox.recv().await, Some(request));
    }
}

#[tokio::test]
async fn a_busy_or_stopped_native_side_is_a_clear_503() {
    let (server, inbox) = desktop_server(Store::in_memory()).await;
    for _ in 0..8 {
        assert_eq!(
            press(&server, UpdateButton::Check)
                .send()
                .await
                .unwrap()
                .status(),
            202
        );
    }
    let busy = press(&server, UpdateButton::Check).send().await.unwrap();
    assert_eq!(busy.status(), 503);
    assert!(busy.text().await.unwrap().contains("busy"));
    drop(inbox);
    let gone = press(&server, UpdateButton::Check).send().await.unwrap();
    assert_eq!(gone.status(), 503);
    assert!(gone.text().await.unwrap().contains("restart the app"));
}

#[tokio::test]
async fn each_step_reaches_every_open_page_as_a_patch_of_the_panel() {
    let (server, _inbox) = desktop_server(Store::in_memory()).await;
    let mut page = SseStream::new(server.action("/events", "{}").send().await.unwrap());
    let status = UpdateStatus::Downloading {
        received: 1024 * 1024,
        total: Some(4 * 1024 * 1024),
    };
    // The stream subscribes when its response starts: repeat until it hears one.
    let event = loop {
        server.app.show_update(status.clone());
        if let Ok(Some(event)) =
            tokio::time::timeout(std::time::Duration::from_millis(50), page.next_event()).await
        {
            break event;
        }
    };
    assert_eq!(event.event, "datastar-patch-elements");
    let elements = event.datastar_field("elements").unwrap();
    assert!(
        elements.contains(r#"<progress id="update-progress" value="1048576" max="4194304">"#),
        "{elements}"
    );
}

#[tokio::test]
async fn every_button_answers_datastar_only() {
    let (server, mut inbox) = desktop_server(Store::in_memory()).await;
    for button in UpdateButton::ALL {
        let response = server
            .post(&format!("/{}", button.path()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{button:?}");
    }
    assert!(inbox.try_recv().is_err());
}

#[tokio::test]
async fn a_server_without_a_native_side_has_no_update_routes() {
    let server = TestServer::start().await;
    for button in UpdateButton::ALL {
        let response = press(&server, button).send().await.unwrap();
        assert_eq!(response.status(), 404, "{button:?}");
    }
    let page = server.get("/").send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"<section id="updates" hidden></section>"#));
}

/// The page's cookie is gone (in the app, WebKit's network process died with it): the guard
/// refuses its next request, and tells the native side, which signs the window in afresh.
/// A request that does not know the secret path tells it nothing.
#[tokio::test]
async fn a_page_back_without_its_session_asks_the_native_side_to_sign_in() {
    let (server, mut inbox) = desktop_server(Store::in_memory()).await;
    let refused = server.anonymous("/feed").send().await.unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(inbox.recv().await, Some(NativeRequest::SignInAgain));

    let elsewhere = server
        .url("/feed")
        .replace(server.app.base_path(), "/s/0000");
    let stranger = reqwest::get(elsewhere).await.unwrap();
    assert!(stranger.status().is_client_error(), "{}", stranger.status());
    // Answered after the stranger's: had the stranger's asked, it would be in the inbox.
    assert_eq!(server.get("/").send().await.unwrap().status(), 200);
    assert!(
        inbox.try_recv().is_err(),
        "a stranger's request asked for a sign-in"
    );
}

/// Notify Me: what the box holds goes to the native side, which alone can notify; what became
/// of it comes back in `#notifications`. The headless server has neither the button nor the
/// route.
#[tokio::test]
async fn notify_me_hands_the_input_to_the_native_side_and_hears_back() {
    use datastar_ui::NotificationStatus;
    let (server, mut inbox) = desktop_server(Store::in_memory()).await;
    let page = server.get("/").send().await.unwrap().text().await.unwrap();
    assert!(page.contains(">Notify Me</button>"), "{page}");

    let response = server
        .post_action("/notify", r#"{"input":"ping <me>","tab":"t"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(
        inbox.recv().await,
        Some(NativeRequest::Notify {
            body: "ping <me>".into()
        })
    );
    let long = format!(r#"{{"input":"{}"}}"#, "x".repeat(10_001));
    let response = server.post_action("/notify", &long).send().await.unwrap();
    assert_eq!(response.status(), 413);
    assert!(
        inbox.try_recv().is_err(),
        "nothing sent for a refused request"
    );
    let response = server.post("/notify").send().await.unwrap();
    assert_eq!(response.status(), 400, "a Datastar action only");

    let mut page = SseStream::new(server.action("/events", "{}").send().await.unwrap());
    // The stream subscribes when its response starts: repeat until it hears one.
    let event = loop {
        server.app.show_notifications(NotificationStatus::Opened);
        if let Ok(Some(event)) =
            tokio::time::timeout(std::time::Duration::from_millis(50), page.next_event()).await
        {
            break event;
        }
    };
    let elements = event.datastar_field("elements").unwrap();
    assert!(
        elements.contains(">Opened from a notification.<"),
        "{elements}"
    );
    let page = server.get("/").send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains(">Opened from a notification.<"),
        "kept for pages loaded later"
    );

    let headless = TestServer::start().await;
    let page = headless
        .get("/")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("Notify Me"),
        "only the desktop app can notify"
    );
    let response = headless
        .post_action("/notify", r#"{"input":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

/// The settings: kept, shown in the page's other tabs, handed to the native side to apply,
/// and back in the page when it loads. A body that is not both settings is refused, saying
/// what the action reads.
#[tokio::test]
async fn the_settings_are_kept_told_to_other_tabs_and_applied() {
    use datastar_ui::Settings;
    let dir = tempfile::tempdir().unwrap();
    let (server, mut inbox) = desktop_server(Store::open(dir.path())).await;
    let page = server.get("/").send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"id="setting-login""#), "{page}");
    assert!(!page.contains("setting-tray"), "no tray, no tray setting");
    assert!(!page.contains("checked"), "both off at first");

    let mut other = SseStream::new(
        server
            .action("/events", r#"{"tab":"other"}"#)
            .send()
            .await
            .unwrap(),
    );
    let on = r#"{"automaticUpdates":true,"startAtLogin":true,"tab":"mine"}"#;
    let response = server.post_action("/settings", on).send().await.unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(inbox.recv().await, Some(NativeRequest::ApplySettings));
    assert_eq!(
        Store::peek_preferences(dir.path()).unwrap().settings(),
        Settings {
            automatic_updates: true,
            start_at_login: true,
            keep_in_tray: false,
        },
        "on disk"
    );
    let told = other.next_event().await.unwrap();
    let signals = told.datastar_field("signals").unwrap();
    assert!(signals.contains(r#""startAtLogin":true"#), "{signals}");
    let page = server.get("/").send().await.unwrap().text().await.unwrap();
    assert_eq!(
        page.matches(" checked").count(),
        2,
        "both on after a reload"
    );

    // The same again changes nothing, and asks nothing of the native side.
    let response = server.post_action("/settings", on).send().await.unwrap();
    assert_eq!(response.status(), 204);
    assert!(inbox.try_recv().is_err());
    // A body that is not both settings, or none, is refused with what to send instead.
    for (body, message) in [
        (
            r#"{"startAtLogin":"yes"}"#,
            "the body must be JSON signals, with `automaticUpdates` and `startAtLogin` as booleans\n",
        ),
        (
            "null",
            "missing the signals: send this request with Datastar's @post\n",
        ),
    ] {
        let response = server.post_action("/settings", body).send().await.unwrap();
        assert_eq!(response.status(), 400, "{body}");
        assert_eq!(response.text().await.unwrap(), message);
    }
    assert!(inbox.try_recv().is_err(), "nothing applied");

    let headless = TestServer::start().await;
    let response = headless.post_action("/settings", on).send().await.unwrap();
    assert_eq!(response.status(), 404, "only the desktop app has settings");
}
