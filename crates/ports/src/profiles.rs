//! Profiles: one per user.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, NewProfile, Profile, UserId};
use time::OffsetDateTime;

use crate::StoreError;

/// Why a profile could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateProfileError {
    /// The user has a profile already (decided by a unique index).
    #[error("the user has a profile already")]
    Duplicate,
    /// The user no longer exists.
    #[error("the user does not exist")]
    UnknownUser,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where profiles are kept.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ProfileRepository: Send + Sync {
    /// Inserts the user's profile and `audit` in one transaction. MUST return `Duplicate` when
    /// the user has one already, decided by a unique index.
    async fn create(
        &self,
        user_id: UserId,
        fields: NewProfile,
        now: OffsetDateTime,
        audit: AuditEvent,
    ) -> Result<Profile, CreateProfileError>;

    /// The user's profile, if any.
    async fn find(&self, user_id: UserId) -> Result<Option<Profile>, StoreError>;

    /// Replaces the user's profile fields and records `audit` in one transaction; `None` when
    /// the user has no profile.
    async fn replace(
        &self,
        user_id: UserId,
        fields: NewProfile,
        now: OffsetDateTime,
        audit: AuditEvent,
    ) -> Result<Option<Profile>, StoreError>;

    /// Deletes the user's profile and records `audit` in one transaction; `false` when there
    /// was none.
    async fn delete(&self, user_id: UserId, audit: AuditEvent) -> Result<bool, StoreError>;
}
