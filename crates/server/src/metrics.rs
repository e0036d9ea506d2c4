//! Prometheus metrics: the recorder, the counters fed by the audit sink, and the gauges the
//! upkeep task refreshes.

use std::sync::Arc;

use genesis_domain::ChainedRecord;
use genesis_store::Store;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Latency buckets, in seconds, for every histogram.
const BUCKETS: [f64; 12] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// Installs the global recorder (once per process) and records the build.
pub(crate) fn install() -> Option<PrometheusHandle> {
    let handle = PrometheusBuilder::new().set_buckets(&BUCKETS).ok()?.install_recorder().ok()?;
    metrics::gauge!("genesis_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    Some(handle)
}

/// The `/metrics` renderer.
pub(crate) fn renderer(handle: &PrometheusHandle) -> Arc<dyn Fn() -> String + Send + Sync> {
    let handle = handle.clone();
    Arc::new(move || handle.render())
}

/// Counts a committed security event (logins by outcome, refreshes, reuse, throttling, …).
pub(crate) fn count_event(record: &ChainedRecord) {
    metrics::counter!("genesis_security_events_total", "type" => record.kind.clone(), "outcome" => record.outcome.clone()).increment(1);
}

/// Refreshes the gauges and runs the recorder's upkeep.
pub(crate) fn refresh(handle: &PrometheusHandle, store: &Store) {
    let usage = store.pool_usage();
    metrics::gauge!("genesis_db_pool_connections").set(f64::from(usage.size));
    metrics::gauge!("genesis_db_pool_idle_connections").set(usage.idle as f64);
    handle.run_upkeep();
}
