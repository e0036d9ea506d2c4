//! Password hashing and access-token signing.

use async_trait::async_trait;
use genesis_domain::{AccessClaims, Password, PasswordHash};
use time::OffsetDateTime;

/// Why hashing or verifying a password failed.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every hashing slot stayed busy for the bounded wait: shed the request (503).
    #[error("password hashing is saturated")]
    Busy,
    #[error("unexpected hashing failure")]
    Unexpected(#[source] anyhow::Error),
}

/// argon2id hashing, bounded in concurrency and run off the async executor.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// Hashes a new password with the configured cost. MUST return `Busy` rather than queue
    /// without bound.
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError>;

    /// Checks a candidate against a stored hash.
    async fn verify(&self, password: &Password, hash: &PasswordHash) -> Result<bool, HashError>;

    /// For an unknown user: MUST spend the same time and slots as `verify` (against a dummy
    /// hash of the configured cost), so timing says nothing about which accounts exist.
    async fn verify_dummy(&self, password: &Password) -> Result<(), HashError>;
}

/// Why an access token could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("no active signing key")]
    NoActiveKey,
    #[error("unexpected signing failure")]
    Unexpected(#[source] anyhow::Error),
}

/// Signs access tokens with the active key.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait TokenSigner: Send + Sync {
    /// Returns the compact JWS (`typ: at+jwt`, `kid` of the active key).
    fn sign(&self, claims: &AccessClaims) -> Result<String, SignError>;
}

/// Why a presented access token was refused. All of them are a 401 to the caller; the
/// variants exist for logs and tests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the token is malformed or oversized")]
    Malformed,
    #[error("the token's header is not acceptable")]
    Header,
    #[error("the token names no key of ours")]
    UnknownKey,
    #[error("the signature does not verify")]
    Signature,
    #[error("the claims are not acceptable")]
    Claims,
    #[error("the token has expired or is not yet valid")]
    Time,
}

/// Verifies access tokens strictly: one algorithm, `typ` `at+jwt`, our own `kid`, exact
/// `iss`, `aud`, and time claims with bounded leeway.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait TokenVerifier: Send + Sync {
    /// The token's claims when every check passes at `now`.
    fn verify(&self, token: &str, now: OffsetDateTime) -> Result<AccessClaims, VerifyError>;
}
