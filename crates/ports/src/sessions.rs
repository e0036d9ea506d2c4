//! Sessions (one per login).

use async_trait::async_trait;
use genesis_domain::{AuditEvent, NewSession};

use crate::StoreError;

/// Where sessions are kept.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Starts a session after a successful login: inserts it, sets the user's `last_login_at`
    /// to the session's start and records `audit`, all in one transaction.
    async fn start(&self, session: NewSession, audit: AuditEvent) -> Result<(), StoreError>;
}
