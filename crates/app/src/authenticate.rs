//! Authenticate a bearer access token into a `Principal`: strict verification, then the
//! revocation list.

use std::sync::Arc;

use genesis_domain::{AccessClaims, Scope, SessionId, UserId};
use genesis_ports::VerifyError;

use crate::{Infrastructure, Ports, SigningKeys};

/// Who is calling, as established from a verified, unrevoked access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub session_id: Option<SessionId>,
    pub client_id: String,
    pub scope: Scope,
    pub token_id: uuid::Uuid,
    pub expires_at: time::OffsetDateTime,
}

/// Why a bearer token was refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthenticateError {
    /// Forged, malformed, expired, another issuer's or audience's (401; the cause is for logs).
    #[error("token refused: {0}")]
    Invalid(#[from] VerifyError),
    /// Logged out, revoked, or its session is over (401).
    #[error("token revoked")]
    Revoked,
    /// Not a user's token (a service client's), on a route for users (401).
    #[error("not a user token")]
    NotAUser,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The bearer-token authentication use case.
pub struct Authenticate {
    ports: Ports,
    keys: Arc<SigningKeys>,
}

impl Authenticate {
    /// Builds the use case; `keys` reloads the key ring when a token names a kid not yet seen.
    pub fn new(ports: Ports, keys: Arc<SigningKeys>) -> Self {
        Self { ports, keys }
    }

    /// Verifies the token and checks it against the revocation list.
    pub async fn execute(&self, token: &str) -> Result<Principal, AuthenticateError> {
        let claims = self.verified(token).await?;
        if self
            .ports
            .revocations
            .is_revoked(claims.token_id, claims.session_id, self.ports.clock.now())
            .await
            .map_err(Infrastructure::from)?
        {
            return Err(AuthenticateError::Revoked);
        }
        let user_id = UserId::parse(&claims.subject).map_err(|_| AuthenticateError::NotAUser)?;
        Ok(Principal {
            user_id,
            session_id: claims.session_id,
            client_id: claims.client_id,
            scope: claims.scope,
            token_id: claims.token_id,
            expires_at: claims.expires_at,
        })
    }

    /// The claims of a token that verifies; a kid we do not know yet (another instance just
    /// rotated) triggers one bounded reload of the keys before the token is refused.
    pub(crate) async fn verified(&self, token: &str) -> Result<AccessClaims, AuthenticateError> {
        match self.ports.verifier.verify(token, self.ports.clock.now()) {
            Err(VerifyError::UnknownKey) if self.keys.reload_for_unknown_kid().await => {
                Ok(self.ports.verifier.verify(token, self.ports.clock.now())?)
            }
            other => Ok(other?),
        }
    }
}
