//! `SessionStore` over sea-orm: sessions and their refresh-token chains.

use async_trait::async_trait;
use genesis_domain::{
    AuditEvent, NewRefreshToken, NewSession, Party, Scope, SecretDigest, Session, SessionId, UserId,
};
use genesis_ports::{RefreshState, Rotation, RotationOutcome, SessionStore, StoreError};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use time::OffsetDateTime;

use crate::convert::{instant, seconds};
use crate::entity::{refresh_token, session, user};
use crate::error::{corrupt, store_error};
use crate::{audit, Store};

/// Longest user agent kept with a session, in characters.
const MAX_USER_AGENT_CHARS: usize = 256;

pub(crate) fn session_from_row(row: session::Model) -> Result<Session, StoreError> {
    Ok(Session {
        id: SessionId::parse(&row.id).ok_or_else(|| corrupt("session id"))?,
        user_id: UserId::parse(&row.user_id).map_err(|_| corrupt("session owner"))?,
        client_id: row.client_id,
        scope: Scope::parse(&row.scope).ok_or_else(|| corrupt("session scope"))?,
        created_at: instant(row.created_at)?,
        last_used_at: instant(row.last_used_at)?,
        expires_at: instant(row.expires_at)?,
        ip: row.ip,
        user_agent: row.user_agent,
    })
}

fn refresh_row(token: &NewRefreshToken) -> refresh_token::ActiveModel {
    refresh_token::ActiveModel {
        digest: Set(token.digest.as_hex().to_owned()),
        session_id: Set(token.session_id.to_string()),
        created_at: Set(seconds(token.created_at)),
        expires_at: Set(seconds(token.expires_at)),
        used_at: Set(None),
    }
}

fn is_live(row: &session::Model, now: i64) -> bool {
    row.revoked_at.is_none() && row.expires_at > now
}

async fn find_session<C: ConnectionTrait>(
    conn: &C,
    id: &str,
) -> Result<Option<session::Model>, StoreError> {
    session::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await
        .map_err(store_error("reading a session"))
}

impl Store {
    /// Why a presented token was not rotated: spent (a replay) or simply not usable.
    async fn why_not_rotated(&self, digest: &SecretDigest) -> Result<RotationOutcome, StoreError> {
        let token = refresh_token::Entity::find_by_id(digest.as_hex().to_owned())
            .one(&self.db)
            .await
            .map_err(store_error("reading a refresh token"))?;
        let Some(token) = token.filter(|t| t.used_at.is_some()) else {
            return Ok(RotationOutcome::Rejected);
        };
        let Some(session) = find_session(&self.db, &token.session_id).await? else {
            return Ok(RotationOutcome::Rejected);
        };
        let session = session_from_row(session)?;
        Ok(RotationOutcome::Reused { session_id: session.id, user_id: session.user_id })
    }
}

#[async_trait]
impl SessionStore for Store {
    async fn start(
        &self,
        new: NewSession,
        refresh: Option<NewRefreshToken>,
        event: AuditEvent,
    ) -> Result<(), StoreError> {
        let started = seconds(new.created_at);
        let row = session::ActiveModel {
            id: Set(new.id.to_string()),
            user_id: Set(new.user_id.to_string()),
            client_id: Set(new.client_id),
            scope: Set(new.scope.to_string()),
            created_at: Set(started),
            last_used_at: Set(started),
            expires_at: Set(seconds(new.expires_at)),
            revoked_at: Set(None),
            ip: Set(new.ip),
            user_agent: Set(new
                .user_agent
                .map(|ua| ua.chars().take(MAX_USER_AGENT_CHARS).collect())),
        };
        let (txn, _turn) = self.begin_write().await?;
        // The user row first: its exclusive lock orders concurrent logins of one user, which
        // would otherwise deadlock on MySQL (each holding the shared lock that the session's
        // foreign-key check takes on the user row, each waiting to update it).
        user::Entity::update_many()
            .col_expr(user::Column::LastLoginAt, Expr::value(started))
            .filter(user::Column::Id.eq(new.user_id.to_string()))
            .exec(&txn)
            .await
            .map_err(store_error("recording the last login"))?;
        row.insert(&txn).await.map_err(store_error("inserting a session"))?;
        if let Some(token) = &refresh {
            refresh_row(token)
                .insert(&txn)
                .await
                .map_err(store_error("inserting a refresh token"))?;
        }
        let appended = audit::append(&txn, &event).await?;
        self.commit(txn, vec![appended], "committing a session").await
    }

