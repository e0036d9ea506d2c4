//! The outcomes every token grant shares (RFC 6749 §5.2).

use crate::{ClientAuthError, Infrastructure};

/// Why a grant failed.
#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    /// Wrong credentials, unknown user, disabled account, or a refresh token that is unknown,
    /// expired, spent, revoked or another client's: one answer for all.
    #[error("invalid grant")]
    InvalidGrant,
    /// The client could not be authenticated or is not known.
    #[error("invalid client")]
    InvalidClient,
    /// The client may not use this grant.
    #[error("unauthorized client")]
    UnauthorizedClient,
    /// A requested scope is malformed or not allowed for the client.
    #[error("invalid scope")]
    InvalidScope,
    #[error("password hashing is saturated")]
    Busy,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

impl From<ClientAuthError> for GrantError {
    fn from(err: ClientAuthError) -> Self {
        match err {
            ClientAuthError::Invalid => Self::InvalidClient,
            ClientAuthError::Infrastructure(e) => Self::Infrastructure(e),
        }
    }
}
