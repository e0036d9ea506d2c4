//! Sessions: one per login, each a chain of refresh tokens. A session's id is the `sid` claim
//! of every access token it issues.

use std::fmt;

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{Scope, SecretDigest, UserId};

/// A session's id (`sid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionId(Uuid);

impl SessionId {
    /// Wraps a UUID the caller generated.
    pub fn from_uuid(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// Parses the hyphenated UUID form; `None` when it is not one.
    pub fn parse(raw: &str) -> Option<Self> {
        Uuid::try_parse(raw).ok().map(Self)
    }

    /// The UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// How long refresh chains live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshPolicy {
    /// A refresh token unused this long dies.
    pub idle_ttl: Duration,
    /// A session dies this long after its login, however often it is refreshed.
    pub absolute_ttl: Duration,
}

impl RefreshPolicy {
    /// When a refresh token issued `now` in a session ending at `session_end` dies.
    pub fn token_expiry(&self, now: OffsetDateTime, session_end: OffsetDateTime) -> OffsetDateTime {
        (now + self.idle_ttl).min(session_end)
    }
}

/// A session about to be started by a successful login.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: SessionId,
    pub user_id: UserId,
    pub client_id: String,
    pub scope: Scope,
    pub created_at: OffsetDateTime,
    /// When the session dies however it is used (the absolute lifetime).
    pub expires_at: OffsetDateTime,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A refresh token about to be stored: only its digest.
#[derive(Debug, Clone)]
pub struct NewRefreshToken {
    pub digest: SecretDigest,
    pub session_id: SessionId,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A live session, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub client_id: String,
    pub scope: Scope,
    pub created_at: OffsetDateTime,
    pub last_used_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refresh_token_never_outlives_its_session() {
        let policy =
            RefreshPolicy { idle_ttl: Duration::days(14), absolute_ttl: Duration::days(30) };
        let now = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(policy.token_expiry(now, now + Duration::days(30)), now + Duration::days(14));
        assert_eq!(policy.token_expiry(now, now + Duration::days(3)), now + Duration::days(3));
    }
}
