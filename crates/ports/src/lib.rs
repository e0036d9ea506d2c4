//! # genesis-ports
//!
//! The traits the use cases need from the outside world: storage (`UserRepository`,
//! `ProfileRepository`, `SessionStore`, `RevocationList`, `ClientRepository`, `KeyStore`,
//! `AuditLog`), cryptography
//! (`PasswordHasher`, `TokenSigner`, `TokenVerifier`, `KeyMaterial`) and the environment
//! (`Clock`, `IdGenerator`). The `mocks` feature generates mockall doubles of each for tests.
//!
//! **May depend on:** `genesis-domain`, `async-trait`, `thiserror`, `anyhow`, `secrecy`, `time`
//! (and `mockall` behind `mocks`). Never on a framework, a driver or an adapter.
//!
//! **Key decision:** every method that changes state also takes the `AuditEvent` describing the
//! change, so an adapter can commit both in one transaction; a port's errors say which outcome
//! happened (`Duplicate`, `Unavailable`, ...) so the HTTP layer can map them without guessing.

mod audit;
mod clients;
mod clock;
mod crypto;
mod keys;
mod limits;
mod profiles;
mod revocation;
mod sessions;
mod users;

pub use audit::{AuditError, AuditLog, AuditQuery};
pub use clients::{ClientRepository, CreateClientError};
pub use clock::{Clock, IdGenerator, RandomIds, SystemClock};
pub use crypto::{HashError, PasswordHasher, SignError, TokenSigner, TokenVerifier, VerifyError};
pub use keys::{KeyError, KeyMaterial, KeyStore, RetireOutcome};
pub use limits::{LoginThrottle, RateLimiter, ThrottleState};
pub use profiles::{CreateProfileError, ProfileRepository};
pub use revocation::RevocationList;
pub use sessions::{RefreshState, Rotation, RotationOutcome, SessionStore};
pub use users::{AdminChange, CreateUserError, UserQuery, UserRepository};

#[cfg(feature = "mocks")]
pub use audit::MockAuditLog;
#[cfg(feature = "mocks")]
pub use clients::MockClientRepository;
#[cfg(feature = "mocks")]
pub use clock::{MockClock, MockIdGenerator};
#[cfg(feature = "mocks")]
pub use crypto::{MockPasswordHasher, MockTokenSigner, MockTokenVerifier};
#[cfg(feature = "mocks")]
pub use keys::{MockKeyMaterial, MockKeyStore};
#[cfg(feature = "mocks")]
pub use limits::{MockLoginThrottle, MockRateLimiter};
#[cfg(feature = "mocks")]
pub use profiles::MockProfileRepository;
#[cfg(feature = "mocks")]
pub use revocation::MockRevocationList;
#[cfg(feature = "mocks")]
pub use sessions::MockSessionStore;
#[cfg(feature = "mocks")]
pub use users::MockUserRepository;

/// A failure of a storage port that is not a business outcome.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backing service cannot be reached or has no free connection: retry later (503).
    #[error("the store is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else: a bug or corrupt data (500).
    #[error("unexpected store failure")]
    Unexpected(#[source] anyhow::Error),
}

/// Whether the service's dependencies answer (for `GET /ready`).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait::async_trait]
pub trait Readiness: Send + Sync {
    /// True when the database answers now. MUST return within a bounded time.
    async fn is_ready(&self) -> bool;
}
