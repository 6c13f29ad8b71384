//! Every change to the page's state, kept by the server and then told to the page's tabs.
//!
//! One rule makes many tabs agree without echoes: a tab posts only what its own user did
//! (typing, a click), and the server keeps everything it pushes itself. So the server is the
//! only writer of what it pushes (the roundtrip's answer, the menu's Toggle Feed), and a tab
//! that receives a change never posts it back. Each change goes to every tab but the one it
//! came from, which has it already.

use super::{
    page_events::PageEvents,
    templates::{NOTICE, Templates},
};
use crate::store::{Settings, Store, StoreError};
use datastar::prelude::{PatchElements, PatchSignals};
use serde_json::{Map, Value, json};

/// What a tab's user changed. Fields left `None` were not touched, and are not saved.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Edit {
    pub input: Option<String>,
    pub show: Option<bool>,
}

/// Keeps what the user of `tab` changed, and tells the other tabs.
pub async fn keep_edit(
    store: &Store,
    events: &PageEvents,
    tab: &str,
    edit: Edit,
) -> Result<(), StoreError> {
    let mut patch = Map::new();
    if let Some(input) = &edit.input {
        patch.insert("input".into(), Value::from(input.as_str()));
    }
    if let Some(show) = edit.show {
        patch.insert("show".into(), Value::from(show));
    }
    if store.save_edit(edit.input, edit.show).await? {
        events.send_except(Some(tab), signals(Value::Object(patch)));
    }
    Ok(())
}

/// Keeps the roundtrip's answer, which the server made, and tells the tabs other than
/// `tab`, the one that asked.
pub async fn keep_answer(
    store: &Store,
    events: &PageEvents,
    tab: Option<&str>,
    output: &str,
) -> Result<(), StoreError> {
    if store.save_output(output.to_owned()).await? {
        events.send_except(tab, signals(json!({ "output": output })));
    }
    Ok(())
}

/// The roundtrip's sentence. Length is in Unicode scalar values, as the seed's Python `len()`
/// counts: `héllo` is 5 long, `👍` is 1.
pub fn answer_to(input: &str) -> String {
    format!("Your input: {input}, is {} long.", input.chars().count())
}

/// A roundtrip that no tab asked for (a deep link): every tab's box gets `input`, and its
/// answer, as though it had been typed and sent there. Both are kept before any tab is told,
/// as everything the server pushes is. The caller has checked the input's length.
pub async fn fill_and_answer(
    store: &Store,
    events: &PageEvents,
    input: String,
) -> Result<(), StoreError> {
    let input = page_text(input);
    let output = answer_to(&input);
    store.save_roundtrip(input.clone(), output.clone()).await?;
    events.send(signals(json!({ "input": input, "output": output })));
    Ok(())
}

/// Keeps the settings the user of `tab` set, and shows them in the other tabs. Returns
/// whether they changed, and so whether the shell has something to apply.
pub async fn keep_settings(
    store: &Store,
    events: &PageEvents,
    tab: Option<&str>,
    settings: Settings,
) -> Result<bool, StoreError> {
    let changed = store.save_settings(settings).await?;
    if changed {
        events.send_except(tab, settings_signals(settings));
    }
    Ok(changed)
}

/// The settings' signals, as the page binds them (`settings.html`).
pub fn settings_signals(settings: Settings) -> PatchSignals {
    signals(json!(settings))
}

/// Opens the settings in every tab: the menu's File → Settings….
pub fn open_settings(events: &PageEvents) {
    events.send(signals(json!({ "settingsOpen": true })));
}

/// Hides the feed if it is shown, or shows it, in every tab: the desktop menu's Toggle Feed
/// and the headless server's `SIGUSR1`. Returns whether the feed is now shown.
pub async fn toggle_feed(store: &Store, events: &PageEvents) -> Result<bool, StoreError> {
    let show = store.toggle_show().await?;
    events.send(signals(json!({ "show": show })));
    Ok(show)
}

/// Tells every tab, when it changes, whether their changes are being kept: a save that
/// fails (a full disk) puts the reason in `#store-notice`, and the next that works takes it
/// away. Nothing kept is lost meanwhile; what is typed is kept once saves work again.
pub fn report_save(
    store: &Store,
    events: &PageEvents,
    templates: &Templates,
    outcome: Result<(), &StoreError>,
) {
    if store.record_save(outcome) {
        let notice = store.current_notice().unwrap_or_default();
        match templates.render(NOTICE, json!({ "notice": notice })) {
            Ok(element) => {
                events.send(PatchElements::new(element));
            }
            Err(err) => tracing::error!(%err, "cannot tell the page how its saves go"),
        }
    }
}

/// `text` as the page can show it after a reload: HTML cannot hold U+0000 (an attribute
/// turns it into U+FFFD, an element drops it), so the server keeps U+FFFD in its place, the
/// same in the box and in the answer. Everything else is kept exactly.
pub fn page_text(text: String) -> String {
    if text.contains('\0') {
        text.replace('\0', "\u{fffd}")
    } else {
        text
    }
}

fn signals(patch: Value) -> PatchSignals {
    PatchSignals::new(patch.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    fn data(event: super::super::page_events::PageEvent) -> String {
        let event: axum::response::sse::Event = event.into();
        format!("{event:?}")
    }

    #[test]
    fn only_nul_is_changed_for_the_page() {
        assert_eq!(page_text("a\0b".into()), "a\u{fffd}b");
        let text = "@x( ; \\ ' \" ${ \u{2028} 🖕JS_";
        assert_eq!(page_text(text.into()), text);
    }

    #[tokio::test]
    async fn a_link_fills_every_tab_and_is_kept() {
        let (store, events) = (Store::in_memory(), PageEvents::default());
        let mut tab = Box::pin(events.subscribe(Some("tab".into())));
        fill_and_answer(&store, &events, "hello there".into())
            .await
            .unwrap();
        let state = store.state();
        assert_eq!(state.input, "hello there");
        assert_eq!(state.output, "Your input: hello there, is 11 long.");
        let told = data(tab.next().await.unwrap());
        assert!(told.contains(r#"\"input\":\"hello there\""#), "{told}");
        assert!(told.contains("is 11 long."), "{told}");
    }

    #[tokio::test]
    async fn a_change_goes_to_the_other_tabs_once_kept() {
        let (store, events) = (Store::in_memory(), PageEvents::default());
        let mut mine = Box::pin(events.subscribe(Some("mine".into())));
        let mut other = Box::pin(events.subscribe(Some("other".into())));

        let typed = Edit {
            input: Some("hi".into()),
            show: None,
        };
        keep_edit(&store, &events, "mine", typed.clone())
            .await
            .unwrap();
        assert_eq!(store.state().input, "hi");
        assert!(data(other.next().await.unwrap()).contains(r#"{\"input\":\"hi\"}"#));
        // The same again changes nothing, and tells no one.
        keep_edit(&store, &events, "mine", typed).await.unwrap();

        keep_answer(&store, &events, Some("mine"), "Your input: hi, is 2 long.")
            .await
            .unwrap();
        assert!(data(other.next().await.unwrap()).contains("Your input: hi"));

        assert!(!toggle_feed(&store, &events).await.unwrap());
        assert!(!store.state().show);
        // The toggle, which no tab made, reaches every tab: the first event `mine` hears.
        assert!(data(mine.next().await.unwrap()).contains(r#"{\"show\":false}"#));
        assert!(data(other.next().await.unwrap()).contains(r#"{\"show\":false}"#));
    }
}
