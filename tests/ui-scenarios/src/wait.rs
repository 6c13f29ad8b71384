use std::{future::Future, time::Duration};
use tokio::time::{Instant, sleep};

const POLL: Duration = Duration::from_millis(50);

/// Polls `check` until it returns `Some`, or fails after `timeout` with `what` in the
/// message. The UI updates asynchronously, so every assertion on it is a bounded wait.
pub async fn wait_until<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<Option<T>>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        if Instant::now() >= deadline {
            anyhow::bail!("timed out after {timeout:?} waiting for {what}");
        }
        sleep(POLL).await;
    }
}
