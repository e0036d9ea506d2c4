//! What the handlers need: the use cases, built by the binary, and a few public facts.

use std::sync::Arc;

use genesis_app::{
    AdminUsers, AuditTrail, Authenticate, Authorize, ClientCredentials, Clients, CurrentUser,
    Introspect, PasswordLogin, Profiles, RefreshGrant, Register, Revoke, SelfService, Sessions,
};
use genesis_ports::{KeyMaterial, RateLimiter, Readiness};

/// The use cases behind the routes.
pub struct HttpState {
    pub register: Register,
    pub login: PasswordLogin,
    pub refresh: RefreshGrant,
    pub client_credentials: ClientCredentials,
    pub clients: Clients,
    pub authenticate: Authenticate,
    pub authorize: Authorize,
    pub admin_users: AdminUsers,
    pub audit_trail: AuditTrail,
    pub self_service: SelfService,
    pub revoke: Revoke,
    pub introspect: Introspect,
    pub sessions: Sessions,
    pub current_user: CurrentUser,
    pub profiles: Profiles,
    pub keys: Arc<dyn KeyMaterial>,
    pub readiness: Arc<dyn Readiness>,
    pub rate_limiter: Arc<dyn RateLimiter>,
    /// Renders the Prometheus exposition (`GET /metrics`); `None` disables the route.
    pub metrics: Option<Arc<dyn Fn() -> String + Send + Sync>>,
    pub site: Site,
}

/// Public facts about this deployment, for discovery and cookie checks.
#[derive(Debug, Clone)]
pub struct Site {
    /// `server.public_url`: the issuer.
    pub issuer: String,
    /// The JWS algorithm tokens are signed with.
    pub signing_algorithm: String,
    /// Origins (besides the issuer's own) allowed to refresh through the cookie.
    pub allowed_origins: Vec<String>,
    /// Scopes some client may request, for discovery.
    pub scopes: Vec<String>,
    /// Proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Site {
    /// The issuer's origin: scheme, host and port, no path.
    pub fn own_origin(&self) -> String {
        let (scheme, rest) = self.issuer.split_once("://").unwrap_or(("https", &self.issuer));
        let host = rest.split('/').next().unwrap_or(rest);
        format!("{scheme}://{host}")
    }
}
