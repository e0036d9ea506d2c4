//! Authenticate a bearer access token into a `Principal`.

use genesis_domain::{Scope, SessionId, UserId};
use genesis_ports::VerifyError;

use crate::Ports;

/// Who is calling, as established from a verified access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub session_id: Option<SessionId>,
    pub client_id: String,
    pub scope: Scope,
    pub token_id: uuid::Uuid,
}

/// Why a bearer token was refused (always a 401; the variant is for logs).
#[derive(Debug, thiserror::Error)]
pub enum AuthenticateError {
    #[error("token refused: {0}")]
    Invalid(#[from] VerifyError),
}

/// The bearer-token authentication use case.
pub struct Authenticate {
    ports: Ports,
}

impl Authenticate {
    /// Builds the use case.
    pub fn new(ports: Ports) -> Self {
        Self { ports }
    }

    /// Verifies the token strictly and returns its principal.
    pub fn execute(&self, token: &str) -> Result<Principal, AuthenticateError> {
        let claims = self.ports.verifier.verify(token, self.ports.clock.now())?;
        let user_id = UserId::parse(&claims.subject).map_err(|_| VerifyError::Claims)?;
        Ok(Principal {
            user_id,
            session_id: claims.session_id,
            client_id: claims.client_id,
            scope: claims.scope,
            token_id: claims.token_id,
        })
    }
}
