//! Administering users: list, read, change role or disabled flag, delete. The caller has been
//! authorised as an administrator (`Authorize::admin`) before any of these runs.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use genesis_domain::{AuditEvent, AuditKind, Outcome, Party, RequestContext, Role, User, UserId};
use genesis_ports::{AdminChange, UserQuery};

use crate::{Infrastructure, Ports};

/// Default and largest page sizes of the user list.
const DEFAULT_LIMIT: u64 = 20;
const MAX_LIMIT: u64 = 100;

/// One page of the user list.
#[derive(Debug, Clone)]
pub struct UserPage {
    pub items: Vec<User>,
    /// Opaque; pass it back as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

/// Why an administrative operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    Invalid(&'static str),
    #[error("no such user")]
    NotFound,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The user-administration use cases.
pub struct AdminUsers {
    ports: Ports,
}

impl AdminUsers {
    /// Builds the use cases.
    pub fn new(ports: Ports) -> Self {
        Self { ports }
    }

    fn event(&self, kind: AuditKind, admin: &User, context: &RequestContext) -> AuditEvent {
        AuditEvent::new(
            kind,
            Outcome::Success,
            Party::User(admin.id.to_string()),
            context,
            self.ports.clock.now(),
        )
    }

    /// A page of users by username, optionally those whose username or e-mail contains `q`.
    pub async fn list(
        &self,
        admin: &User,
        limit: Option<u64>,
        cursor: Option<&str>,
        q: Option<&str>,
        context: &RequestContext,
    ) -> Result<UserPage, AdminError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(AdminError::Invalid("limit must be between 1 and 100"));
        }
        let after = match cursor {
            None => None,
            Some(cursor) => {
                let bytes = URL_SAFE_NO_PAD
                    .decode(cursor)
                    .map_err(|_| AdminError::Invalid("cursor is not one this server issued"))?;
                Some(
                    String::from_utf8(bytes)
                        .map_err(|_| AdminError::Invalid("cursor is not one this server issued"))?,
                )
            }
        };
        let search = q.map(str::to_lowercase);
        if search.as_ref().is_some_and(|s| s.chars().count() > 254) {
            return Err(AdminError::Invalid("q must be at most 254 characters"));
        }
        let mut items = self
            .ports
            .users
            .list(UserQuery { limit: limit + 1, after, search })
            .await
            .map_err(Infrastructure::from)?;
        let next_cursor = if items.len() as u64 > limit {
            items.truncate(limit as usize);
            items.last().map(|u| URL_SAFE_NO_PAD.encode(u.username.key()))
        } else {
            None
        };
        let event = self
            .event(AuditKind::UsersListed, admin, context)
            .detail("count", items.len().to_string());
        self.ports.audit.record(event).await.map_err(Infrastructure::from)?;
        Ok(UserPage { items, next_cursor })
    }

    /// One user.
    pub async fn get(
        &self,
        admin: &User,
        id: UserId,
        context: &RequestContext,
    ) -> Result<User, AdminError> {
        let user = self
            .ports
            .users
            .find_by_id(id)
            .await
            .map_err(Infrastructure::from)?
            .ok_or(AdminError::NotFound)?;
        let event =
            self.event(AuditKind::UserRead, admin, context).target(Party::User(id.to_string()));
        self.ports.audit.record(event).await.map_err(Infrastructure::from)?;
        Ok(user)
    }

    /// Changes a user's role and/or disabled flag. Disabling ends every session of the user.
    /// An administrator cannot demote or disable themselves (so the last one cannot lock
    /// everybody out by accident).
    pub async fn update(
        &self,
        admin: &User,
        id: UserId,
        change: AdminChange,
        context: &RequestContext,
    ) -> Result<User, AdminError> {
        if change.role.is_none() && change.disabled.is_none() {
            return Err(AdminError::Invalid("give role, disabled, or both"));
        }
        if id == admin.id
            && (change.role.is_some_and(|r| r != Role::Admin) || change.disabled == Some(true))
        {
            return Err(AdminError::Invalid("administrators cannot demote or disable themselves"));
        }
        let current = self
            .ports
            .users
            .find_by_id(id)
            .await
            .map_err(Infrastructure::from)?
            .ok_or(AdminError::NotFound)?;
        let target = Party::User(id.to_string());
        let mut events =
            vec![self.event(AuditKind::UserUpdated, admin, context).target(target.clone())];
        if let Some(role) = change.role.filter(|r| *r != current.role) {
            events.push(
                self.event(AuditKind::RoleChanged, admin, context)
                    .target(target.clone())
                    .detail("from", current.role.as_str())
                    .detail("to", role.as_str()),
            );
        }
        if change.disabled == Some(true) && !current.disabled {
            events.push(self.event(AuditKind::UserDisabled, admin, context).target(target.clone()));
        }
        let now = self.ports.clock.now();
        self.ports
            .users
            .apply_admin_change(id, change, now, events)
            .await
            .map_err(Infrastructure::from)?
            .ok_or(AdminError::NotFound)
    }

    /// Deletes a user with their profile and sessions.
    pub async fn delete(
        &self,
        admin: &User,
        id: UserId,
        context: &RequestContext,
    ) -> Result<(), AdminError> {
        let event =
            self.event(AuditKind::UserDeleted, admin, context).target(Party::User(id.to_string()));
        match self.ports.users.delete(id, event).await.map_err(Infrastructure::from)? {
            true => Ok(()),
            false => Err(AdminError::NotFound),
        }
    }
}
