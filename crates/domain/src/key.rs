//! Signing keys as the store keeps them: the private half sealed under the key-encryption key.

use std::fmt;

use time::OffsetDateTime;

/// The JWS algorithms Genesis signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigningAlgorithm {
    EdDsa,
    Rs256,
}

impl SigningAlgorithm {
    /// Parses the configuration / JOSE name (`EdDSA`, `RS256`).
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "EdDSA" => Some(Self::EdDsa),
            "RS256" => Some(Self::Rs256),
            _ => None,
        }
    }

    /// The JOSE `alg` name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::EdDsa => "EdDSA",
            Self::Rs256 => "RS256",
        }
    }
}

/// Where a key is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Signs new tokens and is published.
    Active,
    /// No longer signs; still published so tokens it signed verify until they expire.
    Previous,
    /// Unpublished; kept only for the record.
    Retired,
}

impl KeyState {
    /// The storage name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Previous => "previous",
            Self::Retired => "retired",
        }
    }

    /// Parses the storage name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "active" => Some(Self::Active),
            "previous" => Some(Self::Previous),
            "retired" => Some(Self::Retired),
            _ => None,
        }
    }
}

/// A signing key as stored. `sealed_private_key` is the private key encrypted under the
/// key-encryption key; only the signing adapter can open it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredKey {
    pub kid: String,
    pub algorithm: SigningAlgorithm,
    pub state: KeyState,
    pub created_at: OffsetDateTime,
    /// When it stopped signing (became previous); `None` while active.
    pub demoted_at: Option<OffsetDateTime>,
    pub public_jwk: String,
    pub sealed_private_key: String,
}

impl fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .field("state", &self.state)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}
