//! `UserRepository` over sea-orm.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, Email, NewUser, PasswordHash, SessionId, User, UserId, Username};
use genesis_ports::{AdminChange, CreateUserError, StoreError, UserQuery, UserRepository};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use time::OffsetDateTime;

use crate::convert::{seconds, user_from_row};
use crate::entity::{session, user};
use crate::error::{is_duplicate, store_error};
use crate::{audit, Store};

#[async_trait]
impl UserRepository for Store {
    async fn create(&self, new: NewUser, event: AuditEvent) -> Result<User, CreateUserError> {
        let now = seconds(new.created_at);
        let row = user::ActiveModel {
            id: Set(new.id.to_string()),
            username: Set(new.username.as_str().to_owned()),
            username_key: Set(new.username.key().to_owned()),
            email: Set(new.email.as_str().to_owned()),
            email_key: Set(new.email.key().to_owned()),
            password_hash: Set(new.password_hash.as_phc().to_owned()),
            role: Set(new.role.as_str().to_owned()),
            disabled: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            last_login_at: Set(None),
        };
        let (txn, _turn) = self.begin_write().await?;
        let inserted = match row.insert(&txn).await {
            Ok(inserted) => inserted,
            Err(err) if is_duplicate(&err) => return Err(CreateUserError::Duplicate),
            Err(err) => return Err(store_error("inserting a user")(err).into()),
        };
        let appended = audit::append(&txn, &event).await?;
        self.commit(txn, vec![appended], "committing a new user").await?;
        Ok(user_from_row(inserted)?)
    }

    async fn find_by_username(&self, username: &Username) -> Result<Option<User>, StoreError> {
        let row = user::Entity::find()
            .filter(user::Column::UsernameKey.eq(username.key()))
            .one(&self.db)
            .await
            .map_err(store_error("finding a user by name"))?;
        row.map(user_from_row).transpose()
    }

    async fn list(&self, query: UserQuery) -> Result<Vec<User>, StoreError> {
        self.list_users(query).await
    }

    async fn rename(
        &self,
        id: UserId,
        username: Option<Username>,
        email: Option<Email>,
        now: OffsetDateTime,
        audit: AuditEvent,
    ) -> Result<Option<User>, CreateUserError> {
        self.rename_user(id, username, email, now, audit).await
    }

    async fn set_password(
        &self,
        id: UserId,
        hash: PasswordHash,
        keep: Option<SessionId>,
        now: OffsetDateTime,
        audit: AuditEvent,
    ) -> Result<bool, StoreError> {
        self.set_user_password(id, hash, keep, now, audit).await
    }

    async fn apply_admin_change(
        &self,
        id: UserId,
        change: AdminChange,
        now: OffsetDateTime,
        audits: Vec<AuditEvent>,
    ) -> Result<Option<User>, StoreError> {
        self.apply_change(id, change, now, audits).await
    }

    async fn delete(&self, id: UserId, audit: AuditEvent) -> Result<bool, StoreError> {
        self.delete_user(id, audit).await
    }

    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let row = user::Entity::find_by_id(id.to_string())
            .one(&self.db)
            .await
            .map_err(store_error("finding a user"))?;
        row.map(user_from_row).transpose()
    }
}

fn like_pattern(search: &str) -> LikeExpr {
    let escaped: String = search
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            other => vec![other],
        })
        .collect();
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// Revokes the user's live sessions except `keep`, inside `txn`.
async fn revoke_sessions<C: ConnectionTrait>(
    conn: &C,
    id: UserId,
    keep: Option<SessionId>,
    now: i64,
) -> Result<(), StoreError> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::UserId.eq(id.to_string()))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        update = update.filter(session::Column::Id.ne(keep.to_string()));
    }
    update.exec(conn).await.map_err(store_error("revoking a user's sessions"))?;
    Ok(())
}

async fn reread<C: ConnectionTrait>(conn: &C, id: UserId) -> Result<Option<User>, StoreError> {
    let row = user::Entity::find_by_id(id.to_string())
        .one(conn)
        .await
        .map_err(store_error("reading a user"))?;
    row.map(user_from_row).transpose()
}

impl Store {
    pub(crate) async fn list_users(&self, query: UserQuery) -> Result<Vec<User>, StoreError> {
        let mut select =
            user::Entity::find().order_by_asc(user::Column::UsernameKey).limit(query.limit);
        if let Some(after) = query.after {
            select = select.filter(user::Column::UsernameKey.gt(after));
        }
        if let Some(search) = query.search.filter(|s| !s.is_empty()) {
            let matches = Condition::any()
                .add(user::Column::UsernameKey.like(like_pattern(&search)))
                .add(user::Column::EmailKey.like(like_pattern(&search)));
            select = select.filter(matches);
        }
        let rows = select.all(&self.db).await.map_err(store_error("listing users"))?;
        rows.into_iter().map(user_from_row).collect()
    }

