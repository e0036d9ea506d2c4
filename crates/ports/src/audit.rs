//! The audit trail, for events that change no state (a failed login, a denied access).
//! Events that describe a state change travel with the change through the port that makes it.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, ChainBreak, ChainedRecord};
use time::OffsetDateTime;

use crate::StoreError;

/// A page of the trail, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    pub limit: u64,
    /// Only records older than this sequence number (the cursor).
    pub before_seq: Option<i64>,
    /// Only this event type.
    pub kind: Option<String>,
    /// Only records whose actor or target has this id.
    pub subject: Option<String>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
}

/// Why an audit record could not be kept.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The trail's store is unreachable: the action MUST fail (503).
    #[error("the audit trail is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("unexpected audit failure")]
    Unexpected(#[source] anyhow::Error),
}

/// Appends events to the trail.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends one event and returns once it is durable. MUST return an error, never silently
    /// drop the event, when it cannot be kept.
    async fn record(&self, event: AuditEvent) -> Result<(), AuditError>;

    /// A page of records matching `query`, newest first.
    async fn query(&self, query: AuditQuery) -> Result<Vec<ChainedRecord>, StoreError>;

    /// Walks the whole chain: the number of records when intact, else the first break.
    async fn verify(&self) -> Result<Result<i64, ChainBreak>, StoreError>;
}
