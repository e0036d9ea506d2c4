//! # genesis-app
//!
//! The use cases of Genesis, each a small struct over `Arc<dyn Port>`: register a user, log in
//! with the password grant, authenticate a bearer token, read the current user, manage the
//! caller's own profile, keep a signing key ready.
//!
//! **May depend on:** `genesis-domain`, `genesis-ports`, and plain libraries (`anyhow`,
//! `thiserror`, `tracing`, `time`, `uuid`). Never on actix-web, sea-orm, josekit or argon2:
//! adapters are reached only through ports.
//!
//! **Key decision:** a use case returns one error enum whose variants are outcomes the caller
//! can act on (`InvalidGrant`, `Duplicate`, `Busy`, `Unavailable`), so the HTTP layer maps each
//! exactly once and never inspects a message. Every credential failure collapses into the same
//! variant before it leaves the use case.

mod authenticate;
mod clients;
mod keys;
mod login;
mod ports;
mod profiles;
mod register;
mod users;
mod validation;

pub use authenticate::{Authenticate, AuthenticateError, Principal};
pub use clients::{Client, ClientKind, ClientRegistry, BROWSER_CLIENT_ID};
pub use keys::{SigningKeys, SigningKeysError};
pub use login::{IssuedToken, LoginError, LoginRequest, PasswordLogin, SessionPolicy};
pub use ports::Ports;
pub use profiles::{ProfileInput, ProfileOpError, Profiles};
pub use register::{Register, RegisterError, Registration};
pub use users::{CurrentUser, CurrentUserError};
pub use validation::{FieldError, FieldErrors};

/// A failure of the infrastructure under a use case, shared by every operation's error.
#[derive(Debug, thiserror::Error)]
pub enum Infrastructure {
    /// A backing service is down or saturated: retry later (503).
    #[error("a backing service is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// A bug or corrupt data (500).
    #[error("unexpected failure")]
    Unexpected(#[source] anyhow::Error),
}

impl From<genesis_ports::StoreError> for Infrastructure {
    fn from(err: genesis_ports::StoreError) -> Self {
        match err {
            genesis_ports::StoreError::Unavailable(e) => Self::Unavailable(e),
            genesis_ports::StoreError::Unexpected(e) => Self::Unexpected(e),
        }
    }
}

impl From<genesis_ports::AuditError> for Infrastructure {
    fn from(err: genesis_ports::AuditError) -> Self {
        match err {
            genesis_ports::AuditError::Unavailable(e) => Self::Unavailable(e),
            genesis_ports::AuditError::Unexpected(e) => Self::Unexpected(e),
        }
    }
}

#[cfg(test)]
mod test_support;
