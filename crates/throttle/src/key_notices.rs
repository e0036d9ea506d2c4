//! Key-change notices over Redis pub/sub. `genesis keys rotate` and `genesis keys retire`
//! announce a change after it is committed; every serving instance listens and reloads its key
//! ring from the database at once, instead of at its next poll. The poll stays as the safety net:
//! a notice lost while Redis is away only delays a reload to the next poll, and a notice carries
//! nothing but "look again", so whoever can publish on Redis can at most cause a database read.

use std::future::Future;
use std::time::Duration;

use futures_util::{FutureExt, StreamExt};

use crate::RedisSetupError;

/// The channel notices are published on.
const CHANNEL: &str = "genesis:keys:changed";
/// How long announcing may take before it is given up (the poll still spreads the change).
const ANNOUNCE_TIMEOUT: Duration = Duration::from_secs(2);
/// The pause before subscribing again after the subscription is lost, doubled after each
/// failed attempt up to `MAX_RESUBSCRIBE_AFTER` (so an outage is not logged every second).
const RESUBSCRIBE_AFTER: Duration = Duration::from_secs(1);
const MAX_RESUBSCRIBE_AFTER: Duration = Duration::from_secs(10);
/// The least time between two reloads caused by notices, so a flood of them is one reload.
const MIN_RELOAD_INTERVAL: Duration = Duration::from_millis(200);

/// Why the listener calls back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyNotice {
    /// The subscription was (re)established: notices may have been missed before it.
    Subscribed,
    /// A change was announced.
    Changed,
    /// The subscription is lost, or could not be made: notices are missed until the next
    /// `Subscribed`.
    Lost,
}

/// Tells every listening instance that the signing keys changed. Returns how many received it.
pub async fn announce_key_change(url: &str) -> Result<u32, RedisSetupError> {
    let publish = async {
        let client = redis::Client::open(url)?;
        let mut connection = client.get_multiplexed_async_connection().await?;
        redis::cmd("PUBLISH").arg(CHANNEL).arg("keys").query_async::<u32>(&mut connection).await
    };
    match tokio::time::timeout(ANNOUNCE_TIMEOUT, publish).await {
        Ok(Ok(receivers)) => Ok(receivers),
        Ok(Err(err)) => Err(RedisSetupError::from(err)),
        Err(_) => Err(RedisSetupError::timed_out()),
    }
}

/// Listens for notices until the process ends, calling `on_notice` for each, once after every
/// (re)subscription (to catch up on notices missed while unsubscribed), and when the
/// subscription is lost. Subscribes again by itself after a Redis outage.
pub async fn listen_for_key_changes<F, Fut>(url: String, mut on_notice: F)
where
    F: FnMut(KeyNotice) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut pause = RESUBSCRIBE_AFTER;
    loop {
        match subscribe(&url).await {
            Ok(subscription) => {
                pause = RESUBSCRIBE_AFTER;
                tracing::info!("listening for key-change notices on redis");
                on_notice(KeyNotice::Subscribed).await;
                let mut notices = subscription.into_on_message();
                while notices.next().await.is_some() {
                    tokio::time::sleep(MIN_RELOAD_INTERVAL).await;
                    // Notices that arrived meanwhile are served by the same reload.
                    while let Some(Some(_)) = notices.next().now_or_never() {}
                    on_notice(KeyNotice::Changed).await;
                }
                tracing::warn!("lost the key-change subscription; keys are still polled");
                on_notice(KeyNotice::Lost).await;
                tokio::time::sleep(pause).await;
            }
            Err(err) => {
                tracing::warn!(error = %err, retry_in_seconds = pause.as_secs(), "cannot subscribe to key-change notices; keys are still polled");
                on_notice(KeyNotice::Lost).await;
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_RESUBSCRIBE_AFTER);
            }
        }
    }
}

async fn subscribe(url: &str) -> Result<redis::aio::PubSub, RedisSetupError> {
    let connect = async {
        let client = redis::Client::open(url)?;
        let mut subscription = client.get_async_pubsub().await?;
        subscription.subscribe(CHANNEL).await?;
        Ok::<_, redis::RedisError>(subscription)
    };
    match tokio::time::timeout(ANNOUNCE_TIMEOUT, connect).await {
        Ok(result) => result.map_err(RedisSetupError::from),
        Err(_) => Err(RedisSetupError::timed_out()),
    }
}
