//! The password grant: look up, verify (dummy hash for unknown users), refuse disabled
//! accounts, start a session with its first refresh token, sign an access token, audit.

use genesis_domain::{
    AuditEvent, AuditKind, Client, GrantType, LockoutPolicy, NewRefreshToken, NewSession, Outcome,
    Party, Password, RequestContext, Scope, SecretToken, SessionId, User, Username,
};
use genesis_ports::HashError;

use crate::issue::{
    refresh_delivery, sign_access_token, IssuedRefresh, IssuedToken, Subject, TokenPolicies,
};
use crate::{GrantError, Infrastructure, Ports};

/// A password-grant request: raw input from the token endpoint, its client already resolved.
#[derive(Debug, Clone)]
pub struct LoginRequest {
    pub username: String,
    pub password: secrecy::SecretString,
    pub client: Client,
    pub scope: Option<String>,
}

/// The password-grant use case.
pub struct PasswordLogin {
    ports: Ports,
    policies: TokenPolicies,
    lockout: LockoutPolicy,
}

/// The throttling key of a typed username: its normalised key when it is a valid username,
/// else its lower-cased first 64 characters (so unknown names are throttled just the same).
fn account_key(typed: &str) -> String {
    match Username::parse(typed) {
        Ok(username) => username.key().to_owned(),
        Err(_) => typed.to_lowercase().chars().take(64).collect(),
    }
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

/// The requested scope, when the client may have it.
pub(crate) fn granted_scope(client: &Client, requested: Option<&str>) -> Result<Scope, GrantError> {
    let scope = match requested {
        None => Scope::default(),
        Some(raw) => Scope::parse(raw).ok_or(GrantError::InvalidScope)?,
    };
    if client.allows_scope(&scope) {
        Ok(scope)
    } else {
        Err(GrantError::InvalidScope)
    }
}

impl PasswordLogin {
    /// Builds the use case.
    pub fn new(ports: Ports, policies: TokenPolicies, lockout: LockoutPolicy) -> Self {
        Self { ports, policies, lockout }
    }

    /// A throttled account answers exactly like a wrong password, after the same work.
    async fn refuse_throttled(
        &self,
        request: &LoginRequest,
        until: time::OffsetDateTime,
        context: &RequestContext,
    ) -> Result<IssuedToken, GrantError> {
        use secrecy::ExposeSecret;
        if let Ok(password) = Password::candidate(request.password.expose_secret()) {
            self.ports.hasher.verify_dummy(&password).await.map_err(hash_error)?;
        }
        let event = AuditEvent::new(
            AuditKind::AccountThrottled,
            Outcome::Failure,
            Party::Anonymous,
            context,
            self.ports.clock.now(),
        )
        .client(&request.client.id)
        .detail("username", request.username.chars().take(64).collect::<String>())
        .detail("until", until.unix_timestamp().to_string());
        self.ports.audit.record(event).await.map_err(Infrastructure::from)?;
        Err(GrantError::InvalidGrant)
    }

    /// Checks the credentials and issues tokens for a new session.
    pub async fn execute(
        &self,
        request: LoginRequest,
        context: &RequestContext,
    ) -> Result<IssuedToken, GrantError> {
        let client = &request.client;
        if !client.allows(GrantType::Password) {
            return Err(GrantError::UnauthorizedClient);
        }
        let scope = granted_scope(client, request.scope.as_deref())?;
        let key = account_key(&request.username);
        let now = self.ports.clock.now();
        let throttle = self.ports.throttle.state(&key, now).await.map_err(Infrastructure::from)?;
        if let Some(until) = throttle.throttled_until {
            return self.refuse_throttled(&request, until, context).await;
        }

        let user = match self.check_credentials(&request).await? {
            Ok(user) => user,
            Err((refusal, username)) => {
                let now = self.ports.clock.now();
                let until = self
                    .ports
                    .throttle
                    .record_failure(&key, now, self.lockout)
                    .await
                    .map_err(Infrastructure::from)?;
                let mut event = AuditEvent::new(
                    AuditKind::LoginFailed,
                    Outcome::Failure,
                    Party::Anonymous,
                    context,
                    now,
                )
                .client(&client.id)
                .detail("reason", refusal.as_str())
                .detail("username", username);
                if let Some(until) = until {
                    event = event.detail("throttled_until", until.unix_timestamp().to_string());
                }
                self.ports.audit.record(event).await.map_err(Infrastructure::from)?;
                return Err(GrantError::InvalidGrant);
            }
        };
        if throttle.failures > 0 {
            // Most logins have no failures to forget: they skip this write.
            self.ports.throttle.record_success(&key).await.map_err(Infrastructure::from)?;
        }

        let now = self.ports.clock.now();
        let session = NewSession {
            id: SessionId::from_uuid(self.ports.ids.new_id()),
            user_id: user.id,
            client_id: client.id.clone(),
            scope: scope.clone(),
            created_at: now,
            expires_at: now + self.policies.refresh.absolute_ttl,
            ip: context.ip.clone(),
            user_agent: context.user_agent.clone(),
        };
        let refresh = refresh_delivery(client.kind).map(|delivery| IssuedRefresh {
            token: SecretToken::from_random(self.ports.ids.secret()),
            session_seconds_left: (session.expires_at - now).whole_seconds(),
            delivery,
        });
        let first_refresh = refresh.as_ref().map(|issued| NewRefreshToken {
            digest: issued.token.digest(),
            session_id: session.id,
            created_at: now,
            expires_at: self.policies.refresh.token_expiry(now, session.expires_at),
        });
        let subject = Subject {
            id: user.id.to_string(),
            client,
            scope: &scope,
            session_id: Some(session.id),
            role: Some(user.role),
        };
        let access_token = sign_access_token(&self.ports, &self.policies.access, subject, now)?;
        let event = AuditEvent::new(
            AuditKind::LoginSucceeded,
            Outcome::Success,
            Party::User(user.id.to_string()),
            context,
            now,
        )
        .target(Party::Session(session.id.to_string()))
        .client(&client.id);
        self.ports
            .sessions
            .start(session, first_refresh, event)
            .await
            .map_err(Infrastructure::from)?;
        Ok(IssuedToken {
            access_token,
            expires_in: self.policies.access.ttl().whole_seconds(),
            scope,
            refresh,
        })
    }

    /// The user when the credentials are right; otherwise why not, and the username as typed
    /// (for the audit trail). Always spends one password verification.
    async fn check_credentials(
        &self,
        request: &LoginRequest,
    ) -> Result<Result<User, (Refusal, String)>, GrantError> {
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

fn hash_error(err: HashError) -> GrantError {
    match err {
        HashError::Busy => GrantError::Busy,
        HashError::Unexpected(e) => Infrastructure::Unexpected(e).into(),
    }
}

#[cfg(test)]
mod tests {
    use genesis_domain::{Email, PasswordHash, Role, UserId};
    use genesis_ports::ThrottleState;
    use secrecy::SecretString;
    use uuid::Uuid;

    use super::*;
    use crate::test_support::{at, policies, TestPorts};

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

    fn lockout() -> LockoutPolicy {
        LockoutPolicy {
            max_failures: 3,
            base_delay: time::Duration::seconds(60),
            max_delay: time::Duration::seconds(900),
        }
    }

    fn login(mut ports: TestPorts) -> PasswordLogin {
        ports.throttle.expect_state().returning(|_, _| Ok(ThrottleState::default()));
        ports.throttle.expect_record_failure().returning(|_, _, _| Ok(None));
        ports.throttle.expect_record_success().returning(|_| Ok(()));
        PasswordLogin::new(ports.build(), policies(), lockout())
    }

    #[tokio::test]
    async fn a_throttled_account_answers_like_a_wrong_password_after_the_same_work() {
        let mut ports = TestPorts::new();
        ports.throttle.expect_state().returning(|_, _| {
            Ok(ThrottleState { failures: 5, throttled_until: Some(at(1_900_000_000)) })
        });
        ports.hasher.expect_verify_dummy().times(1).returning(|_| Ok(()));
        ports
            .audit
            .expect_record()
            .times(1)
            .withf(|e| e.kind == AuditKind::AccountThrottled)
            .returning(|_| Ok(()));
        let login = PasswordLogin::new(ports.build(), policies(), lockout());
        let result =
            login.execute(request("alice", "right password"), &RequestContext::default()).await;
        assert!(matches!(result, Err(GrantError::InvalidGrant)));
    }

    fn request(username: &str, password: &str) -> LoginRequest {
        LoginRequest {
            username: username.into(),
            password: SecretString::from(password),
            client: Client::browser(),
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
            .withf(|_, refresh, audit| refresh.is_some() && audit.kind == AuditKind::LoginSucceeded)
            .returning(|_, _, _| Ok(()));
        let issued = login(ports)
            .execute(request("Alice", "right password"), &RequestContext::default())
            .await
            .unwrap();
        assert_eq!(issued.access_token, "signed.jwt.token");
        assert_eq!(issued.expires_in, 900);
        let refresh = issued.refresh.unwrap();
        assert_eq!(
            refresh.delivery,
            crate::RefreshDelivery::Cookie,
            "browser clients get the cookie"
        );
    }

    #[tokio::test]
    async fn the_stored_refresh_token_is_the_digest_of_the_one_handed_out() {
        let stored = std::sync::Arc::new(std::sync::Mutex::new(None));
        let mut ports = TestPorts::new();
        ports.users.expect_find_by_username().returning(|_| Ok(Some(alice(false))));
        ports.hasher.expect_verify().returning(|_, _| Ok(true));
        ports.signer.expect_sign().returning(|_| Ok("t".into()));
        let keep = stored.clone();
        ports.sessions.expect_start().returning(move |_, refresh, _| {
            *keep.lock().unwrap() = refresh.map(|r| r.digest);
            Ok(())
        });
        let issued = login(ports)
            .execute(request("alice", "right password"), &RequestContext::default())
            .await
            .unwrap();
        let handed_out = issued.refresh.unwrap().token;
        assert!(handed_out.matches(stored.lock().unwrap().as_ref().unwrap()));
    }

    #[tokio::test]
    async fn a_success_forgets_earlier_failures_and_only_then_writes_the_throttle() {
        for (failures, resets) in [(0_u32, 0_usize), (2, 1)] {
            let mut ports = TestPorts::new();
            ports
                .throttle
                .expect_state()
                .returning(move |_, _| Ok(ThrottleState { failures, throttled_until: None }));
            ports.throttle.expect_record_success().times(resets).returning(|_| Ok(()));
            ports.users.expect_find_by_username().returning(|_| Ok(Some(alice(false))));
            ports.hasher.expect_verify().returning(|_, _| Ok(true));
            ports.signer.expect_sign().returning(|_| Ok("t".into()));
            ports.sessions.expect_start().returning(|_, _, _| Ok(()));
            let login = PasswordLogin::new(ports.build(), policies(), lockout());
            let result =
                login.execute(request("alice", "right password"), &RequestContext::default()).await;
            assert!(result.is_ok(), "{failures} failures before");
        }
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
        assert!(matches!(result, Err(GrantError::InvalidGrant)));
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
            assert!(matches!(result, Err(GrantError::InvalidGrant)));
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
        assert!(matches!(result, Err(GrantError::Infrastructure(Infrastructure::Unavailable(_)))));
    }

    #[tokio::test]
    async fn a_scope_the_client_may_not_request_is_refused_before_any_lookup() {
        let ports = TestPorts::new();
        let mut req = request("alice", "pw");
        req.scope = Some("admin".into());
        let result = login(ports).execute(req, &RequestContext::default()).await;
        assert!(matches!(result, Err(GrantError::InvalidScope)));
    }
}
