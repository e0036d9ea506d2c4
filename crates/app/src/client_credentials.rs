//! The client-credentials grant: a service client's own access token, no refresh token.

use genesis_domain::{Client, GrantType};

use crate::issue::{sign_access_token, IssuedToken, Subject, TokenPolicies};
use crate::login::granted_scope;
use crate::{GrantError, Ports};

/// The client-credentials grant.
pub struct ClientCredentials {
    ports: Ports,
    policies: TokenPolicies,
}

impl ClientCredentials {
    /// Builds the use case.
    pub fn new(ports: Ports, policies: TokenPolicies) -> Self {
        Self { ports, policies }
    }

    /// Issues an access token whose subject is the (already authenticated) client itself.
    pub fn execute(&self, client: &Client, scope: Option<&str>) -> Result<IssuedToken, GrantError> {
        if !client.allows(GrantType::ClientCredentials) || client.secret_digest.is_none() {
            return Err(GrantError::UnauthorizedClient);
        }
        let scope = granted_scope(client, scope)?;
        let now = self.ports.clock.now();
        let subject =
            Subject { id: client.id.clone(), client, scope: &scope, session_id: None, role: None };
        let access_token = sign_access_token(&self.ports, &self.policies.access, subject, now)?;
        Ok(IssuedToken {
            access_token,
            expires_in: self.policies.access.ttl().whole_seconds(),
            scope,
            refresh: None,
        })
    }
}
