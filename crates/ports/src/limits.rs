//! Abuse limits: request rate limits and account throttling.

use async_trait::async_trait;
use genesis_domain::{LockoutPolicy, RateBucket, RateDecision};
use time::OffsetDateTime;

use crate::StoreError;

/// Token buckets keyed by client address or user.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait RateLimiter: Send + Sync {
    /// Takes one token from `key`'s bucket of `bucket`. MUST be atomic: concurrent requests
    /// never overdraw a bucket. `Unavailable` when shared state cannot be reached (the caller
    /// refuses the request rather than skip the limit).
    async fn check(&self, bucket: RateBucket, key: &str) -> Result<RateDecision, StoreError>;
}

/// An account's throttle as read before a login attempt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThrottleState {
    /// Consecutive failures counted so far (none when the account has no record).
    pub failures: u32,
    /// When the account may try again, while it is throttled.
    pub throttled_until: Option<OffsetDateTime>,
}

/// Consecutive failed logins per account key (the normalised username as typed, whether or not
/// such an account exists, so throttling reveals nothing). State survives restarts.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait LoginThrottle: Send + Sync {
    /// The account's consecutive failures, and when it may try again if it is throttled at
    /// `now`.
    async fn state(&self, key: &str, now: OffsetDateTime) -> Result<ThrottleState, StoreError>;

    /// Counts one more failure atomically and, past the policy's threshold, throttles the
    /// account. Returns the new throttle end, if any.
    async fn record_failure(
        &self,
        key: &str,
        now: OffsetDateTime,
        policy: LockoutPolicy,
    ) -> Result<Option<OffsetDateTime>, StoreError>;

    /// Forgets the failures after a successful login (only called when there are some).
    async fn record_success(&self, key: &str) -> Result<(), StoreError>;
}
