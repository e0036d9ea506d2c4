//! In-memory token buckets (one instance).

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use genesis_domain::{RateBucket, RateDecision, RateLimit};
use genesis_ports::{RateLimiter, StoreError};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

/// Every this many checks, idle keys are dropped.
const RETAIN_EVERY: u64 = 4096;

/// The configured limits of each bucket.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub token: RateLimit,
    pub register: RateLimit,
    pub account_writes: RateLimit,
}

/// In-memory token buckets.
pub struct MemoryRateLimiter {
    token: DefaultKeyedRateLimiter<String>,
    register: DefaultKeyedRateLimiter<String>,
    account_writes: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
    checks: AtomicU64,
}

fn quota(limit: RateLimit) -> Quota {
    let per_minute = NonZeroU32::new(limit.per_minute).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(limit.burst).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(per_minute).allow_burst(burst)
}

impl MemoryRateLimiter {
    /// Buckets with the configured limits.
    pub fn new(limits: Limits) -> Self {
        Self {
            token: DefaultKeyedRateLimiter::keyed(quota(limits.token)),
            register: DefaultKeyedRateLimiter::keyed(quota(limits.register)),
            account_writes: DefaultKeyedRateLimiter::keyed(quota(limits.account_writes)),
            clock: DefaultClock::default(),
            checks: AtomicU64::new(0),
        }
    }

    fn limiter(&self, bucket: RateBucket) -> &DefaultKeyedRateLimiter<String> {
        match bucket {
            RateBucket::Token => &self.token,
            RateBucket::Register => &self.register,
            RateBucket::AccountWrites => &self.account_writes,
        }
    }
}

#[async_trait]
impl RateLimiter for MemoryRateLimiter {
    async fn check(&self, bucket: RateBucket, key: &str) -> Result<RateDecision, StoreError> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % RETAIN_EVERY == RETAIN_EVERY - 1 {
            for limiter in [&self.token, &self.register, &self.account_writes] {
                limiter.retain_recent();
            }
        }
        match self.limiter(bucket).check_key(&key.to_owned()) {
            Ok(()) => Ok(RateDecision::Allowed),
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                Ok(RateDecision::Limited { retry_after_seconds: wait.as_secs().saturating_add(1) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_minute: u32, burst: u32) -> MemoryRateLimiter {
        let limit = RateLimit { per_minute, burst };
        MemoryRateLimiter::new(Limits { token: limit, register: limit, account_writes: limit })
    }

    #[tokio::test]
    async fn a_burst_passes_and_the_next_request_waits() {
        let limiter = limiter(6, 3);
        for _ in 0..3 {
            assert_eq!(
                limiter.check(RateBucket::Token, "1.2.3.4").await.unwrap(),
                RateDecision::Allowed
            );
        }
        let RateDecision::Limited { retry_after_seconds } =
            limiter.check(RateBucket::Token, "1.2.3.4").await.unwrap()
        else {
            panic!("the fourth request should wait");
        };
        assert!((1..=11).contains(&retry_after_seconds), "{retry_after_seconds}");
    }

    #[tokio::test]
    async fn keys_and_buckets_are_independent() {
        let limiter = limiter(1, 1);
        assert_eq!(limiter.check(RateBucket::Token, "a").await.unwrap(), RateDecision::Allowed);
        assert_eq!(limiter.check(RateBucket::Token, "b").await.unwrap(), RateDecision::Allowed);
        assert_eq!(limiter.check(RateBucket::Register, "a").await.unwrap(), RateDecision::Allowed);
        assert!(matches!(
            limiter.check(RateBucket::Token, "a").await.unwrap(),
            RateDecision::Limited { .. }
        ));
    }
}
