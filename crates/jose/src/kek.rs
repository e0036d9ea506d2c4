//! The key-encryption key: 32 random bytes, written as base64.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// The key that encrypts private signing keys at rest.
#[derive(Clone)]
pub struct Kek([u8; 32]);

/// A KEK that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KekError {
    #[error("the key-encryption key must be base64 of exactly 32 bytes")]
    Format,
    #[error("the operating system's random source failed")]
    Random,
}

impl Kek {
    /// Parses the base64 form (standard alphabet, padding optional; surrounding whitespace ignored).
    pub fn from_base64(text: &str) -> Result<Self, KekError> {
        let trimmed = text.trim().trim_end_matches('=');
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(trimmed)
            .map_err(|_| KekError::Format)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| KekError::Format)?;
        Ok(Self(key))
    }

    /// A fresh random KEK.
    pub fn generate() -> Result<Self, KekError> {
        let mut key = [0u8; 32];
        getrandom::getrandom(&mut key).map_err(|_| KekError::Random)?;
        Ok(Self(key))
    }

    /// The base64 form, for writing the dev KEK file.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Kek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Kek(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kek_round_trips_through_base64() {
        let kek = Kek::generate().unwrap();
        assert_eq!(Kek::from_base64(&kek.to_base64()).unwrap().bytes(), kek.bytes());
    }

    #[test]
    fn a_short_kek_is_refused() {
        assert_eq!(Kek::from_base64("c2hvcnQ=").unwrap_err(), KekError::Format);
        assert_eq!(Kek::from_base64("not base64!").unwrap_err(), KekError::Format);
    }
}
