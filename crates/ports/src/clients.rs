//! OAuth clients registered with `genesis clients create`.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, Client};
use time::OffsetDateTime;

use crate::StoreError;

/// Why a client could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateClientError {
    #[error("a client with this id exists")]
    Duplicate,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where registered clients are kept (configured ones live in the configuration).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ClientRepository: Send + Sync {
    /// The client with this id, if any.
    async fn find(&self, id: &str) -> Result<Option<Client>, StoreError>;

    /// Stores a new client (its secret only as a digest) and records `audit`, in one
    /// transaction. MUST return `Duplicate` when the id is taken.
    async fn create(
        &self,
        client: Client,
        now: OffsetDateTime,
        audit: AuditEvent,
    ) -> Result<(), CreateClientError>;

    /// Every stored client, by id.
    async fn list(&self) -> Result<Vec<Client>, StoreError>;
}
