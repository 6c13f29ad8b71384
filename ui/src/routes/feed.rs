//! Feed: an endless stream of random hex, one value a second, one stream per client.

use crate::{error::ApiError, page::feeds::FeedPermit, security::DatastarAction, state::AppState};
use axum::{
    extract::State,
    response::{
        Sse,
        sse::{Event, KeepAlive},
    },
};
use datastar::prelude::PatchSignals;
use futures_util::{Stream, StreamExt, stream};
use std::{convert::Infallible, time::Duration};
use tokio::time::{Instant, sleep_until};

const TICK: Duration = Duration::from_secs(1);
/// How late a tick may fire and still count as on schedule.
const ON_TIME: Duration = Duration::from_millis(5);

/// The stream ends by itself in two cases, and both free its slot in [`crate::LiveFeeds`]:
/// hyper drops it when the client goes away, and it stops when the server shuts down.
pub async fn feed(
    _: DatastarAction,
    State(app): State<AppState>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let permit = app
        .live_feeds()
        .try_open()
        .ok_or_else(|| ApiError::TooManyFeeds(app.live_feeds().capacity()))?;
    let shutdown = app.shutdown_token().clone().cancelled_owned();
    let events = ticks(permit).take_until(shutdown);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(app.keep_alive())))
}

/// The first value goes out at once, then one per [`TICK`]. A late tick is delayed
/// rather than bunched, so a slow moment never sends a burst.
///
/// A feed lives as long as its client, thousands at a time, so its state is kept small: a
/// `sleep_until` inside the stream rather than a `tokio::time::Interval` (which boxes its
/// timer), and one `unfold` rather than a first event chained to the rest.
fn ticks(permit: FeedPermit) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(
        (None, permit),
        |(due, permit): (Option<Instant>, FeedPermit)| async move {
            // The first value does not wait for the timer at all: an immediate tick would
            // still cost a turn of tokio's 1 ms timer wheel.
            let next = match due {
                None => Instant::now() + TICK,
                Some(due) => {
                    sleep_until(due).await;
                    next_due(due, Instant::now())
                }
            };
            Some((feed_event(), (Some(next), permit)))
        },
    )
}

/// The tick after the one `due` now, fired at `now`: on schedule if it fired on time (give
/// or take the timer's resolution), else a full [`TICK`] from now, as tokio's
/// `MissedTickBehavior::Delay` does.
fn next_due(due: Instant, now: Instant) -> Instant {
    if now > due + ON_TIME {
        now + TICK
    } else {
        due + TICK
    }
}

fn feed_event() -> Result<Event, Infallible> {
    Ok(feed_patch().into())
}

/// The value as the `feed` signal, which `#feed` shows (`data-text`): data, not markup.
fn feed_patch() -> PatchSignals {
    PatchSignals::new(serde_json::json!({ "feed": crate::random::hex::<8>() }).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_on_time_tick_keeps_the_schedule() {
        let due = Instant::now();
        assert_eq!(next_due(due, due + Duration::from_millis(1)), due + TICK);
    }

    #[test]
    fn a_tick_late_by_exactly_the_tolerance_is_still_on_time() {
        let due = Instant::now();
        assert_eq!(next_due(due, due + ON_TIME), due + TICK);
    }

    #[test]
    fn a_late_tick_delays_the_next_instead_of_bunching() {
        let due = Instant::now();
        let late = due + Duration::from_millis(700);
        assert_eq!(next_due(due, late), late + TICK);
    }
}
