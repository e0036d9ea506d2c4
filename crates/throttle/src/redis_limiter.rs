//! Token buckets in Redis, shared by every instance.

use std::time::Duration;

use async_trait::async_trait;
use genesis_domain::{RateBucket, RateDecision, RateLimit};
use genesis_ports::{RateLimiter, StoreError};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::Script;

use crate::Limits;

/// GCRA in one atomic step. KEYS[1]: the bucket's key. ARGV[1]: the emission interval T (ms,
/// 60000 / per_minute). ARGV[2]: the burst tolerance τ = T × (burst − 1) (ms). Time is the
/// Redis server's. Returns 0 when allowed, else the milliseconds to wait.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local allow_at = tat - tolerance
if now < allow_at then
  return allow_at - now
end
local next_tat = tat + interval
redis.call('SET', KEYS[1], next_tat, 'PX', math.max(1, next_tat - now))
return 0
";

/// How long a Redis round trip may take before the request is answered 503.
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(1);

/// A connection to `url` that reconnects by itself after an outage, with bounded timeouts
/// (failing fast when Redis is unreachable now).
pub(crate) async fn connection_manager(url: &str) -> Result<ConnectionManager, RedisSetupError> {
    let client = redis::Client::open(url)?;
    let config = ConnectionManagerConfig::new()
        .set_response_timeout(RESPONSE_TIMEOUT)
        .set_connection_timeout(CONNECTION_TIMEOUT)
        .set_number_of_retries(1)
        .set_max_delay(1000);
    Ok(ConnectionManager::new_with_config(client, config).await?)
}

/// Runs `command` against Redis within the response timeout; a timeout is an I/O error.
pub(crate) async fn bounded<T>(
    command: impl std::future::Future<Output = redis::RedisResult<T>>,
) -> redis::RedisResult<T> {
    tokio::time::timeout(RESPONSE_TIMEOUT, command)
        .await
        .unwrap_or_else(|_| Err(redis::RedisError::from((redis::ErrorKind::IoError, "timed out"))))
}

/// Why Redis could not be reached.
#[derive(Debug, thiserror::Error)]
#[error("redis: {0}")]
pub struct RedisSetupError(String);

impl RedisSetupError {
    pub(crate) fn timed_out() -> Self {
        Self("timed out".to_owned())
    }
}

impl From<redis::RedisError> for RedisSetupError {
    fn from(err: redis::RedisError) -> Self {
        Self(err.to_string())
    }
}

/// Token buckets in Redis. The connection manager reconnects by itself after an outage.
pub struct RedisRateLimiter {
    connection: ConnectionManager,
    script: Script,
    limits: Limits,
    prefix: String,
}

impl RedisRateLimiter {
    /// Connects to `url` (failing fast when Redis is unreachable now).
    pub async fn connect(url: &str, limits: Limits) -> Result<Self, RedisSetupError> {
        let connection = connection_manager(url).await?;
        Ok(Self { connection, script: Script::new(GCRA), limits, prefix: "genesis:rl".to_owned() })
    }

    fn limit(&self, bucket: RateBucket) -> RateLimit {
        match bucket {
            RateBucket::Token => self.limits.token,
            RateBucket::Register => self.limits.register,
            RateBucket::AccountWrites => self.limits.account_writes,
        }
    }
}

#[async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn check(&self, bucket: RateBucket, key: &str) -> Result<RateDecision, StoreError> {
        let limit = self.limit(bucket);
        let interval = 60_000_u64 / u64::from(limit.per_minute.max(1));
        let tolerance = interval.saturating_mul(u64::from(limit.burst.max(1)) - 1);
        let mut connection = self.connection.clone();
        let redis_key = format!("{}:{}:{key}", self.prefix, bucket.as_str());
        let waited: Result<u64, _> = bounded(
            self.script.key(redis_key).arg(interval).arg(tolerance).invoke_async(&mut connection),
        )
        .await;
        match waited {
            Ok(0) => Ok(RateDecision::Allowed),
            Ok(wait_ms) => {
                Ok(RateDecision::Limited { retry_after_seconds: wait_ms.div_ceil(1000).max(1) })
            }
            Err(err) => {
                tracing::warn!(error = %err, "redis is unavailable; refusing rather than skipping the rate limit");
                Err(StoreError::Unavailable(anyhow_error(err)))
            }
        }
    }
}

fn anyhow_error(err: redis::RedisError) -> anyhow::Error {
    anyhow::Error::new(err).context("checking a rate limit in redis")
}
