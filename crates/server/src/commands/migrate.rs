//! `genesis migrate`.

use crate::exit::Failure;
use crate::{wiring, Settings};

/// Applies pending migrations and exits.
pub(crate) async fn run(settings: Settings) -> Result<(), Failure> {
    let store = wiring::open_store(&settings, true).await?;
    tracing::info!("migrations applied");
    store.close().await;
    Ok(())
}
