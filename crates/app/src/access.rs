//! Who may do what: the server decides from its own records, never from a token's `role`.

use genesis_domain::{AuditEvent, AuditKind, Outcome, Party, RequestContext, Role, User};

use crate::{Infrastructure, Ports, Principal};

/// Why access was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// Authenticated, but not allowed (403).
    #[error("forbidden")]
    Forbidden,
    /// The token's user no longer exists or is disabled (401).
    #[error("the token's user is gone or disabled")]
    Gone,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The authorisation use case.
pub struct Authorize {
    ports: Ports,
}

impl Authorize {
    /// Builds the use case.
    pub fn new(ports: Ports) -> Self {
        Self { ports }
    }

    /// The caller's own record when it is a live administrator; a refusal is audited.
    pub async fn admin(
        &self,
        who: &Principal,
        what: &str,
        context: &RequestContext,
    ) -> Result<User, AccessError> {
        let user = self.ports.users.find_by_id(who.user_id).await.map_err(Infrastructure::from)?;
        let user = user.filter(|u| !u.disabled).ok_or(AccessError::Gone)?;
        if user.role == Role::Admin {
            return Ok(user);
        }
        let event = AuditEvent::new(
            AuditKind::AccessDenied,
            Outcome::Failure,
            Party::User(who.user_id.to_string()),
            context,
            self.ports.clock.now(),
        )
        .client(&who.client_id)
        .detail("needed", "admin")
        .detail("action", what.chars().take(64).collect::<String>());
        self.ports.audit.record(event).await.map_err(Infrastructure::from)?;
        Err(AccessError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use genesis_domain::{Email, PasswordHash, Scope, UserId, Username};
    use uuid::Uuid;

    use super::*;
    use crate::test_support::{at, TestPorts};

    fn caller() -> Principal {
        Principal {
            user_id: UserId::from_uuid(Uuid::from_u128(1)),
            session_id: None,
            client_id: "browser".into(),
            scope: Scope::default(),
            token_id: Uuid::from_u128(2),
            expires_at: at(2_000_000_000),
        }
    }

    fn user(role: Role) -> User {
        User {
            id: caller().user_id,
            username: Username::parse("eve").unwrap(),
            email: Email::parse("eve@example.com").unwrap(),
            password_hash: PasswordHash::from_phc("h".into()),
            role,
            disabled: false,
            created_at: at(0),
            updated_at: at(0),
            last_login_at: None,
        }
    }

    #[tokio::test]
    async fn the_role_comes_from_the_store_not_the_token() {
        let mut ports = TestPorts::new();
        ports.users.expect_find_by_id().returning(|_| Ok(Some(user(Role::User))));
        ports
            .audit
            .expect_record()
            .times(1)
            .withf(|e| e.kind == AuditKind::AccessDenied)
            .returning(|_| Ok(()));
        let result = Authorize::new(ports.build())
            .admin(&caller(), "GET /users", &RequestContext::default())
            .await;
        assert!(matches!(result, Err(AccessError::Forbidden)));
    }

    #[tokio::test]
    async fn an_administrator_is_let_through() {
        let mut ports = TestPorts::new();
        ports.users.expect_find_by_id().returning(|_| Ok(Some(user(Role::Admin))));
        assert!(Authorize::new(ports.build())
            .admin(&caller(), "GET /users", &RequestContext::default())
            .await
            .is_ok());
    }
}
