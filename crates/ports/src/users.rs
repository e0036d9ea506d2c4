//! Users.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, NewUser, User, UserId, Username};

use crate::StoreError;

/// Why a user could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    /// The username or the e-mail address is taken (decided by a unique index).
    #[error("the username or e-mail address is taken")]
    Duplicate,
    #[error(transparent)]
    Store(#[from] StoreError),
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
}
