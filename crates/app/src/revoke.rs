//! Token revocation (RFC 7009): refresh tokens end their chain, access tokens join the
//! revocation list. Unknown tokens are not an error.

use genesis_domain::{AuditEvent, AuditKind, Client, Outcome, Party, RequestContext, SecretToken};

use crate::{Authenticate, AuthenticateError, Infrastructure, Ports};

/// The revocation use case.
pub struct Revoke {
    ports: Ports,
}

impl Revoke {
    /// Builds the use case.
    pub fn new(ports: Ports) -> Self {
        Self { ports }
    }

    /// Revokes `token` when it was issued to `client`; does nothing (and says nothing) for
    /// unknown tokens or another client's, so revocation reveals no token's existence.
    pub async fn execute(
        &self,
        token: &str,
        hint: Option<&str>,
        client: &Client,
        authenticate: &Authenticate,
        context: &RequestContext,
    ) -> Result<(), Infrastructure> {
        let now = self.ports.clock.now();
        let event = |token_type: &str| {
            AuditEvent::new(
                AuditKind::TokenRevoked,
                Outcome::Success,
                Party::Client(client.id.clone()),
                context,
                now,
            )
            .client(&client.id)
            .detail("token_type", token_type)
        };
        let try_refresh_first = hint != Some("access_token");
        if try_refresh_first && self.revoke_refresh(token, client, event("refresh_token")).await? {
            return Ok(());
        }
        match authenticate.verified(token).await {
            Ok(claims) if claims.client_id == client.id => {
                let event = event("access_token").target(Party::User(claims.subject.clone()));
                self.ports
                    .revocations
                    .revoke_access_token(claims.token_id, claims.expires_at, event)
                    .await?;
                return Ok(());
            }
            Err(AuthenticateError::Infrastructure(e)) => return Err(e),
            _ => {}
        }
        if !try_refresh_first {
            self.revoke_refresh(token, client, event("refresh_token")).await?;
        }
        Ok(())
    }

    async fn revoke_refresh(
        &self,
        token: &str,
        client: &Client,
        event: AuditEvent,
    ) -> Result<bool, Infrastructure> {
        let Some(presented) = SecretToken::presented(token) else { return Ok(false) };
        let now = self.ports.clock.now();
        let Some(state) = self.ports.sessions.find_refresh(presented.digest(), now).await? else {
            return Ok(false);
        };
        if state.session.client_id != client.id {
            return Ok(false);
        }
        let event = event.target(Party::Session(state.session.id.to_string()));
        self.ports.sessions.revoke_session(state.session.id, None, now, event).await?;
        Ok(true)
    }
}
