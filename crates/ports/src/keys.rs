//! Signing keys: generated and opened by the signing adapter, kept by the store.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, SigningAlgorithm, StoredKey};
use time::OffsetDateTime;

use crate::StoreError;

/// Why key material could not be made or opened.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A sealed key does not open with this key-encryption key.
    #[error("a signing key cannot be decrypted with the configured key-encryption key")]
    WrongKek,
    #[error("unexpected key failure")]
    Unexpected(#[source] anyhow::Error),
}

/// Key generation, sealing and loading, inside the signing adapter.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait KeyMaterial: Send + Sync {
    /// A new key pair for `algorithm`, its private half sealed under the key-encryption key.
    fn generate(
        &self,
        algorithm: SigningAlgorithm,
        kid: &str,
        now: OffsetDateTime,
    ) -> Result<StoredKey, KeyError>;

    /// Installs the stored keys: the active one signs, active and previous ones verify.
    /// MUST fail with `WrongKek` when a key does not open, leaving the loaded keys unchanged.
    fn load(&self, keys: &[StoredKey]) -> Result<(), KeyError>;

    /// The JSON Web Key Set of the published (active and previous) keys: public halves only.
    fn jwks(&self) -> String;
}

/// Where signing keys are kept.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait KeyStore: Send + Sync {
    /// Every key, newest first.
    async fn list(&self) -> Result<Vec<StoredKey>, StoreError>;

    /// Makes `key` the active key, demoting the current active key of the same algorithm to
    /// previous (stamped with the time of its demotion), and records `audit`, in one
    /// transaction.
    async fn activate(&self, key: StoredKey, audit: AuditEvent) -> Result<(), StoreError>;

    /// Unpublishes a previous key and records `audit`, in one transaction. MUST refuse the
    /// active key (`Active`) so signing never stops.
    async fn retire(&self, kid: &str, audit: AuditEvent) -> Result<RetireOutcome, StoreError>;
}

/// What `KeyStore::retire` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetireOutcome {
    Retired,
    /// The key signs new tokens: rotate first.
    Active,
    /// No such key, or retired already.
    NotFound,
}
