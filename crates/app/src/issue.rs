//! Issuing access and refresh tokens: shared by every grant.

use genesis_domain::{
    AccessGrant, AccessTokenPolicy, Client, ClientKind, RefreshPolicy, Role, Scope, SecretToken,
    SessionId,
};
use genesis_ports::SignError;
use time::OffsetDateTime;

use crate::{Infrastructure, Ports};

/// How the refresh token reaches the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshDelivery {
    /// Browser clients: only in the `__Host-` cookie, never in the body.
    Cookie,
    /// Native clients: in the response body.
    Body,
}

/// A refresh token handed out once, to its owner.
#[derive(Debug, Clone)]
pub struct IssuedRefresh {
    pub token: SecretToken,
    /// Seconds until its session ends (the cookie's lifetime).
    pub session_seconds_left: i64,
    pub delivery: RefreshDelivery,
}

/// The result of a successful grant.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub access_token: String,
    pub expires_in: i64,
    pub scope: Scope,
    pub refresh: Option<IssuedRefresh>,
}

/// Token lifetimes and claims.
#[derive(Debug, Clone)]
pub struct TokenPolicies {
    pub access: AccessTokenPolicy,
    pub refresh: RefreshPolicy,
}

/// Who an access token is for.
pub(crate) struct Subject<'a> {
    pub id: String,
    pub client: &'a Client,
    pub scope: &'a Scope,
    pub session_id: Option<SessionId>,
    pub role: Option<Role>,
}

/// Signs an access token for `subject` at `now`.
pub(crate) fn sign_access_token(
    ports: &Ports,
    policy: &AccessTokenPolicy,
    subject: Subject<'_>,
    now: OffsetDateTime,
) -> Result<String, Infrastructure> {
    let claims = policy.claims_for(
        AccessGrant {
            subject: &subject.id,
            client_id: &subject.client.id,
            token_id: ports.ids.new_id(),
            scope: subject.scope,
            session_id: subject.session_id,
            role: subject.role,
        },
        now,
    );
    ports.signer.sign(&claims).map_err(|err| match err {
        SignError::NoActiveKey => {
            Infrastructure::Unexpected(anyhow::anyhow!("no active signing key"))
        }
        SignError::Unexpected(e) => Infrastructure::Unexpected(e),
    })
}

/// How a client of this kind receives refresh tokens; `None` for clients that get none.
pub(crate) fn refresh_delivery(kind: ClientKind) -> Option<RefreshDelivery> {
    match kind {
        ClientKind::Browser => Some(RefreshDelivery::Cookie),
        ClientKind::Native => Some(RefreshDelivery::Body),
        ClientKind::Service => None,
    }
}
