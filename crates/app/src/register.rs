//! Register a user: parse, hash, insert with its audit record.

use genesis_domain::{
    AuditEvent, AuditKind, Email, NewUser, Outcome, Party, PasswordPolicy, RequestContext, Role,
    User, UserId, Username,
};
use genesis_ports::{CreateUserError, HashError};

use crate::{FieldErrors, Infrastructure, Ports};

/// What a caller asks to register with: raw, unvalidated input.
#[derive(Debug, Clone)]
pub struct Registration {
    pub username: String,
    pub email: String,
    pub password: secrecy::SecretString,
    pub role: Role,
}

/// Why a registration failed.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("invalid registration")]
    Invalid(FieldErrors),
    /// The username or e-mail is taken; which one is not said.
    #[error("username or e-mail not available")]
    Duplicate,
    #[error("password hashing is saturated")]
    Busy,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The registration use case.
pub struct Register {
    ports: Ports,
    policy: PasswordPolicy,
}

impl Register {
    /// Builds the use case with the configured password policy.
    pub fn new(ports: Ports, policy: PasswordPolicy) -> Self {
        Self { ports, policy }
    }

    /// Registers a user. Nothing is written unless every field is valid.
    pub async fn execute(
        &self,
        input: Registration,
        context: &RequestContext,
    ) -> Result<User, RegisterError> {
        use secrecy::ExposeSecret;
        let mut errors = FieldErrors::default();
        let username = errors.check("username", Username::parse(&input.username));
        let email = errors.check("email", Email::parse(&input.email));
        let password = errors.check(
            "password",
            self.policy.parse_new_for(
                input.password.expose_secret(),
                &input.username,
                &input.email,
            ),
        );
        let (Some(username), Some(email), Some(password)) = (username, email, password) else {
            return Err(RegisterError::Invalid(errors));
        };

        let password_hash = self.ports.hasher.hash(&password).await.map_err(|err| match err {
            HashError::Busy => RegisterError::Busy,
            HashError::Unexpected(e) => Infrastructure::Unexpected(e).into(),
        })?;
        let now = self.ports.clock.now();
        let id = UserId::from_uuid(self.ports.ids.new_id());
        let user =
            NewUser { id, username, email, password_hash, role: input.role, created_at: now };
        let audit = AuditEvent::new(
            AuditKind::UserRegistered,
            Outcome::Success,
            Party::User(id.to_string()),
            context,
            now,
        )
        .target(Party::User(id.to_string()))
        .detail("role", input.role.as_str());
        self.ports.users.create(user, audit).await.map_err(|err| match err {
            CreateUserError::Duplicate => RegisterError::Duplicate,
            CreateUserError::Store(e) => Infrastructure::from(e).into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use genesis_domain::PasswordHash;
    use genesis_ports::{CreateUserError, HashError};
    use secrecy::SecretString;

    use super::*;
    use crate::test_support::TestPorts;

    fn input(password: &str) -> Registration {
        Registration {
            username: "ada".into(),
            email: "ada@example.com".into(),
            password: SecretString::from(password),
            role: Role::User,
        }
    }

    #[tokio::test]
    async fn a_valid_registration_stores_the_hash_never_the_password() {
        let mut ports = TestPorts::new();
        ports
            .hasher
            .expect_hash()
            .returning(|_| Ok(PasswordHash::from_phc("$argon2id$stub".into())));
        ports
            .users
            .expect_create()
            .withf(|user, audit| {
                user.password_hash.as_phc() == "$argon2id$stub"
                    && audit.kind == AuditKind::UserRegistered
            })
            .returning(|user, _| Ok(crate::test_support::stored(user)));
        let register = Register::new(ports.build(), PasswordPolicy::new(12));
        let user = register
            .execute(input("violet kettle drums at noon"), &RequestContext::default())
            .await
            .unwrap();
        assert_eq!(user.username.as_str(), "ada");
    }

    #[tokio::test]
    async fn an_invalid_registration_reports_every_field_and_writes_nothing() {
        let ports = TestPorts::new(); // no expectations: any call fails the test
        let register = Register::new(ports.build(), PasswordPolicy::new(12));
        let bad = Registration { username: "a".into(), email: "nope".into(), ..input("short") };
        let Err(RegisterError::Invalid(errors)) =
            register.execute(bad, &RequestContext::default()).await
        else {
            panic!("expected Invalid");
        };
        let fields: Vec<_> = errors.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["username", "email", "password"]);
        assert!(errors.0.iter().all(|e| !e.message.contains("short")));
    }

    #[tokio::test]
    async fn a_taken_username_or_email_is_a_duplicate() {
        let mut ports = TestPorts::new();
        ports.hasher.expect_hash().returning(|_| Ok(PasswordHash::from_phc("h".into())));
        ports.users.expect_create().returning(|_, _| Err(CreateUserError::Duplicate));
        let register = Register::new(ports.build(), PasswordPolicy::new(12));
        let result = register
            .execute(input("violet kettle drums at noon"), &RequestContext::default())
            .await;
        assert!(matches!(result, Err(RegisterError::Duplicate)));
    }

    #[tokio::test]
    async fn a_saturated_hasher_sheds_the_registration() {
        let mut ports = TestPorts::new();
        ports.hasher.expect_hash().returning(|_| Err(HashError::Busy));
        let register = Register::new(ports.build(), PasswordPolicy::new(12));
        let result = register
            .execute(input("violet kettle drums at noon"), &RequestContext::default())
            .await;
        assert!(matches!(result, Err(RegisterError::Busy)));
    }
}
