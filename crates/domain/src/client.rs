//! OAuth clients: the built-in `browser` client, `native` apps and confidential `service`s.

use std::fmt;

use crate::{Scope, SecretDigest};

/// The client a request without `client_id` belongs to.
pub const BROWSER_CLIENT_ID: &str = "browser";

/// What kind of client, which decides how it authenticates and how tokens reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKind {
    /// Public; the refresh token travels only in a `__Host-` cookie.
    Browser,
    /// Public; the refresh token travels in the response body.
    Native,
    /// Confidential: id and secret, the `client_credentials` grant, may introspect.
    Service,
}

impl ClientKind {
    /// Parses `browser`, `native` or `service`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "browser" => Some(Self::Browser),
            "native" => Some(Self::Native),
            "service" => Some(Self::Service),
            _ => None,
        }
    }

    /// The configuration and storage name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Browser => "browser",
            Self::Native => "native",
            Self::Service => "service",
        }
    }
}

/// The OAuth grants Genesis implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantType {
    Password,
    RefreshToken,
    ClientCredentials,
}

impl GrantType {
    /// Parses the RFC 6749 name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "password" => Some(Self::Password),
            "refresh_token" => Some(Self::RefreshToken),
            "client_credentials" => Some(Self::ClientCredentials),
            _ => None,
        }
    }

    /// The RFC 6749 name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::RefreshToken => "refresh_token",
            Self::ClientCredentials => "client_credentials",
        }
    }

    /// The grants a kind of client may use when none are listed for it.
    pub fn defaults_for(kind: ClientKind) -> Vec<Self> {
        match kind {
            ClientKind::Browser | ClientKind::Native => vec![Self::Password, Self::RefreshToken],
            ClientKind::Service => vec![Self::ClientCredentials],
        }
    }
}

/// A registered client.
#[derive(Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    pub kind: ClientKind,
    /// The scopes it may request; asking for any other is `invalid_scope`.
    pub allowed_scopes: Scope,
    /// The grants it may use.
    pub grants: Vec<GrantType>,
    /// The digest of a service client's secret.
    pub secret_digest: Option<SecretDigest>,
}

impl Client {
    /// The built-in browser client: password and refresh grants, no scopes.
    pub fn browser() -> Self {
        Self {
            id: BROWSER_CLIENT_ID.to_owned(),
            kind: ClientKind::Browser,
            allowed_scopes: Scope::default(),
            grants: GrantType::defaults_for(ClientKind::Browser),
            secret_digest: None,
        }
    }

    /// True when the client may use `grant`.
    pub fn allows(&self, grant: GrantType) -> bool {
        self.grants.contains(&grant)
    }

    /// True when every requested scope is allowed.
    pub fn allows_scope(&self, requested: &Scope) -> bool {
        requested.tokens().all(|t| self.allowed_scopes.tokens().any(|a| a == t))
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("allowed_scopes", &self.allowed_scopes)
            .field("grants", &self.grants)
            .finish_non_exhaustive()
    }
}
