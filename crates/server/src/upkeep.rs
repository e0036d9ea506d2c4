//! Background upkeep: keeping every instance's key ring in step with the store (a rotation or
//! retirement made by `genesis keys`, or by another instance, is picked up within
//! `POLL_INTERVAL`, or at once on a Redis key-change notice), retiring previous keys whose tokens
//! have all expired, and pruning expired revocations, refresh tokens and long-ended sessions.

use std::sync::Arc;
use std::time::Duration;

use genesis_app::SigningKeys;
use genesis_domain::MAX_ACCESS_TTL_SECONDS;
use genesis_ports::{Clock, SystemClock};
use genesis_store::Store;
use genesis_throttle::{listen_for_key_changes, KeyNotice};
use metrics_exporter_prometheus::PrometheusHandle;

/// How often the store is asked whether the keys changed (the contract allows 10 s).
const POLL_INTERVAL: Duration = Duration::from_secs(5);
/// How often previous keys are considered for retirement.
const SWEEP_EVERY_POLLS: u32 = 60;
/// A previous key is retired this long after it stopped signing: the longest token lifetime
/// plus the verification leeway.
const RETIRE_AFTER_SECONDS: i64 = MAX_ACCESS_TTL_SECONDS as i64 + 60;

/// Runs until the process ends.
pub(crate) async fn watch(keys: Arc<SigningKeys>, store: Store, metrics: Option<PrometheusHandle>) {
    let mut ticker = tokio::time::interval(POLL_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut polls: u32 = 0;
    loop {
        ticker.tick().await;
        polls = polls.wrapping_add(1);
        if polls % SWEEP_EVERY_POLLS == 0 {
            match store.prune(SystemClock.now()).await {
                Ok(0) => {}
                Ok(rows) => tracing::info!(
                    rows,
                    "pruned expired revocations, refresh tokens and ended sessions"
                ),
                Err(err) => tracing::warn!(error = %err, "pruning failed"),
            }
            match keys.sweep(time::Duration::seconds(RETIRE_AFTER_SECONDS)).await {
                Ok(retired) if !retired.is_empty() => {
                    tracing::info!(kids = ?retired, "retired signing keys whose tokens have expired")
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "sweeping signing keys failed"),
            }
        }
        if let Some(handle) = &metrics {
            crate::metrics::refresh(handle, &store);
        }
        match keys.reload_if_changed().await {
            Ok(true) => tracing::info!("signing keys reloaded"),
            Ok(false) => {}
            Err(err) => {
                tracing::warn!(error = %err, "checking signing keys failed; keeping the loaded ones")
            }
        }
    }
}

/// With Redis: reloads the keys as soon as `genesis keys` announces a change. Runs until the
/// process ends; the poll in `watch` covers any notice lost while Redis is away.
pub(crate) async fn follow_key_notices(url: String, keys: Arc<SigningKeys>) {
    listen_for_key_changes(url, move |notice| {
        let keys = keys.clone();
        async move {
            match notice {
                KeyNotice::Lost => {
                    metrics::gauge!("genesis_key_notices_subscribed").set(0.0);
                    return;
                }
                KeyNotice::Subscribed => metrics::gauge!("genesis_key_notices_subscribed").set(1.0),
                KeyNotice::Changed => {
                    metrics::counter!("genesis_key_change_notices_total").increment(1)
                }
            }
            match keys.reload_if_changed().await {
                Ok(true) => tracing::info!("signing keys reloaded on a key-change notice"),
                Ok(false) => {}
                Err(err) => {
                    tracing::warn!(error = %err, "reloading signing keys on a notice failed; the poll will retry")
                }
            }
        }
    })
    .await;
}
