//! The access-token policy and the claims an access token carries (RFC 9068).

use std::fmt;

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{Role, SessionId};

/// The longest access-token lifetime Genesis will issue, in seconds.
pub const MAX_ACCESS_TTL_SECONDS: u64 = 3600;
/// The default access-token lifetime, in seconds.
pub const DEFAULT_ACCESS_TTL_SECONDS: u64 = 900;

/// How access tokens are issued: their lifetime, issuer and audience.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessTokenPolicy {
    ttl: Duration,
    issuer: String,
    audience: String,
}

/// An access-token policy that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenPolicyError {
    #[error("the access-token lifetime must be between 1 and 3600 seconds")]
    Lifetime,
    #[error("the issuer must not be empty")]
    Issuer,
    #[error("the audience must not be empty")]
    Audience,
}

impl AccessTokenPolicy {
    /// Builds the policy; the lifetime must be 1–3600 s.
    pub fn new(ttl_seconds: u64, issuer: &str, audience: &str) -> Result<Self, TokenPolicyError> {
        if !(1..=MAX_ACCESS_TTL_SECONDS).contains(&ttl_seconds) {
            return Err(TokenPolicyError::Lifetime);
        }
        if issuer.is_empty() {
            return Err(TokenPolicyError::Issuer);
        }
        if audience.is_empty() {
            return Err(TokenPolicyError::Audience);
        }
        let ttl =
            Duration::seconds(i64::try_from(ttl_seconds).map_err(|_| TokenPolicyError::Lifetime)?);
        Ok(Self { ttl, issuer: issuer.to_owned(), audience: audience.to_owned() })
    }

    /// The lifetime of an access token.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The `iss` of every token.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The `aud` of every token.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The claims of a token issued now for a user's session.
    pub fn claims_for(&self, grant: AccessGrant<'_>, now: OffsetDateTime) -> AccessClaims {
        AccessClaims {
            issuer: self.issuer.clone(),
            audience: self.audience.clone(),
            subject: grant.subject.to_owned(),
            client_id: grant.client_id.to_owned(),
            issued_at: now,
            expires_at: now + self.ttl,
            token_id: grant.token_id,
            scope: grant.scope.clone(),
            session_id: grant.session_id,
            role: grant.role,
        }
    }
}

/// Who a token is for: the inputs of `AccessTokenPolicy::claims_for`.
#[derive(Debug, Clone, Copy)]
pub struct AccessGrant<'a> {
    /// A user's id, or a service client's id for `client_credentials`.
    pub subject: &'a str,
    pub client_id: &'a str,
    pub token_id: Uuid,
    pub scope: &'a Scope,
    pub session_id: Option<SessionId>,
    pub role: Option<Role>,
}

/// The claims of an access token (RFC 9068): `iss aud sub client_id iat exp jti scope sid role`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    pub issuer: String,
    pub audience: String,
    pub subject: String,
    pub client_id: String,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub token_id: Uuid,
    pub scope: Scope,
    pub session_id: Option<SessionId>,
    pub role: Option<Role>,
}

/// A space-separated list of scope tokens (RFC 6749 §3.3), kept in a canonical order.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Scope(Vec<String>);

impl Scope {
    /// Parses a scope string; `None` when a token holds a character RFC 6749 forbids.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut tokens: Vec<String> = Vec::new();
        for token in raw.split(' ').filter(|t| !t.is_empty()) {
            let allowed = token
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b));
            if !allowed || token.len() > 128 {
                return None;
            }
            if !tokens.iter().any(|t| t == token) {
                tokens.push(token.to_owned());
            }
        }
        tokens.sort();
        Some(Self(tokens))
    }

    /// True when no scope was requested or granted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The scope tokens.
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scope({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserId;

    #[test]
    fn a_lifetime_over_an_hour_is_refused() {
        assert_eq!(AccessTokenPolicy::new(3601, "i", "a"), Err(TokenPolicyError::Lifetime));
        assert_eq!(AccessTokenPolicy::new(0, "i", "a"), Err(TokenPolicyError::Lifetime));
        assert!(AccessTokenPolicy::new(3600, "i", "a").is_ok());
    }

    #[test]
    fn claims_expire_one_lifetime_after_issue() {
        let policy = AccessTokenPolicy::new(900, "https://id.example", "api").unwrap();
        let now = OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        let scope = Scope::default();
        let claims = policy.claims_for(
            AccessGrant {
                subject: &UserId::from_uuid(Uuid::from_u128(1)).to_string(),
                client_id: "browser",
                token_id: Uuid::from_u128(2),
                scope: &scope,
                session_id: None,
                role: Some(Role::User),
            },
            now,
        );
        assert_eq!(claims.expires_at - claims.issued_at, Duration::seconds(900));
        assert_eq!(claims.issuer, "https://id.example");
    }

    #[test]
    fn scopes_are_deduplicated_and_sorted() {
        assert_eq!(Scope::parse("write read  read").unwrap().to_string(), "read write");
    }

    #[test]
    fn scopes_with_forbidden_characters_are_refused() {
        assert!(Scope::parse("read \"write\"").is_none());
        assert!(Scope::parse("a\\b").is_none());
    }
}
