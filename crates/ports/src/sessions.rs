//! Sessions (one per login) and their refresh-token chains.

use async_trait::async_trait;
use genesis_domain::{
    AuditEvent, NewRefreshToken, NewSession, SecretDigest, Session, SessionId, UserId,
};
use time::{Duration, OffsetDateTime};

use crate::StoreError;

/// A refresh request: the presented token's digest, its successor's, and who presents it.
#[derive(Debug, Clone)]
pub struct Rotation {
    pub presented: SecretDigest,
    pub successor: SecretDigest,
    pub client_id: String,
    pub now: OffsetDateTime,
    pub idle_ttl: Duration,
}

/// What a refresh attempt found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotationOutcome {
    /// The presented token was live and is now spent; its successor is stored.
    Rotated(Session),
    /// The presented token was spent already: someone replayed it. Nothing was changed.
    Reused { session_id: SessionId, user_id: UserId },
    /// Unknown, expired, revoked, or presented by another client. Nothing was changed.
    Rejected,
}

/// A refresh token as introspection and revocation see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshState {
    pub session: Session,
    pub expires_at: OffsetDateTime,
    /// Unspent, unexpired, in a live session.
    pub active: bool,
}

/// Where sessions and refresh chains are kept.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Starts a session after a successful login: inserts it and its first refresh token (if
    /// any), sets the user's `last_login_at`, and records `audit`, all in one transaction.
    async fn start(
        &self,
        session: NewSession,
        refresh: Option<NewRefreshToken>,
        audit: AuditEvent,
    ) -> Result<(), StoreError>;

    /// Spends the presented token and stores its successor in one transaction whose first
    /// statement is a conditional update, so of concurrent calls with one token exactly one
    /// gets `Rotated`, on every database. The successor expires after the idle lifetime, never
    /// after its session. On `Rotated` the adapter records `audit` in the same transaction, with
    /// its actor set to the session's user and its target to the session. MUST NOT change
    /// anything on `Reused` or `Rejected`.
    async fn rotate(
        &self,
        rotation: Rotation,
        audit: AuditEvent,
    ) -> Result<RotationOutcome, StoreError>;

    /// The refresh token with this digest and its session, if any.
    async fn find_refresh(
        &self,
        digest: SecretDigest,
        now: OffsetDateTime,
    ) -> Result<Option<RefreshState>, StoreError>;

    /// Revokes a live session (and so every token of its chain and every access token carrying
    /// its `sid`) and records `audit`, in one transaction. With `owner`, only a session of that
    /// user is touched. Returns whether a live session was revoked.
    async fn revoke_session(
        &self,
        session_id: SessionId,
        owner: Option<UserId>,
        now: OffsetDateTime,
        audit: AuditEvent,
    ) -> Result<bool, StoreError>;

    /// Revokes every live session of `user_id` except `keep`, recording `audit` once, in one
    /// transaction. Returns how many were revoked.
    async fn revoke_other_sessions(
        &self,
        user_id: UserId,
        keep: Option<SessionId>,
        now: OffsetDateTime,
        audit: AuditEvent,
    ) -> Result<u64, StoreError>;

    /// The user's live sessions, newest first.
    async fn list_sessions(
        &self,
        user_id: UserId,
        now: OffsetDateTime,
    ) -> Result<Vec<Session>, StoreError>;
}
