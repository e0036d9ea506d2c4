//! Opaque high-entropy secrets (refresh tokens, client secrets): generated from injected random
//! bytes, stored only as a SHA-256 digest, compared in constant time.
//!
//! SHA-256 rather than a slow hash: these secrets carry 256 random bits, so no dictionary can
//! reach them and a fast digest is as strong as argon2 here while costing 50 ns instead of 16 ms.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Random bytes in a generated secret (256 bits).
pub const SECRET_BYTES: usize = 32;
/// Longest presented secret looked at; anything longer is refused before hashing.
const MAX_PRESENTED_CHARS: usize = 512;

/// A presented or freshly generated secret. `Debug` never prints it.
#[derive(Clone)]
pub struct SecretToken(SecretString);

/// The SHA-256 of a secret, as lower-case hex: what the store keeps.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecretDigest(String);

impl SecretToken {
    /// A new secret from `SECRET_BYTES` random bytes, as base64url without padding (43 chars).
    pub fn from_random(bytes: [u8; SECRET_BYTES]) -> Self {
        Self(SecretString::from(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// A secret as presented by a caller; `None` when empty, over-long or not printable ASCII.
    pub fn presented(raw: &str) -> Option<Self> {
        let ok = !raw.is_empty()
            && raw.len() <= MAX_PRESENTED_CHARS
            && raw.bytes().all(|b| b.is_ascii_graphic());
        ok.then(|| Self(SecretString::from(raw.to_owned())))
    }

    /// The secret itself, for the one response or cookie that hands it to its owner.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Its digest, for storage and lookup.
    pub fn digest(&self) -> SecretDigest {
        SecretDigest(hex(&Sha256::digest(self.0.expose_secret().as_bytes())))
    }

    /// True when this secret has `digest`, compared in constant time.
    pub fn matches(&self, digest: &SecretDigest) -> bool {
        self.digest().0.as_bytes().ct_eq(digest.0.as_bytes()).into()
    }
}

impl SecretDigest {
    /// Wraps a digest read from the store.
    pub fn from_hex(hex: String) -> Self {
        Self(hex)
    }

    /// The lower-case hex form.
    pub fn as_hex(&self) -> &str {
        &self.0
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(<redacted>)")
    }
}

impl fmt::Debug for SecretDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretDigest(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_carries_256_bits_in_43_characters() {
        let token = SecretToken::from_random([7; SECRET_BYTES]);
        assert_eq!(token.expose().len(), 43);
        assert!(token
            .expose()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }

    #[test]
    fn a_secret_matches_its_digest_only() {
        let token = SecretToken::from_random([1; SECRET_BYTES]);
        let other = SecretToken::from_random([2; SECRET_BYTES]);
        assert!(token.matches(&token.digest()));
        assert!(!other.matches(&token.digest()));
        assert_eq!(token.digest().as_hex().len(), 64);
    }

    #[test]
    fn odd_presented_secrets_are_refused_before_hashing() {
        assert!(SecretToken::presented("").is_none());
        assert!(SecretToken::presented("has space").is_none());
        assert!(SecretToken::presented(&"a".repeat(513)).is_none());
        assert!(SecretToken::presented("ok-token_123").is_some());
    }

    #[test]
    fn debug_never_prints_the_secret() {
        let token = SecretToken::presented("very-secret").unwrap();
        assert!(!format!("{token:?} {:?}", token.digest()).contains("very-secret"));
    }
}
