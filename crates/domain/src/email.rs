//! E-mail addresses: parsed as an RFC 5322 addr-spec, at most 254 characters, compared by
//! their lower-cased form.

use std::fmt;
use std::str::FromStr;

/// Longest address accepted (RFC 5321's path limit less the angle brackets).
pub const MAX_EMAIL_CHARS: usize = 254;

/// A valid e-mail address. `as_str` keeps what the user typed; `key` is the
/// lower-cased form used for uniqueness and lookups.
#[derive(Clone, PartialEq, Eq)]
pub struct Email {
    display: String,
    key: String,
}

/// Why an e-mail address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("must be at most 254 characters")]
    TooLong,
    #[error("is not a valid e-mail address")]
    Invalid,
}

impl Email {
    /// Parses raw input. Display names (`"Bob" <bob@x>`) and comments are refused: only a
    /// bare address with a domain containing a dot is accepted.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let trimmed = raw;
        if trimmed.chars().count() > MAX_EMAIL_CHARS {
            return Err(EmailError::TooLong);
        }
        let parsed =
            email_address::EmailAddress::from_str(trimmed).map_err(|_| EmailError::Invalid)?;
        if parsed.as_str() != trimmed
            || !parsed.domain().contains('.')
            || trimmed.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(EmailError::Invalid);
        }
        Ok(Self { display: trimmed.to_owned(), key: trimmed.to_lowercase() })
    }

    /// The address as the user gave it.
    pub fn as_str(&self) -> &str {
        &self.display
    }

    /// The lower-cased comparison key.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Email").field(&self.display).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_differing_only_in_case_share_a_key() {
        let a = Email::parse("Bob@Example.COM").unwrap();
        assert_eq!(a.key(), "bob@example.com");
        assert_eq!(a.as_str(), "Bob@Example.COM");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for raw in [
            "",
            "bob",
            "bob@",
            "@example.com",
            "bob@localhost",
            "Bob <bob@example.com>",
            "bob@exa mple.com",
            "bob@example.com\n",
        ] {
            assert!(Email::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn an_address_over_254_characters_is_too_long() {
        let raw = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&raw), Err(EmailError::TooLong));
    }
}
