//! # genesis-migration
//!
//! The Genesis database schema as sea-orm migrations, one file per migration, applied by
//! `genesis migrate` and (unless `--no-migrate`) by `genesis serve`.
//!
//! **May depend on:** `sea-orm-migration` only.
//!
//! **Key decision:** one schema for SQLite, MySQL/MariaDB and PostgreSQL. Ids are UUIDs in
//! their 36-character text form and instants are Unix seconds in a `BIGINT`, which every engine
//! stores and compares the same way. Uniqueness (usernames, e-mails, one profile per user) is
//! enforced by unique indexes on normalised key columns, which MySQL compares byte-wise
//! (`utf8mb4_bin`) so its accent-insensitive default collation cannot merge distinct names.

pub use sea_orm_migration::prelude::*;

mod m20261204_000001_identity;
mod m20261204_000002_tokens;
mod m20261204_000003_login_throttles;
mod m20261204_000004_audit_chain;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261204_000001_identity::Migration),
            Box::new(m20261204_000002_tokens::Migration),
            Box::new(m20261204_000003_login_throttles::Migration),
            Box::new(m20261204_000004_audit_chain::Migration),
        ]
    }
}
