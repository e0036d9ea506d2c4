//! # genesis-throttle
//!
//! The `RateLimiter` port: token buckets per client address or per user, either in process
//! memory (one instance) or shared through Redis (several instances, `redis.url`); and, with
//! Redis, the account-throttle counters (mirrored with the database's, the stricter of the two
//! deciding) and the key-change notices that make every instance reload its keys at once.
//!
//! **May depend on:** `genesis-ports`, `genesis-domain`, `governor`, `redis`, `tokio`,
//! `futures-util`, `time`. Never on another adapter.
//!
//! **Key decision:** the same algorithm in both places, GCRA (a token bucket stored as one
//! "theoretical arrival time" per key): in memory through the maintained `governor` crate, in
//! Redis through one Lua script that reads, decides and writes atomically on the server's own
//! clock, so instances with skewed clocks still share one exact limit. A Redis outage makes the
//! limiter answer `Unavailable` (503 upstream), never "allowed".

mod key_notices;
mod memory;
mod mirrored;
mod redis_limiter;
mod redis_throttle;

pub use key_notices::{announce_key_change, listen_for_key_changes, KeyNotice};
pub use memory::{Limits, MemoryRateLimiter};
pub use mirrored::MirroredLoginThrottle;
pub use redis_limiter::{RedisRateLimiter, RedisSetupError};
pub use redis_throttle::RedisLoginThrottle;
