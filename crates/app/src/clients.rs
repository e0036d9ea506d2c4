//! OAuth clients known to this server: the built-in `browser` client and those configured.

use std::collections::HashMap;

use genesis_domain::Scope;

/// The client a request without `client_id` belongs to.
pub const BROWSER_CLIENT_ID: &str = "browser";

/// What kind of client, which decides how tokens are delivered to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// Public; refresh token in a `__Host-` cookie.
    Browser,
    /// Public; refresh token in the body.
    Native,
    /// Confidential; client credentials.
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

    /// The configuration name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Browser => "browser",
            Self::Native => "native",
            Self::Service => "service",
        }
    }
}

/// A registered client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    pub kind: ClientKind,
    /// The scopes it may request; a request for any other is `invalid_scope`.
    pub allowed_scopes: Scope,
}

/// The clients this server knows, by id.
#[derive(Debug, Clone, Default)]
pub struct ClientRegistry {
    clients: HashMap<String, Client>,
}

impl ClientRegistry {
    /// The registry with the built-in browser client (allowed `browser_scopes`) and `others`.
    /// A configured client named `browser` replaces the built-in one.
    pub fn new(browser_scopes: Scope, others: Vec<Client>) -> Self {
        let mut clients = HashMap::new();
        let browser = Client {
            id: BROWSER_CLIENT_ID.to_owned(),
            kind: ClientKind::Browser,
            allowed_scopes: browser_scopes,
        };
        clients.insert(browser.id.clone(), browser);
        for client in others {
            clients.insert(client.id.clone(), client);
        }
        Self { clients }
    }

    /// The client with this id.
    pub fn get(&self, id: &str) -> Option<&Client> {
        self.clients.get(id)
    }
}
