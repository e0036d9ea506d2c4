//! Opening the database and applying migrations.

use std::sync::Arc;
use std::time::Duration;

use genesis_domain::ChainedRecord;

use genesis_migration::{Migrator, MigratorTrait};
use genesis_ports::StoreError;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbErr, TransactionTrait,
};

use crate::audit_batch::GroupCommit;
use crate::error::{is_unavailable, store_error};

/// How long to wait for a connection from the pool (or a new one) before answering 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// The store: one connection pool shared by every repository.
#[derive(Clone)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    /// Receives every committed audit record (the binary's stdout sink).
    pub(crate) audit_sink: Option<AuditSink>,
    /// Standalone audit records waiting to be written together.
    pub(crate) batch: Arc<GroupCommit>,
    /// SQLite only: the in-process queue of write transactions (see `begin_write`).
    pub(crate) writers: Option<Arc<tokio::sync::Mutex<()>>>,
}

/// A receiver of committed audit records.
pub type AuditSink = Arc<dyn Fn(&ChainedRecord) + Send + Sync>;

/// Why the database could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("the database URL must start with sqlite:, mysql: or postgres:")]
    Scheme,
    #[error("the database is unreachable")]
    Unreachable(#[source] DbErr),
    #[error("the database refused the operation")]
    Failed(#[source] DbErr),
    #[error("the audit trail could not be chained: {0}")]
    Chain(String),
}

/// Opens a pool of at most `max_connections` to `url`. SQLite files are created when missing
/// and switched to WAL; foreign keys are enforced on every engine.
pub async fn connect(url: &str, max_connections: u32) -> Result<Store, ConnectError> {
    if !["sqlite:", "mysql:", "mariadb:", "postgres:", "postgresql:"]
        .iter()
        .any(|s| url.starts_with(s))
    {
        return Err(ConnectError::Scheme);
    }
    let url = url
        .strip_prefix("mariadb:")
        .map(|rest| format!("mysql:{rest}"))
        .unwrap_or_else(|| url.to_owned());
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(max_connections.max(1))
        .min_connections(0)
        .connect_timeout(ACQUIRE_TIMEOUT)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .idle_timeout(Duration::from_secs(300))
        .sqlx_logging(false);
    let db = Database::connect(options).await.map_err(classify)?;
    let mut writers = None;
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        db.execute_unprepared("PRAGMA journal_mode=WAL").await.map_err(classify)?;
        db.execute_unprepared("PRAGMA foreign_keys=ON").await.map_err(classify)?;
        writers = Some(Arc::default());
    }
    Ok(Store { db, audit_sink: None, batch: Arc::default(), writers })
}

/// Applies every pending migration, then chains any audit records written before the chain
/// existed.
pub async fn migrate(store: &Store) -> Result<(), ConnectError> {
    Migrator::up(&store.db, None).await.map_err(classify)?;
    store.adopt_unchained_records().await.map_err(|e| ConnectError::Chain(e.to_string()))?;
    Ok(())
}

fn classify(err: DbErr) -> ConnectError {
    if is_unavailable(&err) {
        ConnectError::Unreachable(err)
    } else {
        ConnectError::Failed(err)
    }
}

#[async_trait::async_trait]
impl genesis_ports::Readiness for Store {
    async fn is_ready(&self) -> bool {
        matches!(tokio::time::timeout(ACQUIRE_TIMEOUT, self.db.ping()).await, Ok(Ok(())))
    }
}

/// This process's turn to write, held until the transaction ends (SQLite only).
pub(crate) type WriteTurn = Option<tokio::sync::OwnedMutexGuard<()>>;

impl Store {
    /// Starts a write transaction. SQLite has one write lock per database, and a writer that
    /// finds it taken sleeps and retries (1, 2, 5, … 100 ms); so on SQLite this process's writers
    /// queue here first, and each starts the moment the previous one ends. The turn must be kept
    /// until the transaction is committed or dropped.
    pub(crate) async fn begin_write(&self) -> Result<(DatabaseTransaction, WriteTurn), StoreError> {
        let turn = match &self.writers {
            Some(writers) => Some(Arc::clone(writers).lock_owned().await),
            None => None,
        };
        let txn = self.db.begin().await.map_err(store_error("starting a transaction"))?;
        Ok((txn, turn))
    }

    /// Hands every committed audit record to `sink` (after its transaction commits).
    pub fn with_audit_sink(mut self, sink: AuditSink) -> Self {
        self.audit_sink = Some(sink);
        self
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(self) {
        let _ = self.db.close().await;
    }
}

/// How many connections the pool holds, and how many of them are idle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    pub size: u32,
    pub idle: usize,
}

impl Store {
    /// The pool's current usage, for metrics.
    pub fn pool_usage(&self) -> PoolUsage {
        let (size, idle) = match self.db.get_database_backend() {
            DatabaseBackend::MySql => {
                let pool = self.db.get_mysql_connection_pool();
                (pool.size(), pool.num_idle())
            }
            DatabaseBackend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            DatabaseBackend::Sqlite => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
        };
        PoolUsage { size, idle }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_writers_take_turns_in_process() {
        let store = connect("sqlite::memory:", 2).await.unwrap();
        let (first, first_turn) = store.begin_write().await.unwrap();
        assert!(first_turn.is_some());
        let waiting = tokio::time::timeout(Duration::from_millis(200), store.begin_write()).await;
        assert!(waiting.is_err(), "a second writer started while the first held the turn");
        first.commit().await.unwrap();
        drop(first_turn);
        let (second, _turn) = tokio::time::timeout(Duration::from_secs(5), store.begin_write())
            .await
            .unwrap()
            .unwrap();
        second.rollback().await.unwrap();
    }
}
