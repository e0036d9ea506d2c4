//! Housekeeping: forgetting what can no longer matter.

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use time::{Duration, OffsetDateTime};

use crate::convert::seconds;
use crate::entity::{login_throttle, refresh_token, revoked_token, session};
use crate::error::store_error;
use crate::Store;

/// How long ended sessions stay listed in the database before they are deleted (the audit
/// trail keeps the record of them).
const KEEP_ENDED_SESSIONS: Duration = Duration::days(7);

impl Store {
    /// Deletes revocation entries of tokens that have expired anyway, refresh tokens past their
    /// expiry, and sessions that ended more than a week ago (with their chains). Returns the
    /// number of rows deleted. Stale failure counts are forgotten too.
    pub async fn prune(&self, now: OffsetDateTime) -> Result<u64, genesis_ports::StoreError> {
        let now_s = seconds(now);
        let ended_before = seconds(now - KEEP_ENDED_SESSIONS);
        let revoked = revoked_token::Entity::delete_many()
            .filter(revoked_token::Column::ExpiresAt.lt(now_s))
            .exec(&self.db)
            .await
            .map_err(store_error("pruning the revocation list"))?
            .rows_affected;
        let tokens = refresh_token::Entity::delete_many()
            .filter(refresh_token::Column::ExpiresAt.lt(now_s))
            .exec(&self.db)
            .await
            .map_err(store_error("pruning refresh tokens"))?
            .rows_affected;
        let ended = Condition::any()
            .add(session::Column::ExpiresAt.lt(ended_before))
            .add(session::Column::RevokedAt.lt(ended_before));
        let sessions = session::Entity::delete_many()
            .filter(ended)
            .exec(&self.db)
            .await
            .map_err(store_error("pruning sessions"))?
            .rows_affected;
        // Failure counts of accounts not throttled now and untouched for a day start over.
        let stale = Condition::all()
            .add(login_throttle::Column::UpdatedAt.lt(seconds(now - Duration::days(1))))
            .add(
                Condition::any()
                    .add(login_throttle::Column::LockedUntil.is_null())
                    .add(login_throttle::Column::LockedUntil.lt(now_s)),
            );
        let throttles = login_throttle::Entity::delete_many()
            .filter(stale)
            .exec(&self.db)
            .await
            .map_err(store_error("pruning login throttles"))?
            .rows_affected;
        Ok(revoked + tokens + sessions + throttles)
    }
}