    pub(crate) async fn rename_user(
        &self,
        id: UserId,
        username: Option<Username>,
        email: Option<Email>,
        now: OffsetDateTime,
        event: AuditEvent,
    ) -> Result<Option<User>, CreateUserError> {
        let mut update = user::Entity::update_many()
            .col_expr(user::Column::UpdatedAt, Expr::value(seconds(now)))
            .filter(user::Column::Id.eq(id.to_string()));
        if let Some(username) = &username {
            update = update
                .col_expr(user::Column::Username, Expr::value(username.as_str()))
                .col_expr(user::Column::UsernameKey, Expr::value(username.key()));
        }
        if let Some(email) = &email {
            update = update
                .col_expr(user::Column::Email, Expr::value(email.as_str()))
                .col_expr(user::Column::EmailKey, Expr::value(email.key()));
        }
        let (txn, _turn) = self.begin_write().await?;
        let changed = match update.exec(&txn).await {
            Ok(result) => result.rows_affected,
            Err(err) if is_duplicate(&err) => return Err(CreateUserError::Duplicate),
            Err(err) => return Err(store_error("renaming a user")(err).into()),
        };
        if changed == 0 {
            txn.rollback().await.map_err(store_error("rolling back"))?;
            return Ok(None);
        }
        let appended = audit::append(&txn, &event).await?;
        let user = reread(&txn, id).await?;
        self.commit(txn, vec![appended], "committing a rename").await?;
        Ok(user)
    }

    pub(crate) async fn set_user_password(
        &self,
        id: UserId,
        hash: PasswordHash,
        keep: Option<SessionId>,
        now: OffsetDateTime,
        event: AuditEvent,
    ) -> Result<bool, StoreError> {
        let now = seconds(now);
        let (txn, _turn) = self.begin_write().await?;
        let changed = user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(hash.as_phc()))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(id.to_string()))
            .exec(&txn)
            .await
            .map_err(store_error("changing a password"))?
            .rows_affected;
        if changed == 0 {
            txn.rollback().await.map_err(store_error("rolling back"))?;
            return Ok(false);
        }
        revoke_sessions(&txn, id, keep, now).await?;
        let appended = audit::append(&txn, &event).await?;
        self.commit(txn, vec![appended], "committing a password change").await?;
        Ok(true)
    }

    pub(crate) async fn apply_change(
        &self,
        id: UserId,
        change: AdminChange,
        now: OffsetDateTime,
        events: Vec<AuditEvent>,
    ) -> Result<Option<User>, StoreError> {
        let now = seconds(now);
        let mut update = user::Entity::update_many()
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(id.to_string()));
        if let Some(role) = change.role {
            update = update.col_expr(user::Column::Role, Expr::value(role.as_str()));
        }
        if let Some(disabled) = change.disabled {
            update = update.col_expr(user::Column::Disabled, Expr::value(disabled));
        }
        let (txn, _turn) = self.begin_write().await?;
        let changed =
            update.exec(&txn).await.map_err(store_error("changing a user"))?.rows_affected;
        if changed == 0 {
            txn.rollback().await.map_err(store_error("rolling back"))?;
            return Ok(None);
        }
        if change.disabled == Some(true) {
            revoke_sessions(&txn, id, None, now).await?;
        }
        let appended = audit::append_all(&txn, &events).await?;
        let user = reread(&txn, id).await?;
        self.commit(txn, appended, "committing a user change").await?;
        Ok(user)
    }

    pub(crate) async fn delete_user(
        &self,
        id: UserId,
        event: AuditEvent,
    ) -> Result<bool, StoreError> {
        let (txn, _turn) = self.begin_write().await?;
        // Profiles, sessions and refresh tokens go with the user (foreign keys ON DELETE CASCADE).
        let deleted = user::Entity::delete_many()
            .filter(user::Column::Id.eq(id.to_string()))
            .exec(&txn)
            .await
            .map_err(store_error("deleting a user"))?
            .rows_affected;
        if deleted == 0 {
            txn.rollback().await.map_err(store_error("rolling back"))?;
            return Ok(false);
        }
        let appended = audit::append(&txn, &event).await?;
        self.commit(txn, vec![appended], "committing a deletion").await?;
        Ok(true)
    }
}
