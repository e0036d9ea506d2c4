//! `genesis serve`.

use std::sync::Arc;
use std::time::Duration;

use genesis_http::{HttpOptions, TlsFiles};

use crate::exit::Failure;
use crate::{upkeep, wiring, Settings};

/// Runs the server until SIGTERM or SIGINT.
pub(crate) async fn run(mut settings: Settings, no_migrate: bool) -> Result<(), Failure> {
    let listener = genesis_http::bind(&settings.server.bind)
        .map_err(|e| Failure::runtime(&format!("cannot listen on {}", settings.server.bind), e))?;
    let address =
        listener.local_addr().map_err(|e| Failure::runtime("reading the bound address", e))?;
    let tls = match (&settings.server.tls_cert, &settings.server.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert: cert.into(), key: key.into() }),
        _ => None,
    };
    if let Some(files) = &tls {
        genesis_http::load_tls(files)
            .map_err(|e| Failure::Config(format!("configuration error: {e}")))?;
    }
    // Without an explicit public URL the issuer is the address actually bound (port 0 included).
    let scheme = if tls.is_some() { "https" } else { "http" };
    settings.server.public_url.get_or_insert_with(|| format!("{scheme}://{address}"));
    let store = wiring::open_store(&settings, !no_migrate).await?;
    let metrics = crate::metrics::install();
    let print_events = settings.audit.stdout;
    let store = store.with_audit_sink(Arc::new(move |record| {
        crate::metrics::count_event(record);
        if print_events {
            crate::output::audit_line(record);
        }
    }));
    let mut ports = wiring::ports(&settings, &store)?;
    ports.throttle = wiring::login_throttle(&settings, ports.throttle).await?;
    let keys = wiring::ready_keys(&settings, &ports).await?;
    let rate_limiter = wiring::rate_limiter(&settings).await?;
    let mut http_state = wiring::http_state(&settings, &ports, &store, keys.clone(), rate_limiter)?;
    http_state.metrics = metrics.as_ref().map(crate::metrics::renderer);
    let state = Arc::new(http_state);
    let listener_of_notices = settings
        .redis
        .url
        .clone()
        .map(|url| tokio::spawn(upkeep::follow_key_notices(url, keys.clone())));
    let watcher = tokio::spawn(upkeep::watch(keys, store.clone(), metrics));
    tracing::info!(address = %address, profile = %settings.server.profile, "listening on {scheme}://{address}");
    let options = HttpOptions {
        workers: std::thread::available_parallelism().map(usize::from).unwrap_or(2),
        shutdown_timeout: Duration::from_secs(30),
        client_request_timeout: Duration::from_secs(10),
        keep_alive: Duration::from_secs(30),
        tls,
    };
    let served = genesis_http::serve(listener, state, options).await;
    watcher.abort();
    if let Some(listener) = listener_of_notices {
        listener.abort();
    }
    served.map_err(|e| Failure::runtime("serving", e))?;
    tracing::info!("stopped");
    store.close().await;
    Ok(())
}
