//! `genesis audit verify`.

use genesis_app::AuditTrail;

use crate::exit::Failure;
use crate::{output, wiring, Settings};

/// Walks the audit chain. Exit 0 when intact; exit 1 naming the first broken record.
pub(crate) async fn verify(settings: Settings) -> Result<(), Failure> {
    let store = wiring::open_store(&settings, false).await?;
    let ports = wiring::ports(&settings, &store)?;
    let result = AuditTrail::new(ports).verify().await;
    store.close().await;
    match result.map_err(|e| Failure::runtime("reading the audit trail", e))? {
        Ok(count) => {
            output::line(&format!("audit trail intact: {count} records"));
            Ok(())
        }
        Err(broken) => Err(Failure::Runtime(format!(
            "audit trail broken at record {}: {}",
            broken.seq, broken.reason
        ))),
    }
}
