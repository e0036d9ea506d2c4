//! `genesis keys list | rotate | retire KID`.

use genesis_app::SigningKeys;
use genesis_ports::KeyStore;
use serde_json::json;
use time::format_description::well_known::Rfc3339;

use super::cli_context::cli_context;
use crate::exit::Failure;
use crate::{output, wiring, Settings};

/// Prints every key: kid, algorithm, state, creation time (JSON lines with `--json`).
pub(crate) async fn list(settings: Settings, as_json: bool) -> Result<(), Failure> {
    let store = wiring::open_store(&settings, true).await?;
    let keys = store.list().await.map_err(|e| Failure::runtime("listing keys", e));
    store.close().await;
    for key in keys? {
        let created = key.created_at.format(&Rfc3339).unwrap_or_default();
        if as_json {
            let row = json!({"kid": key.kid, "alg": key.algorithm.as_str(), "state": key.state.as_str(), "created_at": created});
            output::line(&row.to_string());
        } else {
            output::line(&format!(
                "{}\t{}\t{}\t{}",
                key.kid,
                key.algorithm.as_str(),
                key.state.as_str(),
                created
            ));
        }
    }
    Ok(())
}

/// Generates a new active key; the previous one stays published. Prints the new kid. Running
/// servers pick it up at once when they share Redis, else within 10 s.
pub(crate) async fn rotate(settings: Settings) -> Result<(), Failure> {
    let store = wiring::open_store(&settings, true).await?;
    let ports = wiring::ports(&settings, &store)?;
    let result = SigningKeys::new(ports).rotate(wiring::algorithm(&settings), &cli_context()).await;
    store.close().await;
    let kid = result.map_err(|e| Failure::runtime("rotating the signing key", e))?;
    announce(&settings).await;
    output::line(&kid);
    Ok(())
}

/// Unpublishes a previous key: tokens it signed stop verifying.
pub(crate) async fn retire(settings: Settings, kid: String) -> Result<(), Failure> {
    let store = wiring::open_store(&settings, true).await?;
    let ports = wiring::ports(&settings, &store)?;
    let result = SigningKeys::new(ports).retire(&kid, &cli_context()).await;
    store.close().await;
    result.map_err(|e| Failure::runtime(&format!("retiring key {kid}"), e))?;
    announce(&settings).await;
    output::line(&kid);
    Ok(())
}

/// With Redis, tells the running instances to reload their keys now. The change is committed
/// either way: if the notice cannot be sent, they pick it up at their next poll.
async fn announce(settings: &Settings) {
    let Some(url) = &settings.redis.url else { return };
    if let Err(err) = genesis_throttle::announce_key_change(url).await {
        output::error(&format!(
            "warning: running instances were not notified ({err}); they pick the change up within 10 s"
        ));
    }
}
