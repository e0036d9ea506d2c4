//! Usernames: NFKC-normalised, 3–64 characters of letters, digits and `._-`, compared
//! case-insensitively.

use std::fmt;

use unicode_normalization::UnicodeNormalization;

/// Shortest username accepted, in characters.
pub const MIN_USERNAME_CHARS: usize = 3;
/// Longest username accepted, in characters.
pub const MAX_USERNAME_CHARS: usize = 64;

/// A valid username. `as_str` is the NFKC form the user chose; `key` is the case-folded form
/// that uniqueness and lookups use, so `Alice` and `alice` are the same account.
#[derive(Clone, PartialEq, Eq)]
pub struct Username {
    display: String,
    key: String,
}

/// Why a username was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("must be between 3 and 64 characters")]
    Length,
    #[error("may contain only letters, digits, '.', '_' and '-'")]
    Characters,
}

impl Username {
    /// Parses raw input: NFKC-normalises it, then checks length and characters.
    pub fn parse(raw: &str) -> Result<Self, UsernameError> {
        let display: String = raw.nfkc().collect();
        let chars = display.chars().count();
        if !(MIN_USERNAME_CHARS..=MAX_USERNAME_CHARS).contains(&chars) {
            return Err(UsernameError::Length);
        }
        if !display.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-')) {
            return Err(UsernameError::Characters);
        }
        let key = display.to_lowercase().nfkc().collect();
        Ok(Self { display, key })
    }

    /// The username as the user chose it (NFKC).
    pub fn as_str(&self) -> &str {
        &self.display
    }

    /// The case-insensitive comparison key (lower-cased NFKC).
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl fmt::Debug for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Username").field(&self.display).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_differing_only_in_case_share_a_key() {
        let upper = Username::parse("Alice").unwrap();
        let lower = Username::parse("alice").unwrap();
        assert_eq!(upper.key(), lower.key());
        assert_eq!(upper.as_str(), "Alice");
    }

    #[test]
    fn compatibility_forms_are_normalised_before_checking() {
        // FULLWIDTH LATIN letters normalise to ASCII under NFKC.
        let wide = Username::parse("ａｌｉｃｅ").unwrap();
        assert_eq!(wide.key(), "alice");
    }

    #[test]
    fn a_two_character_username_is_too_short() {
        assert_eq!(Username::parse("ab"), Err(UsernameError::Length));
    }

    #[test]
    fn a_sixty_five_character_username_is_too_long() {
        assert_eq!(Username::parse(&"a".repeat(65)), Err(UsernameError::Length));
    }

    #[test]
    fn spaces_and_symbols_are_refused() {
        for raw in ["al ice", "al@ice", "al\u{0}ice", "<script>"] {
            assert_eq!(Username::parse(raw), Err(UsernameError::Characters), "{raw:?}");
        }
    }

    #[test]
    fn unicode_letters_are_welcome() {
        assert!(Username::parse("José.Ñandú").is_ok());
    }
}
