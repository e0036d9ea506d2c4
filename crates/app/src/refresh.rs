//! The refresh grant: every use rotates; a spent token presented again revokes its chain.

use genesis_domain::{
    AuditEvent, AuditKind, Client, GrantType, Outcome, Party, RequestContext, SecretToken,
};
use genesis_ports::{Rotation, RotationOutcome};

use crate::issue::{
    refresh_delivery, sign_access_token, IssuedRefresh, IssuedToken, Subject, TokenPolicies,
};
use crate::{GrantError, Infrastructure, Ports};

/// A refresh request: the presented token and the (resolved) client presenting it.
#[derive(Debug, Clone)]
pub struct RefreshRequest {
    pub refresh_token: SecretToken,
    pub client: Client,
}

/// The refresh-token grant.
pub struct RefreshGrant {
    ports: Ports,
    policies: TokenPolicies,
}

impl RefreshGrant {
    /// Builds the use case.
    pub fn new(ports: Ports, policies: TokenPolicies) -> Self {
        Self { ports, policies }
    }

    /// Rotates the presented token and issues a new access token for its session.
    pub async fn execute(
        &self,
        request: RefreshRequest,
        context: &RequestContext,
    ) -> Result<IssuedToken, GrantError> {
        let client = &request.client;
        let Some(delivery) =
            refresh_delivery(client.kind).filter(|_| client.allows(GrantType::RefreshToken))
        else {
            return Err(GrantError::UnauthorizedClient);
        };
        let successor = SecretToken::from_random(self.ports.ids.secret());
        let now = self.ports.clock.now();
        let rotation = Rotation {
            presented: request.refresh_token.digest(),
            successor: successor.digest(),
            client_id: client.id.clone(),
            now,
            idle_ttl: self.policies.refresh.idle_ttl,
        };
        let event = AuditEvent::new(
            AuditKind::TokenRefreshed,
            Outcome::Success,
            Party::Anonymous,
            context,
            now,
        )
        .client(&client.id);
        let session = match self
            .ports
            .sessions
            .rotate(rotation, event)
            .await
            .map_err(Infrastructure::from)?
        {
            RotationOutcome::Rotated(session) => session,
            RotationOutcome::Rejected => return Err(GrantError::InvalidGrant),
            RotationOutcome::Reused { session_id, user_id } => {
                // A spent token came back: whoever holds the chain now may be a thief. End it.
                let event = AuditEvent::new(
                    AuditKind::RefreshReuseDetected,
                    Outcome::Failure,
                    Party::Anonymous,
                    context,
                    now,
                )
                .target(Party::Session(session_id.to_string()))
                .client(&client.id)
                .detail("user_id", user_id.to_string());
                self.ports
                    .sessions
                    .revoke_session(session_id, None, now, event)
                    .await
                    .map_err(Infrastructure::from)?;
                return Err(GrantError::InvalidGrant);
            }
        };

        let user =
            self.ports.users.find_by_id(session.user_id).await.map_err(Infrastructure::from)?;
        let Some(user) = user.filter(|u| !u.disabled) else {
            let event = AuditEvent::new(
                AuditKind::SessionRevoked,
                Outcome::Success,
                Party::Anonymous,
                context,
                now,
            )
            .target(Party::Session(session.id.to_string()))
            .detail("reason", "user_disabled_or_deleted");
            self.ports
                .sessions
                .revoke_session(session.id, None, now, event)
                .await
                .map_err(Infrastructure::from)?;
            return Err(GrantError::InvalidGrant);
        };
        let subject = Subject {
            id: user.id.to_string(),
            client,
            scope: &session.scope,
            session_id: Some(session.id),
            role: Some(user.role),
        };
        let access_token = sign_access_token(&self.ports, &self.policies.access, subject, now)?;
        Ok(IssuedToken {
            access_token,
            expires_in: self.policies.access.ttl().whole_seconds(),
            scope: session.scope.clone(),
            refresh: Some(IssuedRefresh {
                token: successor,
                session_seconds_left: (session.expires_at - now).whole_seconds(),
                delivery,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use genesis_domain::{
        Email, PasswordHash, Role, Scope, Session, SessionId, User, UserId, Username,
    };
    use uuid::Uuid;

    use super::*;
    use crate::test_support::{at, policies, TestPorts};

    fn session() -> Session {
        Session {
            id: SessionId::from_uuid(Uuid::from_u128(3)),
            user_id: UserId::from_uuid(Uuid::from_u128(7)),
            client_id: "browser".into(),
            scope: Scope::default(),
            created_at: at(0),
            last_used_at: at(0),
            expires_at: at(10_000_000_000),
            ip: None,
            user_agent: None,
        }
    }

    fn user(disabled: bool) -> User {
        User {
            id: UserId::from_uuid(Uuid::from_u128(7)),
            username: Username::parse("alice").unwrap(),
            email: Email::parse("alice@example.com").unwrap(),
            password_hash: PasswordHash::from_phc("h".into()),
            role: Role::User,
            disabled,
            created_at: at(0),
            updated_at: at(0),
            last_login_at: None,
        }
    }

    fn request() -> RefreshRequest {
        RefreshRequest {
            refresh_token: SecretToken::presented("presented-token").unwrap(),
            client: Client::browser(),
        }
    }

    #[tokio::test]
    async fn a_live_token_rotates_into_a_new_pair() {
        let mut ports = TestPorts::new();
        ports.sessions.expect_rotate().returning(|_, _| Ok(RotationOutcome::Rotated(session())));
        ports.users.expect_find_by_id().returning(|_| Ok(Some(user(false))));
        ports
            .signer
            .expect_sign()
            .withf(|c| c.session_id == Some(session().id))
            .returning(|_| Ok("jwt".into()));
        let issued = RefreshGrant::new(ports.build(), policies())
            .execute(request(), &RequestContext::default())
            .await
            .unwrap();
        let refresh = issued.refresh.unwrap();
        assert_ne!(refresh.token.expose(), "presented-token", "every refresh rotates");
    }

    #[tokio::test]
    async fn reused_refresh_token_revokes_the_chain() {
        let mut ports = TestPorts::new();
        let s = session();
        ports.sessions.expect_rotate().returning(move |_, _| {
            Ok(RotationOutcome::Reused { session_id: s.id, user_id: s.user_id })
        });
        ports
            .sessions
            .expect_revoke_session()
            .times(1)
            .withf(|id, owner, _, audit| {
                *id == session().id
                    && owner.is_none()
                    && audit.kind == AuditKind::RefreshReuseDetected
            })
            .returning(|_, _, _, _| Ok(true));
        let result = RefreshGrant::new(ports.build(), policies())
            .execute(request(), &RequestContext::default())
            .await;
        assert!(matches!(result, Err(GrantError::InvalidGrant)));
    }

    #[tokio::test]
    async fn a_disabled_user_gets_nothing_and_loses_the_session() {
        let mut ports = TestPorts::new();
        ports.sessions.expect_rotate().returning(|_, _| Ok(RotationOutcome::Rotated(session())));
        ports.users.expect_find_by_id().returning(|_| Ok(Some(user(true))));
        ports.sessions.expect_revoke_session().times(1).returning(|_, _, _, _| Ok(true));
        let result = RefreshGrant::new(ports.build(), policies())
            .execute(request(), &RequestContext::default())
            .await;
        assert!(matches!(result, Err(GrantError::InvalidGrant)));
    }

    #[tokio::test]
    async fn a_service_client_cannot_refresh() {
        let ports = TestPorts::new();
        let mut req = request();
        req.client.kind = genesis_domain::ClientKind::Service;
        let result = RefreshGrant::new(ports.build(), policies())
            .execute(req, &RequestContext::default())
            .await;
        assert!(matches!(result, Err(GrantError::UnauthorizedClient)));
    }
}
