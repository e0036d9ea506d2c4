//! Finding and authenticating clients: configured ones first, then registered ones.

use std::collections::HashMap;
use std::sync::Arc;

use genesis_domain::{Client, ClientKind, SecretToken, BROWSER_CLIENT_ID};
use genesis_ports::ClientRepository;

use crate::Infrastructure;

/// Why client authentication failed (always `401 invalid_client` to the caller).
#[derive(Debug, thiserror::Error)]
pub enum ClientAuthError {
    #[error("unknown client, wrong secret, or not a confidential client")]
    Invalid,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The clients this server knows: the built-in browser client, the `[[clients]]` of the
/// configuration (which win on a clash), and those registered with `genesis clients create`.
#[derive(Clone)]
pub struct Clients {
    configured: HashMap<String, Client>,
    registered: Arc<dyn ClientRepository>,
}

impl Clients {
    /// Builds the registry.
    pub fn new(configured: Vec<Client>, registered: Arc<dyn ClientRepository>) -> Self {
        let mut map = HashMap::new();
        map.insert(BROWSER_CLIENT_ID.to_owned(), Client::browser());
        for client in configured {
            map.insert(client.id.clone(), client);
        }
        Self { configured: map, registered }
    }

    /// The client with this id, if any.
    pub async fn find(&self, id: &str) -> Result<Option<Client>, Infrastructure> {
        if let Some(client) = self.configured.get(id) {
            return Ok(Some(client.clone()));
        }
        Ok(self.registered.find(id).await?)
    }

    /// True when `id` is a configured client (registering it again would be shadowed).
    pub fn is_configured(&self, id: &str) -> bool {
        self.configured.contains_key(id)
    }

    /// The client of a token request: a confidential client must present its secret (HTTP
    /// Basic or form); a public client only its id (the built-in browser client when none).
    pub async fn resolve(
        &self,
        id: Option<&str>,
        secret: Option<&SecretToken>,
    ) -> Result<Client, ClientAuthError> {
        let id = id.unwrap_or(BROWSER_CLIENT_ID);
        match secret {
            Some(secret) => self.authenticate(id, secret).await,
            None => match self.find(id).await? {
                Some(client) if client.kind != ClientKind::Service => Ok(client),
                _ => Err(ClientAuthError::Invalid),
            },
        }
    }

    /// Authenticates a confidential client by id and secret (SHA-256, constant-time compare).
    pub async fn authenticate(
        &self,
        id: &str,
        secret: &SecretToken,
    ) -> Result<Client, ClientAuthError> {
        let client = self.find(id).await?.ok_or(ClientAuthError::Invalid)?;
        match (&client.kind, &client.secret_digest) {
            (ClientKind::Service, Some(digest)) if secret.matches(digest) => Ok(client),
            _ => Err(ClientAuthError::Invalid),
        }
    }
}
