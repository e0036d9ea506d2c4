//! `KeyStore` over sea-orm.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, KeyState, SigningAlgorithm, StoredKey};
use genesis_ports::{KeyStore, RetireOutcome, StoreError};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::convert::{instant, seconds};
use crate::entity::signing_key;
use crate::error::{corrupt, store_error};
use crate::{audit, Store};

fn key_from_row(row: signing_key::Model) -> Result<StoredKey, StoreError> {
    Ok(StoredKey {
        algorithm: SigningAlgorithm::parse(&row.algorithm)
            .ok_or_else(|| corrupt("key algorithm"))?,
        state: KeyState::parse(&row.state).ok_or_else(|| corrupt("key state"))?,
        created_at: instant(row.created_at)?,
        demoted_at: row.demoted_at.map(instant).transpose()?,
        kid: row.kid,
        public_jwk: row.public_jwk,
        sealed_private_key: row.sealed_private_key,
    })
}

#[async_trait]
impl KeyStore for Store {
    async fn list(&self) -> Result<Vec<StoredKey>, StoreError> {
        let rows = signing_key::Entity::find()
            .order_by_desc(signing_key::Column::CreatedAt)
            .order_by_desc(signing_key::Column::Kid)
            .all(&self.db)
            .await
            .map_err(store_error("listing signing keys"))?;
        rows.into_iter().map(key_from_row).collect()
    }

    async fn activate(&self, key: StoredKey, event: AuditEvent) -> Result<(), StoreError> {
        let (txn, _turn) = self.begin_write().await?;
        signing_key::Entity::update_many()
            .col_expr(signing_key::Column::State, Expr::value(KeyState::Previous.as_str()))
            .col_expr(signing_key::Column::DemotedAt, Expr::value(seconds(key.created_at)))
            .filter(signing_key::Column::State.eq(KeyState::Active.as_str()))
            .filter(signing_key::Column::Algorithm.eq(key.algorithm.as_str()))
            .exec(&txn)
            .await
            .map_err(store_error("demoting the active key"))?;
        let row = signing_key::ActiveModel {
            kid: Set(key.kid),
            algorithm: Set(key.algorithm.as_str().to_owned()),
            state: Set(KeyState::Active.as_str().to_owned()),
            created_at: Set(seconds(key.created_at)),
            demoted_at: Set(None),
            public_jwk: Set(key.public_jwk),
            sealed_private_key: Set(key.sealed_private_key),
        };
        row.insert(&txn).await.map_err(store_error("inserting a signing key"))?;
        let appended = audit::append(&txn, &event).await?;
        self.commit(txn, vec![appended], "committing a signing key").await
    }

    async fn retire(&self, kid: &str, event: AuditEvent) -> Result<RetireOutcome, StoreError> {
        let (txn, _turn) = self.begin_write().await?;
        let retired = signing_key::Entity::update_many()
            .col_expr(signing_key::Column::State, Expr::value(KeyState::Retired.as_str()))
            .filter(signing_key::Column::Kid.eq(kid))
            .filter(signing_key::Column::State.eq(KeyState::Previous.as_str()))
            .exec(&txn)
            .await
            .map_err(store_error("retiring a signing key"))?
            .rows_affected;
        if retired == 1 {
            let appended = audit::append(&txn, &event).await?;
            self.commit(txn, vec![appended], "committing a retirement").await?;
            return Ok(RetireOutcome::Retired);
        }
        let current = signing_key::Entity::find_by_id(kid.to_owned())
            .one(&txn)
            .await
            .map_err(store_error("reading a signing key"))?;
        txn.rollback().await.map_err(store_error("rolling back"))?;
        Ok(match current {
            Some(row) if row.state == KeyState::Active.as_str() => RetireOutcome::Active,
            _ => RetireOutcome::NotFound,
        })
    }
}
