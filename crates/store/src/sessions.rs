//! `SessionStore` over sea-orm.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, NewSession};
use genesis_ports::{SessionStore, StoreError};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

use crate::convert::seconds;
use crate::entity::{session, user};
use crate::error::store_error;
use crate::{audit, Store};

/// Longest user agent kept with a session, in characters.
const MAX_USER_AGENT_CHARS: usize = 256;

#[async_trait]
impl SessionStore for Store {
    async fn start(&self, new: NewSession, event: AuditEvent) -> Result<(), StoreError> {
        let started = seconds(new.created_at);
        let row = session::ActiveModel {
            id: Set(new.id.to_string()),
            user_id: Set(new.user_id.to_string()),
            client_id: Set(new.client_id),
            created_at: Set(started),
            last_used_at: Set(started),
            expires_at: Set(seconds(new.expires_at)),
            revoked_at: Set(None),
            ip: Set(new.ip),
            user_agent: Set(new
                .user_agent
                .map(|ua| ua.chars().take(MAX_USER_AGENT_CHARS).collect())),
        };
        let txn = self.db.begin().await.map_err(store_error("starting a transaction"))?;
        row.insert(&txn).await.map_err(store_error("inserting a session"))?;
        user::Entity::update_many()
            .col_expr(user::Column::LastLoginAt, Expr::value(started))
            .filter(user::Column::Id.eq(new.user_id.to_string()))
            .exec(&txn)
            .await
            .map_err(store_error("recording the last login"))?;
        audit::append(&txn, &event).await?;
        txn.commit().await.map_err(store_error("committing a session"))
    }
}
