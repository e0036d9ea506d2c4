//! The access-token revocation list: `jti`s revoked before they expire, and revoked sessions.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, SessionId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;

/// Revoked access tokens.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait RevocationList: Send + Sync {
    /// Revokes the access token `jti` until `expires_at` (after which it is dead anyway) and
    /// records `audit`, in one transaction. Idempotent.
    async fn revoke_access_token(
        &self,
        jti: Uuid,
        expires_at: OffsetDateTime,
        audit: AuditEvent,
    ) -> Result<(), StoreError>;

    /// True when `jti` is revoked, or its session `sid` is revoked or over. MUST answer from
    /// shared state so a revocation holds on every instance.
    async fn is_revoked(
        &self,
        jti: Uuid,
        sid: Option<SessionId>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
}
