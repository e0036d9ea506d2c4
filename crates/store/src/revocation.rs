//! `RevocationList` over sea-orm: revoked `jti`s, and sessions that are revoked or over.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, SessionId};
use genesis_ports::{RevocationList, StoreError};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DatabaseBackend, EntityTrait, Set, Statement, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::convert::seconds;
use crate::entity::revoked_token;
use crate::error::store_error;
use crate::{audit, Store};

#[async_trait]
impl RevocationList for Store {
    async fn revoke_access_token(
        &self,
        jti: Uuid,
        expires_at: OffsetDateTime,
        event: AuditEvent,
    ) -> Result<(), StoreError> {
        let row = revoked_token::ActiveModel {
            jti: Set(jti.hyphenated().to_string()),
            expires_at: Set(seconds(expires_at)),
        };
        let (txn, _turn) = self.begin_write().await?;
        revoked_token::Entity::insert(row)
            .on_conflict(
                OnConflict::column(revoked_token::Column::Jti)
                    .do_nothing_on([revoked_token::Column::Jti])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await
            .map_err(store_error("revoking an access token"))?;
        let appended = audit::append(&txn, &event).await?;
        self.commit(txn, vec![appended], "committing a revocation").await
    }

    async fn is_revoked(
        &self,
        jti: Uuid,
        sid: Option<SessionId>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        // One round trip on the hot path of every authenticated request: is the token revoked,
        // and is its session (if any) still live?
        let backend = self.db.get_database_backend();
        let (jti_mark, sid_mark, now_mark) = match backend {
            DatabaseBackend::Postgres => ("$1", "$2", "$3"),
            _ => ("?", "?", "?"),
        };
        let sql = format!(
            "SELECT (SELECT COUNT(*) FROM revoked_tokens WHERE jti = {jti_mark}) AS revoked, \
             (SELECT COUNT(*) FROM sessions WHERE id = {sid_mark} AND revoked_at IS NULL AND expires_at > {now_mark}) AS live"
        );
        let sid_text = sid.map(|s| s.to_string()).unwrap_or_default();
        let values: Vec<Value> =
            vec![jti.hyphenated().to_string().into(), sid_text.into(), seconds(now).into()];
        let row = self
            .db
            .query_one(Statement::from_sql_and_values(backend, sql, values))
            .await
            .map_err(store_error("checking the revocation list"))?
            .ok_or_else(|| {
                StoreError::Unexpected(anyhow::anyhow!("the revocation check returned no row"))
            })?;
        let revoked: i64 =
            row.try_get("", "revoked").map_err(store_error("reading the revocation check"))?;
        let live: i64 =
            row.try_get("", "live").map_err(store_error("reading the revocation check"))?;
        Ok(revoked > 0 || (sid.is_some() && live == 0))
    }
}
