//! Abuse limits: token-bucket rate limits and the account lockout policy.

use time::Duration;

/// The rate-limited groups of requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateBucket {
    /// Token endpoints, per client address.
    Token,
    /// Registration, per client address.
    Register,
    /// Profile and account writes, per user.
    AccountWrites,
}

impl RateBucket {
    /// A short name for keys and logs.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::Register => "register",
            Self::AccountWrites => "account_writes",
        }
    }
}

/// A token bucket: `burst` requests at once, then one more every 60/`per_minute` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

/// What the rate limiter decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    Allowed,
    /// Over the limit: retry after this many seconds (at least 1).
    Limited {
        retry_after_seconds: u64,
    },
}

/// Account throttling: after `max_failures` consecutive failed logins an account waits
/// `base_delay`, doubling with each further failure up to `max_delay`. Never permanent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl LockoutPolicy {
    /// How long the account must wait after `failures` consecutive failures; `None` while
    /// under the threshold.
    pub fn delay_after(&self, failures: u32) -> Option<Duration> {
        let over = failures.checked_sub(self.max_failures)?;
        let factor = 2_i64.checked_pow(over.min(40)).unwrap_or(i64::MAX);
        let delay = self.base_delay.whole_seconds().saturating_mul(factor);
        Some(Duration::seconds(delay.min(self.max_delay.whole_seconds())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_from_the_threshold_up_to_the_cap() {
        let policy = LockoutPolicy {
            max_failures: 3,
            base_delay: Duration::seconds(60),
            max_delay: Duration::seconds(900),
        };
        assert_eq!(policy.delay_after(2), None);
        assert_eq!(policy.delay_after(3), Some(Duration::seconds(60)));
        assert_eq!(policy.delay_after(4), Some(Duration::seconds(120)));
        assert_eq!(policy.delay_after(7), Some(Duration::seconds(900)));
        assert_eq!(policy.delay_after(u32::MAX), Some(Duration::seconds(900)));
    }
}
