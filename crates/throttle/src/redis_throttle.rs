//! Login-throttle counters in Redis, shared at once by every instance that uses the same Redis.
//! One hash per account key: `failures` (counted with `HINCRBY`, atomic) and `until` (Unix
//! seconds, only ever raised, by a script). Entries expire a day after the last failure; the
//! database's copy (see `MirroredLoginThrottle`) remembers longer and survives Redis restarts.

use async_trait::async_trait;
use genesis_domain::LockoutPolicy;
use genesis_ports::{LoginThrottle, StoreError, ThrottleState};
use redis::aio::ConnectionManager;
use redis::Script;
use time::OffsetDateTime;

use crate::redis_limiter::{bounded, connection_manager};
use crate::RedisSetupError;

/// Seconds a failure is remembered in Redis after the last one.
const REMEMBER_SECONDS: i64 = 24 * 3600;

/// Counts one failure and keeps the entry for at least ARGV[1] seconds. Returns the count.
const COUNT_FAILURE: &str = r"
local count = redis.call('HINCRBY', KEYS[1], 'failures', 1)
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
";

/// Raises the throttle end to at least ARGV[1] (Unix seconds) and keeps the entry until then,
/// plus ARGV[2] seconds. Returns the throttle end in force.
const RAISE_UNTIL: &str = r"
local current = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
local wanted = tonumber(ARGV[1])
if wanted > current then
  redis.call('HSET', KEYS[1], 'until', wanted)
  current = wanted
end
local keep = current - tonumber(redis.call('TIME')[1]) + tonumber(ARGV[2])
if redis.call('TTL', KEYS[1]) < keep then
  redis.call('EXPIRE', KEYS[1], keep)
end
return current
";

/// Account throttling in Redis.
pub struct RedisLoginThrottle {
    connection: ConnectionManager,
    count_failure: Script,
    raise_until: Script,
}

impl RedisLoginThrottle {
    /// Connects to `url` (failing fast when Redis is unreachable now).
    pub async fn connect(url: &str) -> Result<Self, RedisSetupError> {
        Ok(Self {
            connection: connection_manager(url).await?,
            count_failure: Script::new(COUNT_FAILURE),
            raise_until: Script::new(RAISE_UNTIL),
        })
    }

    fn key(account: &str) -> String {
        format!("genesis:lt:{account}")
    }
}

fn unavailable(doing: &'static str) -> impl Fn(redis::RedisError) -> StoreError {
    move |err| {
        tracing::warn!(error = %err, "redis is unavailable; refusing the login rather than skipping the throttle");
        StoreError::Unavailable(anyhow::Error::new(err).context(doing))
    }
}

fn instant(unix: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(unix)
        .map_err(|e| StoreError::Unexpected(anyhow::anyhow!(e).context("a throttle end in redis")))
}

#[async_trait]
impl LoginThrottle for RedisLoginThrottle {
    async fn state(&self, key: &str, now: OffsetDateTime) -> Result<ThrottleState, StoreError> {
        let mut connection = self.connection.clone();
        let (failures, until): (Option<u32>, Option<i64>) = bounded(
            redis::cmd("HMGET")
                .arg(Self::key(key))
                .arg("failures")
                .arg("until")
                .query_async(&mut connection),
        )
        .await
        .map_err(unavailable("reading a login throttle in redis"))?;
        let throttled_until = match until.filter(|until| *until > now.unix_timestamp()) {
            Some(until) => Some(instant(until)?),
            None => None,
        };
        Ok(ThrottleState { failures: failures.unwrap_or(0), throttled_until })
    }

    async fn record_failure(
        &self,
        key: &str,
        now: OffsetDateTime,
        policy: LockoutPolicy,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        let mut connection = self.connection.clone();
        let redis_key = Self::key(key);
        let count: u32 = bounded(
            self.count_failure.key(&redis_key).arg(REMEMBER_SECONDS).invoke_async(&mut connection),
        )
        .await
        .map_err(unavailable("counting a failed login in redis"))?;
        let Some(delay) = policy.delay_after(count) else { return Ok(None) };
        let wanted = (now + delay).unix_timestamp();
        let until: i64 = bounded(
            self.raise_until
                .key(&redis_key)
                .arg(wanted)
                .arg(REMEMBER_SECONDS)
                .invoke_async(&mut connection),
        )
        .await
        .map_err(unavailable("throttling an account in redis"))?;
        Ok(Some(instant(until)?))
    }

    async fn record_success(&self, key: &str) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        bounded(redis::cmd("DEL").arg(Self::key(key)).query_async::<()>(&mut connection))
            .await
            .map_err(unavailable("resetting a login throttle in redis"))
    }
}
