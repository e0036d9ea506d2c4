//! Log in with the password grant: look up, verify (dummy hash for unknown users), refuse
//! disabled accounts, start a session, sign an access token, audit.

use genesis_domain::{
    AccessGrant, AccessTokenPolicy, AuditEvent, AuditKind, NewSession, Outcome, Party, Password,
    RequestContext, Scope, SessionId, User, Username,
};
use genesis_ports::{HashError, SignError};
use time::Duration;

use crate::{ClientRegistry, Infrastructure, Ports};

/// A password-grant request: raw input from the token endpoint.
#[derive(Debug, Clone)]
pub struct LoginRequest {
    pub username: String,
    pub password: secrecy::SecretString,
    pub client_id: String,
    pub scope: Option<String>,
}

/// How long a session lives after its login, however it is used.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub absolute_ttl: Duration,
}

/// An issued access token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub access_token: String,
    pub expires_in: i64,
    pub scope: Scope,
}

/// Why a login failed. Every credential problem is `InvalidGrant`, whatever its cause.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown user, wrong password, disabled account: one answer for all.
    #[error("invalid grant")]
    InvalidGrant,
    /// The client id names no client of ours.
    #[error("invalid client")]
    InvalidClient,
    /// A requested scope is malformed or not allowed for the client.
    #[error("invalid scope")]
    InvalidScope,
    #[error("password hashing is saturated")]
    Busy,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The password-grant use case.
pub struct PasswordLogin {
    ports: Ports,
    clients: ClientRegistry,
    tokens: AccessTokenPolicy,
    sessions: SessionPolicy,
}

/// Why the credentials were refused, kept for the audit trail only.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    UnknownUser,
    WrongPassword,
    Disabled,
}

impl Refusal {
    fn as_str(self) -> &'static str {
        match self {
            Self::UnknownUser => "unknown_user",
            Self::WrongPassword => "wrong_password",
            Self::Disabled => "disabled",
        }
    }
}

impl PasswordLogin {
    /// Builds the use case.
    pub fn new(
        ports: Ports,
        clients: ClientRegistry,
        tokens: AccessTokenPolicy,
        sessions: SessionPolicy,
    ) -> Self {
        Self { ports, clients, tokens, sessions }
    }

    /// Checks the credentials and issues an access token for a new session.
    pub async fn execute(
        &self,
        request: LoginRequest,
        context: &RequestContext,
    ) -> Result<IssuedToken, LoginError> {
        let client = self.clients.get(&request.client_id).ok_or(LoginError::InvalidClient)?;
        let scope = match request.scope.as_deref() {
            None => Scope::default(),
            Some(raw) => Scope::parse(raw).ok_or(LoginError::InvalidScope)?,
        };
        if !scope.tokens().all(|t| client.allowed_scopes.tokens().any(|a| a == t)) {
            return Err(LoginError::InvalidScope);
        }

        let user = match self.check_credentials(&request).await? {
            Ok(user) => user,
            Err((refusal, username)) => {
                let now = self.ports.clock.now();
                let event = AuditEvent::new(
                    AuditKind::LoginFailed,
                    Outcome::Failure,
                    Party::Anonymous,
                    context,
                    now,
                )
                .client(&client.id)
                .detail("reason", refusal.as_str())
                .detail("username", username);
                self.ports.audit.record(event).await.map_err(Infrastructure::from)?;
                return Err(LoginError::InvalidGrant);
            }
        };

        let now = self.ports.clock.now();
        let session = NewSession {
            id: SessionId::from_uuid(self.ports.ids.new_id()),
            user_id: user.id,
            client_id: client.id.clone(),
            created_at: now,
            expires_at: now + self.sessions.absolute_ttl,
            ip: context.ip.clone(),
            user_agent: context.user_agent.clone(),
        };
        let claims = self.tokens.claims_for(
            AccessGrant {
                subject: user.id,
                client_id: &client.id,
                token_id: self.ports.ids.new_id(),
                scope: &scope,
                session_id: Some(session.id),
                role: Some(user.role),
            },
            now,
        );
        let access_token = self.ports.signer.sign(&claims).map_err(|err| match err {
            SignError::NoActiveKey => {
                Infrastructure::Unexpected(anyhow::anyhow!("no active signing key"))
            }
            SignError::Unexpected(e) => Infrastructure::Unexpected(e),
        })?;
        let event = AuditEvent::new(
            AuditKind::LoginSucceeded,
            Outcome::Success,
            Party::User(user.id.to_string()),
            context,
            now,
        )
        .target(Party::Session(session.id.to_string()))
        .client(&client.id);
        self.ports.sessions.start(session, event).await.map_err(Infrastructure::from)?;
        Ok(IssuedToken { access_token, expires_in: self.tokens.ttl().whole_seconds(), scope })
    }

    /// The user when the credentials are right; otherwise why not, and the username as typed
    /// (for the audit trail). Always spends one password verification.
    async fn check_credentials(
        &self,
        request: &LoginRequest,
    ) -> Result<Result<User, (Refusal, String)>, LoginError> {
        use secrecy::ExposeSecret;
        let typed = request.username.chars().take(64).collect::<String>();
        let Ok(password) = Password::candidate(request.password.expose_secret()) else {
            // Over the byte bound: it cannot match any stored password.
            return Ok(Err((Refusal::WrongPassword, typed)));
        };
        let user = match Username::parse(&request.username) {
            Ok(username) => {
                self.ports.users.find_by_username(&username).await.map_err(Infrastructure::from)?
            }
            Err(_) => None,
        };
        let Some(user) = user else {
            self.ports.hasher.verify_dummy(&password).await.map_err(hash_error)?;
            return Ok(Err((Refusal::UnknownUser, typed)));
        };
        if !self.ports.hasher.verify(&password, &user.password_hash).await.map_err(hash_error)? {
            return Ok(Err((Refusal::WrongPassword, typed)));
        }
        if user.disabled {
            return Ok(Err((Refusal::Disabled, typed)));
        }
        Ok(Ok(user))
    }
}

