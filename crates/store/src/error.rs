//! Mapping database errors onto the ports' outcomes.

use anyhow::anyhow;
use genesis_ports::StoreError;
use sea_orm::error::SqlxError;
use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// SQLSTATEs of a transaction the database gave up on to let others proceed (deadlock,
/// serialisation failure): the request can simply be retried.
const RETRYABLE_SQLSTATES: [&str; 2] = ["40001", "40P01"];

/// Whether the error means the database is out of reach or asks for a retry (as opposed to a
/// bug or bad data).
pub(crate) fn is_unavailable(err: &DbErr) -> bool {
    if let DbErr::Exec(RuntimeErr::SqlxError(SqlxError::Database(db)))
    | DbErr::Query(RuntimeErr::SqlxError(SqlxError::Database(db))) = err
    {
        if db.code().is_some_and(|code| RETRYABLE_SQLSTATES.contains(&code.as_ref())) {
            return true;
        }
    }
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => matches!(
            e,
            SqlxError::Io(_)
                | SqlxError::PoolTimedOut
                | SqlxError::PoolClosed
                | SqlxError::WorkerCrashed
                | SqlxError::Tls(_)
                | SqlxError::Protocol(_)
        ),
        _ => false,
    }
}

/// True when a unique index refused the write.
pub(crate) fn is_duplicate(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// True when a foreign key refused the write.
pub(crate) fn is_missing_parent(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::ForeignKeyConstraintViolation(_)))
}

/// A database error as a port error, with what was being done.
pub(crate) fn store_error(doing: &'static str) -> impl Fn(DbErr) -> StoreError {
    move |err| {
        if is_unavailable(&err) {
            StoreError::Unavailable(anyhow!(err).context(doing))
        } else {
            StoreError::Unexpected(anyhow!(err).context(doing))
        }
    }
}

/// Stored data that does not parse back into the domain: a bug or tampering.
pub(crate) fn corrupt(what: &'static str) -> StoreError {
    StoreError::Unexpected(anyhow!("stored {what} does not parse"))
}
