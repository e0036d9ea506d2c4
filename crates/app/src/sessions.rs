//! The caller's own sessions: list, revoke one, revoke the others, log out.

use genesis_domain::{AuditEvent, AuditKind, Outcome, Party, RequestContext, Session, SessionId};

use crate::{Infrastructure, Ports, Principal};

/// Why a session operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionOpError {
    /// No live session of the caller has this id (another user's is not found either).
    #[error("no such session")]
    NotFound,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The session use cases.
pub struct Sessions {
    ports: Ports,
}

impl Sessions {
    /// Builds the use cases.
    pub fn new(ports: Ports) -> Self {
        Self { ports }
    }

    /// The caller's live sessions, newest first.
    pub async fn list(&self, who: &Principal) -> Result<Vec<Session>, SessionOpError> {
        let now = self.ports.clock.now();
        Ok(self
            .ports
            .sessions
            .list_sessions(who.user_id, now)
            .await
            .map_err(Infrastructure::from)?)
    }

    /// Revokes one of the caller's sessions (its refresh chain and access tokens die).
    pub async fn revoke(
        &self,
        who: &Principal,
        id: SessionId,
        context: &RequestContext,
    ) -> Result<(), SessionOpError> {
        let now = self.ports.clock.now();
        let event = self
            .event(AuditKind::SessionRevoked, who, context)
            .target(Party::Session(id.to_string()));
        match self
            .ports
            .sessions
            .revoke_session(id, Some(who.user_id), now, event)
            .await
            .map_err(Infrastructure::from)?
        {
            true => Ok(()),
            false => Err(SessionOpError::NotFound),
        }
    }

    /// Revokes every session of the caller but the current one; returns how many.
    pub async fn revoke_others(
        &self,
        who: &Principal,
        context: &RequestContext,
    ) -> Result<u64, SessionOpError> {
        let now = self.ports.clock.now();
        let event =
            self.event(AuditKind::SessionRevoked, who, context).detail("scope", "all_but_current");
        Ok(self
            .ports
            .sessions
            .revoke_other_sessions(who.user_id, who.session_id, now, event)
            .await
            .map_err(Infrastructure::from)?)
    }

    /// Ends the caller's session and revokes the access token presented.
    pub async fn logout(
        &self,
        who: &Principal,
        context: &RequestContext,
    ) -> Result<(), SessionOpError> {
        let now = self.ports.clock.now();
        let token_event =
            self.event(AuditKind::TokenRevoked, who, context).detail("token_type", "access_token");
        self.ports
            .revocations
            .revoke_access_token(who.token_id, who.expires_at, token_event)
            .await
            .map_err(Infrastructure::from)?;
        if let Some(sid) = who.session_id {
            let event = self
                .event(AuditKind::SessionLoggedOut, who, context)
                .target(Party::Session(sid.to_string()));
            self.ports
                .sessions
                .revoke_session(sid, Some(who.user_id), now, event)
                .await
                .map_err(Infrastructure::from)?;
        }
        Ok(())
    }

    fn event(&self, kind: AuditKind, who: &Principal, context: &RequestContext) -> AuditEvent {
        AuditEvent::new(
            kind,
            Outcome::Success,
            Party::User(who.user_id.to_string()),
            context,
            self.ports.clock.now(),
        )
        .client(&who.client_id)
    }
}
