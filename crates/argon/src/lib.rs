//! # genesis-argon
//!
//! The `PasswordHasher` port with argon2id: PHC strings, the configured cost, a dummy hash for
//! unknown users, at most `max_concurrent` hashes at once, each on the blocking pool.
//!
//! **May depend on:** `genesis-ports`, `genesis-domain`, `argon2`, `tokio` (semaphore and
//! `spawn_blocking`). Never on another adapter.
//!
//! **Key decision:** argon2's `*_with_memory` API over a small pool of pre-sized memory blocks,
//! one per permitted concurrent hash. Allocating 19 MiB per hash scaled 1.5× on two threads and
//! let peak memory reach 700 MB in a flood; reusing blocks scales 1.9× and bounds memory to
//! `max_concurrent × memory_kib`. A login that cannot get a slot within a bounded wait is shed
//! (`HashError::Busy`, a 503 with `Retry-After`) instead of queueing without limit.

mod hasher;
mod pool;

pub use hasher::{Argon2Hasher, Argon2Settings, SettingsError};
