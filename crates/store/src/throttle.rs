//! `LoginThrottle` over sea-orm: failures counted with one atomic upsert per attempt.

use async_trait::async_trait;
use genesis_domain::LockoutPolicy;
use genesis_ports::{LoginThrottle, StoreError, ThrottleState};
use sea_orm::sea_query::{Alias, Expr, OnConflict};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use time::OffsetDateTime;

use crate::convert::{instant, seconds};
use crate::entity::login_throttle;
use crate::error::store_error;
use crate::Store;

#[async_trait]
impl LoginThrottle for Store {
    async fn state(&self, key: &str, now: OffsetDateTime) -> Result<ThrottleState, StoreError> {
        let row = login_throttle::Entity::find_by_id(key.to_owned())
            .one(&self.db)
            .await
            .map_err(store_error("reading a login throttle"))?;
        let Some(row) = row else { return Ok(ThrottleState::default()) };
        let throttled_until = match row.locked_until.filter(|until| *until > seconds(now)) {
            Some(until) => Some(instant(until)?),
            None => None,
        };
        Ok(ThrottleState { failures: u32::try_from(row.failures).unwrap_or(0), throttled_until })
    }

    async fn record_failure(
        &self,
        key: &str,
        now: OffsetDateTime,
        policy: LockoutPolicy,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        let now_s = seconds(now);
        let first = login_throttle::ActiveModel {
            account_key: Set(key.to_owned()),
            failures: Set(1),
            locked_until: Set(None),
            updated_at: Set(now_s),
        };
        // One statement counts the failure whether or not a row exists, so concurrent failures
        // are all counted on every engine.
        let failures =
            Expr::col((Alias::new("login_throttles"), login_throttle::Column::Failures)).add(1);
        let upsert = OnConflict::column(login_throttle::Column::AccountKey)
            .value(login_throttle::Column::Failures, failures)
            .value(login_throttle::Column::UpdatedAt, Expr::value(now_s))
            .to_owned();
        let (txn, _turn) = self.begin_write().await?;
        login_throttle::Entity::insert(first)
            .on_conflict(upsert)
            .exec_without_returning(&txn)
            .await
            .map_err(store_error("counting a failed login"))?;
        let row = login_throttle::Entity::find_by_id(key.to_owned())
            .one(&txn)
            .await
            .map_err(store_error("reading a login throttle"))?;
        let count = row.map(|r| u32::try_from(r.failures).unwrap_or(0)).unwrap_or(1);
        let until = policy.delay_after(count).map(|delay| now + delay);
        if let Some(until) = until {
            login_throttle::Entity::update_many()
                .col_expr(login_throttle::Column::LockedUntil, Expr::value(seconds(until)))
                .filter(login_throttle::Column::AccountKey.eq(key))
                .exec(&txn)
                .await
                .map_err(store_error("throttling an account"))?;
        }
        txn.commit().await.map_err(store_error("committing a failed login"))?;
        Ok(until)
    }

    async fn record_success(&self, key: &str) -> Result<(), StoreError> {
        login_throttle::Entity::delete_many()
            .filter(login_throttle::Column::AccountKey.eq(key))
            .exec(&self.db)
            .await
            .map_err(store_error("resetting a login throttle"))?;
        Ok(())
    }
}
