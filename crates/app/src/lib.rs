//! # genesis-app
//!
//! The use cases of Genesis, each a small struct over `Arc<dyn Port>`: register a user; the
//! password, refresh-token and client-credentials grants; authenticate a bearer token; revoke
//! and introspect tokens; the caller's sessions and profile; signing keys and clients.
//!
//! **May depend on:** `genesis-domain`, `genesis-ports`, and plain libraries (`anyhow`,
//! `thiserror`, `tracing`, `time`, `uuid`). Never on actix-web, sea-orm, josekit or argon2:
//! adapters are reached only through ports.
//!
//! **Key decision:** a use case returns one error enum whose variants are outcomes the caller
//! can act on (`InvalidGrant`, `Duplicate`, `Busy`, `Unavailable`), so the HTTP layer maps each
//! exactly once and never inspects a message. Every credential failure collapses into the same
//! variant before it leaves the use case.

mod access;
mod admin_users;
mod audit_trail;
mod authenticate;
mod client_admin;
mod client_credentials;
mod clients;
mod grant;
mod introspect;
mod issue;
mod keys;
mod login;
mod ports;
mod profiles;
mod refresh;
mod register;
mod revoke;
mod self_service;
mod sessions;
mod users;
mod validation;

pub use access::{AccessError, Authorize};
pub use admin_users::{AdminError, AdminUsers, UserPage};
pub use audit_trail::{AuditFilter, AuditPage, AuditReadError, AuditTrail};
pub use authenticate::{Authenticate, AuthenticateError, Principal};
pub use client_admin::{ClientAdmin, ClientAdminError, NewClientRequest};
pub use client_credentials::ClientCredentials;
pub use clients::{ClientAuthError, Clients};
pub use grant::GrantError;
pub use introspect::{Introspect, Introspection};
pub use issue::{IssuedRefresh, IssuedToken, RefreshDelivery, TokenPolicies};
pub use keys::{SigningKeys, SigningKeysError};
pub use login::{LoginRequest, PasswordLogin};
pub use ports::Ports;
pub use profiles::{ProfileInput, ProfileOpError, Profiles};
pub use refresh::{RefreshGrant, RefreshRequest};
pub use register::{Register, RegisterError, Registration};
pub use revoke::Revoke;
pub use self_service::{SelfService, SelfServiceError};
pub use sessions::{SessionOpError, Sessions};
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
