//! Audit events: what happened, to whom, by whom, from where. Never a secret.

use std::collections::BTreeMap;

use time::OffsetDateTime;

/// The kinds of security event Genesis records (CONTRACT §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditKind {
    UserRegistered,
    LoginSucceeded,
    LoginFailed,
    AccountThrottled,
    ProfileCreated,
    ProfileUpdated,
    ProfileDeleted,
    KeyRotated,
    KeyRetired,
    TokenRefreshed,
    RefreshReuseDetected,
    SessionLoggedOut,
    SessionRevoked,
    TokenRevoked,
    TokenIntrospected,
    ClientCreated,
    PasswordChanged,
    UserUpdated,
    UserDisabled,
    UserDeleted,
    RoleChanged,
    UsersListed,
    UserRead,
    AccessDenied,
}

impl AuditKind {
    /// The wire name, e.g. `login.failed`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::UserRegistered => "user.registered",
            Self::LoginSucceeded => "login.succeeded",
            Self::LoginFailed => "login.failed",
            Self::AccountThrottled => "account.throttled",
            Self::ProfileCreated => "profile.created",
            Self::ProfileUpdated => "profile.updated",
            Self::ProfileDeleted => "profile.deleted",
            Self::KeyRotated => "key.rotated",
            Self::KeyRetired => "key.retired",
            Self::TokenRefreshed => "token.refreshed",
            Self::RefreshReuseDetected => "refresh.reuse_detected",
            Self::SessionLoggedOut => "session.logged_out",
            Self::SessionRevoked => "session.revoked",
            Self::TokenRevoked => "token.revoked",
            Self::TokenIntrospected => "token.introspected",
            Self::ClientCreated => "client.created",
            Self::PasswordChanged => "password.changed",
            Self::UserUpdated => "user.updated",
            Self::UserDisabled => "user.disabled",
            Self::UserDeleted => "user.deleted",
            Self::RoleChanged => "role.changed",
            Self::UsersListed => "users.listed",
            Self::UserRead => "user.read",
            Self::AccessDenied => "access.denied",
        }
    }
}

/// Whether the action succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    /// `success` or `failure`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
        }
    }
}

/// Who acted or was acted upon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Party {
    User(String),
    Client(String),
    Key(String),
    Session(String),
    Anonymous,
}

impl Party {
    /// The `kind` of the party on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::User(_) => "user",
            Self::Client(_) => "client",
            Self::Key(_) => "key",
            Self::Session(_) => "session",
            Self::Anonymous => "anonymous",
        }
    }

    /// The party's id, when it has one.
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::User(id) | Self::Client(id) | Self::Key(id) | Self::Session(id) => Some(id),
            Self::Anonymous => None,
        }
    }
}

/// Where a request came from, as the HTTP adapter established it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    pub request_id: String,
    /// The client address (as trusted proxies report it).
    pub ip: Option<String>,
    /// The `User-Agent`, truncated.
    pub user_agent: Option<String>,
}

/// One security event, ready to be appended to the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub time: OffsetDateTime,
    pub kind: AuditKind,
    pub outcome: Outcome,
    pub actor: Party,
    pub target: Option<Party>,
    pub client_id: Option<String>,
    pub context: RequestContext,
    /// A small map of non-secret facts (e.g. the internal reason of a failed login).
    pub detail: BTreeMap<&'static str, String>,
}

impl AuditEvent {
    /// An event with no target, client or detail yet.
    pub fn new(
        kind: AuditKind,
        outcome: Outcome,
        actor: Party,
        context: &RequestContext,
        time: OffsetDateTime,
    ) -> Self {
        Self {
            time,
            kind,
            outcome,
            actor,
            target: None,
            client_id: None,
            context: context.clone(),
            detail: BTreeMap::new(),
        }
    }

    /// Sets the target.
    pub fn target(mut self, target: Party) -> Self {
        self.target = Some(target);
        self
    }

    /// Sets the OAuth client.
    pub fn client(mut self, client_id: &str) -> Self {
        self.client_id = Some(client_id.to_owned());
        self
    }

    /// Adds a non-secret detail.
    pub fn detail(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.detail.insert(key, value.into());
        self
    }
}
