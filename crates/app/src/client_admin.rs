//! Registering clients (`genesis clients create | list`).

use genesis_domain::{
    AuditEvent, AuditKind, Client, ClientKind, GrantType, Outcome, Party, RequestContext, Scope,
    SecretToken,
};
use genesis_ports::CreateClientError;

use crate::{Clients, Infrastructure, Ports};

/// What an operator asks to register.
#[derive(Debug, Clone)]
pub struct NewClientRequest {
    pub id: String,
    pub kind: ClientKind,
    /// A service client's secret; generated (256 bits) when `None`.
    pub secret: Option<SecretToken>,
    pub grants: Vec<String>,
    pub scopes: Vec<String>,
}

/// Why a client could not be registered.
#[derive(Debug, thiserror::Error)]
pub enum ClientAdminError {
    #[error("{0}")]
    Invalid(&'static str),
    #[error("a client with this id exists")]
    Duplicate,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// Shortest secret accepted for a service client.
const MIN_SECRET_CHARS: usize = 32;

/// The client administration use cases.
pub struct ClientAdmin {
    ports: Ports,
    clients: Clients,
}

impl ClientAdmin {
    /// Builds the use cases.
    pub fn new(ports: Ports, clients: Clients) -> Self {
        Self { ports, clients }
    }

    /// Registers a client. Returns it and, for a service client, the secret to hand to its
    /// operator (the only time it is ever visible: only its digest is stored).
    pub async fn create(
        &self,
        request: NewClientRequest,
        context: &RequestContext,
    ) -> Result<(Client, Option<SecretToken>), ClientAdminError> {
        let valid_id = !request.id.is_empty()
            && request.id.len() <= 128
            && request.id.bytes().all(|b| b.is_ascii_graphic());
        if !valid_id {
            return Err(ClientAdminError::Invalid(
                "the client id must be 1 to 128 printable ASCII characters",
            ));
        }
        if self.clients.is_configured(&request.id) {
            return Err(ClientAdminError::Duplicate);
        }
        let grants = if request.grants.is_empty() {
            GrantType::defaults_for(request.kind)
        } else {
            request.grants.iter().map(|g| GrantType::parse(g)).collect::<Option<Vec<_>>>().ok_or(
                ClientAdminError::Invalid(
                    "grants must be password, refresh_token or client_credentials",
                ),
            )?
        };
        let allowed_scopes = Scope::parse(&request.scopes.join(" "))
            .ok_or(ClientAdminError::Invalid("a scope holds a forbidden character"))?;
        let secret = match (request.kind, request.secret) {
            (ClientKind::Service, Some(secret))
                if secret.expose().chars().count() >= MIN_SECRET_CHARS =>
            {
                Some(secret)
            }
            (ClientKind::Service, Some(_)) => {
                return Err(ClientAdminError::Invalid(
                    "a service client's secret must be at least 32 characters",
                ))
            }
            (ClientKind::Service, None) => Some(SecretToken::from_random(self.ports.ids.secret())),
            (_, Some(_)) => {
                return Err(ClientAdminError::Invalid("only service clients have a secret"))
            }
            (_, None) => None,
        };
        let client = Client {
            id: request.id,
            kind: request.kind,
            allowed_scopes,
            grants,
            secret_digest: secret.as_ref().map(SecretToken::digest),
        };
        let now = self.ports.clock.now();
        let audit = AuditEvent::new(
            AuditKind::ClientCreated,
            Outcome::Success,
            Party::Anonymous,
            context,
            now,
        )
        .target(Party::Client(client.id.clone()))
        .detail("kind", client.kind.as_str());
        self.ports.clients.create(client.clone(), now, audit).await.map_err(|err| match err {
            CreateClientError::Duplicate => ClientAdminError::Duplicate,
            CreateClientError::Store(e) => Infrastructure::from(e).into(),
        })?;
        Ok((client, secret))
    }

    /// Every registered client (configured ones are in the configuration).
    pub async fn list(&self) -> Result<Vec<Client>, Infrastructure> {
        Ok(self.ports.clients.list().await?)
    }
}
