//! Time and randomness, injected so tests control them.

use time::OffsetDateTime;
use uuid::Uuid;

/// The current time.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait Clock: Send + Sync {
    /// Now, in UTC. MUST be monotonic enough for token lifetimes (wall-clock seconds).
    fn now(&self) -> OffsetDateTime;
}

/// Fresh identifiers.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait IdGenerator: Send + Sync {
    /// A random (v4) UUID from a cryptographically secure source.
    fn new_id(&self) -> Uuid;

    /// 256 random bits from a cryptographically secure source, for refresh tokens and client
    /// secrets.
    fn secret(&self) -> [u8; 32];
}

/// The wall clock: the one place Genesis reads the system time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // this is the clock adapter
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// UUIDv4 from the operating system's CSPRNG.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

impl IdGenerator for RandomIds {
    fn new_id(&self) -> Uuid {
        Uuid::new_v4()
    }

    fn secret(&self) -> [u8; 32] {
        let mut bytes = [0u8; 32];
        // The OS random source failing is not recoverable and must never yield a guessable
        // token: fall back to two v4 UUIDs' worth of the same source, which panics rather than
        // return weak bytes.
        if getrandom::getrandom(&mut bytes).is_err() {
            bytes[..16].copy_from_slice(Uuid::new_v4().as_bytes());
            bytes[16..].copy_from_slice(Uuid::new_v4().as_bytes());
        }
        bytes
    }
}
