//! Token introspection (RFC 7662) for authenticated service clients.

use genesis_domain::{
    AccessClaims, AuditEvent, AuditKind, Client, Outcome, Party, RequestContext, SecretToken,
};
use genesis_ports::RefreshState;

use crate::{Authenticate, AuthenticateError, Infrastructure, Ports};

/// What introspection found.
#[derive(Debug, Clone)]
pub enum Introspection {
    /// Unknown, expired, revoked, malformed: nothing more is said.
    Inactive,
    /// A live access token.
    Access(AccessClaims),
    /// A live refresh token.
    Refresh(RefreshState),
}

/// The introspection use case.
pub struct Introspect {
    ports: Ports,
}

impl Introspect {
    /// Builds the use case.
    pub fn new(ports: Ports) -> Self {
        Self { ports }
    }

    /// Looks `token` up for `caller` (an authenticated service client) and records that it did.
    pub async fn execute(
        &self,
        token: &str,
        hint: Option<&str>,
        caller: &Client,
        authenticate: &Authenticate,
        context: &RequestContext,
    ) -> Result<Introspection, Infrastructure> {
        let found = if hint == Some("refresh_token") {
            match self.refresh(token).await? {
                Introspection::Inactive => self.access(token, authenticate).await?,
                live => live,
            }
        } else {
            match self.access(token, authenticate).await? {
                Introspection::Inactive => self.refresh(token).await?,
                live => live,
            }
        };
        let active = !matches!(found, Introspection::Inactive);
        let event = AuditEvent::new(
            AuditKind::TokenIntrospected,
            Outcome::Success,
            Party::Client(caller.id.clone()),
            context,
            self.ports.clock.now(),
        )
        .client(&caller.id)
        .detail("active", active.to_string());
        self.ports.audit.record(event).await?;
        Ok(found)
    }

    async fn access(
        &self,
        token: &str,
        authenticate: &Authenticate,
    ) -> Result<Introspection, Infrastructure> {
        let claims = match authenticate.verified(token).await {
            Ok(claims) => claims,
            Err(AuthenticateError::Infrastructure(e)) => return Err(e),
            Err(_) => return Ok(Introspection::Inactive),
        };
        let now = self.ports.clock.now();
        if self.ports.revocations.is_revoked(claims.token_id, claims.session_id, now).await? {
            return Ok(Introspection::Inactive);
        }
        Ok(Introspection::Access(claims))
    }

    async fn refresh(&self, token: &str) -> Result<Introspection, Infrastructure> {
        let Some(presented) = SecretToken::presented(token) else {
            return Ok(Introspection::Inactive);
        };
        let now = self.ports.clock.now();
        Ok(match self.ports.sessions.find_refresh(presented.digest(), now).await? {
            Some(state) if state.active => Introspection::Refresh(state),
            _ => Introspection::Inactive,
        })
    }
}
