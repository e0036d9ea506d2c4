//! Passwords per NIST SP 800-63B: a minimum length in characters, no composition rules, any
//! Unicode (NFKC-normalised), never truncated, and an upper bound in bytes checked before any
//! hashing work is done.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use unicode_normalization::UnicodeNormalization;

/// Longest password accepted, in bytes of its UTF-8 form as received.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// The configured password rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    min_chars: usize,
}

/// A password that satisfied the policy (or, for a login attempt, any candidate). The secret is
/// never printed by `Debug` and is exposed only to the hashing adapter.
#[derive(Clone)]
pub struct Password(SecretString);

/// Why a password was refused. The messages never contain the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("must be at least {0} characters")]
    TooShort(usize),
    #[error("must be at most 1024 bytes")]
    TooLong,
    #[error("must not contain control characters")]
    ControlCharacters,
    #[error("must not contain your username or the name of your e-mail address")]
    ContainsIdentity,
    #[error("is too easy to guess: it is a common password or a predictable pattern; a few unrelated words make a strong one")]
    Guessable,
}

impl PasswordPolicy {
    /// A policy requiring at least `min_chars` characters (NIST asks for at least 8; Genesis
    /// defaults to 12).
    pub fn new(min_chars: usize) -> Self {
        Self { min_chars: min_chars.max(1) }
    }

    /// The minimum length in characters.
    pub fn min_chars(&self) -> usize {
        self.min_chars
    }

    /// Parses a new password (registration, password change) against the policy.
    pub fn parse_new(&self, raw: &str) -> Result<Password, PasswordError> {
        if raw.len() > MAX_PASSWORD_BYTES {
            return Err(PasswordError::TooLong);
        }
        if raw.chars().any(char::is_control) {
            return Err(PasswordError::ControlCharacters);
        }
        let normalised: String = raw.nfkc().collect();
        if normalised.chars().count() < self.min_chars {
            return Err(PasswordError::TooShort(self.min_chars));
        }
        Ok(Password(SecretString::from(normalised)))
    }
}

impl PasswordPolicy {
    /// Parses a new password for the user `username` with e-mail `email`: the policy of
    /// `parse_new`, then the password must not contain the username or the e-mail's local part
    /// (case-insensitively) and must not be guessable (zxcvbn's score below 2: a common
    /// password, a dictionary word, a keyboard walk or sequence, or built from those inputs).
    pub fn parse_new_for(
        &self,
        raw: &str,
        username: &str,
        email: &str,
    ) -> Result<Password, PasswordError> {
        let password = self.parse_new(raw)?;
        let lowered = password.expose().to_lowercase();
        let local_part = email.split('@').next().unwrap_or("");
        let identities = [username.to_lowercase(), local_part.to_lowercase()];
        if identities.iter().any(|id| id.chars().count() >= 3 && lowered.contains(id.as_str())) {
            return Err(PasswordError::ContainsIdentity);
        }
        let estimate = zxcvbn::zxcvbn(password.expose(), &[username, email, local_part]);
        if estimate.score() < zxcvbn::Score::Two {
            return Err(PasswordError::Guessable);
        }
        Ok(password)
    }
}

impl Password {
    /// A password presented at login: only the byte bound applies (an over-long candidate
    /// cannot match anything and is refused before hashing). Normalised like a new one.
    pub fn candidate(raw: &str) -> Result<Self, PasswordError> {
        if raw.len() > MAX_PASSWORD_BYTES {
            return Err(PasswordError::TooLong);
        }
        Ok(Password(SecretString::from(raw.nfkc().collect::<String>())))
    }

    /// The NFKC-normalised secret, for the hashing adapter only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> PasswordPolicy {
        PasswordPolicy::new(12)
    }

    #[test]
    fn an_eleven_character_password_is_too_short() {
        assert_eq!(policy().parse_new("abcdefghijk").unwrap_err(), PasswordError::TooShort(12));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // Twelve characters, each of several bytes.
        assert!(policy().parse_new("ñandú-ñandú-").is_ok());
        assert!(policy().parse_new("パスワードは十二文字以上です").is_ok());
    }

    #[test]
    fn a_password_over_1024_bytes_is_refused_before_hashing() {
        assert_eq!(policy().parse_new(&"a".repeat(1025)).unwrap_err(), PasswordError::TooLong);
        assert!(policy().parse_new(&"a".repeat(1024)).is_ok());
        assert_eq!(Password::candidate(&"a".repeat(1025)).unwrap_err(), PasswordError::TooLong);
    }

    #[test]
    fn no_composition_rules_apply() {
        assert!(policy().parse_new("correct horse battery staple").is_ok());
    }

    #[test]
    fn passwords_are_nfkc_normalised_so_equivalent_forms_match() {
        let composed = policy().parse_new("caf\u{e9} au lait!!").unwrap();
        let decomposed = Password::candidate("cafe\u{301} au lait!!").unwrap();
        assert_eq!(composed.expose(), decomposed.expose());
    }

    #[test]
    fn debug_never_prints_the_secret() {
        let password = policy().parse_new("hunter2hunter2").unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
    }

    #[test]
    fn common_passwords_and_patterns_are_refused() {
        for common in ["password1234", "qwertyuiop123", "123456789012", "aaaaaaaaaaaaaaaa"] {
            assert_eq!(
                policy().parse_new_for(common, "someone", "someone@example.com").unwrap_err(),
                PasswordError::Guessable,
                "{common}"
            );
        }
    }

    #[test]
    fn passwords_built_from_the_username_or_email_are_refused() {
        let refused =
            policy().parse_new_for("AliceWonderland!!", "alicewonderland", "x@example.com");
        assert_eq!(refused.unwrap_err(), PasswordError::ContainsIdentity);
        let by_email = policy().parse_new_for("my-jdoe-1987-pass!", "someone", "jdoe@example.com");
        assert_eq!(by_email.unwrap_err(), PasswordError::ContainsIdentity);
    }

    #[test]
    fn passphrases_and_unicode_passwords_are_welcome() {
        let passphrase = "correct horse battery staple and a quiet river at dawn, twice over";
        assert!(policy().parse_new_for(passphrase, "someone", "someone@example.com").is_ok());
        assert!(policy()
            .parse_new_for("ñandú pájaro veloz del sur", "someone", "someone@example.com")
            .is_ok());
        assert!(policy()
            .parse_new_for("雪の降る夜に静かな街を歩く", "someone", "someone@example.com")
            .is_ok());
    }

    #[test]
    fn long_passwords_are_never_truncated() {
        let a = format!("{}a", "x".repeat(80));
        let b = format!("{}b", "x".repeat(80));
        assert_ne!(
            policy().parse_new(&a).unwrap().expose(),
            policy().parse_new(&b).unwrap().expose()
        );
    }
}