    async fn rotate(
        &self,
        rotation: Rotation,
        mut event: AuditEvent,
    ) -> Result<RotationOutcome, StoreError> {
        let now = seconds(rotation.now);
        let presented = rotation.presented.as_hex().to_owned();
        let (txn, _turn) = self.begin_write().await?;
        // The conditional update is the first statement: it takes the row (or, on SQLite, the
        // database) for writing, so of concurrent callers with one token exactly one spends it.
        let spent = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
            .filter(refresh_token::Column::Digest.eq(presented.clone()))
            .filter(refresh_token::Column::UsedAt.is_null())
            .filter(refresh_token::Column::ExpiresAt.gt(now))
            .exec(&txn)
            .await
            .map_err(store_error("spending a refresh token"))?
            .rows_affected;
        if spent != 1 {
            txn.rollback().await.map_err(store_error("rolling back"))?;
            return self.why_not_rotated(&rotation.presented).await;
        }
        let token = refresh_token::Entity::find_by_id(presented)
            .one(&txn)
            .await
            .map_err(store_error("reading a refresh token"))?
            .ok_or_else(|| corrupt("spent refresh token"))?;
        let session = find_session(&txn, &token.session_id)
            .await?
            .ok_or_else(|| corrupt("refresh token's session"))?;
        if !is_live(&session, now) || session.client_id != rotation.client_id {
            txn.rollback().await.map_err(store_error("rolling back"))?;
            return Ok(RotationOutcome::Rejected);
        }
        let next_expiry =
            (now.saturating_add(rotation.idle_ttl.whole_seconds())).min(session.expires_at);
        let successor = refresh_token::ActiveModel {
            digest: Set(rotation.successor.as_hex().to_owned()),
            session_id: Set(session.id.clone()),
            created_at: Set(now),
            expires_at: Set(next_expiry),
            used_at: Set(None),
        };
        successor.insert(&txn).await.map_err(store_error("inserting a refresh token"))?;
        session::Entity::update_many()
            .col_expr(session::Column::LastUsedAt, Expr::value(now))
            .filter(session::Column::Id.eq(session.id.clone()))
            .exec(&txn)
            .await
            .map_err(store_error("touching a session"))?;
        let mut session = session_from_row(session)?;
        session.last_used_at = rotation.now;
        event.actor = Party::User(session.user_id.to_string());
        event.target = Some(Party::Session(session.id.to_string()));
        let appended = audit::append(&txn, &event).await?;
        self.commit(txn, vec![appended], "committing a rotation").await?;
        Ok(RotationOutcome::Rotated(session))
    }

    async fn find_refresh(
        &self,
        digest: SecretDigest,
        now: OffsetDateTime,
    ) -> Result<Option<RefreshState>, StoreError> {
        let now = seconds(now);
        let Some(token) = refresh_token::Entity::find_by_id(digest.as_hex().to_owned())
            .one(&self.db)
            .await
            .map_err(store_error("reading a refresh token"))?
        else {
            return Ok(None);
        };
        let Some(session) = find_session(&self.db, &token.session_id).await? else {
            return Ok(None);
        };
        let active = token.used_at.is_none() && token.expires_at > now && is_live(&session, now);
        Ok(Some(RefreshState {
            session: session_from_row(session)?,
            expires_at: instant(token.expires_at)?,
            active,
        }))
    }

    async fn revoke_session(
        &self,
        session_id: SessionId,
        owner: Option<UserId>,
        now: OffsetDateTime,
        event: AuditEvent,
    ) -> Result<bool, StoreError> {
        let now = seconds(now);
        let (txn, _turn) = self.begin_write().await?;
        let mut update = session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(now))
            .filter(session::Column::Id.eq(session_id.to_string()))
            .filter(session::Column::RevokedAt.is_null())
            .filter(session::Column::ExpiresAt.gt(now));
        if let Some(owner) = owner {
            update = update.filter(session::Column::UserId.eq(owner.to_string()));
        }
        let revoked =
            update.exec(&txn).await.map_err(store_error("revoking a session"))?.rows_affected;
        if revoked == 0 {
            txn.rollback().await.map_err(store_error("rolling back"))?;
            return Ok(false);
        }
        let appended = audit::append(&txn, &event).await?;
        self.commit(txn, vec![appended], "committing a revocation").await?;
        Ok(true)
    }

    async fn revoke_other_sessions(
        &self,
        user_id: UserId,
        keep: Option<SessionId>,
        now: OffsetDateTime,
        event: AuditEvent,
    ) -> Result<u64, StoreError> {
        let now = seconds(now);
        let (txn, _turn) = self.begin_write().await?;
        let mut update = session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(now))
            .filter(session::Column::UserId.eq(user_id.to_string()))
            .filter(session::Column::RevokedAt.is_null())
            .filter(session::Column::ExpiresAt.gt(now));
        if let Some(keep) = keep {
            update = update.filter(session::Column::Id.ne(keep.to_string()));
        }
        let revoked =
            update.exec(&txn).await.map_err(store_error("revoking sessions"))?.rows_affected;
        let appended = audit::append(&txn, &event.detail("revoked", revoked.to_string())).await?;
        self.commit(txn, vec![appended], "committing a revocation").await?;
        Ok(revoked)
    }

    async fn list_sessions(
        &self,
        user_id: UserId,
        now: OffsetDateTime,
    ) -> Result<Vec<Session>, StoreError> {
        let rows = session::Entity::find()
            .filter(session::Column::UserId.eq(user_id.to_string()))
            .filter(session::Column::RevokedAt.is_null())
            .filter(session::Column::ExpiresAt.gt(seconds(now)))
            .order_by_desc(session::Column::CreatedAt)
            .order_by_desc(session::Column::Id)
            .all(&self.db)
            .await
            .map_err(store_error("listing sessions"))?;
        rows.into_iter().map(session_from_row).collect()
    }
}
