//! # genesis-store
//!
//! The storage adapter: sea-orm over SQLite (the embedded default), MySQL/MariaDB and
//! PostgreSQL, chosen by the URL scheme. Implements `UserRepository`, `ProfileRepository`,
//! `SessionStore`, `RevocationList`, `ClientRepository`, `KeyStore`, `AuditLog` and
//! `Readiness`, and applies the `genesis-migration` schema.
//!
//! **May depend on:** `genesis-ports`, `genesis-domain`, `genesis-migration`, `sea-orm`. Never
//! on another adapter; sea-orm types never leave this crate.
//!
//! **Key decision:** atomicity lives here. Every write that a port pairs with an `AuditEvent`
//! commits both in one transaction; uniqueness is left to the unique indexes and a refused
//! insert is mapped to the port's `Duplicate`, never checked first. Connection failures map to
//! `Unavailable` (a 503 upstream) so an outage is never reported as a bug, and the pool
//! reconnects by itself when the database returns.

mod audit;
mod audit_batch;
mod clients;
mod connect;
mod convert;
mod entity;
mod error;
mod keys;
mod profiles;
mod prune;
mod revocation;
mod sessions;
mod throttle;
mod users;

pub use connect::{connect, migrate, AuditSink, ConnectError, PoolUsage, Store};
