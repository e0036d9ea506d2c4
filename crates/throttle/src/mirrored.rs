//! Account throttling kept in two places when Redis is configured: Redis shares it at once with
//! every instance on that Redis, and the database remembers it (across Redis restarts, and
//! beyond the day Redis keeps an entry). Every failure is counted in both; a login is judged by
//! the stricter of the two; an error from either refuses the login (503) rather than skip it.

use std::sync::Arc;

use async_trait::async_trait;
use genesis_domain::LockoutPolicy;
use genesis_ports::{LoginThrottle, StoreError, ThrottleState};
use time::OffsetDateTime;

/// Two throttles, written together, read as the stricter of the two.
pub struct MirroredLoginThrottle {
    shared: Arc<dyn LoginThrottle>,
    durable: Arc<dyn LoginThrottle>,
}

impl MirroredLoginThrottle {
    /// `shared` is the Redis throttle, `durable` the database's.
    pub fn new(shared: Arc<dyn LoginThrottle>, durable: Arc<dyn LoginThrottle>) -> Self {
        Self { shared, durable }
    }
}

#[async_trait]
impl LoginThrottle for MirroredLoginThrottle {
    async fn state(&self, key: &str, now: OffsetDateTime) -> Result<ThrottleState, StoreError> {
        let (shared, durable) =
            tokio::join!(self.shared.state(key, now), self.durable.state(key, now));
        let (shared, durable) = (shared?, durable?);
        Ok(ThrottleState {
            failures: shared.failures.max(durable.failures),
            throttled_until: shared.throttled_until.max(durable.throttled_until),
        })
    }

    async fn record_failure(
        &self,
        key: &str,
        now: OffsetDateTime,
        policy: LockoutPolicy,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        let durable = self.durable.record_failure(key, now, policy).await?;
        let shared = self.shared.record_failure(key, now, policy).await?;
        Ok(shared.max(durable))
    }

    async fn record_success(&self, key: &str) -> Result<(), StoreError> {
        self.durable.record_success(key).await?;
        self.shared.record_success(key).await
    }
}

#[cfg(test)]
mod tests {
    use genesis_ports::MockLoginThrottle;

    use super::*;

    fn at(unix: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(unix).unwrap()
    }

    fn policy() -> LockoutPolicy {
        LockoutPolicy {
            max_failures: 3,
            base_delay: time::Duration::seconds(60),
            max_delay: time::Duration::seconds(900),
        }
    }

    fn returning_state(failures: u32, until: Option<i64>) -> MockLoginThrottle {
        let mut throttle = MockLoginThrottle::new();
        throttle
            .expect_state()
            .returning(move |_, _| Ok(ThrottleState { failures, throttled_until: until.map(at) }));
        throttle
    }

    fn unavailable() -> StoreError {
        StoreError::Unavailable(anyhow::anyhow!("down"))
    }

    #[tokio::test]
    async fn a_login_is_judged_by_the_stricter_of_the_two() {
        for (shared, durable) in [((4, Some(500)), (0, None)), ((0, None), (4, Some(500)))] {
            let mirrored = MirroredLoginThrottle::new(
                Arc::new(returning_state(shared.0, shared.1)),
                Arc::new(returning_state(durable.0, durable.1)),
            );
            let state = mirrored.state("alice", at(100)).await.unwrap();
            assert_eq!(state, ThrottleState { failures: 4, throttled_until: Some(at(500)) });
        }
    }

    #[tokio::test]
    async fn a_failure_is_counted_in_both_and_the_later_end_is_kept() {
        let mut shared = MockLoginThrottle::new();
        shared.expect_record_failure().times(1).returning(|_, _, _| Ok(Some(at(160))));
        let mut durable = MockLoginThrottle::new();
        durable.expect_record_failure().times(1).returning(|_, _, _| Ok(Some(at(220))));
        let mirrored = MirroredLoginThrottle::new(Arc::new(shared), Arc::new(durable));
        let until = mirrored.record_failure("alice", at(100), policy()).await.unwrap();
        assert_eq!(until, Some(at(220)));
    }

    #[tokio::test]
    async fn either_side_failing_refuses_rather_than_skips() {
        let mut down = MockLoginThrottle::new();
        down.expect_state().returning(|_, _| Err(unavailable()));
        down.expect_record_failure().returning(|_, _, _| Err(unavailable()));
        let down = Arc::new(down);
        for mirrored in [
            MirroredLoginThrottle::new(down.clone(), Arc::new(returning_state(0, None))),
            MirroredLoginThrottle::new(Arc::new(returning_state(0, None)), down.clone()),
        ] {
            let state = mirrored.state("alice", at(100)).await;
            assert!(matches!(state, Err(StoreError::Unavailable(_))));
        }
        let mut counted = MockLoginThrottle::new();
        counted.expect_record_failure().times(1).returning(|_, _, _| Ok(None));
        let mirrored = MirroredLoginThrottle::new(down, Arc::new(counted));
        let failure = mirrored.record_failure("alice", at(100), policy()).await;
        assert!(matches!(failure, Err(StoreError::Unavailable(_))));
    }

    #[tokio::test]
    async fn a_success_clears_both() {
        let mut shared = MockLoginThrottle::new();
        shared.expect_record_success().times(1).returning(|_| Ok(()));
        let mut durable = MockLoginThrottle::new();
        durable.expect_record_success().times(1).returning(|_| Ok(()));
        let mirrored = MirroredLoginThrottle::new(Arc::new(shared), Arc::new(durable));
        mirrored.record_success("alice").await.unwrap();
    }
}
