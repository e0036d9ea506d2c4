//! Users.

use async_trait::async_trait;
use genesis_domain::{
    AuditEvent, Email, NewUser, PasswordHash, Role, SessionId, User, UserId, Username,
};
use time::OffsetDateTime;

use crate::StoreError;

/// Why a user could not be created or renamed.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    /// The username or the e-mail address is taken (decided by a unique index).
    #[error("the username or e-mail address is taken")]
    Duplicate,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A page request for the admin user list: at most `limit` users whose username key sorts after
/// `after`, optionally only those whose username or e-mail contains `search` (lower-cased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserQuery {
    pub limit: u64,
    pub after: Option<String>,
    pub search: Option<String>,
}

/// What an administrator changes on a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AdminChange {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

/// Where users are kept.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    /// Inserts the user and `audit` in one transaction. MUST return `Duplicate` when the
    /// username key or the e-mail key exists, decided by the database's unique indexes (never
    /// check-then-insert), so concurrent registrations get exactly one success.
    async fn create(&self, user: NewUser, audit: AuditEvent) -> Result<User, CreateUserError>;

    /// The user whose username key matches, if any.
    async fn find_by_username(&self, username: &Username) -> Result<Option<User>, StoreError>;

    /// The user with this id, if any.
    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, StoreError>;

    /// A page of users ordered by username key.
    async fn list(&self, query: UserQuery) -> Result<Vec<User>, StoreError>;

    /// Changes the username and/or e-mail and records `audit`, in one transaction. `Ok(None)`
    /// when the user is gone; `Duplicate` when the new name or address is taken.
    async fn rename(
        &self,
        id: UserId,
        username: Option<Username>,
        email: Option<Email>,
        now: OffsetDateTime,
        audit: AuditEvent,
    ) -> Result<Option<User>, CreateUserError>;

    /// Replaces the password hash, revokes every session but `keep`, and records `audit`, in
    /// one transaction. `false` when the user is gone.
    async fn set_password(
        &self,
        id: UserId,
        hash: PasswordHash,
        keep: Option<SessionId>,
        now: OffsetDateTime,
        audit: AuditEvent,
    ) -> Result<bool, StoreError>;

    /// Applies an administrator's change and records `audits`, in one transaction; disabling a
    /// user revokes all their sessions in the same transaction. `Ok(None)` when the user is gone.
    async fn apply_admin_change(
        &self,
        id: UserId,
        change: AdminChange,
        now: OffsetDateTime,
        audits: Vec<AuditEvent>,
    ) -> Result<Option<User>, StoreError>;

    /// Deletes the user with their profile, sessions and refresh chains, and records `audit`, in
    /// one transaction. `false` when there was no such user.
    async fn delete(&self, id: UserId, audit: AuditEvent) -> Result<bool, StoreError>;
}