fn hash_error(err: HashError) -> LoginError {
    match err {
        HashError::Busy => LoginError::Busy,
        HashError::Unexpected(e) => Infrastructure::Unexpected(e).into(),
    }
}

#[cfg(test)]
mod tests {
    use genesis_domain::{Email, PasswordHash, Role, UserId};
    use secrecy::SecretString;
    use uuid::Uuid;

    use super::*;
    use crate::test_support::{at, TestPorts};

    fn alice(disabled: bool) -> User {
        User {
            id: UserId::from_uuid(Uuid::from_u128(7)),
            username: Username::parse("alice").unwrap(),
            email: Email::parse("alice@example.com").unwrap(),
            password_hash: PasswordHash::from_phc("$argon2id$alice".into()),
            role: Role::User,
            disabled,
            created_at: at(0),
            updated_at: at(0),
            last_login_at: None,
        }
    }

    fn login(ports: TestPorts) -> PasswordLogin {
        PasswordLogin::new(
            ports.build(),
            ClientRegistry::new(Scope::default(), vec![]),
            AccessTokenPolicy::new(900, "http://issuer", "genesis-api").unwrap(),
            SessionPolicy { absolute_ttl: Duration::days(30) },
        )
    }

    fn request(username: &str, password: &str) -> LoginRequest {
        LoginRequest {
            username: username.into(),
            password: SecretString::from(password),
            client_id: "browser".into(),
            scope: None,
        }
    }

    #[tokio::test]
    async fn right_credentials_start_a_session_and_return_a_signed_token() {
        let mut ports = TestPorts::new();
        ports.users.expect_find_by_username().returning(|_| Ok(Some(alice(false))));
        ports.hasher.expect_verify().returning(|_, _| Ok(true));
        ports
            .signer
            .expect_sign()
            .withf(|claims| {
                claims.subject == alice(false).id.to_string() && claims.session_id.is_some()
            })
            .returning(|_| Ok("signed.jwt.token".into()));
        ports
            .sessions
            .expect_start()
            .times(1)
            .withf(|_, audit| audit.kind == AuditKind::LoginSucceeded)
            .returning(|_, _| Ok(()));
        let issued = login(ports)
            .execute(request("Alice", "right password"), &RequestContext::default())
            .await
            .unwrap();
        assert_eq!(issued.access_token, "signed.jwt.token");
        assert_eq!(issued.expires_in, 900);
    }

    #[tokio::test]
    async fn an_unknown_user_costs_a_dummy_verification_and_is_an_invalid_grant() {
        let mut ports = TestPorts::new();
        ports.users.expect_find_by_username().returning(|_| Ok(None));
        ports.hasher.expect_verify_dummy().times(1).returning(|_| Ok(()));
        ports
            .audit
            .expect_record()
            .times(1)
            .withf(|e| e.detail.get("reason").map(String::as_str) == Some("unknown_user"))
            .returning(|_| Ok(()));
        let result = login(ports)
            .execute(request("nobody", "whatever pw"), &RequestContext::default())
            .await;
        assert!(matches!(result, Err(LoginError::InvalidGrant)));
    }

    #[tokio::test]
    async fn a_wrong_password_and_a_disabled_account_answer_alike() {
        for (disabled, password_ok) in [(false, false), (true, true)] {
            let mut ports = TestPorts::new();
            ports.users.expect_find_by_username().returning(move |_| Ok(Some(alice(disabled))));
            ports.hasher.expect_verify().returning(move |_, _| Ok(password_ok));
            ports.audit.expect_record().times(1).returning(|_| Ok(()));
            let result = login(ports)
                .execute(request("alice", "some password"), &RequestContext::default())
                .await;
            assert!(matches!(result, Err(LoginError::InvalidGrant)));
        }
    }

    #[tokio::test]
    async fn a_failed_login_is_refused_when_its_audit_record_cannot_be_kept() {
        let mut ports = TestPorts::new();
        ports.users.expect_find_by_username().returning(|_| Ok(None));
        ports.hasher.expect_verify_dummy().returning(|_| Ok(()));
        ports
            .audit
            .expect_record()
            .returning(|_| Err(genesis_ports::AuditError::Unavailable(anyhow::anyhow!("down"))));
        let result = login(ports)
            .execute(request("nobody", "whatever pw"), &RequestContext::default())
            .await;
        assert!(matches!(result, Err(LoginError::Infrastructure(Infrastructure::Unavailable(_)))));
    }

    #[tokio::test]
    async fn a_scope_the_client_may_not_request_is_refused_before_any_lookup() {
        let ports = TestPorts::new();
        let mut req = request("alice", "pw");
        req.scope = Some("admin".into());
        let result = login(ports).execute(req, &RequestContext::default()).await;
        assert!(matches!(result, Err(LoginError::InvalidScope)));
    }

    #[tokio::test]
    async fn an_unknown_client_is_refused() {
        let ports = TestPorts::new();
        let mut req = request("alice", "pw");
        req.client_id = "nope".into();
        let result = login(ports).execute(req, &RequestContext::default()).await;
        assert!(matches!(result, Err(LoginError::InvalidClient)));
    }
}
