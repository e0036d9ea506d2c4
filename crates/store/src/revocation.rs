//! `RevocationList` over sea-orm: revoked `jti`s, and sessions that are revoked or over.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, SessionId};
use genesis_ports::{RevocationList, StoreError};
use sea_orm::sea_query::OnConflict;
use sea_orm::{EntityTrait, Set, TransactionTrait};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::convert::seconds;
use crate::entity::{revoked_token, session};
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
        let txn = self.db.begin().await.map_err(store_error("starting a transaction"))?;
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
        let revoked = revoked_token::Entity::find_by_id(jti.hyphenated().to_string())
            .one(&self.db)
            .await
            .map_err(store_error("checking the revocation list"))?;
        if revoked.is_some() {
            return Ok(true);
        }
        let Some(sid) = sid else { return Ok(false) };
        let session = session::Entity::find_by_id(sid.to_string())
            .one(&self.db)
            .await
            .map_err(store_error("checking a token's session"))?;
        Ok(!session.is_some_and(|s| s.revoked_at.is_none() && s.expires_at > seconds(now)))
    }
}
