//! The caller's own account: rename, change password, delete, each re-authenticated with the
//! current password.

use genesis_domain::{
    AuditEvent, AuditKind, Email, Outcome, Party, Password, PasswordPolicy, RequestContext, User,
    Username,
};
use genesis_ports::{CreateUserError, HashError};
use secrecy::{ExposeSecret, SecretString};

use crate::{FieldErrors, Infrastructure, Ports, Principal};

/// Why a self-service change failed.
#[derive(Debug, thiserror::Error)]
pub enum SelfServiceError {
    #[error("invalid request")]
    Invalid(FieldErrors),
    /// The current password is wrong (403).
    #[error("the current password is wrong")]
    WrongPassword,
    /// The new username or e-mail is taken; which one is not said.
    #[error("username or e-mail not available")]
    Duplicate,
    /// The caller's account is gone or disabled (401).
    #[error("the token's user is gone")]
    Gone,
    #[error("password hashing is saturated")]
    Busy,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

fn hash_error(err: HashError) -> SelfServiceError {
    match err {
        HashError::Busy => SelfServiceError::Busy,
        HashError::Unexpected(e) => Infrastructure::Unexpected(e).into(),
    }
}

/// The self-service use cases.
pub struct SelfService {
    ports: Ports,
    policy: PasswordPolicy,
}

impl SelfService {
    /// Builds the use cases with the configured password policy.
    pub fn new(ports: Ports, policy: PasswordPolicy) -> Self {
        Self { ports, policy }
    }

    fn event(&self, kind: AuditKind, who: &Principal, context: &RequestContext) -> AuditEvent {
        let me = Party::User(who.user_id.to_string());
        AuditEvent::new(kind, Outcome::Success, me.clone(), context, self.ports.clock.now())
            .target(me)
            .client(&who.client_id)
    }

    /// The caller's record, once the current password is proven.
    async fn reauthenticate(
        &self,
        who: &Principal,
        current: &SecretString,
        context: &RequestContext,
    ) -> Result<User, SelfServiceError> {
        let user = self.ports.users.find_by_id(who.user_id).await.map_err(Infrastructure::from)?;
        let user = user.filter(|u| !u.disabled).ok_or(SelfServiceError::Gone)?;
        let Ok(candidate) = Password::candidate(current.expose_secret()) else {
            return Err(SelfServiceError::WrongPassword);
        };
        if self.ports.hasher.verify(&candidate, &user.password_hash).await.map_err(hash_error)? {
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
        .detail("reason", "wrong_current_password");
        self.ports.audit.record(event).await.map_err(Infrastructure::from)?;
        Err(SelfServiceError::WrongPassword)
    }

    /// Changes the caller's username and/or e-mail.
    pub async fn rename(
        &self,
        who: &Principal,
        username: Option<String>,
        email: Option<String>,
        current: &SecretString,
        context: &RequestContext,
    ) -> Result<User, SelfServiceError> {
        let mut errors = FieldErrors::default();
        let username = username.and_then(|raw| errors.check("username", Username::parse(&raw)));
        let email = email.and_then(|raw| errors.check("email", Email::parse(&raw)));
        if !errors.is_empty() {
            return Err(SelfServiceError::Invalid(errors));
        }
        if username.is_none() && email.is_none() {
            errors.0.push(crate::FieldError {
                field: "username",
                message: "give a new username, a new e-mail, or both".into(),
            });
            return Err(SelfServiceError::Invalid(errors));
        }
        self.reauthenticate(who, current, context).await?;
        let now = self.ports.clock.now();
        let mut event = self.event(AuditKind::UserUpdated, who, context);
        if username.is_some() {
            event = event.detail("username", "changed");
        }
        if email.is_some() {
            event = event.detail("email", "changed");
        }
        match self.ports.users.rename(who.user_id, username, email, now, event).await {
            Ok(Some(user)) => Ok(user),
            Ok(None) => Err(SelfServiceError::Gone),
            Err(CreateUserError::Duplicate) => Err(SelfServiceError::Duplicate),
            Err(CreateUserError::Store(e)) => Err(Infrastructure::from(e).into()),
        }
    }

    /// Changes the caller's password and ends every other session of theirs.
    pub async fn change_password(
        &self,
        who: &Principal,
        current: &SecretString,
        new: &SecretString,
        context: &RequestContext,
    ) -> Result<(), SelfServiceError> {
        let user = self.reauthenticate(who, current, context).await?;
        let mut errors = FieldErrors::default();
        let new = errors
            .check(
                "new_password",
                self.policy.parse_new_for(
                    new.expose_secret(),
                    user.username.as_str(),
                    user.email.as_str(),
                ),
            )
            .ok_or(SelfServiceError::Invalid(errors))?;
        let hash = self.ports.hasher.hash(&new).await.map_err(hash_error)?;
        let event = self.event(AuditKind::PasswordChanged, who, context);
        let now = self.ports.clock.now();
        match self
            .ports
            .users
            .set_password(who.user_id, hash, who.session_id, now, event)
            .await
            .map_err(Infrastructure::from)?
        {
            true => Ok(()),
            false => Err(SelfServiceError::Gone),
        }
    }

    /// Deletes the caller's account, profile and sessions.
    pub async fn delete(
        &self,
        who: &Principal,
        current: &SecretString,
        context: &RequestContext,
    ) -> Result<(), SelfServiceError> {
        self.reauthenticate(who, current, context).await?;
        let event = self.event(AuditKind::UserDeleted, who, context);
        match self.ports.users.delete(who.user_id, event).await.map_err(Infrastructure::from)? {
            true => Ok(()),
            false => Err(SelfServiceError::Gone),
        }
    }
}
